package postgres_test

import (
	"testing"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
)

// TestEditWaitsForNearbyIngest: an edit waits for a transaction placing a report near the event
// (which holds the event's cell from NearbyEvents on), so that transaction cannot save the event
// again without the edit; and the other way round, an open edit holds off a nearby placement.
func TestEditWaitsForNearbyIngest(t *testing.T) {
	s := open(t, postgres.Options{MaxConns: 4})
	ctx := waitFor(t)
	ev := event.Event{EventIDCnty: "MLI1", EventDate: "2025-03-02", Year: 2025, Country: "Mali",
		EventType: event.Battles, SubEventType: "Armed clash", Actor1: "Military Forces of Mali (2021-)", Status: event.StatusAuto}
	if err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.SaveEvent(ctx, pipeline.Stored{Event: ev}, 42) }); err != nil {
		t.Fatal(err)
	}
	p := pipeline.New(s, nil, nil)
	edit := func(n string) func(tx pipeline.Tx) error {
		return func(tx pipeline.Tx) error {
			// What pipeline.Edit does first.
			st, err := tx.StoredEvent(ctx, "MLI1")
			if err != nil {
				return err
			}
			_, err = tx.AddEdit(ctx, event.Edit{EventID: st.Event.EventIDCnty, Field: "fatalities", Value: n, By: "t"})
			return err
		}
	}
	// An ingest that read the event's neighbourhood and is still open: the edit waits for it.
	err := secondWaits(t, ctx, s, func(tx pipeline.Tx) error {
		_, err := tx.NearbyEvents(ctx, []int64{41, 42, 43}, "2025-03-01", "2025-03-03")
		return err
	}, edit("5"))
	if err != nil {
		t.Fatalf("edit after the ingest: %v", err)
	}
	// An open edit: a placement in the event's neighbourhood waits for it.
	err = secondWaits(t, ctx, s, edit("6"), func(tx pipeline.Tx) error {
		_, err := tx.NearbyEvents(ctx, []int64{42}, "2025-03-01", "2025-03-03")
		return err
	})
	if err != nil {
		t.Fatalf("placement after the edit: %v", err)
	}
	// Through the pipeline, the latest edit wins.
	got, edits, err := p.Edit(ctx, "MLI1", []event.Edit{{Field: "fatalities", Value: "7"}})
	if err != nil || got.Fatalities != 7 || len(edits) != 3 {
		t.Errorf("Edit: fatalities %d, %d edits, %v", got.Fatalities, len(edits), err)
	}
}

// TestRecodeLocksOutIngest: the rebuild of a re-code (which starts with AllEvents) waits for an
// ingest that has stored its document, and an ingest waits to store its document until the rebuild
// ends, so no report is placed among events the re-code is replacing.
func TestRecodeLocksOutIngest(t *testing.T) {
	s := open(t, postgres.Options{MaxConns: 4})
	ctx := waitFor(t)
	doc := func(id string) document.Document {
		d := document.Document{ID: id, Text: "Report " + id + "."}
		d.ContentHash = document.HashText(d.Text)
		return d
	}
	all := func(tx pipeline.Tx) error { _, err := tx.AllEvents(ctx); return err }
	if err := secondWaits(t, ctx, s, func(tx pipeline.Tx) error { return tx.PutDocument(ctx, doc("a")) }, all); err != nil {
		t.Fatalf("rebuild after an ingest: %v", err)
	}
	if err := secondWaits(t, ctx, s, all, func(tx pipeline.Tx) error { return tx.PutDocument(ctx, doc("b")) }); err != nil {
		t.Fatalf("ingest after a rebuild: %v", err)
	}
}
