// Package storetest is the behaviour every sitrep store owes the pipeline, the exports and the API,
// written against interfaces so one suite checks the embedded SQLite store today and a server database
// later. A store package calls Run from its own tests.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// Store is what the suite exercises: the pipeline's contract plus the read side of a store.
type Store interface {
	pipeline.Store
	Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error
	Event(ctx context.Context, id string) (event.Event, error)
	Counts(ctx context.Context) (documents, events int, err error)
	PutPlaceSet(ctx context.Context, name string, data []byte) error
	PlaceSets(ctx context.Context) (map[string][]byte, error)
}

// Run runs the suite. open returns a new, empty store for one subtest and arranges its closing (with
// t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s Store)
	}{
		{"DocumentRoundTrip", testDocumentRoundTrip},
		{"DocumentDedup", testDocumentDedup},
		{"DuplicateDocumentRejected", testDuplicateDocumentRejected},
		{"RollbackOnError", testRollbackOnError},
		{"RollbackOnPanic", testRollbackOnPanic},
		{"EventRoundTrip", testEventRoundTrip},
		{"SaveEventReplacesChildren", testSaveEventReplacesChildren},
		{"Mentions", testMentions},
		{"NearbyEvents", testNearbyEvents},
		{"IDsNeverReused", testIDsNeverReused},
		{"MergeAway", testMergeAway},
		{"EventsFilter", testEventsFilter},
		{"EventsStopsOnCallbackError", testEventsStopsOnCallbackError},
		{"PlaceSets", testPlaceSets},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"Edits", testEdits},
		{"DeleteEvent", testDeleteEvent},
		{"AllEvents", testAllEvents},
		{"DocumentIDs", testDocumentIDs},
		{"Recode", testRecode},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

// update runs fn in one transaction and fails the test on error.
func update(t *testing.T, s Store, fn func(tx pipeline.Tx) error) {
	t.Helper()
	if err := s.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

func newDoc(id, url, guid, text string) document.Document {
	d := document.Document{
		ID: id, URL: url, GUID: guid, Outlet: "Sahel Monitor", Title: "Attack near Dounzara",
		Language: "en", Text: text,
	}
	d.ContentHash = document.HashText(text)
	return d
}

func testDocumentRoundTrip(t *testing.T, s Store) {
	ctx := t.Context()
	want := document.Document{
		ID:              "url:0a1b2c3d",
		URL:             "https://example.org/news/2025/03/attack-dounzara",
		GUID:            "urn:example:48213",
		Outlet:          "Sahel Monitor",
		Title:           "Gunmen kill 12 in attack near Dounzara",
		Language:        "en",
		Published:       time.Date(2025, 3, 4, 9, 30, 15, 123456789, time.FixedZone("", 3600)),
		PublishedApprox: true,
		FetchedAt:       time.Date(2025, 3, 4, 11, 0, 0, 0, time.UTC),
		Text:            "Gunmen killed 12 villagers near Dounzara on Sunday, a local official said.\n\nThe army said it was pursuing them — «les assaillants» fled on motorbikes.",
		Origin:          "feeds/sahel.rss",
	}
	want.ContentHash = document.HashText(want.Text)
	update(t, s, func(tx pipeline.Tx) error { return tx.PutDocument(ctx, want) })
	update(t, s, func(tx pipeline.Tx) error {
		got, err := tx.Document(ctx, want.ID)
		if err != nil {
			return err
		}
		if !got.Published.Equal(want.Published) || !got.FetchedAt.Equal(want.FetchedAt) {
			t.Errorf("times: got %v / %v, want %v / %v", got.Published, got.FetchedAt, want.Published, want.FetchedAt)
		}
		if _, off := got.Published.Zone(); off != 3600 {
			t.Errorf("published offset %d, want 3600 (the article's own zone)", off)
		}
		got.Published, got.FetchedAt = want.Published, want.FetchedAt
		if !reflect.DeepEqual(got, want) {
			t.Errorf("document round trip:\n got %+v\nwant %+v", got, want)
		}
		_, err = tx.Document(ctx, "url:missing")
		if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("missing document: err = %v, want storage.ErrNotFound", err)
		}
		return nil
	})
	// A zero time stays zero.
	bare := newDoc("sha:bare", "", "", "A text with no date.")
	update(t, s, func(tx pipeline.Tx) error {
		if err := tx.PutDocument(ctx, bare); err != nil {
			return err
		}
		got, err := tx.Document(ctx, bare.ID)
		if err != nil {
			return err
		}
		if !got.Published.IsZero() || !got.FetchedAt.IsZero() {
			t.Errorf("zero times came back as %v / %v", got.Published, got.FetchedAt)
		}
		return nil
	})
}

