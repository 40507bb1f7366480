package queue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	mrand "math/rand/v2"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"time"
)

// Handler runs one job. It must be idempotent (a job may run again after a crash) and honour ctx: it
// is cancelled when the job's lease is lost (context.Cause is then ErrLeaseLost) or when a shutdown's
// grace period ends. An error retries the job after a backoff, unless it is Permanent.
type Handler func(ctx context.Context, job Job) error

// Defaults of Options.
const (
	DefaultLease = 5 * time.Minute
	DefaultPoll  = time.Second
	DefaultGrace = 20 * time.Second
)

// backendTimeout bounds one backend call the runner makes outside a handler, so that a hung database
// cannot hold a shutdown for ever.
const backendTimeout = 30 * time.Second

// maxErrorLen bounds the error message stored with a job.
const maxErrorLen = 2000

// Options configure a Runner. Zero values take the defaults.
type Options struct {
	// Worker names this runner in the jobs it holds; default hostname-pid-random. Each of its
	// Concurrency slots claims as Worker/n, so a slot never mistakes a job another slot reclaimed for
	// its own.
	Worker string
	// Concurrency is how many jobs run at once (default 1).
	Concurrency int
	// Lease is how long a claimed job stays with this runner without renewal (default 5 min); it is
	// renewed every Lease/3 while the handler runs.
	Lease time.Duration
	// Poll is how long an idle slot waits before looking for due jobs again (default 1 s); Wake ends
	// the wait at once.
	Poll time.Duration
	// Grace is how long running jobs may go on after Run's context is done before their handlers are
	// cancelled and the jobs released (default 20 s; negative: release at once).
	Grace time.Duration
	// Backoff is the delay before retrying a job whose attempt (1 for the first) failed; default
	// DefaultBackoff.
	Backoff func(attempt int) time.Duration
	// Logger receives the runner's logs (default slog.Default()).
	Logger *slog.Logger
	// Observe, if set, is called after every handler run with the job's kind, the run's duration and
	// the handler's error (for metrics).
	Observe func(kind string, d time.Duration, err error)
}

// Runner claims jobs of the kinds it has handlers for, runs them and records their outcome.
type Runner struct {
	b    Backend
	opts Options
	log  *slog.Logger

	mu       sync.Mutex
	handlers map[string]Handler
	wake     chan struct{} // closed (and replaced) by Wake
	running  bool          // one Run at a time: two would share slot names
}

// NewRunner returns a runner of jobs stored in b.
func NewRunner(b Backend, opts Options) *Runner {
	if opts.Worker == "" {
		opts.Worker = defaultWorker()
	}
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Poll <= 0 {
		opts.Poll = DefaultPoll
	}
	if opts.Grace == 0 {
		opts.Grace = DefaultGrace
	}
	opts.Grace = max(opts.Grace, 0)
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Runner{
		b:        b,
		opts:     opts,
		log:      opts.Logger.With("worker", opts.Worker),
		handlers: map[string]Handler{},
		wake:     make(chan struct{}),
	}
}

// defaultWorker is hostname-pid-random: unique among workers, and telling where a job runs.
func defaultWorker() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "worker"
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}

// Worker returns the runner's worker name.
func (r *Runner) Worker() string { return r.opts.Worker }

// Handle registers h for jobs of kind. Only kinds with a handler are claimed; handlers registered
// after Run has started take effect at the next Run.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.handlers[kind] = h
}

// Wake makes idle slots look for due jobs at once, for a process that has just enqueued some.
func (r *Runner) Wake() {
	r.mu.Lock()
	defer r.mu.Unlock()
	close(r.wake)
	r.wake = make(chan struct{})
}

func (r *Runner) wakeChan() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.wake
}

// errShutdown is the cause of a handler's cancellation when a shutdown's grace period has ended.
var errShutdown = errors.New("queue: runner shutting down")

