// Package subscriptiontest is the behaviour every store owes the feed subscriptions: run by the
// SQLite and PostgreSQL store tests so both keep the same contract the monitor, commands and API use.
package subscriptiontest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// Store is a store's feed methods.
type Store interface {
	AddFeed(ctx context.Context, f subscription.Feed) (subscription.Feed, error)
	Feeds(ctx context.Context) ([]subscription.Feed, error)
	Feed(ctx context.Context, id int64) (subscription.Feed, error)
	FeedByURL(ctx context.Context, url string) (subscription.Feed, error)
	RemoveFeed(ctx context.Context, id int64) error
	UpdateFeed(ctx context.Context, f subscription.Feed) error
	DueFeeds(ctx context.Context, now time.Time, limit int) ([]subscription.Feed, error)
}

// Run runs the suite; open returns an empty store for one subtest.
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Run("AddAndRead", func(t *testing.T) { testAddAndRead(t, open(t)) })
	t.Run("Duplicate", func(t *testing.T) { testDuplicate(t, open(t)) })
	t.Run("UpdateState", func(t *testing.T) { testUpdateState(t, open(t)) })
	t.Run("Due", func(t *testing.T) { testDue(t, open(t)) })
	t.Run("Remove", func(t *testing.T) { testRemove(t, open(t)) })
}

func mustNew(t *testing.T, url, name string, interval time.Duration) subscription.Feed {
	t.Helper()
	f, err := subscription.New(url, name, interval)
	if err != nil {
		t.Fatalf("subscription.New(%q): %v", url, err)
	}
	return f
}

func add(t *testing.T, s Store, f subscription.Feed) subscription.Feed {
	t.Helper()
	got, err := s.AddFeed(t.Context(), f)
	if err != nil {
		t.Fatalf("AddFeed(%s): %v", f.URL, err)
	}
	return got
}

// same compares feeds field by field, times with Equal (a store may return another location).
func same(a, b subscription.Feed) error {
	ta := []time.Time{a.Created, a.LastPolled, a.NextPoll}
	tb := []time.Time{b.Created, b.LastPolled, b.NextPoll}
	for i := range ta {
		if !ta[i].Equal(tb[i]) {
			return fmt.Errorf("time %d: %v != %v", i, ta[i], tb[i])
		}
	}
	a.Created, a.LastPolled, a.NextPoll = time.Time{}, time.Time{}, time.Time{}
	b.Created, b.LastPolled, b.NextPoll = time.Time{}, time.Time{}, time.Time{}
	if a != b {
		return fmt.Errorf("%+v\n!= %+v", a, b)
	}
	return nil
}

func ids(fs []subscription.Feed) []int64 {
	var out []int64
	for _, f := range fs {
		out = append(out, f.ID)
	}
	return out
}

func testAddAndRead(t *testing.T, s Store) {
	ctx := t.Context()
	if fs, err := s.Feeds(ctx); err != nil || len(fs) != 0 {
		t.Fatalf("empty store: Feeds = %v, %v", fs, err)
	}
	before := time.Now().Add(-time.Second)
	a := add(t, s, mustNew(t, "https://example.org/feed.xml", "Example", 0))
	b := add(t, s, mustNew(t, "http://news.example.net/rss?x=1", "", 30*time.Second))
	if a.ID == 0 || b.ID == 0 || a.ID == b.ID {
		t.Fatalf("IDs %d, %d: want distinct non-zero", a.ID, b.ID)
	}
	if a.Created.Before(before) || a.Created.After(time.Now().Add(time.Second)) {
		t.Errorf("Created = %v, want about now", a.Created)
	}
	if a.Interval != subscription.DefaultInterval || b.Interval != 30*time.Second || b.Name != "news.example.net" {
		t.Errorf("stored %+v and %+v", a, b)
	}
	all, err := s.Feeds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID > all[1].ID {
		t.Fatalf("Feeds = %v, want both by ID", ids(all))
	}
	for _, want := range []subscription.Feed{a, b} {
		got, err := s.Feed(ctx, want.ID)
		if err != nil {
			t.Fatalf("Feed(%d): %v", want.ID, err)
		}
		if err := same(got, want); err != nil {
			t.Errorf("Feed(%d): %v", want.ID, err)
		}
		got, err = s.FeedByURL(ctx, want.URL)
		if err != nil {
			t.Fatalf("FeedByURL(%s): %v", want.URL, err)
		}
		if err := same(got, want); err != nil {
			t.Errorf("FeedByURL(%s): %v", want.URL, err)
		}
	}
	if _, err := s.Feed(ctx, a.ID+b.ID+100); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Feed(missing) = %v, want storage.ErrNotFound", err)
	}
	if _, err := s.FeedByURL(ctx, "https://example.org/other"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("FeedByURL(missing) = %v, want storage.ErrNotFound", err)
	}
	// A feed whose URL and name carry quotes and non-ASCII text round-trips.
	odd := mustNew(t, "https://example.org/flux?q='a'&b=\"c\"&é=1", "Flux d'actualité « Sahel »", time.Hour)
	odd = add(t, s, odd)
	got, err := s.FeedByURL(ctx, odd.URL)
	if err != nil || same(got, odd) != nil {
		t.Errorf("odd feed: %+v, %v; want %+v", got, err, odd)
	}
}

