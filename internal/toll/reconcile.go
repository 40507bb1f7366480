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
//     civilian") never add;
//   - a perpetrator's own claim counts only when no other report exists;
//   - reports form statements: a figure Joined to the one before ("20 soldiers and one civilian") or
//     Additional to it ("three militants were also killed") adds to its statement; any other report
//     starts a new, competing statement;
//   - per victim group (Report.Group, else the figure's VictimClass), the lowest credible statement
//     ("at least 21", "about 20", "20" → 20); a negated report ("no one was killed") is a credible 0;
//   - groups are summed, but a figure of unknown victims is a total of its own: Best is the larger of
//     the sum of the known groups and the lowest unknown total ("21 martyrs" with "20 troops and one
//     civilian" → 21, not 42);
//   - Low and High span the credible statements the same way.
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
	type agg struct {
		sum, low, high int
		idx            []int
	}
	var stmts []map[string]*agg
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
			stmts = append(stmts, map[string]*agg{})
		}
		st := stmts[len(stmts)-1]
		a := st[key]
		if a == nil {
			a = &agg{}
			st[key] = a
		}
		a.sum += v
		a.low += lo
		a.high += hi
		a.idx = append(a.idx, i)
	}
	// Per group: the lowest statement is the best, the range spans them all.
	best := map[string]*agg{}
	var order []string
	for _, st := range stmts {
		for k, a := range st {
			b, ok := best[k]
			if !ok {
				best[k] = &agg{sum: a.sum, low: a.low, high: a.high, idx: a.idx}
				order = append(order, k)
				continue
			}
			if a.sum < b.sum {
				b.sum, b.idx = a.sum, a.idx
			}
			b.low = min(b.low, a.low)
			b.high = max(b.high, a.high)
		}
	}
	slices.Sort(order)
	var t Toll
	var unk *agg
	known := false
	for _, k := range order {
		a := best[k]
		if k == "unknown" {
			unk = a
			continue
		}
		known = true
		t.Best += a.sum
		t.Low += a.low
		t.High += a.high
		t.Used = append(t.Used, a.idx...)
	}
	if unk != nil {
		if !known || unk.sum > t.Best {
			t.Best, t.Used = unk.sum, append([]int(nil), unk.idx...)
		}
		if !known {
			t.Low = unk.low
		} else {
			t.Low = min(t.Low, unk.low)
		}
		t.High = max(t.High, unk.high)
	}
	t.Low = min(t.Low, t.Best)
	t.High = max(t.High, t.Best)
	slices.Sort(t.Used)
	return t
}
