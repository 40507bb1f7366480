package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// APIStore is a store the API reads (the methods of api.Store, repeated here so that this package
// does not depend on the API).
type APIStore interface {
	Store
	Page(ctx context.Context, q storage.Query) ([]event.Event, *storage.Key, error)
	Matching(ctx context.Context, f event.Filter, fn func(event.Event) error) error
	Stats(ctx context.Context, f event.Filter, bucket string) (storage.Stats, error)
	Document(ctx context.Context, id string) (document.Document, error)
}

// RunAPI runs the API's part of the suite: pages, downloads and statistics under every filter, so
// that each store gives the same answers for the same events (the expected results are written out
// or derived from event.Filter.Match, never from a store). open is as for Run.
func RunAPI(t *testing.T, open func(t *testing.T) APIStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s APIStore)
	}{
		{"Filters", testAPIFilters},
		{"Pagination", testAPIPagination},
		{"Stats", testAPIStats},
		{"BadQueries", testAPIBadQueries},
		{"MatchesReference", testAPIMatchesReference},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// apiEvent is a plain event for the API tests: located, not background, no civilian targeting.
func apiEvent(id, date string) event.Event {
	return event.Event{
		EventIDCnty: id, EventDate: date, Year: 2025, TimePrecision: 1,
		DisorderType: event.PoliticalViolence, EventType: event.Battles, SubEventType: "Armed clash",
		Actor1: "Military Forces of Mali (2021-)", Actor2: "JNIM: Group for Support of Islam and Muslims",
		Country: "Mali", Admin1: "Mopti", Admin2: "Djenne", Location: "Djenne",
		Latitude: 13.9, Longitude: -4.55, GeoPrecision: 1, Notes: "Clash reported.", Fatalities: 2,
		Status: event.StatusAuto,
	}
}

// putDocs stores documents in one transaction.
func putDocs(t *testing.T, s Store, docs ...document.Document) {
	t.Helper()
	update(t, s, func(tx pipeline.Tx) error {
		for _, d := range docs {
			if err := tx.PutDocument(t.Context(), d); err != nil {
				return err
			}
		}
		return nil
	})
}

// ids lists the ids of events.
func ids(evs []event.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.EventIDCnty
	}
	return out
}

// matching returns the ids Matching gives for f.
func matching(t *testing.T, s APIStore, f event.Filter) []string {
	t.Helper()
	var got []string
	if err := s.Matching(t.Context(), f, func(e event.Event) error {
		got = append(got, e.EventIDCnty)
		return nil
	}); err != nil {
		t.Fatalf("Matching(%+v): %v", f, err)
	}
	return got
}

// pages walks every page of q (limit per page) and returns the ids in order, checking each page's key.
func pages(t *testing.T, s APIStore, q storage.Query) []string {
	t.Helper()
	var got []string
	for n := 0; ; n++ {
		evs, next, err := s.Page(t.Context(), q)
		if err != nil {
			t.Fatalf("Page(%+v): %v", q, err)
		}
		if len(evs) > q.Limit {
			t.Fatalf("Page(%+v): %d events, over the limit", q, len(evs))
		}
		got = append(got, ids(evs)...)
		if next == nil {
			return got
		}
		if len(evs) != q.Limit {
			t.Fatalf("Page(%+v): a next key after a short page of %d", q, len(evs))
		}
		if want := storage.KeyOf(evs[len(evs)-1], q.Sort); *next != want {
			t.Fatalf("Page(%+v): next key %+v, want the last event's %+v", q, *next, want)
		}
		if n > 10_000 {
			t.Fatalf("Page(%+v): pagination does not end", q)
		}
		after := *next
		q.After = &after
	}
}

// sortedDesc orders events as Page does for sort s.
func sortedDesc(evs []event.Event, s storage.Sort) []string {
	evs = slices.Clone(evs)
	slices.SortFunc(evs, func(a, b event.Event) int {
		if s == storage.SortFatalities && a.Fatalities != b.Fatalities {
			return cmp.Compare(b.Fatalities, a.Fatalities)
		}
		return cmp.Or(strings.Compare(b.EventDate, a.EventDate), strings.Compare(b.EventIDCnty, a.EventIDCnty))
	})
	return ids(evs)
}

