package geoparse

import (
	"slices"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// A landmark is an institution an event may take place at, which stands in a known seat: protests
// "at the National Assembly" happen in the national capital, "the Benue Government House" is in
// Makurdi. ACLED codes such events at that city, and the story often names no other place there.
type landmark struct {
	words []string // folded
	seat  string   // "capital" of the story's country, or "state": the capital of the unit named before it
}

// findLandmarks adds to rs (sorted by token) a mention for each landmark phrase the text puts an
// event at: an event cue before it ("at", "stormed", "outside"), an article and, for a state's
// institutions, the state's name between ("at the Benue Government House", "stormed Ondo's House
// of Assembly", "the Edo State House of Assembly"). A landmark named only in passing ("a member
// of the House of Assembly", "candidate for the National Assembly") is none.
func (p *Parser) findLandmarks(text string, toks []token, rs []raw) []raw {
	for k := 0; k < len(toks); k++ {
		lm := p.landmarkAt(toks, k)
		if lm == nil {
			continue
		}
		end := k + len(lm.words)
		if slices.ContainsFunc(rs, func(r raw) bool { return r.known && r.i < end && r.j > k }) {
			continue // part of a name the gazetteer knows
		}
		q, unit := k, -1
		if lm.seat == "state" {
			if q > 0 && toks[q-1].fold == "state" && q-1 > 0 && toks[q-2].fold != "the" {
				q-- // "Edo State House of Assembly"
			}
			if q > 1 && toks[q-1].fold == "s" && strings.ContainsAny(text[toks[q-2].end:toks[q-1].start], "'’") {
				q-- // "Ondo's House of Assembly"
			}
			for u := range rs {
				if (rs[u].j == q || rs[u].j == k) && !rs[u].isCtry {
					unit = u // "Edo State" may be one name to the gazetteer
				}
			}
			if unit < 0 {
				continue // whose state is not said
			}
			q = rs[unit].i
		}
		c := p.cueBefore(toks, q, text)
		if c == nil || c.role != "event" {
			k = end - 1
			continue
		}
		if unit >= 0 {
			// The state's name qualifies the landmark: the cue before it is the landmark's.
			rs[unit].before, rs[unit].after = nil, nil
		}
		// The phrase replaces an unknown capitalised name recognised over it ("at the National
		// Assembly" after an event cue).
		rs = slices.DeleteFunc(rs, func(r raw) bool { return !r.known && !r.isCtry && r.i < end && r.j > k })
		at, _ := slices.BinarySearchFunc(rs, k, func(r raw, k int) int { return r.i - k })
		r := raw{i: k, j: end, landmark: lm, before: c}
		if unit >= 0 {
			r.unit = unit + 1 // before the phrase, so not moved by the insertion
		}
		rs = slices.Insert(rs, at, r)
		k = end - 1
	}
	return rs
}

// landmarkAt returns the landmark whose words start at token k, the longest first.
func (p *Parser) landmarkAt(toks []token, k int) *landmark {
	for li := range p.landmarks {
		if lm := &p.landmarks[li]; wordsAt(toks, k, lm.words) {
			return lm
		}
	}
	return nil
}

// placeLandmarks resolves the landmark mentions once the story's country and places are known:
// the national capital of the focus country, or the capital of the state named before the
// landmark.
func (d *Doc) placeLandmarks() {
	for i := range d.ms {
		m := &d.ms[i]
		lm := m.r.landmark
		if lm == nil {
			continue
		}
		var seat gazetteer.Place
		ok := false
		switch lm.seat {
		case "capital":
			seat, ok = d.nationalCapital()
		case "state":
			if u := m.r.unit - 1; u >= 0 && d.ms[u].Resolved && d.ms[u].Kind != "country" {
				seat, ok = d.stateCapital(d.ms[u].Place)
			}
		}
		if ok {
			m.Kind, m.Resolved, m.Place = "place", true, seat
		}
	}
}

// nationalCapital returns the capital of the story's country.
func (d *Doc) nationalCapital() (gazetteer.Place, bool) {
	c, ok := d.p.g.Country(d.focus)
	if !ok || c.Capital == "" {
		return gazetteer.Place{}, false
	}
	for _, p := range d.p.g.Lookup(c.Capital) {
		if p.Code == "PPLC" && p.Country == c.ISO2 {
			return p, true
		}
	}
	return gazetteer.Place{}, false
}

// stateCapital returns the capital of the admin1 unit that place p is or lies in: the nearest
// capital that shares its admin1 code.
func (d *Doc) stateCapital(p gazetteer.Place) (gazetteer.Place, bool) {
	if p.Admin1 == "" {
		return gazetteer.Place{}, false
	}
	return d.capitalOf(p)
}
