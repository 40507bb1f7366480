package queuetest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/queue"
)

// RunRunner checks queue.Runner on the backend open returns: jobs run, retries with backoff,
// permanent failures, panics, graceful shutdown, a lost lease.
func RunRunner(t *testing.T, open func(t *testing.T) queue.Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, q queue.Backend)
	}{
		{"JobsRun", testRunnerJobsRun},
		{"Wake", testRunnerWake},
		{"Retry", testRunnerRetry},
		{"RetryAfter", testRunnerRetryAfter},
		{"Permanent", testRunnerPermanent},
		{"Panic", testRunnerPanic},
		{"Shutdown", testRunnerShutdown},
		{"LeaseLost", testRunnerLeaseLost},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// start runs r until the test ends (or stop is called) and returns stop, which cancels Run and waits
// for it to return.
func start(t *testing.T, r *queue.Runner) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(waitLimit):
				t.Errorf("Run did not return within %v of its context's end", waitLimit)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitUntil polls cond until it holds, failing the test after waitLimit.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", waitLimit, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitCounts polls until the backend's counts of kind are want.
func waitCounts(t testing.TB, q queue.Backend, kind string, want map[queue.State]int) {
	t.Helper()
	var last map[queue.State]int
	deadline := time.Now().Add(waitLimit)
	for {
		last = counts(t, q)[kind]
		if fmt.Sprint(last) == fmt.Sprint(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("counts of %s: %v after %v, want %v", kind, last, waitLimit, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// fastOptions are runner options for tests: quick polls, no real backoff.
func fastOptions(worker string) queue.Options {
	return queue.Options{
		Worker:      worker,
		Concurrency: 3,
		Lease:       time.Minute,
		Poll:        10 * time.Millisecond,
		Grace:       time.Minute,
		Backoff:     func(int) time.Duration { return 0 },
		Logger:      slog.New(slog.DiscardHandler), // the runner logs after tests end
	}
}

func testRunnerJobsRun(t *testing.T, q queue.Backend) {
	var mu sync.Mutex
	ran := map[string]int{}
	var observed atomic.Int64
	opts := fastOptions("jobs")
	opts.Observe = func(kind string, d time.Duration, err error) {
		if err != nil || d < 0 || (kind != "a" && kind != "b") {
			t.Errorf("Observe(%s, %v, %v)", kind, d, err)
		}
		observed.Add(1)
	}
	r := queue.NewRunner(q, opts)
	if r.Worker() != "jobs" {
		t.Errorf("Worker() = %q", r.Worker())
	}
	handler := func(ctx context.Context, j queue.Job) error {
		mu.Lock()
		defer mu.Unlock()
		ran[j.Kind+":"+string(j.Payload)]++
		return nil
	}
	r.Handle("a", handler)
	r.Handle("b", handler)
	var jobs []queue.Job
	for i := range 20 {
		for _, kind := range []string{"a", "b", "unknown"} {
			jobs = append(jobs, queue.Job{Kind: kind, Payload: fmt.Appendf(nil, "%d", i)})
		}
	}
	enqueue(t, q, jobs...)
	stop := start(t, r)
	waitCounts(t, q, "a", map[queue.State]int{queue.Done: 20})
	if err := r.Run(t.Context()); err == nil {
		t.Errorf("a second Run of a running runner: no error")
	}
	waitCounts(t, q, "b", map[queue.State]int{queue.Done: 20})
	stop()
	mu.Lock()
	defer mu.Unlock()
	if len(ran) != 40 {
		t.Errorf("%d distinct jobs ran, want 40", len(ran))
	}
	for k, n := range ran {
		if n != 1 {
			t.Errorf("job %s ran %d times", k, n)
		}
	}
	if n := observed.Load(); n != 40 {
		t.Errorf("Observe called %d times, want 40", n)
	}
	// A kind without a handler is never claimed.
	waitCounts(t, q, "unknown", map[queue.State]int{queue.Available: 20})

	if err := queue.NewRunner(q, queue.Options{}).Run(t.Context()); err == nil {
		t.Errorf("Run without handlers: no error")
	}
}

func testRunnerWake(t *testing.T, q queue.Backend) {
	opts := fastOptions("wake")
	opts.Poll = time.Hour // only Wake can make it look again
	r := queue.NewRunner(q, opts)
	r.Handle("a", func(context.Context, queue.Job) error { return nil })
	start(t, r)
	for i := range 3 {
		// The runner's first look may come before or after the first job: either way the job must run.
		enqueue(t, q, queue.Job{Kind: "a", Key: fmt.Sprint(i)})
		r.Wake()
		waitCounts(t, q, "a", map[queue.State]int{queue.Done: i + 1})
	}
}

func testRunnerRetry(t *testing.T, q queue.Backend) {
	var mu sync.Mutex
	var attempts, backoffs []int
	var lastErrors []string
	opts := fastOptions("retry")
	opts.Backoff = func(attempt int) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		backoffs = append(backoffs, attempt)
		return 20 * time.Millisecond
	}
	r := queue.NewRunner(q, opts)
	r.Handle("flaky", func(ctx context.Context, j queue.Job) error {
		mu.Lock()
		defer mu.Unlock()
		attempts = append(attempts, j.Attempt)
		lastErrors = append(lastErrors, j.LastError)
		if j.Attempt < 3 {
			return fmt.Errorf("flaky %d", j.Attempt)
		}
		return nil
	})
	r.Handle("broken", func(ctx context.Context, j queue.Job) error { return errors.New("always") })
	enqueue(t, q, queue.Job{Kind: "flaky"})
	start(t, r)
	waitCounts(t, q, "flaky", map[queue.State]int{queue.Done: 1})
	mu.Lock()
	if fmt.Sprint(attempts) != "[1 2 3]" || fmt.Sprint(backoffs) != "[1 2]" ||
		fmt.Sprintf("%q", lastErrors) != `["" "flaky 1" "flaky 2"]` {
		t.Errorf("attempts %v, backoffs %v, last errors %q; want [1 2 3], [1 2], \"\" \"flaky 1\" \"flaky 2\"",
			attempts, backoffs, lastErrors)
	}
	mu.Unlock()
	// Attempts spent: failed.
	enqueue(t, q, queue.Job{Kind: "broken", MaxAttempts: 2})
	waitCounts(t, q, "broken", map[queue.State]int{queue.Failed: 1})
}

// testRunnerRetryAfter: a server's Retry-After outlasts the runner's own backoff (none here).
func testRunnerRetryAfter(t *testing.T, q queue.Backend) {
	var mu sync.Mutex
	var attempts []int
	r := queue.NewRunner(q, fastOptions("retry-after"))
	r.Handle("limited", func(ctx context.Context, j queue.Job) error {
		mu.Lock()
		defer mu.Unlock()
		attempts = append(attempts, j.Attempt)
		return queue.RetryAfter(errors.New("429 Too Many Requests"), time.Hour)
	})
	enqueue(t, q, queue.Job{Kind: "limited"})
	stop := start(t, r)
	for deadline := time.Now().Add(waitLimit); ; time.Sleep(5 * time.Millisecond) {
		mu.Lock()
		ran := len(attempts)
		mu.Unlock()
		if ran > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job did not run within %v", waitLimit)
		}
	}
	waitCounts(t, q, "limited", map[queue.State]int{queue.Available: 1})
	stop()
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(attempts) != "[1]" {
		t.Errorf("attempts %v, want [1]: the retry came before the hour the server asked for", attempts)
	}
	noClaim(t, q, "probe")
}

func testRunnerPermanent(t *testing.T, q queue.Backend) {
	var runs atomic.Int64
	r := queue.NewRunner(q, fastOptions("permanent"))
	r.Handle("gone", func(ctx context.Context, j queue.Job) error {
		runs.Add(1)
		return fmt.Errorf("fetch: %w", queue.Permanent(errors.New("404")))
	})
	enqueue(t, q, queue.Job{Kind: "gone"})
	stop := start(t, r)
	waitCounts(t, q, "gone", map[queue.State]int{queue.Failed: 1})
	stop()
	if n := runs.Load(); n != 1 {
		t.Errorf("a permanent failure ran %d times, want once", n)
	}
}

func testRunnerPanic(t *testing.T, q queue.Backend) {
	var last atomic.Value
	r := queue.NewRunner(q, fastOptions("panic"))
	r.Handle("p", func(ctx context.Context, j queue.Job) error {
		if j.Attempt == 1 {
			panic("nil map")
		}
		last.Store(j.LastError)
		return nil
	})
	enqueue(t, q, queue.Job{Kind: "p"})
	start(t, r)
	waitCounts(t, q, "p", map[queue.State]int{queue.Done: 1})
	if s, _ := last.Load().(string); !strings.Contains(s, "panic") || !strings.Contains(s, "nil map") {
		t.Errorf("last error after a panic %q, want the panic", s)
	}
}

// testRunnerShutdown: on shutdown a job that finishes within the grace period completes; one still
// running when it ends is cancelled and released with its attempt uncounted.
func testRunnerShutdown(t *testing.T, q queue.Backend) {
	opts := fastOptions("shutdown")
	opts.Grace = 50 * time.Millisecond
	r := queue.NewRunner(q, opts)
	started := make(chan string, 2)
	finish := make(chan struct{})
	causes := make(chan error, 1)
	r.Handle("quick", func(ctx context.Context, j queue.Job) error {
		started <- "quick"
		<-finish // ignores ctx: it finishes, and its result stands
		return nil
	})
	r.Handle("long", func(ctx context.Context, j queue.Job) error {
		started <- "long"
		<-ctx.Done()
		causes <- context.Cause(ctx)
		return ctx.Err()
	})
	enqueue(t, q, queue.Job{Kind: "quick"}, queue.Job{Kind: "long"})
	stop := start(t, r)
	<-started
	<-started
	go func() {
		time.Sleep(10 * time.Millisecond) // set-up: let the shutdown begin (the result stands either way)
		close(finish)
	}()
	stop() // returns once both jobs are finished or released
	select {
	case err := <-causes:
		if err == nil {
			t.Errorf("long job cancelled without a cause")
		}
	default:
		t.Errorf("Run returned before the long job's handler was cancelled")
	}
	wantCounts(t, q, map[string]map[queue.State]int{"quick": {queue.Done: 1}, "long": {queue.Available: 1}})
	j := mustClaim(t, q, "next", longLease, "long")
	if j.Attempt != 1 {
		t.Errorf("released job's next attempt %d, want 1", j.Attempt)
	}
}

// partitioned is a backend cut off from its database after its first claim, as for a worker whose
// network fails while it runs a job: claims and lease renewals fail; outcomes are only recorded.
type partitioned struct {
	queue.Backend
	mu       sync.Mutex
	cut      bool
	outcomes []string // outcomes the runner tried to record (Complete, Retry, Fail, Release)
}

func (p *partitioned) Claim(ctx context.Context, worker string, lease time.Duration, kinds ...string) (queue.Job, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cut {
		return queue.Job{}, false, errCut
	}
	j, ok, err := p.Backend.Claim(ctx, worker, lease, kinds...)
	p.cut = ok
	return j, ok, err
}

func (p *partitioned) Extend(ctx context.Context, id int64, worker string, lease time.Duration) (bool, error) {
	return false, errCut
}

func (p *partitioned) record(what string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.outcomes = append(p.outcomes, what)
}

var errCut = errors.New("connection refused")

func (p *partitioned) Complete(ctx context.Context, id int64, worker string) error {
	p.record("complete")
	return errCut
}

func (p *partitioned) Retry(ctx context.Context, id int64, worker string, delay time.Duration, msg string) error {
	p.record("retry")
	return errCut
}

func (p *partitioned) Fail(ctx context.Context, id int64, worker string, msg string) error {
	p.record("fail")
	return errCut
}

func (p *partitioned) Release(ctx context.Context, id int64, worker string) error {
	p.record("release")
	return errCut
}

// testRunnerLeaseLost: a runner that cannot renew its lease cancels the handler with ErrLeaseLost
// and records nothing for the job, which another worker then claims.
func testRunnerLeaseLost(t *testing.T, q queue.Backend) {
	p := &partitioned{Backend: q}
	opts := fastOptions("cut-off")
	opts.Lease = 60 * time.Millisecond
	r := queue.NewRunner(p, opts)
	causes := make(chan error, 1)
	r.Handle("article", func(ctx context.Context, j queue.Job) error {
		<-ctx.Done()
		causes <- context.Cause(ctx)
		return ctx.Err()
	})
	enqueue(t, q, queue.Job{Kind: "article"})
	stop := start(t, r)
	select {
	case err := <-causes:
		if !errors.Is(err, queue.ErrLeaseLost) {
			t.Errorf("handler cancelled with %v, want ErrLeaseLost", err)
		}
	case <-time.After(waitLimit):
		t.Fatalf("handler not cancelled within %v of its lease lapsing", waitLimit)
	}
	stop()
	j := claimEventually(t, q, "other", longLease, "article")
	if j.Attempt != 2 {
		t.Errorf("reclaimed at attempt %d, want 2", j.Attempt)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.outcomes) != 0 {
		t.Errorf("the worker that lost its lease recorded %v, want nothing", p.outcomes)
	}
}

// RunShared checks that runners on backends sharing one database (worker processes on several
// machines) run each of jobs jobs exactly once between them.
func RunShared(t *testing.T, backends []queue.Backend, jobs int) {
	var mu sync.Mutex
	ran := map[int64]int{}
	var batch []queue.Job
	for i := range jobs {
		batch = append(batch, queue.Job{Kind: "article", Key: fmt.Sprint(i)})
	}
	if n := enqueue(t, backends[0], batch...); n != jobs {
		t.Fatalf("Enqueue added %d, want %d", n, jobs)
	}
	var stops []func()
	for i, q := range backends {
		opts := fastOptions(fmt.Sprintf("runner%d", i))
		opts.Concurrency = 4
		r := queue.NewRunner(q, opts)
		r.Handle("article", func(ctx context.Context, j queue.Job) error {
			mu.Lock()
			defer mu.Unlock()
			ran[j.ID]++
			return nil
		})
		stops = append(stops, start(t, r))
	}
	waitCounts(t, backends[0], "article", map[queue.State]int{queue.Done: jobs})
	for _, stop := range stops {
		stop()
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ran) != jobs {
		t.Errorf("%d jobs ran, want %d", len(ran), jobs)
	}
	for id, n := range ran {
		if n != 1 {
			t.Errorf("job %d ran %d times, want once", id, n)
		}
	}
}
