// Package actor recognises the armed groups, state forces and other parties named in conflict news
// and gives them ACLED's canonical names and inter codes: a dictionary of names and aliases (English,
// French, Portuguese, acronyms, transliterations) learned from ACLED records and written by hand,
// generic words ("the army", "gunmen", "villagers") resolved by the event's country and date (state
// forces carry ACLED's regime-era suffix), and role assignment (who attacked whom) for an event's
// sentences.
//
// Data (embedded from data/):
//   - aliases.tsv, generic.tsv, nationality.tsv, eras.tsv, renames.tsv: written by hand (aliases in
//     several languages, generic words and their class, regime eras after the learned years, later
//     names of groups).
//   - learned.json.gz: learned from ACLED records by `sitrep actors build` (Learn): ACLED's names per
//     country with inter codes and dates, the eras of state forces, which actor ACLED codes a word as
//     in each country (links), parent groups by year and groups that demonstrate rather than fight.
//     Rebuild it when the records, the hand-written files or the learner change; the build is
//     reproducible byte for byte.
package actor

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Actor is one party to an event, named as ACLED names it.
type Actor struct {
	Name    string
	Inter   int
	Country string // ACLED country name or ""
}

// Mention is one actor mention in a text: byte span, the text, the actor it names when it names one,
// and the generic class when it is a generic word ("soldiers" → "military").
type Mention struct {
	Start, End int
	Text       string
	Actor      Actor
	// Generic is "", "military", "police", "gendarmes", "unidentified", "jihadists", "rebels",
	// "militia", "civilians", "protesters" or "rioters".
	Generic string
}

// Dictionary resolves actor mentions. It is read-only after construction and safe for concurrent use.
type Dictionary struct {
	idx         *index
	nationality map[string]string
	natWords    int
	links       map[[2]string][]Link // key, country
	eras        map[[2]string][]eraSpan
	renames     map[string][]rename
	inter       map[[2]string]int // name (era-slotted), country ("" any)
	seen        map[[2]string]int // events a learned name was seen in, per country
	parents     map[string]string
	parentYears map[string][]ParentYear
	combos      map[string]bool // learned "A and/or B" names, era-free
	concept     map[string]string
	countries   map[string]bool
	the         map[string]bool // countries ACLED writes with "the" (the Democratic Republic of Congo)
	crowds      map[string]bool // groups that demonstrate rather than fight (learned)
}

type eraSpan struct {
	label       string
	first, last time.Time // last zero: open
	n           int
}

//go:embed data/learned.json.gz
var learnedGz []byte

var defaultOnce = sync.OnceValues(func() (*Dictionary, error) {
	m, err := ReadModel(bytes.NewReader(learnedGz))
	if err != nil {
		return nil, err
	}
	return New(m)
})

// Default returns the dictionary built from the embedded data (hand-written aliases plus the model
// learned from ACLED records). It is built once and shared.
func Default() (*Dictionary, error) { return defaultOnce() }