func testDocumentDedup(t *testing.T, s Store) {
	ctx := t.Context()
	stored := newDoc("doc-1", "https://example.org/a", "guid-a", "Soldiers repelled an attack on the camp at Boni.")
	noKeys := newDoc("doc-2", "", "", "Protesters gathered in Niamey on Friday.")
	update(t, s, func(tx pipeline.Tx) error {
		if err := tx.PutDocument(ctx, stored); err != nil {
			return err
		}
		return tx.PutDocument(ctx, noKeys)
	})
	tests := []struct {
		name   string
		doc    document.Document
		wantID string
	}{
		{"same url", newDoc("x", "https://example.org/a", "", "other text 1"), "doc-1"},
		{"same guid", newDoc("x", "https://example.org/other", "guid-a", "other text 2"), "doc-1"},
		{"same content hash, re-wrapped", newDoc("x", "https://example.org/copy", "guid-b", "Soldiers repelled an attack\non the camp   at Boni."), "doc-1"},
		{"same text as a keyless document", newDoc("x", "https://example.org/n", "", "Protesters gathered in Niamey on Friday."), "doc-2"},
		{"nothing in common", newDoc("x", "https://example.org/b", "guid-c", "A different report."), ""},
		{"empty url and guid never match", newDoc("x", "", "", "Yet another report."), ""},
		{"empty hash never matches", document.Document{ID: "x"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			update(t, s, func(tx pipeline.Tx) error {
				id, known, err := tx.KnownDocument(ctx, tc.doc)
				if err != nil {
					return err
				}
				if known != (tc.wantID != "") || id != tc.wantID {
					t.Errorf("KnownDocument = %q, %v; want %q", id, known, tc.wantID)
				}
				return nil
			})
		})
	}
}

func testDuplicateDocumentRejected(t *testing.T, s Store) {
	ctx := t.Context()
	d := newDoc("doc-1", "https://example.org/a", "", "First text.")
	update(t, s, func(tx pipeline.Tx) error { return tx.PutDocument(ctx, d) })
	for _, dup := range []document.Document{
		newDoc("doc-1", "https://example.org/z", "", "Other text."),   // same id
		newDoc("doc-9", "https://example.org/a", "", "Other text 2."), // same url
		newDoc("doc-9", "https://example.org/y", "", "First text."),   // same hash
	} {
		err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.PutDocument(ctx, dup) })
		if err == nil {
			t.Errorf("PutDocument(%s, %s) succeeded over an existing document", dup.ID, dup.URL)
		}
	}
	if n, _ := counts(t, s); n != 1 {
		t.Errorf("%d documents stored, want 1", n)
	}
}

func counts(t *testing.T, s Store) (int, int) {
	t.Helper()
	d, e, err := s.Counts(t.Context())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	return d, e
}

func testRollbackOnError(t *testing.T, s Store) {
	ctx := t.Context()
	boom := errors.New("coder failed half-way")
	var id string
	err := s.Update(ctx, func(tx pipeline.Tx) error {
		if err := tx.PutDocument(ctx, newDoc("doc-1", "https://example.org/a", "", "Text.")); err != nil {
			return err
		}
		var err error
		if id, err = tx.NewEventID(ctx, "MLI"); err != nil {
			return err
		}
		ev := sampleEvent(id, "2025-03-02", "Mali")
		if err := tx.SaveEvent(ctx, pipeline.Stored{Event: ev, Mentions: []pipeline.Mention{{DocumentID: "doc-1", Event: ev}}}, 7); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the callback's error", err)
	}
	if d, e := counts(t, s); d != 0 || e != 0 {
		t.Errorf("after rollback: %d documents, %d events; want none", d, e)
	}
	update(t, s, func(tx pipeline.Tx) error {
		if _, known, err := tx.KnownDocument(ctx, newDoc("x", "https://example.org/a", "", "Text.")); err != nil || known {
			t.Errorf("rolled-back document is known (%v)", err)
		}
		if m, err := tx.MentionsOf(ctx, "doc-1"); err != nil || len(m) != 0 {
			t.Errorf("rolled-back mentions: %v, %v", m, err)
		}
		if got, err := tx.NearbyEvents(ctx, []int64{7}, "2025-01-01", "2025-12-31"); err != nil || len(got) != 0 {
			t.Errorf("rolled-back event is nearby: %v, %v", got, err)
		}
		return nil
	})
	if _, err := s.Event(ctx, id); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Event(%s) after rollback: %v, want not found", id, err)
	}
}

