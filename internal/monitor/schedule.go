package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// pollPayload is a poll job's input. The feed's state is read when the job runs, not carried here,
// so that a poll retried later uses the validators and settings of that moment.
type pollPayload struct {
	FeedID int64 `json:"feed_id"`
}

// Schedule enqueues poll jobs for due feeds every Tick until ctx is cancelled; it returns nil then.
// A tick that fails is logged and the next one tries again: a database hiccup must not stop the
// monitor.
func (m *Monitor) Schedule(ctx context.Context) error {
	t := time.NewTicker(m.o.Tick)
	defer t.Stop()
	for {
		if _, err := m.ScheduleDue(ctx); err != nil && ctx.Err() == nil {
			m.log.Error("scheduling due feeds", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// ScheduleDue enqueues one poll job for each feed due now (up to Batch) and moves the feed's NextPoll
// one interval on, so that the next tick does not enqueue it again; the poll itself sets NextPoll
// from when it ran (or backs off). It returns how many jobs were added.
//
// The job's key names the feed and the time it was due, so two schedulers (two monitor processes on
// one PostgreSQL database) or a scheduler restarted between enqueueing and moving NextPoll add the
// poll once. The job is enqueued before NextPoll moves: a crash in between repeats a poll (harmless,
// it is a conditional GET) rather than skipping one.
func (m *Monitor) ScheduleDue(ctx context.Context) (int, error) {
	now := m.o.Now()
	feeds, err := m.o.Feeds.DueFeeds(ctx, now, m.o.Batch)
	if err != nil {
		return 0, fmt.Errorf("due feeds: %w", err)
	}
	added := 0
	for _, f := range feeds {
		due := f.NextPoll
		if due.IsZero() {
			due = now // never polled: a zero key would be taken for good by the feed's first poll
		}
		payload, err := json.Marshal(pollPayload{FeedID: f.ID})
		if err != nil {
			return added, err
		}
		n, err := m.o.Queue.Enqueue(ctx, queue.Job{
			Kind:    KindPoll,
			Key:     fmt.Sprintf("poll:%d:%d", f.ID, due.Unix()),
			Payload: payload,
			// A poll that keeps failing before it reaches the feed (database down) is dropped after a
			// few tries; the feed is due again an interval later anyway.
			MaxAttempts: 3,
		})
		if err != nil {
			return added, fmt.Errorf("enqueue poll of feed %d: %w", f.ID, err)
		}
		added += n
		// Read again so that only NextPoll changes: a poll of this feed may have just written its
		// validators.
		cur, err := m.o.Feeds.Feed(ctx, f.ID)
		if errors.Is(err, storage.ErrNotFound) {
			continue // removed meanwhile: its poll finds nothing to do
		}
		if err != nil {
			return added, fmt.Errorf("move next poll of feed %d: %w", f.ID, err)
		}
		cur.NextPoll = now.Add(cur.Interval)
		if err := m.o.Feeds.UpdateFeed(ctx, cur); err != nil {
			return added, fmt.Errorf("move next poll of feed %d: %w", f.ID, err)
		}
	}
	if added > 0 {
		m.log.Debug("polls scheduled", "feeds", added)
		m.wake()
	}
	return added, nil
}
