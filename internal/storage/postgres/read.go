package postgres

import (
	"context"
	"fmt"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// The child rows come back as one JSON array per event (keys are the event package's JSON names), so
// reading any number of events is one query, streamed, from one snapshot.
const (
	sourcesJSON = `(SELECT json_agg(json_build_object(` + record.SourceObject + `) ORDER BY idx)
		FROM event_sources WHERE event_id = e.event_id_cnty)::text`
	claimsJSON = `(SELECT json_agg(json_build_object(` + record.ClaimObject + `) ORDER BY idx)
		FROM claims WHERE event_id = e.event_id_cnty)::text`
	evidenceJSON = `(SELECT json_agg(json_build_object(` + record.EvidenceObject + `) ORDER BY idx)
		FROM evidence WHERE event_id = e.event_id_cnty)::text`
	mentionsJSON = `(SELECT json_agg(json_build_object('document_id', document_id, 'index', idx,
		'event', event_json::json) ORDER BY ord)
		FROM event_mentions WHERE event_id = e.event_id_cnty)::text`
)

// selectEvents is the SELECT list for full events, optionally with their mentions (record.ScanEvent
// reads its rows; an event without child rows gets NULL, as json_agg has no rows to aggregate).
func selectEvents(withMentions bool) string {
	if withMentions {
		return record.SelectEvents(sourcesJSON, claimsJSON, evidenceJSON, mentionsJSON)
	}
	return record.SelectEvents(sourcesJSON, claimsJSON, evidenceJSON)
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
	return `WITH sel AS (SELECT ` + record.Prefixed(record.EventCols) + ` FROM events e` + cond + `), ` +
		child("src", "event_sources", `json_build_object(`+record.SourceObject+`)`) + `, ` +
		child("clm", "claims", `json_build_object(`+record.ClaimObject+`)`) + `, ` +
		child("evd", "evidence", `json_build_object(`+record.EvidenceObject+`)`) + `
		SELECT ` + record.Prefixed(record.EventCols) + `, src.j, clm.j, evd.j FROM sel e
		LEFT JOIN src ON src.event_id = e.event_id_cnty
		LEFT JOIN clm ON clm.event_id = e.event_id_cnty
		LEFT JOIN evd ON evd.event_id = e.event_id_cnty
		ORDER BY e.event_date, e.event_id_cnty`
}

// Events calls fn for each event matching f, ordered by event_date then event_id_cnty, streaming from
// one query (one snapshot): Matching, for the pipeline's and exports' callers. Background events are
// left out unless f.IncludeBackground. An error from fn stops the walk and is returned as is. fn runs
// while a pool connection is held: it must not wait for this store's other connections when MaxConns
// is 1.
func (s *Store) Events(ctx context.Context, f event.Filter, fn func(event.Event) error) error {
	return s.matching(ctx, "events", f, fn)
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
	e, err := record.ScanOneEvent(rows, id)
	if err != nil {
		return e, fmt.Errorf("postgres: %w", err)
	}
	return e, nil
}

// Document returns a stored document by id, for the API and evidence display.
func (s *Store) Document(ctx context.Context, id string) (document.Document, error) {
	d, err := record.ScanDocument(s.pool.QueryRow(ctx, `SELECT `+record.DocumentCols+` FROM documents WHERE id = $1`, id), id)
	if err != nil {
		return d, fmt.Errorf("postgres: %w", err)
	}
	return d, nil
}
