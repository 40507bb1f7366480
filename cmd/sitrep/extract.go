package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sitrep-dev/sitrep/internal/coder"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/reader"
	"github.com/sitrep-dev/sitrep/internal/storage/memory"
)

func extractCommand() command {
	c := command{
		name:    "extract",
		summary: "Read and code articles like ingest, without a database: print one JSON event a line, each naming its source documents.",
		usage:   "[--per-document] [--include-background] [--published TIME] PATH...",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		in := readerFlags(fs)
		perDoc := fs.Bool("per-document", false, "print each document's events as coded, without merging reports of one event across documents")
		background := fs.Bool("include-background", false, "also print events the articles only recall (marked background)")
		paths, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(paths) == 0 {
			return usageErr("no input paths")
		}
		opts, err := in.options()
		if err != nil {
			return err
		}
		evs, failed, err := code(ctx, env, paths, opts, !*perDoc)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		for _, e := range evs {
			if e.Background && !*background {
				continue
			}
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		if failed > 0 {
			return errFailed
		}
		return nil
	}
	return c
}

// codeFiles reads and codes every input path like `sitrep extract` does (with cross-document
// deduplication when dedup is true, as `ingest` would store them) and returns the events, background
// ones included.
func codeFiles(ctx context.Context, env *cliEnv, paths []string, dedup bool) ([]event.Event, error) {
	evs, _, err := code(ctx, env, paths, reader.Options{}, dedup)
	return evs, err
}

// code reads the inputs, reporting bad ones on stderr, and codes them through an in-memory store.
// Without dedup every document's events are kept apart (each still numbered like a stored event).
func code(ctx context.Context, env *cliEnv, paths []string, opts reader.Options, dedup bool) ([]event.Event, int, error) {
	cd, err := coder.Default()
	if err != nil {
		return nil, 0, err
	}
	store := memory.New()
	p := pipeline.New(store, cd, nil)
	failed := 0
	var perDoc []event.Event
	counters := map[string]int{}
	for _, path := range paths {
		err := reader.Read(ctx, path, env.stdin, opts, func(it reader.Item) error {
			if it.Err != nil {
				failed++
				fmt.Fprintf(env.stderr, "sitrep: %s: %v\n", it.Origin, it.Err)
				return nil
			}
			if dedup {
				if _, err := p.Ingest(ctx, it.Doc); err != nil {
					failed++
					fmt.Fprintf(env.stderr, "sitrep: %s: %v\n", it.Origin, err)
				}
				return nil
			}
			evs, err := cd.Code(ctx, it.Doc)
			if err != nil {
				failed++
				fmt.Fprintf(env.stderr, "sitrep: %s: %v\n", it.Origin, err)
				return nil
			}
			for _, e := range evs {
				counters[e.EventIDCnty]++
				e.EventIDCnty = fmt.Sprintf("%s%d", e.EventIDCnty, counters[e.EventIDCnty])
				perDoc = append(perDoc, e)
			}
			return nil
		})
		if err != nil {
			return nil, failed, err
		}
	}
	if !dedup {
		return perDoc, failed, nil
	}
	var out []event.Event
	err = store.Events(ctx, event.Filter{IncludeBackground: true}, func(e event.Event) error {
		out = append(out, e)
		return nil
	})
	return out, failed, err
}
