package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
)

// tx is one write transaction (pipeline.Tx).
type tx struct {
	tx pgx.Tx
}

var _ pipeline.Tx = (*tx)(nil)

// documentLockClass is the first key of the two-key advisory locks on document keys; cells use the
// one-key (bigint) form, which PostgreSQL keeps in a separate space, so the two never collide.
const documentLockClass = 0x73697472 // "sitr"

const documentCols = `id, url, guid, outlet, title, language, published, published_approx, fetched_at,
	content_hash, text, origin`

// KnownDocument first locks the document's keys, so that of two workers holding the same article
// the second waits here until the first commits and then finds it; it then looks the keys up one at a
// time so each query uses its partial unique index.
func (t *tx) KnownDocument(ctx context.Context, d document.Document) (string, bool, error) {
	if err := t.lockDocumentKeys(ctx, d); err != nil {
		return "", false, err
	}
	keys := []struct{ col, val, q string }{
		{"url", d.URL, `SELECT id FROM documents WHERE url = $1 AND url <> ''`},
		{"guid", d.GUID, `SELECT id FROM documents WHERE guid = $1 AND guid <> ''`},
		{"content_hash", d.ContentHash, `SELECT id FROM documents WHERE content_hash = $1 AND content_hash <> ''`},
	}
	for _, k := range keys {
		if k.val == "" {
			continue
		}
		var id string
		err := t.tx.QueryRow(ctx, k.q, k.val).Scan(&id)
		switch {
		case err == nil:
			return id, true, nil
		case !errors.Is(err, pgx.ErrNoRows):
			return "", false, fmt.Errorf("postgres: known document by %s: %w", k.col, err)
		}
	}
	return "", false, nil
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

func (t *tx) PutDocument(ctx context.Context, d document.Document) error {
	if d.ID == "" {
		return errors.New("postgres: put document: empty id")
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO documents (`+documentCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		d.ID, d.URL, d.GUID, d.Outlet, d.Title, d.Language, formatTime(d.Published), d.PublishedApprox,
		formatTime(d.FetchedAt), d.ContentHash, d.Text, d.Origin)
	if err != nil {
		return fmt.Errorf("postgres: put document %s: %w", d.ID, err)
	}
	return nil
}

func (t *tx) Document(ctx context.Context, id string) (document.Document, error) {
	return scanDocument(t.tx.QueryRow(ctx, `SELECT `+documentCols+` FROM documents WHERE id = $1`, id), id)
}

func scanDocument(row pgx.Row, id string) (document.Document, error) {
	var d document.Document
	var published, fetched string
	err := row.Scan(
		&d.ID, &d.URL, &d.GUID, &d.Outlet, &d.Title, &d.Language, &published, &d.PublishedApprox,
		&fetched, &d.ContentHash, &d.Text, &d.Origin)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, notFound("document", id)
	}
	if err != nil {
		return d, fmt.Errorf("postgres: document %s: %w", id, err)
	}
	if d.Published, err = parseTime(published); err != nil {
		return d, fmt.Errorf("postgres: document %s published: %w", id, err)
	}
	if d.FetchedAt, err = parseTime(fetched); err != nil {
		return d, fmt.Errorf("postgres: document %s fetched_at: %w", id, err)
	}
	return d, nil
}

// Times are stored as RFC 3339 text with nanoseconds and the original offset ("" for the zero time),
// as the SQLite store does: timestamptz would drop the article's own offset.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
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
	var out []pipeline.Stored
	for rows.Next() {
		s, err := scanEvent(rows, true)
		if err != nil {
			return nil, fmt.Errorf("postgres: nearby events: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: nearby events: %w", err)
	}
	return out, nil
}

// NewEventID increments the country's counter in place (UPDATE … RETURNING through an upsert); the row
// stays locked until the transaction ends, so concurrent transactions get distinct numbers. A rolled-back
// allocation rolls the counter back with it: that id was never stored, so it is not reused.
func (t *tx) NewEventID(ctx context.Context, iso3 string) (string, error) {
	iso3 = strings.ToUpper(iso3)
	if !isISO3(iso3) {
		return "", fmt.Errorf("postgres: new event id: %q is not an ISO3 code", iso3)
	}
	// The existence check guards against ids stored before the counter knew of them (SaveEvent bumps
	// it, so this loop normally runs once).
	for {
		var n int64
		err := t.tx.QueryRow(ctx, `INSERT INTO id_counters (iso3, last) VALUES ($1, 1)
			ON CONFLICT (iso3) DO UPDATE SET last = id_counters.last + 1 RETURNING last`, iso3).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("postgres: new event id for %s: %w", iso3, err)
		}
		id := iso3 + strconv.FormatInt(n, 10)
		var used bool
		err = t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM events WHERE event_id_cnty = $1)
			OR EXISTS (SELECT 1 FROM event_aliases WHERE id = $1)`, id).Scan(&used)
		if err != nil {
			return "", fmt.Errorf("postgres: new event id for %s: %w", iso3, err)
		}
		if !used {
			return id, nil
		}
	}
}

func isISO3(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range []byte(s) {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

// splitEventID splits an id like MLI12 into its letters and number; ok is false for other shapes.
func splitEventID(id string) (prefix string, n int64, ok bool) {
	i := strings.IndexFunc(id, func(r rune) bool { return r >= '0' && r <= '9' })
	if i <= 0 {
		return "", 0, false
	}
	for _, c := range []byte(id[:i]) {
		if c < 'A' || c > 'Z' {
			return "", 0, false
		}
	}
	n, err := strconv.ParseInt(id[i:], 10, 64)
	if err != nil || n <= 0 {
		return "", 0, false
	}
	return id[:i], n, true
}

// upsertEventSQL inserts an event or overwrites every column but its key.
func upsertEventSQL() string {
	cols := eventCols + `, country_key, cell, span_start, span_end`
	n := strings.Count(cols, ",") + 1
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	var set []string
	for _, c := range strings.Split(cols, ",") {
		if c = strings.TrimSpace(c); c != "event_id_cnty" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return `INSERT INTO events (` + cols + `) VALUES (` + strings.Join(ph, ", ") + `)
		ON CONFLICT (event_id_cnty) DO UPDATE SET ` + strings.Join(set, ", ")
}

// SaveEvent sends all of an event's statements in one batch: one round trip however many sources,
// claims, evidence spans and mentions it has.
func (t *tx) SaveEvent(ctx context.Context, s pipeline.Stored, cell int64) error {
	e := &s.Event
	id := e.EventIDCnty
	if id == "" {
		return errors.New("postgres: save event: empty event_id_cnty")
	}
	spanStart, spanEnd := span(e.EventDate, e.DateStart, e.DateEnd)
	b := &pgx.Batch{}
	b.Queue(upsertEventSQL(), append(eventArgs(e), strings.ToLower(e.Country), cell, spanStart, spanEnd)...)
	b.Queue(`DELETE FROM event_sources WHERE event_id = $1`, id)
	b.Queue(`DELETE FROM claims WHERE event_id = $1`, id)
	b.Queue(`DELETE FROM evidence WHERE event_id = $1`, id)
	b.Queue(`DELETE FROM event_mentions WHERE event_id = $1`, id)
	for i, src := range e.Sources {
		b.Queue(`INSERT INTO event_sources (event_id, idx, source_id, url, outlet, title, published, language)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			id, i, src.ID, src.URL, src.Outlet, src.Title, src.Published, src.Language)
	}
	for i, c := range e.Claims {
		b.Queue(`INSERT INTO claims (event_id, idx, by_party, figure, kind, of_whom, text, source_id, start_off,
			end_off) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			id, i, c.By, c.Figure, c.Kind, c.Of, c.Text, c.Source, c.Start, c.End)
	}
	for i, ev := range e.Evidence {
		b.Queue(`INSERT INTO evidence (event_id, idx, field, source_id, start_off, end_off, text)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, i, ev.Field, ev.SourceID, ev.Start, ev.End, ev.Text)
	}
	for i, m := range s.Mentions {
		js, err := json.Marshal(m.Event)
		if err != nil {
			return fmt.Errorf("postgres: save event %s: mention %d: %w", id, i, err)
		}
		// A mention belongs to one event: saving it takes it from whichever event held it before.
		b.Queue(`INSERT INTO event_mentions (document_id, idx, event_id, ord, event_json)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (document_id, idx) DO UPDATE SET
			event_id = excluded.event_id, ord = excluded.ord, event_json = excluded.event_json`,
			m.DocumentID, m.Index, id, i, string(js))
	}
	// A live event is never also an alias.
	b.Queue(`DELETE FROM event_aliases WHERE id = $1`, id)
	// Keep the counter ahead of ids that did not come from NewEventID (imports, other tools). The
	// counter row is written (and so locked) only when it is behind, so re-saving a merged event does
	// not wait on transactions that are allocating ids for the same country.
	if prefix, n, ok := splitEventID(id); ok {
		b.Queue(`INSERT INTO id_counters (iso3, last)
			SELECT $1::text, $2::int8 WHERE NOT EXISTS (SELECT 1 FROM id_counters WHERE iso3 = $1 AND last >= $2)
			ON CONFLICT (iso3) DO UPDATE SET last = greatest(id_counters.last, excluded.last)`, prefix, n)
	}
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("postgres: save event %s: %w", id, err)
	}
	return nil
}

// span is the [start, end] an event covers for NearbyEvents: the stated span, else its date.
func span(date, start, end string) (string, string) {
	if start == "" {
		start = date
	}
	if end == "" {
		end = max(date, start)
	}
	if start == "" {
		start = end
	}
	if end < start {
		start, end = end, start
	}
	return start, end
}

func (t *tx) MergeAway(ctx context.Context, id, survivor string) error {
	if id == "" || survivor == "" {
		return errors.New("postgres: merge away: empty id")
	}
	var resolved string
	err := t.tx.QueryRow(ctx, `SELECT survivor FROM event_aliases WHERE id = $1`, survivor).Scan(&resolved)
	switch {
	case err == nil:
		survivor = resolved
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("postgres: merge away %s: %w", id, err)
	}
	if survivor == id {
		return fmt.Errorf("postgres: merge away %s into itself", id)
	}
	tag, err := t.tx.Exec(ctx, `DELETE FROM events WHERE event_id_cnty = $1`, id)
	if err != nil {
		return fmt.Errorf("postgres: merge away %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("event", id)
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO event_aliases (id, survivor) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET survivor = excluded.survivor`, id, survivor)
	// Ids merged into id earlier now resolve straight to the new survivor: aliases stay one hop.
	b.Queue(`UPDATE event_aliases SET survivor = $1 WHERE survivor = $2`, survivor, id)
	if err := t.tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("postgres: merge away %s: %w", id, err)
	}
	return nil
}

func (t *tx) MentionsOf(ctx context.Context, documentID string) ([]pipeline.Mention, error) {
	rows, err := t.tx.Query(ctx, `SELECT idx, event_json FROM event_mentions WHERE document_id = $1 ORDER BY idx`, documentID)
	if err != nil {
		return nil, fmt.Errorf("postgres: mentions of %s: %w", documentID, err)
	}
	defer rows.Close()
	var out []pipeline.Mention
	for rows.Next() {
		m := pipeline.Mention{DocumentID: documentID}
		var js string
		if err := rows.Scan(&m.Index, &js); err != nil {
			return nil, fmt.Errorf("postgres: mentions of %s: %w", documentID, err)
		}
		if err := json.Unmarshal([]byte(js), &m.Event); err != nil {
			return nil, fmt.Errorf("postgres: mentions of %s: %w", documentID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: mentions of %s: %w", documentID, err)
	}
	return out, nil
}