func testRollbackOnPanic(t *testing.T, s Store) {
	ctx := t.Context()
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Errorf("Update swallowed the panic")
			}
		}()
		_ = s.Update(ctx, func(tx pipeline.Tx) error {
			if err := tx.PutDocument(ctx, newDoc("doc-1", "", "", "Text.")); err != nil {
				return err
			}
			panic("coder bug")
		})
	}()
	if d, _ := counts(t, s); d != 0 {
		t.Errorf("after panic: %d documents stored, want 0", d)
	}
	// The store is still usable.
	update(t, s, func(tx pipeline.Tx) error { return tx.PutDocument(ctx, newDoc("doc-1", "", "", "Text.")) })
	if d, _ := counts(t, s); d != 1 {
		t.Errorf("after recovery: %d documents, want 1", d)
	}
}

// sampleEvent is a realistic, invented event with every field set.
func sampleEvent(id, date, country string) event.Event {
	return event.Event{
		EventIDCnty:       id,
		EventDate:         date,
		Year:              2025,
		TimePrecision:     1,
		DisorderType:      event.PoliticalViolence,
		EventType:         event.ViolenceCivilians,
		SubEventType:      "Attack",
		Actor1:            "Unidentified Armed Group (" + country + ")",
		AssocActor1:       "Wagner Group",
		Inter1:            3,
		Actor2:            "Civilians (" + country + ")",
		AssocActor2:       "Farmers (" + country + "); Women (" + country + ")",
		Inter2:            7,
		Interaction:       37,
		CivilianTargeting: "Civilian targeting",
		ISO:               466,
		Region:            "Western Africa",
		Country:           country,
		Admin1:            "Segou",
		Admin2:            "Niono",
		Admin3:            "Dogofry",
		Location:          "Dounzara",
		Latitude:          14.3594,
		Longitude:         -5.9921,
		GeoPrecision:      1,
		Source:            "Sahel Monitor; Radio Kayira",
		SourceScale:       "National-International",
		Notes:             "On " + date + ", gunmen killed 12 villagers in Dounzara (Niono, Segou); the army said \"at least 10\".\nA second line.",
		Fatalities:        12,
		Tags:              "women targeted: girls; crowd size=no report",
		Timestamp:         1741075200,
		DateStart:         date,
		DateEnd:           date,
		FatalitiesLow:     10,
		FatalitiesHigh:    15,
		FatalitiesVague:   true,
		Claims: []event.Claim{
			{By: "local official", Figure: 12, Kind: "killed", Of: "villagers", Text: "Gunmen killed 12 villagers, a local official said.", Source: "doc-1", Start: 14, End: 65},
			{By: "Military Forces of Mali (2021-)", Figure: 10, Kind: "killed", Text: "The army said at least 10 died.", Source: "doc-2", Start: 120, End: 151},
			{By: "JNIM: Group for Support of Islam and Muslims", Figure: 3, Kind: "abducted", Of: "traders", Text: "Three traders were taken.", Source: "doc-2", Start: 160, End: 185},
		},
		Sources: []event.Source{
			{ID: "doc-1", URL: "https://example.org/a", Outlet: "Sahel Monitor", Title: "Gunmen kill 12", Published: "2025-03-04T09:30:00Z", Language: "en"},
			{ID: "doc-2", URL: "https://example.fr/b", Outlet: "Radio Kayira", Title: "Attaque à Dounzara", Published: "2025-03-04", Language: "fr"},
		},
		Evidence: []event.Evidence{
			{Field: "event_date", SourceID: "doc-1", Start: 14, End: 51, Text: "Gunmen killed 12 villagers on Sunday."},
			{Field: "location", SourceID: "doc-1", Start: 52, End: 90, Text: "near Dounzara, 30 km from Niono"},
			{Field: "fatalities", SourceID: "doc-2", Start: 120, End: 151, Text: "The army said at least 10 died."},
		},
		GeonameID:  2453348,
		Confidence: 0.8125,
		Status:     event.StatusReviewed,
		Background: true,
	}
}

