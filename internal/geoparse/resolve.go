package geoparse

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// Doc is one document's place mentions, resolved jointly.
type Doc struct {
	p     *Parser
	text  string
	ms    []mention
	focus string             // ISO2
	votes map[string]float64 // country → evidence weight, for ranking candidates
	a1    map[string]float64 // "ISO2|folded admin1" → probability within its country, from words
	// wordRegion caches wordAdmin1 for the focus country once it is known (wordRegionSet).
	wordRegion    gazetteer.Place
	wordRegionOK  bool
	wordRegionSet bool
}

// mention is a Mention plus what resolution and location choice need.
type mention struct {
	Mention
	r        raw
	cands    []gazetteer.Place
	exact    int     // cands[exact:] came from spelling variants
	variant  bool    // the chosen candidate is one of them
	score    float64 // of the chosen candidate
	drop     bool    // a respelling that found nothing in the story's country: no mention at all
	unitWord bool    // the name ends with a unit word ("Soum Province")
	folded   string  // gazetteer.Fold(Text), which scoring compares for every candidate
	// capitalName is the folded name when a national capital among the exact candidates bears it
	// as its own ("Rome"), else "": set with the candidates, read for each of them.
	capitalName string
}

// Parse recognises and resolves the place mentions of a text.
func (p *Parser) Parse(text string, h Hints) *Doc {
	d := &Doc{p: p, text: text}
	toks := tokenize(text)
	raws := p.recognize(text, toks)
	for _, r := range raws {
		m := mention{r: r}
		m.Start, m.End = toks[r.i].start, toks[r.j-1].end
		m.Text = text[m.Start:m.End]
		m.folded = gazetteer.Fold(m.Text)
		switch {
		case r.inParen > 0:
			m.Cue = "paren"
		case r.after != nil && r.after.role != "event":
			m.Cue = r.after.label
		case r.before != nil:
			m.Cue = r.before.label
		case r.after != nil:
			m.Cue = r.after.label
		}
		if r.isCtry {
			m.Kind = "country"
			m.Resolved = true
			m.Place = countryPlace(r.country)
		} else if len(r.near) > 0 {
			for _, k := range r.near {
				m.cands = append(m.cands, p.g.Lookup(k)...)
			}
		} else if r.known {
			m.cands = p.g.Lookup(m.Text)
		}
		m.unitWord = unitNamed(toks, &r)
		m.exact = len(m.cands)
		if len(r.near) > 0 {
			m.exact = 0 // a respelling, like the variants of addVariants
		}
		m.capitalName = capitalName(m.folded, m.cands[:m.exact])
		if m.Kind == "" {
			m.Kind = "place"
		}
		d.ms = append(d.ms, m)
	}
	d.resolve(h)
	return d
}

func countryPlace(c gazetteer.Country) gazetteer.Place {
	return gazetteer.Place{Name: c.Name, Lat: c.Lat, Lon: c.Lon, Class: 'A', Code: "PCLI", Country: c.ISO2, Source: "country"}
}

// Mentions returns the document's place mentions in text order.
func (d *Doc) Mentions() []Mention {
	out := make([]Mention, len(d.ms))
	for i, m := range d.ms {
		out[i] = m.Mention
	}
	return out
}

// FocusCountry is the ISO2 code of the country the story is mostly about ("" if none is known).
func (d *Doc) FocusCountry() string { return d.focus }

