package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// The API's reads (api.Store): the same results as the SQLite store's for the same events and
// filters, which the storetest suite checks on both.

// badQuery is a storage.ErrBadQuery with the store's name.
func badQuery(err error) error { return fmt.Errorf("postgres: %w", err) }

// Page returns up to q.Limit events matching q.Filter in q.Sort order after q.After, with their
// sources, claims and evidence, and the Key to pass as After for the next page (nil on the last page).
func (s *Store) Page(ctx context.Context, q storage.Query) ([]event.Event, *storage.Key, error) {
	if q.Limit < 1 {
		return nil, nil, badQuery(storage.BadQuery("limit %d: want at least 1", q.Limit))
	}
	walk, err := s.walkText(ctx, q.Filter.Text)
	if err != nil {
		return nil, nil, err
	}
	w, err := filterSQL(q.Filter, walk)
	if err != nil {
		return nil, nil, err
	}
	var order string
	switch q.Sort {
	case "", storage.SortDate:
		order = " ORDER BY e.event_date DESC, e.event_id_cnty DESC"
		if q.After != nil {
			w.cond = append(w.cond, "(e.event_date, e.event_id_cnty) < ("+w.arg(q.After.Date)+", "+w.arg(q.After.ID)+")")
		}
	case storage.SortFatalities:
		order = " ORDER BY e.fatalities DESC, e.event_date DESC, e.event_id_cnty DESC"
		if q.After != nil {
			w.cond = append(w.cond, "(e.fatalities, e.event_date, e.event_id_cnty) < ("+
				w.arg(q.After.Fatalities)+", "+w.arg(q.After.Date)+", "+w.arg(q.After.ID)+")")
		}
	default:
		return nil, nil, badQuery(storage.BadQuery("sort %q: want date or fatalities", q.Sort))
	}
	// The page's keys are chosen first (an index walk in the sort order stops at the limit), then only
	// those events are read in full. One row more than the limit tells whether a next page exists.
	keys := "SELECT e.event_id_cnty FROM events e" + w.where() + order + " LIMIT " + w.arg(q.Limit+1)
	rows, err := s.pool.Query(ctx, selectEvents(false)+"WHERE e.event_id_cnty IN ("+keys+")"+order, w.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("postgres: page: %w", err)
	}
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		st, err := record.ScanEvent(rows, false)
		if err != nil {
			return nil, nil, fmt.Errorf("postgres: page: %w", err)
		}
		out = append(out, st.Event)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("postgres: page: %w", err)
	}
	if len(out) <= q.Limit {
		return out, nil, nil
	}
	out = out[:q.Limit]
	next := storage.KeyOf(out[len(out)-1], q.Sort)
	return out, &next, nil
}

// Matching calls fn for every event matching f (every field, full text included), oldest first
// (event_date, then event_id_cnty), streaming from one query (one snapshot); for CSV and GeoJSON
// downloads. An error from fn stops the walk and is returned as is. fn runs while a pool connection
// is held: it must not wait for this store's other connections when MaxConns is 1.
func (s *Store) Matching(ctx context.Context, f event.Filter, fn func(event.Event) error) error {
	return s.matching(ctx, "matching", f, fn)
}

func (s *Store) matching(ctx context.Context, op string, f event.Filter, fn func(event.Event) error) error {
	w, err := filterSQL(f, false)
	if err != nil {
		return err
	}
	rows, err := s.pool.Query(ctx, eventsSQL(w.where()), w.args...)
	if err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := record.ScanEvent(rows, false)
		if err != nil {
			return fmt.Errorf("postgres: %s: %w", op, err)
		}
		if err := fn(st.Event); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	return nil
}

