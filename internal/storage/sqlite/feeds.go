package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/sitrep-dev/sitrep/internal/storage/record"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// AddFeed subscribes to f.URL, assigning the feed its ID and (when zero) its Created time; a URL
// already subscribed is an error wrapping subscription.ErrExists.
func (s *Store) AddFeed(ctx context.Context, f subscription.Feed) (subscription.Feed, error) {
	if f.URL == "" {
		return f, errors.New("sqlite: add feed: empty URL")
	}
	if f.Created.IsZero() {
		f.Created = time.Now()
	}
	f.Created = record.FromNanos(record.Nanos(f.Created)) // as it reads back
	err := s.w.QueryRowContext(ctx, `INSERT INTO feeds (url, name, interval_ns, created, etag, last_modified,
			last_polled, next_poll, last_status, last_error, failures, disabled_reason, items)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO NOTHING RETURNING id`,
		record.FeedValues(f)...).Scan(&f.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("sqlite: %s: %w", f.URL, subscription.ErrExists)
	}
	if err != nil {
		return f, fmt.Errorf("sqlite: add feed %s: %w", f.URL, err)
	}
	return f, nil
}

// Feeds returns every subscribed feed by ID.
func (s *Store) Feeds(ctx context.Context) ([]subscription.Feed, error) {
	return s.queryFeeds(ctx, `SELECT `+record.FeedCols+` FROM feeds ORDER BY id`)
}

// DueFeeds returns up to limit (every one when limit <= 0) enabled feeds whose NextPoll is not after
// now, the longest due first.
func (s *Store) DueFeeds(ctx context.Context, now time.Time, limit int) ([]subscription.Feed, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	return s.queryFeeds(ctx, `SELECT `+record.FeedCols+` FROM feeds
		WHERE disabled_reason = '' AND next_poll <= ? ORDER BY next_poll, id LIMIT ?`, now.UnixNano(), limit)
}

func (s *Store) queryFeeds(ctx context.Context, q string, args ...any) ([]subscription.Feed, error) {
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: feeds: %w", err)
	}
	defer rows.Close()
	out, err := record.All(rows, record.ScanFeed)
	if err != nil {
		return nil, fmt.Errorf("sqlite: feeds: %w", err)
	}
	return out, nil
}

// Feed returns the feed with the given ID (storage.ErrNotFound if there is none).
func (s *Store) Feed(ctx context.Context, id int64) (subscription.Feed, error) {
	f, err := record.ScanFeed(s.r.QueryRowContext(ctx, `SELECT `+record.FeedCols+` FROM feeds WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("sqlite: %w", record.NotFound("feed", strconv.FormatInt(id, 10)))
	}
	if err != nil {
		return f, fmt.Errorf("sqlite: feed %d: %w", id, err)
	}
	return f, nil
}

// FeedByURL returns the feed subscribed at exactly url (storage.ErrNotFound if there is none).
func (s *Store) FeedByURL(ctx context.Context, url string) (subscription.Feed, error) {
	f, err := record.ScanFeed(s.r.QueryRowContext(ctx, `SELECT `+record.FeedCols+` FROM feeds WHERE url = ?`, url))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("sqlite: %w", record.NotFound("feed", url))
	}
	if err != nil {
		return f, fmt.Errorf("sqlite: feed %s: %w", url, err)
	}
	return f, nil
}

// RemoveFeed unsubscribes the feed with the given ID (storage.ErrNotFound if there is none). What it
// brought in stays.
func (s *Store) RemoveFeed(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM feeds WHERE id = ?`, id)
	return s.oneFeed(res, err, "remove", id)
}

// UpdateFeed writes f's name, interval and polling state over the stored feed f.ID (storage.ErrNotFound
// if there is none). URL and Created never change.
func (s *Store) UpdateFeed(ctx context.Context, f subscription.Feed) error {
	res, err := s.w.ExecContext(ctx, `UPDATE feeds SET name = ?, interval_ns = ?, etag = ?, last_modified = ?,
			last_polled = ?, next_poll = ?, last_status = ?, last_error = ?, failures = ?, disabled_reason = ?,
			items = ?
		WHERE id = ?`,
		f.Name, int64(f.Interval), f.ETag, f.LastModified, record.Nanos(f.LastPolled), record.Nanos(f.NextPoll),
		f.LastStatus, f.LastError, f.Failures, f.DisabledReason, f.Items, f.ID)
	return s.oneFeed(res, err, "update", f.ID)
}

func (s *Store) oneFeed(res sql.Result, err error, op string, id int64) error {
	if err != nil {
		return fmt.Errorf("sqlite: %s feed %d: %w", op, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: %s feed %d: %w", op, id, err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: %s: %w", op, record.NotFound("feed", strconv.FormatInt(id, 10)))
	}
	return nil
}
