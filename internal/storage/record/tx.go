package record

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
)

// Stmt names a statement of the write path. Each store writes its SQL text in its own dialect
// (a [NumStmts]string table), taking the arguments listed here in this order.
type Stmt int

// The write path's statements.
const (
	KnownByURL     Stmt = iota // url → id, of a document with that non-empty url
	KnownByGUID                // guid → id, likewise
	KnownByHash                // content_hash → id, likewise
	PutDocument                // DocumentArgs: insert a document
	GetDocument                // id → DocumentCols
	NextID                     // iso3 → the country's counter, incremented (created at 1)
	IDUsed                     // id → whether an event or an alias has it
	BumpCounter                // iso3, n: raise the country's counter to at least n
	UpsertEvent                // EventArgs, country_key, cell, span_start, span_end (SpanCols)
	ClearSources               // event id: delete its event_sources rows
	ClearClaims                // event id: delete its claims rows
	ClearEvidence              // event id: delete its evidence rows
	ClearMentions              // event id: delete its event_mentions rows
	PutSource                  // event id, idx, source_id, url, outlet, title, published, language
	PutClaim                   // event id, idx, by_party, figure, kind, of_whom, text, source_id, start_off, end_off
	PutEvidence                // event id, idx, field, source_id, start_off, end_off, text
	PutMention                 // document_id, idx, event_id, ord, event_json: upsert, taking it from any other event
	DropAlias                  // id: it is a live event again
	AliasOf                    // id → survivor
	DeleteEvent                // event id (child rows go by cascade)
	PutAlias                   // id, survivor: upsert
	RepointAliases             // survivor, id: aliases of id now point at survivor
	MentionsOf                 // document_id → idx, event_json ordered by idx
	NumStmts
)

// Call is one statement with its arguments; What says which part of the work it is, for errors.
type Call struct {
	Stmt Stmt
	Args []any
	What string
}

// Conn is what Tx needs of a store's open write transaction: its dialect's statements, run.
type Conn interface {
	// QueryRow runs a statement that returns at most one row.
	QueryRow(ctx context.Context, st Stmt, args ...any) Scanner
	// Query runs a statement and calls fn with its rows, which are closed when Query returns.
	Query(ctx context.Context, fn func(Rows) error, st Stmt, args ...any) error
	// Exec runs calls in order (in one round trip where the database allows) and returns how many
	// rows they changed.
	Exec(ctx context.Context, calls ...Call) (int64, error)
}

// Tx is the dialect-independent part of a store's pipeline.Tx: everything but NearbyEvents, whose
// query differs too much between databases. Errors start with the store's Name ("sqlite: ...").
type Tx struct {
	Conn Conn
	Name string
}

// KnownDocument looks the keys up one at a time so each query uses its partial unique index (a
// planner only picks a partial index when the query repeats the index's not-empty condition).
func (t *Tx) KnownDocument(ctx context.Context, d document.Document) (string, bool, error) {
	keys := []struct {
		col, val string
		st       Stmt
	}{{"url", d.URL, KnownByURL}, {"guid", d.GUID, KnownByGUID}, {"content_hash", d.ContentHash, KnownByHash}}
	for _, k := range keys {
		if k.val == "" {
			continue
		}
		var id string
		err := t.Conn.QueryRow(ctx, k.st, k.val).Scan(&id)
		switch {
		case err == nil:
			return id, true, nil
		case !isNoRows(err):
			return "", false, fmt.Errorf("%s: known document by %s: %w", t.Name, k.col, err)
		}
	}
	return "", false, nil
}

// PutDocument inserts d; a document with the same id or keys is an error.
func (t *Tx) PutDocument(ctx context.Context, d document.Document) error {
	if d.ID == "" {
		return fmt.Errorf("%s: put document: empty id", t.Name)
	}
	if _, err := t.Conn.Exec(ctx, Call{Stmt: PutDocument, Args: DocumentArgs(d)}); err != nil {
		return fmt.Errorf("%s: put document %s: %w", t.Name, d.ID, err)
	}
	return nil
}

// Document returns a document stored by this or an earlier transaction.
func (t *Tx) Document(ctx context.Context, id string) (document.Document, error) {
	d, err := ScanDocument(t.Conn.QueryRow(ctx, GetDocument, id), id)
	if err != nil {
		return d, fmt.Errorf("%s: %w", t.Name, err)
	}
	return d, nil
}

// NewEventID allocates the next id of a country (ISO3 letters and a number). The counter row is
// locked until the transaction ends, so concurrent transactions get distinct numbers; a rolled-back
// allocation rolls the counter back with it (that id was never stored, so it is not reused).
func (t *Tx) NewEventID(ctx context.Context, iso3 string) (string, error) {
	iso3 = strings.ToUpper(iso3)
	if !isISO3(iso3) {
		return "", fmt.Errorf("%s: new event id: %q is not an ISO3 code", t.Name, iso3)
	}
	// The existence check guards against ids stored before the counter knew of them (SaveEvent bumps
	// it, so this loop normally runs once).
	for {
		var n int64
		if err := t.Conn.QueryRow(ctx, NextID, iso3).Scan(&n); err != nil {
			return "", fmt.Errorf("%s: new event id for %s: %w", t.Name, iso3, err)
		}
		id := iso3 + strconv.FormatInt(n, 10)
		var used bool
		if err := t.Conn.QueryRow(ctx, IDUsed, id).Scan(&used); err != nil {
			return "", fmt.Errorf("%s: new event id for %s: %w", t.Name, iso3, err)
		}
		if !used {
			return id, nil
		}
	}
}

