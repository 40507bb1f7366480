package subscription

import (
	"fmt"
	"time"
)

// Listing is a feed as the CLI (sitrep feeds list --json) and the API (GET /api/feeds) show it: the
// interval as a Go duration and in seconds, absent times omitted, and a one-word State.
type Listing struct {
	ID              int64      `json:"id"`
	URL             string     `json:"url"`
	Name            string     `json:"name"`
	Interval        string     `json:"interval"` // time.ParseDuration syntax, as POST /api/feeds takes it
	IntervalSeconds float64    `json:"interval_seconds"`
	Created         time.Time  `json:"created"`
	State           string     `json:"state"` // see Feed.State
	LastPolled      *time.Time `json:"last_polled,omitempty"`
	NextPoll        *time.Time `json:"next_poll,omitempty"`
	LastStatus      int        `json:"last_status,omitempty"`
	LastError       string     `json:"last_error,omitempty"`
	Failures        int        `json:"failures"`
	DisabledReason  string     `json:"disabled_reason,omitempty"`
	Items           int        `json:"items"`
}

// Feed states, from Feed.State.
const (
	StateNew      = "new"      // never polled
	StateOK       = "ok"       // the last poll succeeded
	StateFailing  = "failing"  // the last poll failed; still polled, with backoff
	StateDisabled = "disabled" // not polled until re-enabled
)

// State sums the feed's polling state up in one word.
func (f Feed) State() string {
	switch {
	case f.Disabled():
		return StateDisabled
	case f.Failures > 0 || f.LastError != "":
		return StateFailing
	case f.LastPolled.IsZero():
		return StateNew
	}
	return StateOK
}

// Status describes the feed's state for a table cell: "ok (200)", "failing (3): timeout",
// "disabled: 10 failures in a row: 404 Not Found".
func (f Feed) Status() string {
	switch st := f.State(); st {
	case StateDisabled:
		return st + ": " + f.DisabledReason
	case StateFailing:
		return fmt.Sprintf("%s (%d): %s", st, f.Failures, f.LastError)
	case StateOK:
		if f.LastStatus != 0 {
			return fmt.Sprintf("%s (%d)", st, f.LastStatus)
		}
		return st
	default:
		return st
	}
}

// Listing returns f as listed, times in UTC.
func (f Feed) Listing() Listing {
	l := Listing{
		ID: f.ID, URL: f.URL, Name: f.Name,
		Interval: f.Interval.String(), IntervalSeconds: f.Interval.Seconds(),
		Created: f.Created.UTC(), State: f.State(),
		LastStatus: f.LastStatus, LastError: f.LastError, Failures: f.Failures,
		DisabledReason: f.DisabledReason, Items: f.Items,
	}
	if !f.LastPolled.IsZero() {
		t := f.LastPolled.UTC()
		l.LastPolled = &t
	}
	if !f.NextPoll.IsZero() {
		t := f.NextPoll.UTC()
		l.NextPoll = &t
	}
	return l
}
