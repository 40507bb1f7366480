// Package queue is sitrep's durable work queue. Jobs (poll a feed, fetch and code an article) live in
// the database beside the data they produce, so a crash or kill -9 at any moment loses no work: a
// claimed job is leased to one worker for a while, and a job whose lease lapses (its worker died) is
// claimed again by another. Handlers must be idempotent (the pipeline recognises a stored document),
// which is what makes "at least once" delivery code every article exactly once.
//
// The Backend is implemented by each store (internal/storage/sqlite, internal/storage/postgres); the
// Runner here claims jobs, runs their handlers, renews leases and schedules retries.
package queue

import (
	"context"
	"time"
)

// Job is one unit of work.
type Job struct {
	ID   int64
	Kind string // what runs it: a Runner handler name such as "poll" or "article"
	// Key makes a job unique within its Kind: Enqueue skips a job whose Kind and Key match a job already
	// stored, whatever its state. Empty means no uniqueness.
	Key     string
	Payload []byte // the handler's input, JSON by convention
	// RunAt is when the job becomes due; zero means now.
	RunAt time.Time
	// MaxAttempts bounds how often the job runs before it fails for good; zero means DefaultMaxAttempts.
	MaxAttempts int

	// Set by the backend.
	Attempt   int    // attempts started, the current one included (1 on the first run)
	LastError string // the error of the previous attempt, if any
}

// DefaultMaxAttempts is used when a job sets no MaxAttempts.
const DefaultMaxAttempts = 10

// State is where a job is in its life.
type State string

const (
	Available State = "available" // waiting to be due or claimed
	Running   State = "running"   // leased to a worker
	Done      State = "done"      // finished successfully
	Failed    State = "failed"    // gave up after MaxAttempts or a permanent error
)

// Backend stores jobs. Times are the backend's own clock (the database server's for PostgreSQL), so
// workers on machines with skewed clocks agree on leases.
type Backend interface {
	// Enqueue stores jobs, skipping any whose Kind and non-empty Key match a stored job; it returns
	// how many were added.
	Enqueue(ctx context.Context, jobs ...Job) (int, error)
	// Claim leases the job that has been due longest, among kinds (every kind when empty), to worker
	// for lease, counting an attempt. A running job whose lease has lapsed is due again. ok is false
	// when nothing is due.
	Claim(ctx context.Context, worker string, lease time.Duration, kinds ...string) (job Job, ok bool, err error)
	// Extend renews the lease worker holds on job id; held is false if the lease was lost (it lapsed
	// and another worker claimed the job), in which case the worker must drop the job's result.
	Extend(ctx context.Context, id int64, worker string, lease time.Duration) (held bool, err error)
	// Complete marks a job worker holds as done.
	Complete(ctx context.Context, id int64, worker string) error
	// Retry hands a job worker holds back to be run again after delay, recording msg as its error;
	// once its attempts are spent it is failed instead.
	Retry(ctx context.Context, id int64, worker string, delay time.Duration, msg string) error
	// Fail marks a job worker holds as failed for good, recording msg.
	Fail(ctx context.Context, id int64, worker string, msg string) error
	// Release hands a job worker holds back, due at once, without counting the attempt (graceful
	// shutdown).
	Release(ctx context.Context, id int64, worker string) error
	// Counts returns how many jobs are in each state, per kind.
	Counts(ctx context.Context) (map[string]map[State]int, error)
}