// New builds a dictionary from the hand-written data and a learned model.
func New(m *Model) (*Dictionary, error) {
	h, err := loadHand()
	if err != nil {
		return nil, err
	}
	d := &Dictionary{
		idx: newIndex(), nationality: h.nationality, links: map[[2]string][]Link{},
		eras: map[[2]string][]eraSpan{}, renames: h.renames, inter: map[[2]string]int{}, seen: map[[2]string]int{},
		parents: map[string]string{}, parentYears: map[string][]ParentYear{}, combos: map[string]bool{}, concept: map[string]string{},
		countries: map[string]bool{}, the: map[string]bool{}, crowds: map[string]bool{},
	}
	for _, n := range m.Crowds {
		d.crowds[n] = true
	}
	for k := range h.nationality {
		if n := strings.Count(k, " ") + 1; n > d.natWords {
			d.natWords = n
		}
	}
	for _, a := range m.Actors {
		d.countries[a.Country] = true
	}
	for _, e := range h.eras {
		d.countries[e.Country] = true
	}
	h.addTo(d.idx)
	for _, a := range h.aliases {
		d.concept[a.canonical] = a.canonical
		if _, ok := d.inter[[2]string{a.canonical, ""}]; !ok {
			d.inter[[2]string{a.canonical, ""}] = a.inter
		}
	}
	for old, rs := range h.renames {
		for _, r := range rs {
			d.concept[old] = r.to
		}
	}
	global := map[string][2]int{} // name → best inter, its count
	for _, a := range m.Actors {
		plain, _, _, _ := stripEra(a.Name)
		d.inter[[2]string{plain, a.Country}] = a.Inter
		d.seen[[2]string{plain, a.Country}] += a.N
		if g := global[plain]; a.N > g[1] && a.Inter != 0 {
			global[plain] = [2]int{a.Inter, a.N}
		}
		if strings.Contains(plain, " and/or ") {
			d.combos[plain] = true
		}
		for _, f := range derivedForms(a.Name, d.countries) {
			d.idx.addNamed(f, cand{name: plain, inter: a.Inter, scope: a.Country, n: a.N})
		}
	}
	for name, g := range global {
		if _, ok := d.inter[[2]string{name, ""}]; !ok {
			d.inter[[2]string{name, ""}] = g[0]
		}
	}
	for _, e := range m.Eras {
		if c, ok := strings.CutPrefix(e.Country, "the "); ok {
			d.the[c] = true
			e.Country = c
		}
		k := [2]string{e.Country, e.Kind}
		d.eras[k] = append(d.eras[k], eraSpan{label: e.Label, first: parseDay(e.First), last: parseDay(e.Last), n: e.N})
	}
	for _, e := range h.eras {
		k := [2]string{e.Country, e.Kind}
		d.eras[k] = append(d.eras[k], eraSpan{label: e.Label, first: parseDay(e.First)})
	}
	for k := range d.eras {
		es := d.eras[k]
		sort.SliceStable(es, func(i, j int) bool { return es[i].first.Before(es[j].first) })
	}
	for _, l := range m.Links {
		k := [2]string{l.Key, l.Country}
		d.links[k] = append(d.links[k], l)
	}
	for _, p := range m.Parents {
		d.parents[p.Name] = p.Parent
		d.parentYears[p.Name] = p.Years
	}
	for _, f := range d.idx.forms {
		sort.SliceStable(f.cands, func(i, j int) bool {
			a, b := f.cands[i], f.cands[j]
			if a.hand != b.hand {
				return a.hand
			}
			if (a.scope == "") != (b.scope == "") {
				return a.scope == ""
			}
			return a.n > b.n
		})
	}
	if len(d.idx.forms) == 0 {
		return nil, fmt.Errorf("actor dictionary is empty")
	}
	return d, nil
}

// Find returns every actor mention in text[start:end], in text order. Named mentions carry the actor
// their words most often stand for; Resolve refines it (and resolves generic words) for an event's
// country and date.
func (d *Dictionary) Find(text string, start, end int) []Mention {
	start, end = clampSpan(text, start, end)
	toks := tokenize(text, start, end)
	var out []Mention
	matches := d.idx.scan(toks)
	starts := map[int]bool{}
	for _, mt := range matches {
		starts[toks[mt.i].start] = true
	}
	for _, mt := range matches {
		m := Mention{Start: toks[mt.i].start, End: toks[mt.j-1].end}
		if partOfName(text, m.Start, m.End) && !starts[m.End+1] {
			// "Bobo" of "Bobo-Dioulasso" is the town, not the Bobo militia ("Fulani-Dogon
			// clashes" name two actors).
			continue
		}
		if len(mt.form.cands) > 0 && (mt.form.generic == "" || hasGlobal(mt.form)) {
			c := mt.form.cands[0]
			m.Actor = d.finish(c.name, "", time.Time{})
		} else {
			m.Generic = mt.form.generic
			// A nationality word before a generic one says whose forces: "Nigerien soldiers".
			if nat, i := d.nationalityBefore(toks, mt.i); nat != "" && (len(out) == 0 || toks[i].start >= out[len(out)-1].End) {
				// "Nigerian and Cameroonian forces": the first nationality is a party of its own.
				if i >= 2 && (toks[i-1].norm == "and" || toks[i-1].norm == "et") && (len(out) == 0 || toks[i-2].start >= out[len(out)-1].End) {
					if nat0, i0 := d.nationalityBefore(toks, i-1); nat0 != "" && (len(out) == 0 || toks[i0].start >= out[len(out)-1].End) {
						first := Mention{Start: toks[i0].start, End: toks[i-2].end, Generic: m.Generic, Actor: Actor{Country: nat0}}
						first.Text = text[first.Start:first.End]
						out = append(out, first)
					}
				}
				m.Start = toks[i].start
				m.Actor.Country = nat
			}
		}
		m.Text = text[m.Start:m.End]
		out = append(out, m)
	}
	// Merging may take in a closing parenthesis past the span ("Nusrat al-Islam (JNIM)" cut before
	// its ")"): mentions stay inside what the caller asked about.
	merged := mergeMentions(text, out)
	for i := range merged {
		if merged[i].End > end {
			merged[i].End = end
			merged[i].Text = text[merged[i].Start:end]
		}
	}
	return merged
}

