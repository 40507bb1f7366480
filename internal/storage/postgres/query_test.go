package postgres_test

import (
	"testing"

	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

// TestAPISuite checks the API's reads (Page, Matching, Stats) against the suite the SQLite store
// answers to, so both give the same results for the same events and filters.
func TestAPISuite(t *testing.T) {
	storetest.RunAPI(t, func(t *testing.T) storetest.APIStore { return open(t, postgres.Options{MaxConns: 4}) })
}
