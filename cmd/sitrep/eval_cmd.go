package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/evaluate"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

func evalCommand() command {
	c := command{
		name:    "eval",
		summary: "Score sitrep's events against the seed gold events or ACLED records, with the rules of ../shared/tools/score.py.",
		usage:   "seeds|acled [flags]   (see sitrep eval seeds --help, sitrep eval acled --help)",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		if len(args) == 0 {
			return usageErr("want a mode: seeds or acled")
		}
		switch args[0] {
		case "seeds":
			return evalSeeds(ctx, env, args[1:])
		case "acled":
			return evalACLED(ctx, env, args[1:])
		case "-h", "-help", "--help", "help":
			newFlagSet(env, c).Usage()
			return flag.ErrHelp
		}
		return usageErr("unknown mode %q: want seeds or acled", args[0])
	}
	return c
}

// evalFlags are the flags both modes share.
type evalFlags struct {
	pred, writePred, floors *string
	asJSON, check           *bool
}

func addEvalFlags(fs *flag.FlagSet) evalFlags {
	return evalFlags{
		pred:      fs.String("pred", "", "score these events (JSON lines, as sitrep extract prints; - for stdin) instead of coding the inputs now"),
		writePred: fs.String("write-pred", "", "also write the events coded now to this file (JSON lines), e.g. for score.py"),
		floors:    fs.String("floors", "", "check against this floors file instead of the built-in one (internal/evaluate/data/floors.json)"),
		asJSON:    fs.Bool("json", false, "print the report as JSON"),
		check:     fs.Bool("check", false, "exit with status 1 when a figure falls below the floors"),
	}
}

// sharedPath is a default input under ../shared (or $SITREP_SHARED).
func sharedPath(rel ...string) string {
	root, _ := fixtures.Root()
	return filepath.Join(append([]string{root}, rel...)...)
}

// readInput opens path (or stdin for "-") and decodes it with read.
func readInput[T any](env *cliEnv, path, what string, read func(io.Reader) ([]T, error)) ([]T, error) {
	if path == "-" {
		return read(env.stdin)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (pass its path, or set SITREP_SHARED to the shared folder)", what, err)
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	return v, nil
}

// predictions reads --pred, or codes the inputs now (writing them to --write-pred when asked).
func (f evalFlags) predictions(ctx context.Context, env *cliEnv, inputs []string, dedup bool) ([]event.Event, error) {
	if *f.pred != "" {
		return readInput(env, *f.pred, "predictions", evaluate.ReadEvents)
	}
	evs, err := codeFiles(ctx, env, inputs, dedup)
	if err != nil {
		return nil, fmt.Errorf("code %s: %w", strings.Join(inputs, ", "), err)
	}
	if *f.writePred != "" {
		var b bytes.Buffer
		if err := evaluate.WriteEvents(&b, evs); err != nil {
			return nil, err
		}
		if err := os.WriteFile(*f.writePred, b.Bytes(), 0o644); err != nil {
			return nil, fmt.Errorf("write predictions: %w", err)
		}
	}
	return evs, nil
}

// textReport is a report that prints itself as text.
type textReport interface{ WriteText(io.Writer) error }

// report prints r as text or JSON (followed by more text, when not nil), then checks the floors when
// asked.
func (f evalFlags) report(env *cliEnv, r textReport, more func(io.Writer) error, check func(evaluate.Floors) []string) error {
	if *f.asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	} else if err := r.WriteText(env.stdout); err != nil {
		return fmt.Errorf("write report: %w", err)
	} else if more != nil {
		if err := more(env.stdout); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if !*f.check {
		return nil
	}
	floors, err := evaluate.DefaultFloors()
	if *f.floors != "" {
		floors, err = readFloorsFile(*f.floors)
	}
	if err != nil {
		return err
	}
	bad := check(floors)
	for _, v := range bad {
		fmt.Fprintf(env.stderr, "sitrep eval: check failed: %s\n", v)
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %d figures outside the floors", errFailed, len(bad))
	}
	return nil
}

func readFloorsFile(path string) (evaluate.Floors, error) {
	f, err := os.Open(path)
	if err != nil {
		return evaluate.Floors{}, fmt.Errorf("floors: %w", err)
	}
	defer f.Close()
	return evaluate.ReadFloors(f)
}

func evalSeeds(ctx context.Context, env *cliEnv, args []string) error {
	c := command{name: "eval seeds",
		summary: "Score the events coded from the seed articles (deduplicated across articles, as ingest stores them) against the gold events: recall, precision, duplicates, per-field accuracy, misses and unmatched predictions.",
		usage:   "[--gold F] [--articles F] [--pred EVENTS.jsonl] [--json] [--check]"}
	fs := newFlagSet(env, c)
	goldPath := fs.String("gold", sharedPath("fixtures", "seeds", "gold-events.jsonl"), "gold events (JSON lines)")
	articles := fs.String("articles", sharedPath("fixtures", "seeds", "articles.jsonl"), "the articles the gold events come from (JSON lines with id and url)")
	ef := addEvalFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments %q", fs.Args())
	}
	gold, err := readInput(env, *goldPath, "gold events", evaluate.ReadGold)
	if err != nil {
		return err
	}
	arts, err := readInput(env, *articles, "articles", evaluate.ReadArticles)
	if err != nil {
		return err
	}
	preds, err := ef.predictions(ctx, env, []string{*articles}, true)
	if err != nil {
		return err
	}
	r := evaluate.Seeds(gold, arts, preds)
	return ef.report(env, r, nil, func(f evaluate.Floors) []string { return f.CheckSeeds(r) })
}