// resolve picks a candidate for every mention: a first pass on each name alone gives country votes,
// then two passes add the focus country and agreement with the other mentions' choices.
func (d *Doc) resolve(h Hints) {
	votes := map[string]float64{}
	if h.Country != "" {
		votes[strings.ToUpper(h.Country)] += 3
	}
	if h.Title != "" {
		for _, r := range d.p.recognize(h.Title, tokenize(h.Title)) {
			if r.isCtry {
				votes[r.country.ISO2] += 1.5
			}
		}
	}
	// The story's other words (actors, institutions, "LGA") vote too: decisive when its places are
	// unknown to the gazetteer or exist in several countries.
	for c, pr := range d.p.words.posterior(d.text, wordTemp) {
		votes[c] += wordVote * pr
	}
	d.a1 = withinCountry(d.p.a1words.posterior(d.text, a1Temp))
	d.cityNotCountry(votes)
	firstCountry := true
	for _, m := range d.ms {
		if m.Kind != "country" {
			continue
		}
		w := 2.0
		if m.r.demonym {
			w = 1
		}
		switch {
		case m.r.border:
			// "near the Niger border": beside that country, not in it.
			w = -1
		case m.r.before != nil && m.r.before.role == "away":
			w = 0.5 // "gunmen from Cameroon", "fled to Niger"
		}
		if firstCountry && m.Start < 300 && !m.r.demonym {
			w += 1 // datelines and the lead name the country of the story, not an actor's nationality
		}
		firstCountry = false
		votes[m.Place.Country] += w
	}
	// Pass 0: each name on its own.
	for i := range d.ms {
		d.pick(i, nil, nil)
	}
	// Each distinct name votes once, spread over the countries where it names something, by the
	// kind of place it is there (not its population: a big Palma in Spain must not outvote the
	// story's Mozambique).
	voted := map[string]bool{}
	for _, m := range d.ms {
		f := m.folded
		if len(m.cands) == 0 || voted[f] || len(m.r.near) > 0 {
			continue // a respelt name is no evidence of its country
		}
		voted[f] = true
		best := map[string]float64{}
		var pop float64
		for _, c := range m.cands {
			if capitalNamedSo(&m, c) {
				continue // Lomé's other name Rome votes for Italy, not Togo
			}
			s := d.p.classPrior(c)
			if v, ok := best[c.Country]; !ok || s > v {
				best[c.Country] = s
			}
			if c.Class == 'P' && d.p.african[c.Country] {
				pop = max(pop, float64(c.Population))
			}
		}
		var z float64
		for _, s := range best {
			z += math.Exp(s)
		}
		// A city everyone knows ("a Kano court") says more about the story's country than a
		// hamlet's name does (in the region sitrep reads: not "Ahmad" for Al Ahmadi).
		w := 1.5 + cityVote*max(0, math.Log10(pop+1)-4)
		if m.calledVillage() {
			w = 1.5 // "the village of Kaya" is no city of 60,000
		}
		for c, s := range best {
			votes[c] += w * math.Exp(s) / z
		}
		if m.r.dateline && len(best) == 1 {
			for c := range best {
				votes[c] += 1
			}
		}
	}
	d.votes = votes
	d.focus = ""
	var top float64
	for c, v := range votes {
		if v > top || (v == top && c < d.focus) {
			d.focus, top = c, v
		}
	}
	d.keepNearInFocus()
	d.addAliases()
	d.addVariants()
	d.addUnitRespellings()
	norm := map[string]float64{}
	for c, v := range votes {
		if top > 0 {
			norm[c] = v / top
		}
	}
	for pass := 0; pass < 2; pass++ {
		prev := make([]mention, len(d.ms))
		copy(prev, d.ms)
		for i := range d.ms {
			d.pick(i, norm, prev)
		}
	}
	d.refocus()
	d.dropWeak()
	d.placeLandmarks()
}

// refocus moves the focus to the country of the story's places when the words alone chose a
// country where none of them lies ("pastoralists ... shot at a hunter near Ore"): a place the text
// names with a cue is firmer evidence than the vocabulary.
func (d *Doc) refocus() {
	if d.focus == "" {
		return
	}
	count := map[string]int{}
	for i := range d.ms {
		m := &d.ms[i]
		if !m.Resolved || m.Kind == "country" || m.variant {
			continue
		}
		if m.Place.Country == d.focus {
			return
		}
		cued := m.r.before != nil && m.r.before.role != "away" || m.r.after != nil || len(m.r.paren) > 0
		if !cued && !bigCity(m.Place) || !d.p.african[m.Place.Country] {
			continue
		}
		// A village where the text puts the event ("the village of Kiki", "near Kiri Kiri") is a
		// place for sure; when the gazetteer knows it only across the border of the country the
		// words chose, that neighbour is the story's country (ISGS raids both sides of the
		// Niger-Burkina border). (The border search comes last: it is the costly test.)
		if notable(m.Place) || m.Place.Code == "ADM1" || m.r.before != nil && m.r.before.role == "event" && d.nearBorder(m.Place) {
			count[m.Place.Country]++
		}
	}
	for i := range d.ms {
		if d.ms[i].Kind == "country" && !d.ms[i].r.demonym && d.ms[i].Place.Country == d.focus {
			return // the text names the country
		}
	}
	best, bn := "", 0
	for c, n := range count {
		if n > bn || n == bn && d.votes[c] > d.votes[best] {
			best, bn = c, n
		}
	}
	if best != "" {
		d.focus = best
	}
}

// nearBorder reports whether p lies within borderKm of a place of the focus country.
func (d *Doc) nearBorder(p gazetteer.Place) bool {
	_, _, ok := d.p.g.NearestWithin(p.Lat, p.Lon, borderKm, d.focus, nil)
	return ok
}

// borderKm: how far across a border a named village may lie from the focus country's places.
const borderKm = 150

// notable reports whether a place is a town that outweighs the vocabulary as evidence: a capital,
// an admin seat or a populous place.
func notable(p gazetteer.Place) bool {
	switch p.Code {
	case "PPLC", "PPLA", "PPLA2", "PPLA3":
		return true
	}
	return p.Class == 'P' && p.Population >= 10000
}