func testAPIFilters(t *testing.T, s APIStore) {
	yes, no := true, false
	doc := func(id, title, text string) document.Document {
		d := newDoc(id, "https://example.org/"+id, "", text)
		d.Title = title
		return d
	}
	putDocs(t, s,
		doc("d-1", "Attaque à Ségou", "Des hommes armés ont attaqué le marché."),
		doc("d-2", "Ambush on the Niono road", "Soldiers were ambushed near Dogofry; the convoy turned back."),
		doc("d-3", "Protest in Niamey", "Traders marched against the new market tax."),
	)
	var evs []event.Event
	add := func(e event.Event, change func(*event.Event)) {
		change(&e)
		evs = append(evs, e)
		save(t, s, e, 1)
	}
	add(apiEvent("MLI1", "2025-03-01"), func(e *event.Event) {
		e.Notes = "Gunmen attacked the market and shops at Ségou; 4 killed."
		e.Admin1, e.Fatalities = "Segou", 4
		e.EventType, e.SubEventType = event.ViolenceCivilians, "Attack"
		e.Actor1, e.Actor2 = "Unidentified Armed Group (Mali)", "Civilians (Mali)"
		e.CivilianTargeting = event.CivilianTargetingValue
		e.Latitude, e.Longitude = 13.4317, -6.2157
		e.Sources = []event.Source{{ID: "d-1", Title: "Attaque à Ségou"}}
	})
	add(apiEvent("MLI2", "2025-03-02"), func(e *event.Event) {
		e.Notes = "Soldiers ambushed on the road; the convoy's escort returned fire."
		e.Admin1, e.Fatalities = "Segou", 7
		e.Latitude, e.Longitude = 14.26, -5.99
		e.Sources = []event.Source{{ID: "d-2"}}
	})
	add(apiEvent("MLI10", "2025-03-02"), func(e *event.Event) {
		e.Notes = "Clash near Djenné between the army and JNIM."
		e.Fatalities = 7
	})
	add(apiEvent("BFA1", "2025-03-05"), func(e *event.Event) {
		e.Country, e.Admin1, e.Fatalities = "Burkina Faso", "Centre-Nord", 0
		e.Actor1, e.Actor2 = "Military Forces of Burkina Faso (2022-)", "VDP: Volunteers for the Defense of the Homeland"
		e.Notes = "Drone strike on a camp."
		e.EventType, e.SubEventType = event.ExplosionsRemote, "Air/drone strike"
		e.Latitude, e.Longitude = 13.1, -1.08
	})
	add(apiEvent("NER1", "2025-02-27"), func(e *event.Event) {
		e.Country, e.Admin1, e.Fatalities = "Niger", "Niamey", 0
		e.EventType, e.SubEventType = event.Protests, "Peaceful protest"
		e.Actor1, e.Actor2 = "Protesters (Niger)", ""
		e.Notes = "Traders protested."
		e.Latitude, e.Longitude = 13.5137, 2.1098
		e.Sources = []event.Source{{ID: "d-3"}, {ID: "d-missing"}}
	})
	add(apiEvent("NER2", "2025-02-28"), func(e *event.Event) {
		e.Country, e.Admin1, e.Fatalities = "Niger", "Tillaberi", 30
		e.Notes = "Old report: attack on an army post."
		e.Background = true
		e.Latitude, e.Longitude = 14.2, 1.45
	})
	add(apiEvent("MLI3", "2025-03-04"), func(e *event.Event) {
		e.Notes = "Fighting reported somewhere in the centre; place unknown."
		e.Admin1, e.Location, e.Fatalities = "", "", 1
		e.Latitude, e.Longitude, e.GeoPrecision = 0, 0, 0 // not located
	})
	add(apiEvent("GHA1", "2025-03-03"), func(e *event.Event) {
		e.Country, e.Admin1 = "Ghana", "Greater Accra"
		e.Notes = "Clash at the origin of the map."
		e.Latitude, e.Longitude, e.GeoPrecision = 0, 0, 3 // located, at 0,0
	})

	box := func(minLon, minLat, maxLon, maxLat float64) *event.BBox {
		return &event.BBox{MinLon: minLon, MinLat: minLat, MaxLon: maxLon, MaxLat: maxLat}
	}
	tests := []struct {
		name string
		f    event.Filter
		want []string // in Matching order: event_date, then event_id_cnty
	}{
		{"everything but background", event.Filter{}, []string{"NER1", "MLI1", "MLI10", "MLI2", "GHA1", "MLI3", "BFA1"}},
		{"background included", event.Filter{IncludeBackground: true},
			[]string{"NER1", "NER2", "MLI1", "MLI10", "MLI2", "GHA1", "MLI3", "BFA1"}},
		{"country", event.Filter{Country: " niger "}, []string{"NER1"}},
		{"dates", event.Filter{Since: "2025-03-02", Until: "2025-03-04"}, []string{"MLI10", "MLI2", "GHA1", "MLI3"}},
		{"admin1 ignores case", event.Filter{Admin1: "SEGOU"}, []string{"MLI1", "MLI2"}},
		{"admin1 is not a prefix", event.Filter{Admin1: "Seg"}, nil},
		{"event type", event.Filter{EventType: "explosions/remote violence"}, []string{"BFA1"}},
		{"sub-event type", event.Filter{SubEventType: "armed CLASH"}, []string{"MLI10", "MLI2", "GHA1", "MLI3"}},
		{"actor substring", event.Filter{Actor: "jnim"}, []string{"MLI10", "MLI2", "GHA1", "MLI3"}},
		{"actor in actor1", event.Filter{Actor: "Burkina"}, []string{"BFA1"}},
		{"actor with LIKE wildcards is literal", event.Filter{Actor: "%"}, nil},
		{"actor with an underscore is literal", event.Filter{Actor: "Mil_tary"}, nil},
		{"min fatalities", event.Filter{MinFatalities: 5}, []string{"MLI10", "MLI2"}},
		{"min fatalities with background", event.Filter{MinFatalities: 5, IncludeBackground: true}, []string{"NER2", "MLI10", "MLI2"}},
		{"civilian targeting", event.Filter{CivilianTargeting: &yes}, []string{"MLI1"}},
		{"not civilian targeting", event.Filter{CivilianTargeting: &no, Country: "Mali"}, []string{"MLI10", "MLI2", "MLI3"}},
		{"bbox", event.Filter{BBox: box(-7, 13, -5, 15)}, []string{"MLI1", "MLI2"}},
		{"bbox edges are inside", event.Filter{BBox: box(-6.2157, 13.4317, -5.99, 14.26)}, []string{"MLI1", "MLI2"}},
		{"bbox just misses", event.Filter{BBox: box(-6.2156, 13.4318, -5.9901, 14.2599)}, nil},
		{"bbox at 0,0 holds only located events", event.Filter{BBox: box(-1, -1, 1, 1)}, []string{"GHA1"}},
		{"text in notes", event.Filter{Text: "market"}, []string{"NER1", "MLI1"}}, // NER1 by its document
		{"text ignores case and diacritics", event.Filter{Text: "SEGOU"}, []string{"MLI1"}},
		{"text with diacritics finds plain", event.Filter{Text: "djenné"}, []string{"MLI10"}},
		{"text every word", event.Filter{Text: "convoy escort"}, []string{"MLI2"}},
		{"text words across title and text", event.Filter{Text: "Niono dogofry"}, []string{"MLI2"}},
		{"text words must meet in one place", event.Filter{Text: "escort dogofry"}, nil},
		{"text prefix", event.Filter{Text: "ambush*"}, []string{"MLI2"}},
		{"text whole word", event.Filter{Text: "ambush"}, []string{"MLI2"}}, // the document title's word
		{"text word is not a prefix", event.Filter{Text: "ambu"}, nil},
		{"text punctuation separates", event.Filter{Text: "convoy's"}, []string{"MLI2"}},
		{"text syntax has no effect", event.Filter{Text: `"market" AND ségou`}, []string{"MLI1"}},
		{"text operators are words", event.Filter{Text: `market OR ségou`}, nil},
		{"text of a document in French", event.Filter{Text: "hommes armes"}, []string{"MLI1"}},
		{"text skips background", event.Filter{Text: "attack*"}, []string{"MLI1"}},
		{"text with background", event.Filter{Text: "attack*", IncludeBackground: true}, []string{"NER2", "MLI1"}},
		{"text and other filters", event.Filter{Text: "clash", Country: "Ghana"}, []string{"GHA1"}},
		{"everything at once", event.Filter{Country: "mali", Admin1: "segou", Since: "2025-03-01", Until: "2025-03-02",
			Actor: "military", MinFatalities: 3, CivilianTargeting: &no, BBox: box(-7, 13, -5, 15), Text: "road"},
			[]string{"MLI2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := matching(t, s, tc.f); !slices.Equal(got, tc.want) {
				t.Errorf("Matching = %v, want %v", got, tc.want)
			}
			var want []event.Event
			for _, e := range evs {
				if slices.Contains(tc.want, e.EventIDCnty) {
					want = append(want, e)
				}
			}
			for _, sort := range []storage.Sort{storage.SortDate, storage.SortFatalities} {
				for _, limit := range []int{1, 100} {
					q := storage.Query{Filter: tc.f, Sort: sort, Limit: limit}
					if got, want := pages(t, s, q), sortedDesc(want, sort); !slices.Equal(got, want) {
						t.Errorf("pages of %d by %s = %v, want %v", limit, sort, got, want)
					}
				}
			}
			st, err := s.Stats(t.Context(), tc.f, "day")
			if err != nil {
				t.Fatalf("Stats: %v", err)
			}
			if st.Events != len(tc.want) {
				t.Errorf("Stats counted %d events, want %d", st.Events, len(tc.want))
			}
		})
	}
	// A page is full events: sources and all.
	page, _, err := s.Page(t.Context(), storage.Query{Filter: event.Filter{Text: "ségou"}, Limit: 5})
	if err != nil || len(page) != 1 {
		t.Fatalf("Page(ségou) = %d events, %v", len(page), err)
	}
	if d := equalEvents(page[0], evs[0]); d != "" {
		t.Errorf("Page returned MLI1 changed:\n%s", d)
	}
}

