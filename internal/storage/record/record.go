// Package record is the SQL row form of sitrep's records, shared by the SQLite and PostgreSQL stores:
// the events columns and the Go fields they hold, the JSON of child lists and mentions, how documents
// and place sets are read back, the event id and span rules, and the dialect-independent steps of a
// write transaction (Tx). Each store keeps its own SQL text wherever placeholders, types or JSON
// functions differ, and runs it through the small Conn interface.
package record

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// EventCols are the events columns that hold event.Event fields, in the order of EventArgs and
// EventDest.
const EventCols = `event_id_cnty, event_date, year, time_precision, disorder_type, event_type,
	sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
	civilian_targeting, iso, region, country, admin1, admin2, admin3, location, latitude, longitude,
	geo_precision, source, source_scale, notes, fatalities, tags, timestamp,
	date_start, date_end, fatalities_low, fatalities_high, geonameid, confidence, status, background,
	fatalities_vague`

// SpanCols are EventCols plus the derived columns SaveEvent writes: the lower-cased country, the
// dedup cell and the span NearbyEvents searches (UpsertEvent's arguments).
const SpanCols = EventCols + `, country_key, cell, span_start, span_end`

// EventArgs are e's values for EventCols.
func EventArgs(e *event.Event) []any {
	return []any{
		e.EventIDCnty, e.EventDate, e.Year, e.TimePrecision, e.DisorderType, e.EventType,
		e.SubEventType, e.Actor1, e.AssocActor1, e.Inter1, e.Actor2, e.AssocActor2, e.Inter2, e.Interaction,
		e.CivilianTargeting, e.ISO, e.Region, e.Country, e.Admin1, e.Admin2, e.Admin3, e.Location, e.Latitude, e.Longitude,
		e.GeoPrecision, e.Source, e.SourceScale, e.Notes, e.Fatalities, e.Tags, e.Timestamp,
		e.DateStart, e.DateEnd, e.FatalitiesLow, e.FatalitiesHigh, e.GeonameID, e.Confidence, e.Status, e.Background,
		e.FatalitiesVague,
	}
}

// EventDest are the scan destinations in e for EventCols.
func EventDest(e *event.Event) []any {
	return []any{
		&e.EventIDCnty, &e.EventDate, &e.Year, &e.TimePrecision, &e.DisorderType, &e.EventType,
		&e.SubEventType, &e.Actor1, &e.AssocActor1, &e.Inter1, &e.Actor2, &e.AssocActor2, &e.Inter2, &e.Interaction,
		&e.CivilianTargeting, &e.ISO, &e.Region, &e.Country, &e.Admin1, &e.Admin2, &e.Admin3, &e.Location, &e.Latitude, &e.Longitude,
		&e.GeoPrecision, &e.Source, &e.SourceScale, &e.Notes, &e.Fatalities, &e.Tags, &e.Timestamp,
		&e.DateStart, &e.DateEnd, &e.FatalitiesLow, &e.FatalitiesHigh, &e.GeonameID, &e.Confidence, &e.Status, &e.Background,
		&e.FatalitiesVague,
	}
}

// The arguments of a JSON object constructor (SQLite json_object, PostgreSQL json_build_object) that
// rebuilds one child row under the event package's JSON names, so ScanEvent can decode the list.
const (
	SourceObject = `'id', source_id, 'url', url, 'outlet', outlet,
		'title', title, 'published', published, 'language', language`
	ClaimObject = `'by', by_party, 'figure', figure, 'kind', kind,
		'of', of_whom, 'text', text, 'source', source_id, 'start', start_off, 'end', end_off`
	EvidenceObject = `'field', field, 'source_id', source_id,
		'start', start_off, 'end', end_off, 'text', text`
)

// Prefixed qualifies a column list with the events alias e.
func Prefixed(cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = "e." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// SelectEvents is the SELECT list for full events from events e: EventCols, then the child lists'
// JSON expressions (sources, claims, evidence and optionally mentions, as ScanEvent reads them).
func SelectEvents(children ...string) string {
	return "SELECT " + Prefixed(EventCols) + ", " + strings.Join(children, ", ") + " FROM events e "
}

// Scanner is one result row (*sql.Row, *sql.Rows, pgx.Row, pgx.Rows).
type Scanner interface {
	Scan(dest ...any) error
}

// Rows is a result set being walked (*sql.Rows, pgx.Rows); its owner closes it.
type Rows interface {
	Scanner
	Next() bool
	Err() error
}

// ScanEvent reads one row of SelectEvents. A NULL list (PostgreSQL's json_agg over no rows) reads as
// an empty one.
func ScanEvent(row Scanner, withMentions bool) (pipeline.Stored, error) {
	var s pipeline.Stored
	var sources, claims, evidence, mentions *string
	dest := append(EventDest(&s.Event), &sources, &claims, &evidence)
	if withMentions {
		dest = append(dest, &mentions)
	}
	if err := row.Scan(dest...); err != nil {
		return s, err
	}
	if err := decodeList(sources, &s.Event.Sources); err != nil {
		return s, fmt.Errorf("sources of %s: %w", s.Event.EventIDCnty, err)
	}
	if err := decodeList(claims, &s.Event.Claims); err != nil {
		return s, fmt.Errorf("claims of %s: %w", s.Event.EventIDCnty, err)
	}
	if err := decodeList(evidence, &s.Event.Evidence); err != nil {
		return s, fmt.Errorf("evidence of %s: %w", s.Event.EventIDCnty, err)
	}
	if withMentions {
		if err := decodeList(mentions, &s.Mentions); err != nil {
			return s, fmt.Errorf("mentions of %s: %w", s.Event.EventIDCnty, err)
		}
	}
	return s, nil
}

// ScanEvents reads every row of SelectEvents.
func ScanEvents(rows Rows, withMentions bool) ([]pipeline.Stored, error) {
	var out []pipeline.Stored
	for rows.Next() {
		s, err := ScanEvent(rows, withMentions)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// CheckDates refuses a filter whose Since or Until is not YYYY-MM-DD: dates compare as text in SQL,
// so a malformed one would silently select the wrong events.
func CheckDates(f event.Filter) error {
	for _, d := range []string{f.Since, f.Until} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return fmt.Errorf("date %q is not YYYY-MM-DD", d)
		}
	}
	return nil
}

// ScanOneEvent reads the first row of SelectEvents without mentions as the event looked up by id; no
// row gives an error wrapping storage.ErrNotFound.
func ScanOneEvent(rows Rows, id string) (event.Event, error) {
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return event.Event{}, fmt.Errorf("event %s: %w", id, err)
		}
		return event.Event{}, NotFound("event", id)
	}
	st, err := ScanEvent(rows, false)
	if err != nil {
		return event.Event{}, fmt.Errorf("event %s: %w", id, err)
	}
	return st.Event, nil
}