// cityNotCountry turns a country's name into the city it also names ("clashes in Benin" for Benin
// City) when the rest of the story (its words, hints and other country names, in votes so far)
// points to the city's country rather than to the one named.
func (d *Doc) cityNotCountry(votes map[string]float64) {
	for i := range d.ms {
		m := &d.ms[i]
		if m.Kind != "country" || m.r.demonym || m.r.border {
			continue
		}
		others := 0.0
		for j := range d.ms {
			if j != i && d.ms[j].Kind == "country" && d.ms[j].Place.Country == m.Place.Country {
				others++
			}
		}
		if others > 0 {
			continue // the story names the country twice: it means the country
		}
		var cands []gazetteer.Place
		for _, c := range d.p.g.Lookup(m.Text) {
			if c.Class == 'P' && c.Population >= 100000 && c.Country != m.Place.Country && votes[c.Country] > votes[m.Place.Country] {
				cands = append(cands, c)
			}
		}
		if len(cands) == 0 {
			continue
		}
		m.Kind, m.Resolved, m.Place, m.cands, m.exact = "place", false, gazetteer.Place{}, cands, len(cands)
		m.capitalName = capitalName(m.folded, cands)
		m.r.isCtry = false
	}
}

// dropWeak removes bare names, with no cue, brackets or dateline around them, that only resolved
// to a place outside the story's country, or only through a spelling variant: a surname or an organisation's word that happens to
// name a hamlet somewhere ("Diarra", "Corporation", "Langley").
func (d *Doc) dropWeak() {
	isBare := func(m *mention) bool {
		return m.r.before == nil && m.r.after == nil && m.r.inParen == 0 && len(m.r.paren) == 0 && !m.r.dateline && m.r.within == 0
	}
	// A name the story also uses with a cue ("the town of Boulikessi") is a place everywhere.
	cued := map[string]bool{}
	for i := range d.ms {
		if !isBare(&d.ms[i]) {
			cued[d.ms[i].folded] = true
		}
	}
	d.ms = withoutRelinked(d.ms, func(i int) bool {
		m := &d.ms[i]
		if m.drop {
			return false
		}
		return d.focus == "" || !(isBare(m) && !cued[m.folded] && m.Kind != "country" && m.Resolved && (m.Place.Country != d.focus || m.variant))
	}, func(m *mention) *raw { return &m.r })
}

// withoutRelinked removes from xs, in place, the items whose index keep rejects, and renumbers the
// links between those that stay (links gives an item's raw mention).
func withoutRelinked[T any](xs []T, keep func(int) bool, links func(*T) *raw) []T {
	index := make([]int, len(xs)) // old index -> new index+1, 0 if dropped
	n := 0
	for i := range xs {
		if keep(i) {
			xs[n] = xs[i]
			n++
			index[i] = n
		}
	}
	xs = xs[:n]
	for i := range xs {
		links(&xs[i]).relink(index)
	}
	return xs
}

// relink renumbers r's links to other mentions after some were removed: index maps an old index
// to the new index+1, or 0 for a removed mention.
func (r *raw) relink(index []int) {
	for _, link := range []*int{&r.inParen, &r.within, &r.nearTo, &r.unit} {
		if *link > 0 {
			*link = index[*link-1]
		}
	}
}

// withinCountry renormalises admin1 probabilities so that each country's sum to 1.
func withinCountry(post map[string]float64) map[string]float64 {
	sum := map[string]float64{}
	for k, v := range post {
		c, _, _ := strings.Cut(k, "|")
		sum[c] += v
	}
	out := map[string]float64{}
	for k, v := range post {
		c, _, _ := strings.Cut(k, "|")
		out[k] = v / sum[c]
	}
	return out
}

// a1Vote is the weight of the word model's admin1 evidence in a candidate's score; a1Smoothing
// its Dirichlet prior mass.
const (
	a1Vote      = 2.0
	a1Smoothing = 500.0
	a1Temp      = 2.0
)

// cityVote is the extra country vote of a name per tenfold population above 10,000.
const cityVote = 0.5

// wordTemp flattens the country word model's posterior: naive Bayes over a story's words is
// overconfident, and its certainty must not outvote the places (1.5 measured best on the dev
// records and on the held-out half alike).
const wordTemp = 1.5

// wordVote is the weight of the word model's country evidence, one place name being 1.5.
const wordVote = 3.0

// keepNearInFocus keeps, of a misspelt name's candidates, those in the focus country: a name one
// letter from a hamlet abroad says nothing.
func (d *Doc) keepNearInFocus() {
	for i := range d.ms {
		m := &d.ms[i]
		if len(m.r.near) == 0 {
			continue
		}
		kept := m.cands[:0]
		for _, c := range m.cands {
			if c.Country == d.focus {
				kept = append(kept, c)
			}
		}
		m.cands = kept
		if len(kept) == 0 {
			m.Place, m.Resolved, m.Kind = gazetteer.Place{}, false, "place"
			// Still a place when the text says so ("the village of Poundourou"), else an
			// ordinary word ("in African") that happened to lie near a name.
			m.drop = !(m.r.before != nil && strongCue[m.r.before.label] || len(m.r.paren) > 0)
		}
	}
}