func testAPIPagination(t *testing.T, s APIStore) {
	ctx := t.Context()
	// 25 events over 5 days, fatalities with ties, ids whose text order differs from their number.
	var all []event.Event
	for i := range 25 {
		e := apiEvent(fmt.Sprintf("MLI%d", i+1), fmt.Sprintf("2025-03-0%d", 1+i%5))
		e.Fatalities = (i * 7) % 4
		all = append(all, e)
		save(t, s, e, 1)
	}
	for _, sort := range []storage.Sort{"", storage.SortDate, storage.SortFatalities} {
		for limit := 1; limit <= 26; limit += 5 {
			q := storage.Query{Sort: sort, Limit: limit}
			if got, want := pages(t, s, q), sortedDesc(all, sort); !slices.Equal(got, want) {
				t.Errorf("pages of %d by %q = %v, want %v", limit, sort, got, want)
			}
		}
	}
	// An event added behind the reader's position is not seen; one ahead is, and none repeats.
	first, next, err := s.Page(ctx, storage.Query{Limit: 10})
	if err != nil || next == nil {
		t.Fatalf("first page: %v, next %v", err, next)
	}
	save(t, s, apiEvent("MLI99", "2025-03-09"), 1) // newer than every page already read
	save(t, s, apiEvent("MLI0", "2025-02-01"), 1)  // older than every event
	rest := pages(t, s, storage.Query{Limit: 7, After: next})
	got := append(ids(first), rest...)
	want := append(sortedDesc(all, storage.SortDate), "MLI0")
	if !slices.Equal(got, want) {
		t.Errorf("pages across inserts = %v, want %v", got, want)
	}
	// The last page has no next key, even when it is exactly full.
	evs, next, err := s.Page(ctx, storage.Query{Limit: 27})
	if err != nil || len(evs) != 27 || next != nil {
		t.Errorf("a page of all 27 events: %d events, next %v, %v", len(evs), next, err)
	}
}

