package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// monitorLog is a bytes.Buffer safe for the command's logger and the test reading it.
type monitorLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *monitorLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *monitorLog) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// seedFeedServer serves the seed RSS feed on loopback at any path, until the test ends.
func seedFeedServer(t *testing.T) *httptest.Server {
	t.Helper()
	body, err := os.ReadFile(fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestMonitorCommand: sitrep monitor polls a subscribed feed served on loopback, stores its items'
// documents, and stops cleanly when its context ends (SIGINT/SIGTERM in main).
func TestMonitorCommand(t *testing.T) {
	srv := seedFeedServer(t)
	db := filepath.Join(t.TempDir(), "m.db")
	if code, out, stderr := sitrep(t, nil, "feeds", "add", "--db", db, "--interval", "1m", srv.URL+"/feed"); code != 0 {
		t.Fatalf("feeds add: %d %s %s", code, out, stderr)
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr monitorLog
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }, logger: newDiscardLogger()}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, env, []string{"monitor", "--db", db, "--allow-loopback", "--poll-interval", "200ms", "--workers", "2", "--metrics-addr", "127.0.0.1:0"})
	}()
	deadline := time.After(2 * time.Minute)
	for strings.Count(stderr.String(), `msg="document stored"`) < 10 {
		select {
		case code := <-done:
			t.Fatalf("monitor exited early with %d:\n%s", code, stderr.String())
		case <-deadline:
			t.Fatalf("no 10 documents stored in time:\n%s", stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	// The metrics the monitor counted, served where its log says.
	m := regexp.MustCompile(`msg="metrics served" url=(\S+)`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no metrics address logged:\n%s", stderr.String())
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	scrape, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`sitrep_feed_polls_total{outcome="ok"} 1`, `sitrep_documents_stored_total{result="new"} 10`, `sitrep_jobs_total{`} {
		if !strings.Contains(string(scrape), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("monitor exit %d:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "monitor stopped") {
		t.Errorf("no clean stop logged:\n%s", stderr.String())
	}
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	docs, events, err := st.Counts(t.Context())
	if err != nil || docs != 10 || events == 0 {
		t.Errorf("stored %d documents, %d events (%v), want 10 and some", docs, events, err)
	}
	f, err := st.Feed(t.Context(), 1)
	if err != nil || f.Items != 10 || f.LastStatus != 200 || f.Failures != 0 {
		t.Errorf("feed %+v (%v)", f, err)
	}
}

func TestMonitorCommandUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	for _, args := range [][]string{
		{"monitor", "--db", db, "--workers", "0"},
		{"worker", "--db", db, "extra"},
	} {
		if code, _, stderr := sitrep(t, nil, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
	// The worker schedules nothing, so it has no --poll-interval.
	if code, _, stderr := sitrep(t, nil, "worker", "--db", db, "--poll-interval", "1s"); code == 0 || !strings.Contains(stderr, "-poll-interval") {
		t.Errorf("worker --poll-interval: exit %d (%s)", code, stderr)
	}
}

// TestServeRunsMonitor: sitrep serve polls the subscribed feeds beside the API, whose /api/events
// and /metrics show the result; with --no-monitor it polls nothing.
func TestServeRunsMonitor(t *testing.T) {
	srv := seedFeedServer(t)
	for _, off := range []bool{false, true} {
		db := filepath.Join(t.TempDir(), "serve.db")
		if code, out, stderr := sitrep(t, nil, "feeds", "add", "--db", db, "--interval", "1m", srv.URL+"/feed"); code != 0 {
			t.Fatalf("feeds add: %d %s %s", code, out, stderr)
		}
		ctx, cancel := context.WithCancel(t.Context())
		var stderr monitorLog
		env := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(string) string { return "" }, logger: newDiscardLogger()}
		args := []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--allow-loopback"}
		if off {
			args = append(args, "--no-monitor")
		}
		done := make(chan int, 1)
		go func() { done <- run(ctx, env, args) }()
		addrRE := regexp.MustCompile(`msg="sitrep serving" addr=(\S+)`)
		var base string
		for deadline := time.Now().Add(time.Minute); base == ""; {
			if m := addrRE.FindStringSubmatch(stderr.String()); m != nil {
				base = "http://" + m[1]
			} else if time.Now().After(deadline) {
				t.Fatalf("serve never listened:\n%s", stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		get := func(path string) string {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		if !off {
			for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(get("/metrics"), `sitrep_documents_stored_total{result="new"} 10`); {
				if time.Now().After(deadline) {
					t.Fatalf("the monitor stored no 10 documents:\n%s", stderr.String())
				}
				time.Sleep(100 * time.Millisecond)
			}
			if ev := get("/api/events?limit=1"); !strings.Contains(ev, "thedefensepost.com") {
				t.Errorf("/api/events: %s", ev)
			}
		} else if h := get("/healthz"); !strings.Contains(h, "ok") {
			t.Errorf("/healthz: %s", h)
		}
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("serve exit %d:\n%s", code, stderr.String())
		}
		st, err := sqlite.Open(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		f, err := st.Feed(t.Context(), 1)
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		if polled := !f.LastPolled.IsZero(); polled == off {
			t.Errorf("--no-monitor=%v: feed polled %v", off, f.LastPolled)
		}
	}
}

// TestMonitorAndWorkerOnPostgres: sitrep monitor and sitrep worker share a PostgreSQL database; the
// feed's articles are stored once between them.
func TestMonitorAndWorkerOnPostgres(t *testing.T) {
	srv := seedFeedServer(t)
	db := pg.NewDatabase(t)
	if code, out, stderr := sitrep(t, nil, "feeds", "add", "--db", db, srv.URL+"/feed"); code != 0 {
		t.Fatalf("feeds add: %d %s %s", code, out, stderr)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type proc struct {
		log  *monitorLog
		done chan int
	}
	var procs []proc
	for _, args := range [][]string{
		{"monitor", "--db", db, "--allow-loopback", "--poll-interval", "200ms", "--workers", "1"},
		{"worker", "--db", db, "--allow-loopback", "--workers", "1"},
	} {
		p := proc{log: &monitorLog{}, done: make(chan int, 1)}
		env := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: p.log, getenv: func(string) string { return "" }, logger: newDiscardLogger()}
		go func() { p.done <- run(ctx, env, args) }()
		procs = append(procs, p)
	}
	stored := func() int {
		return strings.Count(procs[0].log.String(), `msg="document stored"`) + strings.Count(procs[1].log.String(), `msg="document stored"`)
	}
	for deadline := time.Now().Add(3 * time.Minute); stored() < 10; {
		if time.Now().After(deadline) {
			t.Fatalf("%d documents stored:\n%s\n%s", stored(), procs[0].log.String(), procs[1].log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	for _, p := range procs {
		if code := <-p.done; code != 0 {
			t.Errorf("exit %d:\n%s", code, p.log.String())
		}
	}
	store, err := openStore(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if docs, events, err := store.Counts(t.Context()); err != nil || docs != 10 || events == 0 || stored() != 10 {
		t.Errorf("%d documents (%d logged as stored), %d events (%v)", docs, stored(), events, err)
	}
}

// TestWorkerStoppedWhileStarting: SIGTERM before the worker has opened its database (a deploy rolled
// back at once, or a test done before a slow start) is a clean stop, not a failure.
func TestWorkerStoppedWhileStarting(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var stderr monitorLog
	env := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr,
		getenv: func(string) string { return "" }, logger: newDiscardLogger()}
	if code := run(ctx, env, []string{"worker", "--db", pg.NewDatabase(t), "--workers", "1"}); code != 0 {
		t.Errorf("exit %d:\n%s", code, stderr.String())
	}
}
