package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sitrep-dev/sitrep/internal/storage/record"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// AddFeed subscribes to f.URL, assigning the feed its ID and (when zero) its Created time; a URL
// already subscribed is an error wrapping subscription.ErrExists.
func (s *Store) AddFeed(ctx context.Context, f subscription.Feed) (subscription.Feed, error) {
	if f.URL == "" {
		return f, errors.New("postgres: add feed: empty URL")
	}
	if f.Created.IsZero() {
		f.Created = time.Now()
	}
	f.Created = record.FromNanos(record.Nanos(f.Created)) // as it reads back
	err := s.pool.QueryRow(ctx, `INSERT INTO feeds (url, name, interval_ns, created, etag, last_modified,
			last_polled, next_poll, last_status, last_error, failures, disabled_reason, items)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (url) DO NOTHING RETURNING id`,
		record.FeedValues(f)...).Scan(&f.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("postgres: %s: %w", f.URL, subscription.ErrExists)
	}
	if err != nil {
		return f, fmt.Errorf("postgres: add feed %s: %w", f.URL, err)
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
	var lim *int // NULL: no limit
	if limit > 0 {
		lim = &limit
	}
	return s.queryFeeds(ctx, `SELECT `+record.FeedCols+` FROM feeds
		WHERE disabled_reason = '' AND next_poll <= $1 ORDER BY next_poll, id LIMIT $2`, now.UnixNano(), lim)
}

func (s *Store) queryFeeds(ctx context.Context, q string, args ...any) ([]subscription.Feed, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: feeds: %w", err)
	}
	defer rows.Close()
	out, err := record.All(rows, record.ScanFeed)
	if err != nil {
		return nil, fmt.Errorf("postgres: feeds: %w", err)
	}
	return out, nil
}

// Feed returns the feed with the given ID (storage.ErrNotFound if there is none).
func (s *Store) Feed(ctx context.Context, id int64) (subscription.Feed, error) {
	f, err := record.ScanFeed(s.pool.QueryRow(ctx, `SELECT `+record.FeedCols+` FROM feeds WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("postgres: %w", record.NotFound("feed", strconv.FormatInt(id, 10)))
	}
	if err != nil {
		return f, fmt.Errorf("postgres: feed %d: %w", id, err)
	}
	return f, nil
}

// FeedByURL returns the feed subscribed at exactly url (storage.ErrNotFound if there is none).
func (s *Store) FeedByURL(ctx context.Context, url string) (subscription.Feed, error) {
	f, err := record.ScanFeed(s.pool.QueryRow(ctx, `SELECT `+record.FeedCols+` FROM feeds WHERE url = $1`, url))
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("postgres: %w", record.NotFound("feed", url))
	}
	if err != nil {
		return f, fmt.Errorf("postgres: feed %s: %w", url, err)
	}
	return f, nil
}

// RemoveFeed unsubscribes the feed with the given ID (storage.ErrNotFound if there is none). What it
// brought in stays.
func (s *Store) RemoveFeed(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM feeds WHERE id = $1`, id)
	return oneFeed(tag, err, "remove", id)
}

// UpdateFeed writes f's name, interval and polling state over the stored feed f.ID (storage.ErrNotFound
// if there is none). URL and Created never change.
func (s *Store) UpdateFeed(ctx context.Context, f subscription.Feed) error {
	tag, err := s.pool.Exec(ctx, `UPDATE feeds SET name = $1, interval_ns = $2, etag = $3, last_modified = $4,
			last_polled = $5, next_poll = $6, last_status = $7, last_error = $8, failures = $9, disabled_reason = $10,
			items = $11
		WHERE id = $12`,
		f.Name, int64(f.Interval), f.ETag, f.LastModified, record.Nanos(f.LastPolled), record.Nanos(f.NextPoll),
		f.LastStatus, f.LastError, f.Failures, f.DisabledReason, f.Items, f.ID)
	return oneFeed(tag, err, "update", f.ID)
}

func oneFeed(tag pgconn.CommandTag, err error, op string, id int64) error {
	if err != nil {
		return fmt.Errorf("postgres: %s feed %d: %w", op, id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: %s: %w", op, record.NotFound("feed", strconv.FormatInt(id, 10)))
	}
	return nil
}
