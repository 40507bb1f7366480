package pipeline_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/coder"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/storage/memory"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

// testStore is what these tests read back.
type testStore interface {
	pipeline.Store
	Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error
	Event(ctx context.Context, id string) (event.Event, error)
}

// stores opens each kind of store the re-code must work on.
func stores(t *testing.T) map[string]testStore {
	t.Helper()
	sq, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sq.Close() })
	return map[string]testStore{"sqlite": sq, "memory": memory.New()}
}

func eventsByID(t *testing.T, s testStore) map[string]event.Event {
	t.Helper()
	out := map[string]event.Event{}
	err := s.Events(t.Context(), event.Filter{IncludeBackground: true}, func(e event.Event) error {
		out[e.EventIDCnty] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ticking is a clock that advances a second per call, so a rewritten event shows a new timestamp.
func ticking() func() time.Time {
	now := time.Unix(1_760_000_000, 0)
	return func() time.Time { now = now.Add(time.Second); return now }
}

func seedDocs(t *testing.T) []document.Document {
	t.Helper()
	return readDocs(t, fixtures.Path(t, "fixtures", "seeds", "articles.jsonl"))
}

// TestRecodeSeedsIdempotent: the seeds ingested, a re-code with the same coder changes nothing at
// all (same events, ids and timestamps; nothing rewritten), and neither does a second one.
func TestRecodeSeedsIdempotent(t *testing.T) {
	docs := seedDocs(t)
	cd, err := coder.Default()
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			p := pipeline.New(s, cd, ticking())
			for _, d := range docs {
				if _, err := p.Ingest(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			before := storetest.Snapshot(t, s)
			n := strings.Count(before, "\n")
			if n < 10 {
				t.Fatalf("only %d events from the seeds", n)
			}
			for round := 1; round <= 2; round++ {
				res, err := p.Recode(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if res.Documents != len(docs) || res.Events != n || res.Unchanged != n || res.Changed+res.New+res.Merged+res.Deleted != 0 {
					t.Errorf("re-code %d: %+v, want %d documents and all %d events unchanged", round, res, len(docs), n)
				}
				if after := storetest.Snapshot(t, s); after != before {
					t.Errorf("re-code %d changed the events:\n%s", round, firstDiff(before, after))
				}
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return "before: " + al[i] + "\nafter:  " + bl[i]
		}
	}
	return "the number of events differs"
}

// dropping is a coder upgrade that stops coding one event type.
type dropping struct {
	inner pipeline.Coder
	typ   string
}

func (d dropping) Code(ctx context.Context, doc document.Document) ([]event.Event, error) {
	evs, err := d.inner.Code(ctx, doc)
	return slices.DeleteFunc(evs, func(e event.Event) bool { return e.EventType == d.typ }), err
}

// TestRecodeDroppedTypeKeepsOtherIDs: after a coder that no longer codes one event type, every event
// still built from other reports keeps its id, no new id appears, and the events that only held the
// dropped type are gone (or resolve to the event their documents now feed).
func TestRecodeDroppedTypeKeepsOtherIDs(t *testing.T) {
	docs := seedDocs(t)
	cd, err := coder.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{event.Battles, event.ViolenceCivilians} {
		t.Run(typ, func(t *testing.T) {
			ctx := t.Context()
			s := memory.New()
			p := pipeline.New(s, cd, ticking())
			for _, d := range docs {
				if _, err := p.Ingest(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			// What each old event was built from.
			kept := map[string]bool{} // ids with a report of another type told outright
			// ids whose only reports of another type are recollections: those may stand alone
			// after the re-code, or move to an event they now fit better.
			recalled := map[string]bool{}
			dropped := 0
			err := s.Update(ctx, func(tx pipeline.Tx) error {
				all, err := tx.AllEvents(ctx)
				for _, st := range all {
					id := st.Event.EventIDCnty
					for _, m := range st.Mentions {
						if m.Event.EventType != typ {
							if m.Corroborating() {
								recalled[id] = true
							} else {
								kept[id] = true
							}
						}
					}
					if kept[id] {
						delete(recalled, id)
					} else if !recalled[id] {
						dropped++
					}
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if dropped == 0 {
				t.Fatalf("no seed event is only of type %s: the test would prove nothing", typ)
			}
			res, err := pipeline.New(s, dropping{cd, typ}, ticking()).Recode(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if gone := res.Deleted + res.Merged; res.New != 0 || gone < dropped || gone > dropped+len(recalled) {
				t.Errorf("re-code without %s: %+v; want no new id and the %d events of that type alone gone (and at most %d recalled ones)",
					typ, res, dropped, len(recalled))
			}
			after := eventsByID(t, s)
			// The same events as ingesting the documents afresh with the new coder, ids aside.
			fresh := memory.New()
			fp := pipeline.New(fresh, dropping{cd, typ}, ticking())
			for _, d := range docs {
				if _, err := fp.Ingest(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := contents(t, after), contents(t, eventsByID(t, fresh)); !slices.Equal(got, want) {
				t.Errorf("re-coded events differ from a fresh ingest with the new coder:\n%s", firstDiff(strings.Join(want, "\n"), strings.Join(got, "\n")))
			}
			for id := range after {
				if !kept[id] && !recalled[id] {
					t.Errorf("event %s after the re-code was not an event with other reports before", id)
				}
			}
			for id := range kept {
				if _, ok := after[id]; !ok {
					t.Errorf("event %s, built from reports the new coder still makes, lost its id", id)
				}
			}
			for _, e := range after {
				if e.EventType == typ && len(e.Sources) > 0 {
					// Only an edit could give a re-coded event the dropped type; there are none here.
					t.Errorf("event %s still has the dropped type %s", e.EventIDCnty, typ)
				}
			}
		})
	}
}

// contents are the events' JSON without id and timestamp, sorted: what an export says of them.
func contents(t *testing.T, evs map[string]event.Event) []string {
	t.Helper()
	var out []string
	for _, e := range evs {
		e.EventIDCnty, e.Timestamp = "", 0
		e.FillEmpty()
		slices.SortStableFunc(e.Evidence, func(a, b event.Evidence) int {
			return strings.Compare(fmt.Sprint(a.SourceID, a.Start, a.End, a.Field), fmt.Sprint(b.SourceID, b.Start, b.End, b.Field))
		})
		js, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(js))
	}
	slices.Sort(out)
	return out
}

// TestEditsSurviveMergeAndRecode: analyst edits hold when a later report merges into the edited
// event and through re-codes, and "not an event" hides an event from lists.
func TestEditsSurviveMergeAndRecode(t *testing.T) {
	docs := seedDocs(t)
	cd, err := coder.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Find, in a trial run, a document whose reports merge into events of earlier documents.
	trial := pipeline.New(memory.New(), cd, nil)
	late := -1
	for i, d := range docs {
		res, err := trial.Ingest(t.Context(), d)
		if err != nil {
			t.Fatal(err)
		}
		if res.EventsUpdated > 0 {
			late = i
		}
	}
	if late < 0 {
		t.Fatal("no seed document merges into an earlier event")
	}
	for name, s := range stores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			p := pipeline.New(s, cd, ticking())
			for i, d := range docs {
				if i != late {
					if _, err := p.Ingest(ctx, d); err != nil {
						t.Fatal(err)
					}
				}
			}
			// Every event gets its own edited toll, so whichever the late report joins is edited.
			want := map[string]int{}
			i := 0
			for id := range eventsByID(t, s) {
				i++
				want[id] = 1000 + i
				ev, edits, err := p.Edit(ctx, id, []event.Edit{
					{Field: "fatalities", Value: strconv.Itoa(want[id]), By: "ana", Note: "checked with the hospital"},
					{Field: "status", Value: "reviewed", By: "ana"},
				})
				if err != nil {
					t.Fatal(err)
				}
				if ev.Fatalities != want[id] || ev.Status != event.StatusReviewed || len(edits) != 2 || edits[0].EventID != id {
					t.Fatalf("after editing %s: fatalities %d status %s edits %+v", id, ev.Fatalities, ev.Status, edits)
				}
			}
			check := func(when string) {
				t.Helper()
				for id, n := range want {
					got, err := s.Event(ctx, id)
					if err != nil {
						t.Fatalf("%s: %v", when, err)
					}
					if got.EventIDCnty != id {
						// Merged into another edited event: the survivor's own edit is the latest.
						continue
					}
					if got.Fatalities != n || got.Status != event.StatusReviewed {
						t.Errorf("%s: %s has fatalities %d, status %s; want the edited %d, reviewed", when, id, got.Fatalities, got.Status, n)
					}
					marked := false
					for _, e := range got.Evidence {
						marked = marked || e.Field == "fatalities" && strings.HasPrefix(e.SourceID, event.EditSourcePrefix)
					}
					if !marked {
						t.Errorf("%s: the edited fatalities of %s carry no edit evidence", when, id)
					}
				}
			}
			res, err := p.Ingest(ctx, docs[late])
			if err != nil {
				t.Fatal(err)
			}
			if res.EventsUpdated == 0 {
				t.Fatalf("the late document merged into no event: %+v", res)
			}
			check("after the late report")
			if _, err := p.Recode(ctx); err != nil {
				t.Fatal(err)
			}
			check("after a re-code")

			// Not an event: hidden from lists, still found by id, and kept so through a re-code.
			target := res.Events[0]
			if _, _, err := p.Edit(ctx, target, []event.Edit{{Field: "not_an_event", Value: "true", By: "ana"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := p.Recode(ctx); err != nil {
				t.Fatal(err)
			}
			var listed bool
			err = s.Events(ctx, event.Filter{}, func(e event.Event) error {
				listed = listed || e.EventIDCnty == target
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Event(ctx, target)
			if listed || err != nil || got.Status != event.StatusNotEvent {
				t.Errorf("rejected event %s: listed %v, lookup %v, status %q", target, listed, err, got.Status)
			}
		})
	}
}

// TestEditRefused: bad edits are refused whole, with ErrInvalidEdit, and store nothing.
func TestEditRefused(t *testing.T) {
	ctx := t.Context()
	s := memory.New()
	p := pipeline.New(s, nil, nil)
	ev := event.Event{EventIDCnty: "MLI1", EventDate: "2024-09-17", EventType: event.Battles, SubEventType: "Armed clash",
		Actor1: "Military Forces of Mali (2021-)", Country: "Mali", Status: event.StatusAuto}
	if err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.SaveEvent(ctx, pipeline.Stored{Event: ev}, 1) }); err != nil {
		t.Fatal(err)
	}
	for _, batch := range [][]event.Edit{
		nil,
		{{Field: "fatalities", Value: "5"}, {Field: "colour", Value: "red"}},
		{{Field: "event_date", Value: "17/09/2024"}},
		{{Field: "event_type", Value: "Protests"}}, // its sub-event type would not fit
	} {
		if _, _, err := p.Edit(ctx, "MLI1", batch); !errors.Is(err, pipeline.ErrInvalidEdit) {
			t.Errorf("Edit(%+v) = %v, want ErrInvalidEdit", batch, err)
		}
	}
	if _, _, err := p.Edit(ctx, "MLI9", []event.Edit{{Field: "fatalities", Value: "1"}}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Edit of an unknown event: %v, want storage.ErrNotFound", err)
	}
	got, err := eventOf(s, "MLI1")
	if err != nil || got.Fatalities != 0 {
		t.Errorf("a refused batch changed the event: %+v %v", got, err)
	}
	// Both halves of a type change together are fine, on an event stored without mentions.
	got, _, err = p.Edit(ctx, "MLI1", []event.Edit{{Field: "event_type", Value: "protests"}, {Field: "sub_event_type", Value: "peaceful protest"}})
	if err != nil || got.EventType != event.Protests || got.DisorderType != event.Demonstrations || got.Actor1 != ev.Actor1 {
		t.Errorf("type change: %+v, %v", got, err)
	}
}

func eventOf(s *memory.Store, id string) (event.Event, error) {
	var out event.Event
	err := s.Update(context.Background(), func(tx pipeline.Tx) error {
		st, err := tx.StoredEvent(context.Background(), id)
		out = st.Event
		return err
	})
	return out, err
}