// equalEvents compares two events the way a store must preserve them: coordinates to ACLED's 4
// decimals, confidence to 1e-6, empty and nil lists alike, everything else exactly.
func equalEvents(got, want event.Event) string {
	if math.Abs(got.Latitude-want.Latitude) > 0.00005 || math.Abs(got.Longitude-want.Longitude) > 0.00005 {
		return fmt.Sprintf("coordinates %v,%v, want %v,%v", got.Latitude, got.Longitude, want.Latitude, want.Longitude)
	}
	if math.Abs(got.Confidence-want.Confidence) > 1e-6 {
		return fmt.Sprintf("confidence %v, want %v", got.Confidence, want.Confidence)
	}
	got.Latitude, got.Longitude, got.Confidence = want.Latitude, want.Longitude, want.Confidence
	normalize(&got)
	normalize(&want)
	if reflect.DeepEqual(got, want) {
		return ""
	}
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	var diffs []string
	for i := range gv.NumField() {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			diffs = append(diffs, fmt.Sprintf("%s: got %#v, want %#v", gv.Type().Field(i).Name, gv.Field(i).Interface(), wv.Field(i).Interface()))
		}
	}
	return strings.Join(diffs, "\n")
}

func normalize(e *event.Event) {
	if len(e.Claims) == 0 {
		e.Claims = nil
	}
	if len(e.Sources) == 0 {
		e.Sources = nil
	}
	if len(e.Evidence) == 0 {
		e.Evidence = nil
	}
}

func testEventRoundTrip(t *testing.T, s Store) {
	ctx := t.Context()
	want := sampleEvent("MLI41", "2025-03-02", "Mali")
	// The sample must set every field, so that a field added to event.Event but not stored fails here.
	for _, v := range []any{want, want.Claims[0], want.Sources[0], want.Evidence[0]} {
		rv := reflect.ValueOf(v)
		for i := range rv.NumField() {
			if rv.Field(i).IsZero() {
				t.Fatalf("sampleEvent leaves %s.%s unset: extend it", rv.Type().Name(), rv.Type().Field(i).Name)
			}
		}
	}
	mention := want
	mention.EventIDCnty = "MLI"
	update(t, s, func(tx pipeline.Tx) error {
		return tx.SaveEvent(ctx, pipeline.Stored{Event: want, Mentions: []pipeline.Mention{{DocumentID: "doc-1", Index: 2, Event: mention}}}, 99)
	})
	got, err := s.Event(ctx, "MLI41")
	if err != nil {
		t.Fatalf("Event: %v", err)
	}
	if d := equalEvents(got, want); d != "" {
		t.Errorf("Event round trip:\n%s", d)
	}
	var listed []event.Event
	if err := s.Events(ctx, event.Filter{IncludeBackground: true}, func(e event.Event) error {
		listed = append(listed, e)
		return nil
	}); err != nil {
		t.Fatalf("Events: %v", err)
	}
	if len(listed) != 1 {
		t.Fatalf("Events listed %d events, want 1", len(listed))
	}
	if d := equalEvents(listed[0], want); d != "" {
		t.Errorf("Events round trip:\n%s", d)
	}
	update(t, s, func(tx pipeline.Tx) error {
		near, err := tx.NearbyEvents(ctx, []int64{99}, "2025-03-01", "2025-03-03")
		if err != nil {
			return err
		}
		if len(near) != 1 {
			t.Fatalf("NearbyEvents found %d events, want 1", len(near))
		}
		if d := equalEvents(near[0].Event, want); d != "" {
			t.Errorf("NearbyEvents round trip:\n%s", d)
		}
		if len(near[0].Mentions) != 1 || near[0].Mentions[0].DocumentID != "doc-1" || near[0].Mentions[0].Index != 2 {
			t.Fatalf("mentions: %+v", near[0].Mentions)
		}
		if d := equalEvents(near[0].Mentions[0].Event, mention); d != "" {
			t.Errorf("mention round trip:\n%s", d)
		}
		return nil
	})
	// A sparse event (no lists, no extensions) comes back as sparse.
	sparse := event.Event{EventIDCnty: "NGA3", EventDate: "2024-11-30", Year: 2024, TimePrecision: 3, Country: "Nigeria", Status: event.StatusAuto}
	update(t, s, func(tx pipeline.Tx) error { return tx.SaveEvent(ctx, pipeline.Stored{Event: sparse}, 5) })
	if got, err := s.Event(ctx, "NGA3"); err != nil {
		t.Fatalf("Event(NGA3): %v", err)
	} else if d := equalEvents(got, sparse); d != "" {
		t.Errorf("sparse round trip:\n%s", d)
	}
}

