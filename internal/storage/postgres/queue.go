package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// Queue is the store's durable job queue (queue.Backend), in the jobs table beside the data the jobs
// produce. It is a view of the Store (Store.Queue) rather than methods of the Store itself because the
// Store already has a Counts method of another meaning.
//
// Claim locks its job with FOR UPDATE SKIP LOCKED, so workers in several processes and machines claim
// different jobs without waiting on each other. Every time is the database server's (now()), so
// workers with skewed clocks agree on leases.
type Queue struct {
	s *Store
}

var _ queue.Backend = (*Queue)(nil)

// Queue returns the store's job queue.
func (s *Store) Queue() *Queue { return &Queue{s: s} }

// micros is d in whole microseconds, PostgreSQL's time resolution, for "$n * interval '1 microsecond'".
func micros(d time.Duration) int64 { return max(d, 0).Microseconds() }

// Enqueue stores jobs, skipping any whose Kind and non-empty Key match a stored job.
func (q *Queue) Enqueue(ctx context.Context, jobs ...queue.Job) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	var b pgx.Batch
	for _, j := range jobs {
		if j.Kind == "" {
			return 0, errors.New("postgres: enqueue: job without a kind")
		}
		var runAt *time.Time // NULL: now() on the server's clock
		if !j.RunAt.IsZero() {
			runAt = &j.RunAt
		}
		maxAttempts := j.MaxAttempts
		if maxAttempts <= 0 {
			maxAttempts = queue.DefaultMaxAttempts
		}
		payload := j.Payload
		if payload == nil {
			payload = []byte{}
		}
		b.Queue(`INSERT INTO jobs (kind, key, payload, run_at, max_attempts)
			VALUES ($1, $2, $3, coalesce($4, now()), $5) ON CONFLICT DO NOTHING`,
			j.Kind, j.Key, payload, runAt, maxAttempts)
	}
	added := 0
	err := pgx.BeginFunc(ctx, q.s.pool, func(tx pgx.Tx) error {
		br := tx.SendBatch(ctx, &b)
		for _, j := range jobs {
			tag, err := br.Exec()
			if err != nil {
				br.Close()
				return fmt.Errorf("postgres: enqueue %s %q: %w", j.Kind, j.Key, err)
			}
			added += int(tag.RowsAffected())
		}
		return br.Close()
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: enqueue: %w", err)
	}
	return added, nil
}

// claimSQL takes the job due longest ($3: kinds, NULL for every kind). SKIP LOCKED passes over a job
// another worker is claiming at this moment instead of waiting for it, and the row lock re-checks the
// WHERE clause against the latest committed row, so a job claimed meanwhile is not claimed twice.
//
// A running job whose lease lapsed on its last attempt is failed instead (its worker died or hung
// every time: it must not take the next worker down too); Claim then looks again.
const claimSQL = `WITH next AS (
	SELECT id, run_at, state = 'running' AND attempt >= max_attempts AS spent FROM jobs
	WHERE state IN ('available', 'running') AND run_at <= now() AND ($3::text[] IS NULL OR kind = ANY ($3))
	ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
UPDATE jobs j SET
	state = CASE WHEN next.spent THEN 'failed' ELSE 'running' END,
	worker = CASE WHEN next.spent THEN j.worker ELSE $1 END,
	attempt = CASE WHEN next.spent THEN j.attempt ELSE j.attempt + 1 END,
	run_at = CASE WHEN next.spent THEN now() ELSE now() + $2::bigint * interval '1 microsecond' END,
	last_error = CASE WHEN next.spent THEN $4 || j.attempt::text || ' attempts' ELSE j.last_error END,
	updated_at = now()
FROM next WHERE j.id = next.id
RETURNING j.id, j.kind, j.key, j.payload, next.run_at, j.attempt, j.max_attempts, j.last_error, next.spent`

