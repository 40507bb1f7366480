-- +goose Up
-- The durable job queue (internal/queue). Times are unix milliseconds from the Go clock.
-- run_at is when the job is next claimable: its due time while available, the end of its lease while
-- running (so a lapsed lease makes it due again with no second column), its last change once done or
-- failed. Done and failed jobs are kept until pruned: a kept key stops a re-polled feed item from being
-- fetched again.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    key          TEXT NOT NULL DEFAULT '',
    payload      BLOB NOT NULL,
    state        TEXT NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'running', 'done', 'failed')),
    run_at       INTEGER NOT NULL,
    attempt      INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    worker       TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;
-- An empty key means "no uniqueness" and must never make two jobs collide.
CREATE UNIQUE INDEX jobs_kind_key ON jobs (kind, key) WHERE key <> '';
-- Claiming walks the claimable jobs in due order; finished jobs stay out of this index.
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state IN ('available', 'running');
-- Prune finds finished jobs by age.
CREATE INDEX jobs_finished ON jobs (updated_at) WHERE state IN ('done', 'failed');

-- +goose Down
DROP TABLE jobs;
