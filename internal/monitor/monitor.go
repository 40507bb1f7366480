// Package monitor watches the subscribed feeds: a Scheduler enqueues a "poll" job for every feed that
// is due, and the job handlers here poll the feed (conditional GET), enqueue one "article" job per item,
// fetch an article's page when the feed carries only a teaser, and ingest the document through the
// pipeline. All work runs as jobs of the durable queue (internal/queue), so a crash at any moment
// loses nothing: a job is retried, and the pipeline recognises a document it stored already, so
// nothing is coded twice.
package monitor

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// Job kinds the monitor's handlers run.
const (
	KindPoll    = "poll"    // poll one feed
	KindArticle = "article" // fetch (when needed) and ingest one feed item
	KindCode    = "code"    // ingest one document carried in the payload
)

// FeedStore is what the monitor needs of the stored subscriptions.
type FeedStore interface {
	// DueFeeds returns up to limit enabled feeds whose NextPoll is not after now, longest due first.
	DueFeeds(ctx context.Context, now time.Time, limit int) ([]subscription.Feed, error)
	Feed(ctx context.Context, id int64) (subscription.Feed, error)
	UpdateFeed(ctx context.Context, f subscription.Feed) error
}

// Enqueuer stores jobs; queue.Backend is one.
type Enqueuer interface {
	Enqueue(ctx context.Context, jobs ...queue.Job) (int, error)
}

// Fetcher gets a URL over HTTP; *fetcher.Client is one.
type Fetcher interface {
	Fetch(ctx context.Context, req fetcher.Request) (*fetcher.Response, error)
}

// Ingester stores a document once and places its events; *pipeline.Pipeline is one.
type Ingester interface {
	Ingest(ctx context.Context, doc document.Document) (pipeline.Result, error)
}

// Observer receives the monitor's measurements (internal/metrics implements it).
type Observer interface {
	FeedPolled(outcome string) // "ok", "not_modified" or "error"
	FetchError(kind string)
	ArticleFetched()
	DocumentStored(known bool)
	EventsCoded(newEvents, updated int)
	// CodingLatency is the time from the poll that found an item to its document being stored.
	CodingLatency(d time.Duration)
}

// Waker is told when jobs were enqueued, so that idle workers look at once (queue.Runner.Wake).
type Waker interface{ Wake() }

// Defaults for Options' zero values.
const (
	DefaultTick       = 5 * time.Second
	DefaultMaxBackoff = 24 * time.Hour
	DefaultBatch      = 100
)

// Options configure a Monitor. Feeds, Queue, Fetcher and Ingester are required.
type Options struct {
	Feeds    FeedStore
	Queue    Enqueuer
	Fetcher  Fetcher
	Ingester Ingester
	Observer Observer     // nil: measurements dropped
	Waker    Waker        // nil: workers find new jobs on their next poll of the queue
	Logger   *slog.Logger // nil: slog.Default()
	// Tick is how often the scheduler looks for due feeds; 0 is DefaultTick.
	Tick time.Duration
	// Batch bounds the feeds one tick enqueues (the rest are due on the next tick); 0 is DefaultBatch.
	Batch int
	// MaxBackoff caps the delay before a failing feed is polled again (never below its interval); 0
	// is DefaultMaxBackoff.
	MaxBackoff time.Duration
	// Now is the clock; nil is time.Now. Rand gives jitter in [0, 1); nil is math/rand/v2.
	Now  func() time.Time
	Rand func() float64
}

// Monitor runs the scheduler and the job handlers. It holds no mutable state: any number of them,
// in any number of processes, may share one store.
type Monitor struct {
	o   Options
	log *slog.Logger
}

// New returns a monitor.
func New(o Options) *Monitor {
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Tick <= 0 {
		o.Tick = DefaultTick
	}
	if o.Batch <= 0 {
		o.Batch = DefaultBatch
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	return &Monitor{o: o, log: o.Logger}
}

// Register installs the monitor's job handlers (poll, article, code) on a runner.
func (m *Monitor) Register(r interface {
	Handle(kind string, h queue.Handler)
}) {
	r.Handle(KindPoll, m.HandlePoll)
	r.Handle(KindArticle, m.HandleArticle)
	r.Handle(KindCode, m.HandleCode)
}

func (m *Monitor) wake() {
	if m.o.Waker != nil {
		m.o.Waker.Wake()
	}
}

type nopObserver struct{}

func (nopObserver) FeedPolled(string)           {}
func (nopObserver) FetchError(string)           {}
func (nopObserver) ArticleFetched()             {}
func (nopObserver) DocumentStored(bool)         {}
func (nopObserver) EventsCoded(int, int)        {}
func (nopObserver) CodingLatency(time.Duration) {}
