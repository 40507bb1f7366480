package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/storage/postgres/pgtest"
)

// The tests run against a real PostgreSQL (pgtest): $SITREP_TEST_POSTGRES or a throwaway server
// started on first use; each test gets its own database.

// server is shared by every test of this package; TestMain stops it.
var server pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

// newDatabase creates an empty database for one test and returns its URL; it is dropped at the end.
// Without a server the test is skipped, or fails under CI=true.
func newDatabase(t testing.TB) string {
	t.Helper()
	return server.NewDatabase(t)
}

// waitFor is a short context for test set-up calls.
func waitFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
