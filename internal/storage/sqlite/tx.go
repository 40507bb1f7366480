package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
)

// tx is one write transaction (pipeline.Tx).
type tx struct {
	tx *sql.Tx
	st *stmts
}

// use binds a prepared statement to the transaction (reusing its preparation on the writer
// connection).
func (t *tx) use(ctx context.Context, st *sql.Stmt) *sql.Stmt { return t.tx.StmtContext(ctx, st) }

var _ pipeline.Tx = (*tx)(nil)

// KnownDocument looks the keys up one at a time so each query uses its partial unique index (the
// planner only picks a partial index when the query repeats the index's not-empty condition).
func (t *tx) KnownDocument(ctx context.Context, d document.Document) (string, bool, error) {
	keys := []struct {
		col, val string
		st       *sql.Stmt
	}{{"url", d.URL, t.st.knownByURL}, {"guid", d.GUID, t.st.knownByGUID}, {"content_hash", d.ContentHash, t.st.knownByHash}}
	for _, k := range keys {
		if k.val == "" {
			continue
		}
		var id string
		err := t.use(ctx, k.st).QueryRowContext(ctx, k.val).Scan(&id)
		switch {
		case err == nil:
			return id, true, nil
		case !errors.Is(err, sql.ErrNoRows):
			return "", false, fmt.Errorf("sqlite: known document by %s: %w", k.col, err)
		}
	}
	return "", false, nil
}

func (t *tx) PutDocument(ctx context.Context, d document.Document) error {
	if d.ID == "" {
		return errors.New("sqlite: put document: empty id")
	}
	_, err := t.use(ctx, t.st.putDocument).ExecContext(ctx,
		d.ID, d.URL, d.GUID, d.Outlet, d.Title, d.Language, formatTime(d.Published), d.PublishedApprox,
		formatTime(d.FetchedAt), d.ContentHash, d.Text, d.Origin)
	if err != nil {
		return fmt.Errorf("sqlite: put document %s: %w", d.ID, err)
	}
	return nil
}

func (t *tx) Document(ctx context.Context, id string) (document.Document, error) {
	return scanDocument(t.use(ctx, t.st.document).QueryRowContext(ctx, id), id)
}

func scanDocument(row *sql.Row, id string) (document.Document, error) {
	var d document.Document
	var published, fetched string
	err := row.Scan(
		&d.ID, &d.URL, &d.GUID, &d.Outlet, &d.Title, &d.Language, &published, &d.PublishedApprox,
		&fetched, &d.ContentHash, &d.Text, &d.Origin)
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound("document", id)
	}
	if err != nil {
		return d, fmt.Errorf("sqlite: document %s: %w", id, err)
	}
	if d.Published, err = parseTime(published); err != nil {
		return d, fmt.Errorf("sqlite: document %s published: %w", id, err)
	}
	if d.FetchedAt, err = parseTime(fetched); err != nil {
		return d, fmt.Errorf("sqlite: document %s fetched_at: %w", id, err)
	}
	return d, nil
}

// Times are stored as RFC 3339 text with nanoseconds and the original offset (” for the zero time),
// which sorts and reads well in SQL tools.
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

