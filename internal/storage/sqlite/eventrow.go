package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

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
// reading any number of events is a single query rather than one per child table per event.
const (
	sourcesJSON = `(SELECT json_group_array(json_object('id', source_id, 'url', url, 'outlet', outlet,
		'title', title, 'published', published, 'language', language) ORDER BY idx)
		FROM event_sources WHERE event_id = e.event_id_cnty)`
	claimsJSON = `(SELECT json_group_array(json_object('by', by_party, 'figure', figure, 'kind', kind,
		'of', of_whom, 'text', text, 'source', source_id, 'start', start_off, 'end', end_off) ORDER BY idx)
		FROM claims WHERE event_id = e.event_id_cnty)`
	evidenceJSON = `(SELECT json_group_array(json_object('field', field, 'source_id', source_id,
		'start', start_off, 'end', end_off, 'text', text) ORDER BY idx)
		FROM evidence WHERE event_id = e.event_id_cnty)`
	mentionsJSON = `(SELECT json_group_array(json_object('document_id', document_id, 'index', idx,
		'event', json(event_json)) ORDER BY ord)
		FROM event_mentions WHERE event_id = e.event_id_cnty)`
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

// scanEvent reads one row of selectEvents.
func scanEvent(rows *sql.Rows, withMentions bool) (pipeline.Stored, error) {
	var s pipeline.Stored
	var sources, claims, evidence, mentions string
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

// decodeList leaves *v nil for an empty list, as the pipeline built it.
func decodeList[T any](s string, v *[]T) error {
	if s == "" || s == "[]" {
		*v = nil
		return nil
	}
	return json.Unmarshal([]byte(s), v)
}