// partOfName reports a match that is only the first part of a hyphenated proper name: joined by a
// hyphen to a capitalised word after it ("Bobo-Dioulasso"). A lower-case part ("JNIM-affiliated") or
// an acronym ("Boko Haram-ISWAP clashes") keeps the match.
func partOfName(text string, start, end int) bool {
	if end+2 >= len(text) || text[end] != '-' {
		return false
	}
	r1, size := utf8.DecodeRuneInString(text[end+1:])
	r2, _ := utf8.DecodeRuneInString(text[end+1+size:])
	return unicode.IsUpper(r1) && unicode.IsLower(r2)
}

// linkedGap reports the words between a name and a generic word that tie them: "-linked", "-affiliated".
func linkedGap(gap string) bool {
	switch strings.ToLower(strings.Trim(gap, " -")) {
	case "linked", "affiliated", "allied", "aligned", "backed":
		return true
	}
	return false
}

// hasGlobal reports a form with a meaning that holds anywhere (not only in one country).
func hasGlobal(f *form) bool {
	for _, c := range f.cands {
		if c.scope == "" {
			return true
		}
	}
	return false
}

// armedGeneric reports generic classes that name fighters ("militants", "gunmen", "fighters").
func armedGeneric(class string) bool {
	switch class {
	case "unidentified", "jihadists", "rebels", "militia":
		return true
	}
	return false
}

// mergeMentions joins mentions that name one party: "JNIM militants" (a name and the fighters' word
// after it), "Islamic State in the Sahel (EIS)" (a name and its acronym in brackets), "volunteer
// fighters (VDP)" (a generic word and the name in brackets).
func mergeMentions(text string, ms []Mention) []Mention {
	var out []Mention
	for k := 0; k < len(ms); k++ {
		m := ms[k]
		for k+1 < len(ms) {
			n := ms[k+1]
			if n.Start < m.End {
				break
			}
			gap := text[m.End:n.Start]
			inBrackets := strings.TrimSpace(gap) == "(" && strings.HasPrefix(strings.TrimLeft(text[n.End:], " "), ")")
			switch {
			case m.Generic == "" && (armedGeneric(n.Generic) || n.Generic == "military" || n.Generic == "police") && strings.TrimSpace(gap) == "" && n.Actor.Country == "":
				// "JNIM militants", "Barkhane forces": the name carries the mention.
			case m.Generic == "" && armedGeneric(n.Generic) && linkedGap(gap):
				// "Al-Qaeda-linked jihadist group": the group named by its allegiance.
			case m.Generic == "" && armedGeneric(n.Generic) && strings.TrimSpace(gap) == ")":
				// "Katiba Macina (JNIM) militants": handled by the bracket rule, then the word joins.
			case inBrackets && n.Generic == "" && (m.Generic == "" && m.Actor.Name == n.Actor.Name || armedGeneric(m.Generic)):
				close := n.End + strings.Index(text[n.End:], ")") + 1
				m.Actor, m.Generic = n.Actor, ""
				n.End = close
			default:
				goto done
			}
			m.End = n.End
			m.Text = text[m.Start:m.End]
			k++
		}
	done:
		out = append(out, m)
	}
	return out
}

func clampSpan(text string, start, end int) (int, int) {
	if start < 0 {
		start = 0
	}
	if end > len(text) || end < 0 {
		end = len(text)
	}
	if start > end {
		start = end
	}
	return start, end
}

