package geoparse

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// EvalStats counts location results against ACLED for one country (or all).
type EvalStats struct {
	N        int // records with a document
	Located  int // Locate returned ok
	Country  int // country right
	Admin1   int // admin1 right (folded comparison)
	Within25 int // coordinates within 25 km of ACLED's
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
	truth := map[string]want{}
	cr := csv.NewReader(rows)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("geoparse: ACLED header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, k := range []string{"event_id_cnty", "country", "admin1", "location", "latitude", "longitude"} {
		if _, ok := col[k]; !ok {
			return nil, fmt.Errorf("geoparse: ACLED CSV lacks column %q", k)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("geoparse: ACLED row: %w", err)
		}
		lat, err1 := strconv.ParseFloat(rec[col["latitude"]], 64)
		lon, err2 := strconv.ParseFloat(rec[col["longitude"]], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		truth[rec[col["event_id_cnty"]]] = want{rec[col["country"]], rec[col["admin1"]], rec[col["location"]], lat, lon}
	}
	rep := &EvalReport{ByCountry: map[string]*EvalStats{}}
	sc := bufio.NewScanner(docs)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		var doc struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			return nil, fmt.Errorf("geoparse: document line: %w", err)
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
		loc, ok := p.Parse(doc.Text, Hints{}).Locate(0, len(doc.Text))
		miss := EvalMiss{ID: doc.ID, Country: w.country, WantCountry: w.country, WantAdmin1: w.admin1, WantLocation: w.location, Km: -1, Text: doc.Text}
		for _, s := range []*EvalStats{st, &rep.All} {
			s.N++
		}
		good := false
		if ok {
			miss.GotCountry, miss.GotAdmin1, miss.GotName = loc.Country, loc.Admin1, loc.Name
			km := gazetteer.DistanceKm(w.lat, w.lon, loc.Lat, loc.Lon)
			miss.Km = km
			cOK := gazetteer.Fold(loc.Country) == gazetteer.Fold(w.country)
			aOK := cOK && gazetteer.Fold(loc.Admin1) == gazetteer.Fold(w.admin1)
			kOK := km <= 25
			good = cOK && aOK && kOK
			for _, s := range []*EvalStats{st, &rep.All} {
				s.Located++
				if cOK {
					s.Country++
				}
				if aOK {
					s.Admin1++
				}
				if kOK {
					s.Within25++
				}
			}
		}
		if !good {
			rep.Misses = append(rep.Misses, miss)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("geoparse: reading documents: %w", err)
	}
	return rep, nil
}
