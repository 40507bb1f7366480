// Package e2e holds the end-to-end test of sitrep's dashboard: the seed articles ingested, served
// by the real `sitrep serve`, and driven in headless Chromium by run.mjs.
package e2e

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

// need reports a missing tool: a skip on a developer machine, a failure under CI=true (where
// .ci/run installs chromium and runs npm ci).
func need(t *testing.T, what string) {
	t.Helper()
	msg := "end-to-end test needs " + what
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func repoRoot(t *testing.T) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatal("go.mod not found above " + d)
		}
	}
}

func TestDashboard(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sitrep and drives a browser; not in -short mode")
	}
	root := repoRoot(t)
	node, err := exec.LookPath("node")
	if err != nil {
		need(t, "node (apt-get install nodejs)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		need(t, "Debian's chromium at "+chromium+" (apt-get install chromium, or set CHROMIUM)")
	}
	if _, err := os.Stat(filepath.Join(root, "web", "node_modules", "playwright-core")); err != nil {
		need(t, "playwright-core in web/node_modules (npm ci --prefix web)")
	}
	seeds := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	goTool, err := exec.LookPath("go")
	if err != nil {
		need(t, "the go command to build sitrep")
	}

	ctx := t.Context()
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "sitrep")
	db := filepath.Join(tmp, "sitrep.db")
	run(t, ctx, root, goTool, "build", "-o", bin, "./cmd/sitrep")
	run(t, ctx, root, bin, "ingest", "--db", db, "--quiet", seeds)

	addr := freeAddr(t)
	serveLog := &bytes.Buffer{}
	srv := exec.Command(bin, "serve", "--db", db, "--addr", addr, "--quiet")
	srv.Stdout, srv.Stderr = serveLog, serveLog
	if err := srv.Start(); err != nil {
		t.Fatalf("start sitrep serve: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = srv.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = srv.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			_ = srv.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("sitrep serve output:\n%s", serveLog)
		}
	})
	base := "http://" + addr + "/"
	page := waitFor(t, base, exited)
	if !strings.HasPrefix(page, "200 ") || !strings.Contains(page, `src="app.js"`) {
		// The dashboard is wired into serve by cmd/sitrep/serve.go's dashboardHandler; until it is,
		// there is nothing to drive (and CI reports the gap).
		need(t, "sitrep serve to mount internal/web.Handler at / (cmd/sitrep/serve.go dashboardHandler); / answered:\n"+page[:min(len(page), 300)])
	}

	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "e2e", "run.mjs"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "SITREP_URL="+base, "CHROMIUM="+chromium,
		"E2E_OUT="+filepath.Join(root, "e2e", "out"))
	out, err := cmd.CombinedOutput()
	t.Logf("run.mjs:\n%s", out)
	if err != nil {
		t.Fatalf("run.mjs: %v", err)
	}
}

func run(t *testing.T, ctx context.Context, dir, name string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}

// freeAddr picks a free loopback port. Another process could take it before sitrep listens; the
// test then fails on the serve log's "address already in use", which is rare enough.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// waitFor polls the server until it answers, and returns the status line and page; it gives up when the
// server exits (its output is logged by the cleanup).
func waitFor(t *testing.T, url string, exited <-chan struct{}) string {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			b, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr == nil {
				return resp.Status + "\n" + string(b)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("sitrep serve did not answer %s within a minute: %v", url, err)
		}
		select {
		case <-exited:
			t.Fatalf("sitrep serve exited before answering %s", url)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