func testSaveEventReplacesChildren(t *testing.T, s Store) {
	ctx := t.Context()
	ev := sampleEvent("BFA7", "2025-05-10", "Burkina Faso")
	m := func(doc string, i int) pipeline.Mention {
		return pipeline.Mention{DocumentID: doc, Index: i, Event: ev}
	}
	update(t, s, func(tx pipeline.Tx) error {
		return tx.SaveEvent(ctx, pipeline.Stored{Event: ev, Mentions: []pipeline.Mention{m("doc-1", 0), m("doc-2", 0)}}, 1)
	})
	smaller := ev
	smaller.Claims = smaller.Claims[:1]
	smaller.Sources = nil
	smaller.Evidence = smaller.Evidence[2:]
	smaller.Fatalities = 3
	update(t, s, func(tx pipeline.Tx) error {
		return tx.SaveEvent(ctx, pipeline.Stored{Event: smaller, Mentions: []pipeline.Mention{m("doc-2", 0)}}, 2)
	})
	got, err := s.Event(ctx, "BFA7")
	if err != nil {
		t.Fatal(err)
	}
	if d := equalEvents(got, smaller); d != "" {
		t.Errorf("after replacing:\n%s", d)
	}
	update(t, s, func(tx pipeline.Tx) error {
		if ms, err := tx.MentionsOf(ctx, "doc-1"); err != nil || len(ms) != 0 {
			t.Errorf("dropped mention still stored: %v %v", ms, err)
		}
		if near, err := tx.NearbyEvents(ctx, []int64{1}, "2025-01-01", "2025-12-31"); err != nil || len(near) != 0 {
			t.Errorf("event still indexed under its old cell: %d, %v", len(near), err)
		}
		return nil
	})
	if _, e := counts(t, s); e != 1 {
		t.Errorf("%d events after re-saving one, want 1", e)
	}
}

func testMentions(t *testing.T, s Store) {
	ctx := t.Context()
	a := sampleEvent("NER1", "2025-01-05", "Niger")
	b := sampleEvent("NER2", "2025-01-05", "Niger")
	m := func(doc string, i int, notes string) pipeline.Mention {
		e := a
		e.EventIDCnty = "NER"
		e.Notes = notes
		return pipeline.Mention{DocumentID: doc, Index: i, Event: e}
	}
	update(t, s, func(tx pipeline.Tx) error {
		if err := tx.SaveEvent(ctx, pipeline.Stored{Event: a, Mentions: []pipeline.Mention{m("doc-1", 1, "first"), m("doc-1", 0, "zeroth")}}, 3); err != nil {
			return err
		}
		return tx.SaveEvent(ctx, pipeline.Stored{Event: b, Mentions: []pipeline.Mention{m("doc-2", 0, "other")}}, 3)
	})
	update(t, s, func(tx pipeline.Tx) error {
		ms, err := tx.MentionsOf(ctx, "doc-1")
		if err != nil {
			return err
		}
		if len(ms) != 2 || ms[0].Index != 0 || ms[1].Index != 1 || ms[0].Event.Notes != "zeroth" || ms[0].DocumentID != "doc-1" {
			t.Errorf("MentionsOf(doc-1) = %+v, want indexes 0 and 1 in order", ms)
		}
		if ms, err := tx.MentionsOf(ctx, "doc-unknown"); err != nil || len(ms) != 0 {
			t.Errorf("MentionsOf(unknown) = %v, %v", ms, err)
		}
		near, err := tx.NearbyEvents(ctx, []int64{3}, "2025-01-05", "2025-01-05")
		if err != nil {
			return err
		}
		if len(near) != 2 || near[0].Event.EventIDCnty != "NER1" {
			t.Fatalf("NearbyEvents = %d events", len(near))
		}
		// Mentions keep the order the event was saved with.
		if got := []string{near[0].Mentions[0].Event.Notes, near[0].Mentions[1].Event.Notes}; !slices.Equal(got, []string{"first", "zeroth"}) {
			t.Errorf("mention order %v", got)
		}
		// Saving a mention into another event moves it there (a report belongs to one event).
		return tx.SaveEvent(ctx, pipeline.Stored{Event: b, Mentions: []pipeline.Mention{m("doc-2", 0, "other"), m("doc-1", 1, "moved")}}, 3)
	})
	update(t, s, func(tx pipeline.Tx) error {
		near, err := tx.NearbyEvents(ctx, []int64{3}, "2025-01-05", "2025-01-05")
		if err != nil {
			return err
		}
		for _, n := range near {
			var docs []string
			for _, m := range n.Mentions {
				docs = append(docs, fmt.Sprintf("%s#%d", m.DocumentID, m.Index))
			}
			want := map[string][]string{"NER1": {"doc-1#0"}, "NER2": {"doc-2#0", "doc-1#1"}}[n.Event.EventIDCnty]
			if !slices.Equal(docs, want) {
				t.Errorf("%s mentions %v, want %v", n.Event.EventIDCnty, docs, want)
			}
		}
		return nil
	})
}

