package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// The edits and re-code half of pipeline.Tx.

// StoredEvent returns a live event with its mentions, resolving a merged-away id. It first takes the
// advisory lock of the event's cell, the lock an ingest placing a report nearby holds from
// NearbyEvents to its commit: otherwise an ingest that read the event's edits before this
// transaction committed would save the event again without the new edit. The row is then locked
// (FOR UPDATE), so two analysts editing one event apply their edits one after the other.
func (t *tx) StoredEvent(ctx context.Context, id string) (pipeline.Stored, error) {
	var survivor string
	err := t.tx.QueryRow(ctx, `SELECT survivor FROM event_aliases WHERE id = $1`, id).Scan(&survivor)
	switch {
	case err == nil:
		id = survivor
	case !errors.Is(err, pgx.ErrNoRows):
		return pipeline.Stored{}, fmt.Errorf("postgres: event %s: %w", id, err)
	}
	// The cell lock first, then the row: the order an ingest takes them in, so the two never wait
	// for each other in a cycle.
	locked := int64(math.MinInt64)
	for {
		var cell int64
		err := t.tx.QueryRow(ctx, `SELECT cell FROM events WHERE event_id_cnty = $1`, id).Scan(&cell)
		if errors.Is(err, pgx.ErrNoRows) {
			// Merged away since the alias lookup? Then edit the survivor.
			var survivor string
			if err := t.tx.QueryRow(ctx, `SELECT survivor FROM event_aliases WHERE id = $1`, id).Scan(&survivor); err == nil && survivor != id {
				id, locked = survivor, math.MinInt64
				continue
			}
			return pipeline.Stored{}, fmt.Errorf("postgres: %w", record.NotFound("event", id))
		}
		if err != nil {
			return pipeline.Stored{}, fmt.Errorf("postgres: event %s: %w", id, err)
		}
		if cell == locked {
			break
		}
		if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::int8)`, cell); err != nil {
			return pipeline.Stored{}, fmt.Errorf("postgres: lock the cell of event %s: %w", id, err)
		}
		// Read again under the lock: a merge committed meanwhile may have moved the event.
		locked = cell
	}
	if _, err := t.tx.Exec(ctx, `SELECT 1 FROM events WHERE event_id_cnty = $1 FOR UPDATE`, id); err != nil {
		return pipeline.Stored{}, fmt.Errorf("postgres: lock event %s: %w", id, err)
	}
	rows, err := t.tx.Query(ctx, selectEvents(true)+`WHERE e.event_id_cnty = $1`, id)
	if err != nil {
		return pipeline.Stored{}, fmt.Errorf("postgres: event %s: %w", id, err)
	}
	defer rows.Close()
	out, err := record.ScanEvents(rows, true)
	if err != nil {
		return pipeline.Stored{}, fmt.Errorf("postgres: event %s: %w", id, err)
	}
	if len(out) == 0 {
		return pipeline.Stored{}, fmt.Errorf("postgres: %w", record.NotFound("event", id))
	}
	return out[0], nil
}

// AllEvents returns every live event with its mentions, by id. Writers are locked out first, until
// the transaction ends, since a re-code rebuilds from what it reads here: the documents table in
// SHARE mode waits for ingests that have stored their document to commit and stops new ones before
// they read any event (an ingest stores its document before NearbyEvents), so none places a report
// among events the re-code is replacing; the events table stops other writers (edits).
func (t *tx) AllEvents(ctx context.Context) ([]pipeline.Stored, error) {
	if _, err := t.tx.Exec(ctx, `LOCK TABLE documents IN SHARE MODE`); err != nil {
		return nil, fmt.Errorf("postgres: all events: lock documents: %w", err)
	}
	if _, err := t.tx.Exec(ctx, `LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return nil, fmt.Errorf("postgres: all events: lock events: %w", err)
	}
	rows, err := t.tx.Query(ctx, selectEvents(true)+`ORDER BY e.event_id_cnty`)
	if err != nil {
		return nil, fmt.Errorf("postgres: all events: %w", err)
	}
	defer rows.Close()
	out, err := record.ScanEvents(rows, true)
	if err != nil {
		return nil, fmt.Errorf("postgres: all events: %w", err)
	}
	return out, nil
}

