package postgres_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
)

// benchEvent is a typical coded event: two sources, two claims, four evidence spans, one mention (the
// SQLite store's benchmark event, so the figures compare).
func benchEvent(id string, day int) pipeline.Stored {
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

const (
	benchCells  = 4000
	benchEvents = 10_000
)

// filled opens a store holding benchEvents events spread over benchCells cells and about a year.
func filled(b *testing.B) *postgres.Store {
	b.Helper()
	s := open(b, postgres.Options{MaxConns: 8})
	ctx := b.Context()
	for start := 0; start < benchEvents; start += 1000 {
		err := s.Update(ctx, func(tx pipeline.Tx) error {
			for i := start; i < min(start+1000, benchEvents); i++ {
				if err := tx.SaveEvent(ctx, benchEvent(fmt.Sprintf("MLI%d", i+1), i*7919%336), int64(i%benchCells)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkSaveEvent is one document's write: a transaction locking a neighbourhood, allocating an id
// and saving one event; workers=4 has four goroutines doing it at once in different cells (ns/op is
// then wall time per event with four writers).
func BenchmarkSaveEvent(b *testing.B) {
	s := filled(b)
	ctx := b.Context()
	var n atomic.Int64
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var next atomic.Int64
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						i := int(n.Add(1))
						err := s.Update(ctx, func(tx pipeline.Tx) error {
							cell := int64(i % benchCells)
							if _, err := tx.NearbyEvents(ctx, []int64{cell, cell + 1}, "2024-03-01", "2024-03-08"); err != nil {
								return err
							}
							id, err := tx.NewEventID(ctx, "MLI")
							if err != nil {
								return err
							}
							return tx.SaveEvent(ctx, benchEvent(id, i%336), cell)
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

// BenchmarkNearbyEvents is the dedup candidate lookup: 9 cells (a cell and its neighbours), a window
// of a week.
func BenchmarkNearbyEvents(b *testing.B) {
	s := filled(b)
	ctx := b.Context()
	i, found := 0, 0
	for b.Loop() {
		i++
		c := int64(i * 37 % benchCells)
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

// BenchmarkEvents streams every event (with sources, claims and evidence), as an export does.
func BenchmarkEvents(b *testing.B) {
	s := filled(b)
	ctx := b.Context()
	for b.Loop() {
		count := 0
		if err := s.Events(ctx, event.Filter{}, func(event.Event) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
		if count != benchEvents {
			b.Fatalf("%d events, want %d", count, benchEvents)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchEvents), "ns/event")
}