// Run claims and runs jobs until ctx is done, then lets running jobs finish for Options.Grace,
// cancels those still running and releases them, and returns nil (graceful shutdown). It returns an
// error at once if no handler is registered or the runner is already running.
func (r *Runner) Run(ctx context.Context) error {
	r.mu.Lock()
	if r.running {
		r.mu.Unlock()
		return errors.New("queue: runner already running")
	}
	handlers := maps.Clone(r.handlers)
	if len(handlers) == 0 {
		r.mu.Unlock()
		return errors.New("queue: runner has no handlers")
	}
	r.running = true
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		r.running = false
		r.mu.Unlock()
	}()
	kinds := slices.Sorted(maps.Keys(handlers))

	// Handlers run under a context that outlives ctx by the grace period.
	jobCtx, cancelJobs := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelJobs(nil)
	finished := make(chan struct{})
	go func() {
		select {
		case <-finished:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(r.opts.Grace)
		defer t.Stop()
		select {
		case <-finished:
		case <-t.C:
			cancelJobs(errShutdown)
		}
	}()

	r.log.InfoContext(ctx, "queue runner started", "kinds", kinds, "concurrency", r.opts.Concurrency)
	var wg sync.WaitGroup
	for i := range r.opts.Concurrency {
		worker := fmt.Sprintf("%s/%d", r.opts.Worker, i)
		wg.Go(func() { r.slot(ctx, jobCtx, worker, kinds, handlers) })
	}
	wg.Wait()
	close(finished)
	r.log.InfoContext(jobCtx, "queue runner stopped")
	return nil
}

// backendCtx is a context for a backend call that must not be cut short by ctx's cancellation (a
// claim or an outcome half-recorded), only by a timeout.
func backendCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), backendTimeout)
}

// slot claims and runs one job at a time until ctx is done.
func (r *Runner) slot(ctx, jobCtx context.Context, worker string, kinds []string, handlers map[string]Handler) {
	for ctx.Err() == nil {
		wake := r.wakeChan()
		cctx, cancel := backendCtx(ctx)
		job, ok, err := r.b.Claim(cctx, worker, r.opts.Lease, kinds...)
		cancel()
		if err != nil {
			r.log.ErrorContext(ctx, "queue: claim", "err", err)
			r.idle(ctx, nil)
			continue
		}
		if !ok {
			r.idle(ctx, wake)
			continue
		}
		if ctx.Err() != nil { // claimed as the shutdown began: hand it straight back
			r.release(jobCtx, job, worker)
			return
		}
		r.run(jobCtx, worker, job, handlers[job.Kind])
	}
}

// idle waits for Poll, a Wake or the end of ctx.
func (r *Runner) idle(ctx context.Context, wake <-chan struct{}) {
	t := time.NewTimer(r.opts.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-wake:
	}
}

// run runs one claimed job and records its outcome.
func (r *Runner) run(jobCtx context.Context, worker string, job Job, h Handler) {
	log := r.log.With("job", job.ID, "kind", job.Kind, "key", job.Key, "attempt", job.Attempt)
	hctx, cancel := context.WithCancelCause(jobCtx)
	defer cancel(nil)
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		r.renew(hctx, cancel, job.ID, worker, stop, log)
	}()

	start := time.Now()
	err := call(hctx, h, job, log)
	d := time.Since(start)
	close(stop)
	<-renewed
	if r.opts.Observe != nil {
		r.opts.Observe(job.Kind, d, err)
	}

	cause := context.Cause(hctx)
	switch {
	case errors.Is(cause, ErrLeaseLost):
		// Another worker may be running the job now: whatever this run produced is dropped.
		log.WarnContext(jobCtx, "queue: lease lost, result dropped", "err", err)
		return
	case errors.Is(cause, errShutdown) && err != nil:
		r.release(jobCtx, job, worker)
		return
	}
	bctx, bcancel := backendCtx(jobCtx)
	defer bcancel()
	var berr error
	switch {
	case err == nil:
		berr = r.b.Complete(bctx, job.ID, worker)
		log.DebugContext(jobCtx, "queue: job done", "duration", d)
	case IsPermanent(err):
		berr = r.b.Fail(bctx, job.ID, worker, truncate(err.Error()))
		log.WarnContext(jobCtx, "queue: job failed for good", "err", err)
	default:
		delay := r.opts.Backoff(job.Attempt)
		if at, ok := retryAfterOf(err); ok && at > delay {
			delay = at
		}
		berr = r.b.Retry(bctx, job.ID, worker, delay, truncate(err.Error()))
		if job.Attempt >= job.MaxAttempts {
			log.WarnContext(jobCtx, "queue: job failed, attempts spent", "err", err)
		} else {
			log.InfoContext(jobCtx, "queue: job failed, will retry", "err", err, "delay", delay)
		}
	}
	if berr != nil {
		// The lease lapses and the job runs again: handlers are idempotent, nothing is lost.
		log.ErrorContext(jobCtx, "queue: recording the job's outcome", "err", berr)
	}
}

