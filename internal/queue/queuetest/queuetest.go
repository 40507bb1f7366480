// Package queuetest is the conformance suite every queue.Backend passes (run from the SQLite and
// PostgreSQL store tests), with a benchmark both stores share. Leases in it are tens of milliseconds
// and every wait polls for a condition with a generous deadline, so a slow machine makes it slower,
// never wrong.
package queuetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/queue"
)

// Pruner is implemented by backends that delete finished jobs (both SQL stores do).
type Pruner interface {
	Prune(ctx context.Context, olderThan time.Duration) (int, error)
}

// shortLease lapses quickly so that tests of lapsed leases need not wait long.
const shortLease = 30 * time.Millisecond

// longLease never lapses during a test.
const longLease = time.Hour

// waitLimit bounds every polling loop: reaching it is a failure, not a timing assertion.
const waitLimit = 30 * time.Second

// Run runs the suite; open returns an empty backend for one test.
func Run(t *testing.T, open func(t *testing.T) queue.Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, q queue.Backend)
	}{
		{"EnqueueClaimComplete", testEnqueueClaimComplete},
		{"Unique", testUnique},
		{"DueTime", testDueTime},
		{"Kinds", testKinds},
		{"Order", testOrder},
		{"LeaseLapse", testLeaseLapse},
		{"LeaseLapsedOnEveryAttempt", testLeaseLapsedOnEveryAttempt},
		{"Extend", testExtend},
		{"Retry", testRetry},
		{"Fail", testFail},
		{"Release", testRelease},
		{"Counts", testCounts},
		{"ConcurrentClaims", testConcurrentClaims},
		{"Prune", testPrune},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

func enqueue(t testing.TB, q queue.Backend, jobs ...queue.Job) int {
	t.Helper()
	n, err := q.Enqueue(context.Background(), jobs...)
	if err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return n
}

func claim(t testing.TB, q queue.Backend, worker string, lease time.Duration, kinds ...string) (queue.Job, bool) {
	t.Helper()
	j, ok, err := q.Claim(context.Background(), worker, lease, kinds...)
	if err != nil {
		t.Fatalf("Claim(%s, %v): %v", worker, kinds, err)
	}
	return j, ok
}

func mustClaim(t testing.TB, q queue.Backend, worker string, lease time.Duration, kinds ...string) queue.Job {
	t.Helper()
	j, ok := claim(t, q, worker, lease, kinds...)
	if !ok {
		t.Fatalf("Claim(%s, %v): nothing due", worker, kinds)
	}
	return j
}

func noClaim(t testing.TB, q queue.Backend, worker string, kinds ...string) {
	t.Helper()
	if j, ok := claim(t, q, worker, longLease, kinds...); ok {
		t.Fatalf("Claim(%s, %v) = job %d %s/%s (attempt %d), want nothing due", worker, kinds, j.ID, j.Kind, j.Key, j.Attempt)
	}
}

// claimEventually polls until worker claims a job (a lease lapsing, a short delay passing).
func claimEventually(t testing.TB, q queue.Backend, worker string, lease time.Duration, kinds ...string) queue.Job {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		if j, ok := claim(t, q, worker, lease, kinds...); ok {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("Claim(%s, %v): nothing due within %v", worker, kinds, waitLimit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func counts(t testing.TB, q queue.Backend) map[string]map[queue.State]int {
	t.Helper()
	c, err := q.Counts(context.Background())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	return c
}

func wantCounts(t testing.TB, q queue.Backend, want map[string]map[queue.State]int) {
	t.Helper()
	got := counts(t, q)
	if !maps.EqualFunc(got, want, maps.Equal) {
		t.Errorf("Counts = %v, want %v", got, want)
	}
}

func wantLost(t testing.TB, what string, err error) {
	t.Helper()
	if !errors.Is(err, queue.ErrLeaseLost) {
		t.Errorf("%s by a worker without the lease: %v, want ErrLeaseLost", what, err)
	}
}

func testEnqueueClaimComplete(t *testing.T, q queue.Backend) {
	ctx := t.Context()
	before := time.Now().Add(-time.Minute)
	if n := enqueue(t, q, queue.Job{Kind: "article", Key: "https://example.org/a", Payload: []byte(`{"url":"https://example.org/a"}`)}); n != 1 {
		t.Fatalf("Enqueue added %d, want 1", n)
	}
	if n := enqueue(t, q); n != 0 {
		t.Errorf("Enqueue() added %d, want 0", n)
	}
	j := mustClaim(t, q, "w1", longLease)
	if j.ID == 0 || j.Kind != "article" || j.Key != "https://example.org/a" || string(j.Payload) != `{"url":"https://example.org/a"}` {
		t.Errorf("claimed %+v, want the enqueued job", j)
	}
	if j.Attempt != 1 || j.MaxAttempts != queue.DefaultMaxAttempts || j.LastError != "" {
		t.Errorf("claimed attempt %d of %d, last error %q; want 1 of %d, none", j.Attempt, j.MaxAttempts, j.LastError, queue.DefaultMaxAttempts)
	}
	if j.RunAt.Before(before) || j.RunAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("RunAt %v: want about now (a zero RunAt is due at once)", j.RunAt)
	}
	noClaim(t, q, "w2")
	wantCounts(t, q, map[string]map[queue.State]int{"article": {queue.Running: 1}})
	wantLost(t, "Complete", q.Complete(ctx, j.ID, "w2"))
	if err := q.Complete(ctx, j.ID, "w1"); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	wantLost(t, "a second Complete", q.Complete(ctx, j.ID, "w1"))
	wantLost(t, "Complete of an unknown job", q.Complete(ctx, j.ID+1000, "w1"))
	noClaim(t, q, "w1")
	wantCounts(t, q, map[string]map[queue.State]int{"article": {queue.Done: 1}})

	// A job without a payload comes back without one.
	enqueue(t, q, queue.Job{Kind: "poll", MaxAttempts: 3})
	j = mustClaim(t, q, "w1", longLease)
	if len(j.Payload) != 0 || j.MaxAttempts != 3 {
		t.Errorf("claimed payload %q, max attempts %d; want none, 3", j.Payload, j.MaxAttempts)
	}
	if _, err := q.Enqueue(ctx, queue.Job{Key: "no kind"}); err == nil {
		t.Errorf("Enqueue of a job without a kind: no error")
	}
}

func testUnique(t *testing.T, q queue.Backend) {
	n := enqueue(t, q,
		queue.Job{Kind: "article", Key: "k1"},
		queue.Job{Kind: "article", Key: "k1"}, // same kind and key: skipped
		queue.Job{Kind: "poll", Key: "k1"},    // another kind: kept
		queue.Job{Kind: "article"},            // no key: never unique
		queue.Job{Kind: "article"},
	)
	if n != 4 {
		t.Errorf("Enqueue added %d, want 4", n)
	}
	if n := enqueue(t, q, queue.Job{Kind: "article", Key: "k1"}, queue.Job{Kind: "article", Key: "k2"}); n != 1 {
		t.Errorf("Enqueue of one stored and one new key added %d, want 1", n)
	}
	// A finished job's key still stops a new one.
	for {
		j, ok := claim(t, q, "w", longLease)
		if !ok {
			break
		}
		if err := q.Complete(t.Context(), j.ID, "w"); err != nil {
			t.Fatal(err)
		}
	}
	if n := enqueue(t, q, queue.Job{Kind: "article", Key: "k1"}, queue.Job{Kind: "poll", Key: "k1"}); n != 0 {
		t.Errorf("Enqueue of done keys added %d, want 0", n)
	}
	wantCounts(t, q, map[string]map[queue.State]int{"article": {queue.Done: 4}, "poll": {queue.Done: 1}})
}

func testDueTime(t *testing.T, q queue.Backend) {
	enqueue(t, q, queue.Job{Kind: "poll", Key: "later", RunAt: time.Now().Add(time.Hour)})
	noClaim(t, q, "w")
	enqueue(t, q, queue.Job{Kind: "poll", Key: "past", RunAt: time.Now().Add(-time.Hour)})
	if j := mustClaim(t, q, "w", longLease); j.Key != "past" {
		t.Errorf("claimed %q, want the due job", j.Key)
	}
	noClaim(t, q, "w")
	// A job due in a moment becomes claimable by itself.
	enqueue(t, q, queue.Job{Kind: "poll", Key: "soon", RunAt: time.Now().Add(50 * time.Millisecond)})
	if j := claimEventually(t, q, "w", longLease); j.Key != "soon" {
		t.Errorf("claimed %q, want soon", j.Key)
	}
}

func testKinds(t *testing.T, q queue.Backend) {
	past := time.Now().Add(-time.Hour)
	enqueue(t, q,
		queue.Job{Kind: "poll", Key: "p", RunAt: past},
		queue.Job{Kind: "article", Key: "a", RunAt: past.Add(time.Second)},
		queue.Job{Kind: "code", Key: "c", RunAt: past.Add(2 * time.Second)},
	)
	noClaim(t, q, "w", "unknown")
	if j := mustClaim(t, q, "w", longLease, "code"); j.Kind != "code" {
		t.Errorf("Claim(code) = %s", j.Kind)
	}
	if j := mustClaim(t, q, "w", longLease, "article", "unknown"); j.Kind != "article" {
		t.Errorf("Claim(article, unknown) = %s", j.Kind)
	}
	noClaim(t, q, "w", "article", "code")
	if j := mustClaim(t, q, "w", longLease); j.Kind != "poll" {
		t.Errorf("Claim() = %s, want poll (every kind)", j.Kind)
	}
}

func testOrder(t *testing.T, q queue.Backend) {
	now := time.Now()
	enqueue(t, q,
		queue.Job{Kind: "k", Key: "2", RunAt: now.Add(-2 * time.Minute)},
		queue.Job{Kind: "k", Key: "4", RunAt: now.Add(-time.Minute)},
		queue.Job{Kind: "k", Key: "1", RunAt: now.Add(-3 * time.Minute)},
	)
	// Equal due times: first enqueued, first claimed.
	enqueue(t, q, queue.Job{Kind: "k", Key: "3a", RunAt: now.Add(-90 * time.Second)})
	enqueue(t, q, queue.Job{Kind: "k", Key: "3b", RunAt: now.Add(-90 * time.Second)})
	var got []string
	for range 5 {
		got = append(got, mustClaim(t, q, "w", longLease).Key)
	}
	if want := []string{"1", "2", "3a", "3b", "4"}; !slices.Equal(got, want) {
		t.Errorf("claim order %v, want %v (longest due first)", got, want)
	}
	// A lapsed lease is due from when it lapsed: after a job due before that.
	enqueue(t, q, queue.Job{Kind: "k", Key: "x"})
	x := mustClaim(t, q, "w", shortLease)
	enqueue(t, q, queue.Job{Kind: "k", Key: "y", RunAt: now.Add(-time.Hour)})
	time.Sleep(3 * shortLease) // set-up: let x's lease lapse
	if j := mustClaim(t, q, "w2", longLease); j.Key != "y" {
		t.Errorf("claimed %q first, want y (due an hour before x's lease lapsed)", j.Key)
	}
	if j := mustClaim(t, q, "w2", longLease); j.ID != x.ID || j.Attempt != 2 {
		t.Errorf("claimed %q attempt %d, want x attempt 2", j.Key, j.Attempt)
	}
}

func testLeaseLapse(t *testing.T, q queue.Backend) {
	ctx := t.Context()
	enqueue(t, q, queue.Job{Kind: "article", Key: "a"})
	j1 := mustClaim(t, q, "w1", shortLease)
	j2 := claimEventually(t, q, "w2", longLease)
	if j2.ID != j1.ID || j2.Attempt != 2 {
		t.Fatalf("reclaimed job %d attempt %d, want job %d attempt 2", j2.ID, j2.Attempt, j1.ID)
	}
	if held, err := q.Extend(ctx, j1.ID, "w1", longLease); err != nil || held {
		t.Errorf("Extend by the worker whose lease lapsed = %v, %v; want false", held, err)
	}
	wantLost(t, "Complete", q.Complete(ctx, j1.ID, "w1"))
	wantLost(t, "Retry", q.Retry(ctx, j1.ID, "w1", 0, "x"))
	wantLost(t, "Fail", q.Fail(ctx, j1.ID, "w1", "x"))
	wantLost(t, "Release", q.Release(ctx, j1.ID, "w1"))
	noClaim(t, q, "w3")
	if err := q.Complete(ctx, j2.ID, "w2"); err != nil {
		t.Fatalf("Complete by the new holder: %v", err)
	}
	wantCounts(t, q, map[string]map[queue.State]int{"article": {queue.Done: 1}})

	// A lapsed lease no one else claimed is still the worker's.
	enqueue(t, q, queue.Job{Kind: "article", Key: "b"})
	j := mustClaim(t, q, "w1", shortLease)
	time.Sleep(3 * shortLease) // set-up: let the lease lapse
	if err := q.Complete(ctx, j.ID, "w1"); err != nil {
		t.Errorf("Complete after an unclaimed lapse: %v", err)
	}
}

// testLeaseLapsedOnEveryAttempt: a job whose worker dies (or hangs) on every attempt is failed once its
// attempts are spent, with a reason, instead of taking down worker after worker forever.
func testLeaseLapsedOnEveryAttempt(t *testing.T, q queue.Backend) {
	enqueue(t, q, queue.Job{Kind: "article", Key: "poison", MaxAttempts: 2},
		queue.Job{Kind: "article", Key: "good", RunAt: time.Now().Add(time.Hour)})
	j1 := mustClaim(t, q, "w1", shortLease)
	j2 := claimEventually(t, q, "w2", shortLease)
	if j2.ID != j1.ID || j2.Attempt != 2 {
		t.Fatalf("reclaimed job %d attempt %d, want job %d attempt 2", j2.ID, j2.Attempt, j1.ID)
	}
	time.Sleep(3 * shortLease) // set-up: let the last lease lapse
	noClaim(t, q, "w3")
	wantCounts(t, q, map[string]map[queue.State]int{"article": {queue.Failed: 1, queue.Available: 1}})
}

func testExtend(t *testing.T, q queue.Backend) {
	ctx := t.Context()
	enqueue(t, q, queue.Job{Kind: "article", Key: "a"})
	j := mustClaim(t, q, "w1", shortLease)
	if held, err := q.Extend(ctx, j.ID, "w2", longLease); err != nil || held {
		t.Errorf("Extend by another worker = %v, %v; want false", held, err)
	}
	if held, err := q.Extend(ctx, j.ID, "w1", longLease); err != nil || !held {
		t.Fatalf("Extend = %v, %v; want held", held, err)
	}
	time.Sleep(3 * shortLease) // set-up: the first lease would have lapsed by now
	noClaim(t, q, "w2")
	// Extending with a short lease shortens it: another worker gets the job once it lapses.
	if held, err := q.Extend(ctx, j.ID, "w1", shortLease); err != nil || !held {
		t.Fatalf("Extend = %v, %v; want held", held, err)
	}
	if j2 := claimEventually(t, q, "w2", longLease); j2.ID != j.ID || j2.Attempt != 2 {
		t.Errorf("reclaimed job %d attempt %d, want %d attempt 2", j2.ID, j2.Attempt, j.ID)
	}
	if held, err := q.Extend(ctx, j.ID+1000, "w1", longLease); err != nil || held {
		t.Errorf("Extend of an unknown job = %v, %v; want false", held, err)
	}
}

func testRetry(t *testing.T, q queue.Backend) {
	ctx := t.Context()
	enqueue(t, q, queue.Job{Kind: "article", Key: "later", MaxAttempts: 5})
	j := mustClaim(t, q, "w", longLease)
	wantLost(t, "Retry", q.Retry(ctx, j.ID, "other", 0, "x"))
	if err := q.Retry(ctx, j.ID, "w", time.Hour, "timeout"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	noClaim(t, q, "w") // the delay holds it back
	wantCounts(t, q, map[string]map[queue.State]int{"article": {queue.Available: 1}})

	enqueue(t, q, queue.Job{Kind: "article", Key: "soon", MaxAttempts: 3})
	j = mustClaim(t, q, "w", longLease)
	if err := q.Retry(ctx, j.ID, "w", 20*time.Millisecond, "first"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	j = claimEventually(t, q, "w", longLease)
	if j.Key != "soon" || j.Attempt != 2 || j.LastError != "first" {
		t.Errorf("retried job %s attempt %d last error %q, want soon attempt 2 \"first\"", j.Key, j.Attempt, j.LastError)
	}
	if err := q.Retry(ctx, j.ID, "w", 0, "second"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	j = mustClaim(t, q, "w", longLease)
	if j.Attempt != 3 || j.LastError != "second" {
		t.Errorf("attempt %d last error %q, want 3 \"second\"", j.Attempt, j.LastError)
	}
	// The last attempt spent: Retry fails the job.
	if err := q.Retry(ctx, j.ID, "w", 0, "third"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	noClaim(t, q, "w")
	wantLost(t, "Complete of a failed job", q.Complete(ctx, j.ID, "w"))
	wantCounts(t, q, map[string]map[queue.State]int{"article": {queue.Available: 1, queue.Failed: 1}})
}

func testFail(t *testing.T, q queue.Backend) {
	ctx := t.Context()
	enqueue(t, q, queue.Job{Kind: "article", Key: "a"})
	j := mustClaim(t, q, "w", longLease)
	wantLost(t, "Fail", q.Fail(ctx, j.ID, "other", "x"))
	if err := q.Fail(ctx, j.ID, "w", "404 not found"); err != nil {
		t.Fatalf("Fail: %v", err)
	}
	noClaim(t, q, "w")
	wantCounts(t, q, map[string]map[queue.State]int{"article": {queue.Failed: 1}})
	if n := enqueue(t, q, queue.Job{Kind: "article", Key: "a"}); n != 0 {
		t.Errorf("Enqueue of a failed job's key added %d, want 0", n)
	}
}

func testRelease(t *testing.T, q queue.Backend) {
	ctx := t.Context()
	enqueue(t, q, queue.Job{Kind: "article", Key: "a"})
	j := mustClaim(t, q, "w1", longLease)
	wantLost(t, "Release", q.Release(ctx, j.ID, "other"))
	if err := q.Release(ctx, j.ID, "w1"); err != nil {
		t.Fatalf("Release: %v", err)
	}
	j = mustClaim(t, q, "w2", longLease) // due at once, to anyone
	if j.Attempt != 1 {
		t.Errorf("attempt after Release %d, want 1 (a released attempt does not count)", j.Attempt)
	}
	if err := q.Retry(ctx, j.ID, "w2", 0, "oops"); err != nil {
		t.Fatal(err)
	}
	j = mustClaim(t, q, "w1", longLease)
	if err := q.Release(ctx, j.ID, "w1"); err != nil {
		t.Fatal(err)
	}
	j = mustClaim(t, q, "w1", longLease)
	if j.Attempt != 2 || j.LastError != "oops" {
		t.Errorf("after Retry and Release: attempt %d, last error %q; want 2, oops", j.Attempt, j.LastError)
	}
}

func testCounts(t *testing.T, q queue.Backend) {
	ctx := t.Context()
	wantCounts(t, q, map[string]map[queue.State]int{})
	var jobs []queue.Job
	for i := range 6 {
		jobs = append(jobs, queue.Job{Kind: "article", Key: fmt.Sprint(i)})
	}
	jobs = append(jobs, queue.Job{Kind: "poll", RunAt: time.Now().Add(time.Hour)})
	enqueue(t, q, jobs...)
	var claimed []queue.Job
	for range 4 {
		claimed = append(claimed, mustClaim(t, q, "w", longLease, "article"))
	}
	if err := q.Complete(ctx, claimed[0].ID, "w"); err != nil {
		t.Fatal(err)
	}
	if err := q.Fail(ctx, claimed[1].ID, "w", "x"); err != nil {
		t.Fatal(err)
	}
	if err := q.Retry(ctx, claimed[2].ID, "w", time.Hour, "x"); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, q, map[string]map[queue.State]int{
		"article": {queue.Available: 3, queue.Running: 1, queue.Done: 1, queue.Failed: 1},
		"poll":    {queue.Available: 1},
	})
}

// testConcurrentClaims: 8 claimers drain 500 jobs; each job is claimed exactly once.
func testConcurrentClaims(t *testing.T, q queue.Backend) {
	drain(t, []queue.Backend{q}, 8, 500)
}

// Shared checks that backends sharing one database (worker processes) claim each of jobs jobs exactly
// once between them, with four claimers each.
func Shared(t *testing.T, backends []queue.Backend, jobs int) {
	drain(t, backends, 4, jobs)
}

// drain enqueues jobs jobs through the first backend and has claimers goroutines per backend claim
// and complete them until none is due, checking that each is claimed exactly once.
func drain(t *testing.T, backends []queue.Backend, claimers, jobs int) {
	var batch []queue.Job
	for i := range jobs {
		batch = append(batch, queue.Job{Kind: "article", Key: fmt.Sprint(i), Payload: fmt.Appendf(nil, "%d", i)})
	}
	if n := enqueue(t, backends[0], batch...); n != jobs {
		t.Fatalf("Enqueue added %d, want %d", n, jobs)
	}
	ctx := t.Context()
	var mu sync.Mutex
	seen := map[int64]string{}
	var wg sync.WaitGroup
	errs := make(chan error, claimers*len(backends))
	for b, q := range backends {
		for w := range claimers {
			worker := fmt.Sprintf("b%d-w%d", b, w)
			wg.Go(func() {
				for {
					j, ok, err := q.Claim(ctx, worker, longLease, "article")
					if err != nil {
						errs <- err
						return
					}
					if !ok {
						return
					}
					mu.Lock()
					if prev, dup := seen[j.ID]; dup {
						mu.Unlock()
						errs <- fmt.Errorf("job %d claimed by %s and %s", j.ID, prev, worker)
						return
					}
					seen[j.ID] = worker
					mu.Unlock()
					if err := q.Complete(ctx, j.ID, worker); err != nil {
						errs <- err
						return
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(seen) != jobs {
		t.Errorf("%d jobs claimed, want %d", len(seen), jobs)
	}
	wantCounts(t, backends[0], map[string]map[queue.State]int{"article": {queue.Done: jobs}})
}

func testPrune(t *testing.T, q queue.Backend) {
	p, ok := q.(Pruner)
	if !ok {
		t.Fatalf("%T has no Prune method", q)
	}
	ctx := t.Context()
	enqueue(t, q, queue.Job{Kind: "a", Key: "done"}, queue.Job{Kind: "a", Key: "failed"},
		queue.Job{Kind: "a", Key: "running"}, queue.Job{Kind: "a", Key: "waiting", RunAt: time.Now().Add(time.Hour)})
	for _, finish := range []func(id int64) error{
		func(id int64) error { return q.Complete(ctx, id, "w") },
		func(id int64) error { return q.Fail(ctx, id, "w", "x") },
	} {
		if err := finish(mustClaim(t, q, "w", longLease).ID); err != nil {
			t.Fatal(err)
		}
	}
	mustClaim(t, q, "w", longLease)
	if n, err := p.Prune(ctx, time.Hour); err != nil || n != 0 {
		t.Errorf("Prune(1h) = %d, %v; want 0 (nothing finished that long ago)", n, err)
	}
	total := 0
	deadline := time.Now().Add(waitLimit)
	for total < 2 && time.Now().Before(deadline) {
		n, err := p.Prune(ctx, 10*time.Millisecond)
		if err != nil {
			t.Fatalf("Prune: %v", err)
		}
		total += n
		time.Sleep(5 * time.Millisecond)
	}
	if total != 2 {
		t.Fatalf("Prune removed %d jobs, want the 2 finished ones", total)
	}
	wantCounts(t, q, map[string]map[queue.State]int{"a": {queue.Available: 1, queue.Running: 1}})
	// The pruned jobs' keys are free again; the others' are not.
	if n := enqueue(t, q, queue.Job{Kind: "a", Key: "done"}, queue.Job{Kind: "a", Key: "failed"},
		queue.Job{Kind: "a", Key: "running"}, queue.Job{Kind: "a", Key: "waiting"}); n != 2 {
		t.Errorf("Enqueue after Prune added %d, want 2", n)
	}
}

// BenchClaimComplete measures one job's round trip through q: Claim, then Complete. The queue holds
// done jobs (as a live one does) and a backlog refilled outside the timer.
func BenchClaimComplete(b *testing.B, q queue.Backend) {
	ctx := b.Context()
	fill := func(n int, prefix string) {
		batch := make([]queue.Job, 0, n)
		for i := range n {
			batch = append(batch, queue.Job{Kind: "article", Key: fmt.Sprintf("%s%d", prefix, i), Payload: []byte(`{"url":"https://example.org/a"}`)})
		}
		if _, err := q.Enqueue(ctx, batch...); err != nil {
			b.Fatal(err)
		}
	}
	round := 0
	for b.Loop() {
		j, ok, err := q.Claim(ctx, "bench", time.Minute, "article")
		if err != nil {
			b.Fatal(err)
		}
		if !ok {
			b.StopTimer()
			round++
			fill(1000, fmt.Sprintf("r%d-", round))
			b.StartTimer()
			continue
		}
		if err := q.Complete(ctx, j.ID, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
