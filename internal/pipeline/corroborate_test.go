package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/memory"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

// table is a coder that returns hand-written reports per document.
type table map[string][]event.Event

func (tb table) Code(ctx context.Context, doc document.Document) ([]event.Event, error) {
	return slices.Clone(tb[doc.ID]), nil
}

const (
	army   = "Military Forces of Mali (2021-)"
	russia = "Military Forces of Russia (2000-)"
	csp    = "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development"
	jnim   = "JNIM: Group for Support of Islam and Muslims"
)

// tinza is a report of an event at Tinzaouatene as the coder would give it.
func tinza(doc, date string, precision int, typ, sub, a1, a2 string, fatalities int) event.Event {
	e := event.Event{
		EventIDCnty: "MLI", EventDate: date, Year: 2024, TimePrecision: precision,
		DisorderType: event.DisorderType(typ), EventType: typ, SubEventType: sub,
		Actor1: a1, Actor2: a2, Country: "Mali", Admin1: "Kidal", Admin2: "Tessalit", Location: "Tinzaouatene",
		Latitude: 19.9543, Longitude: 2.9673, GeoPrecision: 1, GeonameID: 2476086,
		Fatalities: fatalities, FatalitiesLow: fatalities, FatalitiesHigh: fatalities, Confidence: 0.8,
		Source: "Outlet " + doc, Status: event.StatusAuto,
		Sources:  []event.Source{{ID: doc, Published: "2024-08-01T10:00:00Z"}},
		Evidence: []event.Evidence{{Field: "event_type", SourceID: doc, Start: 0, End: 10, Text: "report of " + doc}},
	}
	if fatalities > 0 {
		e.Evidence = append(e.Evidence, event.Evidence{Field: "fatalities", SourceID: doc, Start: 0, End: 10, Text: "toll of " + doc})
	}
	return e
}

// recollection is a passing mention of a battle at Tinzaouatene "toward the end of July", in an
// analysis of another event, as the coder marks it.
func recollection(doc string) event.Event {
	e := tinza(doc, "2024-07-28", 2, event.StrategicDevelopment, "Change to group/activity", russia, jnim, 0)
	e.Confidence = 0.75
	e.Sources[0].Published = "2024-09-24T05:00:00Z"
	e.Evidence = append(e.Evidence, event.Evidence{Field: dedup.RecalledField, SourceID: doc, Start: 100, End: 180,
		Text: "yet another victory, after the defeat of Malian and Russian troops in Tinzaouatene toward the end of July"})
	return e
}

func battle(doc, date string, fatalities int) event.Event {
	return tinza(doc, date, 1, event.Battles, "Armed clash", csp, army, fatalities)
}

func droneStrike(doc string) event.Event {
	return tinza(doc, "2024-07-30", 1, event.ExplosionsRemote, "Air/drone strike", army, csp, 20)
}

// ingestAll ingests the documents in order into a fresh memory store and returns it.
func ingestAll(t *testing.T, tb table, order []string) *memory.Store {
	t.Helper()
	s := memory.New()
	ingestInto(t, s, tb, order)
	return s
}

func ingestInto(t *testing.T, s pipeline.Store, tb table, order []string) {
	t.Helper()
	p := pipeline.New(s, tb, ticking())
	for _, id := range order {
		doc := document.Document{ID: id, Text: "text of " + id, Published: time.Date(2024, 9, 24, 5, 0, 0, 0, time.UTC)}
		if _, err := p.Ingest(t.Context(), doc); err != nil {
			t.Fatal(err)
		}
	}
}

func sourceIDs(e event.Event) string {
	var ids []string
	for _, s := range e.Sources {
		ids = append(ids, s.ID)
	}
	slices.Sort(ids)
	return strings.Join(ids, " ")
}

// typesAndSources lists the events as "type: sources", sorted, to compare with a wanted list.
func typesAndSources(evs map[string]event.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.EventType+": "+sourceIDs(e))
	}
	slices.Sort(out)
	return out
}

