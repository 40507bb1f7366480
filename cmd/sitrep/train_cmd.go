package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sitrep-dev/sitrep/internal/classify"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

func trainCommand() command {
	c := command{
		name:    "train",
		summary: "train the event-type model on the ACLED development records; print cross-validated figures",
		usage:   "[--shared DIR] [-o FILE] [--folds N] [--seed N] [--epochs N]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		shared := fs.String("shared", "", "shared data folder (default: ../shared beside the module, or $SITREP_SHARED)")
		out := fs.String("o", filepath.Join("internal", "classify", "data", "model.json.gz"), "where to write the trained model")
		folds := fs.Int("folds", 5, "cross-validation folds (0 skips cross-validation)")
		seed := fs.Uint64("seed", 1, "seed for fold assignment and example order")
		epochs := fs.Int("epochs", 0, "training passes (0: the default)")
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(pos) > 0 {
			return usageErr("unexpected arguments %q", pos)
		}
		if *folds == 1 || *folds < 0 {
			return usageErr("--folds must be 0 or at least 2")
		}
		dir := *shared
		if dir == "" {
			d, ok := fixtures.Root()
			if !ok {
				return usageErr("shared data folder not found; pass --shared")
			}
			dir = d
		}
		dev, extra, err := classify.LoadShared(dir)
		if err != nil {
			return err
		}
		opts := classify.Options{Seed: *seed, Epochs: *epochs}
		if *folds >= 2 {
			start := time.Now()
			rep := classify.CrossValidate(dev, extra, *folds, opts)
			if err := rep.Write(env.stdout); err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "\ncross-validation took %s\n", time.Since(start).Round(time.Second))
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		m := classify.Train(append(append([]classify.Example(nil), dev...), extra...), opts)
		var buf bytes.Buffer
		if err := m.Save(&buf); err != nil {
			return err
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("writing model: %w", err)
		}
		fmt.Fprintf(env.stdout, "wrote %s (%d bytes) from %d development and %d extra examples\n",
			*out, buf.Len(), len(dev), len(extra))
		return nil
	}
	return c
}
