package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/monitor"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader"
)

func ingestCommand() command {
	c := command{
		name:    "ingest",
		summary: "Read articles (JSON records, RSS/Atom/JSON Feed, HTML pages, .txt; files, directories or - for stdin), store each once, code and deduplicate their events; with --queue, leave the coding to sitrep worker processes.",
		usage:   "[--db FILE|URL] [--queue] [--published TIME] PATH...",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		db := dbFlag(fs, env)
		in := readerFlags(fs)
		quiet := fs.Bool("quiet", false, "no progress display")
		toQueue := fs.Bool("queue", false, "do not code here: queue each document as a \"code\" job on the --db store, for 'sitrep worker' processes (on this or other machines) to code")
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
		var add ingestFunc
		var flush func(context.Context, *ingestSummary) error
		if *toQueue {
			q, err := queueOf(store)
			if err != nil {
				return err
			}
			qi := &queueIngester{q: q, now: time.Now}
			add, flush = qi.add, qi.flush
		} else {
			cd, err := storeCoder(ctx, store)
			if err != nil {
				return err
			}
			add = pipelineIngester(pipeline.New(store, cd, nil))
		}
		prog := newProgress(env.stderr, countFiles(paths), !*quiet && isTerminal(env.stderr))
		if *toQueue {
			// Counted as each batch is queued.
			prog.words = [2]string{"queued", "already queued"}
		}
		var sum ingestSummary
		fail := func(origin string, err error) {
			sum.failed++
			prog.clear()
			fmt.Fprintf(env.stderr, "sitrep ingest: %s: %v\n", origin, err)
		}
		for _, path := range paths {
			err := reader.Read(ctx, path, env.stdin, opts, func(it reader.Item) error {
				if it.Err != nil {
					fail(it.Origin, it.Err)
					prog.item(it.Origin, sum)
					return nil
				}
				if err := add(ctx, it, &sum); err != nil {
					var ab abortError
					switch {
					case ctx.Err() != nil:
						return ctx.Err()
					case errors.As(err, &ab):
						return ab.err
					}
					fail(it.Origin, err)
				}
				prog.item(it.Origin, sum)
				return nil
			})
			if err == nil && flush != nil {
				// Each input's last documents are queued before the next is read, so an error in a
				// later input leaves the earlier ones queued and counted.
				err = flush(ctx, &sum)
			}
			if err != nil {
				prog.clear()
				return err
			}
		}
		prog.clear()
		if *toQueue {
			fmt.Fprintf(env.stdout, "documents: %d queued, %d already queued, %d failed\n", sum.added, sum.known, sum.failed)
		} else {
			fmt.Fprintf(env.stdout, "documents: %d new, %d already known, %d failed; events: %d new, %d updated\n",
				sum.added, sum.known, sum.failed, sum.eventsNew, sum.eventsUpdated)
		}
		if sum.failed > 0 {
			return errFailed
		}
		return nil
	}
	return c
}

// ingestFunc takes one document read from the inputs and counts what became of it in sum; an error
// fails that document alone, unless it is an abortError.
type ingestFunc func(ctx context.Context, it reader.Item, sum *ingestSummary) error

// abortError ends the whole run: the failure is not one document's.
type abortError struct{ err error }

func (e abortError) Error() string { return e.err.Error() }
func (e abortError) Unwrap() error { return e.err }

// pipelineIngester codes and stores each document in this process.
func pipelineIngester(p *pipeline.Pipeline) ingestFunc {
	return func(ctx context.Context, it reader.Item, sum *ingestSummary) error {
		res, err := p.Ingest(ctx, it.Doc)
		switch {
		case err != nil:
			return err
		case res.Known:
			sum.known++
		default:
			sum.added++
			sum.eventsNew += res.EventsNew
			sum.eventsUpdated += res.EventsUpdated
		}
		return nil
	}
}

// queueBatch is how many code jobs one Enqueue stores: one round trip and one transaction for many
// documents, without holding a large input's documents in memory.
const queueBatch = 100

// queueIngester turns documents into "code" jobs for 'sitrep worker' processes (on this machine or
// others sharing the database), in batches. Counts land in the summary as each batch is stored:
// added is queued, known is already queued (a job with the document's ID exists, whatever its state).
type queueIngester struct {
	q       monitor.Enqueuer
	now     func() time.Time
	pending []queue.Job
}

func (qi *queueIngester) add(ctx context.Context, it reader.Item, sum *ingestSummary) error {
	doc := it.Doc
	if doc.ID == "" {
		doc.Finish()
	}
	job, err := monitor.CodeJob(doc, qi.now())
	if err != nil {
		return err
	}
	qi.pending = append(qi.pending, job)
	if len(qi.pending) >= queueBatch {
		if err := qi.flush(ctx, sum); err != nil {
			return abortError{err}
		}
	}
	return nil
}

// flush stores the pending jobs. Its error is the whole run's: the batch's documents cannot be told
// apart.
func (qi *queueIngester) flush(ctx context.Context, sum *ingestSummary) error {
	if len(qi.pending) == 0 {
		return nil
	}
	// The same document twice in one batch is one job: Enqueue skips a key it already holds.
	added, err := qi.q.Enqueue(ctx, qi.pending...)
	if err != nil {
		return fmt.Errorf("queue %d documents: %w", len(qi.pending), err)
	}
	sum.added += added
	sum.known += len(qi.pending) - added
	qi.pending = qi.pending[:0]
	return nil
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
	words    [2]string // what added and known count; zero: new and known
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
	words := p.words
	if words == [2]string{} {
		words = [2]string{"new", "known"}
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d files  %d docs (%d %s, %d %s, %d failed)  %.1f docs/s ",
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, p.total, docs, s.added, words[0], s.known, words[1], s.failed, rate)
	p.drawn = true
}

func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}
