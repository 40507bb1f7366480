package monitor

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader"
	"github.com/sitrep-dev/sitrep/internal/reader/feed"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// hits counts requests by path, and conditional ones.
type hits struct {
	mu          sync.Mutex
	n           map[string]int
	conditional int
}

func (h *hits) count(r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = map[string]int{}
	}
	h.n[r.URL.Path]++
	if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
		h.conditional++
	}
}

func (h *hits) get(path string) int { h.mu.Lock(); defer h.mu.Unlock(); return h.n[path] }
func (h *hits) total() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, v := range h.n {
		n += v
	}
	return n
}

// TestSeedFeedConditionalGet serves the seed RSS with an ETag: the first poll stores every item's
// document, exactly as the spine reads the same file; the second gets 304 and fetches nothing; a
// third, after the ETag changed but not the items, enqueues no article again.
func TestSeedFeedConditionalGet(t *testing.T) {
	path := fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss")
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var h hits
	var mu sync.Mutex
	etag := `"v1"`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		mu.Lock()
		tag := etag
		mu.Unlock()
		if r.URL.Path != "/tag/mali/feed/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		w.Write(body)
	}))
	defer srv.Close()

	e := newEnv(t, envOptions{})
	f := e.addFeed(srv.URL+"/tag/mali/feed/", time.Minute)
	out := e.pollNow()
	var articles int
	for _, o := range out {
		if o.err != nil {
			t.Errorf("job %s %s: %v", o.kind, o.key, o.err)
		}
		if o.kind == KindArticle {
			articles++
		}
	}
	// What the spine reads from the same file is what the monitor stored.
	var want []document.Document
	if err := reader.Read(e.ctx, path, nil, reader.Options{}, func(it reader.Item) error {
		if it.Err != nil {
			return it.Err
		}
		want = append(want, it.Doc)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if articles != len(want) || len(want) != 10 {
		t.Fatalf("%d article jobs, %d items in the feed", articles, len(want))
	}
	docs, _, err := e.st.Counts(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if docs != len(want) {
		t.Errorf("%d documents stored, want %d", docs, len(want))
	}
	for _, w := range want {
		got, err := e.st.Document(e.ctx, w.ID)
		if err != nil {
			t.Errorf("document %s (%s): %v", w.ID, w.URL, err)
			continue
		}
		if got.URL != w.URL || got.GUID != w.GUID || got.Title != w.Title || got.Text != w.Text ||
			!got.Published.Equal(w.Published) || got.Outlet != w.Outlet || got.Language != w.Language {
			t.Errorf("document %s differs from the spine's:\n got %s %q %q %v %q\nwant %s %q %q %v %q", w.ID,
				got.URL, got.GUID, got.Outlet, got.Published, got.Language, w.URL, w.GUID, w.Outlet, w.Published, w.Language)
		}
	}
	if h.total() != 1 {
		t.Errorf("%d requests on the first poll, want 1 (the feed carries full text: no page fetched)", h.total())
	}
	st := e.feed(f.ID)
	if st.ETag != `"v1"` || st.Items != 10 || st.LastStatus != 200 || st.Failures != 0 || st.LastError != "" ||
		!st.NextPoll.Equal(e.clock.Now().Add(time.Minute)) {
		t.Errorf("feed after first poll: %+v", st)
	}

	// Not due yet: nothing scheduled.
	if n, err := e.m.ScheduleDue(e.ctx); err != nil || n != 0 {
		t.Fatalf("scheduled %d polls before the interval (%v)", n, err)
	}
	e.clock.Set(e.clock.Now().Add(time.Minute))
	out = e.pollNow()
	if len(out) != 1 || h.total() != 2 || h.conditional != 1 {
		t.Errorf("second poll: %d jobs, %d requests (%d conditional), want 1, 2 (1)", len(out), h.total(), h.conditional)
	}
	st = e.feed(f.ID)
	if st.LastStatus != http.StatusNotModified || st.ETag != `"v1"` || st.Items != 10 {
		t.Errorf("feed after 304: %+v", st)
	}

	mu.Lock()
	etag = `"v2"`
	mu.Unlock()
	e.clock.Set(e.clock.Now().Add(time.Minute))
	out = e.pollNow()
	if len(out) != 1 || h.total() != 3 {
		t.Errorf("third poll (new ETag, same items): %d jobs, %d requests; want 1 poll job and 3 requests", len(out), h.total())
	}
	if st = e.feed(f.ID); st.ETag != `"v2"` || st.Items != 10 || st.LastStatus != 200 {
		t.Errorf("feed after third poll: %+v", st)
	}
	if docs2, _, _ := e.st.Counts(e.ctx); docs2 != docs {
		t.Errorf("%d documents after re-polls, want %d", docs2, docs)
	}
	if e.obs.polled["ok"] != 2 || e.obs.polled["not_modified"] != 1 || e.obs.stored[false] != 10 || e.obs.fetched != 0 {
		t.Errorf("observed %+v", e.obs)
	}
}

// site serves testdata/site: the summary-only feed and its article pages, with the failures the
// test wants on some pages.
func siteServer(t *testing.T, h *hits, extra map[string]http.HandlerFunc) *httptest.Server {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "site", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(read("summary.rss"))
	})
	mux.HandleFunc("/articles/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		if fn, ok := extra[name]; ok {
			fn(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", "site", name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(b)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSummaryOnlyFeed: items that carry a teaser or nothing have their pages fetched and reduced to
// main text; a page that fails temporarily is retried; one that is gone falls back to the teaser,
// and without a teaser the job fails with the reason.
func TestSummaryOnlyFeed(t *testing.T) {
	var h hits
	var mu sync.Mutex
	tessitTries := 0
	srv := siteServer(t, &h, map[string]http.HandlerFunc{
		// Overloaded on the first try.
		"tessit-ambush.html": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			tessitTries++
			n := tessitTries
			mu.Unlock()
			if n == 1 {
				http.Error(w, "busy", http.StatusBadGateway)
				return
			}
			b, _ := os.ReadFile(filepath.Join("testdata", "site", "tessit-ambush.html"))
			w.Header().Set("Content-Type", "text/html")
			w.Write(b)
		},
		"vanished.html": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) },
	})
	e := newEnv(t, envOptions{})
	e.addFeed(srv.URL+"/feed.rss", time.Hour)
	out := e.pollNow()

	byGUID := func(guid string) outcome {
		t.Helper()
		// GUIDs that are not URLs are unique only within their site: the item's link keys the job.
		page := map[string]string{"example-monitor-1001": "boni-attack", "example-monitor-1002": "tessit-ambush",
			"example-monitor-1003": "removed", "example-monitor-1004": "vanished"}[guid]
		o, ok := out[srv.URL+"/articles/"+page+".html"]
		if !ok {
			t.Fatalf("no job for %s in %v", guid, out)
		}
		return o
	}
	doc := func(guid string) document.Document {
		t.Helper()
		d := document.Document{GUID: guid}
		d.Finish()
		got, err := e.st.Document(e.ctx, d.ID)
		if err != nil {
			t.Fatalf("document of %s: %v", guid, err)
		}
		return got
	}

	if o := byGUID("example-monitor-1001"); o.err != nil || o.attempts != 1 {
		t.Errorf("boni: %+v", o)
	}
	boni := doc("example-monitor-1001")
	if !strings.Contains(boni.Text, "burning several granaries") || strings.Contains(boni.Text, "Subscribe") ||
		strings.Contains(boni.Text, "All rights reserved") {
		t.Errorf("boni text is not the page's main text:\n%s", boni.Text)
	}
	if boni.URL != srv.URL+"/articles/boni-attack.html" || boni.Outlet != "Example Monitor" || boni.Title != "Gunmen attack village near Boni" ||
		!boni.Published.Equal(time.Date(2025, 3, 12, 8, 0, 0, 0, time.UTC)) || boni.Language != "en" || boni.FetchedAt.IsZero() {
		t.Errorf("boni provenance: url %s outlet %q title %q published %v lang %q fetched %v", boni.URL, boni.Outlet, boni.Title, boni.Published, boni.Language, boni.FetchedAt)
	}

	if o := byGUID("example-monitor-1002"); o.err != nil || o.attempts != 2 {
		t.Errorf("tessit (502 first): %+v, want done on the second attempt", o)
	}
	if d := doc("example-monitor-1002"); !strings.Contains(d.Text, "struck an improvised explosive device") {
		t.Errorf("tessit text: %s", d.Text)
	}

	if o := byGUID("example-monitor-1003"); o.err != nil {
		t.Errorf("removed page: %+v", o)
	}
	if d := doc("example-monitor-1003"); !strings.HasPrefix(d.Text, "Suspected militants set fire to a health centre") {
		t.Errorf("removed page: want the feed's teaser as text, got %q", d.Text)
	}

	o := byGUID("example-monitor-1004")
	if !o.failed || o.err == nil || !queue.IsPermanent(o.err) || !strings.Contains(o.err.Error(), "410") ||
		!strings.Contains(o.err.Error(), "no text") {
		t.Errorf("vanished page without teaser: %+v, want a permanent failure naming HTTP 410 and the missing text", o)
	}
	if docs, _, _ := e.st.Counts(e.ctx); docs != 3 {
		t.Errorf("%d documents, want 3", docs)
	}
	if h.get("/articles/boni-attack.html") != 1 || h.get("/articles/tessit-ambush.html") != 2 || h.get("/articles/removed.html") != 1 {
		t.Errorf("page requests %v", h.n)
	}
	if e.obs.fetched != 2 || e.obs.fetchErrors["status"] != 3 {
		t.Errorf("observed fetched %d, errors %v", e.obs.fetched, e.obs.fetchErrors)
	}

	// Polled again (no validators: a full 200), nothing is fetched or stored twice.
	before := h.total()
	e.clock.Set(e.clock.Now().Add(time.Hour))
	if out := e.pollNow(); len(out) != 1 || h.total() != before+1 {
		t.Errorf("second poll ran %d jobs and %d requests", len(out), h.total()-before)
	}
}

