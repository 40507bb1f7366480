package api_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres/pgtest"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// pg gives the endpoint tests PostgreSQL databases (a throwaway server started on first use).
var pg pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// testStore is a store the API reads that the tests can also write.
type testStore interface {
	api.Store
	pipeline.Store
}

// opener opens an empty store of one kind holding docs and events (saved through the pipeline's
// transaction API); it is closed at the end of the test.
type opener func(t testing.TB, docs []document.Document, events []event.Event) testStore

// eachStore runs fn once per store the API serves from, as subtests named after them, so every
// endpoint answers alike from SQLite and PostgreSQL.
func eachStore(t *testing.T, fn func(t *testing.T, open opener)) {
	t.Run("sqlite", func(t *testing.T) {
		fn(t, func(t testing.TB, docs []document.Document, events []event.Event) testStore {
			return openStore(t, docs, events)
		})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, func(t testing.TB, docs []document.Document, events []event.Event) testStore {
			t.Helper()
			s, err := postgres.Open(context.Background(), pg.NewDatabase(t), postgres.Options{MaxConns: 4})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fill(t, s, docs, events)
			return s
		})
	})
}

// fill saves docs and events in one transaction.
func fill(t testing.TB, s pipeline.Store, docs []document.Document, events []event.Event) {
	t.Helper()
	ctx := context.Background()
	err := s.Update(ctx, func(tx pipeline.Tx) error {
		for _, d := range docs {
			d.Finish()
			if err := tx.PutDocument(ctx, d); err != nil {
				return err
			}
		}
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

// openStore opens a real SQLite store in a temporary file holding docs and events.
func openStore(t testing.TB, docs []document.Document, events []event.Event) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "api.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	fill(t, s, docs, events)
	return s
}
