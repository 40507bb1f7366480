package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// badQuery is a storage.ErrBadQuery with the store's name.
func badQuery(format string, a ...any) error {
	return fmt.Errorf("sqlite: %w", storage.BadQuery(format, a...))
}

// Page returns up to q.Limit events matching q.Filter in q.Sort order after q.After, with their
// sources, claims and evidence, and the Key to pass as After for the next page (nil on the last page).
func (s *Store) Page(ctx context.Context, q storage.Query) ([]event.Event, *storage.Key, error) {
	if q.Limit < 1 {
		return nil, nil, badQuery("limit %d: want at least 1", q.Limit)
	}
	pl, err := s.plan(ctx, q.Filter)
	if err != nil {
		return nil, nil, err
	}
	return s.page(ctx, q, pl)
}

// page is Page with the plan given.
func (s *Store) page(ctx context.Context, q storage.Query, pl plan) ([]event.Event, *storage.Key, error) {
	cond, args, err := filterSQL(q.Filter, pl)
	if err != nil {
		return nil, nil, err
	}
	var order string
	switch q.Sort {
	case "", storage.SortDate:
		order = " ORDER BY e.event_date DESC, e.event_id_cnty DESC"
		if q.After != nil {
			cond = append(cond, "(e.event_date, e.event_id_cnty) < (?, ?)")
			args = append(args, q.After.Date, q.After.ID)
		}
	case storage.SortFatalities:
		order = " ORDER BY e.fatalities DESC, e.event_date DESC, e.event_id_cnty DESC"
		if q.After != nil {
			cond = append(cond, "(e.fatalities, e.event_date, e.event_id_cnty) < (?, ?, ?)")
			args = append(args, q.After.Fatalities, q.After.Date, q.After.ID)
		}
	default:
		return nil, nil, badQuery("sort %q: want date or fatalities", q.Sort)
	}
	args = append(args, q.Limit+1) // one more tells whether a next page exists
	where, n := whereSQL(cond)
	// The page's rows are chosen first by key alone, then read in full: where SQLite sorts rather than
	// walks an index, it would otherwise build every candidate's sources, claims and evidence JSON.
	keys := "SELECT e.rowid FROM events e" + where + order + fmt.Sprintf(" LIMIT ?%d", n+1)
	rows, err := s.r.QueryContext(ctx, selectEvents(false)+"WHERE e.rowid IN ("+keys+")"+order, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: page: %w", err)
	}
	defer rows.Close()
	var out []event.Event
	for rows.Next() {
		st, err := record.ScanEvent(rows, false)
		if err != nil {
			return nil, nil, fmt.Errorf("sqlite: page: %w", err)
		}
		out = append(out, st.Event)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("sqlite: page: %w", err)
	}
	if len(out) <= q.Limit {
		return out, nil, nil
	}
	out = out[:q.Limit]
	next := storage.KeyOf(out[len(out)-1], q.Sort)
	return out, &next, nil
}

// Matching calls fn for every event matching f, oldest first (event_date, then event_id_cnty), as
// Events does but with every field of the filter; for CSV and GeoJSON downloads. An error from fn stops
// the walk and is returned as is.
func (s *Store) Matching(ctx context.Context, f event.Filter, fn func(event.Event) error) error {
	cond, args, err := filterSQL(f, plan{})
	if err != nil {
		return err
	}
	rtx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("sqlite: matching: %w", err)
	}
	defer rtx.Rollback()
	where, _ := whereSQL(cond)
	rows, err := rtx.QueryContext(ctx, selectEvents(false)+where+" ORDER BY e.event_date, e.event_id_cnty", args...)
	if err != nil {
		return fmt.Errorf("sqlite: matching: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		st, err := record.ScanEvent(rows, false)
		if err != nil {
			return fmt.Errorf("sqlite: matching: %w", err)
		}
		if err := fn(st.Event); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: matching: %w", err)
	}
	return nil
}

// Stats counts the events matching f and their fatalities per day or per ISO week (bucket "day" or
// "week") and per event type.
func (s *Store) Stats(ctx context.Context, f event.Filter, bucket string) (storage.Stats, error) {
	sb, err := storage.NewStatsBuilder(bucket)
	if err != nil {
		return storage.Stats{}, fmt.Errorf("sqlite: %w", err)
	}
	cond, args, err := filterSQL(f, plan{})
	if err != nil {
		return storage.Stats{}, err
	}
	where, _ := whereSQL(cond)
	// Always counted per day, in day order (which the events_stats index streams without sorting);
	// weeks are folded by the builder.
	q := "SELECT e.event_date, e.event_type, count(*), coalesce(sum(e.fatalities), 0) FROM events e" +
		where + " GROUP BY e.event_date, e.event_type ORDER BY e.event_date"
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return storage.Stats{}, fmt.Errorf("sqlite: stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day, typ string
		var n, dead int
		if err := rows.Scan(&day, &typ, &n, &dead); err != nil {
			return storage.Stats{}, fmt.Errorf("sqlite: stats: %w", err)
		}
		sb.Add(day, typ, n, dead)
	}
	if err := rows.Err(); err != nil {
		return storage.Stats{}, fmt.Errorf("sqlite: stats: %w", err)
	}
	return sb.Stats(), nil
}

