package main

import (
	"context"
	"fmt"
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
		db, rest, err := parseDBArgs(env, c, args)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return usageErr("unexpected arguments %q", rest)
		}
		store, err := openStore(ctx, db) // opening migrates
		if err != nil {
			return err
		}
		defer store.Close()
		v, err := schemaVersion(ctx, store, db)
		if err != nil {
			return err
		}
		docs, events, err := store.Counts(ctx)
		if err != nil {
			return err
		}
		kind := "SQLite"
		if isPostgresURL(db) {
			kind = "PostgreSQL"
		}
		fmt.Fprintf(env.stdout, "%s database %s: schema version %d (%d documents, %d events)\n",
			kind, displayDSN(db), v, docs, events)
		return nil
	}
	return c
}

// parseDBArgs parses the arguments of a command whose only flag is --db (backup, migrate): the
// database it names and the positional arguments.
func parseDBArgs(env *cliEnv, c command, args []string) (db string, rest []string, err error) {
	fs := newFlagSet(env, c)
	dbp := dbFlag(fs, env)
	rest, err = parseInterspersed(fs, args)
	return *dbp, rest, err
}

// schemaVersion asks the store for its schema version (both stores say; a store that does not is an
// error rather than a guess).
func schemaVersion(ctx context.Context, store storeHandle, dsn string) (int64, error) {
	vs, ok := store.(interface {
		SchemaVersion(ctx context.Context) (int64, error)
	})
	if !ok {
		return 0, fmt.Errorf("the store at %s does not report its schema version", displayDSN(dsn))
	}
	return vs.SchemaVersion(ctx)
}