// TestPageFailures: article pages that are too large, refused (a redirect to a private address) or
// not text fall back to the feed's teaser at once, without retries.
func TestPageFailures(t *testing.T) {
	var h hits
	srv := siteServer(t, &h, map[string]http.HandlerFunc{
		"removed.html": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		},
		"boni-attack.html": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body><p>"))
			w.Write(bytes.Repeat([]byte("padding "), 300_000))
		},
	})
	e := newEnv(t, envOptions{fetch: fetcher.Options{MaxBytes: 1 << 20}})
	e.addFeed(srv.URL+"/feed.rss", time.Hour)
	out := e.pollNow()
	for _, page := range []string{"boni-attack", "removed"} {
		if o := out[srv.URL+"/articles/"+page+".html"]; o.err != nil || o.attempts != 1 {
			t.Errorf("%s: %+v, want the teaser stored on the first attempt", page, o)
		}
	}
	if e.obs.fetchErrors[fetcher.KindTooLarge] != 1 || e.obs.fetchErrors[fetcher.KindForbiddenAddress] != 1 {
		t.Errorf("fetch errors %v, want one too_large and one forbidden_address", e.obs.fetchErrors)
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fullFeed is a one-item feed whose item carries its article (synthetic, our own words).
const fullFeed = `<?xml version="1.0" encoding="%s"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Le Journal du Sahel</title>
<link>https://journal.example/</link><language>fr</language>
<item><title>Attaque à Ménaka</title><link>https://journal.example/2025/03/menaka</link>
<pubDate>Tue, 11 Mar 2025 18:00:00 +0000</pubDate>
<content:encoded><![CDATA[<p>Des hommes armés ont attaqué lundi le marché de Ménaka, dans le nord-est du Mali, tuant trois civils, selon des élus locaux joints par téléphone.</p>
<p>Les assaillants, arrivés à moto, ont incendié plusieurs boutiques avant de se replier vers la frontière nigérienne. L'armée a dépêché une patrouille dans la soirée. Aucun groupe n'a revendiqué l'attaque, mais la région est le théâtre d'affrontements répétés entre groupes armés depuis plusieurs années.</p>
<p>Les habitants réclament le renforcement de la sécurité autour du marché hebdomadaire, principal lieu d'échanges de la zone.</p>]]></content:encoded>
</item></channel></rss>`

// TestPollOutcomes: one poll against each kind of answer a feed server gives.
func TestPollOutcomes(t *testing.T) {
	utf := []byte(fmt.Sprintf(fullFeed, "UTF-8"))
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes([]byte(fmt.Sprintf(fullFeed, "windows-1252")))
	if err != nil {
		t.Fatal(err)
	}
	const interval = 10 * time.Minute
	for _, tc := range []struct {
		name        string
		handler     http.HandlerFunc
		wantOK      bool
		wantStatus  int
		wantErr     string        // in the feed's LastError
		wantKind    string        // fetch error kind observed
		wantNextMin time.Duration // NextPoll at least this far from now
	}{
		{name: "gzip", wantOK: true, wantStatus: 200, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gzipped(t, utf))
		}},
		{name: "windows-1252", wantOK: true, wantStatus: 200, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml; charset=windows-1252")
			w.Write(cp1252)
		}},
		{name: "windows-1252 declared only in XML", wantOK: true, wantStatus: 200, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			w.Write(cp1252)
		}},
		{name: "server error", wantStatus: 500, wantErr: "HTTP 500", wantKind: fetcher.KindStatus, wantNextMin: interval, handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}},
		{name: "429 Retry-After", wantStatus: 429, wantErr: "429", wantKind: fetcher.KindRateLimited, wantNextMin: 2 * time.Hour, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7200")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}},
		{name: "503 Retry-After date", wantStatus: 503, wantErr: "503", wantKind: fetcher.KindRateLimited, wantNextMin: 50 * time.Minute, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		}},
		{name: "slow", wantErr: "timeout", wantKind: fetcher.KindTimeout, wantNextMin: interval, handler: func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		}},
		{name: "huge", wantStatus: 200, wantErr: "too_large", wantKind: fetcher.KindTooLarge, wantNextMin: interval, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(utf[:200])
			w.Write(bytes.Repeat([]byte("<!-- filler -->"), 100_000))
		}},
		{name: "malformed", wantStatus: 200, wantErr: "malformed feed: invalid feed", wantKind: "malformed", wantNextMin: interval, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(utf[:len(utf)/2])
		}},
		{name: "html instead of a feed", wantStatus: 200, wantErr: "malformed feed: not an RSS, Atom or JSON feed", wantKind: "malformed", wantNextMin: interval, handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<!doctype html><html><body><p>Welcome to our site</p></body></html>"))
		}},
		{name: "redirect to a private address", wantErr: "forbidden_address", wantKind: fetcher.KindForbiddenAddress, wantNextMin: interval, handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://10.20.30.40/feed.xml", http.StatusMovedPermanently)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			e := newEnv(t, envOptions{fetch: fetcher.Options{Timeout: 500 * time.Millisecond, MaxBytes: 1 << 20}})
			f := e.addFeed(srv.URL+"/feed", interval)
			out := e.pollNow()
			st := e.feed(f.ID)
			now := e.clock.Now()
			if st.LastStatus != tc.wantStatus || !st.LastPolled.Equal(now) {
				t.Errorf("status %d polled %v, want %d at %v", st.LastStatus, st.LastPolled, tc.wantStatus, now)
			}
			if tc.wantOK {
				if st.Failures != 0 || st.LastError != "" || st.Items != 1 || len(out) != 2 {
					t.Fatalf("feed %+v after %d jobs", st, len(out))
				}
				d := document.Document{URL: "https://journal.example/2025/03/menaka"}
				d.Finish()
				got, err := e.st.Document(e.ctx, d.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Title != "Attaque à Ménaka" || !strings.Contains(got.Text, "le marché de Ménaka, dans le nord-est") ||
					got.Outlet != "Le Journal du Sahel" || got.Language != "fr" {
					t.Errorf("document %q %q %q:\n%s", got.Title, got.Outlet, got.Language, got.Text)
				}
				return
			}
			if st.Failures != 1 || !strings.Contains(st.LastError, tc.wantErr) || st.Disabled() || st.Items != 0 {
				t.Errorf("feed %+v, want one failure with %q", st, tc.wantErr)
			}
			if e.obs.fetchErrors[tc.wantKind] != 1 || e.obs.polled["error"] != 1 {
				t.Errorf("observed errors %v polls %v, want one %s", e.obs.fetchErrors, e.obs.polled, tc.wantKind)
			}
			if next := st.NextPoll.Sub(now); next < tc.wantNextMin || next > DefaultMaxBackoff {
				t.Errorf("next poll in %v, want at least %v", next, tc.wantNextMin)
			}
			for _, o := range out {
				if o.err != nil {
					t.Errorf("poll job failed (%v): a feed's failure is not the job's", o.err)
				}
			}
		})
	}
}

