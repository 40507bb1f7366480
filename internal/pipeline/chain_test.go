package pipeline_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// TestNoChaining: one group attacking the same place day after day is many events, though each
// report agrees with the day before's. A merged event's widened dates must not let the next day in,
// or a month of a district's violence becomes one event with hundreds of sources.
func TestNoChaining(t *testing.T) {
	tb := table{}
	var order []string
	start := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	for i := range 12 {
		day := start.AddDate(0, 0, i).Format(time.DateOnly)
		for _, outlet := range []string{"a", "b"} {
			doc := fmt.Sprintf("%s-%02d", outlet, i)
			tb[doc] = []event.Event{battle(doc, day, 2)}
			order = append(order, doc)
		}
	}
	s := ingestAll(t, tb, order)
	events := eventsByID(t, s)
	if len(events) < 6 {
		t.Errorf("%d events from 12 days of attacks, want at least 6 (one per day or two)", len(events))
	}
	for id, e := range events {
		from, to, _ := dedup.Span(e)
		if days := to.Sub(from).Hours() / 24; days > 1 {
			t.Errorf("%s spans %s..%s (%d sources): reports of different days were chained", id,
				from.Format(time.DateOnly), to.Format(time.DateOnly), len(e.Sources))
		}
	}
}
