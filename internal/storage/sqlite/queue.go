package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// Queue is the store's durable job queue (queue.Backend), in the jobs table beside the data the jobs
// produce. It is a view of the Store (Store.Queue), not a type of its own with its own connections,
// because the Store already has a Counts method of another meaning.
//
// Every change goes through the store's single writer connection in a BEGIN IMMEDIATE transaction, so
// two goroutines never claim the same job; several processes on one file serialise on SQLite's write
// lock (busy timeout). Times are the Go clock in unix milliseconds. Queue calls must not be made from
// inside an Update callback (the writer connection is busy there).
type Queue struct {
	s   *Store
	now func() time.Time
}

var _ queue.Backend = (*Queue)(nil)

// Queue returns the store's job queue.
func (s *Store) Queue() *Queue { return &Queue{s: s, now: time.Now} }

func (q *Queue) nowMs() int64 { return q.now().UnixMilli() }

// write runs fn in one write transaction (BEGIN IMMEDIATE through the writer's DSN).
func (q *Queue) write(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := q.s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: queue: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: queue: commit: %w", err)
	}
	return nil
}

// Enqueue stores jobs, skipping any whose Kind and non-empty Key match a stored job.
func (q *Queue) Enqueue(ctx context.Context, jobs ...queue.Job) (int, error) {
	if len(jobs) == 0 {
		return 0, nil
	}
	for _, j := range jobs {
		if j.Kind == "" {
			return 0, fmt.Errorf("sqlite: enqueue: job without a kind")
		}
	}
	added := 0
	err := q.write(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO jobs (kind, key, payload, run_at, max_attempts, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return fmt.Errorf("sqlite: enqueue: %w", err)
		}
		defer st.Close()
		now := q.nowMs()
		for _, j := range jobs {
			runAt := now
			if !j.RunAt.IsZero() {
				runAt = j.RunAt.UnixMilli()
			}
			maxAttempts := j.MaxAttempts
			if maxAttempts <= 0 {
				maxAttempts = queue.DefaultMaxAttempts
			}
			payload := j.Payload
			if payload == nil {
				payload = []byte{}
			}
			res, err := st.ExecContext(ctx, j.Kind, j.Key, payload, runAt, maxAttempts, now, now)
			if err != nil {
				return fmt.Errorf("sqlite: enqueue %s %q: %w", j.Kind, j.Key, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("sqlite: enqueue: %w", err)
			}
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return added, nil
}

// Claim leases the job due longest among kinds (all when empty) to worker.
func (q *Queue) Claim(ctx context.Context, worker string, lease time.Duration, kinds ...string) (queue.Job, bool, error) {
	var filter string // a JSON array of kinds, '' for every kind
	if len(kinds) > 0 {
		b, err := json.Marshal(kinds)
		if err != nil {
			return queue.Job{}, false, fmt.Errorf("sqlite: claim: %w", err)
		}
		filter = string(b)
	}
	var job queue.Job
	found := false
	err := q.write(ctx, func(tx *sql.Tx) error {
		now := q.nowMs()
		for {
			var runAt int64
			var state string
			err := tx.QueryRowContext(ctx, `SELECT id, kind, key, payload, state, run_at, attempt, max_attempts, last_error FROM jobs
			WHERE state IN ('available', 'running') AND run_at <= ?1
			AND (?2 = '' OR kind IN (SELECT value FROM json_each(?2)))
			ORDER BY run_at, id LIMIT 1`, now, filter).
				Scan(&job.ID, &job.Kind, &job.Key, &job.Payload, &state, &runAt, &job.Attempt, &job.MaxAttempts, &job.LastError)
			if err == sql.ErrNoRows {
				return nil
			}
			if err != nil {
				return fmt.Errorf("sqlite: claim: %w", err)
			}
			if state == string(queue.Running) && job.Attempt >= job.MaxAttempts {
				// Its worker lost the lease on every attempt: a job that kills or hangs its worker
				// must not take the next one down too.
				if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', run_at = ?, updated_at = ?, last_error = ?
				WHERE id = ?`, now, now, queue.LeaseLapsedError(job.Attempt), job.ID); err != nil {
					return fmt.Errorf("sqlite: fail job %d: %w", job.ID, err)
				}
				continue
			}
			_, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', worker = ?, attempt = attempt + 1, run_at = ?,
			updated_at = ? WHERE id = ?`, worker, now+lease.Milliseconds(), now, job.ID)
			if err != nil {
				return fmt.Errorf("sqlite: claim job %d: %w", job.ID, err)
			}
			found = true
			job.Attempt++
			job.RunAt = time.UnixMilli(runAt)
			if len(job.Payload) == 0 {
				job.Payload = nil
			}
			return nil
		}
	})
	if err != nil || !found {
		return queue.Job{}, false, err
	}
	return job, true, nil
}

// held runs an update of a job worker holds; it fails with queue.ErrLeaseLost when the job is not
// running under worker's lease any more.
func (q *Queue) held(ctx context.Context, what string, id int64, worker string, query string, args ...any) error {
	args = append(args, id, worker)
	res, err := q.s.w.ExecContext(ctx, query+` WHERE id = ? AND state = 'running' AND worker = ?`, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %s job %d: %w", what, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s job %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s job %d as %s: %w", what, id, worker, queue.ErrLeaseLost)
	}
	return nil
}

// Extend renews worker's lease on job id.
func (q *Queue) Extend(ctx context.Context, id int64, worker string, lease time.Duration) (bool, error) {
	now := q.nowMs()
	err := q.held(ctx, "extend", id, worker, `UPDATE jobs SET run_at = ?, updated_at = ?`, now+lease.Milliseconds(), now)
	if err != nil {
		if isLeaseLost(err) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// Complete marks a job worker holds as done.
func (q *Queue) Complete(ctx context.Context, id int64, worker string) error {
	now := q.nowMs()
	return q.held(ctx, "complete", id, worker, `UPDATE jobs SET state = 'done', run_at = ?, updated_at = ?`, now, now)
}

// Retry hands a job back to run after delay, or fails it once its attempts are spent.
func (q *Queue) Retry(ctx context.Context, id int64, worker string, delay time.Duration, msg string) error {
	now := q.nowMs()
	return q.held(ctx, "retry", id, worker, `UPDATE jobs SET
		state = CASE WHEN attempt >= max_attempts THEN 'failed' ELSE 'available' END,
		run_at = CASE WHEN attempt >= max_attempts THEN ?1 ELSE ?2 END,
		worker = CASE WHEN attempt >= max_attempts THEN worker ELSE '' END,
		last_error = ?3, updated_at = ?1`, now, now+max(delay, 0).Milliseconds(), msg)
}

// Fail marks a job worker holds as failed for good.
func (q *Queue) Fail(ctx context.Context, id int64, worker string, msg string) error {
	now := q.nowMs()
	return q.held(ctx, "fail", id, worker, `UPDATE jobs SET state = 'failed', run_at = ?1, last_error = ?2,
		updated_at = ?1`, now, msg)
}

// Release hands a job back, due at once, without counting the attempt.
func (q *Queue) Release(ctx context.Context, id int64, worker string) error {
	now := q.nowMs()
	return q.held(ctx, "release", id, worker, `UPDATE jobs SET state = 'available', run_at = ?1, worker = '',
		attempt = max(attempt - 1, 0), updated_at = ?1`, now)
}

// Counts returns how many jobs are in each state, per kind.
func (q *Queue) Counts(ctx context.Context) (map[string]map[queue.State]int, error) {
	rows, err := q.s.r.QueryContext(ctx, `SELECT kind, state, count(*) FROM jobs GROUP BY kind, state`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: job counts: %w", err)
	}
	defer rows.Close()
	out, err := record.JobCounts(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: job counts: %w", err)
	}
	return out, nil
}

// Prune deletes done and failed jobs that finished at least olderThan ago and returns how many it
// deleted. A pruned job's key goes with it: a job of the same kind and key can be enqueued again, so
// keep finished keyed jobs for longer than their source (a feed item) may be seen again.
func (q *Queue) Prune(ctx context.Context, olderThan time.Duration) (int, error) {
	res, err := q.s.w.ExecContext(ctx, `DELETE FROM jobs WHERE state IN ('done', 'failed') AND updated_at <= ?`,
		q.nowMs()-olderThan.Milliseconds())
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune jobs: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune jobs: %w", err)
	}
	return int(n), nil
}

func isLeaseLost(err error) bool { return errors.Is(err, queue.ErrLeaseLost) }
