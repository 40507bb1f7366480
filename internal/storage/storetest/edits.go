package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// withMention is ev stored with one mention of doc.
func withMention(ev event.Event, doc string) pipeline.Stored {
	m := ev
	m.EventIDCnty = "MLI"
	return pipeline.Stored{Event: ev, Mentions: []pipeline.Mention{{DocumentID: doc, Event: m}}}
}

func testEdits(t *testing.T, s Store) {
	ctx := t.Context()
	at := time.Date(2025, 3, 11, 9, 30, 15, 123456789, time.FixedZone("WAT", 3600))
	update(t, s, func(tx pipeline.Tx) error {
		for i, id := range []string{"MLI10", "MLI11", "MLI12"} {
			if err := tx.SaveEvent(ctx, withMention(sampleEvent(id, "2025-03-10", "Mali"), "doc-"+id), int64(50+i)); err != nil {
				return err
			}
		}
		return nil
	})
	add := func(id, field, value string) int64 {
		t.Helper()
		var seq int64
		update(t, s, func(tx pipeline.Tx) error {
			var err error
			seq, err = tx.AddEdit(ctx, event.Edit{EventID: id, Field: field, Value: value, By: "analyst", At: at, Note: "checked " + id})
			return err
		})
		return seq
	}
	edits := func(id string) []event.Edit {
		t.Helper()
		var out []event.Edit
		update(t, s, func(tx pipeline.Tx) error {
			var err error
			out, err = tx.Edits(ctx, id)
			return err
		})
		return out
	}
	fields := func(es []event.Edit) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.EventID+":"+e.Field+"="+e.Value)
		}
		return out
	}
	s1 := add("MLI11", "fatalities", "3")
	s2 := add("MLI10", "notes", "Checked.")
	s3 := add("MLI11", "event_date", "2025-03-09")
	if !(s1 < s2 && s2 < s3) {
		t.Errorf("edit sequence numbers %d, %d, %d are not increasing", s1, s2, s3)
	}
	got := edits("MLI11")
	if want := []string{"MLI11:fatalities=3", "MLI11:event_date=2025-03-09"}; !slices.Equal(fields(got), want) {
		t.Fatalf("Edits(MLI11) = %v, want %v", fields(got), want)
	}
	if e := got[0]; e.Seq != s1 || e.By != "analyst" || e.Note != "checked MLI11" || !e.At.Equal(at) {
		t.Errorf("edit read back as %+v", e)
	}
	// A failed transaction stores no edit.
	err := s.Update(ctx, func(tx pipeline.Tx) error {
		if _, err := tx.AddEdit(ctx, event.Edit{EventID: "MLI12", Field: "notes", Value: "x", At: at}); err != nil {
			return err
		}
		return errors.New("abandon")
	})
	if err == nil || len(edits("MLI12")) != 0 {
		t.Errorf("an edit of a rolled-back transaction remains: %v", edits("MLI12"))
	}
	// Merged away, an event's edits follow it, through every later merge.
	update(t, s, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, "MLI11", "MLI10") })
	if want := []string{"MLI11:fatalities=3", "MLI10:notes=Checked.", "MLI11:event_date=2025-03-09"}; !slices.Equal(fields(edits("MLI10")), want) {
		t.Errorf("Edits(MLI10) after merge = %v, want %v", fields(edits("MLI10")), want)
	}
	update(t, s, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, "MLI10", "MLI12") })
	if got := fields(edits("MLI12")); len(got) != 3 {
		t.Errorf("Edits(MLI12) after the second merge = %v, want the three edits", got)
	}
	if got := edits("MLI99"); len(got) != 0 {
		t.Errorf("Edits(MLI99) = %v", got)
	}
	// The read side, where a store offers it: an alias lists its survivor's edits.
	if r, ok := s.(interface {
		EventEdits(ctx context.Context, id string) (string, []event.Edit, error)
	}); ok {
		id, got, err := r.EventEdits(ctx, "MLI11")
		if err != nil || id != "MLI12" || len(got) != 3 || got[0].Seq != s1 || !got[0].At.Equal(at) {
			t.Errorf("EventEdits(MLI11) = %s, %v, %v; want MLI12 with the three edits", id, fields(got), err)
		}
		if _, _, err := r.EventEdits(ctx, "MLI99"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("EventEdits(MLI99): %v, want storage.ErrNotFound", err)
		}
	}
	// StoredEvent resolves aliases and carries mentions.
	update(t, s, func(tx pipeline.Tx) error {
		st, err := tx.StoredEvent(ctx, "MLI11")
		if err != nil {
			return err
		}
		if st.Event.EventIDCnty != "MLI12" || len(st.Mentions) != 1 || st.Mentions[0].DocumentID != "doc-MLI12" {
			t.Errorf("StoredEvent(MLI11) = %s with mentions %+v, want MLI12 with its mention", st.Event.EventIDCnty, st.Mentions)
		}
		if _, err := tx.StoredEvent(ctx, "MLI99"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("StoredEvent(MLI99): %v, want storage.ErrNotFound", err)
		}
		return nil
	})
}