// DeleteEvent deletes a live event; its child rows and mentions go by cascade. The id counter is
// untouched, so the id is never handed out again.
func (t *tx) DeleteEvent(ctx context.Context, id string) error {
	tag, err := t.tx.Exec(ctx, `DELETE FROM events WHERE event_id_cnty = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: delete event %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: delete event: %w", record.NotFound("event", id))
	}
	return nil
}

// DocumentIDs lists the documents in the order they were stored (ingest_seq, migration 00007).
func (t *tx) DocumentIDs(ctx context.Context) ([]string, error) {
	rows, err := t.tx.Query(ctx, `SELECT id FROM documents ORDER BY ingest_seq`)
	if err != nil {
		return nil, fmt.Errorf("postgres: document ids: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgres: document ids: %w", err)
	}
	return ids, nil
}

// AddEdit stores an edit. Identity values are handed out in order but a concurrent transaction may
// commit a lower one later; edits of one event are serialised by StoredEvent's row lock.
func (t *tx) AddEdit(ctx context.Context, e event.Edit) (int64, error) {
	if e.EventID == "" || e.Field == "" {
		return 0, fmt.Errorf("postgres: add edit: empty event id or field")
	}
	var seq int64
	err := t.tx.QueryRow(ctx, `INSERT INTO edits (event_id, field, value, by_whom, at, note)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
		e.EventID, e.Field, e.Value, e.By, e.At.UTC().Format(time.RFC3339Nano), e.Note).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("postgres: add edit of %s: %w", e.EventID, err)
	}
	return seq, nil
}

// Edits returns the edits of id and of the ids merged into it (aliases are one hop), by seq.
func (t *tx) Edits(ctx context.Context, id string) ([]event.Edit, error) {
	return queryEdits(ctx, t.tx, id)
}

// EventEdits returns the event an id resolves to (itself, or the survivor of a merge) and the edits
// that apply to it, oldest first, from one read snapshot. An id with no live event gives an error
// wrapping storage.ErrNotFound.
func (s *Store) EventEdits(ctx context.Context, id string) (string, []event.Edit, error) {
	rtx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return "", nil, fmt.Errorf("postgres: edits of %s: %w", id, err)
	}
	defer rtx.Rollback(context.WithoutCancel(ctx))
	var survivor string
	err = rtx.QueryRow(ctx, `SELECT survivor FROM event_aliases WHERE id = $1`, id).Scan(&survivor)
	switch {
	case err == nil:
		id = survivor
	case !errors.Is(err, pgx.ErrNoRows):
		return "", nil, fmt.Errorf("postgres: edits of %s: %w", id, err)
	}
	var live bool
	if err := rtx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE event_id_cnty = $1)`, id).Scan(&live); err != nil {
		return "", nil, fmt.Errorf("postgres: edits of %s: %w", id, err)
	}
	if !live {
		return "", nil, fmt.Errorf("postgres: %w", record.NotFound("event", id))
	}
	edits, err := queryEdits(ctx, rtx, id)
	return id, edits, err
}

// queryEdits reads the edits of id and of the ids merged into it.
func queryEdits(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}, id string) ([]event.Edit, error) {
	rows, err := q.Query(ctx, `SELECT `+record.EditCols+` FROM edits
		WHERE event_id = $1
		UNION ALL SELECT d.seq, d.event_id, d.field, d.value, d.by_whom, d.at, d.note
		FROM event_aliases a JOIN edits d ON d.event_id = a.id WHERE a.survivor = $1
		ORDER BY 1`, id)
	if err != nil {
		return nil, fmt.Errorf("postgres: edits of %s: %w", id, err)
	}
	defer rows.Close()
	out, err := record.All(rows, record.ScanEdit)
	if err != nil {
		return nil, fmt.Errorf("postgres: edits of %s: %w", id, err)
	}
	return out, nil
}
