-- +goose Up
-- Analyst edits (internal/pipeline Edit): kept apart from the coded events, which are re-derived from
-- their reports on every merge and re-code, and applied on top each time. No foreign key to events:
-- an edit outlives a merge (its event_id then resolves through event_aliases) and is the audit trail.
CREATE TABLE edits (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so it orders edits for good
    event_id TEXT NOT NULL,
    field    TEXT NOT NULL,
    value    TEXT NOT NULL,
    by_whom  TEXT NOT NULL,
    at       TEXT NOT NULL, -- RFC 3339 UTC
    note     TEXT NOT NULL
) STRICT;
CREATE INDEX edits_event ON edits (event_id, seq);

-- +goose Down
DROP TABLE edits;
