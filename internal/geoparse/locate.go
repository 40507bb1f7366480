package geoparse

import (
	"math"
	"slices"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// Locate picks the location of an event described in text[start:end]: where it happened, not where
// survivors fled or a spokesman spoke. Without a usable place there it falls back to the document's
// best place, then to the focus country, with the matching geo_precision; ok is false only when not
// even a country is known.
func (d *Doc) Locate(start, end int) (Location, bool) {
	if i := d.bestIn(start, end, false); i >= 0 {
		i = d.placeInside(i, start, end)
		if u := d.contradictingUnit(i, start, end); u >= 0 {
			if up := d.ms[u].Place; up.Class == 'P' || up.Code == "ADM2" {
				// A town standing for its unit: there, at the unit's precision. A district: the
				// village the text names is unknown inside it (its namesakes lie elsewhere) and
				// may be anywhere in it, so its centre, nearer on average than its seat ("Ihie
				// (Ohaji/Egbema LGA, Imo)"). Either way the village's name is the evidence.
				loc := d.fill(up, 3)
				loc.Start, loc.End = d.ms[i].Start, d.ms[i].End
				return loc, true
			}
			i = u
		}
		if loc, ok := d.locationOf(i, start, end); ok {
			return loc, true
		}
	}
	if i := d.bestIn(0, len(d.text), true); i >= 0 {
		if loc, ok := d.locationOf(i, 0, len(d.text)); ok {
			return loc, true
		}
	}
	if d.focus == "" {
		return Location{}, false
	}
	c, ok := d.p.g.Country(d.focus)
	if !ok {
		return Location{}, false
	}
	if a, ok := d.wordAdmin1(); ok {
		// No place the gazetteer knows, but the story's words point to one region ("Dogon",
		// "Dan Na Ambassagou"): its centre, at precision 3, is nearer the truth than the country's.
		loc := d.fill(a, 3)
		return loc, true
	}
	loc := d.fill(countryPlace(c), 3)
	loc.Name = c.Name
	// The country's point is its capital's, and ACLED codes a national-level event there, in
	// the capital's region ("Maputo City" for a decree signed in Maputo).
	if q, ok := d.p.cachedSeat("country point", countryPlace(c), func() (gazetteer.Place, bool) {
		q, km, ok := d.p.g.Nearest(c.Lat, c.Lon, c.ISO2, func(q gazetteer.Place) bool { return q.Admin1 != "" })
		return q, ok && km < 10
	}); ok {
		loc.Admin1, _ = d.p.g.AdminNames(q)
	}
	for _, m := range d.ms {
		if m.Kind == "country" && m.Place.Country == d.focus {
			loc.Start, loc.End = m.Start, m.End
			break
		}
	}
	return loc, true
}

// placeInside returns, when mention i is a state the text puts the event in, the village or town
// inside it that the span names about as surely ("attacked seven villages in Zamfara state ... The
// attacked villages are Wonaka, Ajja, ..."), else i: ACLED places such an event at the village.
func (d *Doc) placeInside(i, start, end int) int {
	u := &d.ms[i]
	if !u.Resolved || u.Place.Code != "ADM1" || u.r.before == nil || u.r.before.role != "event" {
		return i
	}
	best, bs := i, d.eventScore(i)-insideSlack
	for j := range d.ms {
		m := &d.ms[j]
		if j == i || !m.Resolved || m.Place.Class != 'P' || m.Start < start || m.End > end || m.r.inParen > 0 || m.variant {
			continue
		}
		if m.Place.Country != u.Place.Country || m.Place.Admin1 != u.Place.Admin1 || m.r.before != nil && m.r.before.role == "away" {
			continue
		}
		if s := d.eventScore(j); s > bs {
			best, bs = j, s
		}
	}
	return best
}

// insideSlack is how much less likely than its state a village inside it may be as the event's
// place and still be chosen over it.
const insideSlack = 1.0

// wordAdmin1 returns the focus country's admin1 unit that the word model favours, when it favours
// one clearly.
func (d *Doc) wordAdmin1() (gazetteer.Place, bool) {
	best, bp := "", 0.0
	prefix := d.focus + "|"
	for k, p := range d.a1 {
		if strings.HasPrefix(k, prefix) && p > bp {
			best, bp = k[len(prefix):], p
		}
	}
	if bp < wordAdmin1Min {
		return gazetteer.Place{}, false
	}
	for _, c := range d.p.g.Lookup(best) {
		if c.Code != "ADM1" || c.Country != d.focus {
			continue
		}
		if a1, _ := d.p.g.AdminNames(c); gazetteer.Fold(a1) == best {
			return c, true
		}
	}
	return gazetteer.Place{}, false
}

// wordAdmin1Min is the least probability the word model must give an admin1 unit for a story
// without known places to be located there.
const wordAdmin1Min = 0.5

// bestIn returns the index of the mention in [start, end) most likely to be where the event
// happened, or -1.
func (d *Doc) bestIn(start, end int, resolvedOnly bool) int {
	best, bs := -1, math.Inf(-1)
	rank := 0
	allowed := d.countriesIn(start, end)
	for i := range d.ms {
		m := &d.ms[i]
		if m.Start < start || m.End > end || m.Kind == "country" {
			continue
		}
		if !m.Resolved && (resolvedOnly || len(m.r.paren) == 0 && !d.hasFallback(i)) {
			continue
		}
		if m.Resolved && allowed != nil && !allowed[m.Place.Country] && (!d.p.african[m.Place.Country] || d.votes[m.Place.Country] < foreignShare*d.votes[d.focus]) {
			// A story about one country whose name matched a town elsewhere ("Awara", "Toyota",
			// "Makutano" in Congo for a Kenyan story): that town is not where its event
			// happened, unless the event's own sentences name that other country.
			continue
		}
		s := d.eventScore(i)
		if j := d.roadEnd(i); j >= 0 && d.ms[j].Resolved && capitalRank(d.ms[j].Place) != capitalRank(m.Place) {
			// An attack on the road between a capital and a lesser town happens out of town,
			// nearer the lesser one: ACLED codes it there. The cues around the road's ends
			// are the road's ("on the Sokoto-Isa road").
			s = max(s, d.eventScore(j))
			// A capital the story names again is where it puts the event ("residents in Gao
			// ... the route Gao-Sevare", "between Dori and Seytenga ... 7 km east of Dori").
			if capitalRank(d.ms[j].Place) < capitalRank(m.Place) && d.repeats(i) == 0 {
				s -= roadCapitalPenalty
			}
		}
		s -= 0.3 * float64(rank)
		if m.Resolved {
			s += a1Event * d.regionProb(m.Place)
		}
		rank++
		if s > bs {
			best, bs = i, s
		}
	}
	return best
}

// a1Event weighs the word model's admin1 evidence in choosing the event's place among the story's:
// in a list of villages, the one in the region the story's words are about ("Boko Haram camps at
// Amuda ... and Attagara" for an Amuda 1,000 km from Borno).
const a1Event = 0.5

// foreignShare: a place outside the focus country may still locate the event when its country has
// at least this share of the focus country's evidence (border stories, wrong focus guesses).
const foreignShare = 0.5

// countriesIn returns the countries an event in [start, end) may lie in: the focus country and those
// the span names. With no focus, any.
func (d *Doc) countriesIn(start, end int) map[string]bool {
	if d.focus == "" {
		return nil
	}
	out := map[string]bool{d.focus: true}
	for _, m := range d.ms {
		if m.Kind == "country" && m.Start >= start && m.End <= end {
			out[m.Place.Country] = true
		}
	}
	return out
}

// contradictingUnit returns the most specific admin unit the span names with a unit word ("Keana
// Local Government Area", "Nasarawa State") when the chosen place lies outside it, else -1: the
// text's own units outrank a same-name village the gazetteer found elsewhere.
func (d *Doc) contradictingUnit(i, start, end int) int {
	m := &d.ms[i]
	// A commune (ADM3) is a place here: the text's district may contradict it like a village's.
	if !m.Resolved || isAdmin(m.Place) && m.Place.Code != "ADM3" {
		return -1
	}
	if u := d.contradictingQualifier(i); u >= 0 {
		return u
	}
	if u := d.contradictingContainer(i); u >= 0 {
		return u
	}
	best, bestLevel := -1, 0
	conflict, inState := false, false
	for j := range d.ms {
		o := &d.ms[j]
		if j == i || !o.Resolved || o.Start < start || o.End > end || o.Place.Country != m.Place.Country {
			continue
		}
		// The span also names the place's own unit ("active in Zamfara and Katsina states
		// attacked Kabaro", "in Shiroro and Rafi LGAs"): the place agrees with one of them.
		if o.Place.Code == "ADM2" && o.Place.Admin1 == m.Place.Admin1 && o.Place.Admin2 != "" && o.Place.Admin2 == m.Place.Admin2 {
			return -1
		}
		if o.Place.Code == "ADM1" && o.Place.Admin1 == m.Place.Admin1 {
			inState = true // unless a district of that state says otherwise
			continue
		}
		role := ""
		if o.r.after != nil {
			role = o.r.after.role
		}
		// The unit qualifies the place when it is told in its sentence or close by ("in Lau
		// LGA. ... attacked Katibu"), not in another part of a long story.
		if role != "admin1" && role != "admin2" || !d.sameSentence(m, o) && (abs(m.Start-o.Start) > nearUnit || notable(m.Place)) {
			continue
		}
		if o.r.before != nil && o.r.before.role == "away" {
			continue // "members from Cross River and Kaduna States protest in Abuja"
		}
		level := 0
		switch o.Place.Code {
		case "ADM1":
			level = 1
		case "ADM2":
			level = 2
		default:
			continue
		}
		if outsideUnit(o.Place, m.Place) {
			conflict = true
		}
		if level > bestLevel {
			best, bestLevel = j, level
		}
	}
	if !conflict || inState && (bestLevel < 2 || d.ms[best].Place.Admin1 != m.Place.Admin1) {
		return -1
	}
	return best
}

// contradictingContainer returns the admin unit the text puts mention i inside ("Dong community
// in Jos South") when the place chosen for it lies outside that unit, else -1.
func (d *Doc) contradictingContainer(i int) int {
	m := &d.ms[i]
	k := m.r.within - 1
	if k < 0 || k >= len(d.ms) {
		return -1
	}
	o := &d.ms[k]
	// Admin codes near a unit's border may disagree with the text's map; a namesake far away
	// cannot.
	if !o.Resolved || o.Place.Country != m.Place.Country || gazetteer.DistanceKm(o.Place.Lat, o.Place.Lon, m.Place.Lat, m.Place.Lon) < containerSlackKm {
		return -1
	}
	if outsideUnit(o.Place, m.Place) {
		return k
	}
	return -1
}

// outsideUnit reports whether place p lies outside admin unit u by their admin codes: another
// admin1, or for a district another admin2 when both are known. Any other u contains nothing.
func outsideUnit(u, p gazetteer.Place) bool {
	switch u.Code {
	case "ADM1":
		return u.Admin1 != p.Admin1
	case "ADM2":
		return u.Admin1 != p.Admin1 || u.Admin2 != "" && p.Admin2 != "" && u.Admin2 != p.Admin2
	}
	return false
}

// containerSlackKm: a place this near the centre of the unit the text puts it in is taken to be in
// it, whatever the gazetteer's admin codes say.
const containerSlackKm = 60

// contradictingQualifier returns the most specific admin unit among the qualifiers of mention i
// that is another country's ("Akuse town (Lower Manya Krobo, Eastern)"), named with its unit word
// ("Basnere, Soum Province") or a region of the place's own country far from it ("Chibuto
// (Gondola, Manica)" for a Chibuto in Gaza) when none of them agrees with the place chosen for
// it, else -1: the place is a namesake elsewhere, and the unit is what the text says.
func (d *Doc) contradictingQualifier(i int) int {
	m := &d.ms[i]
	if len(m.r.paren) == 0 || d.agreesWithParen(m.Place, m.r.paren) {
		return -1
	}
	if c, ok := d.p.g.Country(m.Place.Country); ok && slices.Contains(m.r.paren, gazetteer.Fold(c.Name)) {
		return -1
	}
	contradicted, region := false, ""
	for j := range d.ms {
		o := &d.ms[j]
		if o.r.inParen != i+1 || !o.Resolved {
			continue
		}
		// Within one country the gazetteer's admin codes and the text's units often differ in
		// vintage or spelling while the place is right: only a unit word, another country or a
		// region far away says otherwise.
		// So does the seat of the first of two or three bracketed units, "Maloum-Djori
		// (Gueskerou, Diffa)" for a Maloum 1,200 km from Gueskerou.
		unit := o.Place.Code == "ADM1" || o.Place.Class == 'P' && len(m.r.paren) >= 2 && o.folded == m.r.paren[0]
		farRegion := unit && o.Place.Country == m.Place.Country && m.Place.Admin1 != "" && o.Place.Admin1 != m.Place.Admin1 &&
			gazetteer.DistanceKm(o.Place.Lat, o.Place.Lon, m.Place.Lat, m.Place.Lon) > farRegionKm
		if o.Place.Country != m.Place.Country || o.explicitUnit() || farRegion {
			contradicted = true
			if o.Place.Code == "ADM1" || farRegion && region == "" {
				region = o.Place.Country + "." + o.Place.Admin1
			}
		}
	}
	if !contradicted {
		return -1
	}
	best, bestLevel := -1, 0
	for j := range d.ms {
		o := &d.ms[j]
		if o.r.inParen != i+1 || !o.Resolved || o.Place.Country == m.Place.Country && region == "" && !o.explicitUnit() {
			continue
		}
		if region != "" && o.Place.Country+"."+o.Place.Admin1 != region {
			continue // a district of the region the text names, not a namesake elsewhere
		}
		level := 0
		switch {
		case o.Place.Code == "ADM1":
			level = 1
		case o.Place.Code == "ADM2":
			level = 2
		case o.Place.Class == 'P' && region != "" && d.qualifierRank(i, j) == 0:
			// "Waraou (Gotheye, Tillaberi)" with the only Waraou in Diffa: the department's
			// seat, the most specific unit the text gives.
			level = 3
		}
		if level > bestLevel {
			best, bestLevel = j, level
		}
	}
	return best
}

// explicitUnit reports whether the mention is named as an admin unit by a unit word, in it ("Soum
// Province") or after it ("Koro cercle").
func (m *mention) explicitUnit() bool {
	return m.unitWord || m.r.after != nil && m.r.after.role != "event"
}

// farRegionKm is how far from the centre of a region the text names a place must lie for the
// region to contradict it: regions are large, and their borders move.
const farRegionKm = 200

// nearUnit is how far (bytes) from a place a unit word can qualify it across sentences.
const nearUnit = 250

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// sameSentence reports whether two mentions lie in one sentence: no full stop or line break
// between them.
func (d *Doc) sameSentence(a, b *mention) bool {
	lo, hi := min(a.End, b.End), max(a.Start, b.Start)
	if lo >= hi {
		return true
	}
	between := d.text[lo:hi]
	return !strings.Contains(between, ". ") && !strings.ContainsAny(between, "\n!?")
}

// eventScore rates how likely mention i names the event's place.
func (d *Doc) eventScore(i int) float64 {
	m := &d.ms[i]
	var s float64
	if b := m.r.before; b != nil {
		switch b.role {
		case "event":
			s += 1.5
			if strongCue[b.label] {
				s += 1
			}
		case "away":
			s -= 4
		case "ref":
			s += 1 // "3 km from X": the event is near X
		}
	}
	if a := m.r.after; a != nil && a.role == "event" && a.prec > 1 {
		s -= 0.5 // "the X area" is vaguer than a named village
	}
	if m.r.inParen > 0 {
		s -= 3 // a qualifier of another name
	}
	if m.r.before == nil && m.r.after == nil && len(m.r.paren) == 0 && m.r.within == 0 {
		s -= 1 // a bare name ("31 Bassa dead") is weaker than one the text places ("in Toto LGA")
	}
	if m.r.dateline {
		s -= 3 // where the story was filed
	}
	if len(m.r.paren) > 0 {
		s += 1
	}
	if !m.Resolved {
		s -= 0.5
		return s
	}
	switch pl := m.Place; {
	case pl.Code == "ADM1":
		s -= 1.5
	case pl.Code == "ADM2":
		s -= 0.7
	case pl.Class == 'P':
		s += 1
	case pl.Code == "ADM3" && m.namedVillage():
		s += 1 // "Pallam village": a ward named after its village, which the text means
	case pl.Class == 'A':
		s -= 0.2
	default:
		s += 0.3
	}
	if d.focus != "" && m.Place.Country != d.focus {
		s -= 3
	}
	// A name the story keeps returning to is where it happened.
	return s + min(0.2*float64(d.repeats(i)), 0.6)
}

// namedVillage reports whether the text calls the mention a village or town.
func (m *mention) namedVillage() bool {
	if a := m.r.after; a != nil {
		return a.role == "event" && a.prec == 1 // not "Kwara district"
	}
	return m.r.before != nil && strongCue[m.r.before.label]
}

// hasFallback reports whether an unresolved mention has a resolved unit or a place it lies near to
// fall back on.
func (d *Doc) hasFallback(i int) bool {
	if _, ok := d.nearPlace(i); ok {
		return true
	}
	_, ok := d.fallbackFor(i)
	return ok
}

// nearPlace returns the resolved populated place that mention i is said to lie near, or in
// ("Kokourou in the Bandiagara area", "N'Tominkorobougou in the capital of Bamako").
func (d *Doc) nearPlace(i int) (*mention, bool) {
	k := d.ms[i].r.nearTo - 1
	if k < 0 {
		k = d.ms[i].r.within - 1
	}
	if k < 0 || k >= len(d.ms) {
		return nil, false
	}
	y := &d.ms[k]
	if !y.Resolved || y.Place.Class != 'P' || d.ms[i].Resolved && y.Place.Country != d.ms[i].Place.Country {
		return nil, false
	}
	return y, true
}

// fallbackFor finds the most specific resolved unit that contains unresolved mention i: its
// bracketed qualifiers first, then the other admin units the story names in the same country.
func (d *Doc) fallbackFor(i int) (int, bool) {
	best, bs := -1, 0
	for j := range d.ms {
		o := &d.ms[j]
		if j == i || !o.Resolved || o.Kind == "country" {
			continue
		}
		var spec int
		switch {
		case o.r.inParen == i+1:
			// The first bracketed unit is the most specific, "(Tera, Tillaberi)", unless it is
			// the region: "(Cabo Delgado, Muidumbe)".
			spec = 60 - 20*d.qualifierRank(i, j)
			if o.Place.Code == "ADM1" {
				spec -= 30
			}
		case o.Place.Code == "ADM3":
			if d.outsideNamedDistrict(o) {
				continue // "Tse Adoor, Tiir Ward, Tongov in Katsina/Ala LGA" for a Tongov ward in Tarka
			}
			spec = 8
		case o.Place.Code == "ADM2":
			spec = 6
		case o.Place.Code == "ADM1":
			spec = 4
		default:
			continue
		}
		if o.r.inParen != i+1 && o.explicitUnit() {
			spec++ // "Agatu chiefdom in Nasarawa Local Government": the unit the text names as one
		}
		if d.focus != "" && o.Place.Country != d.focus {
			continue
		}
		if spec > bs {
			best, bs = j, spec
		}
	}
	return best, best >= 0
}

// outsideNamedDistrict reports whether the story names a district (ADM2) of ward o's state other
// than the ward's own: the ward is then a namesake.
func (d *Doc) outsideNamedDistrict(o *mention) bool {
	for k := range d.ms {
		u := &d.ms[k]
		if u.Resolved && u.Place.Code == "ADM2" && u.Place.Country == o.Place.Country && u.Place.Admin1 == o.Place.Admin1 && u.Place.Admin2 != o.Place.Admin2 {
			return true
		}
	}
	return false
}

// qualifierRank is the position of mention j among the bracketed qualifiers of mention i.
func (d *Doc) qualifierRank(i, j int) int {
	n := 0
	for k := range d.ms[:j] {
		if d.ms[k].r.inParen == i+1 {
			n++
		}
	}
	return n
}

// strangerTo reports whether the place chosen for m is a namesake of the one the text puts near y,
// or inside it: too far from y. A town is no namesake ("Port Harcourt near Ada-George": Ada is the
// stranger) unless the text makes it part of y ("Giwa Barracks of Maiduguri" for a Giwa 600 km off).
func (d *Doc) strangerTo(m, y *mention) bool {
	dist := gazetteer.DistanceKm(y.Place.Lat, y.Place.Lon, m.Place.Lat, m.Place.Lon)
	within := m.r.nearTo == 0
	if within && d.namesRegion(y) {
		return false // "between Dioungani and Gourti in Mopti": the region, not the city
	}
	if notable(m.Place) {
		return within && dist > farPartKm
	}
	if within && isCapital(y.Place) {
		return dist > cityPartKm // "Lafenwa market in Abeokuta": a quarter of the city
	}
	return dist > nearLimitKm(m.r.nearKm)
}

// namesRegion reports whether a capital's name is also its region's ("in Mopti", "in Kano"), so
// that the text may mean the region.
func (d *Doc) namesRegion(y *mention) bool {
	a1, _ := d.p.g.AdminNames(y.Place)
	return gazetteer.Fold(a1) == y.folded
}

// cityPartKm: a place farther than this from the capital the text puts it in is a namesake.
const cityPartKm = 25.0

// farPartKm: a town farther than this from the place the text says it is part of is a namesake.
const farPartKm = 100

// locationOf turns mention i into a Location; start and end bound the event's sentences.
func (d *Doc) locationOf(i, start, end int) (Location, bool) {
	m := &d.ms[i]
	if y, ok := d.nearPlace(i); ok && (!m.Resolved || d.strangerTo(m, y)) {
		// "Bilia, four kilometers south of Ayorou" with no Bilia near Ayorou: the village is
		// unknown, its namesakes are elsewhere, and Ayorou is where ACLED puts it (precision 2).
		// (A town is no namesake: in "Port Harcourt near Ada-George", Ada is the stranger.)
		loc := d.fill(y.Place, 2)
		loc.Start, loc.End = m.Start, y.End
		return loc, true
	}
	if k := m.r.nearTo - 1; !m.Resolved && k > i && k < len(d.ms) && !d.ms[k].Resolved {
		// "the mining site of Insalatane, near Goseye (Markoye, Oudalan)", neither known: where
		// Goseye falls back to is nearer than any unit Insalatane alone would fall back to.
		if loc, ok := d.locationOf(k, start, end); ok {
			loc.Start = m.Start
			return loc, true
		}
	}
	if !m.Resolved {
		j, ok := d.fallbackFor(i)
		if !ok {
			return Location{}, false
		}
		loc := d.fill(d.ms[j].Place, 3)
		loc.Start, loc.End = m.Start, m.End
		return loc, true
	}
	prec := 1
	if b := m.r.before; b != nil && b.prec > prec && b.role != "away" {
		prec = b.prec
	}
	if a := m.r.after; a != nil && a.role == "event" && a.prec > prec {
		prec = a.prec
	}
	if d.roadEnd(i) >= 0 {
		prec = max(prec, 2) // somewhere on the road out of the town
	}
	// "3 km from X" elsewhere in the event's sentences makes X itself approximate.
	for j := range d.ms {
		o := &d.ms[j]
		if j != i && o.Resolved && o.Place.ID == m.Place.ID && o.Place.Name == m.Place.Name && o.Start >= start && o.End <= end {
			if b := o.r.before; b != nil && b.role != "away" && b.prec > prec {
				prec = b.prec
			}
		}
	}
	if m.r.inParen > 0 {
		prec = 3 // the unit of the place bracketed before it, which the gazetteer does not know
	}
	switch m.Place.Code {
	case "ADM1", "ADM2":
		prec = 3
	case "ADM3":
		prec = max(prec, 2)
	}
	loc := d.fill(m.Place, prec)
	if m.Place.Code == "ADM2" {
		// An event the text places in a district ("in Maru LGA") is put at the district's seat,
		// as ACLED does, not at the middle of its area. (A village unknown to the gazetteer
		// that falls back on its district keeps the centre: it may lie anywhere in it.)
		if seat, ok := d.seatOf(m.Place); ok {
			loc.Lat, loc.Lon = round4(seat.Lat), round4(seat.Lon)
		}
	}
	loc.Start, loc.End = m.Start, m.End
	d.applyQualifiers(&loc, m)
	return loc, true
}

// applyQualifiers lets the units the text names in brackets after the place, "Oudeini (Ansongo,
// Gao)", override the gazetteer's admin1 and admin2 where they disagree: reports follow the
// administrative map of their day, which older or newer gazetteer codes may not.
func (d *Doc) applyQualifiers(loc *Location, m *mention) {
	// ACLED writes three units for communes: "Tounte (Koutougou, Soum)" is (admin3, admin2) once
	// the admin1 is implied; "(Diankabou, Koro, Mopti)" names all three.
	if n := len(m.r.paren); n >= 2 && loc.Admin3 == "" {
		if f2 := gazetteer.Fold(loc.Admin2); f2 != "" && m.r.paren[n-1] == f2 || n == 3 && m.r.paren[1] == f2 {
			if first := m.r.paren[0]; first != f2 && first != gazetteer.Fold(loc.Admin1) && first != gazetteer.Fold(loc.Name) {
				loc.Admin3 = m.r.parenRaw[0]
			}
		}
	}
	for pi, part := range m.r.paren {
		if part == gazetteer.Fold(m.Place.Name) && m.Place.Class == 'P' {
			// "Maputo (Maputo, Maputo)": a unit named like the city is the city's own, which the
			// gazetteer already knows (Maputo City), not the province around it.
			continue
		}
		for _, c := range d.p.g.Lookup(part) {
			if c.Country != m.Place.Country {
				continue
			}
			switch {
			case c.Code == "ADM1":
				a1, _ := d.p.g.AdminNames(c)
				if a1 != "" && a1 != loc.Admin1 {
					loc.Admin1 = a1
					if pi == 0 || gazetteer.Fold(loc.Admin2) != m.r.paren[0] {
						loc.Admin2 = ""
					}
				}
			case c.Code == "ADM2" && pi == 0 && len(m.r.paren) > 1:
				if _, a2 := d.p.g.AdminNames(c); a2 != "" {
					loc.Admin2 = a2
				}
			}
		}
	}
}

// fill builds a Location for a gazetteer place.
func (d *Doc) fill(p gazetteer.Place, prec int) Location {
	loc := Location{
		Name:         p.Name,
		Lat:          round4(p.Lat),
		Lon:          round4(p.Lon),
		GeoPrecision: prec,
	}
	if c, ok := d.p.g.Country(p.Country); ok {
		loc.Country, loc.ISO3, loc.ISO, loc.Region = c.Name, c.ISO3, c.Numeric, c.Region
	}
	if p.Code != "PCLI" {
		loc.Admin1, loc.Admin2 = d.p.g.AdminNames(p)
		if loc.Admin1 == "" && p.Code != "ADM1" {
			// Places from some sources carry no admin codes: borrow those of the nearest place
			// in the same country that has them.
			if q, km, ok := d.p.g.Nearest(p.Lat, p.Lon, p.Country, func(q gazetteer.Place) bool { return q.Admin1 != "" }); ok && km < 50 {
				loc.Admin1, loc.Admin2 = d.p.g.AdminNames(q)
			}
		}
		if p.Code == "ADM1" {
			// ACLED puts a region-level event at the region's capital, not at its centre.
			if c, ok := d.capitalOf(p); ok {
				loc.Lat, loc.Lon = round4(c.Lat), round4(c.Lon)
			}
		}
		switch p.Code {
		case "ADM1":
			if loc.Admin1 == "" {
				loc.Admin1 = p.Name
			}
			loc.Admin2 = ""
			loc.Name = loc.Admin1 // ACLED names a region-level location after the region
		case "ADM2":
			if loc.Admin2 == "" {
				loc.Admin2 = p.Name
			}
			loc.Name = loc.Admin2
		}
	}
	if p.Source == "geonames" && p.ID > 0 {
		loc.GeonameID = p.ID
	}
	return loc
}

// capitalOf finds the capital of the admin1 unit that unit is, or lies in: the nearest first-order
// seat (PPLA, or the national capital) with its admin1 code.
func (d *Doc) capitalOf(unit gazetteer.Place) (gazetteer.Place, bool) {
	return d.p.cachedSeat("capital", unit, func() (gazetteer.Place, bool) {
		c, _, ok := d.p.g.Nearest(unit.Lat, unit.Lon, unit.Country, func(q gazetteer.Place) bool {
			return isCapital(q) && q.Admin1 == unit.Admin1
		})
		return c, ok
	})
}

// seatOf finds the seat of an admin unit: a town bearing the unit's name inside it, an admin seat
// (PPLA2 and up) first, then the most populous.
func (d *Doc) seatOf(unit gazetteer.Place) (gazetteer.Place, bool) {
	return d.p.cachedSeat("seat", unit, func() (gazetteer.Place, bool) {
		var best gazetteer.Place
		bs := -1.0
		for _, c := range d.p.g.Lookup(unit.Name) {
			if c.Class != 'P' || c.Country != unit.Country || c.Admin1 != unit.Admin1 || unit.Admin2 != "" && c.Admin2 != "" && c.Admin2 != unit.Admin2 {
				continue
			}
			s := math.Log10(float64(c.Population) + 1)
			switch c.Code {
			case "PPLC", "PPLA", "PPLA2":
				s += 10
			case "PPLA3", "PPLA4":
				s += 5
			}
			if s > bs {
				best, bs = c, s
			}
		}
		if bs >= 0 {
			return best, true
		}
		// A district named otherwise than its seat ("Ohaji/Egbema"): the admin seat inside it.
		c, km, ok := d.p.g.Nearest(unit.Lat, unit.Lon, unit.Country, func(q gazetteer.Place) bool {
			return q.Code == "PPLA2" && q.Admin1 == unit.Admin1 && q.Admin2 == unit.Admin2
		})
		return c, ok && km < 100
	})
}

// seatKey names a unit in the seat cache: what capitalOf and seatOf read of it.
type seatKey struct {
	kind, source, code, name, country, admin1, admin2 string
	id                                                int64
	lat, lon                                          float64
}

// seatResult is a cached capitalOf or seatOf answer.
type seatResult struct {
	p  gazetteer.Place
	ok bool
}

// cachedSeat returns find's answer for unit, computed once per parser: the searches behind a
// unit's capital or seat were a quarter of place recognition's time, for a few hundred units.
func (p *Parser) cachedSeat(kind string, unit gazetteer.Place, find func() (gazetteer.Place, bool)) (gazetteer.Place, bool) {
	key := seatKey{kind, unit.Source, unit.Code, unit.Name, unit.Country, unit.Admin1, unit.Admin2, unit.ID, unit.Lat, unit.Lon}
	if r, ok := p.seats.Load(key); ok {
		return r.(seatResult).p, r.(seatResult).ok
	}
	c, ok := find()
	p.seats.Store(key, seatResult{c, ok})
	return c, ok
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// roadCapitalPenalty is what a road's end that is a capital loses against a lesser other end.
const roadCapitalPenalty = 1.5

// capitalRank orders a road's ends: a national capital, a state or region capital, any other place.
func capitalRank(p gazetteer.Place) int {
	switch p.Code {
	case "PPLC":
		return 2
	case "PPLA":
		return 1
	}
	return 0
}

// roadEnd returns, when mention i is one end of a road or route the text names by its two ends
// ("Ngala-Dikwa road", "the road between Lafia and Makurdi", "axis Djibo-Arbinda"), the mention
// of the other end, else -1.
func (d *Doc) roadEnd(i int) int {
	pair := func(a, b int) bool {
		if a < 0 || b >= len(d.ms) || d.ms[a].Kind == "country" || d.ms[b].Kind == "country" {
			return false
		}
		gap := strings.TrimSpace(d.text[d.ms[a].End:d.ms[b].Start])
		if gap != "-" && gap != "–" && gap != "/" && gap != "and" {
			return false
		}
		for _, w := range strings.Fields(d.text[max(0, d.ms[a].Start-24):d.ms[a].Start]) {
			if roadWords[strings.ToLower(strings.Trim(w, ",;:"))] {
				return true // "the road between Lafia and Makurdi", "axis Djibo-Arbinda"
			}
		}
		after := strings.Fields(d.text[d.ms[b].End:min(len(d.text), d.ms[b].End+24)])
		return gap != "and" && len(after) > 0 && roadWords[strings.ToLower(strings.Trim(after[0], ",;:."))]
	}
	switch {
	case pair(i, i+1):
		return i + 1
	case pair(i-1, i):
		return i - 1
	}
	return -1
}

// roadWords name a road or route by the places at its ends.
var roadWords = map[string]bool{"road": true, "highway": true, "expressway": true, "axis": true, "axe": true, "route": true}

// repeats counts the other mentions of mention i's name in the story.
func (d *Doc) repeats(i int) int {
	n := 0
	for j := range d.ms {
		if j != i && d.ms[j].folded == d.ms[i].folded {
			n++
		}
	}
	return n
}
