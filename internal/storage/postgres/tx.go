package postgres

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// tx is one write transaction (pipeline.Tx): record.Tx over PostgreSQL's statements, with the
// advisory locks that serialise workers where they would otherwise race.
type tx struct {
	record.Tx
	tx pgx.Tx
}

var _ pipeline.Tx = (*tx)(nil)

func newTx(pgTx pgx.Tx, sql *[record.NumStmts]string) *tx {
	return &tx{Tx: record.Tx{Conn: conn{tx: pgTx, sql: sql}, Name: "postgres"}, tx: pgTx}
}

// documentLockClass is the first key of the two-key advisory locks on document keys; cells use the
// one-key (bigint) form, which PostgreSQL keeps in a separate space, so the two never collide.
const documentLockClass = 0x73697472 // "sitr"

// writeSQL is PostgreSQL's text of each record.Stmt.
func writeSQL() [record.NumStmts]string {
	return [record.NumStmts]string{
		record.KnownByURL:  `SELECT id FROM documents WHERE url = $1 AND url <> ''`,
		record.KnownByGUID: `SELECT id FROM documents WHERE guid = $1 AND guid <> ''`,
		record.KnownByHash: `SELECT id FROM documents WHERE content_hash = $1 AND content_hash <> ''`,
		record.PutDocument: `INSERT INTO documents (` + record.DocumentCols + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		record.GetDocument: `SELECT ` + record.DocumentCols + ` FROM documents WHERE id = $1`,
		// UPDATE … RETURNING through an upsert: the row stays locked until the transaction ends.
		record.NextID: `INSERT INTO id_counters (iso3, last) VALUES ($1, 1)
		ON CONFLICT (iso3) DO UPDATE SET last = id_counters.last + 1 RETURNING last`,
		record.IDUsed: `SELECT EXISTS (SELECT 1 FROM events WHERE event_id_cnty = $1)
		OR EXISTS (SELECT 1 FROM event_aliases WHERE id = $1)`,
		// The counter row is written (and so locked) only when it is behind, so re-saving a merged event
		// does not wait on transactions that are allocating ids for the same country.
		record.BumpCounter: `INSERT INTO id_counters (iso3, last)
		SELECT $1::text, $2::int8 WHERE NOT EXISTS (SELECT 1 FROM id_counters WHERE iso3 = $1 AND last >= $2)
		ON CONFLICT (iso3) DO UPDATE SET last = greatest(id_counters.last, excluded.last)`,
		record.UpsertEvent:   upsertEventSQL(),
		record.ClearSources:  `DELETE FROM event_sources WHERE event_id = $1`,
		record.ClearClaims:   `DELETE FROM claims WHERE event_id = $1`,
		record.ClearEvidence: `DELETE FROM evidence WHERE event_id = $1`,
		record.ClearMentions: `DELETE FROM event_mentions WHERE event_id = $1`,
		record.PutSource: `INSERT INTO event_sources (event_id, idx, source_id, url, outlet, title, published, language)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		record.PutClaim: `INSERT INTO claims (event_id, idx, by_party, figure, kind, of_whom, text, source_id, start_off,
		end_off) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		record.PutEvidence: `INSERT INTO evidence (event_id, idx, field, source_id, start_off, end_off, text)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		// A mention belongs to one event: saving it takes it from whichever event held it before.
		record.PutMention: `INSERT INTO event_mentions (document_id, idx, event_id, ord, event_json)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id, idx) DO UPDATE SET
		event_id = excluded.event_id, ord = excluded.ord, event_json = excluded.event_json`,
		record.DropAlias:   `DELETE FROM event_aliases WHERE id = $1`,
		record.AliasOf:     `SELECT survivor FROM event_aliases WHERE id = $1`,
		record.DeleteEvent: `DELETE FROM events WHERE event_id_cnty = $1`,
		record.PutAlias: `INSERT INTO event_aliases (id, survivor) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET survivor = excluded.survivor`,
		record.RepointAliases: `UPDATE event_aliases SET survivor = $1 WHERE survivor = $2`,
		record.MentionsOf:     `SELECT idx, event_json FROM event_mentions WHERE document_id = $1 ORDER BY idx`,
	}
}

// upsertEventSQL inserts an event or overwrites every column but its key.
func upsertEventSQL() string {
	n := strings.Count(record.SpanCols, ",") + 1
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	return `INSERT INTO events (` + record.SpanCols + `) VALUES (` + strings.Join(ph, ", ") + `)
		ON CONFLICT (event_id_cnty) DO UPDATE SET ` + record.UpdateSet(record.SpanCols)
}

// conn runs the write path's statements (record.Conn) in a pgx transaction.
type conn struct {
	tx  pgx.Tx
	sql *[record.NumStmts]string // the Store's writeSQL, built once
}

func (c conn) QueryRow(ctx context.Context, st record.Stmt, args ...any) record.Scanner {
	return c.tx.QueryRow(ctx, c.sql[st], args...)
}

func (c conn) Query(ctx context.Context, fn func(record.Rows) error, st record.Stmt, args ...any) error {
	rows, err := c.tx.Query(ctx, c.sql[st], args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return fn(rows)
}

// Exec sends several calls as one batch: one round trip however many sources, claims, evidence spans
// and mentions an event has.
func (c conn) Exec(ctx context.Context, calls ...record.Call) (int64, error) {
	if len(calls) == 1 {
		tag, err := c.tx.Exec(ctx, c.sql[calls[0].Stmt], calls[0].Args...)
		return tag.RowsAffected(), err
	}
	b := &pgx.Batch{}
	for _, call := range calls {
		b.Queue(c.sql[call.Stmt], call.Args...)
	}
	br := c.tx.SendBatch(ctx, b)
	var changed int64
	for range calls {
		tag, err := br.Exec()
		if err != nil {
			br.Close()
			return changed, err
		}
		changed += tag.RowsAffected()
	}
	return changed, br.Close()
}

// KnownDocument first locks the document's keys, so that of two workers holding the same article
// the second waits here until the first commits and then finds it.
func (t *tx) KnownDocument(ctx context.Context, d document.Document) (string, bool, error) {
	if err := t.lockDocumentKeys(ctx, d); err != nil {
		return "", false, err
	}
	return t.Tx.KnownDocument(ctx, d)
}

// lockDocumentKeys takes a transaction-scoped advisory lock on a hash of each non-empty key of d, in
// ascending order. Hash collisions only make unrelated documents wait for each other.
func (t *tx) lockDocumentKeys(ctx context.Context, d document.Document) error {
	var keys []int32
	for _, k := range []string{"id:" + d.ID, "url:" + d.URL, "guid:" + d.GUID, "hash:" + d.ContentHash} {
		if strings.HasSuffix(k, ":") {
			continue
		}
		h := fnv.New32a()
		h.Write([]byte(k))
		keys = append(keys, int32(h.Sum32()))
	}
	if len(keys) == 0 {
		return nil
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	// unnest yields the array in order, so the locks are taken in that order.
	_, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1::int4, k) FROM unnest($2::int4[]) AS k`,
		int32(documentLockClass), keys)
	if err != nil {
		return fmt.Errorf("postgres: lock document %s: %w", d.ID, err)
	}
	return nil
}

// NearbyEvents locks the cells before reading them: a transaction that is placing a report in one of
// these cells holds the lock until it commits, so the events it adds are seen here.
func (t *tx) NearbyEvents(ctx context.Context, cells []int64, from, to string) ([]pipeline.Stored, error) {
	if len(cells) == 0 {
		return nil, nil
	}
	sorted := slices.Clone(cells)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock(c) FROM unnest($1::int8[]) AS c`, sorted); err != nil {
		return nil, fmt.Errorf("postgres: nearby events: lock cells: %w", err)
	}
	rows, err := t.tx.Query(ctx, selectEvents(true)+`WHERE e.cell = ANY($1::int8[])
		AND e.span_end >= $2 AND e.span_start <= $3 ORDER BY e.span_start, e.event_id_cnty`, sorted, from, to)
	if err != nil {
		return nil, fmt.Errorf("postgres: nearby events: %w", err)
	}
	defer rows.Close()
	out, err := record.ScanEvents(rows, true)
	if err != nil {
		return nil, fmt.Errorf("postgres: nearby events: %w", err)
	}
	return out, nil
}
