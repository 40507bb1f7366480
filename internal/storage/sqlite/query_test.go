package sqlite

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

// randomEvents makes n events whose fields take few values each, so random filters select some.
// TestAPISuite checks the API's reads against the suite both stores answer to.
func TestAPISuite(t *testing.T) {
	storetest.RunAPI(t, func(t *testing.T) storetest.APIStore {
		s, _ := openTemp(t)
		return s
	})
}

func randomEvents(rng *rand.Rand, n int) []event.Event {
	countries := []string{"Mali", "Niger", "Burkina Faso", "Côte d'Ivoire"}
	admins := []string{"Mopti", "Tillaberi", "Sahel", "Savanes"}
	actors := []string{"JNIM: Group for Support of Islam and Muslims", "Islamic State (Sahel)", "Military Forces of Mali (2021-)", "Civilians (Niger)", ""}
	subs := []string{"Armed clash", "Attack", "Air/drone strike", "Abduction/forced disappearance"}
	var out []event.Event
	for i := range n {
		sub := subs[rng.IntN(len(subs))]
		e := event.Event{
			EventIDCnty: fmt.Sprintf("XYZ%d", i+1),
			EventDate:   fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(3), 1+rng.IntN(28)),
			Country:     countries[rng.IntN(len(countries))], Admin1: admins[rng.IntN(len(admins))],
			SubEventType: sub, EventType: event.TypeOf(sub),
			Actor1: actors[rng.IntN(len(actors))], Actor2: actors[rng.IntN(len(actors))],
			Fatalities: rng.IntN(20), Background: rng.IntN(8) == 0,
			Latitude: 10 + rng.Float64()*8, Longitude: -6 + rng.Float64()*10, GeoPrecision: 1,
		}
		if rng.IntN(6) == 0 {
			e.Latitude, e.Longitude, e.GeoPrecision = 0, 0, 0
		}
		if rng.IntN(5) == 0 {
			e.AssocActor2 = "Wagner Group"
		}
		if rng.IntN(3) == 0 {
			e.CivilianTargeting = event.CivilianTargetingValue
		}
		e.Notes = event.Notes(e)
		out = append(out, e)
	}
	return out
}

func randomFilter(rng *rand.Rand) event.Filter {
	pick := func(vals ...string) string { return vals[rng.IntN(len(vals))] }
	var f event.Filter
	if rng.IntN(3) == 0 {
		f.Country = pick("Mali", "niger", "CÔTE D'IVOIRE", "Chad")
	}
	if rng.IntN(4) == 0 {
		f.Admin1 = pick("mopti", "Sahel", "SAVANES")
	}
	if rng.IntN(4) == 0 {
		f.EventType = pick(event.Battles, "violence against civilians", event.ExplosionsRemote)
	}
	if rng.IntN(5) == 0 {
		f.SubEventType = pick("attack", "Air/drone strike")
	}
	if rng.IntN(3) == 0 {
		f.Actor = pick("jnim", "Mali", "wagner", "(", "State (S", "%", "_")
	}
	if rng.IntN(3) == 0 {
		f.Since = fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(3), 1+rng.IntN(28))
	}
	if rng.IntN(3) == 0 {
		f.Until = fmt.Sprintf("2025-%02d-%02d", 1+rng.IntN(3), 1+rng.IntN(28))
	}
	if rng.IntN(3) == 0 {
		lat, lon := 10+rng.Float64()*8, -6+rng.Float64()*10
		f.BBox = &event.BBox{MinLon: lon, MinLat: lat, MaxLon: lon + rng.Float64()*6, MaxLat: lat + rng.Float64()*6}
	}
	if rng.IntN(3) == 0 {
		f.MinFatalities = rng.IntN(20)
	}
	if rng.IntN(3) == 0 {
		b := rng.IntN(2) == 0
		f.CivilianTargeting = &b
	}
	f.IncludeBackground = rng.IntN(2) == 0
	return f
}

