package monitor

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/coder"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// loadCoder builds the real coder once for the test binary (it takes a couple of seconds).
var loadCoder = sync.OnceValues(coder.Default)

// clock is a settable clock for the monitor (the queue keeps its own).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// observer counts the monitor's measurements.
type observer struct {
	mu          sync.Mutex
	polled      map[string]int
	fetchErrors map[string]int
	fetched     int
	stored      map[bool]int
	eventsNew   int
	latencies   []time.Duration
}

func newObserver() *observer {
	return &observer{polled: map[string]int{}, fetchErrors: map[string]int{}, stored: map[bool]int{}}
}

func (o *observer) FeedPolled(outcome string) { o.mu.Lock(); o.polled[outcome]++; o.mu.Unlock() }
func (o *observer) FetchError(kind string)    { o.mu.Lock(); o.fetchErrors[kind]++; o.mu.Unlock() }
func (o *observer) ArticleFetched()           { o.mu.Lock(); o.fetched++; o.mu.Unlock() }
func (o *observer) DocumentStored(known bool) { o.mu.Lock(); o.stored[known]++; o.mu.Unlock() }
func (o *observer) EventsCoded(n, _ int)      { o.mu.Lock(); o.eventsNew += n; o.mu.Unlock() }
func (o *observer) CodingLatency(d time.Duration) {
	o.mu.Lock()
	o.latencies = append(o.latencies, d)
	o.mu.Unlock()
}

// env is a monitor on a real SQLite store, queue and fetcher (loopback allowed, no politeness delay).
type env struct {
	t     *testing.T
	ctx   context.Context
	st    *sqlite.Store
	q     queue.Backend
	m     *Monitor
	clock *clock
	obs   *observer
}

type envOptions struct {
	fetch    fetcher.Options
	withCode bool // load the real coder (else documents are stored with no events)
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "sitrep.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var cd pipeline.Coder = noEvents{}
	if o.withCode {
		c, err := loadCoder()
		if err != nil {
			t.Fatal(err)
		}
		cd = c
	}
	o.fetch.AllowLoopback = true
	if o.fetch.MinHostDelay == 0 {
		o.fetch.MinHostDelay = -1
	}
	if o.fetch.Timeout == 0 {
		o.fetch.Timeout = 5 * time.Second
	}
	e := &env{t: t, ctx: ctx, st: st, q: st.Queue(), clock: &clock{t: time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)}, obs: newObserver()}
	e.m = New(Options{
		Feeds:    st,
		Queue:    e.q,
		Fetcher:  fetcher.New(o.fetch),
		Ingester: pipeline.New(st, cd, nil),
		Observer: e.obs,
		Logger:   testLogger(t),
		Now:      e.clock.Now,
		Rand:     func() float64 { return 0.5 },
	})
	return e
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// noEvents is a coder that finds no events, for tests about fetching rather than coding.
type noEvents struct{}

func (noEvents) Code(context.Context, document.Document) ([]event.Event, error) { return nil, nil }

func mustFeed(t *testing.T, url string, interval time.Duration) subscription.Feed {
	t.Helper()
	f, err := subscription.New(url, "", interval)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (e *env) addFeed(url string, interval time.Duration) subscription.Feed {
	e.t.Helper()
	f, err := e.st.AddFeed(e.ctx, mustFeed(e.t, url, interval))
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

func (e *env) feed(id int64) subscription.Feed {
	e.t.Helper()
	f, err := e.st.Feed(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// outcome is how a job ended in drain.
type outcome struct {
	kind, key string
	attempts  int
	err       error // the last attempt's error; nil when done
	failed    bool
}

// drain runs due jobs one at a time with the monitor's handlers, as a runner would (permanent errors
// fail the job, others retry it at once), until none is due. It returns each job's last outcome by
// key.
func (e *env) drain() map[string]outcome {
	e.t.Helper()
	handlers := map[string]queue.Handler{KindPoll: e.m.HandlePoll, KindArticle: e.m.HandleArticle, KindCode: e.m.HandleCode}
	out := map[string]outcome{}
	for range 500 {
		job, ok, err := e.q.Claim(e.ctx, "test", time.Minute)
		if err != nil {
			e.t.Fatal(err)
		}
		if !ok {
			return out
		}
		herr := handlers[job.Kind](e.ctx, job)
		o := outcome{kind: job.Kind, key: job.Key, attempts: job.Attempt, err: herr}
		switch {
		case herr == nil:
			err = e.q.Complete(e.ctx, job.ID, "test")
		case queue.IsPermanent(herr) || errors.Is(herr, context.Canceled):
			o.failed = true
			err = e.q.Fail(e.ctx, job.ID, "test", herr.Error())
		default:
			o.failed = job.Attempt >= maxAttempts(job)
			err = e.q.Retry(e.ctx, job.ID, "test", 0, herr.Error())
		}
		if err != nil {
			e.t.Fatal(err)
		}
		out[job.Key] = o
	}
	e.t.Fatal("drain: jobs still due after 500 runs")
	return nil
}

// pollNow makes the feed due at the monitor's clock, schedules it and drains the queue.
func (e *env) pollNow() map[string]outcome {
	e.t.Helper()
	if _, err := e.m.ScheduleDue(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	return e.drain()
}
