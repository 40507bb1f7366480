package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/coder"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/reader"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

func open(t testing.TB, opts postgres.Options) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(waitFor(t), newDatabase(t), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoreSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store { return open(t, postgres.Options{MaxConns: 8}) })
}

func TestMigrations(t *testing.T) {
	url := newDatabase(t)
	ctx := waitFor(t)
	// Workers starting together must migrate once, without failing on each other's tables.
	var wg sync.WaitGroup
	errs := make([]error, 3)
	stores := make([]*postgres.Store, 3)
	for i := range stores {
		wg.Go(func() { stores[i], errs[i] = postgres.Open(ctx, url, postgres.Options{MaxConns: 2}) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	v, err := stores[0].SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	if want := int64(len(files)); v != want {
		t.Errorf("schema version %d, want %d (one per migration file)", v, want)
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		url     string
		opts    postgres.Options
		max     int32
		wantErr bool
	}{
		{"postgres://u@127.0.0.1:5432/db?pool_max_conns=7", postgres.Options{}, 7, false},
		{"postgresql://u@127.0.0.1/db?pool_max_conns=7", postgres.Options{MaxConns: 3}, 3, false},
		{"postgres://u@127.0.0.1/db", postgres.Options{MaxConns: 12}, 12, false},
		{"postgres://u@127.0.0.1/db?pool_max_conns=2&pool_min_conns=1", postgres.Options{}, 2, false},
		{"postgres://u@127.0.0.1/db", postgres.Options{MaxConns: 2, MinConns: 5}, 0, true},
		{"postgres://u@127.0.0.1/db", postgres.Options{MaxConns: -1}, 0, true},
		{"postgres://u@127.0.0.1/db?pool_max_conns=zero", postgres.Options{}, 0, true},
		{"", postgres.Options{}, 0, true},
	}
	for _, tc := range tests {
		cfg, err := postgres.Config(tc.url, tc.opts)
		if (err != nil) != tc.wantErr {
			t.Errorf("Config(%q, %+v): err = %v, want error %v", tc.url, tc.opts, err, tc.wantErr)
			continue
		}
		if err == nil && cfg.MaxConns != tc.max {
			t.Errorf("Config(%q, %+v): MaxConns %d, want %d", tc.url, tc.opts, cfg.MaxConns, tc.max)
		}
	}
	// A bad URL's error must not repeat the password.
	_, err := postgres.Config("postgres://user:s3cret@127.0.0.1:port/db", postgres.Options{})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("bad URL error %v (must fail without showing the password)", err)
	}
}

// FuzzConfig feeds arbitrary connection strings (they come from flags and the environment): Config
// must never panic, and an accepted one must give a usable pool size.
func FuzzConfig(f *testing.F) {
	for _, s := range []string{
		"postgres://u:p@localhost:5432/db?pool_max_conns=4",
		"postgresql:///db?host=/tmp",
		"host=localhost dbname=x pool_min_conns=2",
		"postgres://[::1]:5432/db?sslmode=disable",
		"postgres://%zz",
		"",
	} {
		f.Add(s, int32(0))
	}
	f.Fuzz(func(t *testing.T, url string, max int32) {
		cfg, err := postgres.Config(url, postgres.Options{MaxConns: max})
		if err != nil {
			return
		}
		if cfg.MaxConns < 1 || cfg.MinConns > cfg.MaxConns {
			t.Errorf("Config(%q, %d) gave pool %d..%d", url, max, cfg.MinConns, cfg.MaxConns)
		}
	})
}

// TestUpdateRetriesDeadlock makes two transactions lock two cells in opposite orders: PostgreSQL aborts
// one with a deadlock, and Update must run it again so that both commit.
func TestUpdateRetriesDeadlock(t *testing.T) {
	s := open(t, postgres.Options{MaxConns: 4})
	ctx := waitFor(t)
	var first sync.WaitGroup // both hold their first cell before either asks for the second
	first.Add(2)
	var attempts [2]int
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, order := range [][2]int64{{1, 2}, {2, 1}} {
		wg.Go(func() {
			errs[i] = s.Update(ctx, func(tx pipeline.Tx) error {
				attempts[i]++
				if _, err := tx.NearbyEvents(ctx, []int64{order[0]}, "2025-01-01", "2025-01-02"); err != nil {
					return err
				}
				if attempts[i] == 1 {
					first.Done()
					first.Wait()
				}
				if _, err := tx.NearbyEvents(ctx, []int64{order[1]}, "2025-01-01", "2025-01-02"); err != nil {
					return err
				}
				id, err := tx.NewEventID(ctx, "MLI")
				if err != nil {
					return err
				}
				ev := event.Event{EventIDCnty: id, EventDate: "2025-01-01", Year: 2025, Country: "Mali"}
				return tx.SaveEvent(ctx, pipeline.Stored{Event: ev}, order[0])
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("transaction %d: %v", i, err)
		}
	}
	if attempts[0]+attempts[1] < 3 {
		t.Errorf("attempts %v: expected one transaction to be aborted by the deadlock and run again", attempts)
	}
	if _, n, err := s.Counts(ctx); err != nil || n != 2 {
		t.Errorf("Counts: %d events, %v; want 2", n, err)
	}
}

// TestDocumentRaceIsKnown has two transactions hold the same article: the second must wait for the
// first and then find it known, not store it twice nor fail on the unique index.
func TestDocumentRaceIsKnown(t *testing.T) {
	s := open(t, postgres.Options{MaxConns: 4})
	ctx := waitFor(t)
	d := document.Document{ID: "url:1", URL: "https://example.org/a", Text: "Gunmen attacked a village."}
	d.ContentHash = document.HashText(d.Text)
	var known bool
	err := secondWaits(t, ctx, s, func(tx pipeline.Tx) error {
		if _, known, err := tx.KnownDocument(ctx, d); err != nil || known {
			return fmt.Errorf("first look: known %v, %v", known, err)
		}
		return tx.PutDocument(ctx, d)
	}, func(tx pipeline.Tx) error {
		var err error
		_, known, err = tx.KnownDocument(ctx, d)
		if err != nil || known {
			return err
		}
		return tx.PutDocument(ctx, d)
	})
	if err != nil || !known {
		t.Errorf("second transaction: err %v, known %v; want known", err, known)
	}
	if n, _, err := s.Counts(ctx); err != nil || n != 1 {
		t.Errorf("%d documents (%v), want 1", n, err)
	}
}

// secondWaits runs first in a transaction and, while that transaction is still open, second in
// another: second must not finish until the first commits (it waits on a lock the first holds). It
// returns second's error.
func secondWaits(t *testing.T, ctx context.Context, s *postgres.Store, first, second func(pipeline.Tx) error) error {
	t.Helper()
	holding := make(chan struct{})
	release := make(chan struct{})
	firstDone := make(chan error, 1)
	go func() {
		firstDone <- s.Update(ctx, func(tx pipeline.Tx) error {
			if err := first(tx); err != nil {
				return err
			}
			close(holding)
			<-release
			return nil
		})
	}()
	select {
	case <-holding:
	case err := <-firstDone:
		t.Fatalf("first transaction: %v", err)
	}
	secondDone := make(chan error, 1)
	go func() { secondDone <- s.Update(ctx, second) }()
	select {
	case err := <-secondDone:
		close(release) // let the first finish, so the store can close
		<-firstDone
		t.Fatalf("second transaction finished (%v) while the first was still open", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatalf("first transaction: %v", err)
	}
	return <-secondDone
}

func seedDocs(t *testing.T) []document.Document {
	t.Helper()
	path := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	var docs []document.Document
	err := reader.Read(context.Background(), path, nil, reader.Options{}, func(it reader.Item) error {
		if it.Err != nil {
			return fmt.Errorf("%s: %w", it.Origin, it.Err)
		}
		docs = append(docs, it.Doc)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no seed documents")
	}
	return docs
}

// summary is what must not depend on the store or on concurrency: each event's date, type, place and
// the set of documents reporting it, sorted. Ids are left out (their numbering follows the order).
func summary(t *testing.T, events func(context.Context, event.Filter, func(event.Event) error) error) []string {
	t.Helper()
	var out []string
	err := events(context.Background(), event.Filter{IncludeBackground: true}, func(e event.Event) error {
		var srcs []string
		for _, s := range e.Sources {
			srcs = append(srcs, s.ID)
		}
		slices.Sort(srcs)
		out = append(out, fmt.Sprintf("%s %s/%s %s (%s) %d sources=%s", e.EventDate, e.EventType, e.SubEventType,
			e.Location, e.Country, e.Fatalities, strings.Join(srcs, ",")))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestConcurrentSeedIngest ingests the seed articles from 4 goroutines at once, each taking every
// article (so each article races with itself three times), and compares the stored events with one
// sequential SQLite run.
func TestConcurrentSeedIngest(t *testing.T) {
	docs := seedDocs(t)
	def, err := coder.Default()
	if err != nil {
		t.Fatal(err)
	}
	cd := &memoCoder{c: def, done: map[string][]event.Event{}}
	ctx := waitFor(t)

	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "seq.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	seq := pipeline.New(lite, cd, nil)
	for _, d := range docs {
		if _, err := seq.Ingest(ctx, d); err != nil {
			t.Fatalf("sequential ingest %s: %v", d.ID, err)
		}
	}
	want := summary(t, lite.Events)
	wantDocs, wantEvents, err := lite.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	pg := open(t, postgres.Options{MaxConns: 8})
	p := pipeline.New(pg, cd, nil)
	const workers = 4
	var wg sync.WaitGroup
	errs := make(chan error, workers*len(docs))
	var mu sync.Mutex
	added := map[string]int{}
	for w := range workers {
		wg.Go(func() {
			// Each worker starts at a different place so the same article is often in flight twice.
			for i := range docs {
				d := docs[(i+w*len(docs)/workers)%len(docs)]
				res, err := p.Ingest(ctx, d)
				if err != nil {
					errs <- fmt.Errorf("worker %d, %s: %w", w, d.ID, err)
					continue
				}
				if !res.Known {
					mu.Lock()
					added[d.ID]++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for id, n := range added {
		if n != 1 {
			t.Errorf("document %s stored by %d workers", id, n)
		}
	}
	gotDocs, gotEvents, err := pg.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if gotDocs != wantDocs || gotEvents != wantEvents {
		t.Errorf("PostgreSQL after concurrent ingest: %d documents, %d events; sequential SQLite: %d, %d",
			gotDocs, gotEvents, wantDocs, wantEvents)
	}
	got := summary(t, pg.Events)
	if !slices.Equal(got, want) {
		t.Errorf("events differ from the sequential SQLite run:\n got %s\nwant %s",
			strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	// No event id is handed out twice and every stored id resolves to itself.
	seen := map[string]bool{}
	if err := pg.Events(ctx, event.Filter{IncludeBackground: true}, func(e event.Event) error {
		if seen[e.EventIDCnty] {
			return fmt.Errorf("event id %s stored twice", e.EventIDCnty)
		}
		seen[e.EventIDCnty] = true
		got, err := pg.Event(ctx, e.EventIDCnty)
		if err != nil || got.EventIDCnty != e.EventIDCnty {
			return errors.Join(fmt.Errorf("Event(%s) = %s", e.EventIDCnty, got.EventIDCnty), err)
		}
		return nil
	}); err != nil {
		t.Error(err)
	}
	t.Logf("%d documents, %d events", gotDocs, gotEvents)
}

// memoCoder codes each document once: the sequential run fills it, so the concurrent workers spend
// their time in the store and their transactions overlap as much as possible.
type memoCoder struct {
	c    pipeline.Coder
	mu   sync.Mutex
	done map[string][]event.Event
}

func (m *memoCoder) Code(ctx context.Context, d document.Document) ([]event.Event, error) {
	m.mu.Lock()
	evs, ok := m.done[d.ID]
	m.mu.Unlock()
	if ok {
		return slices.Clone(evs), nil
	}
	evs, err := m.c.Code(ctx, d)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.done[d.ID] = slices.Clone(evs)
	m.mu.Unlock()
	return evs, nil
}

// TestNearbyEventsSerialise has a transaction place an event in a cell and hold it: another looking at
// that cell must wait, then see the event (else both would store the same event).
func TestNearbyEventsSerialise(t *testing.T) {
	s := open(t, postgres.Options{MaxConns: 4})
	ctx := waitFor(t)
	var seen int
	err := secondWaits(t, ctx, s, func(tx pipeline.Tx) error {
		if _, err := tx.NearbyEvents(ctx, []int64{42, 41}, "2025-03-01", "2025-03-03"); err != nil {
			return err
		}
		ev := event.Event{EventIDCnty: "MLI1", EventDate: "2025-03-02", Year: 2025, Country: "Mali"}
		return tx.SaveEvent(ctx, pipeline.Stored{Event: ev}, 42)
	}, func(tx pipeline.Tx) error {
		near, err := tx.NearbyEvents(ctx, []int64{43, 42}, "2025-03-02", "2025-03-02")
		seen = len(near)
		return err
	})
	if err != nil || seen != 1 {
		t.Errorf("second transaction: err %v, %d events; want the first's event", err, seen)
	}
}

// TestEventsFilterMatches checks the filter fields beyond the suite's (admin1, types, actor, box,
// fatalities, civilian targeting) against event.Filter.Match, the reference.
func TestEventsFilterMatches(t *testing.T) {
	s := open(t, postgres.Options{MaxConns: 2})
	ctx := waitFor(t)
	mk := func(id, admin1, typ, actor string, lat, lon float64, deaths int, civ bool) event.Event {
		e := event.Event{EventIDCnty: id, EventDate: "2025-03-0" + id[len(id)-1:], Year: 2025, Country: "Mali",
			Admin1: admin1, EventType: typ, Actor1: actor, Latitude: lat, Longitude: lon, Fatalities: deaths}
		if civ {
			e.CivilianTargeting = event.CivilianTargetingValue
		}
		return e
	}
	all := []event.Event{
		mk("MLI1", "Mopti", event.ViolenceCivilians, "JNIM: Group for Support of Islam and Muslims", 14.5, -4.2, 12, true),
		mk("MLI2", "Segou", event.Battles, "Military Forces of Mali (2021-)", 13.4, -6.3, 3, false),
		mk("MLI3", "Mopti", event.Battles, "Islamic State (Sahel)", 15.1, -1.5, 0, false),
		mk("MLI4", "Gao", event.Protests, "Protesters (Mali)", 0, 0, 0, false),
	}
	if err := s.Update(ctx, func(tx pipeline.Tx) error {
		for i, e := range all {
			if err := tx.SaveEvent(ctx, pipeline.Stored{Event: e}, int64(i)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	yes := true
	for _, f := range []event.Filter{
		{Admin1: "mopti"},
		{EventType: event.Battles},
		{Actor: "jnim"},
		{Actor: "mali"},
		{BBox: &event.BBox{MinLon: -5, MinLat: 14, MaxLon: 0, MaxLat: 16}},
		{MinFatalities: 3},
		{CivilianTargeting: &yes},
		{Admin1: "Mopti", EventType: event.Battles},
	} {
		var got, want []string
		for _, e := range all {
			if f.Match(e) {
				want = append(want, e.EventIDCnty)
			}
		}
		if err := s.Events(ctx, f, func(e event.Event) error { got = append(got, e.EventIDCnty); return nil }); err != nil {
			t.Fatalf("Events(%+v): %v", f, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("Events(%+v) = %v, want %v", f, got, want)
		}
	}
}
