package monitor

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader/feed"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// articlePayload is an article job's input: the item as the feed gave it, with what the document
// needs to know of the feed.
type articlePayload struct {
	FeedID   int64      `json:"feed_id"`
	FeedURL  string     `json:"feed_url"`
	Outlet   string     `json:"outlet,omitempty"`
	Language string     `json:"language,omitempty"`
	Found    time.Time  `json:"found"` // when the poll found the item (start of the coding latency)
	Entry    feed.Entry `json:"entry"`
}

// HandlePoll runs a poll job: a conditional GET of the feed, one article job per item, and the
// feed's polling state updated. A failed poll (network, HTTP status, malformed feed) is the feed's
// failure, not the job's: it is counted on the feed, which is backed off and, after
// subscription.MaxFailures in a row, disabled with the reason; the job itself completes. The job is
// retried only when the monitor's own work (the database) fails.
func (m *Monitor) HandlePoll(ctx context.Context, job queue.Job) error {
	var p pollPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return queue.Permanent(fmt.Errorf("poll job payload: %w", err))
	}
	f, err := m.o.Feeds.Feed(ctx, p.FeedID)
	if errors.Is(err, storage.ErrNotFound) {
		m.log.Info("poll skipped: feed removed", "feed", p.FeedID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("load feed %d: %w", p.FeedID, err)
	}
	if f.Disabled() {
		m.log.Info("poll skipped: feed disabled", "feed", f.ID, "disabled", f.DisabledReason)
		return nil
	}
	log := m.log.With("feed", f.ID, "url", f.URL)
	start := m.o.Now()
	resp, ferr := m.o.Fetcher.Fetch(ctx, fetcher.Request{URL: f.URL, ETag: f.ETag, LastModified: f.LastModified, Accept: fetcher.AcceptFeed})
	if ferr != nil && ctx.Err() != nil {
		return ctx.Err() // shutting down: the job is handed back, not counted against the feed
	}
	var (
		ch     feed.Channel
		perr   error
		status int
	)
	if ferr == nil {
		status = resp.Status
		if !resp.NotModified {
			ch, perr = feed.ParseEntries(resp.Body, resp.URL)
			if perr != nil {
				perr = fmt.Errorf("malformed feed: %w", perr)
			}
		}
	} else {
		var fe *fetcher.Error
		if errors.As(ferr, &fe) {
			status = fe.Status
		}
	}

	added := 0
	if ferr == nil && perr == nil && !resp.NotModified {
		jobs, err := articleJobs(f, ch, start)
		if err != nil {
			return err
		}
		if len(jobs) > 0 {
			added, err = m.o.Queue.Enqueue(ctx, jobs...)
			if err != nil {
				return fmt.Errorf("enqueue articles of feed %d: %w", f.ID, err)
			}
		}
		if added > 0 {
			m.wake()
		}
	}

	// Read the feed again so that a user's change made during the fetch (name, interval) is kept.
	cur, err := m.o.Feeds.Feed(ctx, f.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // removed meanwhile: its articles are queued, there is no state to keep
	}
	if err != nil {
		return fmt.Errorf("reload feed %d: %w", f.ID, err)
	}
	now := m.o.Now()
	cur.LastPolled = now
	cur.LastStatus = status
	switch {
	case ferr == nil && perr == nil:
		if resp.NotModified {
			m.o.Observer.FeedPolled("not_modified")
		} else {
			m.o.Observer.FeedPolled("ok")
			// Validators of a 200 replace the old ones; a server that stopped sending them is asked
			// unconditionally from now on.
			cur.ETag, cur.LastModified = resp.ETag, resp.LastModified
		}
		cur.LastError, cur.Failures = "", 0
		cur.Items += added
		cur.NextPoll = now.Add(cur.Interval)
		log.Info("feed polled", "status", status, "not_modified", resp.NotModified, "items", len(ch.Entries), "new", added, "took", now.Sub(start))
	default:
		reason := ferr
		kind := "malformed"
		if ferr != nil {
			kind = fetcher.KindOf(ferr)
		} else {
			reason = perr
		}
		m.o.Observer.FeedPolled("error")
		m.o.Observer.FetchError(kind)
		cur.Failures++
		cur.LastError = reason.Error()
		delay := m.backoff(cur.Interval, cur.Failures, retryAfter(ferr))
		cur.NextPoll = now.Add(delay)
		if cur.Failures >= subscription.MaxFailures {
			cur.DisabledReason = fmt.Sprintf("disabled after %d failed polls in a row; last: %s", cur.Failures, cur.LastError)
			log.Warn("feed disabled", "failures", cur.Failures, "err", reason)
		} else {
			log.Warn("feed poll failed", "kind", kind, "status", status, "failures", cur.Failures, "retry_in", delay, "err", reason)
		}
	}
	if err := m.o.Feeds.UpdateFeed(ctx, cur); err != nil {
		return fmt.Errorf("update feed %d: %w", f.ID, err)
	}
	return nil
}

// backoff is the delay before a feed that failed failures times in a row is polled again:
// exponential from its interval with jitter (fetcher.Backoff), capped at MaxBackoff (but never below
// the interval), and no sooner than a Retry-After the server asked for.
func (m *Monitor) backoff(interval time.Duration, failures int, retryAfter time.Duration) time.Duration {
	ceiling := max(m.o.MaxBackoff, interval)
	d := fetcher.Backoff(failures-1, interval, ceiling, m.o.Rand)
	if d < interval {
		d = interval
	}
	if retryAfter > d {
		d = min(retryAfter, ceiling)
	}
	return d
}

// retryAfter is the Retry-After a 429 or 503 answer carried, if any.
func retryAfter(err error) time.Duration {
	var fe *fetcher.Error
	if errors.As(err, &fe) {
		return fe.RetryAfter
	}
	return 0
}

// articleJobs makes one article job per entry. The key is what identifies the item across polls
// and feeds, so that an item is fetched once however often it is seen: its GUID when that is a URL
// (globally unique), else its link, else its GUID qualified by the feed's host (bare GUIDs such as
// "1234" are unique only within their site), else a hash of its title and text.
func articleJobs(f subscription.Feed, ch feed.Channel, found time.Time) ([]queue.Job, error) {
	outlet := f.Name
	if u, err := url.Parse(f.URL); outlet == "" || err == nil && (outlet == u.Host || outlet == u.Hostname()) {
		// The user gave no name: the feed's own title names the outlet better than its host.
		outlet = ch.Outlet
		if outlet == "" {
			outlet = hostOf(f.URL)
		}
	}
	jobs := make([]queue.Job, 0, len(ch.Entries))
	for _, e := range ch.Entries {
		payload, err := json.Marshal(articlePayload{
			FeedID: f.ID, FeedURL: f.URL, Outlet: outlet, Language: ch.Language, Found: found, Entry: e,
		})
		if err != nil {
			return nil, fmt.Errorf("article job payload: %w", err)
		}
		jobs = append(jobs, queue.Job{Kind: KindArticle, Key: itemKey(f.URL, e), Payload: payload})
	}
	return jobs, nil
}

func itemKey(feedURL string, e feed.Entry) string {
	switch {
	case isHTTPURL(e.GUID):
		return e.GUID
	case e.URL != "":
		return e.URL
	case e.GUID != "":
		return hostOf(feedURL) + "#" + e.GUID
	}
	h := sha256.Sum256([]byte(e.Title + "\x00" + e.Text))
	return hostOf(feedURL) + "#sha:" + hex.EncodeToString(h[:12])
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
