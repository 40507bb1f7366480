package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sitrep.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, path
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, _ := openTemp(t)
		return s
	})
}

func TestStoreInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, err := Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestReopen checks that data and the id counter persist and that migrating an up-to-date file is a
// no-op.
func TestReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "a b?#%.db") // characters that mean something in a URI
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var first string
	err = s.Update(ctx, func(tx pipeline.Tx) error {
		first, err = tx.NewEventID(ctx, "MOZ")
		if err != nil {
			return err
		}
		return tx.SaveEvent(ctx, pipeline.Stored{Event: event.Event{EventIDCnty: first, EventDate: "2025-06-01", Country: "Mozambique"}}, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database not at the path given: %v", err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if _, err := s.Event(ctx, first); err != nil {
		t.Errorf("event lost on reopen: %v", err)
	}
	var second string
	err = s.Update(ctx, func(tx pipeline.Tx) error {
		second, err = tx.NewEventID(ctx, "MOZ")
		return err
	})
	if err != nil || second == first {
		t.Errorf("after reopen NewEventID = %q (%v), first was %q", second, err, first)
	}
}

func TestPragmas(t *testing.T) {
	s, _ := openTemp(t)
	checks := []struct{ pragma, want string }{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", fmt.Sprint(busyTimeout.Milliseconds())},
	}
	for _, c := range checks {
		for name, db := range map[string]*sql.DB{"writer": s.w, "reader": s.r} {
			var got string
			if err := db.QueryRowContext(t.Context(), "PRAGMA "+c.pragma).Scan(&got); err != nil {
				t.Fatalf("%s PRAGMA %s: %v", name, c.pragma, err)
			}
			if got != c.want {
				t.Errorf("%s PRAGMA %s = %s, want %s", name, c.pragma, got, c.want)
			}
		}
	}
}

// TestTwoStoresOneFile stands in for two processes (an ingest while the API serves): BEGIN IMMEDIATE
// and busy_timeout make the second writer wait rather than fail with "database is locked".
func TestTwoStoresOneFile(t *testing.T) {
	ctx := t.Context()
	a, path := openTemp(t)
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i, s := range []*Store{a, b, a, b} {
		wg.Go(func() {
			for j := range 10 {
				err := s.Update(ctx, func(tx pipeline.Tx) error {
					id, err := tx.NewEventID(ctx, "NGA")
					if err != nil {
						return err
					}
					// A read before the write: the pattern that deadlocks under deferred transactions.
					if _, err := tx.NearbyEvents(ctx, []int64{int64(i)}, "2025-01-01", "2025-01-31"); err != nil {
						return err
					}
					ev := event.Event{EventIDCnty: id, EventDate: fmt.Sprintf("2025-01-%02d", j+1), Country: "Nigeria"}
					return tx.SaveEvent(ctx, pipeline.Stored{Event: ev}, int64(i))
				})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Update: %v", err)
	}
	if _, n, err := b.Counts(ctx); err != nil || n != 40 {
		t.Errorf("Counts = %d, %v; want 40 events", n, err)
	}
}

func TestBackup(t *testing.T) {
	ctx := t.Context()
	s, _ := openTemp(t)
	ev := event.Event{EventIDCnty: "BFA1", EventDate: "2025-02-02", Country: "Burkina Faso", Notes: "Soldiers clashed with militants near Djibo."}
	if err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.SaveEvent(ctx, pipeline.Stored{Event: ev}, 1) }); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPlaceSet(ctx, "villages", []byte("blob")); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dst); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if err := s.Backup(ctx, dst); err == nil {
		t.Errorf("Backup over an existing file succeeded")
	}
	c, err := Open(ctx, dst)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer c.Close()
	got, err := c.Event(ctx, "BFA1")
	if err != nil || got.Notes != ev.Notes {
		t.Errorf("backup event = %+v, %v", got, err)
	}
	if sets, err := c.PlaceSets(ctx); err != nil || string(sets["villages"]) != "blob" {
		t.Errorf("backup place sets = %v, %v", sets, err)
	}
}

// TestQueryPlans guards the indexes: the hot lookups must never scan a whole table.
func TestQueryPlans(t *testing.T) {
	s, _ := openTemp(t)
	queries := []struct {
		name string
		q    string
		args []any
		want string
	}{
		{"nearby", nearbySQL(), []any{"[1,2,3]", "2025-01-01", "2025-01-09"}, "events_cell_span"},
		{"known by url", `SELECT id FROM documents WHERE url = ? AND url <> ''`, []any{"u"}, "documents_url"},
		{"known by guid", `SELECT id FROM documents WHERE guid = ? AND guid <> ''`, []any{"g"}, "documents_guid"},
		{"known by hash", `SELECT id FROM documents WHERE content_hash = ? AND content_hash <> ''`, []any{"h"}, "documents_content_hash"},
		{"mentions of", `SELECT idx, event_json FROM event_mentions WHERE document_id = ? ORDER BY idx`, []any{"d"}, "event_mentions"},
	}
	for _, q := range queries {
		rows, err := s.w.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+q.q, q.args...)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		joined := strings.Join(plan, "\n")
		if !strings.Contains(joined, q.want) {
			t.Errorf("%s: plan does not use %s:\n%s", q.name, q.want, joined)
		}
		for _, p := range plan {
			if strings.HasPrefix(p, "SCAN ") && !strings.Contains(p, "USING") && !strings.HasPrefix(p, "SCAN json_each") {
				t.Errorf("%s: full scan in plan:\n%s", q.name, joined)
			}
		}
	}
}