// permutations returns every order of ids.
func permutations(ids []string) [][]string {
	if len(ids) <= 1 {
		return [][]string{slices.Clone(ids)}
	}
	var out [][]string
	for i := range ids {
		rest := slices.Concat(ids[:i:i], ids[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]string{ids[i]}, p...))
		}
	}
	return out
}

// TestRecollectionJoinsBattle: an analysis that recalls the battle in passing joins its sources in
// every order of arrival (the recollection first too), and changes none of the battle's fields.
func TestRecollectionJoinsBattle(t *testing.T) {
	tb := table{
		"afp":      {battle("afp", "2024-07-25", 7)},
		"reuters":  {battle("reuters", "2024-07-26", 9)},
		"analysis": {recollection("analysis")},
	}
	alone := eventsByID(t, ingestAll(t, table{"afp": tb["afp"], "reuters": tb["reuters"]}, []string{"afp", "reuters"}))
	if len(alone) != 1 {
		t.Fatalf("the two battle reports gave %d events, want 1", len(alone))
	}
	var want event.Event
	for _, e := range alone {
		want = e
	}
	var first []string
	for _, order := range permutations([]string{"afp", "reuters", "analysis"}) {
		t.Run(strings.Join(order, ","), func(t *testing.T) {
			evs := eventsByID(t, ingestAll(t, tb, order))
			if len(evs) != 1 {
				t.Fatalf("%d events, want the battle alone: %v", len(evs), contents(t, evs))
			}
			for id, got := range evs {
				if src := sourceIDs(got); src != "afp analysis reuters" {
					t.Errorf("%s sources %q, want the battle's two reports and the analysis", id, src)
				}
				if got.EventType != want.EventType || got.SubEventType != want.SubEventType || got.Actor1 != want.Actor1 ||
					got.Actor2 != want.Actor2 || got.EventDate != want.EventDate || got.TimePrecision != want.TimePrecision ||
					got.DateStart != want.DateStart || got.DateEnd != want.DateEnd || got.Fatalities != want.Fatalities ||
					got.Confidence != want.Confidence || got.Location != want.Location {
					t.Errorf("the recollection changed the battle's fields:\n got %s %s %s/%s %s %d conf %v\nwant %s %s %s/%s %s %d conf %v",
						got.EventType, got.EventDate, got.Actor1, got.Actor2, got.Location, got.Fatalities, got.Confidence,
						want.EventType, want.EventDate, want.Actor1, want.Actor2, want.Location, want.Fatalities, want.Confidence)
				}
				if !slices.ContainsFunc(got.Evidence, func(e event.Evidence) bool {
					return e.Field == dedup.RecalledField && e.SourceID == "analysis"
				}) {
					t.Errorf("the analysis's evidence was not kept: %+v", got.Evidence)
				}
				if dedup.Recalled(got) {
					t.Error("the battle counts as recalled")
				}
			}
			if c := contents(t, evs); first == nil {
				first = c
			} else if !slices.Equal(first, c) {
				t.Errorf("the event depends on the order of arrival:\n%s", firstDiff(strings.Join(first, "\n"), strings.Join(c, "\n")))
			}
		})
	}
}

// TestRecollectionElsewhereStaysApart: a recollection of another place or another month joins
// nothing: it is kept as coded, and the battle keeps its own sources.
func TestRecollectionElsewhereStaysApart(t *testing.T) {
	far := recollection("analysis")
	// Abeibara, some 120 km from Tinzaouatene.
	far.Location, far.GeonameID, far.Latitude, far.Longitude = "Abeibara", 0, 19.1167, 1.75
	earlier := recollection("analysis")
	earlier.EventDate = "2024-05-28"
	for name, r := range map[string]event.Event{"another place": far, "another month": earlier} {
		t.Run(name, func(t *testing.T) {
			tb := table{"afp": {battle("afp", "2024-07-25", 7)}, "reuters": {battle("reuters", "2024-07-26", 9)}, "analysis": {r}}
			for _, order := range [][]string{{"afp", "reuters", "analysis"}, {"analysis", "afp", "reuters"}} {
				got := typesAndSources(eventsByID(t, ingestAll(t, tb, order)))
				want := []string{"Battles: afp reuters", "Strategic developments: analysis"}
				if !slices.Equal(got, want) {
					t.Errorf("order %v: events %q, want %q", order, got, want)
				}
			}
		})
	}
}