// renew extends the lease every Lease/3 until stop is closed. When the backend says the lease is lost,
// or no renewal has succeeded for a whole lease (the database is unreachable, so another worker may
// have the job), the handler's context is cancelled with ErrLeaseLost.
func (r *Runner) renew(ctx context.Context, cancel context.CancelCauseFunc, id int64, worker string, stop <-chan struct{}, log *slog.Logger) {
	lease := r.opts.Lease
	t := time.NewTicker(max(lease/3, time.Millisecond))
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ectx, ecancel := context.WithTimeout(context.WithoutCancel(ctx), lease/3)
		held, err := r.b.Extend(ectx, id, worker, lease)
		ecancel()
		switch {
		case err != nil:
			log.WarnContext(ctx, "queue: renewing a lease", "err", err)
			if time.Since(last) >= lease {
				cancel(fmt.Errorf("job %d: not renewed for %v: %w", id, lease, ErrLeaseLost))
				return
			}
		case !held:
			cancel(fmt.Errorf("job %d: %w", id, ErrLeaseLost))
			return
		default:
			last = time.Now()
		}
	}
}

// release hands a job back without counting its attempt.
func (r *Runner) release(ctx context.Context, job Job, worker string) {
	bctx, cancel := backendCtx(ctx)
	defer cancel()
	if err := r.b.Release(bctx, job.ID, worker); err != nil {
		r.log.ErrorContext(ctx, "queue: releasing a job", "job", job.ID, "err", err)
		return
	}
	r.log.InfoContext(ctx, "queue: job released", "job", job.ID, "kind", job.Kind)
}

// call runs h, turning a panic into an error so that the job is retried like any failure.
func call(ctx context.Context, h Handler, job Job, log *slog.Logger) (err error) {
	defer func() {
		if p := recover(); p != nil {
			log.ErrorContext(ctx, "queue: handler panicked", "panic", p, "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, job)
}

func truncate(msg string) string {
	if len(msg) <= maxErrorLen {
		return msg
	}
	cut := maxErrorLen
	for cut > 0 && msg[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return msg[:cut] + "…"
}

// DefaultBackoff waits 1 s after a first failed attempt, doubling with each further one up to an hour,
// plus up to half as much again at random so that jobs that failed together do not retry together.
func DefaultBackoff(attempt int) time.Duration {
	d := time.Second << min(max(attempt-1, 0), 12)
	d += mrand.N(d/2 + 1)
	return min(d, time.Hour)
}

// permanentError marks an error that retrying cannot cure.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one retrying cannot cure (a page that is gone, a payload that does not
// parse): a handler returning it fails its job at once. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err is, or wraps, an error marked by Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks err as curable by waiting at least d (a server's Retry-After): the runner retries
// the job after d or its own backoff, whichever is longer. RetryAfter(nil, d) is nil.
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err: err, after: d}
}

func retryAfterOf(err error) (time.Duration, bool) {
	var ra *retryAfterError
	if errors.As(err, &ra) {
		return ra.after, true
	}
	return 0, false
}
