package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/coder"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/reader"
)

func ingestCommand() command {
	c := command{
		name:    "ingest",
		summary: "Read articles (JSON records, RSS/Atom/JSON Feed, HTML pages, .txt; files, directories or - for stdin), store each once, code and deduplicate their events.",
		usage:   "[--db FILE|URL] [--published TIME] PATH...",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		db := dbFlag(fs, env)
		in := readerFlags(fs)
		quiet := fs.Bool("quiet", false, "no progress display")
		paths, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(paths) == 0 {
			return usageErr("no input paths (give files, directories or - for standard input)")
		}
		opts, err := in.options()
		if err != nil {
			return err
		}
		store, err := openStore(ctx, *db)
		if err != nil {
			return err
		}
		defer store.Close()
		cd, err := coder.Default()
		if err != nil {
			return err
		}
		p := pipeline.New(store, cd, nil)
		prog := newProgress(env.stderr, countFiles(paths), !*quiet && isTerminal(env.stderr))
		var sum ingestSummary
		for _, path := range paths {
			err := reader.Read(ctx, path, env.stdin, opts, func(it reader.Item) error {
				if it.Err != nil {
					sum.failed++
					prog.clear()
					fmt.Fprintf(env.stderr, "sitrep ingest: %s: %v\n", it.Origin, it.Err)
					prog.item(it.Origin, sum)
					return nil
				}
				res, err := p.Ingest(ctx, it.Doc)
				switch {
				case err != nil:
					if ctx.Err() != nil {
						return ctx.Err()
					}
					sum.failed++
					prog.clear()
					fmt.Fprintf(env.stderr, "sitrep ingest: %s: %v\n", it.Origin, err)
				case res.Known:
					sum.known++
				default:
					sum.added++
					sum.eventsNew += res.EventsNew
					sum.eventsUpdated += res.EventsUpdated
				}
				prog.item(it.Origin, sum)
				return nil
			})
			if err != nil {
				prog.clear()
				return err
			}
		}
		prog.clear()
		fmt.Fprintf(env.stdout, "documents: %d new, %d already known, %d failed; events: %d new, %d updated\n",
			sum.added, sum.known, sum.failed, sum.eventsNew, sum.eventsUpdated)
		if sum.failed > 0 {
			return errFailed
		}
		return nil
	}
	return c
}

type ingestSummary struct {
	added, known, failed     int
	eventsNew, eventsUpdated int
}

// dbFlag declares --db with SITREP_DB and then sitrep.db as defaults.
func dbFlag(fs interface {
	String(name, value, usage string) *string
}, env *cliEnv) *string {
	def := env.getenv("SITREP_DB")
	if def == "" {
		def = "sitrep.db"
	}
	return fs.String("db", def, "SQLite database file, or a postgres:// URL (default from SITREP_DB, else sitrep.db)")
}

type readerFlagValues struct {
	published *string
	maxBytes  *int64
}

func readerFlags(fs interface {
	String(name, value, usage string) *string
	Int64(name string, value int64, usage string) *int64
}) readerFlagValues {
	return readerFlagValues{
		published: fs.String("published", "", "publication time for .txt inputs (RFC 3339 or YYYY-MM-DD); default: the file's modification time, marked approximate"),
		maxBytes:  fs.Int64("max-bytes", 64<<20, "largest input file read, in bytes"),
	}
}

func (v readerFlagValues) options() (reader.Options, error) {
	opts := reader.Options{MaxBytes: *v.maxBytes}
	if s := strings.TrimSpace(*v.published); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t, err = time.Parse(time.DateOnly, s)
		}
		if err != nil {
			return opts, usageErr("--published %q: want RFC 3339 (2024-09-17T10:00:00Z) or YYYY-MM-DD", s)
		}
		opts.Published = t
	}
	return opts, nil
}

// countFiles counts the regular files under the inputs, for the progress bar; unreadable parts are
// reported later by the reader itself.
func countFiles(paths []string) int {
	n := 0
	for _, p := range paths {
		if p == "-" {
			n++
			continue
		}
		_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && !strings.HasPrefix(d.Name(), ".") {
				n++
			}
			return nil
		})
	}
	return n
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress draws a one-line bar (files done of total, documents, rate) on a terminal.
type progress struct {
	w        io.Writer
	on       bool
	total    int
	files    map[string]bool
	start    time.Time
	last     time.Time
	drawn    bool
	lastFile string
}

func newProgress(w io.Writer, total int, on bool) *progress {
	return &progress{w: w, on: on, total: total, files: map[string]bool{}, start: time.Now()}
}

func (p *progress) item(origin string, s ingestSummary) {
	if !p.on {
		return
	}
	file, _, _ := strings.Cut(origin, "#")
	p.files[file] = true
	now := time.Now()
	if now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	docs := s.added + s.known + s.failed
	rate := float64(docs) / max(now.Sub(p.start).Seconds(), 0.001)
	const width = 24
	done := len(p.files)
	filled := 0
	if p.total > 0 {
		filled = min(width, done*width/p.total)
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d files  %d docs (%d new, %d known, %d failed)  %.1f docs/s ",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, p.total, docs, s.added, s.known, s.failed, rate)
	p.drawn = true
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}
