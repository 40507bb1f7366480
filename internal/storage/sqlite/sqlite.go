// Package sqlite is sitrep's embedded default store: one SQLite file (pure Go driver, WAL mode) holding
// documents, events with their sources, claims, evidence and mentions, id counters and imported place
// sets. It implements pipeline.Store and the read methods the exports and the API use. All
// SQLite-specific SQL lives in this package; the schema is migrated on Open from embedded goose
// migrations.
//
// Backups: (*Store).Backup writes a consistent copy with VACUUM INTO while the store stays usable;
// copying the file alone is not enough in WAL mode (recent writes may still sit in the -wal file).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout is how long a connection waits for another process's write lock before failing; within
// one process writes are serialised by the single writer connection and never wait on SQLite.
const busyTimeout = 10 * time.Second

// Store is an open SQLite store. It is safe for concurrent use: writes go through one connection (one
// Update at a time), reads use a separate pool and see the last committed state (WAL).
type Store struct {
	w  *sql.DB // exactly one connection; BEGIN IMMEDIATE so a write transaction never upgrades late
	r  *sql.DB // readers; the same pool as w for ":memory:"
	st *stmts  // prepared on w
}

var _ pipeline.Store = (*Store)(nil)

// Open opens (creating if needed) the store at path and brings its schema up to date. path ":memory:"
// gives a private in-memory store with a single connection (for tests; a callback of Events must not
// call Update on it).
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty path")
	}
	memory := path == ":memory:"
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{w: w, r: w}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	if s.st, err = prepare(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	if !memory {
		r, err := sql.Open("sqlite", dsn(path, false))
		if err != nil {
			s.st.close()
			w.Close()
			return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
		}
		r.SetMaxOpenConns(4)
		r.SetMaxIdleConns(4)
		s.r = r
	}
	return s, nil
}

// dsn builds a modernc.org/sqlite URI. Characters that are special in a URI are escaped so any path
// works. synchronous=NORMAL is WAL's usual setting (a power cut may lose the last commits, never
// consistency); mmap and a larger page cache spare a read syscall per page once a store holds
// 100k events.
func dsn(path string, writer bool) string {
	var b strings.Builder
	b.WriteString("file:")
	for _, c := range []byte(path) {
		switch c {
		case '%', '?', '#':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString("?_pragma=busy_timeout(")
	fmt.Fprint(&b, busyTimeout.Milliseconds())
	b.WriteString(")&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(268435456)&_pragma=cache_size(-16000)")
	if writer {
		b.WriteString("&_txlock=immediate")
	}
	return b.String()
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(slog.Default()),
	)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return err
	}
	return nil
}

// SchemaVersion returns the version of the last migration applied (Open applies them all).
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v sql.NullInt64
	if err := s.r.QueryRowContext(ctx, record.SchemaVersionSQL).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlite: schema version: %w", err)
	}
	return v.Int64, nil
}

// Close closes the store's connections.
func (s *Store) Close() error {
	err := errors.Join(s.st.close(), s.w.Close())
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// Update runs fn in one write transaction: committed if fn returns nil, rolled back if it returns an
// error or panics (the panic continues). Update calls must not nest.
func (s *Store) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(newTx(sqlTx, s.st)); err != nil {
		return err
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// Counts returns how many documents and events (background included) are stored.
func (s *Store) Counts(ctx context.Context) (documents, events int, err error) {
	err = s.r.QueryRowContext(ctx, record.CountsSQL).Scan(&documents, &events)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlite: counts: %w", err)
	}
	return documents, events, nil
}

// PutPlaceSet stores (or replaces) a named place set, an opaque blob in the gazetteer's encoding.
func (s *Store) PutPlaceSet(ctx context.Context, name string, data []byte) error {
	args, err := record.PlaceSetArgs(name, data)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO place_sets (name, data, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`, args...)
	if err != nil {
		return fmt.Errorf("sqlite: put place set %q: %w", name, err)
	}
	return nil
}

// PlaceSets returns every stored place set by name.
func (s *Store) PlaceSets(ctx context.Context) (map[string][]byte, error) {
	rows, err := s.r.QueryContext(ctx, record.PlaceSetsSQL)
	if err != nil {
		return nil, fmt.Errorf("sqlite: place sets: %w", err)
	}
	defer rows.Close()
	sets, err := record.ScanPlaceSets(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: place sets: %w", err)
	}
	return sets, nil
}

// Backup writes a consistent, compacted copy of the store to path (which must not exist) with VACUUM
// INTO. Readers and writers may keep working while it runs.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("sqlite: backup: %s already exists", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	if _, err := s.r.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", path, err)
	}
	return nil
}
