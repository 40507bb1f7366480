package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
)

// The stores' benchmarks share their data and loops, so that their figures compare.

// BenchCells is how many dedup cells Fill spreads events over.
const BenchCells = 4000

// BenchEvent is a typical coded event: two sources, two claims, four evidence spans, one mention.
// day (0-335) picks its date in 2024.
func BenchEvent(id string, day int) pipeline.Stored {
	date := fmt.Sprintf("2024-%02d-%02d", 1+day/28%12, 1+day%28)
	ev := event.Event{
		EventIDCnty: id, EventDate: date, Year: 2024, TimePrecision: 1,
		DisorderType: event.PoliticalViolence, EventType: event.Battles, SubEventType: "Armed clash",
		Actor1: "Military Forces of Mali (2021-)", AssocActor1: "Wagner Group", Inter1: 1,
		Actor2: "JNIM: Group for Support of Islam and Muslims", Inter2: 2, Interaction: 12,
		ISO: 466, Region: "Western Africa", Country: "Mali", Admin1: "Mopti", Admin2: "Djenne",
		Location: "Sofara", Latitude: 14.0167, Longitude: -4.25, GeoPrecision: 1,
		Source: "Sahel Monitor; Radio Kayira", SourceScale: "National",
		Notes:      "On " + date + ", soldiers and Wagner fighters clashed with JNIM militants near Sofara (Djenne, Mopti). 4 soldiers were killed.",
		Fatalities: 4, Timestamp: 1717200000, FatalitiesLow: 4, FatalitiesHigh: 9,
		Claims: []event.Claim{
			{By: "army", Figure: 4, Kind: "killed", Of: "soldiers", Text: "Four soldiers were killed, the army said.", Source: "doc-a", Start: 100, End: 141},
			{By: "JNIM", Figure: 9, Kind: "killed", Of: "soldiers", Text: "JNIM claimed it killed nine soldiers.", Source: "doc-b", Start: 300, End: 337},
		},
		Sources: []event.Source{
			{ID: "doc-a", URL: "https://example.org/a", Outlet: "Sahel Monitor", Title: "Clash near Sofara", Published: "2024-06-01T10:00:00Z", Language: "en"},
			{ID: "doc-b", URL: "https://example.fr/b", Outlet: "Radio Kayira", Title: "Combats à Sofara", Published: "2024-06-01", Language: "fr"},
		},
		Evidence: []event.Evidence{
			{Field: "event_date", SourceID: "doc-a", Start: 0, End: 60, Text: "Soldiers clashed with militants near Sofara on Saturday."},
			{Field: "location", SourceID: "doc-a", Start: 0, End: 60, Text: "Soldiers clashed with militants near Sofara on Saturday."},
			{Field: "actor2", SourceID: "doc-b", Start: 300, End: 337, Text: "JNIM claimed it killed nine soldiers."},
			{Field: "fatalities", SourceID: "doc-a", Start: 100, End: 141, Text: "Four soldiers were killed, the army said."},
		},
		GeonameID: 2451185, Confidence: 0.7, Status: event.StatusAuto,
	}
	return pipeline.Stored{Event: ev, Mentions: []pipeline.Mention{{DocumentID: "doc-" + id, Event: ev}}}
}

// Fill stores n events (MLI1…) spread over BenchCells cells and about a year of dates, 1000 per
// transaction.
func Fill(b testing.TB, s pipeline.Store, n int) {
	b.Helper()
	ctx := b.Context()
	for start := 0; start < n; start += 1000 {
		err := s.Update(ctx, func(tx pipeline.Tx) error {
			for i := start; i < min(start+1000, n); i++ {
				if err := tx.SaveEvent(ctx, BenchEvent(fmt.Sprintf("MLI%d", i+1), i*7919%336), int64(i%BenchCells)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchNearbyEvents is the dedup candidate lookup on a filled store: 9 cells (a cell and its
// neighbours), a window of a week.
func BenchNearbyEvents(b *testing.B, s pipeline.Store) {
	ctx := b.Context()
	i, found := 0, 0
	for b.Loop() {
		i++
		c := int64(i * 37 % BenchCells)
		cells := []int64{c, c + 1, c + 2, c + 100, c + 101, c + 102, c + 200, c + 201, c + 202}
		day := 1 + i%20
		err := s.Update(ctx, func(tx pipeline.Tx) error {
			got, err := tx.NearbyEvents(ctx, cells, fmt.Sprintf("2024-03-%02d", day), fmt.Sprintf("2024-03-%02d", day+7))
			found += len(got)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(found)/float64(i), "events/op")
}

// BenchEvents streams every event of a store filled with n (with sources, claims and evidence), as
// an export does.
func BenchEvents(b *testing.B, events func(context.Context, event.Filter, func(event.Event) error) error, n int) {
	ctx := b.Context()
	for b.Loop() {
		count := 0
		if err := events(ctx, event.Filter{}, func(event.Event) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
		if count != n {
			b.Fatalf("%d events, want %d", count, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
}