// SaveEvent writes an event with its child rows and mentions, replacing what it had.
func (t *Tx) SaveEvent(ctx context.Context, s pipeline.Stored, cell int64) error {
	calls, err := SaveEventCalls(s, cell)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Name, err)
	}
	if _, err := t.Conn.Exec(ctx, calls...); err != nil {
		return fmt.Errorf("%s: save event %s: %w", t.Name, s.Event.EventIDCnty, err)
	}
	return nil
}

// SaveEventCalls are the statements that save an event: the event row, its child rows replaced,
// its mentions taken over, its id no longer an alias and its country's counter kept ahead of it.
func SaveEventCalls(s pipeline.Stored, cell int64) ([]Call, error) {
	e := &s.Event
	id := e.EventIDCnty
	if id == "" {
		return nil, errors.New("save event: empty event_id_cnty")
	}
	spanStart, spanEnd := Span(e.EventDate, e.DateStart, e.DateEnd)
	calls := make([]Call, 0, 7+len(e.Sources)+len(e.Claims)+len(e.Evidence)+len(s.Mentions))
	calls = append(calls, Call{Stmt: UpsertEvent, Args: append(EventArgs(e), strings.ToLower(e.Country), cell, spanStart, spanEnd)})
	for _, st := range []Stmt{ClearSources, ClearClaims, ClearEvidence, ClearMentions} {
		calls = append(calls, Call{Stmt: st, Args: []any{id}, What: "clear child rows"})
	}
	for i, src := range e.Sources {
		calls = append(calls, Call{Stmt: PutSource, What: fmt.Sprintf("source %d", i),
			Args: []any{id, i, src.ID, src.URL, src.Outlet, src.Title, src.Published, src.Language}})
	}
	for i, c := range e.Claims {
		calls = append(calls, Call{Stmt: PutClaim, What: fmt.Sprintf("claim %d", i),
			Args: []any{id, i, c.By, c.Figure, c.Kind, c.Of, c.Text, c.Source, c.Start, c.End}})
	}
	for i, ev := range e.Evidence {
		calls = append(calls, Call{Stmt: PutEvidence, What: fmt.Sprintf("evidence %d", i),
			Args: []any{id, i, ev.Field, ev.SourceID, ev.Start, ev.End, ev.Text}})
	}
	for i, m := range s.Mentions {
		js, err := MentionJSON(m)
		if err != nil {
			return nil, fmt.Errorf("save event %s: mention %d: %w", id, i, err)
		}
		calls = append(calls, Call{Stmt: PutMention, What: fmt.Sprintf("mention %d", i),
			Args: []any{m.DocumentID, m.Index, id, i, js}})
	}
	// A live event is never also an alias.
	calls = append(calls, Call{Stmt: DropAlias, Args: []any{id}})
	// Keep the counter ahead of ids that did not come from NewEventID (imports, other tools).
	if prefix, n, ok := SplitEventID(id); ok {
		calls = append(calls, Call{Stmt: BumpCounter, Args: []any{prefix, n}, What: "counter"})
	}
	return calls, nil
}

// MergeAway deletes event id and records it as an alias of survivor (resolved through an existing
// alias first), so that a lookup of id finds survivor. Aliases stay one hop.
func (t *Tx) MergeAway(ctx context.Context, id, survivor string) error {
	if id == "" || survivor == "" {
		return fmt.Errorf("%s: merge away: empty id", t.Name)
	}
	var resolved string
	err := t.Conn.QueryRow(ctx, AliasOf, survivor).Scan(&resolved)
	switch {
	case err == nil:
		survivor = resolved
	case !isNoRows(err):
		return fmt.Errorf("%s: merge away %s: %w", t.Name, id, err)
	}
	if survivor == id {
		return fmt.Errorf("%s: merge away %s into itself", t.Name, id)
	}
	n, err := t.Conn.Exec(ctx, Call{Stmt: DeleteEvent, Args: []any{id}})
	if err != nil {
		return fmt.Errorf("%s: merge away %s: %w", t.Name, id, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", t.Name, NotFound("event", id))
	}
	_, err = t.Conn.Exec(ctx,
		Call{Stmt: PutAlias, Args: []any{id, survivor}},
		// Ids merged into id earlier now resolve straight to the new survivor.
		Call{Stmt: RepointAliases, Args: []any{survivor, id}})
	if err != nil {
		return fmt.Errorf("%s: merge away %s: %w", t.Name, id, err)
	}
	return nil
}

// MentionsOf returns the mentions found in a document, in order.
func (t *Tx) MentionsOf(ctx context.Context, documentID string) ([]pipeline.Mention, error) {
	var out []pipeline.Mention
	err := t.Conn.Query(ctx, func(rows Rows) error {
		var err error
		out, err = ScanMentions(rows, documentID)
		return err
	}, MentionsOf, documentID)
	if err != nil {
		return nil, fmt.Errorf("%s: mentions of %s: %w", t.Name, documentID, err)
	}
	return out, nil
}

// isNoRows reports a query that found no row (pgx.ErrNoRows wraps sql.ErrNoRows).
func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

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

// SplitEventID splits an id like MLI12 into its letters and number; ok is false for other shapes.
func SplitEventID(id string) (prefix string, n int64, ok bool) {
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

// Span is the [start, end] an event covers for NearbyEvents: the stated span, else its date.
func Span(date, start, end string) (string, string) {
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

// UpdateSet is the SET list of an upsert that overwrites every column of cols but the key
// event_id_cnty with the excluded row's.
func UpdateSet(cols string) string {
	var set []string
	for _, c := range strings.Split(cols, ",") {
		if c = strings.TrimSpace(c); c != "event_id_cnty" {
			set = append(set, c+" = excluded."+c)
		}
	}
	return strings.Join(set, ", ")
}