func testNearbyEvents(t *testing.T, s Store) {
	ctx := t.Context()
	type saved struct {
		id, date, start, end string
		cell                 int64
	}
	events := []saved{
		{"MLI1", "2025-03-10", "", "", 100},
		{"MLI2", "2025-03-12", "", "", 100},
		{"MLI3", "2025-03-10", "", "", 101},
		{"MLI4", "2025-03-10", "", "", 200},
		{"MLI5", "2025-03-02", "2025-03-01", "2025-03-09", 101}, // three days of fighting, ending before the window
		{"MLI6", "2025-03-05", "2025-03-05", "2025-03-11", 100}, // a span reaching into the window
		{"MLI7", "2025-02-01", "", "", 100},
		{"MLI8", "2025-03-14", "2025-03-13", "", 101}, // start only
	}
	update(t, s, func(tx pipeline.Tx) error {
		for _, e := range events {
			ev := sampleEvent(e.id, e.date, "Mali")
			ev.DateStart, ev.DateEnd = e.start, e.end
			if err := tx.SaveEvent(ctx, pipeline.Stored{Event: ev}, e.cell); err != nil {
				return err
			}
		}
		return nil
	})
	tests := []struct {
		cells    []int64
		from, to string
		want     []string
	}{
		{[]int64{100, 101}, "2025-03-10", "2025-03-13", []string{"MLI1", "MLI2", "MLI3", "MLI6", "MLI8"}},
		{[]int64{100}, "2025-03-10", "2025-03-10", []string{"MLI1", "MLI6"}},
		{[]int64{101}, "2025-03-09", "2025-03-09", []string{"MLI5"}},
		{[]int64{200, 999}, "2025-03-01", "2025-03-31", []string{"MLI4"}},
		{[]int64{100, 101, 200}, "2025-04-01", "2025-04-30", nil},
		{nil, "2025-01-01", "2025-12-31", nil},
		{[]int64{100}, "2025-01-25", "2025-02-05", []string{"MLI7"}},
	}
	for _, tc := range tests {
		update(t, s, func(tx pipeline.Tx) error {
			got, err := tx.NearbyEvents(ctx, tc.cells, tc.from, tc.to)
			if err != nil {
				return err
			}
			var ids []string
			for _, g := range got {
				ids = append(ids, g.Event.EventIDCnty)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tc.want) {
				t.Errorf("NearbyEvents(%v, %s, %s) = %v, want %v", tc.cells, tc.from, tc.to, ids, tc.want)
			}
			return nil
		})
	}
}

func newID(t *testing.T, s Store, iso3 string) string {
	t.Helper()
	var id string
	update(t, s, func(tx pipeline.Tx) error {
		var err error
		id, err = tx.NewEventID(t.Context(), iso3)
		return err
	})
	return id
}

func save(t *testing.T, s Store, ev event.Event, cell int64) {
	t.Helper()
	update(t, s, func(tx pipeline.Tx) error { return tx.SaveEvent(t.Context(), pipeline.Stored{Event: ev}, cell) })
}

func testIDsNeverReused(t *testing.T, s Store) {
	ctx := t.Context()
	seen := map[string]bool{}
	fresh := func(iso3 string) string {
		t.Helper()
		id := newID(t, s, iso3)
		if !strings.HasPrefix(id, strings.ToUpper(iso3)) || len(id) <= 3 {
			t.Fatalf("NewEventID(%s) = %q", iso3, id)
		}
		if seen[id] {
			t.Fatalf("NewEventID(%s) reused %s", iso3, id)
		}
		seen[id] = true
		return id
	}
	a, b := fresh("MLI"), fresh("MLI")
	save(t, s, sampleEvent(a, "2025-01-01", "Mali"), 1)
	save(t, s, sampleEvent(b, "2025-01-01", "Mali"), 1)
	fresh("BFA")
	// Neither a merge (which deletes b) nor a rolled-back allocation may free a number.
	update(t, s, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, b, a) })
	_ = s.Update(ctx, func(tx pipeline.Tx) error {
		if _, err := tx.NewEventID(ctx, "MLI"); err != nil {
			return err
		}
		return errors.New("abandon")
	})
	for range 3 {
		fresh("MLI")
	}
	fresh("mli") // case-folded, same counter
	// An id stored from elsewhere (an import) is never handed out afterwards.
	save(t, s, sampleEvent("MOZ500", "2025-01-01", "Mozambique"), 2)
	seen["MOZ500"] = true
	for range 3 {
		fresh("MOZ")
	}
	for _, bad := range []string{"", "ML", "MLIX", "M1I"} {
		err := s.Update(ctx, func(tx pipeline.Tx) error { _, err := tx.NewEventID(ctx, bad); return err })
		if err == nil {
			t.Errorf("NewEventID(%q) succeeded", bad)
		}
	}
}