// addAliases reads a single bracketed name that is no admin unit of the story's country as
// another name of the place ("Kwari (Kuwiya)", "Mongnaba (Moyaba)", "Godel (Bodel)"): its places
// in the focus country join the mention's candidates when none of these agrees with it.
func (d *Doc) addAliases() {
	if d.focus == "" {
		return
	}
	for i := range d.ms {
		m := &d.ms[i]
		if m.Kind == "country" || len(m.r.paren) != 1 || m.r.inParen > 0 || !strings.HasPrefix(strings.TrimLeft(d.text[m.End:], " "), "(") {
			continue // only a name in brackets right after it, not "Horara, Tessit Commune"
		}
		alias := m.r.paren[0]
		var add []gazetteer.Place
		unit := false
		for _, c := range d.p.g.Lookup(alias) {
			if c.Country != d.focus {
				continue
			}
			if isAdmin(c) || isCapital(c) {
				unit = true // "Menaka (Gao)": a qualifier, not another name
				break
			}
			if c.Class == 'P' {
				add = append(add, c)
			}
		}
		if unit || len(add) == 0 || d.agreesWithParenAny(m.cands, m.r.paren) {
			continue
		}
		// Inserted before the respellings, as names the text gives.
		cands := append(append(append([]gazetteer.Place{}, m.cands[:m.exact]...), add...), m.cands[m.exact:]...)
		m.cands, m.exact = cands, m.exact+len(add)
	}
}

// agreesWithParenAny reports whether some candidate lies in one of the bracketed units.
func (d *Doc) agreesWithParenAny(cands []gazetteer.Place, parts []string) bool {
	for _, c := range cands {
		if c.Country == d.focus && d.agreesWithParen(c, parts) {
			return true
		}
	}
	return false
}

// addVariants gives mentions that have no candidate in the focus country the places of that
// country whose names are spelling variants of theirs ("Boulikessi" for Boulkessi, Mali).
func (d *Doc) addVariants() {
	for i := range d.ms {
		m := &d.ms[i]
		if m.Kind == "country" || m.r.inParen > 0 {
			continue
		}
		inFocus := false
		for _, c := range m.cands {
			// A namesake the text's bracketed units contradict does not count: "Dogofry,
			// Segou Region" is the Dogofri of Segou, not the Dogofry of Kayes.
			if c.Country == d.focus && (len(m.r.paren) == 0 || d.agreesWithParen(c, m.r.paren)) {
				inFocus = true
				break
			}
		}
		if inFocus || d.focus == "" {
			continue // without a focus country a variant could land anywhere in the world
		}
		for _, v := range variants(m.folded) {
			if !d.p.g.Has(v) {
				continue
			}
			for _, c := range d.p.g.Lookup(v) {
				if c.Country == d.focus {
					m.cands = append(m.cands, c)
				}
			}
		}
	}
}

// pick chooses mention i's best candidate.
func (d *Doc) pick(i int, norm map[string]float64, prev []mention) {
	m := &d.ms[i]
	if m.Kind == "country" || len(m.cands) == 0 {
		return
	}
	bi, bs := -1, math.Inf(-1)
	for ci, c := range m.cands {
		s := d.candScore(i, ci, c, norm, prev)
		if s > bs {
			bi, bs = ci, s
		}
	}
	if bi >= m.exact && bs < 0 {
		// Only respellings that contradict the text: leave the name unresolved.
		m.Place, m.Resolved, m.score, m.variant = gazetteer.Place{}, false, 0, false
		return
	}
	m.Place, m.Resolved, m.score = m.cands[bi], true, bs
	m.variant = bi >= m.exact
	switch m.Place.Code {
	case "ADM1":
		m.Kind = "admin1"
	case "ADM2":
		m.Kind = "admin2"
	default:
		m.Kind = "place"
	}
}

// nearLimitKm is how far a place said to lie near another ("X, 20 km north of Y") may be from it:
// reported distances are rough, and a village named near a town is rarely farther than a day's walk.
func nearLimitKm(km float64) float64 { return max(40, 1.5*km+25) }

// farFromFirstQualifier reports whether c lies farther than qualifierKm from the first unit
// bracketed after mention i, when that unit resolved to a place of the region the brackets name
// next (departments created since the gazetteer's admin codes are known by their seat only).
func (d *Doc) farFromFirstQualifier(i int, c gazetteer.Place, prev []mention) bool {
	parts := d.ms[i].r.paren
	for j := range prev {
		o := &prev[j]
		if o.r.inParen != i+1 {
			continue
		}
		if !o.Resolved || o.Place.Country != c.Country || o.Place.Code == "ADM1" {
			return false
		}
		a1, _ := d.p.g.AdminNames(o.Place)
		if !slices.Contains(parts[1:], gazetteer.Fold(a1)) {
			return false // the unit itself resolved outside the region the text gives it
		}
		return gazetteer.DistanceKm(o.Place.Lat, o.Place.Lon, c.Lat, c.Lon) > qualifierKm
	}
	return false
}