// Stats counts the events matching f and their fatalities per day or per ISO week (bucket "day" or
// "week") and per event type.
func (s *Store) Stats(ctx context.Context, f event.Filter, bucket string) (storage.Stats, error) {
	sb, err := storage.NewStatsBuilder(bucket)
	if err != nil {
		return storage.Stats{}, badQuery(err)
	}
	w, err := filterSQL(f, false)
	if err != nil {
		return storage.Stats{}, err
	}
	// Counted per day in day order (the events_stats index, 00004); weeks are folded by the builder.
	rows, err := s.pool.Query(ctx, `SELECT e.event_date, e.event_type, count(*), coalesce(sum(e.fatalities), 0)
		FROM events e`+w.where()+` GROUP BY e.event_date, e.event_type ORDER BY e.event_date`, w.args...)
	if err != nil {
		return storage.Stats{}, fmt.Errorf("postgres: stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day, typ string
		var n, dead int
		if err := rows.Scan(&day, &typ, &n, &dead); err != nil {
			return storage.Stats{}, fmt.Errorf("postgres: stats: %w", err)
		}
		sb.Add(day, typ, n, dead)
	}
	if err := rows.Err(); err != nil {
		return storage.Stats{}, fmt.Errorf("postgres: stats: %w", err)
	}
	return sb.Stats(), nil
}

// conds are WHERE conditions on the events alias e with their numbered parameters.
type conds struct {
	cond []string
	args []any
}

// arg adds a parameter and returns its placeholder.
func (w *conds) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *conds) where() string {
	if len(w.cond) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.cond, " AND ")
}

// manyMatches is the estimated number of events (by notes or by source documents) from which a page
// of a full-text search walks the events in its order rather than gathering every match and sorting
// them. Measured on 100,000 synthetic events (BenchmarkEventsPostgres in internal/api): gathering
// costs about 20µs a match, walking about 5µs an event passed; the two meet near sqrt(limit ×
// events / 4), about 1,600 for a page of 100 among 100,000, 5,000 among 1,000,000.
const manyMatches = 3000