func testDeleteEvent(t *testing.T, s Store) {
	ctx := t.Context()
	update(t, s, func(tx pipeline.Tx) error {
		if err := tx.SaveEvent(ctx, withMention(sampleEvent("MLI5", "2025-03-10", "Mali"), "doc-a"), 9); err != nil {
			return err
		}
		return tx.SaveEvent(ctx, withMention(sampleEvent("MLI6", "2025-03-10", "Mali"), "doc-b"), 9)
	})
	update(t, s, func(tx pipeline.Tx) error { return tx.DeleteEvent(ctx, "MLI5") })
	if _, err := s.Event(ctx, "MLI5"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Event(MLI5) after delete: %v, want storage.ErrNotFound", err)
	}
	update(t, s, func(tx pipeline.Tx) error {
		if ms, err := tx.MentionsOf(ctx, "doc-a"); err != nil || len(ms) != 0 {
			t.Errorf("mentions of the deleted event remain: %v, %v", ms, err)
		}
		if err := tx.DeleteEvent(ctx, "MLI5"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("second DeleteEvent(MLI5): %v, want storage.ErrNotFound", err)
		}
		all, err := tx.AllEvents(ctx)
		if err != nil {
			return err
		}
		if len(all) != 1 || all[0].Event.EventIDCnty != "MLI6" {
			t.Errorf("AllEvents after delete: %d events", len(all))
		}
		return nil
	})
	if id := newID(t, s, "MLI"); id == "MLI5" || id == "MLI6" {
		t.Errorf("NewEventID reused %s", id)
	}
}

func testAllEvents(t *testing.T, s Store) {
	ctx := t.Context()
	bg := sampleEvent("NER3", "2025-02-01", "Niger") // background, which lists leave out
	fg := sampleEvent("NER20", "2025-01-01", "Niger")
	fg.Background = false
	update(t, s, func(tx pipeline.Tx) error {
		if err := tx.SaveEvent(ctx, withMention(bg, "doc-1"), 1); err != nil {
			return err
		}
		if err := tx.SaveEvent(ctx, withMention(fg, "doc-2"), 2); err != nil {
			return err
		}
		// An event without mentions (an import) is listed too.
		return tx.SaveEvent(ctx, pipeline.Stored{Event: sampleEvent("BFA1", "2025-01-01", "Burkina Faso")}, 3)
	})
	update(t, s, func(tx pipeline.Tx) error {
		all, err := tx.AllEvents(ctx)
		if err != nil {
			return err
		}
		var ids []string
		for _, st := range all {
			ids = append(ids, st.Event.EventIDCnty)
		}
		if want := []string{"BFA1", "NER20", "NER3"}; !slices.Equal(ids, want) {
			t.Fatalf("AllEvents ids %v, want %v", ids, want)
		}
		if d := equalEvents(all[2].Event, bg); d != "" {
			t.Errorf("AllEvents NER3 differs:\n%s", d)
		}
		if len(all[2].Mentions) != 1 || all[2].Mentions[0].DocumentID != "doc-1" || len(all[0].Mentions) != 0 {
			t.Errorf("AllEvents mentions: %+v / %+v", all[2].Mentions, all[0].Mentions)
		}
		return nil
	})
}

func testDocumentIDs(t *testing.T, s Store) {
	ctx := t.Context()
	// Ids sort differently from the order stored, which is what DocumentIDs must return.
	order := []string{"doc-c", "doc-a", "doc-d", "doc-b"}
	for i, id := range order {
		d := document.Document{ID: id, URL: "https://example.org/" + id, Text: "Report " + id + "."}
		d.ContentHash = document.HashText(d.Text)
		d.Published = time.Date(2025, 1, 1+i, 0, 0, 0, 0, time.UTC)
		update(t, s, func(tx pipeline.Tx) error { return tx.PutDocument(ctx, d) })
	}
	update(t, s, func(tx pipeline.Tx) error {
		ids, err := tx.DocumentIDs(ctx)
		if err != nil {
			return err
		}
		if !slices.Equal(ids, order) {
			t.Errorf("DocumentIDs = %v, want %v", ids, order)
		}
		return nil
	})
}
