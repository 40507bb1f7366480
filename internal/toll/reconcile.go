package toll

import "slices"

// Report is one figure as reported for an event, with who reported it.
type Report struct {
	Figure        Figure
	By            string // claimant text
	ByPerpetrator bool   // the claimant is the side that did the killing (its own claim)
	Group         string // victim group key; empty means the figure's VictimClass
}

// Toll is the reconciled death toll of an event.
type Toll struct {
	Best, Low, High int
	Used            []int // indexes of the reports Best is made of
}

// Reconcile applies the conservative rule to the reports of one event:
//   - only killed figures count: wounded, abducted, captured, missing and "casualties" never do;
//     running totals (Aggregate), recalled causes (Background) and subsets (Part: "including one
//     civilian", "some of the victims") never add;
//   - a perpetrator's own claim counts only when no other report exists;
//   - reports form statements: a figure Joined to the one before ("20 soldiers and one civilian") or
//     Additional to it ("three militants were also killed") adds to its statement; any other report
//     starts a new, competing statement;
//   - per victim group (Report.Group, else the figure's VictimClass), the lowest credible statement
//     ("at least 21", "about 20", "20" → 20); a negated report ("no one was killed") is a credible 0;
//     a vague word counts only when the group has no precise figure;
//   - known groups (civilian, military, ...) are summed, a vague group only when no group is precise; a figure of unknown victims ("people",
//     "martyrs") is a total that competes with that sum: the lower of the two when both are precise
//     or both vague ("21 civilians" against "about 20 people" → 20; "20 troops and one civilian"
//     against "21 martyrs" → 21), the precise one when only one is;
//   - except that a precise figure less than half a vague word's value is one of the many, not a
//     count of them ("many bodies in the streets" and "a British contractor was killed" → many):
//     within a group and between the total and the groups;
//   - Low and High span the competing credible statements the same way.
func Reconcile(reports []Report) Toll {
	var credible, perp []int
	for i, r := range reports {
		f := r.Figure
		if f.Kind != "killed" || f.Aggregate || f.Part || f.Background {
			continue
		}
		if r.ByPerpetrator {
			perp = append(perp, i)
		} else {
			credible = append(credible, i)
		}
	}
	use := credible
	if len(use) == 0 {
		use = perp
	}
	if len(use) == 0 {
		return Toll{}
	}
	var stmts []map[string]*tally
	for _, i := range use {
		r := reports[i]
		f := r.Figure
		key := r.Group
		if key == "" {
			key = f.VictimClass
		}
		if key == "" {
			key = "unknown"
		}
		v, lo, hi := f.Value, min(f.Low, f.Value), max(f.High, f.Value)
		if f.Negated {
			v, lo, hi = 0, 0, 0
		}
		if len(stmts) == 0 || !(f.Joined || f.Additional) {
			stmts = append(stmts, map[string]*tally{})
		}
		st := stmts[len(stmts)-1]
		a := st[key]
		if a == nil {
			a = &tally{vague: true}
			st[key] = a
		}
		a.sum += v
		a.low += lo
		a.high += hi
		a.vague = a.vague && f.Vague && !f.Negated
		a.idx = append(a.idx, i)
	}
	// Within one statement, people of unknown class listed with known groups are other people
	// ("fifteen ISGS and five JNIM fighters"): a group of their own, not a competing total.
	for _, st := range stmts {
		if a, ok := st["unknown"]; ok && len(st) > 1 {
			delete(st, "unknown")
			if o := st["other"]; o != nil {
				o.sum += a.sum
				o.low += a.low
				o.high += a.high
				o.vague = o.vague && a.vague
				o.idx = append(o.idx, a.idx...)
			} else {
				st["other"] = a
			}
		}
	}
	// Per group: the precise statements if any, else the vague ones; the lowest is the best.
	groups := map[string]*tally{}
	var order []string
	for _, st := range stmts {
		for k := range st {
			if _, ok := groups[k]; !ok {
				groups[k] = nil
				order = append(order, k)
			}
		}
	}
	slices.Sort(order)
	for _, k := range order {
		lowPrecise, lowVague := -1, -1
		for _, st := range stmts {
			if a := st[k]; a != nil {
				if a.vague && (lowVague < 0 || a.sum < lowVague) {
					lowVague = a.sum
				}
				if !a.vague && (lowPrecise < 0 || a.sum < lowPrecise) {
					lowPrecise = a.sum
				}
			}
		}
		precise := lowPrecise >= 0 && !oneOfMany(lowPrecise, lowVague)
		var g *tally
		for _, st := range stmts {
			a := st[k]
			if a == nil || a.vague == precise {
				continue
			}
			if g == nil {
				g = &tally{sum: a.sum, low: a.low, high: a.high, vague: a.vague, idx: a.idx}
				continue
			}
			if a.sum < g.sum {
				g.sum, g.idx = a.sum, a.idx
			}
			g.low = min(g.low, a.low)
			g.high = max(g.high, a.high)
		}
		groups[k] = g
	}
	// A vague word for one group adds nothing beside a precise figure for another ("at least 30
	// insurgents were killed and an unknown number of soldiers died" → 30): it is no count.
	anyPrecise := false
	for _, k := range order {
		if g := groups[k]; k != "unknown" && g != nil && !g.vague {
			anyPrecise = true
		}
	}
	var known *tally
	for _, k := range order {
		if k == "unknown" {
			continue
		}
		g := groups[k]
		if anyPrecise && g.vague {
			continue
		}
		if known == nil {
			known = &tally{vague: true}
		}
		known.sum += g.sum
		known.low += g.low
		known.high += g.high
		known.vague = known.vague && g.vague
		known.idx = append(known.idx, g.idx...)
	}
	unk := groups["unknown"]
	var pick *tally
	switch {
	case known == nil:
		pick = unk
	case unk == nil:
		pick = known
	case unk.vague != known.vague: // a precise figure beats a vague one, unless it is one of the many
		exact, vague := known, unk
		if known.vague {
			exact, vague = unk, known
		}
		pick = exact
		if oneOfMany(exact.sum, vague.sum) {
			pick = vague
			t := Toll{Best: pick.sum, Low: min(exact.low, vague.low, pick.sum), High: max(exact.high, vague.high, pick.sum), Used: slices.Clone(pick.idx)}
			slices.Sort(t.Used)
			return t
		}
	default:
		lower, other := known, unk
		if unk.sum < known.sum {
			lower, other = unk, known
		}
		pick = lower
		if unk.vague { // two vague words: the larger, as "dozens" is not undone by "many"
			pick = other
		}
		t := Toll{Best: pick.sum, Low: min(known.low, unk.low), High: max(known.high, unk.high), Used: slices.Clone(pick.idx)}
		t.Low, t.High = min(t.Low, t.Best), max(t.High, t.Best)
		slices.Sort(t.Used)
		return t
	}
	t := Toll{Best: pick.sum, Low: min(pick.low, pick.sum), High: max(pick.high, pick.sum), Used: slices.Clone(pick.idx)}
	slices.Sort(t.Used)
	return t
}

// oneOfMany reports a precise figure too small to count what a vague word counts: less than half of
// it ("a contractor was killed" beside "dozens of civilians").
func oneOfMany(precise, vague int) bool {
	return vague > 0 && precise >= 0 && 2*precise < vague
}

// tally is one group's count within a statement, or across statements.
type tally struct {
	sum, low, high int
	vague          bool // every figure of it is a vague word
	idx            []int
}