// TestFailingFeedDisabled: a feed that keeps failing is polled with growing delays and disabled with
// the reason after subscription.MaxFailures polls in a row; a success in between resets the count.
func TestFailingFeedDisabled(t *testing.T) {
	var h hits
	var mu sync.Mutex
	failing := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		mu.Lock()
		defer mu.Unlock()
		if failing {
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		w.Write([]byte(fmt.Sprintf(fullFeed, "UTF-8")))
	}))
	defer srv.Close()
	e := newEnv(t, envOptions{})
	const interval = time.Minute
	f := e.addFeed(srv.URL+"/feed", interval)
	var delays []time.Duration
	poll := func() subscription.Feed {
		e.pollNow()
		st := e.feed(f.ID)
		delays = append(delays, st.NextPoll.Sub(e.clock.Now()))
		e.clock.Set(st.NextPoll)
		return st
	}
	for i := 1; i < subscription.MaxFailures; i++ {
		if st := poll(); st.Failures != i || st.Disabled() {
			t.Fatalf("poll %d: %+v", i, st)
		}
	}
	for i := 1; i < len(delays); i++ {
		if delays[i] < delays[i-1] || delays[i] < interval {
			t.Errorf("backoff delays %v do not grow from the interval", delays)
			break
		}
	}
	if delays[len(delays)-1] < 64*interval {
		t.Errorf("backoff delays %v: want exponential growth", delays)
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	if st := poll(); st.Failures != 0 || st.LastError != "" || st.Items != 1 {
		t.Fatalf("after a success: %+v", st)
	}
	mu.Lock()
	failing = true
	mu.Unlock()
	var st subscription.Feed
	for range subscription.MaxFailures {
		st = poll()
	}
	if !st.Disabled() || !strings.Contains(st.DisabledReason, "HTTP 500") || st.Failures != subscription.MaxFailures {
		t.Fatalf("after %d failures: %+v", subscription.MaxFailures, st)
	}
	requests := h.total()
	e.clock.Set(e.clock.Now().Add(30 * 24 * time.Hour))
	if n, err := e.m.ScheduleDue(e.ctx); err != nil || n != 0 {
		t.Errorf("a disabled feed was scheduled (%d, %v)", n, err)
	}
	if h.total() != requests {
		t.Errorf("a disabled feed was fetched")
	}
}

