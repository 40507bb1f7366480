package record

import (
	"fmt"
	"time"

	"github.com/sitrep-dev/sitrep/internal/auth"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// FeedCols are the feeds table's columns in the order ScanFeed reads and FeedValues writes them.
const FeedCols = `id, url, name, interval_ns, created, etag, last_modified, last_polled, next_poll,
	last_status, last_error, failures, disabled_reason, items`

// Nanos encodes a time for the feeds and tokens tables: Unix nanoseconds, 0 for the zero time, so
// that due feeds are found by comparing numbers in either database.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// FromNanos decodes Nanos.
func FromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// ScanFeed reads a row of FeedCols.
func ScanFeed(row Scanner) (subscription.Feed, error) {
	var f subscription.Feed
	var interval, created, polled, next int64
	err := row.Scan(&f.ID, &f.URL, &f.Name, &interval, &created, &f.ETag, &f.LastModified, &polled, &next,
		&f.LastStatus, &f.LastError, &f.Failures, &f.DisabledReason, &f.Items)
	if err != nil {
		return f, err
	}
	f.Interval = time.Duration(interval)
	f.Created, f.LastPolled, f.NextPoll = FromNanos(created), FromNanos(polled), FromNanos(next)
	return f, nil
}

// FeedValues are the values of FeedCols after id, for an INSERT.
func FeedValues(f subscription.Feed) []any {
	return []any{f.URL, f.Name, int64(f.Interval), Nanos(f.Created), f.ETag, f.LastModified, Nanos(f.LastPolled),
		Nanos(f.NextPoll), f.LastStatus, f.LastError, f.Failures, f.DisabledReason, f.Items}
}

// ScanToken reads a row of (name, created, last_used) of the tokens table.
func ScanToken(row Scanner) (auth.Token, error) {
	var t auth.Token
	var created, used int64
	if err := row.Scan(&t.Name, &created, &used); err != nil {
		return t, err
	}
	t.Created, t.LastUsed = FromNanos(created), FromNanos(used)
	return t, nil
}

// EditCols are the edits table's columns in the order ScanEdit reads them.
const EditCols = `seq, event_id, field, value, by_whom, at, note`

// ScanEdit reads a row of EditCols; the time is RFC 3339 text in both databases.
func ScanEdit(row Scanner) (event.Edit, error) {
	var e event.Edit
	var at string
	if err := row.Scan(&e.Seq, &e.EventID, &e.Field, &e.Value, &e.By, &at, &e.Note); err != nil {
		return e, err
	}
	var err error
	if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
		return e, fmt.Errorf("edit %d time: %w", e.Seq, err)
	}
	return e, nil
}

// MatchToken walks rows of (name, hash, last_used) of the tokens table for the one whose hash is
// secret's. Every stored hash is compared in constant time, so neither an SQL index nor an early exit
// tells a caller how close a guess came; there are only ever a handful of tokens.
func MatchToken(rows Rows, secret string) (name string, lastUsed time.Time, found bool, err error) {
	want := auth.Hash(secret)
	for rows.Next() {
		var n string
		var hash []byte
		var used int64
		if err := rows.Scan(&n, &hash, &used); err != nil {
			return "", time.Time{}, false, err
		}
		if auth.Equal(hash, want) {
			name, lastUsed, found = n, FromNanos(used), true
		}
	}
	return name, lastUsed, found, rows.Err()
}
