package evaluate

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// ACLEDRow is the part of an ACLED record sitrep reads: what the scorer compares, and the columns the
// learners and per-package measures use (associated actors, inter codes, time precision, admin2).
// Values are kept as written, since a figure that does not parse simply scores no hit (as in
// score.py); an absent column reads as "".
type ACLEDRow struct {
	EventIDCnty   string
	EventDate     string
	TimePrecision string
	EventType     string
	SubEventType  string
	Actor1        string
	AssocActor1   string
	Inter1        string
	Actor2        string
	AssocActor2   string
	Inter2        string
	ISO           string
	Region        string
	Country       string
	Admin1        string
	Admin2        string
	Location      string
	Latitude      string
	Longitude     string
	Fatalities    string
	Notes         string
}

// ReadACLED reads ACLED records from CSV with a header line (ACLED's export, or
// ../shared/eval/acled-dev.csv). Columns are found by name; only event_id_cnty, event_type and country
// are required.
func ReadACLED(r io.Reader) ([]ACLEDRow, error) {
	return ReadACLEDWith(r, "event_type", "country")
}

// ReadACLEDWith is ReadACLED for readers that need other columns than the scorer: it demands
// event_id_cnty, which names a record, and the columns need, rather than reading them as "".
func ReadACLEDWith(r io.Reader, need ...string) ([]ACLEDRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read ACLED header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	for _, c := range append([]string{"event_id_cnty"}, need...) {
		if _, ok := col[c]; !ok {
			return nil, fmt.Errorf("read ACLED: no %s column", c)
		}
	}
	var rows []ACLEDRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read ACLED: %w", err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		rows = append(rows, ACLEDRow{
			EventIDCnty: get("event_id_cnty"), EventDate: get("event_date"), TimePrecision: get("time_precision"),
			EventType: get("event_type"), SubEventType: get("sub_event_type"),
			Actor1: get("actor1"), AssocActor1: get("assoc_actor_1"), Inter1: get("inter1"),
			Actor2: get("actor2"), AssocActor2: get("assoc_actor_2"), Inter2: get("inter2"),
			ISO: get("iso"), Region: get("region"), Country: get("country"), Admin1: get("admin1"), Admin2: get("admin2"),
			Location: get("location"), Latitude: get("latitude"), Longitude: get("longitude"),
			Fatalities: get("fatalities"), Notes: get("notes"),
		})
	}
}

// FilterCountries keeps the rows whose country is one of countries (exact names, as score.py's
// --countries); no countries keeps all.
func FilterCountries(rows []ACLEDRow, countries []string) []ACLEDRow {
	if len(countries) == 0 {
		return rows
	}
	var out []ACLEDRow
	for _, r := range rows {
		if slices.Contains(countries, r.Country) {
			out = append(out, r)
		}
	}
	return out
}

// acledKeys are the figures of ACLED mode, in score.py's order.
func acledKeys() []string {
	return []string{"detected", "event_type", "sub_event_type", "date", "fatalities", "country", "admin1",
		"location_25km", "actor1", "actor2"}
}

// ACLEDSummary has exactly the keys, denominators and rounding of score.py's acled summary: each
// figure is over all rows (actor2 over the rows that have one), so a row without an event counts as
// wrong everywhere.
type ACLEDSummary struct {
	Rows         int     `json:"rows"`
	Detected     float64 `json:"detected"`
	EventType    float64 `json:"event_type"`
	SubEventType float64 `json:"sub_event_type"`
	Date         float64 `json:"date"`
	Fatalities   float64 `json:"fatalities"`
	Country      float64 `json:"country"`
	Admin1       float64 `json:"admin1"`
	Location25km float64 `json:"location_25km"`
	Actor1       float64 `json:"actor1"`
	Actor2       float64 `json:"actor2"`
	// TypeAccuracyByType is, per ACLED event type, the share of its rows given that type.
	TypeAccuracyByType map[string]float64 `json:"type_accuracy_by_type"`
}

