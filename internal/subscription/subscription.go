// Package subscription holds the feeds sitrep monitors: what the user subscribed to (URL, name, poll
// interval) and what the monitor learned polling it (validators for conditional GET, failures, the
// reason it was disabled). The stores keep them; the monitor (internal/monitor) polls them.
package subscription

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Interval bounds: DefaultInterval suits news feeds; intervals of seconds are for local servers and
// tests (per-host politeness still spaces requests out).
const (
	MinInterval     = time.Second
	DefaultInterval = 15 * time.Minute
	MaxInterval     = 7 * 24 * time.Hour
)

// MaxFailures is how many polls in a row may fail before a feed is disabled with its last error as
// the reason.
const MaxFailures = 10

// Feed is one subscription and its polling state.
type Feed struct {
	ID       int64
	URL      string
	Name     string
	Interval time.Duration
	Created  time.Time

	// Polling state, written by the monitor.
	ETag           string    // validator for If-None-Match
	LastModified   string    // validator for If-Modified-Since, as the server sent it
	LastPolled     time.Time // zero: never polled
	NextPoll       time.Time // zero: due now
	LastStatus     int       // HTTP status of the last poll, 0 when it failed before a response
	LastError      string    // the last poll's error, "" after a success
	Failures       int       // consecutive failed polls
	DisabledReason string    // non-empty: not polled until re-enabled
	Items          int       // new items found over its life
}

// Disabled reports whether the monitor has stopped polling the feed.
func (f Feed) Disabled() bool { return f.DisabledReason != "" }

// ErrExists is returned (wrapped) when a feed with the same URL is already subscribed.
var ErrExists = errors.New("feed already subscribed")

// New validates a subscription request: an absolute http(s) URL; interval zero means DefaultInterval.
func New(rawURL, name string, interval time.Duration) (Feed, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return Feed{}, fmt.Errorf("feed URL %q: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return Feed{}, fmt.Errorf("feed URL %q: only http and https feeds can be polled", rawURL)
	}
	if u.Host == "" {
		return Feed{}, fmt.Errorf("feed URL %q: no host", rawURL)
	}
	u.Fragment = ""
	switch {
	case interval == 0:
		interval = DefaultInterval
	case interval < MinInterval:
		return Feed{}, fmt.Errorf("interval %s is below the minimum of %s", interval, MinInterval)
	case interval > MaxInterval:
		return Feed{}, fmt.Errorf("interval %s is above the maximum of %s", interval, MaxInterval)
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = u.Host
	}
	return Feed{URL: u.String(), Name: name, Interval: interval}, nil
}