func TestOpenErrors(t *testing.T) {
	if _, err := Open(t.Context(), ""); err == nil {
		t.Errorf("Open(\"\") succeeded")
	}
	// A directory that does not exist cannot hold the file.
	_, err := Open(t.Context(), filepath.Join(t.TempDir(), "missing", "x.db"))
	if err == nil {
		t.Errorf("Open in a missing directory succeeded")
	}
	s, _ := openTemp(t)
	if _, err := s.Event(t.Context(), "XXX1"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Event(missing) = %v, want storage.ErrNotFound", err)
	}
}

// TestMigrateFromFirstVersion opens a file made by the first schema version: Open must bring it up to
// date and the new columns must work.
func TestMigrateFromFirstVersion(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		t.Fatal(err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, 1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open on a version-1 file: %v", err)
	}
	defer s.Close()
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := s.SchemaVersion(ctx); err != nil || v != int64(len(entries)) {
		t.Errorf("SchemaVersion = %d, %v; want %d, the last migration", v, err, len(entries))
	}
	ev := event.Event{EventIDCnty: "NIR4", EventDate: "2025-02-02", Country: "Nigeria", FatalitiesVague: true, Fatalities: 12}
	if err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.SaveEvent(ctx, pipeline.Stored{Event: ev}, 1) }); err != nil {
		t.Fatal(err)
	}
	got, err := s.Event(ctx, "NIR4")
	if err != nil || !got.FatalitiesVague {
		t.Errorf("after migration: %+v, %v", got, err)
	}
}