// TestRecollectionGoesWhereItFitsBest: beside the battle, a drone strike at the same place two days
// later fits the recollection as well by place and time; the battle, told by more reports, takes it
// in every order of arrival, and the recollection never joins the two events into one.
func TestRecollectionGoesWhereItFitsBest(t *testing.T) {
	tb := table{
		"afp":      {battle("afp", "2024-07-25", 7)},
		"reuters":  {battle("reuters", "2024-07-26", 9)},
		"army":     {droneStrike("army")},
		"analysis": {recollection("analysis")},
	}
	for _, order := range permutations([]string{"afp", "reuters", "army", "analysis"}) {
		got := typesAndSources(eventsByID(t, ingestAll(t, tb, order)))
		want := []string{"Battles: afp analysis reuters", "Explosions/Remote violence: army"}
		if !slices.Equal(got, want) {
			t.Errorf("order %v: events %q, want %q", order, got, want)
		}
	}
}

// TestRecollectionRecodeIdempotent: re-coding a store that holds a recollection changes nothing,
// whichever order the documents came in, in each kind of store.
func TestRecollectionRecodeIdempotent(t *testing.T) {
	tb := table{
		"afp":      {battle("afp", "2024-07-25", 7)},
		"reuters":  {battle("reuters", "2024-07-26", 9)},
		"army":     {droneStrike("army")},
		"analysis": {recollection("analysis")},
	}
	for _, order := range [][]string{{"analysis", "army", "afp", "reuters"}, {"afp", "analysis", "army", "reuters"}} {
		for name, s := range stores(t) {
			t.Run(name+":"+strings.Join(order, ","), func(t *testing.T) {
				ingestInto(t, s, tb, order)
				recodeTwice(t, s, tb)
			})
		}
	}
}

func recodeTwice(t *testing.T, s testStore, tb table) {
	t.Helper()
	before := storetest.Snapshot(t, s)
	if !strings.Contains(before, `"analysis"`) {
		t.Fatalf("the analysis is not stored:\n%s", before)
	}
	for i := range 2 {
		res, err := pipeline.New(s, tb, ticking()).Recode(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if res.Unchanged != res.Events || res.New+res.Merged+res.Deleted+res.Changed != 0 {
			t.Errorf("re-code %d: %+v, want every event unchanged", i+1, res)
		}
	}
	if after := storetest.Snapshot(t, s); after != before {
		t.Errorf("re-code changed the store:\n%s", firstDiff(before, after))
	}
}

func ExampleMention_Corroborating() {
	r := recollection("analysis")
	b := battle("afp", "2024-07-25", 7)
	fmt.Println(pipeline.Mention{DocumentID: "analysis", Event: r}.Corroborating(),
		pipeline.Mention{DocumentID: "afp", Event: b}.Corroborating())
	// Output: true false
}

// TestRecollectionKeepsEdits: an analyst's edit of the battle holds when a recollection joins it.
func TestRecollectionKeepsEdits(t *testing.T) {
	tb := table{"afp": {battle("afp", "2024-07-25", 7)}, "analysis": {recollection("analysis")}}
	s := memory.New()
	ingestInto(t, s, tb, []string{"afp"})
	var id string
	for k := range eventsByID(t, s) {
		id = k
	}
	p := pipeline.New(s, tb, ticking())
	if _, _, err := p.Edit(t.Context(), id, []event.Edit{{Field: "fatalities", Value: "12", By: "ana"}}); err != nil {
		t.Fatal(err)
	}
	ingestInto(t, s, tb, []string{"analysis"})
	evs := eventsByID(t, s)
	if got := evs[id]; len(evs) != 1 || got.Fatalities != 12 || sourceIDs(got) != "afp analysis" {
		t.Errorf("%d events; %s: toll %d, sources %q; want the edited toll 12 and both sources", len(evs), id, got.Fatalities, sourceIDs(got))
	}
}
