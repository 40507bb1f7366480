package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// stmts are the write path's statements, prepared once on the writer connection: parsing SQL would
// otherwise cost more than running it (most of SaveEvent's time before they were cached).
type stmts struct {
	knownByURL, knownByGUID, knownByHash *sql.Stmt
	putDocument, document                *sql.Stmt
	nearby                               *sql.Stmt
	nextID, idUsed, bumpCounter          *sql.Stmt
	upsertEvent                          *sql.Stmt
	clearSources, clearClaims            *sql.Stmt
	clearEvidence, clearMentions         *sql.Stmt
	putSource, putClaim, putEvidence     *sql.Stmt
	putMention, dropAlias                *sql.Stmt
	aliasOf, deleteEvent                 *sql.Stmt
	putAlias, repointAliases             *sql.Stmt
	mentionsOf                           *sql.Stmt
}

const documentCols = `id, url, guid, outlet, title, language, published, published_approx, fetched_at,
	content_hash, text, origin`

func prepare(ctx context.Context, db *sql.DB) (*stmts, error) {
	var s stmts
	spanCols := eventCols + `, country_key, cell, span_start, span_end`
	list := []struct {
		dst **sql.Stmt
		q   string
	}{
		// Each key is looked up alone, repeating the partial index's condition so the planner uses it.
		{&s.knownByURL, `SELECT id FROM documents WHERE url = ? AND url <> ''`},
		{&s.knownByGUID, `SELECT id FROM documents WHERE guid = ? AND guid <> ''`},
		{&s.knownByHash, `SELECT id FROM documents WHERE content_hash = ? AND content_hash <> ''`},
		{&s.putDocument, `INSERT INTO documents (` + documentCols + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.document, `SELECT ` + documentCols + ` FROM documents WHERE id = ?`},
		{&s.nearby, nearbySQL()},
		{&s.nextID, `INSERT INTO id_counters (iso3, last) VALUES (?, 1)
			ON CONFLICT (iso3) DO UPDATE SET last = last + 1 RETURNING last`},
		{&s.idUsed, `SELECT EXISTS (SELECT 1 FROM events WHERE event_id_cnty = ?1)
			OR EXISTS (SELECT 1 FROM event_aliases WHERE id = ?1)`},
		{&s.bumpCounter, `INSERT INTO id_counters (iso3, last) VALUES (?, ?)
			ON CONFLICT (iso3) DO UPDATE SET last = max(last, excluded.last)`},
		{&s.upsertEvent, `INSERT INTO events (` + spanCols + `) VALUES (?` +
			strings.Repeat(", ?", strings.Count(spanCols, ",")) + `)
			ON CONFLICT (event_id_cnty) DO UPDATE SET ` + updateSet(spanCols)},
		{&s.clearSources, `DELETE FROM event_sources WHERE event_id = ?`},
		{&s.clearClaims, `DELETE FROM claims WHERE event_id = ?`},
		{&s.clearEvidence, `DELETE FROM evidence WHERE event_id = ?`},
		{&s.clearMentions, `DELETE FROM event_mentions WHERE event_id = ?`},
		{&s.putSource, `INSERT INTO event_sources (event_id, idx, source_id, url, outlet, title, published,
			language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.putClaim, `INSERT INTO claims (event_id, idx, by_party, figure, kind, of_whom, text, source_id,
			start_off, end_off) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.putEvidence, `INSERT INTO evidence (event_id, idx, field, source_id, start_off, end_off, text)
			VALUES (?, ?, ?, ?, ?, ?, ?)`},
		// A mention belongs to one event: saving it takes it from whichever event held it before.
		{&s.putMention, `INSERT INTO event_mentions (document_id, idx, event_id, ord, event_json)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (document_id, idx) DO UPDATE SET
			event_id = excluded.event_id, ord = excluded.ord, event_json = excluded.event_json`},
		{&s.dropAlias, `DELETE FROM event_aliases WHERE id = ?`},
		{&s.aliasOf, `SELECT survivor FROM event_aliases WHERE id = ?`},
		{&s.deleteEvent, `DELETE FROM events WHERE event_id_cnty = ?`},
		{&s.putAlias, `INSERT INTO event_aliases (id, survivor) VALUES (?, ?)
			ON CONFLICT (id) DO UPDATE SET survivor = excluded.survivor`},
		{&s.repointAliases, `UPDATE event_aliases SET survivor = ? WHERE survivor = ?`},
		{&s.mentionsOf, `SELECT idx, event_json FROM event_mentions WHERE document_id = ? ORDER BY idx`},
	}
	for _, p := range list {
		st, err := db.PrepareContext(ctx, p.q)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("prepare %q: %w", p.q, err), s.close())
		}
		*p.dst = st
	}
	return &s, nil
}

func (s *stmts) close() error {
	var errs []error
	for _, st := range []*sql.Stmt{
		s.knownByURL, s.knownByGUID, s.knownByHash, s.putDocument, s.document, s.nearby, s.nextID,
		s.idUsed, s.bumpCounter, s.upsertEvent, s.clearSources, s.clearClaims, s.clearEvidence,
		s.clearMentions, s.putSource, s.putClaim, s.putEvidence, s.putMention, s.dropAlias, s.aliasOf,
		s.deleteEvent, s.putAlias, s.repointAliases, s.mentionsOf,
	} {
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

// updateSet is the SET list that overwrites every column but the key from the excluded row.
func updateSet(cols string) string {
	var set []string
	for _, c := range strings.Split(cols, ",") {
		c = strings.TrimSpace(c)
		if c != "event_id_cnty" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return strings.Join(set, ", ")
}