// nationalityBefore looks for a nationality word just before token i ("Malian", "Burkina Faso").
func (d *Dictionary) nationalityBefore(toks []token, i int) (string, int) {
	for n := min(d.natWords, i); n >= 1; n-- {
		parts := make([]string, n)
		for k := 0; k < n; k++ {
			parts[k] = toks[i-n+k].norm
		}
		if c, ok := d.nationality[strings.Join(parts, " ")]; ok {
			return c, i - n
		}
	}
	return "", 0
}

// Resolve gives a mention the actor it stands for in an event in country (ACLED name) on date: the
// name ACLED uses there and then, the era of state forces, and for generic words the actor of the
// context ("the army" → Military Forces of <country> (<era>), "gunmen" → Unidentified Armed Group
// (<country>)).
func (d *Dictionary) Resolve(m Mention, country string, date time.Time) Actor {
	toks := tokenize(m.Text, 0, len(m.Text))
	if m.Generic != "" {
		f := d.suffixForm(toks, true)
		key := ""
		if f != nil {
			key = f.key
			// A generic word with a hand-written meaning in this country ("separatists" in Mali).
			for _, c := range f.cands {
				if c.hand && c.scope != "" && c.scope == country && (c.since.IsZero() || !date.Before(c.since)) && !date.IsZero() {
					return d.finish(c.name, country, date)
				}
			}
		}
		return d.resolveGeneric(m.Generic, key, m.Actor.Country, country, date)
	}
	var f *form
	for _, mt := range d.idx.scan(toks) {
		if len(mt.form.cands) > 0 {
			f = mt.form
			break
		}
	}
	if f == nil {
		if m.Actor.Name != "" {
			return d.finish(m.Actor.Name, country, date)
		}
		return Actor{}
	}
	name := d.pickNamed(f, country, date)
	if name == "" {
		return Actor{}
	}
	return d.finish(name, country, date)
}

// suffixForm finds the index form of a mention's words (a generic mention may start with a
// nationality word, so the longest suffix that is a form is taken).
func (d *Dictionary) suffixForm(toks []token, generic bool) *form {
	for i := 0; i < len(toks); i++ {
		parts := make([]string, 0, len(toks)-i)
		for _, t := range toks[i:] {
			parts = append(parts, t.norm)
		}
		if f := d.idx.forms[strings.Join(parts, " ")]; f != nil && (generic || len(f.cands) > 0) {
			return f
		}
	}
	return nil
}

// linkValid reports whether a learned link may speak for a date: ACLED's naming of a year ago still
// holds, older naming gives way to the hand-written current names.
func linkValid(l Link, date time.Time) bool {
	if date.IsZero() {
		return true
	}
	last := parseDay(l.Last)
	return last.IsZero() || !date.After(last.AddDate(1, 0, 0))
}

// bestLink picks among links the one covering the date, else the most frequent.
func bestLink(ls []Link, date time.Time) (Link, bool) {
	var best Link
	found, bestCovers := false, false
	for _, l := range ls {
		covers := !date.IsZero() && !date.Before(parseDay(l.First)) && !date.After(parseDay(l.Last))
		if !found || (covers && !bestCovers) || (covers == bestCovers && l.N > best.N) {
			best, found, bestCovers = l, true, covers
		}
	}
	return best, found
}

// pickNamed chooses the name a named form stands for in a country at a date.
func (d *Dictionary) pickNamed(f *form, country string, date time.Time) string {
	own := map[string]bool{}
	for _, c := range f.cands {
		own[c.name] = true
		own[d.conceptOf(c.name)] = true
	}
	// 1. A hand-written meaning for this very country (Al-Shabaab in Mozambique).
	for _, c := range f.cands {
		if c.hand && c.scope != "" && c.scope == country && !c.since.IsZero() && !date.Before(c.since) {
			return c.name // a meaning that holds from a date on ("separatists" in Mali from 2023)
		}
	}
	for _, c := range f.cands {
		if c.hand && c.scope != "" && c.scope == country && c.since.IsZero() {
			return c.name
		}
	}
	// 2. What ACLED coded these words as in this country, among the names this form can mean
	// (including older names of the same group), else a dominant name of the same kind.
	if country != "" {
		var mine, other []Link
		for _, l := range d.links[[2]string{f.key, country}] {
			if !linkValid(l, date) || strings.Contains(l.Name, " and/or ") || genericClassName(l.Name) {
				continue
			}
			switch {
			case own[l.Name] || own[d.conceptOf(l.Name)]:
				mine = append(mine, l)
			case l.N*2 >= l.Of && l.N >= 3 && strings.Contains(" "+normKey(l.Name)+" ", " "+f.key+" "):
				// ACLED's own longer name for these words ("Boko Haram" → "Boko Haram - Wilayat
				// Gharb Ifriqiyyah" in Nigeria's records).
				other = append(other, l)
			}
		}
		if l, ok := bestLink(mine, date); ok {
			return l.Name
		}
		if l, ok := bestLink(other, date); ok && d.sameKind(l.Name, f) {
			return l.Name
		}
	}
	// 3. The hand-written meaning anywhere (under the older name ACLED used for it here and then),
	// else the learned name seen most in this country.
	for _, c := range f.cands {
		if c.hand && c.scope == "" {
			return d.olderName(c.name, country, date)
		}
	}
	for _, c := range f.cands {
		if (c.scope == country || country == "") && c.since.IsZero() {
			return c.name
		}
	}
	// Words learned only from other countries' records (APC is a party in Nigeria, an armoured
	// carrier elsewhere) name nobody here.
	return ""
}