// walkText reports whether a page of a full-text search for text should walk the sort order (the
// words are common), from the planner's estimates of the matches among notes and among documents:
// counting them would cost as much as gathering them.
func (s *Store) walkText(ctx context.Context, text string) (bool, error) {
	if strings.TrimSpace(text) == "" {
		return false, nil
	}
	words, prefix, err := tsqueryArgs(text)
	if err != nil {
		return false, err
	}
	var n float64
	for _, table := range []string{"events", "documents"} {
		var plan string
		err := s.pool.QueryRow(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM `+table+
			` WHERE words @@ sitrep_tsquery($1::text[], $2::boolean[])`, words, prefix).Scan(&plan)
		if err != nil {
			return false, fmt.Errorf("postgres: plan full-text query: %w", err)
		}
		var est []struct {
			Plan struct {
				Rows float64 `json:"Plan Rows"`
			}
		}
		if err := json.Unmarshal([]byte(plan), &est); err != nil || len(est) == 0 {
			return false, fmt.Errorf("postgres: plan full-text query: unexpected EXPLAIN output (%v)", err)
		}
		n += est[0].Plan.Rows
	}
	return n >= s.walkFrom, nil
}

// tsqueryArgs are the arguments of sitrep_tsquery for what a user typed.
func tsqueryArgs(text string) ([]string, []bool, error) {
	terms, err := storage.SearchTerms(text)
	if err != nil {
		return nil, nil, badQuery(err)
	}
	words := make([]string, len(terms))
	prefix := make([]bool, len(terms))
	for i, t := range terms {
		words[i], prefix[i] = t.Word, t.Prefix
	}
	return words, prefix, nil
}

// filterSQL turns a filter into conditions on the events alias e. It selects exactly what f.Match
// selects (the storetest suite compares them), plus the full-text part Match cannot see, as the
// SQLite store does: type, sub-event type, admin1 and actor ignore ASCII case only. walk tests each
// event for the full-text part (for a page of common words) rather than gathering every match;
// it changes how, never what.
func filterSQL(f event.Filter, walk bool) (*conds, error) {
	w := &conds{}
	for name, d := range map[string]string{"since": f.Since, "until": f.Until} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return nil, badQuery(storage.BadQuery("%s %q: want YYYY-MM-DD", name, d))
		}
	}
	if !f.IncludeBackground {
		w.cond = append(w.cond, "NOT e.background")
	}
	if c := strings.TrimSpace(f.Country); c != "" {
		w.cond = append(w.cond, "e.country_key = "+w.arg(strings.ToLower(c)))
	}
	// The expressions of the 00003 indexes, so that they serve these conditions.
	for _, c := range []struct{ col, v string }{
		{"admin1", f.Admin1}, {"event_type", f.EventType}, {"sub_event_type", f.SubEventType},
	} {
		if v := strings.TrimSpace(c.v); v != "" {
			w.cond = append(w.cond, `lower(e.`+c.col+` COLLATE "C") = `+w.arg(asciiLower(v)))
		}
	}
	if f.Since != "" {
		w.cond = append(w.cond, "e.event_date >= "+w.arg(f.Since))
	}
	if f.Until != "" {
		w.cond = append(w.cond, "e.event_date <= "+w.arg(f.Until))
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		// strpos, not LIKE: the substring needs no escaping.
		p := w.arg(asciiLower(a))
		var ors []string
		for _, col := range []string{"actor1", "actor2", "assoc_actor_1", "assoc_actor_2"} {
			ors = append(ors, `strpos(lower(e.`+col+` COLLATE "C"), `+p+`) > 0`)
		}
		w.cond = append(w.cond, "("+strings.Join(ors, " OR ")+")")
	}
	if f.MinFatalities > 0 {
		w.cond = append(w.cond, "e.fatalities >= "+w.arg(f.MinFatalities))
	}
	if f.CivilianTargeting != nil {
		op := " <> "
		if *f.CivilianTargeting {
			op = " = "
		}
		w.cond = append(w.cond, "e.civilian_targeting"+op+w.arg(event.CivilianTargetingValue))
	}
	if b := f.BBox; b != nil {
		minLon, minLat, maxLon, maxLat := w.arg(b.MinLon), w.arg(b.MinLat), w.arg(b.MaxLon), w.arg(b.MaxLat)
		// The located test and the box operator are those of the events_geo index (00003); the box
		// operator's 1e-6 fuzz may let a point just outside through, and the exact test decides.
		w.cond = append(w.cond, "(e.latitude <> 0 OR e.longitude <> 0 OR e.geo_precision <> 0)",
			"point(e.longitude, e.latitude) <@ box(point("+minLon+", "+minLat+"), point("+maxLon+", "+maxLat+"))",
			"e.longitude BETWEEN "+minLon+" AND "+maxLon, "e.latitude BETWEEN "+minLat+" AND "+maxLat)
	}
	if strings.TrimSpace(f.Text) != "" {
		words, prefix, err := tsqueryArgs(f.Text)
		if err != nil {
			return nil, err
		}
		q := "sitrep_tsquery(" + w.arg(words) + "::text[], " + w.arg(prefix) + "::boolean[])"
		if walk {
			// Each event's stored words, and its documents' (PostgreSQL gathers those once or probes
			// them per event, as it estimates cheaper).
			w.cond = append(w.cond, `(e.words @@ `+q+` OR EXISTS (SELECT 1 FROM event_sources s
				JOIN documents d ON d.id = s.source_id WHERE s.event_id = e.event_id_cnty AND d.words @@ `+q+`))`)
		} else {
			// One set of ids from both word indexes: an OR of the two tests would keep the planner
			// from using the indexes, and test every event.
			w.cond = append(w.cond, `e.event_id_cnty IN (SELECT n.event_id_cnty FROM events n WHERE n.words @@ `+q+`
				UNION SELECT s.event_id FROM event_sources s JOIN documents d ON d.id = s.source_id
				WHERE d.words @@ `+q+`)`)
		}
	}
	return w, nil
}

// asciiLower folds A-Z only, as lower() under the "C" collation and SQLite's NOCASE do.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
