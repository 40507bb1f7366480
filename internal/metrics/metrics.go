// Package metrics is sitrep's Prometheus instrumentation: what the monitor counts as it works (feeds
// polled, fetch errors by kind, articles fetched, documents and events stored, coding latency, jobs
// run) and what is read from the database when /metrics is scraped (documents, events, feeds, queue
// depth). Everything is registered on a registry of its own, never the global default, so two
// Metrics (tests, two servers in one process) never collide.
package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// Store is what a scrape reads of the data store (both stores have it).
type Store interface {
	Counts(ctx context.Context) (documents, events int, err error)
}

// Queue is what a scrape reads of the job queue (queue.Backend has it).
type Queue interface {
	Counts(ctx context.Context) (map[string]map[queue.State]int, error)
}

// Feeds is what a scrape reads of the feed subscriptions (both stores have it).
type Feeds interface {
	Feeds(ctx context.Context) ([]subscription.Feed, error)
}

// Source is what is read at scrape time. A nil field leaves its metrics out (a worker without the
// API has no feeds to report, say).
type Source struct {
	Store Store
	Queue Queue
	Feeds Feeds
}

// ScrapeTimeout bounds the database reads of one scrape: a scraper waits for nothing longer.
const ScrapeTimeout = 5 * time.Second

// Poll outcomes for FeedPolled.
const (
	PollOK          = "ok"
	PollNotModified = "not_modified"
	PollError       = "error"
)

// Metrics holds sitrep's metrics. Its methods are safe for concurrent use, and do nothing on a nil
// *Metrics, so a component can run without metrics.
type Metrics struct {
	reg         *prometheus.Registry
	polls       *prometheus.CounterVec
	fetchErrors *prometheus.CounterVec
	articles    prometheus.Counter
	documents   *prometheus.CounterVec
	events      *prometheus.CounterVec
	latency     prometheus.Histogram
	jobs        *prometheus.CounterVec
	jobSeconds  *prometheus.HistogramVec
}

// New registers sitrep's metrics, the Go runtime's and the process's on a new registry.
func New(src Source) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_feed_polls_total",
			Help: "Feed polls by outcome: ok (new content), not_modified (304 or unchanged), error.",
		}, []string{"outcome"}),
		fetchErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_fetch_errors_total",
			Help: "Failed fetches of feeds and article pages, by kind of failure.",
		}, []string{"kind"}),
		articles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "sitrep_articles_fetched_total",
			Help: "Article pages fetched (for feed items that carry only a summary).",
		}),
		documents: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_documents_stored_total",
			Help: "Documents through the pipeline: new (stored) or known (already stored, skipped).",
		}, []string{"result"}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_events_coded_total",
			Help: "Events coded from documents: new events, and existing events updated by a new report.",
		}, []string{"result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sitrep_coding_latency_seconds",
			Help: "Time from a feed item first seen to its events stored.",
			// From a local feed polled every second to a slow site behind backoff.
			Buckets: []float64{0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600},
		}),
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sitrep_jobs_total",
			Help: "Queue jobs run, by kind and outcome (ok, error).",
		}, []string{"kind", "outcome"}),
		jobSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sitrep_job_duration_seconds",
			Help:    "Run time of queue jobs, by kind.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"kind"}),
	}
	// Known label values start at zero, so rates and alerts work before the first event.
	for _, o := range []string{PollOK, PollNotModified, PollError} {
		m.polls.WithLabelValues(o)
	}
	for _, r := range []string{"new", "known"} {
		m.documents.WithLabelValues(r)
	}
	for _, r := range []string{"new", "updated"} {
		m.events.WithLabelValues(r)
	}
	m.reg.MustRegister(m.polls, m.fetchErrors, m.articles, m.documents, m.events, m.latency, m.jobs, m.jobSeconds,
		newScrapeCollector(src),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// Handler serves the metrics in the Prometheus exposition format (text or protobuf, as the scraper
// asks). A source that fails is left out of the scrape and logged, rather than failing all of it.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slogLogger{},
		ErrorHandling: promhttp.ContinueOnError,
		Timeout:       2 * ScrapeTimeout,
	})
}

// Gatherer gives the registry to code that reads metrics directly (tests, a push gateway).
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.reg }

type slogLogger struct{}

func (slogLogger) Println(v ...any) { slog.Warn("metrics: scrape", "err", fmt.Sprint(v...)) }

// FeedPolled counts one poll of a feed; outcome is PollOK, PollNotModified or PollError (anything
// else is counted as "other").
func (m *Metrics) FeedPolled(outcome string) {
	if m == nil {
		return
	}
	switch outcome {
	case PollOK, PollNotModified, PollError:
	default:
		outcome = "other"
	}
	m.polls.WithLabelValues(outcome).Inc()
}

// FetchError counts a failed fetch of a feed or page, by kind ("timeout", "status_5xx", "too_large",
// "refused_address"...). Kinds are folded to short lower-case identifiers so that a careless caller
// cannot mint unbounded label values from error text.
func (m *Metrics) FetchError(kind string) {
	if m == nil {
		return
	}
	m.fetchErrors.WithLabelValues(labelValue(kind)).Inc()
}