// olderName returns the name ACLED used for a group in a country before a rename took effect
// ("Islamist Militia (Mozambique)" for Islamic State (Mozambique) in 2020), when it used one there.
func (d *Dictionary) olderName(name, country string, date time.Time) string {
	if date.IsZero() || country == "" {
		return name
	}
	best, bestN := name, 0
	for old, rs := range d.renames {
		for _, r := range rs {
			if n := d.seen[[2]string{old, country}]; r.to == name && date.Before(r.from) && (n > bestN || n == bestN && n > 0 && old < best) {
				best, bestN = old, n
			}
		}
	}
	return best
}

// sameKind reports whether a learned name may replace a form's own candidates: both armed non-state
// groups, or both state forces.
func (d *Dictionary) sameKind(name string, f *form) bool {
	in := d.interOf(name, "")
	for _, c := range f.cands {
		ci := c.inter
		if ci == 0 {
			ci = d.interOf(c.name, "")
		}
		if (ci == 1) == (in == 1) && in != 7 && in != 6 && in != 5 {
			return true
		}
	}
	return false
}

func (d *Dictionary) conceptOf(name string) string {
	if c, ok := d.concept[name]; ok {
		return c
	}
	return name
}

// classAccepts says which learned names a generic class may resolve to.
func (d *Dictionary) classAccepts(class, name string) bool {
	switch class {
	case "military":
		return strings.HasPrefix(name, "Military Forces of ")
	case "police":
		return strings.HasPrefix(name, "Police Forces of ")
	case "gendarmes":
		return strings.Contains(name, "Gendarmerie")
	case "unidentified", "jihadists", "rebels", "militia":
		if genericClassName(name) {
			return strings.HasPrefix(name, "Unidentified ") && !strings.Contains(name, "Group (") || strings.HasPrefix(name, "Unidentified Armed Group")
		}
		in := d.interOf(name, "")
		return in >= 2 && in <= 4 || in == 8
	}
	return false
}

func (d *Dictionary) resolveGeneric(class, key, nat, country string, date time.Time) Actor {
	c := country
	switch class {
	case "military", "police", "gendarmes", "civilians", "government":
		// "Nigerien soldiers", "a Swiss hostage": the nationality names the country.
		if nat != "" {
			c = nat
		}
	}
	if c != "" && (nat == "" || nat == country) {
		// What ACLED codes the word (else its class) as in this country, when it is clear.
		for _, k := range []string{key, "#" + class} {
			var ok []Link
			for _, l := range d.links[[2]string{k, c}] {
				if linkValid(l, date) && d.classAccepts(class, l.Name) && l.N*2 >= l.Of && l.N >= 3 {
					ok = append(ok, l)
				}
			}
			if l, found := bestLink(ok, date); found {
				return d.finish(l.Name, country, date)
			}
		}
	}
	var name string
	state := c
	if d.the[c] {
		state = "the " + c
	}
	switch class {
	case "military":
		name = "Military Forces of " + state + " " + eraSlot
	case "police":
		name = "Police Forces of " + state + " " + eraSlot
	case "government":
		name = "Government of " + state + " " + eraSlot
	case "gendarmes":
		name = "Police Forces of " + state + " " + eraSlot + " Gendarmerie"
	case "militia":
		name = "Unidentified Communal Militia (" + c + ")"
	case "civilians":
		name = "Civilians (" + c + ")"
	case "protesters":
		name = "Protesters (" + c + ")"
	case "rioters":
		name = "Rioters (" + c + ")"
	default:
		name = "Unidentified Armed Group (" + c + ")"
	}
	if c == "" {
		name = strings.TrimSuffix(strings.Replace(name, " of  "+eraSlot, " "+eraSlot, 1), " ()")
		name = strings.Replace(name, "Forces "+eraSlot, "Forces", 1)
	}
	return d.finish(name, country, date)
}

