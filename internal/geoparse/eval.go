package geoparse

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/sitrep-dev/sitrep/internal/evaluate"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// EvalStats counts location results against ACLED for one country (or all).
type EvalStats struct {
	N        int // records with a document
	Located  int // Locate returned ok
	Country  int // country right
	Admin1   int // admin1 right (folded comparison)
	Within25 int // coordinates within 25 km of ACLED's
	// Reachable counts the records within 25 km, or whose text names some place the gazetteer
	// knows within 25 km of ACLED's coordinates: the most that choosing among the gazetteer's
	// places could reach, so what it lacks is told apart from what the parser gets wrong.
	Reachable int
}

// Pct returns part/N in percent.
func (s EvalStats) Pct(part int) float64 {
	if s.N == 0 {
		return 0
	}
	return 100 * float64(part) / float64(s.N)
}

// EvalMiss is one record located wrongly, for error analysis.
type EvalMiss struct {
	ID, Country             string
	WantAdmin1, GotAdmin1   string
	WantCountry, GotCountry string
	WantLocation, GotName   string
	Km                      float64
	Text                    string
	// Reachable says the text names a place within 25 km of ACLED's (see EvalStats.Reachable).
	Reachable bool
}

// EvalReport is the result of EvaluateACLED.
type EvalReport struct {
	All       EvalStats
	ByCountry map[string]*EvalStats
	Misses    []EvalMiss
}

// Countries lists the report's countries by descending record count.
func (r *EvalReport) Countries() []string {
	var cs []string
	for c := range r.ByCountry {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		a, b := r.ByCountry[cs[i]].N, r.ByCountry[cs[j]].N
		return a > b || a == b && cs[i] < cs[j]
	})
	return cs
}

// EvaluateACLED locates every document of docs (JSON lines with id and text, as
// ../shared/eval/acled-dev-docs.jsonl) with Locate over its whole text and compares the result with
// the ACLED row of the same event_id_cnty in rows (ACLED CSV with a header).
func EvaluateACLED(ctx context.Context, p *Parser, docs, rows io.Reader) (*EvalReport, error) {
	type want struct {
		country, admin1, location string
		lat, lon                  float64
	}
	recs, err := evaluate.ReadACLEDWith(rows, "country", "admin1", "location", "latitude", "longitude")
	if err != nil {
		return nil, fmt.Errorf("geoparse: %w", err)
	}
	truth := map[string]want{}
	for _, r := range recs {
		lat, err1 := strconv.ParseFloat(r.Latitude, 64)
		lon, err2 := strconv.ParseFloat(r.Longitude, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		truth[r.EventIDCnty] = want{r.Country, r.Admin1, r.Location, lat, lon}
	}
	ds, err := evaluate.ReadACLEDDocs(docs)
	if err != nil {
		return nil, fmt.Errorf("geoparse: %w", err)
	}
	rep := &EvalReport{ByCountry: map[string]*EvalStats{}}
	for _, doc := range ds {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		w, ok := truth[doc.ID]
		if !ok {
			continue
		}
		st := rep.ByCountry[w.country]
		if st == nil {
			st = &EvalStats{}
			rep.ByCountry[w.country] = st
		}
		d := p.Parse(doc.Text, Hints{})
		loc, ok := d.Locate(0, len(doc.Text))
		miss := EvalMiss{ID: doc.ID, Country: w.country, WantCountry: w.country, WantAdmin1: w.admin1, WantLocation: w.location, Km: -1, Text: doc.Text}
		for _, s := range []*EvalStats{st, &rep.All} {
			s.N++
		}
		good, within := false, false
		if ok {
			miss.GotCountry, miss.GotAdmin1, miss.GotName = loc.Country, loc.Admin1, loc.Name
			km := gazetteer.DistanceKm(w.lat, w.lon, loc.Lat, loc.Lon)
			miss.Km = km
			cOK := gazetteer.Fold(loc.Country) == gazetteer.Fold(w.country)
			aOK := cOK && gazetteer.Fold(loc.Admin1) == gazetteer.Fold(w.admin1)
			within = km <= 25
			good = cOK && aOK && within
			for _, s := range []*EvalStats{st, &rep.All} {
				s.Located++
				if cOK {
					s.Country++
				}
				if aOK {
					s.Admin1++
				}
				if within {
					s.Within25++
				}
			}
		}
		if within || d.namesPlaceWithin(w.lat, w.lon, 25) {
			miss.Reachable = true
			for _, s := range []*EvalStats{st, &rep.All} {
				s.Reachable++
			}
		}
		if !good {
			rep.Misses = append(rep.Misses, miss)
		}
	}
	return rep, nil
}

// namesPlaceWithin reports whether some place the gazetteer knows by a name in the text, or the
// seat of a unit so named, lies within km of lat, lon: a candidate of a recognised mention, or a
// match of any run of up to four words that starts with a capital.
func (d *Doc) namesPlaceWithin(lat, lon, km float64) bool {
	near := func(p gazetteer.Place) bool {
		dist := gazetteer.DistanceKm(lat, lon, p.Lat, p.Lon)
		if dist <= km {
			return true
		}
		if dist > unitRadiusKm || p.Code != "ADM1" && p.Code != "ADM2" && p.Code != "ADM3" {
			return false // no unit, or one whose seat cannot be near either
		}
		find := d.seatOf
		if p.Code == "ADM1" {
			find = d.capitalOf
		}
		seat, ok := find(p)
		if !ok {
			return false
		}
		return gazetteer.DistanceKm(lat, lon, seat.Lat, seat.Lon) <= km
	}
	for _, m := range d.ms {
		if m.Resolved && near(m.Place) || slices.ContainsFunc(m.cands, near) {
			return true
		}
	}
	toks := tokenize(d.text)
	for i := range toks {
		if !toks[i].upper {
			continue
		}
		for j := i + 1; j <= len(toks) && j <= i+4; j++ {
			if slices.ContainsFunc(d.p.g.Lookup(d.text[toks[i].start:toks[j-1].end]), near) {
				return true
			}
		}
	}
	return false
}

// unitRadiusKm bounds how far an admin unit's seat lies from its centre.
const unitRadiusKm = 500