// ArticleFetched counts one article page fetched.
func (m *Metrics) ArticleFetched() {
	if m == nil {
		return
	}
	m.articles.Inc()
}

// DocumentStored counts a document through the pipeline: known when it was stored already.
func (m *Metrics) DocumentStored(known bool) {
	if m == nil {
		return
	}
	r := "new"
	if known {
		r = "known"
	}
	m.documents.WithLabelValues(r).Inc()
}

// EventsCoded counts the events a document produced: new ones and existing ones it updated.
func (m *Metrics) EventsCoded(newEvents, updated int) {
	if m == nil {
		return
	}
	if newEvents > 0 {
		m.events.WithLabelValues("new").Add(float64(newEvents))
	}
	if updated > 0 {
		m.events.WithLabelValues("updated").Add(float64(updated))
	}
}

// CodingLatency observes the time from a feed item first seen to its events stored.
func (m *Metrics) CodingLatency(d time.Duration) {
	if m == nil || d < 0 {
		return
	}
	m.latency.Observe(d.Seconds())
}

// JobDone counts a queue job of kind that ran for d and failed with err (nil: succeeded).
func (m *Metrics) JobDone(kind string, d time.Duration, err error) {
	if m == nil {
		return
	}
	kind = labelValue(kind)
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.jobs.WithLabelValues(kind, outcome).Inc()
	if d >= 0 {
		m.jobSeconds.WithLabelValues(kind).Observe(d.Seconds())
	}
}

// maxLabel bounds a free-form label value.
const maxLabel = 40

// labelValue folds s to a short identifier: lower-case letters, digits and underscores; "" is
// "unknown".
func labelValue(s string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(s) {
		if b.Len() >= maxLabel {
			break
		}
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.TrimSuffix(b.String(), "_")
	if out == "" {
		return "unknown"
	}
	return out
}

// scrapeCollector reads the Source when the registry is gathered.
type scrapeCollector struct {
	src                        Source
	documents, events          *prometheus.Desc
	feeds, queueJobs, sourceUp *prometheus.Desc
}

func newScrapeCollector(src Source) *scrapeCollector {
	return &scrapeCollector{
		src:       src,
		documents: prometheus.NewDesc("sitrep_documents", "Documents in the store.", nil, nil),
		events:    prometheus.NewDesc("sitrep_events", "Events in the store (background events included).", nil, nil),
		feeds:     prometheus.NewDesc("sitrep_feeds", "Subscribed feeds by state: new, ok, failing, disabled.", []string{"state"}, nil),
		queueJobs: prometheus.NewDesc("sitrep_queue_jobs", "Jobs in the queue by kind and state (available jobs are the queue's depth).", []string{"kind", "state"}, nil),
		sourceUp:  prometheus.NewDesc("sitrep_scrape_source_up", "1 if the last scrape read this source (store, queue, feeds), 0 if it failed.", []string{"source"}, nil),
	}
}

func (c *scrapeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.documents
	ch <- c.events
	ch <- c.feeds
	ch <- c.queueJobs
	ch <- c.sourceUp
}

// Collect reads the sources. The registry gives it no request context, hence a timeout of its own.
func (c *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), ScrapeTimeout)
	defer cancel()
	up := func(source string, err error) {
		v := 1.0
		if err != nil {
			v = 0
			slog.WarnContext(ctx, "metrics: scrape source failed", "source", source, "err", err)
		}
		ch <- prometheus.MustNewConstMetric(c.sourceUp, prometheus.GaugeValue, v, source)
	}
	if c.src.Store != nil {
		docs, events, err := c.src.Store.Counts(ctx)
		if err == nil {
			ch <- prometheus.MustNewConstMetric(c.documents, prometheus.GaugeValue, float64(docs))
			ch <- prometheus.MustNewConstMetric(c.events, prometheus.GaugeValue, float64(events))
		}
		up("store", err)
	}
	if c.src.Feeds != nil {
		feeds, err := c.src.Feeds.Feeds(ctx)
		if err == nil {
			n := map[string]int{subscription.StateNew: 0, subscription.StateOK: 0, subscription.StateFailing: 0, subscription.StateDisabled: 0}
			for _, f := range feeds {
				n[f.State()]++
			}
			for st, k := range n {
				ch <- prometheus.MustNewConstMetric(c.feeds, prometheus.GaugeValue, float64(k), st)
			}
		}
		up("feeds", err)
	}
	if c.src.Queue != nil {
		counts, err := c.src.Queue.Counts(ctx)
		if err == nil {
			// Kinds are folded as JobDone folds them, so the two series join on kind.
			folded := map[string]map[queue.State]int{}
			for kind, byState := range counts {
				k := labelValue(kind)
				if folded[k] == nil {
					folded[k] = map[queue.State]int{}
				}
				for st, n := range byState {
					folded[k][st] += n
				}
			}
			for kind, byState := range folded {
				// Every state of a kind is reported, zeros included, so depth alerts see 0 not absence.
				for _, st := range []queue.State{queue.Available, queue.Running, queue.Done, queue.Failed} {
					ch <- prometheus.MustNewConstMetric(c.queueJobs, prometheus.GaugeValue, float64(byState[st]), kind, string(st))
				}
			}
		}
		up("queue", err)
	}
}
