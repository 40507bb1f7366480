package main

import (
	"context"
	"fmt"
	"os"

	"github.com/sitrep-dev/sitrep/internal/pipeline"
)

func recodeCommand() command {
	c := command{
		name:    "recode",
		summary: "Re-run the current coder over every stored document and rebuild the events, keeping event ids and analyst edits (running it twice changes nothing).",
		usage:   "[--db FILE|URL] [--dry-run]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		db := dbFlag(fs, env)
		dryRun := fs.Bool("dry-run", false, "only say what would change (the rebuild is rolled back)")
		rest, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return usageErr("unexpected arguments %q", rest)
		}
		if err := mustExist(*db); err != nil {
			return err
		}
		store, err := openStore(ctx, *db)
		if err != nil {
			return err
		}
		defer store.Close()
		cd, err := storeCoder(ctx, store)
		if err != nil {
			return err
		}
		p := pipeline.New(store, cd, nil)
		recode, verb := p.Recode, ""
		if *dryRun {
			recode, verb = p.RecodeDryRun, "would be "
		}
		res, err := recode(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "documents: %d re-coded; events: %d (%d unchanged, %d changed, %d new), %d %smerged away, %d %sdeleted\n",
			res.Documents, res.Events, res.Unchanged, res.Changed, res.New, res.Merged, verb, res.Deleted, verb)
		if *dryRun {
			fmt.Fprintln(env.stdout, "dry run: nothing was changed")
		}
		return nil
	}
	return c
}

// mustExist refuses a SQLite file that is not there: opening it would create an empty store.
func mustExist(db string) error {
	if isPostgresURL(db) {
		return nil
	}
	if _, err := os.Stat(db); err != nil {
		return fmt.Errorf("database %s: %w (run 'sitrep ingest' first)", db, err)
	}
	return nil
}
