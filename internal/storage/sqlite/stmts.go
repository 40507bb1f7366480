package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// stmts are the write path's statements, prepared once on the writer connection: parsing SQL would
// otherwise cost more than running it (most of SaveEvent's time before they were cached).
type stmts struct {
	write  [record.NumStmts]*sql.Stmt
	nearby *sql.Stmt
}

// writeSQL is SQLite's text of each record.Stmt.
func writeSQL() [record.NumStmts]string {
	return [record.NumStmts]string{
		// Each key is looked up alone, repeating the partial index's condition so the planner uses it.
		record.KnownByURL:  `SELECT id FROM documents WHERE url = ? AND url <> ''`,
		record.KnownByGUID: `SELECT id FROM documents WHERE guid = ? AND guid <> ''`,
		record.KnownByHash: `SELECT id FROM documents WHERE content_hash = ? AND content_hash <> ''`,
		record.PutDocument: `INSERT INTO documents (` + record.DocumentCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		record.GetDocument: `SELECT ` + record.DocumentCols + ` FROM documents WHERE id = ?`,
		record.NextID: `INSERT INTO id_counters (iso3, last) VALUES (?, 1)
			ON CONFLICT (iso3) DO UPDATE SET last = last + 1 RETURNING last`,
		record.IDUsed: `SELECT EXISTS (SELECT 1 FROM events WHERE event_id_cnty = ?1)
			OR EXISTS (SELECT 1 FROM event_aliases WHERE id = ?1)`,
		record.BumpCounter: `INSERT INTO id_counters (iso3, last) VALUES (?, ?)
			ON CONFLICT (iso3) DO UPDATE SET last = max(last, excluded.last)`,
		record.UpsertEvent: `INSERT INTO events (` + record.SpanCols + `) VALUES (?` +
			strings.Repeat(", ?", strings.Count(record.SpanCols, ",")) + `)
			ON CONFLICT (event_id_cnty) DO UPDATE SET ` + record.UpdateSet(record.SpanCols),
		record.ClearSources:  `DELETE FROM event_sources WHERE event_id = ?`,
		record.ClearClaims:   `DELETE FROM claims WHERE event_id = ?`,
		record.ClearEvidence: `DELETE FROM evidence WHERE event_id = ?`,
		record.ClearMentions: `DELETE FROM event_mentions WHERE event_id = ?`,
		record.PutSource: `INSERT INTO event_sources (event_id, idx, source_id, url, outlet, title, published,
			language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		record.PutClaim: `INSERT INTO claims (event_id, idx, by_party, figure, kind, of_whom, text, source_id,
			start_off, end_off) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		record.PutEvidence: `INSERT INTO evidence (event_id, idx, field, source_id, start_off, end_off, text)
			VALUES (?, ?, ?, ?, ?, ?, ?)`,
		// A mention belongs to one event: saving it takes it from whichever event held it before.
		record.PutMention: `INSERT INTO event_mentions (document_id, idx, event_id, ord, event_json)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (document_id, idx) DO UPDATE SET
			event_id = excluded.event_id, ord = excluded.ord, event_json = excluded.event_json`,
		record.DropAlias:   `DELETE FROM event_aliases WHERE id = ?`,
		record.AliasOf:     `SELECT survivor FROM event_aliases WHERE id = ?`,
		record.DeleteEvent: `DELETE FROM events WHERE event_id_cnty = ?`,
		record.PutAlias: `INSERT INTO event_aliases (id, survivor) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET survivor = excluded.survivor`,
		record.RepointAliases: `UPDATE event_aliases SET survivor = ? WHERE survivor = ?`,
		record.MentionsOf:     `SELECT idx, event_json FROM event_mentions WHERE document_id = ? ORDER BY idx`,
	}
}

func prepare(ctx context.Context, db *sql.DB) (*stmts, error) {
	var s stmts
	for i, q := range writeSQL() {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("prepare %q: %w", q, err), s.close())
		}
		s.write[i] = st
	}
	st, err := db.PrepareContext(ctx, nearbySQL())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("prepare %q: %w", nearbySQL(), err), s.close())
	}
	s.nearby = st
	return &s, nil
}

func (s *stmts) close() error {
	var errs []error
	for _, st := range append(s.write[:], s.nearby) {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// nearbySQL finds events by cell and overlapping span. The cells arrive as one JSON array so that one
// prepared statement serves any number of them.
func nearbySQL() string {
	return selectEvents(true) + `WHERE e.cell IN (SELECT value FROM json_each(?))
		AND e.span_end >= ? AND e.span_start <= ? ORDER BY e.span_start, e.event_id_cnty`
}

// The child rows come back as one JSON array per event (keys are the event package's JSON names), so
// reading any number of events is a single query rather than one per child table per event.
const (
	sourcesJSON = `(SELECT json_group_array(json_object(` + record.SourceObject + `) ORDER BY idx)
		FROM event_sources WHERE event_id = e.event_id_cnty)`
	claimsJSON = `(SELECT json_group_array(json_object(` + record.ClaimObject + `) ORDER BY idx)
		FROM claims WHERE event_id = e.event_id_cnty)`
	evidenceJSON = `(SELECT json_group_array(json_object(` + record.EvidenceObject + `) ORDER BY idx)
		FROM evidence WHERE event_id = e.event_id_cnty)`
	mentionsJSON = `(SELECT json_group_array(json_object('document_id', document_id, 'index', idx,
		'event', json(event_json)) ORDER BY ord)
		FROM event_mentions WHERE event_id = e.event_id_cnty)`
)

// selectEvents is the SELECT list for full events, optionally with their mentions (record.ScanEvent
// reads its rows).
func selectEvents(withMentions bool) string {
	if withMentions {
		return record.SelectEvents(sourcesJSON, claimsJSON, evidenceJSON, mentionsJSON)
	}
	return record.SelectEvents(sourcesJSON, claimsJSON, evidenceJSON)
}
