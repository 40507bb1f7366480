package pipeline

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// scratch is the empty in-memory store Recode clusters reports in: the part of Tx that place uses,
// with events indexed by cell. It allocates ids per country from 1, as a new store would, so that the
// clustering never depends on the ids of the store being re-coded.
type scratch struct {
	events   map[string]Stored
	cellOf   map[string]int64
	byCell   map[int64][]string
	order    []string // ids in creation order
	counters map[string]int
}

var _ Tx = (*scratch)(nil)

func newScratch() *scratch {
	return &scratch{events: map[string]Stored{}, cellOf: map[string]int64{}, byCell: map[int64][]string{},
		counters: map[string]int{}}
}

// live returns the events in creation order.
func (s *scratch) live() []Stored {
	out := make([]Stored, 0, len(s.events))
	for _, id := range s.order {
		if st, ok := s.events[id]; ok {
			out = append(out, st)
		}
	}
	return out
}

func (s *scratch) NearbyEvents(ctx context.Context, cells []int64, from, to string) ([]Stored, error) {
	var out []Stored
	seen := map[int64]bool{}
	for _, c := range cells {
		if seen[c] {
			continue
		}
		seen[c] = true
		for _, id := range s.byCell[c] {
			st := s.events[id]
			start, end := spanOf(st.Event)
			if end >= from && start <= to {
				out = append(out, st)
			}
		}
	}
	return out, nil
}

// spanOf is the [start, end] the stores index an event under (record.Span).
func spanOf(e event.Event) (string, string) {
	start, end := e.DateStart, e.DateEnd
	if start == "" {
		start = e.EventDate
	}
	if end == "" {
		end = max(e.EventDate, start)
	}
	if start == "" {
		start = end
	}
	if end < start {
		start, end = end, start
	}
	return start, end
}

func (s *scratch) NewEventID(ctx context.Context, iso3 string) (string, error) {
	s.counters[iso3]++
	return fmt.Sprintf("%s%d", iso3, s.counters[iso3]), nil
}

func (s *scratch) SaveEvent(ctx context.Context, st Stored, cell int64) error {
	id := st.Event.EventIDCnty
	if _, ok := s.events[id]; !ok {
		s.order = append(s.order, id)
	} else {
		s.unindex(id)
	}
	s.events[id] = st
	s.cellOf[id] = cell
	s.byCell[cell] = append(s.byCell[cell], id)
	return nil
}

func (s *scratch) unindex(id string) {
	c := s.cellOf[id]
	s.byCell[c] = slices.DeleteFunc(s.byCell[c], func(x string) bool { return x == id })
	delete(s.cellOf, id)
}

func (s *scratch) MergeAway(ctx context.Context, id, survivor string) error {
	if _, ok := s.events[id]; !ok {
		return fmt.Errorf("scratch: merge away %s: no such event", id)
	}
	s.unindex(id)
	delete(s.events, id)
	return nil
}

// Edits: the scratch clustering works on the coder's reports alone.
func (s *scratch) Edits(ctx context.Context, id string) ([]event.Edit, error) { return nil, nil }

var errScratch = errors.New("scratch store: not used by the clustering")

func (s *scratch) KnownDocument(ctx context.Context, d document.Document) (string, bool, error) {
	return "", false, errScratch
}
func (s *scratch) PutDocument(ctx context.Context, d document.Document) error { return errScratch }
func (s *scratch) Document(ctx context.Context, id string) (document.Document, error) {
	return document.Document{}, errScratch
}
func (s *scratch) MentionsOf(ctx context.Context, documentID string) ([]Mention, error) {
	return nil, errScratch
}
func (s *scratch) StoredEvent(ctx context.Context, id string) (Stored, error) {
	return Stored{}, errScratch
}
func (s *scratch) AllEvents(ctx context.Context) ([]Stored, error)   { return s.live(), nil }
func (s *scratch) DeleteEvent(ctx context.Context, id string) error  { return errScratch }
func (s *scratch) DocumentIDs(ctx context.Context) ([]string, error) { return nil, errScratch }
func (s *scratch) AddEdit(ctx context.Context, e event.Edit) (int64, error) {
	return 0, errScratch
}
