-- +goose Up
-- Feed subscriptions (internal/subscription) and their polling state. Times are Unix nanoseconds, 0
-- for "never" / "due now", so that DueFeeds compares numbers (RFC 3339 text with a varying number of
-- fraction digits does not sort).
CREATE TABLE feeds (
    id              INTEGER PRIMARY KEY AUTOINCREMENT, -- AUTOINCREMENT: a removed feed's id is never reused
    url             TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    interval_ns     INTEGER NOT NULL,
    created         INTEGER NOT NULL,
    etag            TEXT NOT NULL DEFAULT '',
    last_modified   TEXT NOT NULL DEFAULT '',
    last_polled     INTEGER NOT NULL DEFAULT 0,
    next_poll       INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    failures        INTEGER NOT NULL DEFAULT 0,
    disabled_reason TEXT NOT NULL DEFAULT '',
    items           INTEGER NOT NULL DEFAULT 0
) STRICT;
-- The monitor's question: which enabled feeds are due, oldest first.
CREATE INDEX feeds_due ON feeds (next_poll, id) WHERE disabled_reason = '';

-- API tokens (internal/auth): only the SHA-256 of each secret.
CREATE TABLE tokens (
    name      TEXT PRIMARY KEY,
    hash      BLOB NOT NULL UNIQUE,
    created   INTEGER NOT NULL,
    last_used INTEGER NOT NULL DEFAULT 0
) STRICT;

-- +goose Down
DROP TABLE tokens;
DROP INDEX feeds_due;
DROP TABLE feeds;
