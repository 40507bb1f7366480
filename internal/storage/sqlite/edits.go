package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// The edits and re-code half of pipeline.Tx. These run once per edit, per merged event or per
// re-code, so they are not among the prepared write-path statements.

// StoredEvent returns a live event with its mentions, resolving a merged-away id.
func (t *tx) StoredEvent(ctx context.Context, id string) (pipeline.Stored, error) {
	var survivor string
	err := t.c.tx.QueryRowContext(ctx, `SELECT survivor FROM event_aliases WHERE id = ?`, id).Scan(&survivor)
	switch {
	case err == nil:
		id = survivor
	case !errors.Is(err, sql.ErrNoRows):
		return pipeline.Stored{}, fmt.Errorf("sqlite: event %s: %w", id, err)
	}
	rows, err := t.c.tx.QueryContext(ctx, selectEvents(true)+`WHERE e.event_id_cnty = ?`, id)
	if err != nil {
		return pipeline.Stored{}, fmt.Errorf("sqlite: event %s: %w", id, err)
	}
	defer rows.Close()
	out, err := record.ScanEvents(rows, true)
	if err != nil {
		return pipeline.Stored{}, fmt.Errorf("sqlite: event %s: %w", id, err)
	}
	if len(out) == 0 {
		return pipeline.Stored{}, fmt.Errorf("sqlite: %w", record.NotFound("event", id))
	}
	return out[0], nil
}

// AllEvents returns every live event with its mentions, by id.
func (t *tx) AllEvents(ctx context.Context) ([]pipeline.Stored, error) {
	rows, err := t.c.tx.QueryContext(ctx, selectEvents(true)+`ORDER BY e.event_id_cnty`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: all events: %w", err)
	}
	defer rows.Close()
	out, err := record.ScanEvents(rows, true)
	if err != nil {
		return nil, fmt.Errorf("sqlite: all events: %w", err)
	}
	return out, nil
}

// DeleteEvent deletes a live event; its child rows and mentions go by cascade. The id counter is
// untouched, so the id is never handed out again.
func (t *tx) DeleteEvent(ctx context.Context, id string) error {
	res, err := t.c.tx.ExecContext(ctx, `DELETE FROM events WHERE event_id_cnty = ?`, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete event %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("sqlite: delete event: %w", errors.Join(err, record.NotFound("event", id)))
	}
	return nil
}

// DocumentIDs lists the documents in the order they were stored (rowid: documents are never
// deleted, and VACUUM keeps the rowids' order).
func (t *tx) DocumentIDs(ctx context.Context) ([]string, error) {
	rows, err := t.c.tx.QueryContext(ctx, `SELECT id FROM documents ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: document ids: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlite: document ids: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: document ids: %w", err)
	}
	return ids, nil
}

// AddEdit stores an edit; AUTOINCREMENT gives it a sequence number above every earlier one.
func (t *tx) AddEdit(ctx context.Context, e event.Edit) (int64, error) {
	if e.EventID == "" || e.Field == "" {
		return 0, fmt.Errorf("sqlite: add edit: empty event id or field")
	}
	var seq int64
	err := t.c.tx.QueryRowContext(ctx, `INSERT INTO edits (event_id, field, value, by_whom, at, note)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING seq`,
		e.EventID, e.Field, e.Value, e.By, e.At.UTC().Format(time.RFC3339Nano), e.Note).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("sqlite: add edit of %s: %w", e.EventID, err)
	}
	return seq, nil
}

// Edits returns the edits of id and of the ids merged into it (aliases are one hop), by seq.
func (t *tx) Edits(ctx context.Context, id string) ([]event.Edit, error) {
	return queryEdits(ctx, t.c.tx, id)
}

// EventEdits returns the event an id resolves to (itself, or the survivor of a merge) and the edits
// that apply to it, oldest first, from one read snapshot. An id with no live event gives an error
// wrapping storage.ErrNotFound.
func (s *Store) EventEdits(ctx context.Context, id string) (string, []event.Edit, error) {
	rtx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", nil, fmt.Errorf("sqlite: edits of %s: %w", id, err)
	}
	defer rtx.Rollback()
	var survivor string
	err = rtx.QueryRowContext(ctx, `SELECT survivor FROM event_aliases WHERE id = ?`, id).Scan(&survivor)
	switch {
	case err == nil:
		id = survivor
	case !errors.Is(err, sql.ErrNoRows):
		return "", nil, fmt.Errorf("sqlite: edits of %s: %w", id, err)
	}
	var live bool
	if err := rtx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE event_id_cnty = ?)`, id).Scan(&live); err != nil {
		return "", nil, fmt.Errorf("sqlite: edits of %s: %w", id, err)
	}
	if !live {
		return "", nil, fmt.Errorf("sqlite: %w", record.NotFound("event", id))
	}
	edits, err := queryEdits(ctx, rtx, id)
	return id, edits, err
}

// queryEdits reads the edits of id and of the ids merged into it. UNION ALL rather than OR, so
// that each half uses its index.
func queryEdits(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, id string) ([]event.Edit, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+record.EditCols+` FROM edits
		WHERE event_id = ?1
		UNION ALL SELECT d.seq, d.event_id, d.field, d.value, d.by_whom, d.at, d.note
		FROM event_aliases a JOIN edits d ON d.event_id = a.id WHERE a.survivor = ?1
		ORDER BY 1`, id)
	if err != nil {
		return nil, fmt.Errorf("sqlite: edits of %s: %w", id, err)
	}
	defer rows.Close()
	out, err := record.All(rows, record.ScanEdit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: edits of %s: %w", id, err)
	}
	return out, nil
}