// Claim leases the job due longest among kinds (all when empty) to worker.
func (q *Queue) Claim(ctx context.Context, worker string, lease time.Duration, kinds ...string) (queue.Job, bool, error) {
	var filter []string // nil is NULL: every kind
	if len(kinds) > 0 {
		filter = kinds
	}
	var j queue.Job
	for {
		var spent bool
		err := q.s.pool.QueryRow(ctx, claimSQL, worker, micros(lease), filter, queue.LeaseLapsedPrefix).
			Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, &j.RunAt, &j.Attempt, &j.MaxAttempts, &j.LastError, &spent)
		if errors.Is(err, pgx.ErrNoRows) {
			return queue.Job{}, false, nil
		}
		if err != nil {
			return queue.Job{}, false, fmt.Errorf("postgres: claim: %w", err)
		}
		if !spent {
			break
		}
		j = queue.Job{}
	}
	if len(j.Payload) == 0 {
		j.Payload = nil
	}
	return j, true, nil
}

// held runs an update ($1 the job id, $2 the worker) of a job worker holds; it fails with
// queue.ErrLeaseLost when the job is not running under worker's lease any more.
func (q *Queue) held(ctx context.Context, what string, id int64, worker string, set string, args ...any) error {
	args = append([]any{id, worker}, args...)
	tag, err := q.s.pool.Exec(ctx, `UPDATE jobs SET `+set+` WHERE id = $1 AND state = 'running' AND worker = $2`, args...)
	if err != nil {
		return fmt.Errorf("postgres: %s job %d: %w", what, id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %s job %d as %s: %w", what, id, worker, queue.ErrLeaseLost)
	}
	return nil
}

// Extend renews worker's lease on job id.
func (q *Queue) Extend(ctx context.Context, id int64, worker string, lease time.Duration) (bool, error) {
	err := q.held(ctx, "extend", id, worker, `run_at = now() + $3::bigint * interval '1 microsecond', updated_at = now()`,
		micros(lease))
	if errors.Is(err, queue.ErrLeaseLost) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// Complete marks a job worker holds as done.
func (q *Queue) Complete(ctx context.Context, id int64, worker string) error {
	return q.held(ctx, "complete", id, worker, `state = 'done', run_at = now(), updated_at = now()`)
}

// Retry hands a job back to run after delay, or fails it once its attempts are spent.
func (q *Queue) Retry(ctx context.Context, id int64, worker string, delay time.Duration, msg string) error {
	return q.held(ctx, "retry", id, worker, `
		state = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'available' END,
		run_at = CASE WHEN attempt >= max_attempts THEN now() ELSE now() + $3::bigint * interval '1 microsecond' END,
		worker = CASE WHEN attempt >= max_attempts THEN worker ELSE '' END,
		last_error = $4, updated_at = now()`, micros(delay), msg)
}

// Fail marks a job worker holds as failed for good.
func (q *Queue) Fail(ctx context.Context, id int64, worker string, msg string) error {
	return q.held(ctx, "fail", id, worker, `state = 'failed', run_at = now(), last_error = $3, updated_at = now()`, msg)
}

// Release hands a job back, due at once, without counting the attempt.
func (q *Queue) Release(ctx context.Context, id int64, worker string) error {
	return q.held(ctx, "release", id, worker, `state = 'available', run_at = now(), worker = '',
		attempt = greatest(attempt - 1, 0), updated_at = now()`)
}

// Counts returns how many jobs are in each state, per kind.
func (q *Queue) Counts(ctx context.Context) (map[string]map[queue.State]int, error) {
	rows, err := q.s.pool.Query(ctx, `SELECT kind, state, count(*) FROM jobs GROUP BY kind, state`)
	if err != nil {
		return nil, fmt.Errorf("postgres: job counts: %w", err)
	}
	defer rows.Close()
	out, err := record.JobCounts(rows)
	if err != nil {
		return nil, fmt.Errorf("postgres: job counts: %w", err)
	}
	return out, nil
}

// Prune deletes done and failed jobs that finished at least olderThan ago and returns how many it
// deleted. A pruned job's key goes with it: a job of the same kind and key can be enqueued again, so
// keep finished keyed jobs for longer than their source (a feed item) may be seen again.
func (q *Queue) Prune(ctx context.Context, olderThan time.Duration) (int, error) {
	tag, err := q.s.pool.Exec(ctx, `DELETE FROM jobs WHERE state IN ('done', 'failed')
		AND updated_at <= now() - $1::bigint * interval '1 microsecond'`, micros(olderThan))
	if err != nil {
		return 0, fmt.Errorf("postgres: prune jobs: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