// decodeList leaves *v nil for a missing or empty list, as the pipeline built it.
func decodeList[T any](s *string, v *[]T) error {
	if s == nil || *s == "" || *s == "[]" {
		*v = nil
		return nil
	}
	return json.Unmarshal([]byte(*s), v)
}

// DocumentCols are the documents columns, in the order of DocumentArgs and ScanDocument.
const DocumentCols = `id, url, guid, outlet, title, language, published, published_approx, fetched_at,
	content_hash, text, origin`

// DocumentArgs are d's values for DocumentCols.
func DocumentArgs(d document.Document) []any {
	return []any{
		d.ID, d.URL, d.GUID, d.Outlet, d.Title, d.Language, formatTime(d.Published), d.PublishedApprox,
		formatTime(d.FetchedAt), d.ContentHash, d.Text, d.Origin,
	}
}

// ScanDocument reads the document with the given id from a row of DocumentCols; no row gives an
// error wrapping storage.ErrNotFound.
func ScanDocument(row Scanner, id string) (document.Document, error) {
	var d document.Document
	var published, fetched string
	err := row.Scan(
		&d.ID, &d.URL, &d.GUID, &d.Outlet, &d.Title, &d.Language, &published, &d.PublishedApprox,
		&fetched, &d.ContentHash, &d.Text, &d.Origin)
	if isNoRows(err) {
		return d, NotFound("document", id)
	}
	if err != nil {
		return d, fmt.Errorf("document %s: %w", id, err)
	}
	if d.Published, err = parseTime(published); err != nil {
		return d, fmt.Errorf("document %s published: %w", id, err)
	}
	if d.FetchedAt, err = parseTime(fetched); err != nil {
		return d, fmt.Errorf("document %s fetched_at: %w", id, err)
	}
	return d, nil
}

// Times are stored as RFC 3339 text with nanoseconds and the original offset ("" for the zero time):
// it sorts and reads well in SQL tools, and PostgreSQL's timestamptz would drop the article's own
// offset.
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

// NotFound wraps storage.ErrNotFound with what was looked for.
func NotFound(what, id string) error {
	return fmt.Errorf("%s %q: %w", what, id, storage.ErrNotFound)
}

// MentionJSON is how a mention's event is stored (event_json).
func MentionJSON(m pipeline.Mention) (string, error) {
	js, err := json.Marshal(m.Event)
	return string(js), err
}

// ScanMentions reads rows of (idx, event_json) as mentions in documentID.
func ScanMentions(rows Rows, documentID string) ([]pipeline.Mention, error) {
	var out []pipeline.Mention
	for rows.Next() {
		m := pipeline.Mention{DocumentID: documentID}
		var js string
		if err := rows.Scan(&m.Index, &js); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(js), &m.Event); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// PlaceSetArgs are the arguments of a place set upsert (name, data, updated_at).
func PlaceSetArgs(name string, data []byte) ([]any, error) {
	if name == "" {
		return nil, fmt.Errorf("place set with empty name")
	}
	if data == nil {
		// The column is NOT NULL (pgx would send a nil slice as NULL); an empty set is still a set.
		data = []byte{}
	}
	return []any{name, data, time.Now().UTC().Format(time.RFC3339)}, nil
}

// CountsSQL counts the documents and events (background included).
const CountsSQL = `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events)`

// SchemaVersionSQL reads the version of the last goose migration applied.
const SchemaVersionSQL = `SELECT max(version_id) FROM goose_db_version WHERE is_applied`

// PlaceSetsSQL reads every place set, by name.
const PlaceSetsSQL = `SELECT name, data FROM place_sets ORDER BY name`

// ScanPlaceSets reads rows of PlaceSetsSQL.
func ScanPlaceSets(rows Rows) (map[string][]byte, error) {
	sets := map[string][]byte{}
	for rows.Next() {
		var name string
		var data []byte
		if err := rows.Scan(&name, &data); err != nil {
			return nil, err
		}
		if data == nil {
			data = []byte{}
		}
		sets[name] = data
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return sets, nil
}

// All reads every row of rows with scan.
func All[T any](rows Rows, scan func(Scanner) (T, error)) ([]T, error) {
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