func evalACLED(ctx context.Context, env *cliEnv, args []string) error {
	c := command{name: "eval acled",
		summary: "Code each ACLED record's notes as one document (no cross-document deduplication) and score the event against the record: figures overall, per country and per event type, and the event type confusion matrix.",
		usage:   "[--csv F] [--docs F] [--countries A,B] [--limit N] [--pred EVENTS.jsonl] [--json] [--check] [--show FIGURES]"}
	fs := newFlagSet(env, c)
	csvPath := fs.String("csv", sharedPath("eval", "acled-dev.csv"), "ACLED records (CSV with a header line)")
	docs := fs.String("docs", sharedPath("eval", "acled-dev-docs.jsonl"), "the records as documents (JSON lines, id = event_id_cnty)")
	countries := fs.String("countries", "", "score only these countries (comma-separated ACLED names, as score.py's --countries)")
	limit := fs.Int("limit", 0, "score only the first N records (after --countries), for a quick run")
	show := fs.String("show", "", "after the text report, list the rows that missed these figures (comma-separated: event_type, date, location_25km, ...)")
	showMax := fs.Int("show-max", 30, "list at most this many rows per figure of --show (0: all)")
	ef := addEvalFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected arguments %q", fs.Args())
	}
	if *show != "" {
		// Fail on a misspelt figure before any coding work.
		for _, field := range strings.Split(*show, ",") {
			if err := (evaluate.ACLEDReport{}).WriteWrong(io.Discard, strings.TrimSpace(field), 1); err != nil {
				return usageErr("--show: %v", err)
			}
		}
	}
	if *limit < 0 {
		return usageErr("--limit must be positive")
	}
	rows, err := readInput(env, *csvPath, "ACLED records", evaluate.ReadACLED)
	if err != nil {
		return err
	}
	if *countries != "" {
		rows = evaluate.FilterCountries(rows, strings.Split(*countries, ","))
	}
	if *limit > 0 && len(rows) > *limit {
		rows = rows[:*limit]
	}
	input := *docs
	if *ef.pred == "" && (*countries != "" || *limit > 0) {
		// Code only the documents of the rows kept: coding all of them would be wasted work.
		ids := map[string]bool{}
		for _, r := range rows {
			ids[r.EventIDCnty] = true
		}
		tmp, err := selectDocs(*docs, ids)
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		input = tmp
	}
	preds, err := ef.predictions(ctx, env, []string{input}, false)
	if err != nil {
		return err
	}
	r := evaluate.ACLED(rows, preds)
	var more func(io.Writer) error
	if *show != "" {
		more = func(w io.Writer) error {
			for _, field := range strings.Split(*show, ",") {
				if err := r.WriteWrong(w, strings.TrimSpace(field), *showMax); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return ef.report(env, r, more, func(f evaluate.Floors) []string { return f.CheckACLED(r) })
}

// selectDocs copies the lines of a JSON lines documents file whose id is in ids to a temporary file
// with the same extension, and returns its path.
func selectDocs(path string, ids map[string]bool) (string, error) {
	in, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("documents: %w", err)
	}
	defer in.Close()
	out, err := os.CreateTemp("", "sitrep-eval-*"+filepath.Ext(path))
	if err != nil {
		return "", fmt.Errorf("documents: %w", err)
	}
	w := bufio.NewWriter(out)
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		var d struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(sc.Bytes(), &d) != nil || !ids[d.ID] {
			continue
		}
		w.Write(sc.Bytes())
		w.WriteByte('\n')
	}
	err = sc.Err()
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", fmt.Errorf("select documents from %s: %w", path, err)
	}
	return out.Name(), nil
}
