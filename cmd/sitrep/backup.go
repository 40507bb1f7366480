package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"strings"
)

// backupCommand writes a consistent copy of a store while it stays in use: VACUUM INTO for SQLite (a
// plain file copy can miss commits still in the WAL file), pg_dump's custom format for PostgreSQL
// (restore with pg_restore; see docs/operations.md).
func backupCommand() command {
	c := command{
		name:    "backup",
		summary: "Write a consistent copy of the database while it is in use: a compacted SQLite file, or a pg_dump archive (custom format) of a PostgreSQL database.",
		usage:   "[--db FILE|URL] OUTPUT",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		db, rest, err := parseDBArgs(env, c, args)
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return usageErr("give exactly one output file")
		}
		out := rest[0]
		if err := mustNotExist(out); err != nil {
			return err
		}
		if isPostgresURL(db) {
			if err := pgDump(ctx, db, out); err != nil {
				return err
			}
		} else {
			if _, err := os.Stat(db); err != nil {
				return fmt.Errorf("database %s: %w", db, err)
			}
			store, err := openStore(ctx, db)
			if err != nil {
				return err
			}
			defer store.Close()
			b, ok := store.(interface {
				Backup(ctx context.Context, path string) error
			})
			if !ok {
				return fmt.Errorf("the store at %s cannot write backups", db)
			}
			if err := b.Backup(ctx, out); err != nil {
				return err
			}
		}
		st, err := os.Stat(out)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "backup of %s written to %s (%d bytes)\n", displayDSN(db), out, st.Size())
		return nil
	}
	return c
}

func mustNotExist(path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists: backups never overwrite", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// pgDump runs pg_dump on the database of dsn. The password travels in PGPASSWORD, not on the command
// line where other users could read it.
func pgDump(ctx context.Context, dsn, out string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return fmt.Errorf("pg_dump not found (install the PostgreSQL client tools): %w", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return fmt.Errorf("database URL: %s", displayDSN(dsn))
	}
	env := os.Environ()
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if pw := q.Get("password"); pw != "" {
		env = append(env, "PGPASSWORD="+pw)
		q.Del("password")
	}
	// pgx's pool settings mean nothing to libpq, which refuses unknown URL parameters.
	for k := range q {
		if strings.HasPrefix(k, "pool_") {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	cmd := exec.CommandContext(ctx, bin, "--format=custom", "--file="+out, "--dbname="+u.String())
	cmd.Env = env
	if msg, err := cmd.CombinedOutput(); err != nil {
		os.Remove(out)
		return fmt.Errorf("pg_dump %s: %w\n%s", displayDSN(dsn), err, msg)
	}
	return nil
}