func saveAll(t testing.TB, s *Store, events []event.Event) {
	t.Helper()
	ctx := context.Background()
	err := s.Update(ctx, func(tx pipeline.Tx) error {
		for i, e := range events {
			if err := tx.SaveEvent(ctx, pipeline.Stored{Event: e}, int64(i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFilterSQLMatchesReference compares the SQL of every filter field with event.Filter.Match on
// random events and random filters, through Page (both sorts), Matching and Stats.
func TestFilterSQLMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	events := randomEvents(rng, 400)
	s, _ := openTemp(t)
	saveAll(t, s, events)
	ctx := t.Context()
	nonEmpty := 0
	for range 300 {
		f := randomFilter(rng)
		var want []string
		for _, e := range events {
			if f.Match(e) {
				want = append(want, e.EventIDCnty)
			}
		}
		if len(want) > 0 {
			nonEmpty++
		}
		slices.Sort(want)
		for _, sort := range []storage.Sort{storage.SortDate, storage.SortFatalities} {
			var got []string
			q := storage.Query{Filter: f, Sort: sort, Limit: 1 + rng.IntN(60)}
			for {
				page, next, err := s.Page(ctx, q)
				if err != nil {
					t.Fatalf("Page(%+v): %v", q, err)
				}
				got = append(got, ids(page)...)
				if next == nil {
					break
				}
				q.After = next
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("filter %+v (bbox %v) sort %s:\n got %v\nwant %v", f, f.BBox, sort, got, want)
			}
		}
		var got []string
		if err := s.Matching(ctx, f, func(e event.Event) error { got = append(got, e.EventIDCnty); return nil }); err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("Matching(%+v): got %v, want %v", f, got, want)
		}
		st, err := s.Stats(ctx, f, "week")
		if err != nil || st.Events != len(want) {
			t.Fatalf("Stats(%+v): %d events (%v), want %d", f, st.Events, err, len(want))
		}
	}
	if nonEmpty < 100 {
		t.Errorf("only %d of 300 random filters selected anything: the test is too weak", nonEmpty)
	}
}

func ids(evs []event.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.EventIDCnty
	}
	return out
}

func search(t *testing.T, s *Store, q string) []string {
	t.Helper()
	var got []string
	err := s.Matching(t.Context(), event.Filter{Text: q, IncludeBackground: true}, func(e event.Event) error {
		got = append(got, e.EventIDCnty)
		return nil
	})
	if err != nil {
		t.Fatalf("q %q: %v", q, err)
	}
	slices.Sort(got)
	return got
}

// integrity runs FTS5's own check that an external-content index matches its table.
func integrity(t *testing.T, s *Store) {
	t.Helper()
	for _, tbl := range []string{"events_fts", "documents_fts"} {
		if _, err := s.w.ExecContext(t.Context(), `INSERT INTO `+tbl+` (`+tbl+`, rank) VALUES ('integrity-check', 1)`); err != nil {
			t.Errorf("%s: %v", tbl, err)
		}
	}
}

// TestSearchIndexesFollowWrites: the FTS and R*Tree indexes follow inserts, re-saves, merges and
// backups (VACUUM INTO must keep the rowids they refer to).
func TestSearchIndexesFollowWrites(t *testing.T) {
	s, _ := openTemp(t)
	ctx := t.Context()
	mk := func(id, notes string, lat, lon float64, src ...string) event.Event {
		e := event.Event{EventIDCnty: id, EventDate: "2025-03-02", Country: "Mali", Notes: notes, Latitude: lat, Longitude: lon, GeoPrecision: 1}
		for _, d := range src {
			e.Sources = append(e.Sources, event.Source{ID: d})
		}
		return e
	}
	err := s.Update(ctx, func(tx pipeline.Tx) error {
		for _, d := range []document.Document{
			{ID: "d1", Title: "Embuscade", Text: "Une embuscade a visé un convoi près de Boni."},
			{ID: "d2", Title: "Drone", Text: "A drone strike hit a wedding party."},
		} {
			d.Finish()
			if err := tx.PutDocument(ctx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	saveAll(t, s, []event.Event{
		mk("MLI1", "Soldiers clashed with militants near Boni.", 15.0, -1.9, "d1"),
		mk("MLI2", "Gunmen attacked a market.", 14.1, -4.2, "d2"),
		mk("MLI3", "An IED struck a bus.", 0, 0),
	})
	for q, want := range map[string][]string{
		"boni": {"MLI1"}, "convoi": {"MLI1"}, "embuscade": {"MLI1"}, "wedding": {"MLI2"},
		"market": {"MLI2"}, "IED": {"MLI3"}, "bus ied": {"MLI3"}, "mark*": {"MLI2"}, "nothing": nil,
	} {
		if got := search(t, s, q); !slices.Equal(got, want) {
			t.Errorf("q %q = %v, want %v", q, got, want)
		}
	}
	// Re-saving replaces the notes and the location in the indexes.
	e := mk("MLI2", "Gunmen looted a clinic.", 12.6, -8.0, "d2")
	saveAll(t, s, []event.Event{e})
	if got := search(t, s, "market"); len(got) != 0 {
		t.Errorf("old notes still found: %v", got)
	}
	if got := search(t, s, "clinic"); !slices.Equal(got, []string{"MLI2"}) {
		t.Errorf("new notes not found: %v", got)
	}
	box := func(st *Store, b event.BBox) []string {
		page, _, err := st.Page(ctx, storage.Query{Filter: event.Filter{BBox: &b}, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(page)
		slices.Sort(got)
		return got
	}
	if got := box(s, event.BBox{MinLon: -5, MinLat: 13, MaxLon: -3, MaxLat: 15}); len(got) != 0 {
		t.Errorf("old location still in the R*Tree: %v", got)
	}
	if got := box(s, event.BBox{MinLon: -9, MinLat: 12, MaxLon: -1, MaxLat: 16}); !slices.Equal(got, []string{"MLI1", "MLI2"}) {
		t.Errorf("bbox = %v", got)
	}
	// Merging deletes the event from the indexes (its alias resolves to the survivor).
	if err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, "MLI1", "MLI2") }); err != nil {
		t.Fatal(err)
	}
	if got := search(t, s, "clashed"); len(got) != 0 {
		t.Errorf("merged-away notes still found: %v", got)
	}
	if got := search(t, s, "boni"); len(got) != 0 { // d1 is no longer any live event's source
		t.Errorf("boni after merge: %v", got)
	}
	integrity(t, s)
	// A backup keeps indexes and rowids together.
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	b, err := Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	integrity(t, b)
	if got := search(t, b, "clinic"); !slices.Equal(got, []string{"MLI2"}) {
		t.Errorf("backup: clinic = %v", got)
	}
	if got := search(t, b, "wedding"); !slices.Equal(got, []string{"MLI2"}) {
		t.Errorf("backup: wedding = %v", got)
	}
	if got := box(b, event.BBox{MinLon: -9, MinLat: 12, MaxLon: -7, MaxLat: 13}); !slices.Equal(got, []string{"MLI2"}) {
		t.Errorf("backup: bbox = %v", got)
	}
}

// TestPlansAgree: every strategy of plan selects the same events (the thresholds only pick the
// fastest).
func TestPlansAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	events := randomEvents(rng, 300)
	s, _ := openTemp(t)
	saveAll(t, s, events)
	ctx := t.Context()
	queries := []string{"clashed", "Mali", "attacked Niger", "drone*", "wagner", "nothing"}
	for i := range 200 {
		f := randomFilter(rng)
		if i%2 == 0 {
			f.Text = queries[rng.IntN(len(queries))]
		}
		var first []string
		for _, pl := range []plan{{}, {notes: walkSet, docs: walkSet}, {notes: walkProbe, docs: walkSet, bbox: walkProbe},
			{notes: walkSet, docs: walkProbe}, {notes: walkProbe, docs: walkProbe}, {bbox: walkProbe}} {
			var got []string
			q := storage.Query{Filter: f, Limit: 1 + rng.IntN(40)}
			for {
				page, next, err := s.page(ctx, q, pl)
				if err != nil {
					t.Fatalf("page(%+v, %+v): %v", q, pl, err)
				}
				got = append(got, ids(page)...)
				if next == nil {
					break
				}
				q.After = next
			}
			if first == nil {
				first = got
				continue
			}
			if !slices.Equal(got, first) {
				t.Fatalf("filter %+v plan %+v: %v, default plan %v", f, pl, got, first)
			}
		}
	}
}

func TestBadQueries(t *testing.T) {
	s, _ := openTemp(t)
	ctx := t.Context()
	for _, q := range []storage.Query{
		{Limit: 0},
		{Limit: 5, Sort: "name"},
		{Limit: 5, Filter: event.Filter{Since: "2025-1-1"}},
		{Limit: 5, Filter: event.Filter{Text: `"*" ( )`}},
		{Limit: 5, Filter: event.Filter{Text: strings.Repeat("word ", 40)}},
	} {
		if _, _, err := s.Page(ctx, q); !errors.Is(err, storage.ErrBadQuery) {
			t.Errorf("Page(%+v): %v, want ErrBadQuery", q, err)
		}
	}
	if _, err := s.Stats(ctx, event.Filter{}, "month"); !errors.Is(err, storage.ErrBadQuery) {
		t.Errorf("Stats bucket month: %v", err)
	}
}

func TestNumberParams(t *testing.T) {
	got, n := numberParams([]string{"a = ?", "(b LIKE ?1 OR c LIKE ?1)", "d IN (?, ?)"})
	want := []string{"a = ?1", "(b LIKE ?2 OR c LIKE ?2)", "d IN (?3, ?4)"}
	if !slices.Equal(got, want) || n != 4 {
		t.Errorf("numberParams = %q, %d; want %q, 4", got, n, want)
	}
}

// FuzzFTSQuery: whatever a user types as q, the store either refuses it as a bad query or runs it;
// FTS5 syntax in the input never reaches SQLite as syntax.
func FuzzFTSQuery(f *testing.F) {
	for _, s := range []string{"ambush", `"quoted" OR NEAR(a b)`, "pre*", "*", "a:b", "^start", "-x +y",
		"Ségou", "AND", "col:text", "(", "\x00", "北京", "a\"b", "NOT OR AND"} {
		f.Add(s)
	}
	s, _ := openTemp(f)
	saveAll(f, s, randomEvents(rand.New(rand.NewPCG(1, 2)), 20))
	f.Fuzz(func(t *testing.T, q string) {
		_, _, err := s.Page(context.Background(), storage.Query{Filter: event.Filter{Text: q}, Limit: 5})
		if err != nil && !errors.Is(err, storage.ErrBadQuery) {
			t.Fatalf("q %q: %v", q, err)
		}
	})
}