func testAPIStats(t *testing.T, s APIStore) {
	count := func(typ string, n, dead int) storage.TypeCount {
		return storage.TypeCount{EventType: typ, Events: n, Fatalities: dead}
	}
	// 2025-03-02 is a Sunday, 03-03 a Monday.
	mk := func(id, date, typ string, dead int, change func(*event.Event)) {
		e := apiEvent(id, date)
		e.EventType, e.Fatalities = typ, dead
		if change != nil {
			change(&e)
		}
		save(t, s, e, 1)
	}
	mk("MLI1", "2025-03-02", event.Battles, 3, nil)
	mk("MLI2", "2025-03-02", event.ViolenceCivilians, 5, nil)
	mk("MLI3", "2025-03-03", event.Battles, 1, nil)
	mk("MLI4", "2025-03-04", event.Battles, 0, nil)
	mk("MLI5", "2025-03-04", event.Protests, 0, func(e *event.Event) { e.Background = true })
	mk("BFA1", "2025-03-09", event.ViolenceCivilians, 2, func(e *event.Event) { e.Country = "Burkina Faso" })

	tests := []struct {
		f      event.Filter
		bucket string
		want   storage.Stats
	}{
		{event.Filter{}, "day", storage.Stats{Events: 5, Fatalities: 11, Bucket: "day",
			Buckets: []storage.Bucket{
				{Start: "2025-03-02", Events: 2, Fatalities: 8, ByType: map[string]int{event.Battles: 1, event.ViolenceCivilians: 1}},
				{Start: "2025-03-03", Events: 1, Fatalities: 1, ByType: map[string]int{event.Battles: 1}},
				{Start: "2025-03-04", Events: 1, Fatalities: 0, ByType: map[string]int{event.Battles: 1}},
				{Start: "2025-03-09", Events: 1, Fatalities: 2, ByType: map[string]int{event.ViolenceCivilians: 1}},
			},
			ByType: []storage.TypeCount{count(event.Battles, 3, 4), count(event.ViolenceCivilians, 2, 7)}}},
		{event.Filter{IncludeBackground: true}, "week", storage.Stats{Events: 6, Fatalities: 11, Bucket: "week",
			Buckets: []storage.Bucket{
				{Start: "2025-02-24", Events: 2, Fatalities: 8, ByType: map[string]int{event.Battles: 1, event.ViolenceCivilians: 1}},
				{Start: "2025-03-03", Events: 4, Fatalities: 3, ByType: map[string]int{event.Battles: 2, event.Protests: 1, event.ViolenceCivilians: 1}},
			},
			ByType: []storage.TypeCount{count(event.Battles, 3, 4), count(event.ViolenceCivilians, 2, 7), count(event.Protests, 1, 0)}}},
		{event.Filter{Country: "Burkina Faso", Text: "clash"}, "week", storage.Stats{Events: 1, Fatalities: 2, Bucket: "week",
			Buckets: []storage.Bucket{
				{Start: "2025-03-03", Events: 1, Fatalities: 2, ByType: map[string]int{event.ViolenceCivilians: 1}},
			},
			ByType: []storage.TypeCount{count(event.ViolenceCivilians, 1, 2)}}},
		{event.Filter{Country: "Chad"}, "day", storage.Stats{Bucket: "day", Buckets: []storage.Bucket{}, ByType: []storage.TypeCount{}}},
	}
	for _, tc := range tests {
		got, err := s.Stats(t.Context(), tc.f, tc.bucket)
		if err != nil {
			t.Fatalf("Stats(%+v, %s): %v", tc.f, tc.bucket, err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Stats(%+v, %s) =\n%+v\nwant\n%+v", tc.f, tc.bucket, got, tc.want)
		}
	}
}

func testAPIBadQueries(t *testing.T, s APIStore) {
	ctx := t.Context()
	save(t, s, apiEvent("MLI1", "2025-03-02"), 1)
	nop := func(event.Event) error { return nil }
	for _, f := range []event.Filter{
		{Since: "2025-3-1"}, {Until: "yesterday"}, {Since: "2025-02-30"},
		{Text: "--"}, {Text: "* * *"}, {Text: strings.Repeat("word ", storage.MaxTerms+1)},
	} {
		if _, _, err := s.Page(ctx, storage.Query{Filter: f, Limit: 5}); !errors.Is(err, storage.ErrBadQuery) {
			t.Errorf("Page(%+v): %v, want ErrBadQuery", f, err)
		}
		if err := s.Matching(ctx, f, nop); !errors.Is(err, storage.ErrBadQuery) {
			t.Errorf("Matching(%+v): %v, want ErrBadQuery", f, err)
		}
		if _, err := s.Stats(ctx, f, "day"); !errors.Is(err, storage.ErrBadQuery) {
			t.Errorf("Stats(%+v): %v, want ErrBadQuery", f, err)
		}
	}
	for _, q := range []storage.Query{{Limit: 0}, {Limit: 5, Sort: "name"}} {
		if _, _, err := s.Page(ctx, q); !errors.Is(err, storage.ErrBadQuery) {
			t.Errorf("Page(%+v): %v, want ErrBadQuery", q, err)
		}
	}
	if _, err := s.Stats(ctx, event.Filter{}, "month"); !errors.Is(err, storage.ErrBadQuery) {
		t.Errorf("Stats(month): %v, want ErrBadQuery", err)
	}
	// A callback's error ends the walk and comes back as is.
	stop := errors.New("stop")
	if err := s.Matching(ctx, event.Filter{}, func(event.Event) error { return stop }); err != stop {
		t.Errorf("Matching returned %v, want the callback's error", err)
	}
}

// vocabulary of the reference test's texts: each word as written and as a store must fold it.
var vocabulary = [][2]string{
	{"Ségou", "segou"}, {"armée", "armee"}, {"Mopti", "mopti"}, {"attaque", "attaque"}, {"marché", "marche"},
	{"convoy", "convoy"}, {"convoys", "convoys"}, {"DJENNÉ", "djenne"}, {"Tillabéri", "tillaberi"},
	{"Ambushed", "ambushed"}, {"drone", "drone"}, {"Kidal", "kidal"}, {"çà", "ca"}, {"Boni", "boni"},
	{"12", "12"}, {"Niono", "niono"}, {"Ménaka", "menaka"}, {"village", "village"}, {"villageois", "villageois"},
}

// refWords is what a store must find in text written from the vocabulary.
func refWords(words []int) map[string]bool {
	out := map[string]bool{}
	for _, w := range words {
		out[vocabulary[w][1]] = true
	}
	return out
}

// writeWords writes vocabulary words with varied separators.
func writeWords(rng *rand.Rand, words []int) string {
	seps := []string{" ", ", ", " — ", "'", "-", "; ", "(", ") ", ". "}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		b.WriteString(vocabulary[w][0])
	}
	return b.String()
}