func TestSummaryOnly(t *testing.T) {
	long := strings.Repeat("Soldiers and gunmen clashed near the town. ", 40)
	for _, tc := range []struct {
		e    feed.Entry
		want bool
	}{
		{feed.Entry{}, true},
		{feed.Entry{Text: "Gunmen attacked a village on Tuesday […]"}, true},
		{feed.Entry{Text: long[:500], FromContent: true}, false},
		{feed.Entry{Text: long[:300], FromContent: true}, true},
		{feed.Entry{Text: long[:500]}, true},
		{feed.Entry{Text: long}, false},
		{feed.Entry{Text: long + " Read more »"}, true},
		{feed.Entry{Text: long + "Lire la suite", FromContent: true}, true},
		{feed.Entry{Text: long + "..."}, true},
		{feed.Entry{Text: long + "…", FromContent: true}, true},
	} {
		if got := SummaryOnly(tc.e); got != tc.want {
			t.Errorf("SummaryOnly(%d runes, content %v, ends %q) = %v", len(tc.e.Text), tc.e.FromContent, tc.e.Text[max(0, len(tc.e.Text)-15):], got)
		}
	}
}

func TestItemKey(t *testing.T) {
	const feedURL = "https://news.example/feed"
	for _, tc := range []struct {
		e    feed.Entry
		want string
	}{
		{feed.Entry{GUID: "https://news.example/?p=12", URL: "https://news.example/a"}, "https://news.example/?p=12"},
		{feed.Entry{GUID: "12", URL: "https://news.example/a"}, "https://news.example/a"},
		{feed.Entry{GUID: "12"}, "news.example#12"},
	} {
		if got := itemKey(feedURL, tc.e); got != tc.want {
			t.Errorf("itemKey(%+v) = %q, want %q", tc.e, got, tc.want)
		}
	}
	a := itemKey(feedURL, feed.Entry{Title: "a", Text: "x"})
	b := itemKey(feedURL, feed.Entry{Title: "b", Text: "x"})
	if a == b || !strings.HasPrefix(a, "news.example#sha:") {
		t.Errorf("content keys %q %q", a, b)
	}
}