func (t *tx) NearbyEvents(ctx context.Context, cells []int64, from, to string) ([]pipeline.Stored, error) {
	if len(cells) == 0 {
		return nil, nil
	}
	js, err := json.Marshal(cells)
	if err != nil {
		return nil, fmt.Errorf("sqlite: nearby events: %w", err)
	}
	rows, err := t.use(ctx, t.st.nearby).QueryContext(ctx, string(js), from, to)
	if err != nil {
		return nil, fmt.Errorf("sqlite: nearby events: %w", err)
	}
	defer rows.Close()
	var out []pipeline.Stored
	for rows.Next() {
		s, err := scanEvent(rows, true)
		if err != nil {
			return nil, fmt.Errorf("sqlite: nearby events: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: nearby events: %w", err)
	}
	return out, nil
}

func (t *tx) NewEventID(ctx context.Context, iso3 string) (string, error) {
	iso3 = strings.ToUpper(iso3)
	if !isISO3(iso3) {
		return "", fmt.Errorf("sqlite: new event id: %q is not an ISO3 code", iso3)
	}
	// The existence check guards against ids stored before the counter knew of them (it is bumped
	// by SaveEvent, so this loop normally runs once).
	for {
		var n int64
		err := t.use(ctx, t.st.nextID).QueryRowContext(ctx, iso3).Scan(&n)
		if err != nil {
			return "", fmt.Errorf("sqlite: new event id for %s: %w", iso3, err)
		}
		id := iso3 + strconv.FormatInt(n, 10)
		var used bool
		err = t.use(ctx, t.st.idUsed).QueryRowContext(ctx, id).Scan(&used)
		if err != nil {
			return "", fmt.Errorf("sqlite: new event id for %s: %w", iso3, err)
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

func (t *tx) SaveEvent(ctx context.Context, s pipeline.Stored, cell int64) error {
	e := &s.Event
	id := e.EventIDCnty
	if id == "" {
		return errors.New("sqlite: save event: empty event_id_cnty")
	}
	spanStart, spanEnd := span(e.EventDate, e.DateStart, e.DateEnd)
	args := append(eventArgs(e), strings.ToLower(e.Country), cell, spanStart, spanEnd)
	if _, err := t.use(ctx, t.st.upsertEvent).ExecContext(ctx, args...); err != nil {
		return fmt.Errorf("sqlite: save event %s: %w", id, err)
	}
	for _, st := range []*sql.Stmt{t.st.clearSources, t.st.clearClaims, t.st.clearEvidence, t.st.clearMentions} {
		if _, err := t.use(ctx, st).ExecContext(ctx, id); err != nil {
			return fmt.Errorf("sqlite: save event %s: clear child rows: %w", id, err)
		}
	}
	if len(e.Sources) > 0 {
		st := t.use(ctx, t.st.putSource)
		for i, src := range e.Sources {
			if _, err := st.ExecContext(ctx, id, i, src.ID, src.URL, src.Outlet, src.Title, src.Published, src.Language); err != nil {
				return fmt.Errorf("sqlite: save event %s: source %d: %w", id, i, err)
			}
		}
	}
	if len(e.Claims) > 0 {
		st := t.use(ctx, t.st.putClaim)
		for i, c := range e.Claims {
			if _, err := st.ExecContext(ctx, id, i, c.By, c.Figure, c.Kind, c.Of, c.Text, c.Source, c.Start, c.End); err != nil {
				return fmt.Errorf("sqlite: save event %s: claim %d: %w", id, i, err)
			}
		}
	}
	if len(e.Evidence) > 0 {
		st := t.use(ctx, t.st.putEvidence)
		for i, ev := range e.Evidence {
			if _, err := st.ExecContext(ctx, id, i, ev.Field, ev.SourceID, ev.Start, ev.End, ev.Text); err != nil {
				return fmt.Errorf("sqlite: save event %s: evidence %d: %w", id, i, err)
			}
		}
	}
	if len(s.Mentions) > 0 {
		st := t.use(ctx, t.st.putMention)
		for i, m := range s.Mentions {
			js, err := json.Marshal(m.Event)
			if err != nil {
				return fmt.Errorf("sqlite: save event %s: mention %d: %w", id, i, err)
			}
			if _, err := st.ExecContext(ctx, m.DocumentID, m.Index, id, i, string(js)); err != nil {
				return fmt.Errorf("sqlite: save event %s: mention %d: %w", id, i, err)
			}
		}
	}
	// A live event is never also an alias.
	if _, err := t.use(ctx, t.st.dropAlias).ExecContext(ctx, id); err != nil {
		return fmt.Errorf("sqlite: save event %s: %w", id, err)
	}
	// Keep the counter ahead of ids that did not come from NewEventID (imports, other tools).
	if prefix, n, ok := splitEventID(id); ok {
		if _, err := t.use(ctx, t.st.bumpCounter).ExecContext(ctx, prefix, n); err != nil {
			return fmt.Errorf("sqlite: save event %s: counter: %w", id, err)
		}
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
		return errors.New("sqlite: merge away: empty id")
	}
	var resolved string
	err := t.use(ctx, t.st.aliasOf).QueryRowContext(ctx, survivor).Scan(&resolved)
	switch {
	case err == nil:
		survivor = resolved
	case !errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("sqlite: merge away %s: %w", id, err)
	}
	if survivor == id {
		return fmt.Errorf("sqlite: merge away %s into itself", id)
	}
	res, err := t.use(ctx, t.st.deleteEvent).ExecContext(ctx, id)
	if err != nil {
		return fmt.Errorf("sqlite: merge away %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: merge away %s: %w", id, err)
	} else if n == 0 {
		return notFound("event", id)
	}
	if _, err := t.use(ctx, t.st.putAlias).ExecContext(ctx, id, survivor); err != nil {
		return fmt.Errorf("sqlite: merge away %s: %w", id, err)
	}
	// Ids merged into id earlier now resolve straight to the new survivor: aliases stay one hop.
	if _, err := t.use(ctx, t.st.repointAliases).ExecContext(ctx, survivor, id); err != nil {
		return fmt.Errorf("sqlite: merge away %s: %w", id, err)
	}
	return nil
}

func (t *tx) MentionsOf(ctx context.Context, documentID string) ([]pipeline.Mention, error) {
	rows, err := t.use(ctx, t.st.mentionsOf).QueryContext(ctx, documentID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: mentions of %s: %w", documentID, err)
	}
	defer rows.Close()
	var out []pipeline.Mention
	for rows.Next() {
		m := pipeline.Mention{DocumentID: documentID}
		var js string
		if err := rows.Scan(&m.Index, &js); err != nil {
			return nil, fmt.Errorf("sqlite: mentions of %s: %w", documentID, err)
		}
		if err := json.Unmarshal([]byte(js), &m.Event); err != nil {
			return nil, fmt.Errorf("sqlite: mentions of %s: %w", documentID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: mentions of %s: %w", documentID, err)
	}
	return out, nil
}
