package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

type fakeStore struct {
	docs, events int
	err          error
}

func (s *fakeStore) Counts(context.Context) (int, int, error) { return s.docs, s.events, s.err }

type fakeQueue map[string]map[queue.State]int

func (q fakeQueue) Counts(context.Context) (map[string]map[queue.State]int, error) { return q, nil }

type fakeFeeds []subscription.Feed

func (f fakeFeeds) Feeds(context.Context) ([]subscription.Feed, error) { return f, nil }

// scrape fetches /metrics as a Prometheus server would and parses it.
func scrape(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept", "text/plain; version=0.0.4")
	m.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("Content-Type %q", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(io.Reader(rec.Body))
	if err != nil {
		t.Fatalf("scrape does not parse: %v", err)
	}
	return fams
}

// value is the value of the family's metric whose labels include want ("name=value" pairs).
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want ...string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no metric %s", name)
	}
next:
	for _, m := range f.Metric {
		have := map[string]string{}
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for _, w := range want {
			k, v, _ := strings.Cut(w, "=")
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("no %s%v", name, want)
	return 0
}

func TestCountersMove(t *testing.T) {
	m := New(Source{})
	before := scrape(t, m)
	// Known outcomes are there at zero before anything happened.
	for _, o := range []string{PollOK, PollNotModified, PollError} {
		if v := value(t, before, "sitrep_feed_polls_total", "outcome="+o); v != 0 {
			t.Errorf("polls %s = %v before any poll", o, v)
		}
	}

	m.FeedPolled(PollOK)
	m.FeedPolled(PollOK)
	m.FeedPolled(PollNotModified)
	m.FeedPolled("bogus")
	m.FetchError("timeout")
	m.FetchError("Status 503: Service Unavailable")
	m.FetchError("")
	m.ArticleFetched()
	m.DocumentStored(false)
	m.DocumentStored(true)
	m.DocumentStored(true)
	m.EventsCoded(3, 1)
	m.EventsCoded(0, 0)
	m.CodingLatency(1500 * time.Millisecond)
	m.CodingLatency(-time.Second) // a skewed clock is no observation
	m.JobDone("poll", 20*time.Millisecond, nil)
	m.JobDone("article", time.Second, errors.New("boom"))

	after := scrape(t, m)
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"sitrep_feed_polls_total", []string{"outcome=ok"}, 2},
		{"sitrep_feed_polls_total", []string{"outcome=not_modified"}, 1},
		{"sitrep_feed_polls_total", []string{"outcome=error"}, 0},
		{"sitrep_feed_polls_total", []string{"outcome=other"}, 1},
		{"sitrep_fetch_errors_total", []string{"kind=timeout"}, 1},
		{"sitrep_fetch_errors_total", []string{"kind=status_503_service_unavailable"}, 1},
		{"sitrep_fetch_errors_total", []string{"kind=unknown"}, 1},
		{"sitrep_articles_fetched_total", nil, 1},
		{"sitrep_documents_stored_total", []string{"result=new"}, 1},
		{"sitrep_documents_stored_total", []string{"result=known"}, 2},
		{"sitrep_events_coded_total", []string{"result=new"}, 3},
		{"sitrep_events_coded_total", []string{"result=updated"}, 1},
		{"sitrep_coding_latency_seconds", nil, 1},
		{"sitrep_jobs_total", []string{"kind=poll", "outcome=ok"}, 1},
		{"sitrep_jobs_total", []string{"kind=article", "outcome=error"}, 1},
		{"sitrep_job_duration_seconds", []string{"kind=article"}, 1},
	}
	for _, tt := range tests {
		if got := value(t, after, tt.name, tt.labels...); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	h := after["sitrep_coding_latency_seconds"].Metric[0].Histogram
	if s := h.GetSampleSum(); s != 1.5 {
		t.Errorf("latency sum %v, want 1.5", s)
	}
	if _, ok := after["go_goroutines"]; !ok {
		t.Errorf("no Go runtime metrics")
	}
}