// qualifierKm is how far from the seat of the unit it is said to lie in a respelt place may be.
const qualifierKm = 60

// classPrior is a candidate's weight as country evidence: its kind and whether sitrep's region.
func (p *Parser) classPrior(c gazetteer.Place) float64 {
	s := prior(gazetteer.Place{Code: c.Code, Class: c.Class})
	if p.african[c.Country] {
		s += 3.5
	}
	return s
}

// agreesWithParen reports whether a candidate's admin1 or admin2 is one of the bracketed units.
func (d *Doc) agreesWithParen(c gazetteer.Place, parts []string) bool {
	a1, a2 := d.p.g.AdminNames(c)
	f1, f2 := gazetteer.Fold(a1), gazetteer.Fold(a2)
	for _, part := range parts {
		// One edit apart: the brackets may be misspelt too ("Cado Delgado").
		if part != "" && (nearEqual(part, f1) || nearEqual(part, f2)) {
			return true
		}
	}
	return false
}

// prior ranks a place by what it is and how many live there: capitals and admin seats before
// hamlets, populated places before wells and hills.
func prior(c gazetteer.Place) float64 {
	var s float64
	switch c.Code {
	case "PCLI":
		s = 9
	case "PPLC":
		s = 7
	case "ADM1":
		s = 5.5
	case "PPLA":
		s = 5.5
	case "PPLA2":
		s = 4.5
	case "ADM2":
		s = 4
	case "PPLA3", "PPLA4":
		s = 3.2
	case "ADM3":
		s = 3
	default:
		switch c.Class {
		case 'P':
			s = 2.5
		case 'A':
			s = 2
		case 'S':
			s = 0.8
		default:
			s = 0.5
		}
	}
	if c.Class == 'A' {
		// An admin unit's population is its whole area's: it must not outrank the town that gives
		// the unit its name ("Tombouctou" the city before the region).
		s += 0.2 * math.Log10(float64(c.Population)+1)
	} else {
		s += 0.4 * math.Log10(float64(c.Population)+1)
	}
	return s
}

// earlyNode reports whether c is one of OpenStreetMap's first place nodes (ids below
// earlyNodeMax, mapped by 2010), which came from the national gazetteers and are the settlements
// printed maps show; the later namesakes are mostly hamlets traced from imagery. An early node that
// repeats another source's place among the candidates (GeoNames holds the same gazetteer's
// entries) gains nothing, or the duplicate would outrank the GeoNames namesakes.
func earlyNode(c gazetteer.Place, cands []gazetteer.Place) bool {
	n, ok := c.OSMNode()
	if !ok || n >= earlyNodeMax {
		return false
	}
	return !slices.ContainsFunc(cands, func(o gazetteer.Place) bool {
		return o.Source != "osm" && math.Abs(o.Lat-c.Lat) < 0.02 && gazetteer.DistanceKm(o.Lat, o.Lon, c.Lat, c.Lon) < 2
	})
}

const (
	earlyNodeMax   = 1_000_000_000
	earlyNodeBonus = 0.8
)

// hasTownOfNote reports whether cands hold a town of note in unit u's country (its seat, or a
// capital named like it), which the unit's bare name more likely means.
func hasTownOfNote(cands []gazetteer.Place, u gazetteer.Place) bool {
	return slices.ContainsFunc(cands, func(c gazetteer.Place) bool {
		return c.Class == 'P' && notable(c) && c.Country == u.Country
	})
}

func isAdmin(c gazetteer.Place) bool { return c.Class == 'A' && c.Code != "PCLI" }

// isCapital reports whether a place is a national or first-order (state, region) capital.
func isCapital(c gazetteer.Place) bool { return c.Code == "PPLA" || c.Code == "PPLC" }