// FuzzEventText stores article text of any shape (quotes, NULs, invalid UTF-8 from badly decoded
// pages) in every text field and child row, and reads it back.
func FuzzEventText(f *testing.F) {
	f.Add("Gunmen killed 12 \"villagers\" near Dounzara.", "JNIM", "MLI12")
	f.Add("a\x00b\xff\xfe'; DROP TABLE events; --", "", "mli")
	f.Add("L'armée a fait état d'au moins 10 morts.\n\n«Ils sont partis»", "Civilians (Mali)", "XXX9")
	s, err := Open(context.Background(), ":memory:")
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, text, actor, id string) {
		// Not t.Context(): the fuzzer cancels it when -fuzztime runs out, and a cancelled write is no
		// finding.
		ctx := context.Background()
		if id == "" {
			id = "X"
		}
		ev := event.Event{
			EventIDCnty: id, EventDate: "2025-01-01", Country: actor, Actor1: actor, Notes: text,
			Claims:   []event.Claim{{By: actor, Figure: 3, Kind: "killed", Text: text, Source: text}},
			Sources:  []event.Source{{ID: text, Title: text, Outlet: actor}},
			Evidence: []event.Evidence{{Field: "notes", SourceID: actor, Text: text}},
		}
		err := s.Update(ctx, func(tx pipeline.Tx) error {
			return tx.SaveEvent(ctx, pipeline.Stored{Event: ev, Mentions: []pipeline.Mention{{DocumentID: text, Event: ev}}}, 1)
		})
		if err != nil {
			t.Fatalf("SaveEvent: %v", err)
		}
		got, err := s.Event(ctx, id)
		if err != nil {
			t.Fatalf("Event(%q): %v", id, err)
		}
		want := ev
		// Child rows travel as JSON, which carries only valid UTF-8.
		want.Claims = []event.Claim{{By: valid(actor), Figure: 3, Kind: "killed", Text: valid(text), Source: valid(text)}}
		want.Sources = []event.Source{{ID: valid(text), Title: valid(text), Outlet: valid(actor)}}
		want.Evidence = []event.Evidence{{Field: "notes", SourceID: valid(actor), Text: valid(text)}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip:\n got %#v\nwant %#v", got, want)
		}
		err = s.Update(ctx, func(tx pipeline.Tx) error {
			ms, err := tx.MentionsOf(ctx, text)
			if err != nil {
				return err
			}
			if len(ms) != 1 || ms[0].Event.Notes != valid(text) {
				t.Fatalf("MentionsOf(%q) = %+v", text, ms)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// valid is what encoding/json makes of a string.
func valid(s string) string {
	b, _ := json.Marshal(s)
	var out string
	_ = json.Unmarshal(b, &out)
	return out
}

// TestEventsSnapshot writes while an export streams: the stream must show one consistent snapshot,
// each event with its own child rows, whatever the writer changes meanwhile.
func TestEventsSnapshot(t *testing.T) {
	ctx := t.Context()
	s, _ := openTemp(t)
	mk := func(i, claims int) event.Event {
		e := event.Event{EventIDCnty: fmt.Sprintf("MLI%d", i), EventDate: fmt.Sprintf("2025-01-%02d", 1+i%28), Country: "Mali"}
		for c := range claims {
			e.Claims = append(e.Claims, event.Claim{By: e.EventIDCnty, Figure: c, Kind: "killed"})
			e.Evidence = append(e.Evidence, event.Evidence{Field: "notes", SourceID: e.EventIDCnty, Text: fmt.Sprint(c)})
		}
		return e
	}
	err := s.Update(ctx, func(tx pipeline.Tx) error {
		for i := range 60 {
			if err := tx.SaveEvent(ctx, pipeline.Stored{Event: mk(i, 1+i%3)}, 1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = s.Events(ctx, event.Filter{}, func(e event.Event) error {
		if n == 0 {
			// Rewrite every other event with more claims, and merge some away.
			err := s.Update(ctx, func(tx pipeline.Tx) error {
				for i := range 60 {
					if i%2 == 0 {
						if err := tx.SaveEvent(ctx, pipeline.Stored{Event: mk(i, 5)}, 1); err != nil {
							return err
						}
					}
				}
				return tx.MergeAway(ctx, "MLI59", "MLI1")
			})
			if err != nil {
				return err
			}
		}
		n++
		var i int
		fmt.Sscanf(e.EventIDCnty, "MLI%d", &i)
		if len(e.Claims) != 1+i%3 || len(e.Evidence) != 1+i%3 {
			t.Errorf("%s streamed with %d claims, %d evidence; want the snapshot's %d", e.EventIDCnty, len(e.Claims), len(e.Evidence), 1+i%3)
		}
		for _, c := range e.Claims {
			if c.By != e.EventIDCnty {
				t.Errorf("%s carries a claim of %s", e.EventIDCnty, c.By)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 60 {
		t.Errorf("streamed %d events, want the snapshot's 60", n)
	}
	if _, count, _ := s.Counts(ctx); count != 59 {
		t.Errorf("after the writes %d events, want 59", count)
	}
}