// whereSQL joins conditions into a WHERE clause with their parameters numbered in order, and returns
// how many parameters it holds.
func whereSQL(cond []string) (string, int) {
	if len(cond) == 0 {
		return "", 0
	}
	cond, n := numberParams(cond)
	return " WHERE " + strings.Join(cond, " AND "), n
}

// strategy is how a condition backed by a secondary index (FTS5, R*Tree) is evaluated. SQLite's
// planner cannot know how many rows such an index matches, and the best plan for one page depends on
// it: few matches are best looked up one by one and sorted; many are best met by walking the sort
// order and testing each row, which stops as soon as the page is full.
type strategy int

const (
	// byMatches looks each match up (cost grows with the matches): the default, and the right plan
	// when every match is read anyway (Matching, Stats).
	byMatches strategy = iota
	// walkSet walks the sort order testing membership in the set of matches, built once.
	walkSet
	// walkProbe walks the sort order probing the index for each row (cost grows with the rows walked
	// before the page is full: right when most rows match).
	walkProbe
)

// plan holds the strategy for each indexed condition of a filter: the full-text match in notes, in
// source documents, and the bbox.
type plan struct{ notes, docs, bbox strategy }

// Match-count thresholds of plan, measured on 1,000,000 synthetic events (BenchmarkEvents in
// internal/api): looking up a match costs about 1.5µs, adding it to a set 0.2µs, probing FTS5 for one
// row about 30µs, testing a row's coordinates well under 1µs.
const (
	fewMatches  = 10_000
	manyMatches = 50_000
)

// plan counts (up to a bound) how many rows the filter's full-text and bbox conditions match, to pick
// their strategies for one page.
func (s *Store) plan(ctx context.Context, f event.Filter) (plan, error) {
	var pl plan
	if strings.TrimSpace(f.Text) != "" {
		m, err := ftsQuery(f.Text)
		if err != nil {
			return pl, err
		}
		var notes, docs int
		err = s.r.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM (SELECT 1 FROM events_fts WHERE events_fts MATCH ?1 LIMIT ?2)),
			(SELECT count(*) FROM (SELECT 1 FROM documents_fts WHERE documents_fts MATCH ?1 LIMIT ?2))`,
			m, manyMatches).Scan(&notes, &docs)
		if err != nil {
			return pl, fmt.Errorf("sqlite: plan full-text query: %w", err)
		}
		pl.notes, pl.docs = textStrategy(notes), textStrategy(docs)
		// The two parts are ORed: if either walks the sort order, the other cannot drive the query
		// and becomes a set tested on the walk (few matches: cheap to build).
		if pl.notes != byMatches || pl.docs != byMatches {
			pl.notes, pl.docs = max(pl.notes, walkSet), max(pl.docs, walkSet)
		}
	}
	if b := f.BBox; b != nil {
		var n int
		err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM events_geo
			WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ? LIMIT ?)`,
			b.MinLon, b.MaxLon, b.MinLat, b.MaxLat, fewMatches).Scan(&n)
		if err != nil {
			return pl, fmt.Errorf("sqlite: plan bbox: %w", err)
		}
		if n >= fewMatches {
			pl.bbox = walkProbe // the row's own coordinates are the cheapest test
		}
	}
	return pl, nil
}

func textStrategy(matches int) strategy {
	switch {
	case matches >= manyMatches:
		return walkProbe
	case matches >= fewMatches:
		return walkSet
	}
	return byMatches
}

