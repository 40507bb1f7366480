// Package memory is a store that lives in memory only: `sitrep extract` and evaluations code and
// deduplicate documents with it without touching a database file.
package memory

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// ErrNotFound is returned (wrapped) for unknown ids; it is storage.ErrNotFound, as the SQL stores
// return.
var ErrNotFound = storage.ErrNotFound

// Store holds documents and events in maps. Update runs transactions one at a time on a copy-free
// basis: a failed transaction's writes are undone from a journal.
type Store struct {
	mu       sync.Mutex
	docs     map[string]document.Document
	byKey    map[string]string // "url:", "guid:", "hash:" keys → document id
	events   map[string]stored
	aliases  map[string]string
	counters map[string]int
	order    []string // event ids in creation order
	docOrder []string // document ids in the order stored
	edits    []event.Edit
}

type stored struct {
	s    pipeline.Stored
	cell int64
}

// New returns an empty store.
func New() *Store {
	return &Store{docs: map[string]document.Document{}, byKey: map[string]string{}, events: map[string]stored{},
		aliases: map[string]string{}, counters: map[string]int{}}
}

// Update runs fn as one transaction: on error every change it made is rolled back.
func (s *Store) Update(ctx context.Context, fn func(pipeline.Tx) error) (err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx := &tx{s: s}
	defer func() {
		if r := recover(); r != nil {
			tx.rollback()
			panic(r)
		}
		if err != nil {
			tx.rollback()
		}
	}()
	return fn(tx)
}

// Events calls fn for each event the filter selects, in date order.
func (s *Store) Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error {
	s.mu.Lock()
	var evs []event.Event
	for _, id := range s.order {
		st, ok := s.events[id]
		if !ok {
			continue
		}
		if e := st.s.Event; f.Match(e) {
			evs = append(evs, e)
		}
	}
	s.mu.Unlock()
	slices.SortStableFunc(evs, func(a, b event.Event) int {
		if a.EventDate != b.EventDate {
			if a.EventDate < b.EventDate {
				return -1
			}
			return 1
		}
		return 0
	})
	for _, e := range evs {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// Event returns one event by id; an id merged away returns the event that absorbed it.
func (s *Store) Event(ctx context.Context, id string) (event.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if survivor, ok := s.aliases[id]; ok {
		id = survivor
	}
	st, ok := s.events[id]
	if !ok {
		return event.Event{}, fmt.Errorf("event %s: %w", id, ErrNotFound)
	}
	return st.s.Event, nil
}

type tx struct {
	s    *Store
	undo []func()
}

func (t *tx) rollback() {
	for i := len(t.undo) - 1; i >= 0; i-- {
		t.undo[i]()
	}
}

func docKeys(d document.Document) []string {
	var keys []string
	if d.URL != "" {
		keys = append(keys, "url:"+d.URL)
	}
	if d.GUID != "" {
		keys = append(keys, "guid:"+d.GUID)
	}
	if d.ContentHash != "" {
		keys = append(keys, "hash:"+d.ContentHash)
	}
	return keys
}

func (t *tx) KnownDocument(ctx context.Context, d document.Document) (string, bool, error) {
	for _, k := range docKeys(d) {
		if id, ok := t.s.byKey[k]; ok {
			return id, true, nil
		}
	}
	return "", false, nil
}

func (t *tx) PutDocument(ctx context.Context, d document.Document) error {
	if _, ok := t.s.docs[d.ID]; ok {
		return fmt.Errorf("document %s: already stored", d.ID)
	}
	t.s.docs[d.ID] = d
	t.s.docOrder = append(t.s.docOrder, d.ID)
	t.undo = append(t.undo, func() { delete(t.s.docs, d.ID); t.s.docOrder = t.s.docOrder[:len(t.s.docOrder)-1] })
	for _, k := range docKeys(d) {
		if _, ok := t.s.byKey[k]; !ok {
			t.s.byKey[k] = d.ID
			t.undo = append(t.undo, func() { delete(t.s.byKey, k) })
		}
	}
	return nil
}

func (t *tx) Document(ctx context.Context, id string) (document.Document, error) {
	d, ok := t.s.docs[id]
	if !ok {
		return d, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	return d, nil
}

func (t *tx) NearbyEvents(ctx context.Context, cells []int64, from, to string) ([]pipeline.Stored, error) {
	var out []pipeline.Stored
	for _, id := range t.s.order {
		st, ok := t.s.events[id]
		if !ok || !slices.Contains(cells, st.cell) {
			continue
		}
		start, end := st.s.Event.EventDate, st.s.Event.EventDate
		if st.s.Event.DateStart != "" && st.s.Event.DateStart < start {
			start = st.s.Event.DateStart
		}
		if st.s.Event.DateEnd != "" && st.s.Event.DateEnd > end {
			end = st.s.Event.DateEnd
		}
		if end < from || start > to {
			continue
		}
		out = append(out, st.s)
	}
	return out, nil
}

func (t *tx) NewEventID(ctx context.Context, iso3 string) (string, error) {
	t.s.counters[iso3]++
	n := t.s.counters[iso3]
	t.undo = append(t.undo, func() { t.s.counters[iso3]-- })
	return fmt.Sprintf("%s%d", iso3, n), nil
}

func (t *tx) SaveEvent(ctx context.Context, s pipeline.Stored, cell int64) error {
	id := s.Event.EventIDCnty
	prev, existed := t.s.events[id]
	t.s.events[id] = stored{s: s, cell: cell}
	if !existed {
		t.s.order = append(t.s.order, id)
	}
	// A live event is never also an alias.
	if a, ok := t.s.aliases[id]; ok {
		delete(t.s.aliases, id)
		t.undo = append(t.undo, func() { t.s.aliases[id] = a })
	}
	t.undo = append(t.undo, func() {
		if existed {
			t.s.events[id] = prev
		} else {
			delete(t.s.events, id)
			t.s.order = slices.DeleteFunc(t.s.order, func(x string) bool { return x == id })
		}
	})
	return nil
}

func (t *tx) MergeAway(ctx context.Context, id, survivor string) error {
	prev, ok := t.s.events[id]
	if !ok {
		return fmt.Errorf("event %s: %w", id, ErrNotFound)
	}
	if s, ok := t.s.aliases[survivor]; ok {
		survivor = s
	}
	delete(t.s.events, id)
	t.s.aliases[id] = survivor
	t.undo = append(t.undo, func() { t.s.events[id] = prev; delete(t.s.aliases, id) })
	// Aliases stay one hop, as in the SQL stores: ids merged into id now point at its survivor.
	for a, s := range t.s.aliases {
		if s == id {
			t.s.aliases[a] = survivor
			t.undo = append(t.undo, func() { t.s.aliases[a] = id })
		}
	}
	return nil
}

func (t *tx) MentionsOf(ctx context.Context, documentID string) ([]pipeline.Mention, error) {
	var out []pipeline.Mention
	for _, id := range t.s.order {
		st, ok := t.s.events[id]
		if !ok {
			continue
		}
		for _, m := range st.s.Mentions {
			if m.DocumentID == documentID {
				out = append(out, m)
			}
		}
	}
	slices.SortFunc(out, func(a, b pipeline.Mention) int { return a.Index - b.Index })
	return out, nil
}