// finish turns an internal name into the Actor for an event: later renames, the era of state forces,
// the inter code (state forces abroad are external forces, 8).
func (d *Dictionary) finish(name, country string, date time.Time) Actor {
	orig := name
	if !date.IsZero() {
		for _, r := range d.renames[name] {
			if !date.Before(r.from) {
				name = r.to
			}
		}
	}
	if strings.Contains(name, "{country}") {
		if country == "" {
			name = strings.TrimSpace(strings.ReplaceAll(name, "({country})", ""))
		}
		name = strings.ReplaceAll(name, "{country}", country)
	}
	inter := d.interOf(name, country)
	if inter == 0 {
		inter = d.interOf(strings.Replace(name, "("+country+")", "({country})", 1), "")
	}
	if inter == 0 && orig != name {
		// A renamed group keeps the category of the name it was known by.
		inter = d.interOf(orig, country)
	}
	a := Actor{Name: name}
	if kind, home := stateOf(name); kind != "" {
		a.Name = strings.Replace(name, eraSlot, d.era(home, kind, date), 1)
		a.Name = strings.Join(strings.Fields(a.Name), " ")
		a.Country = home
		inter = 1
		if strings.HasPrefix(name, "Military Forces") && country != "" && home != country {
			inter = 8
		}
	} else if i := strings.LastIndex(name, " ("); i > 0 && strings.HasSuffix(name, ")") && d.countries[name[i+2:len(name)-1]] {
		a.Country = name[i+2 : len(name)-1]
	}
	if inter == 0 {
		inter = interOfName(a.Name)
	}
	a.Inter = inter
	return a
}

func (d *Dictionary) interOf(name, country string) int {
	if v, ok := d.inter[[2]string{name, country}]; ok && v != 0 {
		return v
	}
	if v, ok := d.inter[[2]string{name, ""}]; ok && v != 0 {
		return v
	}
	return interOfName(name)
}

// era picks the regime era of a country's state forces for a date: the era seen covering it, else
// the latest one begun by then, else the earliest known.
func (d *Dictionary) era(country, kind string, date time.Time) string {
	es := d.eras[[2]string{country, kind}]
	if len(es) == 0 && kind == "Police Forces" {
		es = d.eras[[2]string{country, "Military Forces"}]
	}
	if len(es) == 0 {
		return ""
	}
	if date.IsZero() {
		return es[len(es)-1].label
	}
	best := -1
	for i, e := range es {
		// Of the eras seen around the date, the one ACLED used most (a stale label lingers in a few
		// records); an open hand-written era counts once its first day has come.
		if !date.Before(e.first) && (e.last.IsZero() || !date.After(e.last)) && (best < 0 || e.n >= es[best].n) {
			best = i
		}
	}
	if best >= 0 {
		return es[best].label
	}
	for i, e := range es {
		if !date.Before(e.first) {
			best = i
		}
	}
	if best >= 0 {
		return es[best].label
	}
	return es[0].label
}

// parentOf returns the group ACLED codes a named unit under at a date ("Katiba Macina" → JNIM in
// 2018-2019), or "" when ACLED then coded the unit as an actor of its own.
func (d *Dictionary) parentOf(name string, date time.Time) string {
	p, ok := d.parents[name]
	if !ok {
		return ""
	}
	ys := d.parentYears[name]
	if date.IsZero() || len(ys) == 0 {
		return p
	}
	pick := ys[0]
	for _, y := range ys {
		if y.Year <= date.Year() {
			pick = y
		}
	}
	if pick.N*2 >= pick.Of {
		return p
	}
	return ""
}
