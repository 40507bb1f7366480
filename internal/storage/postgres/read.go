package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
)

// eventCols are the events columns that hold event.Event fields, in the order of eventArgs and
// eventDest.
const eventCols = `event_id_cnty, event_date, year, time_precision, disorder_type, event_type,
	sub_event_type, actor1, assoc_actor_1, inter1, actor2, assoc_actor_2, inter2, interaction,
	civilian_targeting, iso, region, country, admin1, admin2, admin3, location, latitude, longitude,
	geo_precision, source, source_scale, notes, fatalities, tags, timestamp,
	date_start, date_end, fatalities_low, fatalities_high, geonameid, confidence, status, background,
	fatalities_vague`

func eventArgs(e *event.Event) []any {
	return []any{
		e.EventIDCnty, e.EventDate, e.Year, e.TimePrecision, e.DisorderType, e.EventType,
		e.SubEventType, e.Actor1, e.AssocActor1, e.Inter1, e.Actor2, e.AssocActor2, e.Inter2, e.Interaction,
		e.CivilianTargeting, e.ISO, e.Region, e.Country, e.Admin1, e.Admin2, e.Admin3, e.Location, e.Latitude, e.Longitude,
		e.GeoPrecision, e.Source, e.SourceScale, e.Notes, e.Fatalities, e.Tags, e.Timestamp,
		e.DateStart, e.DateEnd, e.FatalitiesLow, e.FatalitiesHigh, e.GeonameID, e.Confidence, e.Status, e.Background,
		e.FatalitiesVague,
	}
}

func eventDest(e *event.Event) []any {
	return []any{
		&e.EventIDCnty, &e.EventDate, &e.Year, &e.TimePrecision, &e.DisorderType, &e.EventType,
		&e.SubEventType, &e.Actor1, &e.AssocActor1, &e.Inter1, &e.Actor2, &e.AssocActor2, &e.Inter2, &e.Interaction,
		&e.CivilianTargeting, &e.ISO, &e.Region, &e.Country, &e.Admin1, &e.Admin2, &e.Admin3, &e.Location, &e.Latitude, &e.Longitude,
		&e.GeoPrecision, &e.Source, &e.SourceScale, &e.Notes, &e.Fatalities, &e.Tags, &e.Timestamp,
		&e.DateStart, &e.DateEnd, &e.FatalitiesLow, &e.FatalitiesHigh, &e.GeonameID, &e.Confidence, &e.Status, &e.Background,
		&e.FatalitiesVague,
	}
}

// The child rows come back as one JSON array per event (keys are the event package's JSON names), so
// reading any number of events is one query, streamed, from one snapshot.
const (
	sourcesJSON = `(SELECT json_agg(json_build_object('id', source_id, 'url', url, 'outlet', outlet,
		'title', title, 'published', published, 'language', language) ORDER BY idx)
		FROM event_sources WHERE event_id = e.event_id_cnty)::text`
	claimsJSON = `(SELECT json_agg(json_build_object('by', by_party, 'figure', figure, 'kind', kind,
		'of', of_whom, 'text', text, 'source', source_id, 'start', start_off, 'end', end_off) ORDER BY idx)
		FROM claims WHERE event_id = e.event_id_cnty)::text`
	evidenceJSON = `(SELECT json_agg(json_build_object('field', field, 'source_id', source_id,
		'start', start_off, 'end', end_off, 'text', text) ORDER BY idx)
		FROM evidence WHERE event_id = e.event_id_cnty)::text`
	mentionsJSON = `(SELECT json_agg(json_build_object('document_id', document_id, 'index', idx,
		'event', event_json::json) ORDER BY ord)
		FROM event_mentions WHERE event_id = e.event_id_cnty)::text`
)

// selectEvents is the SELECT list for full events, optionally with their mentions.
func selectEvents(withMentions bool) string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range strings.Split(eventCols, ",") {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("e.")
		b.WriteString(strings.TrimSpace(c))
	}
	b.WriteString(", " + sourcesJSON + ", " + claimsJSON + ", " + evidenceJSON)
	if withMentions {
		b.WriteString(", " + mentionsJSON)
	}
	b.WriteString(" FROM events e ")
	return b.String()
}

