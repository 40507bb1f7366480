package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/export"
)

func exportCommand() command {
	c := command{
		name:    "export",
		summary: "Write stored events as ACLED CSV, JSON lines or GeoJSON.",
		usage:   "[--db FILE|URL] --format csv|jsonl|geojson [--country C] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--include-background] [--extensions] [-o FILE]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		db := dbFlag(fs, env)
		format := fs.String("format", "csv", "csv (ACLED columns), jsonl (every field) or geojson (points)")
		country := fs.String("country", "", "only events in this country (ACLED name, e.g. Mali)")
		since := fs.String("since", "", "only events on or after this date (YYYY-MM-DD)")
		until := fs.String("until", "", "only events on or before this date (YYYY-MM-DD)")
		background := fs.Bool("include-background", false, "also export events the articles only recall")
		ext := fs.Bool("extensions", false, "CSV: add sitrep's columns (claims, sources, evidence...) after ACLED's")
		out := fs.String("o", "", "output file (default: standard output)")
		if _, err := parseInterspersed(fs, args); err != nil {
			return err
		}
		f, err := export.ParseFormat(*format)
		if err != nil {
			return usageErr("%v", err)
		}
		for _, d := range []string{*since, *until} {
			if d != "" {
				if _, err := time.Parse(time.DateOnly, d); err != nil {
					return usageErr("date %q: want YYYY-MM-DD", d)
				}
			}
		}
		if !isPostgresURL(*db) {
			if _, err := os.Stat(*db); err != nil {
				return fmt.Errorf("database %s: %w (run 'sitrep ingest' first)", *db, err)
			}
		}
		store, err := openStore(ctx, *db)
		if err != nil {
			return err
		}
		defer store.Close()

		w := env.stdout
		var tmp *os.File
		if *out != "" {
			// Written beside the target and renamed, so a failed export never leaves half a file.
			tmp, err = os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
			if err != nil {
				return err
			}
			defer os.Remove(tmp.Name())
			w = tmp
		}
		ew, err := export.New(w, f, export.Options{Extensions: *ext})
		if err != nil {
			return err
		}
		filter := event.Filter{Country: *country, Since: *since, Until: *until, IncludeBackground: *background}
		if err := store.Events(ctx, filter, ew.Write); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := ew.Close(); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if tmp != nil {
			if err := tmp.Close(); err != nil {
				return err
			}
			return os.Rename(tmp.Name(), *out)
		}
		return nil
	}
	return c
}