func TestScrapeReadsSources(t *testing.T) {
	store := &fakeStore{docs: 14, events: 9}
	q := fakeQueue{
		"poll":    {queue.Available: 2, queue.Done: 40},
		"article": {queue.Running: 1, queue.Failed: 3},
	}
	polled := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	feeds := fakeFeeds{
		{ID: 1},
		{ID: 2, LastPolled: polled},
		{ID: 3, LastPolled: polled, Failures: 2, LastError: "timeout"},
		{ID: 4, LastPolled: polled, Failures: 10, LastError: "404", DisabledReason: "gone"},
		{ID: 5, DisabledReason: "gone"},
	}
	m := New(Source{Store: store, Queue: q, Feeds: feeds})
	fams := scrape(t, m)
	tests := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"sitrep_documents", nil, 14},
		{"sitrep_events", nil, 9},
		{"sitrep_queue_jobs", []string{"kind=poll", "state=available"}, 2},
		{"sitrep_queue_jobs", []string{"kind=poll", "state=running"}, 0},
		{"sitrep_queue_jobs", []string{"kind=poll", "state=done"}, 40},
		{"sitrep_queue_jobs", []string{"kind=article", "state=failed"}, 3},
		{"sitrep_queue_jobs", []string{"kind=article", "state=available"}, 0},
		{"sitrep_feeds", []string{"state=new"}, 1},
		{"sitrep_feeds", []string{"state=ok"}, 1},
		{"sitrep_feeds", []string{"state=failing"}, 1},
		{"sitrep_feeds", []string{"state=disabled"}, 2},
		{"sitrep_scrape_source_up", []string{"source=store"}, 1},
		{"sitrep_scrape_source_up", []string{"source=queue"}, 1},
	}
	for _, tt := range tests {
		if got := value(t, fams, tt.name, tt.labels...); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}
	// The gauges follow the database between scrapes.
	store.events = 12
	if got := value(t, scrape(t, m), "sitrep_events", nil...); got != 12 {
		t.Errorf("events after growth = %v", got)
	}
	// A failing source drops out of the scrape, says so, and the rest still answers.
	store.err = errors.New("database is locked")
	fams = scrape(t, m)
	if _, ok := fams["sitrep_documents"]; ok {
		t.Errorf("documents reported from a failing store")
	}
	if got := value(t, fams, "sitrep_scrape_source_up", "source=store"); got != 0 {
		t.Errorf("store up = %v after a failure", got)
	}
	if got := value(t, fams, "sitrep_feeds", "state=disabled"); got != 2 {
		t.Errorf("feeds missing after a store failure: %v", got)
	}
}

func TestTwoMetricsDoNotCollide(t *testing.T) {
	a, b := New(Source{}), New(Source{})
	a.ArticleFetched()
	if got := value(t, scrape(t, b), "sitrep_articles_fetched_total"); got != 0 {
		t.Errorf("b counted a's article: %v", got)
	}
}

func TestNilMetrics(t *testing.T) {
	var m *Metrics
	m.FeedPolled(PollOK)
	m.FetchError("x")
	m.ArticleFetched()
	m.DocumentStored(true)
	m.EventsCoded(1, 1)
	m.CodingLatency(time.Second)
	m.JobDone("poll", time.Second, nil)
}

func TestLabelValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"timeout", "timeout"},
		{"HTTP 429", "http_429"},
		{"  dial tcp: connection refused  ", "dial_tcp_connection_refused"},
		{"", "unknown"},
		{"!!!", "unknown"},
		{"café\xff", "caf"},
		{strings.Repeat("a", 100), strings.Repeat("a", maxLabel)},
	}
	for _, tt := range tests {
		if got := labelValue(tt.in); got != tt.want {
			t.Errorf("labelValue(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzLabelValue: whatever a caller passes as a kind, the scrape stays valid.
func FuzzLabelValue(f *testing.F) {
	f.Add("timeout")
	f.Add("\xff\xfe")
	f.Add("a b\nc")
	f.Fuzz(func(t *testing.T, kind string) {
		v := labelValue(kind)
		if v == "" || len(v) > maxLabel || strings.Trim(v, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			t.Fatalf("labelValue(%q) = %q", kind, v)
		}
	})
}

func BenchmarkFeedPolled(b *testing.B) {
	m := New(Source{})
	for b.Loop() {
		m.FeedPolled(PollOK)
	}
}
