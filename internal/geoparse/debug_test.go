package geoparse

import (
	"os"
	"testing"
)

// TestDebug prints the mentions, candidates and location of $GEOPARSE_DEBUG (a text) or of the seed
// article $GEOPARSE_SEED, for tuning by hand; it checks nothing otherwise.
func TestDebug(t *testing.T) {
	text := os.Getenv("GEOPARSE_DEBUG")
	if id := os.Getenv("GEOPARSE_SEED"); id != "" {
		text = readSeeds(t)[id].Text
	}
	if text == "" {
		return
	}
	p := parser(t)
	d := p.Parse(text, Hints{})
	t.Logf("focus %s votes %v", d.FocusCountry(), d.sortedVotes())
	for i, m := range d.ms {
		bc, ac := "", ""
		if m.r.before != nil {
			bc = m.r.before.label + "/" + m.r.before.role
		}
		if m.r.after != nil {
			ac = m.r.after.label + "/" + m.r.after.role
		}
		a1, a2 := p.g.AdminNames(m.Place)
		t.Logf("%d %q kind=%s before=%s after=%s paren=%v inParen=%d -> %s %s %s/%s %s (%.1f) event=%.1f ncand=%d",
			m.Start, m.Text, m.Kind, bc, ac, m.r.paren, m.r.inParen, m.Place.Name, m.Place.Code, a1, a2, m.Place.Country, m.score, d.eventScore(i), len(m.cands))
	}
	loc, ok := d.Locate(0, len(text))
	t.Logf("LOCATE %v %+v", ok, loc)
}