// ACLEDFigures are the hit counts and rates of a group of rows.
type ACLEDFigures struct {
	Rows           int                `json:"rows"`
	RowsWithActor2 int                `json:"rows_with_actor2"`
	Hits           map[string]int     `json:"hits"`
	Rates          map[string]float64 `json:"rates"`
}

// ACLEDGroup is the figures of the rows of one country or one event type.
type ACLEDGroup struct {
	Name string `json:"name"`
	ACLEDFigures
}

// Confusion counts rows by their ACLED event type (Gold, the matrix rows) and the type sitrep gave
// the document's event (Pred, the columns; NotDetected when there was none).
type Confusion struct {
	Gold   []string `json:"gold"`
	Pred   []string `json:"pred"`
	Counts [][]int  `json:"counts"`
}

// Confusion column labels besides the six event types.
const (
	NotDetected = "(not detected)"
	OtherType   = "(other)"
)

// ACLEDReport is the result of scoring per-document events against ACLED records.
type ACLEDReport struct {
	Summary   ACLEDSummary `json:"summary"`
	All       ACLEDFigures `json:"all"`
	ByCountry []ACLEDGroup `json:"by_country"`
	ByType    []ACLEDGroup `json:"by_event_type"`
	Confusion Confusion    `json:"confusion"`
	// Results are the rows one by one, in input order, with the figures each got wrong.
	Results []ACLEDResult `json:"results"`
}

// ACLEDResult is one row's outcome.
type ACLEDResult struct {
	ID        string `json:"id"`
	Country   string `json:"country"`
	EventType string `json:"event_type"`
	// PredType is the type of the document's event, NotDetected when there was none.
	PredType string `json:"pred_type"`
	// Misses names the figures the row did not score (all of them when nothing was detected; actor2
	// only when the row has one).
	Misses []string `json:"misses"`
	// Wrong shows each missed figure: what sitrep has (NotDetected without an event), what ACLED has.
	Wrong []FieldDiff `json:"wrong,omitempty"`
	// Notes is the record's summary, for reading the mistakes on screen; not in JSON.
	Notes string `json:"-"`
}

// rowDiff shows one missed figure of a detected row.
func rowDiff(k string, r *ACLEDRow, ev *event.Event) FieldDiff {
	d := FieldDiff{Field: k}
	switch k {
	case "event_type":
		d.Got, d.Want = ev.EventType, r.EventType
	case "sub_event_type":
		d.Got, d.Want = ev.SubEventType, r.SubEventType
	case "date":
		d.Got, d.Want = ev.EventDate, r.EventDate
		if ev.DateStart != "" {
			d.Got = ev.DateStart + ".." + ev.DateEnd
		}
	case "fatalities":
		d.Got, d.Want = strconv.Itoa(ev.Fatalities), r.Fatalities
	case "country":
		d.Got, d.Want = ev.Country, r.Country
	case "admin1":
		d.Got, d.Want = ev.Admin1, r.Admin1
	case "location_25km":
		d.Got = fmt.Sprintf("%s (%.4f, %.4f)", ev.Location, ev.Latitude, ev.Longitude)
		d.Want = fmt.Sprintf("%s (%s, %s)", r.Location, r.Latitude, r.Longitude)
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(r.Latitude), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(r.Longitude), 64)
		if err1 == nil && err2 == nil {
			d.Got += fmt.Sprintf(" %.0f km off", haversine(ev.Latitude, ev.Longitude, lat, lon))
		}
	case "actor1":
		d.Got, d.Want = ev.Actor1+" / "+ev.Actor2, r.Actor1
	case "actor2":
		d.Got, d.Want = ev.Actor1+" / "+ev.Actor2, r.Actor2
	}
	return d
}

