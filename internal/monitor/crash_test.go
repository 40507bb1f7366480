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
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres/pgtest"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// pg is the PostgreSQL server of this test binary's tests, started on first use.
var pg pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}

// crashChildDB, set in a child's environment, names the database TestCrashChild monitors: a SQLite
// file or a postgres:// URL.
const crashChildDB = "SITREP_MONITOR_CRASH_CHILD_DB"

// testStore is what the crash tests use of either store.
type testStore interface {
	pipeline.Store
	FeedStore
	AddFeed(ctx context.Context, f subscription.Feed) (subscription.Feed, error)
	Counts(ctx context.Context) (documents, events int, err error)
	Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error
	Document(ctx context.Context, id string) (document.Document, error)
	Close() error
}

// openTestStore opens a SQLite file or a PostgreSQL URL with its job queue.
func openTestStore(ctx context.Context, dsn string) (testStore, queue.Backend, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		st, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			return nil, nil, err
		}
		return st, st.Queue(), nil
	}
	st, err := sqlite.Open(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	return st, st.Queue(), nil
}

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
	st, q, err := openTestStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cd, err := loadCoder()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
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

// child is a running TestCrashChild process and its log.
type child struct {
	cmd  *exec.Cmd
	logs *strings.Builder
	mu   *sync.Mutex
	done chan struct{}
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
	c := &child{cmd: cmd, logs: &strings.Builder{}, mu: &sync.Mutex{}, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			c.mu.Lock()
			c.logs.WriteString(sc.Text() + "\n")
			c.mu.Unlock()
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
// some but not all of the articles, then restarted on the same SQLite database. In the end every
// article is stored once and every event once: the same documents and events as a clean run in one go.
func TestCrashRecovery(t *testing.T) {
	crashRecovery(t, filepath.Join(t.TempDir(), "crash.db"), 1)
}

// TestCrashRecoveryPostgres: two monitor processes share a PostgreSQL database; one is killed with
// SIGKILL mid-run and the other takes over its jobs (the killed one is not restarted). The result is
// again what a clean SQLite run gives.
func TestCrashRecoveryPostgres(t *testing.T) {
	crashRecovery(t, pg.NewDatabase(t), 2)
}

func crashRecovery(t *testing.T, db string, processes int) {
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
	st, q, err := openTestStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	feedURL := srv.URL + "/tag/mali/feed/"
	if _, err := st.AddFeed(ctx, mustFeed(t, feedURL, time.Hour)); err != nil {
		t.Fatal(err)
	}

	// The first process is killed once three documents are stored.
	children := make([]*child, processes)
	for i := range children {
		children[i] = startChild(t, db)
	}
	defer func() {
		for _, c := range children {
			if c.cmd.ProcessState == nil {
				c.cmd.Process.Kill()
				c.wait()
			}
		}
	}()
	victim := children[0]
	for deadline := time.Now().Add(3 * time.Minute); ; {
		if docs, _, err := st.Counts(ctx); err != nil {
			t.Fatal(err)
		} else if docs >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no 3 documents stored in time:\n%s", victim.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	victim.wait()
	docs, _, err := st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := q.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed after %d documents in all; jobs %v", docs, counts)
	if docs < 3 || docs >= 10 {
		t.Fatalf("%d documents stored when killed: the kill did not land mid-run", docs)
	}

	// With one process, a new one is started; with several, the others carry on alone.
	if processes == 1 {
		children = append(children, startChild(t, db))
	}
	rest := children[1:]
	deadline := time.Now().Add(3 * time.Minute)
	for {
		counts, err := q.Counts(ctx)
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
			t.Fatalf("the remaining processes did not finish: jobs %v\n%s", counts, rest[0].log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, c := range rest {
		if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := c.wait(); err != nil {
			t.Errorf("after SIGTERM: %v\n%s", err, c.log())
		}
	}
	if n := h.get("/tag/mali/feed/"); n != 1 {
		t.Errorf("feed fetched %d times, want once (polled once an hour)", n)
	}

	// A clean run of the same feed in one go, on SQLite.
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

// storeContents lists a store's documents (id and content hash) and events (what they say and which
// documents report them, without their ids, which depend on the order they were numbered in), sorted.
func storeContents(t *testing.T, st testStore) (docs, events []string) {
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
