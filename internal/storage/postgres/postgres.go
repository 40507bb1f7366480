// Package postgres is sitrep's server store: the same tables, semantics and read methods as the
// embedded SQLite store (internal/storage/sqlite), on a PostgreSQL database reached through a pgx
// connection pool, so that several ingest workers can write to one store at once.
//
// Concurrency: write transactions run at READ COMMITTED and serialise where it matters with locks
// rather than with SERIALIZABLE (which would abort and redo most overlapping ingests):
//   - NearbyEvents takes transaction-scoped advisory locks on its candidate cells (sorted, so one call
//     never deadlocks against another), so two transactions placing reports in the same neighbourhood
//     run one after the other and the second sees the first's events;
//   - KnownDocument takes advisory locks on the document's id, URL, GUID and content hash, so a second
//     worker with the same article waits for the first to commit and then finds it known;
//   - NewEventID increments a counter row (UPDATE … RETURNING), whose row lock lasts until commit.
//
// A transaction that places several reports may still meet another in the opposite order; PostgreSQL
// then aborts one with a deadlock error and Update runs it again (as it does on a serialization
// failure), up to Options.MaxRetries times.
//
// The schema is migrated on Open from embedded goose migrations, under goose's PostgreSQL session lock
// so that workers starting together migrate once. Backups: pg_dump / pg_restore (docs/operations.md).
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options tune the connection pool and Update's retries. Zero values keep what the URL says (its
// pool_max_conns, pool_min_conns, pool_max_conn_lifetime, pool_max_conn_idle_time parameters) or
// pgxpool's defaults.
type Options struct {
	MaxConns        int32         // most open connections (pgxpool default: max(4, CPUs))
	MinConns        int32         // connections kept open when idle
	MaxConnLifetime time.Duration // a connection is replaced after this long
	MaxConnIdleTime time.Duration // an idle connection is closed after this long
	// MaxRetries is how many times Update re-runs a transaction aborted by a deadlock or a
	// serialization failure; 0 means DefaultMaxRetries, a negative value means never.
	MaxRetries int
}

// DefaultMaxRetries is Update's retry budget when Options.MaxRetries is 0.
const DefaultMaxRetries = 8

// Store is an open PostgreSQL store, safe for concurrent use by many goroutines and processes.
type Store struct {
	pool    *pgxpool.Pool
	retries int
	sql     [record.NumStmts]string // the write path's statements (writeSQL)
	// walkFrom is manyMatches (query.go); tests lower it to check the walking plan on little data.
	walkFrom float64
}

var _ pipeline.Store = (*Store)(nil)

// parseConfig is pgxpool.ParseConfig made safe: pgx v5.10.0 panics on some malformed key=value
// strings (a trailing backslash in a quoted value), and a bad --db must be an error, not a crash.
func parseConfig(url string) (cfg *pgxpool.Config, err error) {
	defer func() {
		if r := recover(); r != nil {
			cfg, err = nil, fmt.Errorf("unparsable connection string (%v)", r)
		}
	}()
	return pgxpool.ParseConfig(url)
}

// Config parses a postgres:// or postgresql:// URL (or a libpq key=value string) into a pool
// configuration with opts applied over it.
func Config(url string, opts Options) (*pgxpool.Config, error) {
	if url == "" {
		return nil, errors.New("postgres: empty connection URL")
	}
	cfg, err := parseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: bad connection URL: %w", err) // pgx redacts the password
	}
	if opts.MaxConns < 0 || opts.MinConns < 0 || opts.MaxConnLifetime < 0 || opts.MaxConnIdleTime < 0 {
		return nil, errors.New("postgres: negative pool option")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.MinConns > 0 {
		cfg.MinConns = opts.MinConns
	}
	if cfg.MinConns > cfg.MaxConns {
		return nil, fmt.Errorf("postgres: min conns %d above max conns %d", cfg.MinConns, cfg.MaxConns)
	}
	if opts.MaxConnLifetime > 0 {
		cfg.MaxConnLifetime = opts.MaxConnLifetime
	}
	if opts.MaxConnIdleTime > 0 {
		cfg.MaxConnIdleTime = opts.MaxConnIdleTime
	}
	return cfg, nil
}