// FuzzArticleJobs: whatever a server sends as a feed, the jobs made from it carry a key and a payload
// the article handler can read.
func FuzzArticleJobs(f *testing.F) {
	f.Add([]byte(fmt.Sprintf(fullFeed, "UTF-8")))
	f.Add([]byte(`<rss><channel><item><guid>1</guid></item><item><description>x</description></item></channel></rss>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"a","content_text":"t"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ch, err := feed.ParseEntries(data, "https://news.example/feed")
		if err != nil {
			return
		}
		jobs, err := articleJobs(subscription.Feed{ID: 1, URL: "https://news.example/feed", Name: "news.example"}, ch, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		for i, j := range jobs {
			if j.Key == "" || j.Kind != KindArticle {
				t.Errorf("job %d: kind %q key %q", i, j.Kind, j.Key)
			}
			var p articlePayload
			if err := json.Unmarshal(j.Payload, &p); err != nil || p.Entry.Text != ch.Entries[i].Text {
				t.Errorf("job %d payload does not round-trip: %v", i, err)
			}
		}
	})
}

// TestRemovedFeed: a feed unsubscribed after its poll was queued is not fetched, and the poll ends
// without error.
func TestRemovedFeed(t *testing.T) {
	var h hits
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.count(r) }))
	defer srv.Close()
	e := newEnv(t, envOptions{})
	f := e.addFeed(srv.URL+"/feed", time.Minute)
	if n, err := e.m.ScheduleDue(e.ctx); err != nil || n != 1 {
		t.Fatalf("scheduled %d (%v)", n, err)
	}
	if err := e.st.RemoveFeed(e.ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	for _, o := range e.drain() {
		if o.err != nil || o.attempts != 1 {
			t.Errorf("poll of a removed feed: %+v", o)
		}
	}
	if h.total() != 0 {
		t.Errorf("a removed feed was fetched")
	}
}

// TestCodeJob: a document queued twice is queued once, stored once, and coded once even when its
// job runs again.
func TestCodeJob(t *testing.T) {
	e := newEnv(t, envOptions{})
	doc := document.Document{URL: "https://news.example/a", Title: "A report", Published: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC),
		Text: "Gunmen attacked a village in central Mali on Friday, killing four people, officials said."}
	doc.Finish()
	job, err := CodeJob(doc, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for want := 1; want >= 0; want-- {
		if n, err := e.q.Enqueue(e.ctx, job); err != nil || n != want {
			t.Fatalf("enqueue: %d (%v), want %d", n, err, want)
		}
	}
	if out := e.drain(); len(out) != 1 || out[doc.ID].err != nil {
		t.Fatalf("drain: %+v", out)
	}
	got, err := e.st.Document(e.ctx, doc.ID)
	if err != nil || got.Text != doc.Text || got.URL != doc.URL {
		t.Fatalf("stored %+v (%v)", got, err)
	}
	// The same job run again (a crash before it was marked done) finds the document stored.
	if err := e.m.HandleCode(e.ctx, job); err != nil {
		t.Fatal(err)
	}
	if e.obs.stored[false] != 1 || e.obs.stored[true] != 1 {
		t.Errorf("stored %v, want one new and one known", e.obs.stored)
	}
	if _, err := CodeJob(document.Document{Text: "x"}, time.Time{}); err == nil {
		t.Error("CodeJob accepted an unfinished document")
	}
}