func testMergeAway(t *testing.T, s Store) {
	ctx := t.Context()
	for _, id := range []string{"MLI10", "MLI11", "MLI12"} {
		save(t, s, sampleEvent(id, "2025-03-10", "Mali"), 50)
	}
	update(t, s, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, "MLI11", "MLI10") })
	resolve := func(id, want string) {
		t.Helper()
		got, err := s.Event(ctx, id)
		if err != nil {
			t.Fatalf("Event(%s): %v", id, err)
		}
		if got.EventIDCnty != want {
			t.Errorf("Event(%s) resolved to %s, want %s", id, got.EventIDCnty, want)
		}
	}
	resolve("MLI11", "MLI10")
	resolve("MLI10", "MLI10")
	nearby := func() []string {
		var ids []string
		update(t, s, func(tx pipeline.Tx) error {
			got, err := tx.NearbyEvents(ctx, []int64{50}, "2025-03-10", "2025-03-10")
			for _, g := range got {
				ids = append(ids, g.Event.EventIDCnty)
			}
			return err
		})
		return ids
	}
	if got := nearby(); !slices.Equal(got, []string{"MLI10", "MLI12"}) {
		t.Errorf("NearbyEvents after merge = %v", got)
	}
	// The survivor is merged in turn: both old ids follow it.
	update(t, s, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, "MLI10", "MLI12") })
	resolve("MLI11", "MLI12")
	resolve("MLI10", "MLI12")
	// Merging into an id that was merged away goes to its survivor.
	save(t, s, sampleEvent("MLI13", "2025-03-10", "Mali"), 50)
	update(t, s, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, "MLI13", "MLI11") })
	resolve("MLI13", "MLI12")
	if _, e := counts(t, s); e != 1 {
		t.Errorf("%d events left, want 1", e)
	}
	for _, tc := range []struct{ id, survivor string }{{"MLI99", "MLI12"}, {"MLI12", "MLI12"}, {"MLI12", "MLI10"}} {
		if err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, tc.id, tc.survivor) }); err == nil {
			t.Errorf("MergeAway(%s, %s) succeeded", tc.id, tc.survivor)
		}
	}
	if _, err := s.Event(ctx, "MLI99"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Event(MLI99): %v, want storage.ErrNotFound", err)
	}
}