func pick(rng *rand.Rand, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = rng.IntN(len(vocabulary))
	}
	return out
}

// testAPIMatchesReference fills the store with random events and checks Page, Matching and Stats
// against event.Filter.Match and a reference word match, under random filters.
func testAPIMatchesReference(t *testing.T, s APIStore) {
	rng := rand.New(rand.NewPCG(9, 9))
	docWords := map[string]map[string]bool{}
	var docs []document.Document
	for i := range 30 {
		title, text := pick(rng, 1+rng.IntN(3)), pick(rng, 2+rng.IntN(8))
		id := fmt.Sprintf("doc-%d", i)
		d := newDoc(id, "https://example.org/"+id, "", writeWords(rng, text))
		d.Title = writeWords(rng, title)
		docs = append(docs, d)
		docWords[id] = refWords(append(title, text...))
	}
	putDocs(t, s, docs...)

	countries := []string{"Mali", "Burkina Faso", "Niger", "Côte d'Ivoire"}
	admin1s := []string{"Segou", "Mopti", "Tillaberi", "Centre-Nord", ""}
	types := []string{event.Battles, event.ViolenceCivilians, event.ExplosionsRemote, event.Protests}
	actors := []string{"Military Forces of Mali (2021-)", "JNIM: Group for Support of Islam and Muslims",
		"Wagner Group", "Civilians (Mali)", "Dozo Communal Militia (Mali)", ""}
	var all []event.Event
	noteWords := map[string]map[string]bool{}
	for i := range 240 {
		e := apiEvent(fmt.Sprintf("%s%d", []string{"MLI", "BFA", "NER"}[i%3], 1+rng.IntN(400)), fmt.Sprintf("2025-0%d-%02d", 1+rng.IntN(3), 1+rng.IntN(28)))
		if slices.ContainsFunc(all, func(o event.Event) bool { return o.EventIDCnty == e.EventIDCnty }) {
			continue
		}
		e.Country = countries[rng.IntN(len(countries))]
		e.Admin1 = admin1s[rng.IntN(len(admin1s))]
		e.EventType = types[rng.IntN(len(types))]
		e.SubEventType = event.SubEventTypes[e.EventType][0]
		e.Actor1, e.Actor2 = actors[rng.IntN(len(actors))], actors[rng.IntN(len(actors))]
		e.AssocActor1 = actors[rng.IntN(len(actors))]
		e.Fatalities = rng.IntN(6)
		e.Background = rng.IntN(5) == 0
		if rng.IntN(2) == 0 {
			e.CivilianTargeting = event.CivilianTargetingValue
		}
		switch rng.IntN(6) {
		case 0:
			e.Latitude, e.Longitude, e.GeoPrecision = 0, 0, 0
		case 1:
			e.Latitude, e.Longitude, e.GeoPrecision = 0, 0, 2
		default:
			e.Latitude, e.Longitude = 10+float64(rng.IntN(800))/100, -8+float64(rng.IntN(1200))/100
		}
		words := pick(rng, 1+rng.IntN(5))
		e.Notes = writeWords(rng, words)
		noteWords[e.EventIDCnty] = refWords(words)
		for range rng.IntN(3) {
			e.Sources = append(e.Sources, event.Source{ID: docs[rng.IntN(len(docs))].ID})
		}
		all = append(all, e)
		save(t, s, e, int64(i))
	}

	// textMatch is the reference full-text match: every term in the notes, or in one source document.
	textMatch := func(e event.Event, terms []storage.Term) bool {
		in := func(words map[string]bool) bool {
			for _, term := range terms {
				w := foldWord(term.Word)
				ok := words[w]
				if term.Prefix {
					for word := range words {
						ok = ok || strings.HasPrefix(word, w)
					}
				}
				if !ok {
					return false
				}
			}
			return true
		}
		if in(noteWords[e.EventIDCnty]) {
			return true
		}
		for _, src := range e.Sources {
			if in(docWords[src.ID]) {
				return true
			}
		}
		return false
	}

	yes, no := true, false
	found, foundByText := 0, 0 // filters that select something: the comparison has teeth
	for range 80 {
		var f event.Filter
		if rng.IntN(4) == 0 {
			f.Country = strings.ToUpper(countries[rng.IntN(len(countries))])
		}
		if rng.IntN(5) == 0 {
			f.Admin1 = strings.ToLower(admin1s[rng.IntN(len(admin1s)-1)])
		}
		if rng.IntN(5) == 0 {
			f.EventType = types[rng.IntN(len(types))]
		}
		if rng.IntN(3) == 0 {
			f.Since = fmt.Sprintf("2025-0%d-%02d", 1+rng.IntN(3), 1+rng.IntN(28))
		}
		if rng.IntN(3) == 0 {
			f.Until = fmt.Sprintf("2025-0%d-%02d", 1+rng.IntN(3), 1+rng.IntN(28))
		}
		if rng.IntN(4) == 0 {
			f.Actor = []string{"mali", "JNIM", "wagner", "militia", "forces of"}[rng.IntN(5)]
		}
		if rng.IntN(4) == 0 {
			f.MinFatalities = rng.IntN(6)
		}
		if rng.IntN(5) == 0 {
			f.CivilianTargeting = []*bool{&yes, &no}[rng.IntN(2)]
		}
		if rng.IntN(4) == 0 {
			minLon, minLat := -8+float64(rng.IntN(1200))/100, 10+float64(rng.IntN(800))/100
			f.BBox = &event.BBox{MinLon: minLon, MinLat: minLat, MaxLon: minLon + float64(rng.IntN(600))/100,
				MaxLat: minLat + float64(rng.IntN(400))/100}
			if rng.IntN(4) == 0 {
				f.BBox = &event.BBox{MinLon: -1, MinLat: -1, MaxLon: 1, MaxLat: 1} // around 0,0
			}
		}
		f.IncludeBackground = rng.IntN(3) == 0
		var terms []storage.Term
		if rng.IntN(2) == 0 {
			var q []string
			for _, w := range pick(rng, 1+rng.IntN(2)) {
				word := vocabulary[w][0]
				switch rng.IntN(4) {
				case 0:
					word = strings.ToUpper(vocabulary[w][1])
				case 1:
					word = string([]rune(vocabulary[w][1])[:min(3, len([]rune(vocabulary[w][1])))]) + "*"
				}
				q = append(q, word)
			}
			f.Text = strings.Join(q, " ")
			var err error
			if terms, err = storage.SearchTerms(f.Text); err != nil {
				t.Fatalf("SearchTerms(%q): %v", f.Text, err)
			}
		}
		var want []event.Event
		for _, e := range all {
			if f.Match(e) && (terms == nil || textMatch(e, terms)) {
				want = append(want, e)
			}
		}
		slices.SortFunc(want, func(a, b event.Event) int {
			return cmp.Or(strings.Compare(a.EventDate, b.EventDate), strings.Compare(a.EventIDCnty, b.EventIDCnty))
		})
		if len(want) > 0 {
			found++
			if terms != nil {
				foundByText++
			}
		}
		if got := matching(t, s, f); !slices.Equal(got, ids(want)) {
			t.Errorf("Matching(%+v) = %v, want %v", f, got, ids(want))
		}
		sort := []storage.Sort{storage.SortDate, storage.SortFatalities}[rng.IntN(2)]
		q := storage.Query{Filter: f, Sort: sort, Limit: 1 + rng.IntN(40)}
		if got := pages(t, s, q); !slices.Equal(got, sortedDesc(want, sort)) {
			t.Errorf("pages of %+v = %v, want %v", q, got, sortedDesc(want, sort))
		}
		bucket := []string{"day", "week"}[rng.IntN(2)]
		sb, err := storage.NewStatsBuilder(bucket)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range want {
			sb.Add(e.EventDate, e.EventType, 1, e.Fatalities)
		}
		got, err := s.Stats(t.Context(), f, bucket)
		if err != nil {
			t.Fatalf("Stats(%+v): %v", f, err)
		}
		if wantStats := sb.Stats(); !reflect.DeepEqual(got, wantStats) {
			t.Errorf("Stats(%+v, %s) =\n%+v\nwant\n%+v", f, bucket, got, wantStats)
		}
	}
	if found < 30 || foundByText < 10 {
		t.Errorf("only %d of 80 random filters selected events (%d with text): the test lost its teeth", found, foundByText)
	}
}

// foldWord folds a query word as the stores do, for the vocabulary's letters.
func foldWord(w string) string {
	w = strings.Map(func(r rune) rune {
		switch unicode.ToLower(r) {
		case 'é', 'è':
			return 'e'
		case 'ç':
			return 'c'
		case 'à':
			return 'a'
		}
		return unicode.ToLower(r)
	}, w)
	return w
}
