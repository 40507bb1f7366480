package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// Events calls fn for each event matching f, ordered by event_date then event_id_cnty, streaming from
// one read snapshot. Background events are left out unless f.IncludeBackground. An error from fn stops
// the walk and is returned as is.
func (s *Store) Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error {
	// Dates compare as text, so a malformed one would silently select the wrong events.
	for _, d := range []string{f.Since, f.Until} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return fmt.Errorf("sqlite: events: date %q is not YYYY-MM-DD", d)
		}
	}
	var where []string
	var args []any
	if c := strings.TrimSpace(f.Country); c != "" {
		where = append(where, "e.country_key = ?")
		args = append(args, strings.ToLower(c))
	}
	if f.Since != "" {
		where = append(where, "e.event_date >= ?")
		args = append(args, f.Since)
	}
	if f.Until != "" {
		where = append(where, "e.event_date <= ?")
		args = append(args, f.Until)
	}
	if !f.IncludeBackground {
		where = append(where, "e.background = 0")
	}
	q := selectEvents(false)
	if len(where) > 0 {
		q += "WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY e.event_date, e.event_id_cnty"
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("sqlite: events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanEvent(rows, false)
		if err != nil {
			return fmt.Errorf("sqlite: events: %w", err)
		}
		if err := fn(st.Event); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: events: %w", err)
	}
	return nil
}

// Event returns one event by id; an id merged away returns the event that absorbed it (whose
// EventIDCnty differs from id). A missing id gives an error wrapping storage.ErrNotFound.
func (s *Store) Event(ctx context.Context, id string) (event.Event, error) {
	// One read transaction, so an alias and its survivor are seen from the same snapshot.
	rtx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return event.Event{}, fmt.Errorf("sqlite: event %s: %w", id, err)
	}
	defer rtx.Rollback()
	var survivor string
	err = rtx.QueryRowContext(ctx, `SELECT survivor FROM event_aliases WHERE id = ?`, id).Scan(&survivor)
	switch {
	case err == nil:
		id = survivor
	case !errors.Is(err, sql.ErrNoRows):
		return event.Event{}, fmt.Errorf("sqlite: event %s: %w", id, err)
	}
	rows, err := rtx.QueryContext(ctx, selectEvents(false)+"WHERE e.event_id_cnty = ?", id)
	if err != nil {
		return event.Event{}, fmt.Errorf("sqlite: event %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return event.Event{}, fmt.Errorf("sqlite: event %s: %w", id, err)
		}
		return event.Event{}, notFound("event", id)
	}
	st, err := scanEvent(rows, false)
	if err != nil {
		return event.Event{}, fmt.Errorf("sqlite: event %s: %w", id, err)
	}
	return st.Event, nil
}

// Document returns a stored document by id, for the API and evidence display.
func (s *Store) Document(ctx context.Context, id string) (document.Document, error) {
	row := s.r.QueryRowContext(ctx, `SELECT `+documentCols+` FROM documents WHERE id = ?`, id)
	return scanDocument(row, id)
}