func testDuplicate(t *testing.T, s Store) {
	ctx := t.Context()
	f := add(t, s, mustNew(t, "https://example.org/feed", "one", 0))
	_, err := s.AddFeed(ctx, mustNew(t, "https://example.org/feed", "two", time.Minute))
	if !errors.Is(err, subscription.ErrExists) {
		t.Fatalf("second AddFeed of one URL = %v, want subscription.ErrExists", err)
	}
	all, err := s.Feeds(ctx)
	if err != nil || len(all) != 1 || all[0].Name != "one" {
		t.Fatalf("after duplicate: %+v, %v", all, err)
	}
	// A removed feed can be subscribed again, under a new ID.
	if err := s.RemoveFeed(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	g := add(t, s, mustNew(t, "https://example.org/feed", "again", 0))
	if g.ID == f.ID {
		t.Errorf("re-subscribed feed reuses ID %d", g.ID)
	}
}

func testUpdateState(t *testing.T, s Store) {
	ctx := t.Context()
	f := add(t, s, mustNew(t, "https://example.org/a", "A", 0))
	other := add(t, s, mustNew(t, "https://example.org/b", "B", 0))
	polled := time.Date(2026, 3, 4, 5, 6, 7, 123456789, time.FixedZone("WAT", 3600))
	f.ETag = `W/"abc"`
	f.LastModified = "Wed, 04 Mar 2026 04:06:07 GMT"
	f.LastPolled = polled
	f.NextPoll = polled.Add(f.Interval)
	f.LastStatus = 503
	f.LastError = "503 Service Unavailable"
	f.Failures = subscription.MaxFailures
	f.DisabledReason = "10 failures in a row: 503 Service Unavailable"
	f.Items = 42
	f.Name = "A renamed"
	f.Interval = 2 * time.Hour
	f.URL = "https://example.org/changed" // URL and Created are not polling state
	created := f.Created
	f.Created = created.Add(time.Hour)
	if err := s.UpdateFeed(ctx, f); err != nil {
		t.Fatalf("UpdateFeed: %v", err)
	}
	got, err := s.Feed(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := f
	want.URL, want.Created = "https://example.org/a", created
	if err := same(got, want); err != nil {
		t.Errorf("after UpdateFeed: %v", err)
	}
	if !got.Disabled() {
		t.Errorf("Disabled() = false after a reason was set")
	}
	if o, err := s.Feed(ctx, other.ID); err != nil || same(o, other) != nil {
		t.Errorf("UpdateFeed touched another feed: %+v, %v", o, err)
	}
	// Re-enabling clears the reason and failures.
	got.DisabledReason, got.Failures = "", 0
	if err := s.UpdateFeed(ctx, got); err != nil {
		t.Fatal(err)
	}
	if g, err := s.Feed(ctx, f.ID); err != nil || g.Disabled() || g.Failures != 0 {
		t.Errorf("re-enabled: %+v, %v", g, err)
	}
	missing := got
	missing.ID = got.ID + other.ID + 100
	if err := s.UpdateFeed(ctx, missing); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("UpdateFeed(missing) = %v, want storage.ErrNotFound", err)
	}
}

func testDue(t *testing.T, s Store) {
	ctx := t.Context()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	mk := func(url string, next time.Time, disabled string) subscription.Feed {
		f := add(t, s, mustNew(t, url, "", time.Minute))
		f.NextPoll, f.DisabledReason = next, disabled
		if err := s.UpdateFeed(ctx, f); err != nil {
			t.Fatal(err)
		}
		return f
	}
	never := mk("https://example.org/never-polled", time.Time{}, "")
	late := mk("https://example.org/late", now.Add(-time.Hour), "")
	exact := mk("https://example.org/exact", now, "")
	_ = mk("https://example.org/future", now.Add(time.Nanosecond), "")
	_ = mk("https://example.org/disabled", now.Add(-2*time.Hour), "gone")
	// The same instant in another zone is just as due.
	zoned := mk("https://example.org/zoned", now.In(time.FixedZone("X", -5*3600)).Add(-time.Minute), "")

	tests := []struct {
		limit int
		want  []int64
	}{
		{0, []int64{never.ID, late.ID, zoned.ID, exact.ID}},
		{10, []int64{never.ID, late.ID, zoned.ID, exact.ID}},
		{2, []int64{never.ID, late.ID}},
		{1, []int64{never.ID}},
	}
	for _, tt := range tests {
		got, err := s.DueFeeds(ctx, now, tt.limit)
		if err != nil {
			t.Fatalf("DueFeeds(limit %d): %v", tt.limit, err)
		}
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("DueFeeds(limit %d) = %v, want %v", tt.limit, ids(got), tt.want)
		}
	}
	if got, err := s.DueFeeds(ctx, now.Add(-3*time.Hour), 0); err != nil || !slices.Equal(ids(got), []int64{never.ID}) {
		t.Errorf("DueFeeds(long ago) = %v, %v; want only the never-polled feed", ids(got), err)
	}
}

func testRemove(t *testing.T, s Store) {
	ctx := t.Context()
	a := add(t, s, mustNew(t, "https://example.org/a", "", 0))
	b := add(t, s, mustNew(t, "https://example.org/b", "", 0))
	if err := s.RemoveFeed(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFeed(ctx, a.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("second RemoveFeed = %v, want storage.ErrNotFound", err)
	}
	if _, err := s.Feed(ctx, a.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Feed(removed) = %v, want storage.ErrNotFound", err)
	}
	all, err := s.Feeds(ctx)
	if err != nil || !slices.Equal(ids(all), []int64{b.ID}) {
		t.Errorf("after remove: %v, %v", ids(all), err)
	}
}
