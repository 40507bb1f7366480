package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// migrateCommand brings a store's schema up to date without doing anything else, so an operator can
// upgrade a shared PostgreSQL database once, before starting several workers on a new version.
func migrateCommand() command {
	c := command{
		name:    "migrate",
		summary: "Create the database or bring its schema up to date (SQLite file or PostgreSQL URL) and print the schema version.",
		usage:   "[--db FILE|URL]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		db := dbFlag(fs, env)
		rest, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return usageErr("unexpected arguments %q", rest)
		}
		store, err := openStore(ctx, *db) // opening migrates
		if err != nil {
			return err
		}
		defer store.Close()
		v, err := schemaVersion(ctx, store, *db)
		if err != nil {
			return err
		}
		docs, events, err := store.Counts(ctx)
		if err != nil {
			return err
		}
		kind := "SQLite"
		if isPostgresURL(*db) {
			kind = "PostgreSQL"
		}
		fmt.Fprintf(env.stdout, "%s database %s: schema version %d (%d documents, %d events)\n",
			kind, displayDSN(*db), v, docs, events)
		return nil
	}
	return c
}

// schemaVersion asks the store for its schema version, or reads the SQLite file's goose table when the
// store does not say.
func schemaVersion(ctx context.Context, store storeHandle, dsn string) (int64, error) {
	if vs, ok := store.(interface {
		SchemaVersion(ctx context.Context) (int64, error)
	}); ok {
		return vs.SchemaVersion(ctx)
	}
	// The "sqlite" driver is registered by the SQLite store's package. The file was just migrated.
	db, err := sql.Open("sqlite", "file:"+escapeSQLitePath(dsn)+"?mode=ro")
	if err != nil {
		return 0, fmt.Errorf("schema version of %s: %w", dsn, err)
	}
	defer db.Close()
	var v sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version of %s: %w", dsn, err)
	}
	return v.Int64, nil
}

// escapeSQLitePath escapes the characters that end or escape a path in a SQLite file: URI.
func escapeSQLitePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(p)
}
