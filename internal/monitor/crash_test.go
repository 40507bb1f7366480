package monitor

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// crashChildDB, set in a child's environment, names the database TestCrashChild monitors.
const crashChildDB = "SITREP_MONITOR_CRASH_CHILD_DB"

// pacedCoder codes like the real coder but takes a while per document, so that the crash test's
// kill lands while articles remain (the real coder alone codes the seed feed in about half a second).
type pacedCoder struct {
	pipeline.Coder
	pause time.Duration
}

func (c pacedCoder) Code(ctx context.Context, doc document.Document) ([]event.Event, error) {
	select {
	case <-time.After(c.pause):
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return c.Coder.Code(ctx, doc)
}

// TestCrashChild is the monitor process of TestCrashRecovery (re-executed test binary). Run alone,
// without the variable, it has nothing to do.
func TestCrashChild(t *testing.T) {
	db := os.Getenv(crashChildDB)
	if db == "" {
		return // not a child: TestCrashRecovery starts it
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cd, err := loadCoder()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	q := st.Queue()
	r := queue.NewRunner(q, queue.Options{Concurrency: 1, Lease: time.Second, Poll: 50 * time.Millisecond, Grace: 5 * time.Second, Logger: log})
	m := New(Options{
		Feeds: st, Queue: q, Waker: r, Logger: log, Tick: 100 * time.Millisecond,
		Fetcher:  fetcher.New(fetcher.Options{AllowLoopback: true, MinHostDelay: -1}),
		Ingester: pipeline.New(st, pacedCoder{cd, 150 * time.Millisecond}, nil),
	})
	m.Register(r)
	var wg sync.WaitGroup
	wg.Go(func() { m.Schedule(ctx) })
	if err := r.Run(ctx); err != nil {
		t.Error(err)
	}
	wg.Wait()
}

// child is a running TestCrashChild process whose "document stored" log lines are counted.
type child struct {
	cmd    *exec.Cmd
	stored chan int // running count, after each stored document
	logs   *strings.Builder
	mu     *sync.Mutex
	done   chan struct{}
}

func startChild(t *testing.T, db string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildDB+"="+db)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, stored: make(chan int, 100), logs: &strings.Builder{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		n := 0
		for sc.Scan() {
			line := sc.Text()
			c.mu.Lock()
			c.logs.WriteString(line + "\n")
			c.mu.Unlock()
			if strings.Contains(line, `"msg":"document stored"`) {
				n++
				c.stored <- n
			}
		}
	}()
	return c
}

func (c *child) log() string { c.mu.Lock(); defer c.mu.Unlock(); return c.logs.String() }

// wait waits for the process to end and its output to be read.
func (c *child) wait() error {
	err := c.cmd.Wait()
	<-c.done
	return err
}

// TestCrashRecovery: a monitor process polling the seed feed is killed with SIGKILL after it stored
// some but not all of the articles, then restarted on the same database. In the end every article is
// stored once and every event once: the same documents and events as a clean run in one go.
func TestCrashRecovery(t *testing.T) {
	body, err := os.ReadFile(fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss"))
	if err != nil {
		t.Fatal(err)
	}
	var h hits
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.count(r)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	}))
	defer srv.Close()

	ctx := t.Context()
	db := filepath.Join(t.TempDir(), "crash.db")
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	feedURL := srv.URL + "/tag/mali/feed/"
	if _, err := st.AddFeed(ctx, mustFeed(t, feedURL, time.Hour)); err != nil {
		t.Fatal(err)
	}

	// First run: killed after its third stored document.
	c := startChild(t, db)
	select {
	case <-waitCount(c.stored, 3):
	case <-time.After(3 * time.Minute):
		c.cmd.Process.Kill()
		c.wait()
		t.Fatalf("the first run stored no 3 documents in time:\n%s", c.log())
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	c.wait()
	docs, _, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := st.Queue().Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed after %d documents; jobs %v", docs, counts)
	if docs < 3 || docs >= 10 {
		t.Fatalf("%d documents stored when killed: the kill did not land mid-run", docs)
	}

	// Second run: finishes the work, including the article whose job the first run held.
	c = startChild(t, db)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		counts, err := st.Queue().Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if a := counts[KindArticle]; a[queue.Done]+a[queue.Failed] == 10 {
			if a[queue.Failed] != 0 {
				t.Errorf("article jobs %v", a)
			}
			break
		}
		if time.Now().After(deadline) {
			c.cmd.Process.Kill()
			c.wait()
			t.Fatalf("the second run did not finish: jobs %v\n%s", counts, c.log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := c.wait(); err != nil {
		t.Errorf("second run after SIGTERM: %v\n%s", err, c.log())
	}
	if h.get("/tag/mali/feed/") != 1 {
		t.Errorf("feed fetched %d times, want once (the second run has nothing to poll)", h.get("/tag/mali/feed/"))
	}

	// A clean run of the same feed in one go.
	e := newEnv(t, envOptions{withCode: true})
	e.addFeed(feedURL, time.Hour)
	for _, o := range e.pollNow() {
		if o.err != nil {
			t.Fatalf("clean run: %s: %v", o.key, o.err)
		}
	}
	gotDocs, gotEvents := storeContents(t, st)
	wantDocs, wantEvents := storeContents(t, e.st)
	if len(gotDocs) != 10 || !slices.Equal(gotDocs, wantDocs) {
		t.Errorf("documents after the crash:\n%s\nclean run:\n%s", strings.Join(gotDocs, "\n"), strings.Join(wantDocs, "\n"))
	}
	if len(wantEvents) == 0 || !slices.Equal(gotEvents, wantEvents) {
		t.Errorf("events after the crash:\n%s\nclean run:\n%s", strings.Join(gotEvents, "\n"), strings.Join(wantEvents, "\n"))
	}
	t.Logf("%d documents, %d events, as in the clean run", len(gotDocs), len(gotEvents))
}

func waitCount(ch <-chan int, n int) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		for c := range ch {
			if c >= n {
				close(done)
				return
			}
		}
	}()
	return done
}

// storeContents lists a store's documents (id and content hash) and events (what they say and which
// documents report them, without their ids, which depend on the order they were numbered in), sorted.
func storeContents(t *testing.T, st *sqlite.Store) (docs, events []string) {
	t.Helper()
	ctx := t.Context()
	err := st.Events(ctx, event.Filter{}, func(ev event.Event) error {
		var srcs []string
		for _, s := range ev.Sources {
			srcs = append(srcs, s.ID)
			d, err := st.Document(ctx, s.ID)
			if err != nil {
				return err
			}
			docs = append(docs, d.ID+" "+d.ContentHash)
		}
		slices.Sort(srcs)
		events = append(events, fmt.Sprintf("%s %s/%s %s (%s) %d %s %s sources %v", ev.EventDate, ev.EventType, ev.SubEventType,
			ev.Location, ev.Admin1, ev.Fatalities, ev.Actor1, ev.Actor2, srcs))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(events)
	slices.Sort(docs)
	docs = slices.Compact(docs)
	n, _, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(docs) {
		// Documents that report no event are not reached through events: count them all.
		docs = append(docs, fmt.Sprintf("(%d documents stored, %d reached through events)", n, len(docs)))
	}
	return docs, events
}