// rowHits scores one row against the document's event; nil ev scores nothing.
func rowHits(r *ACLEDRow, ev *event.Event) map[string]bool {
	h := map[string]bool{}
	if ev == nil {
		return h
	}
	h["detected"] = true
	h["event_type"] = normName(ev.EventType) == normName(r.EventType)
	h["sub_event_type"] = normName(ev.SubEventType) == normName(r.SubEventType)
	d0, _, ok0, _ := predDates(ev)
	rd, okr := parseACLEDDay(r.EventDate)
	h["date"] = ok0 && okr && d0.Equal(rd)
	// An empty figure is 0; one that is not an integer ("3.0") scores no hit, as int() fails in score.py.
	if r.Fatalities == "" {
		h["fatalities"] = ev.Fatalities == 0
	} else if f, err := strconv.Atoi(strings.TrimSpace(r.Fatalities)); err == nil {
		h["fatalities"] = ev.Fatalities == f
	}
	h["country"] = normName(ev.Country) == normName(r.Country)
	h["admin1"] = normName(ev.Admin1) == normName(r.Admin1)
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(r.Latitude), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(r.Longitude), 64)
	if err1 == nil && err2 == nil {
		h["location_25km"] = haversine(ev.Latitude, ev.Longitude, lat, lon) <= 25
	}
	// ACLED's actor pair has no direction: either predicted actor may stand for either ACLED actor.
	pair := []string{ev.Actor1, ev.Actor2}
	h["actor1"] = actorMatch(pair, []string{r.Actor1})
	if r.Actor2 != "" {
		h["actor2"] = actorMatch(pair, []string{r.Actor2})
	}
	return h
}

func (f *ACLEDFigures) add(r *ACLEDRow, h map[string]bool) {
	if f.Hits == nil {
		f.Hits = map[string]int{}
	}
	f.Rows++
	if r.Actor2 != "" {
		f.RowsWithActor2++
	}
	for _, k := range acledKeys() {
		if h[k] {
			f.Hits[k]++
		} else if _, ok := f.Hits[k]; !ok {
			f.Hits[k] = 0
		}
	}
}

func (f *ACLEDFigures) finish() {
	f.Rates = map[string]float64{}
	for _, k := range acledKeys() {
		n := f.Rows
		if k == "actor2" {
			n = f.RowsWithActor2
		}
		f.Rates[k] = ratio(f.Hits[k], n)
	}
}

// canonicalType maps a type to its ACLED spelling when it folds to one.
func canonicalType(t string) (string, bool) {
	n := normName(t)
	for _, et := range event.EventTypes {
		if normName(et) == n {
			return et, true
		}
	}
	return t, false
}

