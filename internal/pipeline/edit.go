package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// ErrInvalidEdit wraps every reason an edit is refused (an unknown field, a malformed value, a
// sub-event type outside the event type), so callers can answer 400 rather than 500.
var ErrInvalidEdit = errors.New("invalid edit")

// Edit stores analyst edits of one event and re-derives the event with them, in one transaction:
// every change is checked first, and none is stored unless all are valid. id may be an id merged
// away (the edit goes to the event that absorbed it). Each change needs Field and Value; By and Note
// are kept as given, EventID and At are set here. Edit returns the event as now stored and every
// edit that applies to it, oldest first. It needs no coder.
func (p *Pipeline) Edit(ctx context.Context, id string, changes []event.Edit) (event.Event, []event.Edit, error) {
	if len(changes) == 0 {
		return event.Event{}, nil, fmt.Errorf("%w: no field to change", ErrInvalidEdit)
	}
	var out event.Event
	var all []event.Edit
	err := p.store.Update(ctx, func(tx Tx) error {
		st, err := tx.StoredEvent(ctx, id)
		if err != nil {
			return err
		}
		evID := st.Event.EventIDCnty
		at := p.now().UTC()
		pending := make([]event.Edit, len(changes))
		for i, c := range changes {
			if err := c.Normalize(); err != nil {
				return fmt.Errorf("%w: %w", ErrInvalidEdit, err)
			}
			c.EventID, c.At = evID, at
			c.By, c.Note = strings.TrimSpace(c.By), strings.TrimSpace(c.Note)
			pending[i] = c
		}
		prior, err := tx.Edits(ctx, evID)
		if err != nil {
			return fmt.Errorf("edits of %s: %w", evID, err)
		}
		// The batch must leave a consistent record before anything is stored: give the pending edits
		// sequence numbers after the stored ones so they apply last, as they will once stored.
		trial := append([]event.Edit(nil), prior...)
		next := int64(0)
		if len(prior) > 0 {
			next = prior[len(prior)-1].Seq
		}
		for _, c := range pending {
			next++
			c.Seq = next
			trial = append(trial, c)
		}
		if err := checkBatch(p.deriveWith(evID, st.Mentions, st.Event, prior), pending); err != nil {
			return err
		}
		if err := event.CheckEdited(p.deriveWith(evID, st.Mentions, st.Event, trial)); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidEdit, err)
		}
		for _, c := range pending {
			if _, err := tx.AddEdit(ctx, c); err != nil {
				return fmt.Errorf("store edit of %s: %w", evID, err)
			}
		}
		if all, err = tx.Edits(ctx, evID); err != nil {
			return fmt.Errorf("edits of %s: %w", evID, err)
		}
		out = p.deriveWith(evID, st.Mentions, st.Event, all)
		return tx.SaveEvent(ctx, Stored{Event: out, Mentions: st.Mentions}, dedup.Cell(out.Latitude, out.Longitude))
	})
	if err != nil {
		return event.Event{}, nil, fmt.Errorf("edit event %s: %w", id, err)
	}
	return out, all, nil
}

// checkBatch refuses an event type changed without a sub-event type that belongs to it: ApplyEdits
// would otherwise pick one for the analyst.
func checkBatch(current event.Event, batch []event.Edit) error {
	typ, sub := "", current.SubEventType
	for _, c := range batch {
		switch c.Field {
		case "event_type":
			typ = c.Value
		case "sub_event_type":
			sub = c.Value
		}
	}
	if typ != "" && event.TypeOf(sub) != typ {
		return fmt.Errorf("%w: event_type %q needs a sub_event_type of its own (the event's is %q; give sub_event_type too)",
			ErrInvalidEdit, typ, sub)
	}
	return nil
}