// candScore scores candidate c for mention i: its prior, the fit with the mention's cues and
// bracketed qualifiers, the country votes (norm, nil in pass 0) and the agreement with the other
// mentions' previous choices (prev, nil in pass 0).
func (d *Doc) candScore(i, ci int, c gazetteer.Place, norm map[string]float64, prev []mention) float64 {
	m := &d.ms[i]
	s := prior(c)
	if earlyNode(c, m.cands) {
		s += earlyNodeBonus
	}
	if norm != nil && c.Country == d.focus && c.Class == 'P' && (c.Code == "PPL" || c.Code == "") {
		// Among the story's country's namesakes, a town that gives its district its name is
		// most likely the district's seat, which the gazetteer did not mark ("Kéniéba" in
		// Kéniéba cercle).
		if _, a2 := d.p.g.AdminNames(c); a2 != "" && gazetteer.Fold(a2) == gazetteer.Fold(c.Name) {
			s += seatBonus
		}
	}
	if ci >= m.exact {
		s -= 1.5 // a variant spelling is weaker evidence than the name as written
		if len(m.r.paren) > 0 && !d.agreesWithParen(c, m.r.paren) {
			// A respelled name must at least lie in the units the text brackets after it.
			s -= contradicted
		} else if len(m.r.paren) >= 2 && prev != nil && !d.agreesWithParen(c, m.r.paren[:1]) && d.farFromFirstQualifier(i, c, prev) {
			// ...and in the most specific of them, when the text names two: "Waraou (Gotheye,
			// Tillaberi)" is no Warou 120 km from Gothèye.
			s -= contradicted
		}
	}
	if ci >= m.exact && prev != nil {
		if ok, related := d.nearRelated(i, c, prev); related {
			// A respelling must lie where the text puts the name: near the place it relates it to.
			if !ok {
				s -= contradicted
			}
		} else if m.exact == 0 && !unitNamedAs(m, c) && !d.supported(i, c, prev) {
			// A respelling (the text's name matched nothing as written) far from every other
			// place of the story is a different name. (Not a unit the text calls by its unit
			// word: few units share a near spelling, unlike hamlets.)
			s -= contradicted
		}
	}
	if ci < m.exact && capitalNamedSo(m, c) {
		// A national capital bears the name as its own: "signed in Rome" is not Lomé, one of
		// whose other names is Rome.
		s -= 5
	}
	if d.p.african[c.Country] {
		s += 3.5 // sitrep reads African conflict news: Palma in Mozambique before Palma de Mallorca
	}
	role := ""
	if m.r.after != nil && m.r.after.role != "event" {
		role = m.r.after.role
	} else if m.r.before != nil {
		role = m.r.before.role
	}
	switch role {
	case "admin1":
		switch {
		case c.Code == "ADM1":
			s += 4
		case c.Code == "ADM2":
			s += 1
		case c.Class == 'P':
			s -= 1
		}
	case "admin2":
		switch {
		case c.Code == "ADM2":
			s += 4
		case c.Code == "ADM3":
			s += 2
		case c.Code == "PPLA2" || c.Code == "PPLA":
			s += 1.5
		case c.Code == "ADM1":
			s += 0.5
		}
	case "admin3":
		switch {
		case c.Code == "ADM3":
			s += 3
		case c.Code == "ADM2" || c.Code == "PPLA3" || c.Code == "PPLA2":
			s += 1
		}
	default:
		if isAdmin(c) && m.r.inParen == 0 && (c.Code != "ADM1" || hasTownOfNote(m.cands, c)) {
			// Without "district"/"region" after it, a name shared by a unit and its seat means
			// the town: "attacked Palma", "in Mopti". (A state named like a hamlet elsewhere is
			// the state: "in Ogun", "a Jigawa imam".)
			s -= 2.5
		}
		if m.calledVillage() && c.Class == 'P' && (isCapital(c) || c.Population >= bigTown) {
			s -= villageNotCity
		}
		if m.r.before != nil && strongCue[m.r.before.label] {
			if c.Class == 'P' {
				s += 1
			} else if c.Class == 'A' {
				s -= 1
			}
		}
	}
	if m.r.inParen > 0 && isAdmin(c) {
		s += 2
	}
	// Bracketed qualifiers name the place's admin units: "Kadji (Gao, Gao)".
	if len(m.r.paren) > 0 {
		a1, a2 := d.p.g.AdminNames(c)
		f1, f2 := gazetteer.Fold(a1), gazetteer.Fold(a2)
		ctry := ""
		if cc, ok := d.p.g.Country(c.Country); ok {
			ctry = gazetteer.Fold(cc.Name)
		}
		for _, part := range m.r.paren {
			switch part {
			case "":
			case f2:
				s += 4
			case f1:
				s += 3.5
			case ctry:
				s += 2
			}
		}
	}
	if d.a1 != nil && c.Admin1 != "" {
		s += a1Vote * d.regionProb(c)
		if norm != nil && c.Country == d.focus {
			// Outside the region the words point to, the namesake nearest it: Boko Haram's
			// Shuwa is the one in Madagali by Borno's border, not the one in southern Taraba.
			if u, ok := d.cachedWordAdmin1(); ok && u.Admin1 != c.Admin1 {
				s += a1Near * math.Exp(-gazetteer.DistanceKm(u.Lat, u.Lon, c.Lat, c.Lon)/a1NearKm)
			}
		}
	}
	if norm != nil {
		if c.Country == d.focus {
			s += 4
		} else {
			s += 2 * norm[c.Country]
		}
	}
	if prev != nil {
		// The units named in brackets after the name, "Tassia (Torodi, Tillaberi)": the place
		// lies near the first, a commune or department usually named after its seat.
		for j := range prev {
			o := &prev[j]
			// Only a town locates: an admin unit's centroid says little, and "Bourem (Bourem, Gao)"
			// names the town's own cercle.
			if o.r.inParen != i+1 || !o.Resolved || o.Place.Country != c.Country || o.Place.Class != 'P' ||
				o.folded == m.folded {
				continue
			}
			switch dist := gazetteer.DistanceKm(o.Place.Lat, o.Place.Lon, c.Lat, c.Lon); {
			case dist < 40:
				s += 3
			case dist < 80:
				s += 1.5
			}
			break
		}
	}
	if prev != nil && m.r.nearTo > 0 {
		// "Tonou, near Dioungani": the namesake near the place the text relates it to.
		if o := &prev[m.r.nearTo-1]; o.Resolved && o.Place.Country == c.Country && o.Place.Class == 'P' {
			if dist := gazetteer.DistanceKm(o.Place.Lat, o.Place.Lon, c.Lat, c.Lon); dist <= nearLimitKm(m.r.nearKm) {
				s += 3
			}
		}
	}
	if prev != nil && m.r.within > 0 {
		if o := &prev[m.r.within-1]; o.Resolved && o.Place.Country == c.Country {
			op := o.Place
			switch {
			case op.Code == "ADM1" || op.Code == "PPLC" || op.Code == "PPLA":
				if op.Admin1 == c.Admin1 {
					s += 3
				}
			case op.Code == "ADM2" || op.Code == "PPLA2":
				if op.Admin1 == c.Admin1 && op.Admin2 == c.Admin2 {
					s += 3
				}
			default:
				if gazetteer.DistanceKm(op.Lat, op.Lon, c.Lat, c.Lon) < 30 {
					s += 3
				}
			}
		}
	}
	if prev != nil && len(m.r.paren) == 0 && m.r.within == 0 && m.r.inParen == 0 {
		// A name the story repeats is the place its qualified mention found: "Isu, Abia clash in
		// Isu" is Abia's Isu both times.
		for j := range prev {
			o := &prev[j]
			if j != i && o.Resolved && (len(o.r.paren) > 0 || o.r.within > 0) && o.Place.ID == c.ID &&
				o.folded == m.folded {
				s += sameNameBonus
				break
			}
		}
	}
	if prev != nil {
		var co float64
		// Each other place counts once, however often the story repeats it: ten "Bamako"s must
		// not drown the difference between two Faladiés.
		seen := map[string]bool{}
		for j := range prev {
			o := &prev[j]
			if j == i || !o.Resolved || o.Kind == "country" || o.folded == m.folded {
				continue
			}
			op := o.Place
			if op.Country != c.Country {
				continue
			}
			key := op.Name + "|" + strconv.FormatInt(op.ID, 10)
			if seen[key] {
				continue
			}
			seen[key] = true
			co += 0.5 // the story's places tend to share a country
			switch {
			case op.Code == "ADM1" && op.Admin1 != "" && op.Admin1 == c.Admin1:
				co += 2.5
			case op.Code == "ADM2" && op.Admin2 != "" && op.Admin1 == c.Admin1 && op.Admin2 == c.Admin2:
				co += 3
			default:
				dist := gazetteer.DistanceKm(op.Lat, op.Lon, c.Lat, c.Lon)
				switch {
				case dist < 30:
					co += 2
				case dist < 100:
					co += 1.5
				case dist < 250:
					co += 0.5
				}
				if op.Admin1 != "" && op.Admin1 == c.Admin1 {
					co += 0.5
				}
			}
		}
		s += math.Min(co, 6)
	}
	return s
}