// filterSQL turns a filter into conditions on the events alias e. It must select exactly what
// f.Match selects (query_test.go compares them), plus the full-text part Match cannot see; pl only
// changes how, never what.
func filterSQL(f event.Filter, pl plan) ([]string, []any, error) {
	var cond []string
	var args []any
	for name, d := range map[string]string{"since": f.Since, "until": f.Until} {
		if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
			return nil, nil, badQuery("%s %q: want YYYY-MM-DD", name, d)
		}
	}
	if !f.IncludeBackground {
		cond = append(cond, "e.background = 0")
	}
	if c := strings.TrimSpace(f.Country); c != "" {
		cond = append(cond, "e.country_key = ?")
		args = append(args, strings.ToLower(c))
	}
	// COLLATE NOCASE matches the NOCASE indexes of migration 00003.
	for _, c := range []struct{ col, v string }{
		{"admin1", f.Admin1}, {"event_type", f.EventType}, {"sub_event_type", f.SubEventType},
	} {
		if v := strings.TrimSpace(c.v); v != "" {
			cond = append(cond, "e."+c.col+" = ? COLLATE NOCASE")
			args = append(args, v)
		}
	}
	if f.Since != "" {
		cond = append(cond, "e.event_date >= ?")
		args = append(args, f.Since)
	}
	if f.Until != "" {
		cond = append(cond, "e.event_date <= ?")
		args = append(args, f.Until)
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		pat := "%" + escapeLike(a) + "%"
		cond = append(cond, `(e.actor1 LIKE ?1 ESCAPE '\' OR e.actor2 LIKE ?1 ESCAPE '\'
			OR e.assoc_actor_1 LIKE ?1 ESCAPE '\' OR e.assoc_actor_2 LIKE ?1 ESCAPE '\')`)
		args = append(args, pat)
	}
	if f.MinFatalities > 0 {
		cond = append(cond, "e.fatalities >= ?")
		args = append(args, f.MinFatalities)
	}
	if f.CivilianTargeting != nil {
		op := "<>"
		if *f.CivilianTargeting {
			op = "="
		}
		cond = append(cond, "e.civilian_targeting "+op+" ?")
		args = append(args, event.CivilianTargetingValue)
	}
	if b := f.BBox; b != nil {
		located := "(e.latitude <> 0 OR e.longitude <> 0 OR e.geo_precision <> 0)"
		if pl.bbox == byMatches {
			// The R*Tree holds located events only; its 32-bit boxes are rounded outwards, so it may
			// keep a point just outside, and the exact comparison below decides.
			located = `e.rowid IN (SELECT id FROM events_geo
				WHERE max_lon >= ? AND min_lon <= ? AND max_lat >= ? AND min_lat <= ?)`
			args = append(args, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat)
		}
		cond = append(cond, located, "e.longitude BETWEEN ? AND ?", "e.latitude BETWEEN ? AND ?")
		args = append(args, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat)
	}
	if strings.TrimSpace(f.Text) != "" {
		m, err := ftsQuery(f.Text)
		if err != nil {
			return nil, nil, err
		}
		var notes, docs string
		const docMatches = `SELECT s.event_id FROM event_sources s JOIN documents d ON d.id = s.source_id
			WHERE d.rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?1)`
		switch pl.notes {
		case byMatches:
			notes = "e.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?1)"
		case walkSet:
			// Unary + keeps the planner from driving the query by the set: it walks the sort order.
			notes = "+e.rowid IN (SELECT rowid FROM events_fts WHERE events_fts MATCH ?1)"
		case walkProbe:
			notes = "EXISTS (SELECT 1 FROM events_fts f WHERE f.events_fts MATCH ?1 AND f.rowid = e.rowid)"
		}
		switch pl.docs {
		case byMatches:
			docs = "e.event_id_cnty IN (" + docMatches + ")"
		case walkSet:
			docs = "+e.event_id_cnty IN (" + docMatches + ")"
		case walkProbe:
			docs = `EXISTS (SELECT 1 FROM event_sources s JOIN documents d ON d.id = s.source_id
				JOIN documents_fts df ON df.rowid = d.rowid
				WHERE s.event_id = e.event_id_cnty AND df.documents_fts MATCH ?1)`
		}
		cond = append(cond, "("+notes+" OR "+docs+")")
		args = append(args, m)
	}
	return cond, args, nil
}

// escapeLike makes LIKE's wildcards literal (with ESCAPE '\').
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// numberParams rewrites each condition's parameters as ?N in one sequence, so that a condition may
// use its own argument more than once (?1 within a condition means the condition's first argument);
// n is the number of parameters.
func numberParams(cond []string) (out []string, n int) {
	out = make([]string, len(cond))
	for i, c := range cond {
		var b strings.Builder
		base := n
		for j := 0; j < len(c); j++ {
			if c[j] != '?' {
				b.WriteByte(c[j])
				continue
			}
			k := j + 1
			for k < len(c) && c[k] >= '0' && c[k] <= '9' {
				k++
			}
			if k > j+1 { // ?N: the condition's Nth argument
				m, _ := strconv.Atoi(c[j+1 : k]) // digits only: cannot fail
				fmt.Fprintf(&b, "?%d", base+m)
				n = max(n, base+m)
			} else {
				n++
				fmt.Fprintf(&b, "?%d", n)
			}
			j = k - 1
		}
		out[i] = b.String()
	}
	return out, n
}

// ftsQuery turns what a user typed into an FTS5 query (storage.SearchTerms): every word must occur
// (any order, case and diacritics ignored); a word ending in * matches as a prefix. Each word is
// quoted, so FTS5 operators and syntax in the input have no effect.
func ftsQuery(text string) (string, error) {
	terms, err := storage.SearchTerms(text)
	if err != nil {
		return "", fmt.Errorf("sqlite: %w", err)
	}
	q := make([]string, len(terms))
	for i, t := range terms {
		q[i] = `"` + t.Word + `"`
		if t.Prefix {
			q[i] += "*"
		}
	}
	return strings.Join(q, " "), nil
}