// Open connects to the database at url (postgres://user:pass@host:port/db?pool_max_conns=8), checks
// the connection and brings the schema up to date.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := Config(url, opts)
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s: %w", cfg.ConnConfig.Host, err)
	}
	s := &Store{pool: pool, retries: opts.MaxRetries, sql: writeSQL(), walkFrom: manyMatches}
	if s.retries == 0 {
		s.retries = DefaultMaxRetries
	}
	if _, err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies pending migrations and returns the schema version.
func (s *Store) migrate(ctx context.Context) (int64, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return 0, fmt.Errorf("postgres: migrations: %w", err)
	}
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return 0, fmt.Errorf("postgres: migration lock: %w", err)
	}
	// goose speaks database/sql; this view of the pool does not own it (closing it returns the
	// connection, the pool stays open).
	db := stdlib.OpenDBFromPool(s.pool)
	defer db.Close()
	p, err := goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSessionLocker(locker),
		goose.WithSlog(slog.Default()),
	)
	if err != nil {
		return 0, fmt.Errorf("postgres: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("postgres: schema version: %w", err)
	}
	return v, nil
}

// SchemaVersion returns the version of the last migration applied (Open applies them all).
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	err := s.pool.QueryRow(ctx, record.SchemaVersionSQL).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("postgres: schema version: %w", err)
	}
	return v.Int64, nil
}

// Close closes every connection of the pool, waiting for those in use to be released.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Update runs fn in one READ COMMITTED transaction: committed if fn returns nil, rolled back if it
// returns an error or panics (the panic continues). A transaction that PostgreSQL aborts for a
// deadlock or a serialization failure is rolled back and fn runs again, so fn must not keep effects
// of a failed attempt (the pipeline rebuilds its result on each run). Update calls must not nest.
func (s *Store) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := s.update(ctx, fn)
		if err == nil || !retryable(err) || attempt >= s.retries {
			return err
		}
		slog.DebugContext(ctx, "postgres: transaction aborted, running it again", "attempt", attempt+1, "err", err)
		// A short randomised pause lets the transaction that won finish before this one retries.
		pause := time.Duration(attempt+1) * time.Duration(5+rand.IntN(20)) * time.Millisecond
		select {
		case <-ctx.Done():
			return fmt.Errorf("postgres: %w (after %v)", ctx.Err(), err)
		case <-time.After(pause):
		}
	}
}

func (s *Store) update(ctx context.Context, fn func(pipeline.Tx) error) error {
	pgTx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		return fmt.Errorf("postgres: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			// Not ctx: a cancelled context must still roll back and return the connection cleanly.
			_ = pgTx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err := fn(newTx(pgTx, &s.sql)); err != nil {
		return err
	}
	done = true
	if err := pgTx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", err)
	}
	return nil
}

// retryable reports whether err is PostgreSQL aborting a transaction that may succeed if run again.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01": // serialization_failure, deadlock_detected
		return true
	}
	return false
}

// Counts returns how many documents and events (background included) are stored.
func (s *Store) Counts(ctx context.Context) (documents, events int, err error) {
	err = s.pool.QueryRow(ctx, record.CountsSQL).Scan(&documents, &events)
	if err != nil {
		return 0, 0, fmt.Errorf("postgres: counts: %w", err)
	}
	return documents, events, nil
}

// PutPlaceSet stores (or replaces) a named place set, an opaque blob in the gazetteer's encoding.
func (s *Store) PutPlaceSet(ctx context.Context, name string, data []byte) error {
	args, err := record.PlaceSetArgs(name, data)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO place_sets (name, data, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, args...)
	if err != nil {
		return fmt.Errorf("postgres: put place set %q: %w", name, err)
	}
	return nil
}

// PlaceSets returns every stored place set by name.
func (s *Store) PlaceSets(ctx context.Context) (map[string][]byte, error) {
	rows, err := s.pool.Query(ctx, record.PlaceSetsSQL)
	if err != nil {
		return nil, fmt.Errorf("postgres: place sets: %w", err)
	}
	defer rows.Close()
	sets, err := record.ScanPlaceSets(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: place sets: %w", err)
	}
	return sets, nil
}
