package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// liveFeed serves a feed whose items (title-and-link only: their pages are fetched) can be added
// while the monitor runs; each change gives the feed a new ETag.
type liveFeed struct {
	mu    sync.Mutex
	items []string // page names under testdata/site
}

func (l *liveFeed) add(page string) { l.mu.Lock(); l.items = append(l.items, page); l.mu.Unlock() }

func (l *liveFeed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/articles/"); ok {
		b, err := os.ReadFile(filepath.Join("testdata", "site", filepath.Base(name)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
		return
	}
	l.mu.Lock()
	items := slices.Clone(l.items)
	l.mu.Unlock()
	etag := fmt.Sprintf(`"%d"`, len(items))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Example Monitor</title><link>/</link><language>en</language>`)
	for i, it := range slices.Backward(items) {
		fmt.Fprintf(&b, "<item><title>Report %d</title><link>/articles/%s</link><pubDate>%s</pubDate></item>", i, it,
			time.Date(2025, 3, 17, 9, i, 0, 0, time.UTC).Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write([]byte(b.String()))
}

// TestNewItemVisibleThroughAPI: the monitor runs (scheduler and runner, real clock) on a feed polled
// every second; an item added to the feed becomes an event served by /api/events of the API on the
// same store, with the article page among its sources. The time it takes is logged (BENCHMARKS.md,
// "Monitor latency"), not asserted.
func TestNewItemVisibleThroughAPI(t *testing.T) {
	cd, err := loadCoder()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "live.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	feed := &liveFeed{items: []string{"boni-attack.html"}}
	site := httptest.NewServer(feed)
	defer site.Close()
	apiSrv := httptest.NewServer(api.New(st, api.Options{Logger: testLogger(t)}))
	defer apiSrv.Close()
	if _, err := st.AddFeed(ctx, mustFeed(t, site.URL+"/feed", time.Second)); err != nil {
		t.Fatal(err)
	}

	q := st.Queue()
	r := queue.NewRunner(q, queue.Options{Concurrency: 2, Poll: 100 * time.Millisecond, Logger: testLogger(t)})
	obs := newObserver()
	m := New(Options{
		Feeds: st, Queue: q, Waker: r, Logger: testLogger(t), Tick: 200 * time.Millisecond, Observer: obs,
		Fetcher:  fetcher.New(fetcher.Options{AllowLoopback: true, MinHostDelay: -1}),
		Ingester: pipeline.New(st, cd, nil),
	})
	m.Register(r)
	var wg sync.WaitGroup
	defer wg.Wait()
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	wg.Go(func() { m.Schedule(runCtx) })
	wg.Go(func() {
		if err := r.Run(runCtx); err != nil {
			t.Error(err)
		}
	})

	// visible waits for an event reported by the page and returns it with the time it took.
	visible := func(page string) (event.Event, time.Duration) {
		t.Helper()
		start := time.Now()
		want := site.URL + "/articles/" + page
		for time.Since(start) < time.Minute {
			resp, err := http.Get(apiSrv.URL + "/api/events?limit=1000")
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Events []event.Event `json:"events"`
			}
			err = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("/api/events: %d %v", resp.StatusCode, err)
			}
			for _, ev := range body.Events {
				for _, s := range ev.Sources {
					if s.URL == want {
						return ev, time.Since(start)
					}
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("no event from %s through the API after a minute", page)
		return event.Event{}, 0
	}

	first, _ := visible("boni-attack.html")
	if first.Country != "Mali" {
		t.Errorf("first item's event: %+v", first)
	}
	for _, tc := range []struct{ page, country, admin1 string }{
		{"tessit-ambush.html", "Mali", "Gao"},
		{"tillaberi-raid.html", "Niger", "Tillaberi"},
	} {
		feed.add(tc.page)
		ev, took := visible(tc.page)
		if ev.Country != tc.country || ev.Admin1 != tc.admin1 || ev.EventType == "" || ev.Fatalities == 0 {
			t.Errorf("%s: event %s %s/%s in %s, %s (%s), %d fatalities", tc.page, ev.EventDate, ev.EventType, ev.SubEventType,
				ev.Location, ev.Admin1, ev.Country, ev.Fatalities)
		}
		obs.mu.Lock()
		work := obs.latencies[len(obs.latencies)-1]
		obs.mu.Unlock()
		t.Logf("Monitor latency: %s visible through /api/events %v after it entered the feed (1 s poll interval); %v of it from the poll that found it to its events stored (page fetched, coded)",
			tc.page, took.Round(time.Millisecond), work.Round(time.Millisecond))
	}
	stop()
}