func testEventsFilter(t *testing.T, s Store) {
	ctx := t.Context()
	mk := func(id, date, country string, background bool) event.Event {
		e := sampleEvent(id, date, country)
		e.Background = background
		return e
	}
	for _, e := range []event.Event{
		mk("MLI3", "2025-03-02", "Mali", false),
		mk("MLI2", "2025-03-02", "Mali", false), // same day: ordered by id
		mk("MLI1", "2025-03-05", "Mali", false),
		mk("MLI4", "2024-12-31", "Mali", true),
		mk("BFA1", "2025-03-03", "Burkina Faso", false),
		mk("CIV1", "2025-03-04", "Côte d'Ivoire", false),
		mk("NER1", "2025-04-01", "Niger", true),
	} {
		save(t, s, e, 1)
	}
	tests := []struct {
		f    event.Filter
		want []string
	}{
		{event.Filter{}, []string{"MLI2", "MLI3", "BFA1", "CIV1", "MLI1"}},
		{event.Filter{IncludeBackground: true}, []string{"MLI4", "MLI2", "MLI3", "BFA1", "CIV1", "MLI1", "NER1"}},
		{event.Filter{Country: "mali"}, []string{"MLI2", "MLI3", "MLI1"}},
		{event.Filter{Country: "BURKINA FASO"}, []string{"BFA1"}},
		{event.Filter{Country: "CÔTE D'IVOIRE"}, []string{"CIV1"}},
		{event.Filter{Country: "Mal"}, nil},
		{event.Filter{Since: "2025-03-03"}, []string{"BFA1", "CIV1", "MLI1"}},
		{event.Filter{Until: "2025-03-03"}, []string{"MLI2", "MLI3", "BFA1"}},
		{event.Filter{Since: "2025-03-02", Until: "2025-03-02"}, []string{"MLI2", "MLI3"}},
		{event.Filter{Country: "Mali", Until: "2025-03-01", IncludeBackground: true}, []string{"MLI4"}},
		{event.Filter{Country: "Niger"}, nil},
		{event.Filter{Country: " Mali "}, []string{"MLI2", "MLI3", "MLI1"}},
	}
	for _, tc := range tests {
		var got []string
		err := s.Events(ctx, tc.f, func(e event.Event) error {
			got = append(got, e.EventIDCnty)
			return nil
		})
		if err != nil {
			t.Fatalf("Events(%+v): %v", tc.f, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Events(%+v) = %v, want %v", tc.f, got, tc.want)
		}
	}
	for _, bad := range []event.Filter{{Since: "2025-3-1"}, {Until: "March 2025"}, {Since: "2025-02-30"}} {
		if err := s.Events(ctx, bad, func(event.Event) error { return nil }); err == nil {
			t.Errorf("Events(%+v) accepted a malformed date", bad)
		}
	}
}

func testEventsStopsOnCallbackError(t *testing.T, s Store) {
	ctx := t.Context()
	for _, id := range []string{"MLI1", "MLI2", "MLI3"} {
		save(t, s, sampleEvent(id, "2025-03-02", "Mali"), 1)
	}
	stop := errors.New("client went away")
	n := 0
	err := s.Events(ctx, event.Filter{IncludeBackground: true}, func(event.Event) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Events returned %v after %d calls, want the callback's error after 1", err, n)
	}
}

func testPlaceSets(t *testing.T, s Store) {
	ctx := t.Context()
	got, err := s.PlaceSets(ctx)
	if err != nil || len(got) != 0 {
		t.Fatalf("PlaceSets on an empty store = %v, %v", got, err)
	}
	blob := []byte{0x1f, 0x8b, 0, 1, 2, 0xff, '\n'}
	for _, p := range []struct {
		name string
		data []byte
	}{{"villages-segou", []byte("old")}, {"osm-mozambique", blob}, {"villages-segou", []byte("new")}, {"empty", nil}} {
		if err := s.PutPlaceSet(ctx, p.name, p.data); err != nil {
			t.Fatalf("PutPlaceSet(%s): %v", p.name, err)
		}
	}
	got, err = s.PlaceSets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]byte{"villages-segou": []byte("new"), "osm-mozambique": blob, "empty": {}}
	if len(got) != len(want) {
		t.Fatalf("PlaceSets = %v, want %v", got, want)
	}
	for k, v := range want {
		if string(got[k]) != string(v) {
			t.Errorf("place set %s = %q, want %q", k, got[k], v)
		}
	}
	if err := s.PutPlaceSet(ctx, "", blob); err == nil {
		t.Errorf("PutPlaceSet with an empty name succeeded")
	}
}

func testConcurrentUpdates(t *testing.T, s Store) {
	ctx := t.Context()
	const workers, each = 6, 10
	var wg sync.WaitGroup
	ids := make(chan string, workers*each)
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				err := s.Update(ctx, func(tx pipeline.Tx) error {
					doc := newDoc(fmt.Sprintf("doc-%d-%d", w, i), fmt.Sprintf("https://example.org/%d/%d", w, i), "", fmt.Sprintf("Report %d of worker %d.", i, w))
					if _, known, err := tx.KnownDocument(ctx, doc); err != nil || known {
						return fmt.Errorf("known %v: %w", known, err)
					}
					if err := tx.PutDocument(ctx, doc); err != nil {
						return err
					}
					id, err := tx.NewEventID(ctx, "MLI")
					if err != nil {
						return err
					}
					ev := sampleEvent(id, "2025-03-02", "Mali")
					if _, err := tx.NearbyEvents(ctx, []int64{int64(w)}, "2025-03-01", "2025-03-03"); err != nil {
						return err
					}
					ids <- id
					return tx.SaveEvent(ctx, pipeline.Stored{Event: ev, Mentions: []pipeline.Mention{{DocumentID: doc.ID, Event: ev}}}, int64(w))
				})
				if err != nil {
					errs <- err
				}
				// Readers run alongside the writers.
				if err := s.Events(ctx, event.Filter{Country: "Mali", IncludeBackground: true}, func(event.Event) error { return nil }); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		t.Errorf("concurrent update: %v", err)
	}
	seen := map[string]bool{}
	for id := range ids {
		if seen[id] {
			t.Errorf("id %s allocated twice", id)
		}
		seen[id] = true
	}
	if d, e := counts(t, s); d != workers*each || e != workers*each {
		t.Errorf("after concurrent updates: %d documents, %d events; want %d each", d, e, workers*each)
	}
}
