package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/sitrep-dev/sitrep/internal/actor"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

// actorsCommand groups the actor dictionary tools: rebuild the learned model from ACLED records.
func actorsCommand() command {
	c := command{name: "actors", summary: "rebuild the actor dictionary's learned model from ACLED records",
		usage: "build [--acled FILE] [-o FILE]"}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		if len(args) == 0 {
			return usageErr("need a subcommand: build")
		}
		switch args[0] {
		case "build":
			return actorsBuild(ctx, env, c, args[1:])
		case "-h", "--help", "help":
			fs := newFlagSet(env, c)
			fs.Usage()
			return nil
		}
		return usageErr("unknown subcommand %q (want build)", args[0])
	}
	return c
}

func actorsBuild(ctx context.Context, env *cliEnv, c command, args []string) error {
	c.name, c.usage, c.summary = "actors build", "[--acled FILE] [-o FILE]",
		"Learn actor names, inter codes, regime eras and word-to-actor links from ACLED records and write the embedded model."
	fs := newFlagSet(env, c)
	defCSV := ""
	if root, ok := fixtures.Root(); ok {
		defCSV = filepath.Join(root, "eval", "acled-dev.csv")
	}
	csvPath := fs.String("acled", defCSV, "ACLED records (CSV with ACLED's columns)")
	out := fs.String("o", filepath.Join("internal", "actor", "data", "learned.json.gz"), "output file")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *csvPath == "" {
		return usageErr("no ACLED records: pass --acled FILE")
	}
	m, err := actor.BuildFile(ctx, *csvPath, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s: %d records, %d actor names, %d eras, %d links, %d parents\n",
		*out, m.Rows, len(m.Actors), len(m.Eras), len(m.Links), len(m.Parents))
	return nil
}
