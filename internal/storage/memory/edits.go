package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
)

// The edits and re-code half of pipeline.Tx.

func (t *tx) StoredEvent(ctx context.Context, id string) (pipeline.Stored, error) {
	if survivor, ok := t.s.aliases[id]; ok {
		id = survivor
	}
	st, ok := t.s.events[id]
	if !ok {
		return pipeline.Stored{}, fmt.Errorf("event %s: %w", id, ErrNotFound)
	}
	return st.s, nil
}

func (t *tx) AllEvents(ctx context.Context) ([]pipeline.Stored, error) {
	var out []pipeline.Stored
	for _, id := range t.s.order {
		if st, ok := t.s.events[id]; ok {
			out = append(out, st.s)
		}
	}
	slices.SortFunc(out, func(a, b pipeline.Stored) int {
		switch {
		case a.Event.EventIDCnty < b.Event.EventIDCnty:
			return -1
		case a.Event.EventIDCnty > b.Event.EventIDCnty:
			return 1
		}
		return 0
	})
	return out, nil
}

func (t *tx) DeleteEvent(ctx context.Context, id string) error {
	prev, ok := t.s.events[id]
	if !ok {
		return fmt.Errorf("event %s: %w", id, ErrNotFound)
	}
	delete(t.s.events, id)
	t.undo = append(t.undo, func() { t.s.events[id] = prev })
	return nil
}

func (t *tx) DocumentIDs(ctx context.Context) ([]string, error) {
	return slices.Clone(t.s.docOrder), nil
}

func (t *tx) AddEdit(ctx context.Context, e event.Edit) (int64, error) {
	if e.EventID == "" || e.Field == "" {
		return 0, fmt.Errorf("add edit: empty event id or field")
	}
	e.Seq = int64(len(t.s.edits)) + 1
	t.s.edits = append(t.s.edits, e)
	t.undo = append(t.undo, func() { t.s.edits = t.s.edits[:len(t.s.edits)-1] })
	return e.Seq, nil
}

func (t *tx) Edits(ctx context.Context, id string) ([]event.Edit, error) {
	var out []event.Edit
	for _, e := range t.s.edits {
		if e.EventID == id || t.s.aliases[e.EventID] == id {
			out = append(out, e)
		}
	}
	return out, nil
}

// EventEdits returns the event an id resolves to and the edits that apply to it, oldest first.
func (s *Store) EventEdits(ctx context.Context, id string) (string, []event.Edit, error) {
	var edits []event.Edit
	err := s.Update(ctx, func(ptx pipeline.Tx) error {
		st, err := ptx.StoredEvent(ctx, id)
		if err != nil {
			return err
		}
		id = st.Event.EventIDCnty
		edits, err = ptx.Edits(ctx, id)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return id, edits, nil
}