// supported reports whether candidate c of mention i, a respelt name, agrees with the story's
// other resolved places in its country (close to one, or inside a region the story names), or,
// when it has none, with the region its words suggest.
func (d *Doc) supported(i int, c gazetteer.Place, prev []mention) bool {
	others := false
	for j := range prev {
		o := &prev[j]
		if j == i || !o.Resolved || o.Kind == "country" || o.Place.Country != c.Country || len(o.r.near) > 0 {
			continue
		}
		others = true
		if o.Place.Code == "ADM1" && o.Place.Admin1 == c.Admin1 || o.Place.Code != "ADM1" && gazetteer.DistanceKm(o.Place.Lat, o.Place.Lon, c.Lat, c.Lon) < nearSupportKm {
			return true
		}
	}
	if parts := d.ms[i].r.paren; len(parts) > 0 {
		return d.agreesWithParen(c, parts)
	}
	if d.ms[i].r.inParen > 0 && isAdmin(c) {
		return true // a bracketed qualifier naming a unit: "(..., Cado Delgado)"
	}
	if others {
		return false
	}
	// A story without other places: a town of note, or one in the region its words point to.
	return notable(c) || d.regionProb(c) >= nearSupportA1
}

// regionProb is the probability the story's words give the admin1 unit place c lies in.
func (d *Doc) regionProb(c gazetteer.Place) float64 {
	if d.a1 == nil || c.Admin1 == "" {
		return 0
	}
	a1, _ := d.p.g.AdminNames(c)
	return d.a1[c.Country+"|"+gazetteer.Fold(a1)]
}