// ACLED scores per-document events against ACLED rows with score.py's rules: each row's document id
// is its event_id_cnty, and the first event not marked background whose sources name that id is the
// document's event. Rows repeating an id replace the earlier one, in its place.
func ACLED(rows []ACLEDRow, preds []event.Event) ACLEDReport {
	pos := map[string]int{}
	var uniq []ACLEDRow
	for _, r := range rows {
		if i, ok := pos[r.EventIDCnty]; ok {
			uniq[i] = r
			continue
		}
		pos[r.EventIDCnty] = len(uniq)
		uniq = append(uniq, r)
	}
	byDoc := map[string]*event.Event{}
	for i := range preds {
		if preds[i].Background {
			continue
		}
		for _, sid := range sourceIDs(&preds[i]) {
			if _, ok := byDoc[sid]; !ok {
				byDoc[sid] = &preds[i]
			}
		}
	}

	var rep ACLEDReport
	countries, types := map[string]*ACLEDFigures{}, map[string]*ACLEDFigures{}
	confusion := map[string]map[string]int{}
	for i := range uniq {
		r := &uniq[i]
		ev := byDoc[r.EventIDCnty]
		h := rowHits(r, ev)
		res := ACLEDResult{ID: r.EventIDCnty, Country: r.Country, EventType: r.EventType, PredType: NotDetected,
			Misses: []string{}, Notes: r.Notes}
		if ev != nil {
			res.PredType = ev.EventType
		}
		for _, k := range acledKeys() {
			if h[k] || (k == "actor2" && r.Actor2 == "") {
				continue
			}
			res.Misses = append(res.Misses, k)
			if ev != nil {
				res.Wrong = append(res.Wrong, rowDiff(k, r, ev))
			} else {
				d := rowDiff(k, r, &event.Event{})
				d.Got = NotDetected
				res.Wrong = append(res.Wrong, d)
			}
		}
		rep.Results = append(rep.Results, res)
		rep.All.add(r, h)
		groupOf(countries, r.Country).add(r, h)
		groupOf(types, r.EventType).add(r, h)
		gold, _ := canonicalType(r.EventType)
		pred := NotDetected
		if ev != nil {
			var ok bool
			if pred, ok = canonicalType(ev.EventType); !ok {
				pred = OtherType
			}
		}
		if confusion[gold] == nil {
			confusion[gold] = map[string]int{}
		}
		confusion[gold][pred]++
	}
	rep.All.finish()
	rep.ByCountry = groups(countries)
	rep.ByType = groups(types)
	rep.Confusion = confusionOf(confusion)

	s := ACLEDSummary{Rows: rep.All.Rows, TypeAccuracyByType: map[string]float64{}}
	for k, dst := range map[string]*float64{"detected": &s.Detected, "event_type": &s.EventType,
		"sub_event_type": &s.SubEventType, "date": &s.Date, "fatalities": &s.Fatalities, "country": &s.Country,
		"admin1": &s.Admin1, "location_25km": &s.Location25km, "actor1": &s.Actor1, "actor2": &s.Actor2} {
		*dst = rep.All.Rates[k]
	}
	for _, g := range rep.ByType {
		s.TypeAccuracyByType[g.Name] = g.Rates["event_type"]
	}
	rep.Summary = s
	return rep
}

func groupOf(m map[string]*ACLEDFigures, name string) *ACLEDFigures {
	if m[name] == nil {
		m[name] = &ACLEDFigures{}
	}
	return m[name]
}

// groups lists the groups by decreasing size, then name.
func groups(m map[string]*ACLEDFigures) []ACLEDGroup {
	out := make([]ACLEDGroup, 0, len(m))
	for name, f := range m {
		f.finish()
		out = append(out, ACLEDGroup{Name: name, ACLEDFigures: *f})
	}
	slices.SortFunc(out, func(a, b ACLEDGroup) int {
		if a.Rows != b.Rows {
			return b.Rows - a.Rows
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// confusionOf lays the counts out with the six types in ACLED's order first, then any other labels.
func confusionOf(m map[string]map[string]int) Confusion {
	var c Confusion
	seenPred := map[string]bool{}
	for _, row := range m {
		for p := range row {
			seenPred[p] = true
		}
	}
	order := func(seen func(string) bool, extra []string) []string {
		var out []string
		for _, t := range event.EventTypes {
			if seen(t) {
				out = append(out, t)
			}
		}
		return append(out, extra...)
	}
	var otherGold []string
	for g := range m {
		if _, ok := canonicalType(g); !ok {
			otherGold = append(otherGold, g)
		}
	}
	slices.Sort(otherGold)
	c.Gold = order(func(t string) bool { return m[t] != nil }, otherGold)
	var extraPred []string
	for _, p := range []string{OtherType, NotDetected} {
		if seenPred[p] {
			extraPred = append(extraPred, p)
		}
	}
	// Every gold type gets a column too, so the diagonal is always there to read.
	c.Pred = order(func(t string) bool { return seenPred[t] || m[t] != nil }, extraPred)
	for _, g := range c.Gold {
		row := make([]int, len(c.Pred))
		for j, p := range c.Pred {
			row[j] = m[g][p]
		}
		c.Counts = append(c.Counts, row)
	}
	return c
}
