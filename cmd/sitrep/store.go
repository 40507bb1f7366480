package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// storeHandle is what the commands use of a store, whichever database holds it.
type storeHandle interface {
	pipeline.Store
	Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error
	Event(ctx context.Context, id string) (event.Event, error)
	Document(ctx context.Context, id string) (document.Document, error)
	Counts(ctx context.Context) (documents, events int, err error)
	PutPlaceSet(ctx context.Context, name string, data []byte) error
	PlaceSets(ctx context.Context) (map[string][]byte, error)
	feedStore  // feeds.go
	tokenStore // token.go
	Close() error
}

var (
	_ storeHandle = (*sqlite.Store)(nil)
	_ storeHandle = (*postgres.Store)(nil)
)

// isPostgresURL reports whether --db names a PostgreSQL database rather than a SQLite file.
func isPostgresURL(dsn string) bool {
	scheme, _, ok := strings.Cut(dsn, "://")
	return ok && (strings.EqualFold(scheme, "postgres") || strings.EqualFold(scheme, "postgresql"))
}

// openStore opens the store --db names: a postgres:// or postgresql:// URL is a PostgreSQL database
// (pool settings such as pool_max_conns ride in the URL), anything else a SQLite file path. Either is
// migrated to the current schema.
func openStore(ctx context.Context, dsn string) (storeHandle, error) {
	if dsn == "" {
		return nil, errors.New("no database given (--db or SITREP_DB)")
	}
	if isPostgresURL(dsn) {
		s, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", displayDSN(dsn), err)
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", dsn, err)
	}
	return s, nil
}

// displayDSN is dsn fit for messages: a URL's password is masked.
func displayDSN(dsn string) string {
	if !isPostgresURL(dsn) {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable PostgreSQL URL)"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}