// scanEvent reads one row of selectEvents. An event without child rows gets NULL (no json_agg rows).
func scanEvent(rows pgx.Rows, withMentions bool) (pipeline.Stored, error) {
	var s pipeline.Stored
	var sources, claims, evidence, mentions *string
	dest := append(eventDest(&s.Event), &sources, &claims, &evidence)
	if withMentions {
		dest = append(dest, &mentions)
	}
	if err := rows.Scan(dest...); err != nil {
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

// decodeList leaves *v nil for a missing or empty list, as the pipeline built it.
func decodeList[T any](s *string, v *[]T) error {
	if s == nil || *s == "" || *s == "[]" {
		*v = nil
		return nil
	}
	return json.Unmarshal([]byte(*s), v)
}

// eventsSQL selects the events matching cond (on alias e) with their child lists, ordered for export.
// Each child table is aggregated once, for the selected events, and joined: on a walk over many
// events this is several times cheaper for the server than one correlated subquery per event and
// child table (BenchmarkEvents), and the semi-join keeps a narrow filter narrow.
func eventsSQL(cond string) string {
	child := func(name, table, obj string) string {
		return name + ` AS (SELECT event_id, json_agg(` + obj + ` ORDER BY idx)::text AS j FROM ` + table +
			` WHERE event_id IN (SELECT event_id_cnty FROM sel) GROUP BY event_id)`
	}
	return `WITH sel AS (SELECT ` + prefixed(eventCols) + ` FROM events e` + cond + `), ` +
		child("src", "event_sources", `json_build_object('id', source_id, 'url', url, 'outlet', outlet,
		'title', title, 'published', published, 'language', language)`) + `, ` +
		child("clm", "claims", `json_build_object('by', by_party, 'figure', figure, 'kind', kind,
		'of', of_whom, 'text', text, 'source', source_id, 'start', start_off, 'end', end_off)`) + `, ` +
		child("evd", "evidence", `json_build_object('field', field, 'source_id', source_id,
		'start', start_off, 'end', end_off, 'text', text)`) + `
		SELECT ` + prefixed(eventCols) + `, src.j, clm.j, evd.j FROM sel e
		LEFT JOIN src ON src.event_id = e.event_id_cnty
		LEFT JOIN clm ON clm.event_id = e.event_id_cnty
		LEFT JOIN evd ON evd.event_id = e.event_id_cnty
		ORDER BY e.event_date, e.event_id_cnty`
}

// prefixed qualifies a column list with the events alias e.
func prefixed(cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = "e." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// Events calls fn for each event matching f (every field but Text, which is refused), ordered by event_date then event_id_cnty, streaming from
// one query (one snapshot). Background events are left out unless f.IncludeBackground. An error from
// fn stops the walk and is returned as is. fn runs while a pool connection is held: it must not wait
// for this store's other connections when MaxConns is 1.
func (s *Store) Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error {
	if strings.TrimSpace(f.Text) != "" {
		return errors.New("postgres: events: full-text filters are not supported by the PostgreSQL store yet")
	}
	// Dates compare as text, so a malformed one would silently select the wrong events.
	for _, d := range []string{f.Since, f.Until} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return fmt.Errorf("postgres: events: date %q is not YYYY-MM-DD", d)
		}
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if c := strings.TrimSpace(f.Country); c != "" {
		where = append(where, "e.country_key = "+arg(strings.ToLower(c)))
	}
	if f.Since != "" {
		where = append(where, "e.event_date >= "+arg(f.Since))
	}
	if f.Until != "" {
		where = append(where, "e.event_date <= "+arg(f.Until))
	}
	if !f.IncludeBackground {
		where = append(where, "NOT e.background")
	}
	if f.MinFatalities > 0 {
		where = append(where, "e.fatalities >= "+arg(f.MinFatalities))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := s.pool.Query(ctx, eventsSQL(cond), args...)
	if err != nil {
		return fmt.Errorf("postgres: events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := scanEvent(rows, false)
		if err != nil {
			return fmt.Errorf("postgres: events: %w", err)
		}
		// The filter's other fields (admin1, types, actor, box, civilian targeting) are checked by
		// event.Filter.Match, the reference every store agrees with.
		if !f.Match(st.Event) {
			continue
		}
		if err := fn(st.Event); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: events: %w", err)
	}
	return nil
}

// Event returns one event by id; an id merged away returns the event that absorbed it (whose
// EventIDCnty differs from id). A missing id gives an error wrapping storage.ErrNotFound.
func (s *Store) Event(ctx context.Context, id string) (event.Event, error) {
	// One statement, so the alias and its survivor are read from the same snapshot.
	rows, err := s.pool.Query(ctx, selectEvents(false)+`WHERE e.event_id_cnty =
		coalesce((SELECT survivor FROM event_aliases WHERE id = $1), $1)`, id)
	if err != nil {
		return event.Event{}, fmt.Errorf("postgres: event %s: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return event.Event{}, fmt.Errorf("postgres: event %s: %w", id, err)
		}
		return event.Event{}, notFound("event", id)
	}
	st, err := scanEvent(rows, false)
	if err != nil {
		return event.Event{}, fmt.Errorf("postgres: event %s: %w", id, err)
	}
	return st.Event, nil
}

// Document returns a stored document by id, for the API and evidence display.
func (s *Store) Document(ctx context.Context, id string) (document.Document, error) {
	return scanDocument(s.pool.QueryRow(ctx, `SELECT `+documentCols+` FROM documents WHERE id = $1`, id), id)
}