// nearRelated reports, for a name the text relates to one other place ("Malamba, 7km from Palma",
// "Milemba neighbourhood, Mocimboa da Praia"), whether candidate c lies where the text puts it:
// near that place, or inside it when it is a unit. related is false when the text relates the
// name to no resolved place of c's country.
func (d *Doc) nearRelated(i int, c gazetteer.Place, prev []mention) (ok, related bool) {
	m := &d.ms[i]
	k, near := m.r.nearTo-1, true
	if k < 0 {
		k, near = m.r.within-1, false
	}
	if k < 0 || k >= len(prev) || !prev[k].Resolved || prev[k].Place.Country != c.Country {
		return false, false
	}
	o := prev[k].Place
	dist := gazetteer.DistanceKm(o.Lat, o.Lon, c.Lat, c.Lon)
	switch {
	case near:
		return dist <= max(respeltNearKm, m.r.nearKm+respeltNearKm/2), true
	case o.Code == "ADM1":
		return o.Admin1 == c.Admin1, true
	case o.Code == "ADM2":
		return o.Admin1 == c.Admin1 && o.Admin2 == c.Admin2 || dist < qualifierKm, true
	default:
		return dist < respeltNearKm, true
	}
}

// sameNameBonus favours, for a name the story repeats, the place its qualified mention found.
const sameNameBonus = 5

// respeltNearKm is how far from the place the text relates it to a respelt name's place may lie.
const respeltNearKm = 30

// nearEqual compares a bracketed name with an admin name: equal, or one edit apart when both are
// long enough for a misspelling to be told from another name.
func nearEqual(a, b string) bool {
	return a == b || len(a) >= gazetteer.FuzzyMinLen && len(b) >= gazetteer.FuzzyMinLen && oneEdit(a, b)
}

// oneEdit reports whether a and b differ by at most one deletion, insertion, replacement or swap
// of neighbours.
func oneEdit(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(b)-len(a) > 1 || a == "" {
		return false
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:] || i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	}
	return a[i:] == b[i+1:]
}

// nearSupportKm and nearSupportA1 are how close a respelt name's place must lie to another place
// of the story, or how likely its region must be by the story's words, to be believed.
const (
	nearSupportKm = 75
	nearSupportA1 = 0.25
)

// seatBonus lifts a town named like its district towards an admin seat's prior.
const seatBonus = 1.5

// sortedVotes lists countries by descending vote (for diagnostics).
func (d *Doc) sortedVotes() []string {
	var cs []string
	for c := range d.votes {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return d.votes[cs[i]] > d.votes[cs[j]] })
	return cs
}

// contradicted is the penalty of a respelling the text contradicts: enough to leave the name
// unresolved when no candidate escapes it.
const contradicted = 40.0

// cachedWordAdmin1 is wordAdmin1, computed once the focus country is known.
func (d *Doc) cachedWordAdmin1() (gazetteer.Place, bool) {
	if !d.wordRegionSet {
		d.wordRegion, d.wordRegionOK = d.wordAdmin1()
		d.wordRegionSet = true
	}
	return d.wordRegion, d.wordRegionOK
}

// a1Near and a1NearKm: the bonus of a namesake outside the words' region, by its distance from it.
const a1Near, a1NearKm = 1.0, 200.0

// calledVillage reports whether the text calls the mention a village ("the village of X", "X village").
func (m *mention) calledVillage() bool {
	return m.r.before != nil && m.r.before.label == "village of" || m.r.after != nil && m.r.after.label == "village of"
}

// bigTown and villageNotCity: a place the text calls a village is rarely a regional capital or a
// town this populous; such a namesake loses villageNotCity.
const bigTown, villageNotCity = 20000, 4.0

// unitNamedAs reports whether candidate c is a unit of the level the unit word after m names
// ("Magadali Local Government Area" and the LGA Madagali).
func unitNamedAs(m *mention, c gazetteer.Place) bool {
	a := m.r.after
	return a != nil && (a.role == "admin2" && c.Code == "ADM2" || a.role == "admin1" && c.Code == "ADM1")
}

// capitalNamedSo reports whether candidate c of m bears the mention's name only as one of its other
// names while a national capital among the candidates bears it as its own.
func capitalNamedSo(m *mention, c gazetteer.Place) bool {
	return m.capitalName != "" && gazetteer.Fold(c.Name) != m.capitalName
}

// capitalName returns folded, a mention's folded name, when a national capital among cands bears
// it as its own, else "".
func capitalName(folded string, cands []gazetteer.Place) string {
	for _, o := range cands {
		if o.Code == "PPLC" && gazetteer.Fold(o.Name) == folded {
			return folded
		}
	}
	return ""
}

// bigCity reports whether p is a capital of note: its name alone ("protest at a Kano court")
// places a story, cue or none.
func bigCity(p gazetteer.Place) bool {
	return isCapital(p) && p.Population >= 100000
}
