package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// lineCoder is a stand-in coder for store tests: each line of a document's text
// "location|lat|lon|date|sub_event_type|actor1|fatalities" is one report, Malian. Skip leaves out the
// reports of one event type, as a coder upgrade that stops coding it would.
type lineCoder struct{ skip string }

func (c lineCoder) Code(ctx context.Context, doc document.Document) ([]event.Event, error) {
	var out []event.Event
	for _, line := range strings.Split(doc.Text, "\n") {
		f := strings.Split(line, "|")
		if len(f) != 7 {
			return nil, fmt.Errorf("line %q: want 7 fields", line)
		}
		lat, _ := strconv.ParseFloat(f[1], 64)
		lon, _ := strconv.ParseFloat(f[2], 64)
		n, _ := strconv.Atoi(f[6])
		typ := event.TypeOf(f[4])
		if typ == c.skip {
			continue
		}
		d, _ := time.Parse(time.DateOnly, f[3])
		out = append(out, event.Event{
			EventIDCnty: "MLI", EventDate: f[3], Year: d.Year(), TimePrecision: 1,
			EventType: typ, SubEventType: f[4], DisorderType: event.DisorderType(typ),
			Actor1: f[5], Country: "Mali", ISO: 466, Region: "Western Africa", Location: f[0],
			Latitude: lat, Longitude: lon, GeoPrecision: 1, Fatalities: n, FatalitiesLow: n, FatalitiesHigh: n,
			Source: doc.Outlet, SourceScale: "National", Confidence: 0.5, Status: event.StatusAuto,
			Sources:  []event.Source{{ID: doc.ID, Outlet: doc.Outlet, Published: doc.Published.Format(time.RFC3339)}},
			Evidence: []event.Evidence{{Field: "location", SourceID: doc.ID, Start: 0, End: len(f[0]), Text: f[0]}},
		})
	}
	return out, nil
}

// EventLister is a store whose events can be listed, as exports list them.
type EventLister interface {
	Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error
}

// Snapshot is every event (background included) as JSON lines, the way an export sees the store.
func Snapshot(t *testing.T, s EventLister) string {
	t.Helper()
	var b strings.Builder
	err := s.Events(t.Context(), event.Filter{IncludeBackground: true}, func(e event.Event) error {
		e.FillEmpty()
		js, err := json.Marshal(e)
		b.Write(js)
		b.WriteByte('\n')
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// testRecode: re-coding with the same coder changes nothing, a coder that drops an event type keeps
// the other events' ids, ids are never reused, and analyst edits survive re-codes and merges.
func testRecode(t *testing.T, s Store) {
	ctx := t.Context()
	clock := time.Unix(1_750_000_000, 0)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	full := pipeline.New(s, lineCoder{}, now)
	docs := []string{
		"Dounzara|14.3594|-5.9921|2025-03-10|Attack|Unidentified Armed Group (Mali)|5",
		"Dounzara|14.3594|-5.9921|2025-03-10|Attack|Unidentified Armed Group (Mali)|7\nTessit|15.0133|0.9839|2025-03-12|Armed clash|Military Forces of Mali (2021-)|4",
		"Bamako|12.6392|-8.0029|2025-03-11|Peaceful protest|Protesters (Mali)|0",
	}
	ingest := func(p *pipeline.Pipeline, i int, text string) pipeline.Result {
		t.Helper()
		d := document.Document{ID: fmt.Sprintf("doc-%d", i), Outlet: fmt.Sprintf("Outlet %d", i), Text: text,
			Published: time.Date(2025, 3, 13, i, 0, 0, 0, time.UTC)}
		d.ContentHash = document.HashText(d.Text)
		res, err := p.Ingest(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for i, text := range docs {
		ingest(full, i, text)
	}
	if _, n := counts(t, s); n != 3 {
		t.Fatalf("%d events after ingest, want 3", n)
	}
	recode := func(p *pipeline.Pipeline) pipeline.RecodeResult {
		t.Helper()
		res, err := p.Recode(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	before := Snapshot(t, s)
	res := recode(full)
	if res.Unchanged != 3 || res.Documents != 3 || res.Changed+res.New+res.Merged+res.Deleted != 0 {
		t.Errorf("recode with the same coder: %+v, want 3 unchanged", res)
	}
	if after := Snapshot(t, s); after != before {
		t.Errorf("recode with the same coder changed the events:\nbefore %s\nafter  %s", before, after)
	}

	// An edit, then a re-code: the edit stays, and a second re-code changes nothing.
	ev, _, err := full.Edit(ctx, "MLI1", []event.Edit{{Field: "fatalities", Value: "9", By: "ana", Note: "hospital count"}})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Fatalities != 9 {
		t.Fatalf("edited fatalities %d, want 9", ev.Fatalities)
	}
	edited := Snapshot(t, s)
	recode(full)
	if got := Snapshot(t, s); got != edited {
		t.Errorf("recode after an edit changed the events:\nbefore %s\nafter  %s", edited, got)
	}

	// A coder that no longer codes protests: the protest goes, the others keep their ids and the edit.
	// A dry run says so and changes nothing.
	beforeDry := Snapshot(t, s)
	dry, err := pipeline.New(s, lineCoder{skip: event.Protests}, now).RecodeDryRun(ctx)
	if err != nil || dry.Deleted != 1 || dry.Unchanged != 2 {
		t.Errorf("dry run without protests: %+v, %v; want 1 deleted, 2 unchanged", dry, err)
	}
	if got := Snapshot(t, s); got != beforeDry {
		t.Errorf("a dry run changed the events")
	}
	res = recode(pipeline.New(s, lineCoder{skip: event.Protests}, now))
	if res.Deleted != 1 || res.Unchanged != 2 {
		t.Errorf("recode without protests: %+v, want 1 deleted, 2 unchanged", res)
	}
	if _, err := s.Event(ctx, "MLI3"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("the dropped protest MLI3: %v, want storage.ErrNotFound", err)
	}
	for id, want := range map[string]string{"MLI1": "Dounzara", "MLI2": "Tessit"} {
		got, err := s.Event(ctx, id)
		if err != nil || got.Location != want {
			t.Errorf("Event(%s) = %s, %v; want the %s event", id, got.Location, err, want)
		}
	}
	// Coded again, the protest is a new event: its old id is not reused.
	recode(full)
	var ids []string
	if err := s.Events(ctx, event.Filter{}, func(e event.Event) error { ids = append(ids, e.EventIDCnty+"@"+e.Location); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, " ") != "MLI1@Dounzara MLI4@Bamako MLI2@Tessit" {
		t.Errorf("events after coding protests again: %v, want MLI1, MLI4 (new), MLI2", ids)
	}

	// A later report merging into the edited event keeps the edit.
	res4 := ingest(full, 4, "Dounzara|14.3594|-5.9921|2025-03-10|Attack|Unidentified Armed Group (Mali)|6")
	if len(res4.Events) != 1 || res4.Events[0] != "MLI1" {
		t.Fatalf("the later report went to %v, want MLI1", res4.Events)
	}
	got, err := s.Event(ctx, "MLI1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Fatalities != 9 || len(got.Sources) != 3 {
		t.Errorf("MLI1 after a later report: fatalities %d with %d sources, want the edited 9 with 3 sources", got.Fatalities, len(got.Sources))
	}
}
