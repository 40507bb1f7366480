package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine's log writes and the test's reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestServe runs `sitrep serve` on a free port against a real store of each kind, queries it over
// HTTP, then cancels its context (what SIGTERM does in main) and expects a clean shutdown.
func TestServe(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testServe(t, filepath.Join(t.TempDir(), "serve.db")) })
	t.Run("postgres", func(t *testing.T) { testServe(t, pg.NewDatabase(t)) })
}

func testServe(t *testing.T, db string) {
	ctx := context.Background()
	store, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update(ctx, func(tx pipeline.Tx) error {
		d := document.Document{ID: "url:a1", URL: "https://example.org/a1", Title: "Clash near Dounzara",
			Text: "Soldiers and gunmen clashed near Dounzara on Sunday."}
		d.ContentHash = document.HashText(d.Text)
		if err := tx.PutDocument(ctx, d); err != nil {
			return err
		}
		e := event.Event{EventIDCnty: "MLI1", EventDate: "2025-03-02", Year: 2025, Country: "Mali",
			EventType: event.Battles, SubEventType: "Armed clash", Notes: "<script>alert(1)</script>",
			Fatalities: 3, Status: event.StatusAuto, Sources: []event.Source{{ID: d.ID, URL: d.URL}}}
		return tx.SaveEvent(ctx, pipeline.Stored{Event: e}, 1)
	})
	if err != nil {
		t.Fatal(err)
	}
	store.Close()

	srv := startServe(t, db)
	addr, stderr := srv.addr, srv.stderr
	for _, tc := range []struct {
		path   string
		status int
		want   string
	}{
		{"/healthz", 200, `"ok"`},
		{"/api/events?country=mali", 200, `"MLI1"`},
		{"/api/events/MLI1", 200, `\u003cscript\u003e`},
		{"/api/events?q=dounzara", 200, `"MLI1"`}, // found by its source document's text
		{"/api/events?q=kidal", 200, `"events":[]`},
		{"/api/stats?bucket=week", 200, `"buckets":[{"start":"2025-02-24","events":1,"fatalities":3`},
		{"/api/documents/url:a1", 200, `"text":"Soldiers and gunmen clashed near Dounzara on Sunday."`},
		{"/api/documents/url:none", 404, "not found"},
		{"/api/events.csv", 200, "MLI1,2025-03-02"},
		{"/api/events?since=soon", 400, "since: want YYYY-MM-DD"},
		{"/", 200, "<script"}, // the dashboard page (its own script file, nothing inline)
	} {
		resp, err := http.Get("http://" + addr + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s: %d %s, want %d with %s", tc.path, resp.StatusCode, body, tc.status, tc.want)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no Content-Security-Policy", tc.path)
		}
	}
	if !strings.Contains(stderr.String(), "http request") {
		t.Errorf("no request log on stderr:\n%s", stderr.String())
	}
	srv.stop(t)
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// served is a running `sitrep serve`.
type served struct {
	addr   string
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startServe runs `sitrep serve --db db` with extra args on a free loopback port and waits until it
// says where it listens.
func startServe(t *testing.T, db string, args ...string) *served {
	t.Helper()
	s := &served{stderr: &syncBuffer{}, done: make(chan error, 1)}
	env := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: s.stderr,
		getenv: func(string) string { return "" }, logger: newDiscardLogger()}
	var sctx context.Context
	sctx, s.cancel = context.WithCancel(context.Background())
	t.Cleanup(s.cancel)
	args = append([]string{"--db", db, "--addr", "127.0.0.1:0"}, args...)
	go func() { s.done <- serveCommand().run(sctx, env, args) }()

	addrRE := regexp.MustCompile(`addr=(127\.0\.0\.1:\d+)`)
	for deadline := time.Now().Add(10 * time.Second); s.addr == "" && time.Now().Before(deadline); {
		select {
		case err := <-s.done:
			t.Fatalf("serve stopped early: %v\n%s", err, s.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if m := addrRE.FindStringSubmatch(s.stderr.String()); m != nil {
			s.addr = m[1]
		}
	}
	if s.addr == "" {
		t.Fatalf("serve never said where it listens:\n%s", s.stderr.String())
	}
	return s
}

// stop cancels the server's context (what SIGTERM does in main) and expects a clean shutdown.
func (s *served) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("serve after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// TestServePrivate: with --private, reads and metrics need a token made by `sitrep token create`; the
// health check stays open for load balancers.
func TestServePrivate(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "private.db")
	store, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := store.CreateToken(ctx, "analyst")
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	srv := startServe(t, db, "--private", "--no-monitor")
	defer srv.stop(t)
	for _, tc := range []struct {
		path, token string
		status      int
	}{
		{"/healthz", "", 200},
		{"/api/events", "", 401},
		{"/api/events", "sitrep_not-a-real-token", 401},
		{"/api/events", secret, 200},
		{"/api/stats", "", 401},
		{"/api/stats", secret, 200},
	} {
		req, _ := http.NewRequest("GET", "http://"+srv.addr+tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("GET %s (token %t): %d, want %d", tc.path, tc.token != "", resp.StatusCode, tc.status)
		}
	}
}

func TestServeErrors(t *testing.T) {
	env := &cliEnv{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		getenv: func(string) string { return "" }, logger: newDiscardLogger()}
	dir := t.TempDir()
	if err := serveCommand().run(context.Background(), env, []string{"--db", filepath.Join(dir, "none.db")}); err == nil ||
		!strings.Contains(err.Error(), "run 'sitrep ingest' first") {
		t.Errorf("missing database: %v", err)
	}
	if err := serveCommand().run(context.Background(), env, []string{"extra"}); !errors.Is(err, errUsage) {
		t.Errorf("extra argument: %v, want a usage error", err)
	}
	db := filepath.Join(dir, "x.db")
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := serveCommand().run(context.Background(), env, []string{"--db", db, "--addr", "256.0.0.1:99999"}); err == nil ||
		!strings.Contains(err.Error(), "listen on") {
		t.Errorf("bad address: %v", err)
	}
}
