package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/synthetic"
)

// benchQueries are what the dashboard asks while someone explores: the first page, each filter
// alone, a few combinations and a second page.
var benchQueries = []struct{ name, query string }{
	{"default", ""},
	{"country", "country=Mali"},
	{"country+month", "country=Burkina+Faso&since=2025-06-01&until=2025-06-30"},
	{"event_type", "event_type=Battles"},
	{"sub_event_type", "sub_event_type=Air%2Fdrone+strike"},
	{"admin1", "admin1=Borno"},
	{"actor", "actor=JNIM"},
	{"bbox", "bbox=-2,13,0,15"},
	{"min_fatalities", "min_fatalities=25"},
	{"civilian_targeting", "civilian_targeting=false"},
	{"sort_fatalities", "sort=fatalities"},
	{"q_none", "q=Timbuktoo"},
	{"q_common", "q=clashed"},
	{"combined", "country=Niger&event_type=Violence+against+civilians&min_fatalities=10&since=2025-01-01"},
	{"limit1000", "limit=1000"},
}

// BenchmarkEvents measures GET /api/events through the whole handler on a store of 100,000 events
// (set SITREP_BENCH_MAX_EVENTS=1000000 for a million; SITREP_BENCH_DIR keeps the filled store between
// runs, as filling a million takes minutes). It reports the median and 95th percentile latency over
// the queries of benchQueries, and per query in sub-benchmarks.
func BenchmarkEvents(b *testing.B) {
	n := benchEvents()
	benchEventsOn(b, benchStore(b, n), n)
}

// BenchmarkEventsPostgres is BenchmarkEvents on a PostgreSQL store holding the same events
// (SITREP_BENCH_MAX_EVENTS as there; the store is filled on every run).
func BenchmarkEventsPostgres(b *testing.B) {
	n := benchEvents()
	benchEventsOn(b, benchPostgres(b, n), n)
}

// benchEvents is the size of the benchmarks' stores.
func benchEvents() int {
	if v, err := strconv.Atoi(os.Getenv("SITREP_BENCH_MAX_EVENTS")); err == nil && v > 0 {
		return v
	}
	return 100_000
}

func benchEventsOn(b *testing.B, store api.Store, n int) {
	h := api.New(store, api.Options{Logger: quiet})
	// The second page needs a cursor from the first.
	first := getPage(b, h, "/api/events?country=Mali")
	// A place's name as a word (hundreds of events) and a small box around it (the R*Tree's case).
	at := first.Events[0]
	queries := append(slices.Clone(benchQueries),
		struct{ name, query string }{"page2", "country=Mali&cursor=" + first.Next},
		struct{ name, query string }{"q_place", "q=" + url.QueryEscape(strings.Fields(at.Location)[0])},
		struct{ name, query string }{"bbox_small", fmt.Sprintf("bbox=%g,%g,%g,%g", at.Longitude-0.1, at.Latitude-0.1, at.Longitude+0.1, at.Latitude+0.1)},
	)

	measure := func(b *testing.B, qs []string) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			target := "/api/events?" + qs[i%len(qs)]
			start := time.Now()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
			lat = append(lat, time.Since(start))
			if rec.Code != http.StatusOK {
				b.Fatalf("GET %s: %d %s", target, rec.Code, rec.Body)
			}
		}
		slices.Sort(lat)
		pct := func(p float64) float64 {
			return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
		}
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.95), "p95-ms")
	}
	b.Run(fmt.Sprintf("events=%d/mix", n), func(b *testing.B) {
		var qs []string
		for _, q := range queries {
			qs = append(qs, q.query)
		}
		measure(b, qs)
	})
	for _, q := range queries {
		b.Run(fmt.Sprintf("events=%d/%s", n, q.name), func(b *testing.B) { measure(b, []string{q.query}) })
	}
}

// benchStore fills (or reopens) a store of n synthetic events over two years, each with its source
// document, in transactions of 5000 as a long-running store holds them.
func benchStore(b *testing.B, n int) *sqlite.Store {
	b.Helper()
	ctx := context.Background()
	dir := os.Getenv("SITREP_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("api-bench-%d.db", n))
	_, statErr := os.Stat(path)
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if statErr == nil {
		if _, have, err := store.Counts(ctx); err == nil && have == n {
			return store
		}
		b.Fatalf("%s exists but does not hold %d events; remove it", path, n)
	}
	benchFill(b, store, n)
	return store
}

// benchPostgres fills a new PostgreSQL database as benchStore fills its file, then has the server
// gather its planner statistics (as autovacuum would soon after). SITREP_BENCH_POSTGRES names a
// database to keep between runs instead (filled when empty).
func benchPostgres(b *testing.B, n int) *postgres.Store {
	b.Helper()
	ctx := context.Background()
	url := os.Getenv("SITREP_BENCH_POSTGRES")
	if url == "" {
		url = pg.NewDatabase(b)
	}
	store, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	switch _, have, err := store.Counts(ctx); {
	case err != nil:
		b.Fatal(err)
	case have == n:
		return store
	case have != 0:
		b.Fatalf("the database holds %d events, not %d; empty it", have, n)
	}
	start := time.Now()
	benchFill(b, store, n)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatal(err)
	}
	b.Logf("filled PostgreSQL with %d events in %v", n, time.Since(start).Round(time.Second))
	return store
}

// benchFill stores n synthetic events over two years, each with its source document, in
// transactions of 5000 as a long-running store holds them.
func benchFill(b *testing.B, store pipeline.Store, n int) {
	ctx := context.Background()
	g, err := gazetteer.Default()
	if err != nil {
		b.Fatal(err)
	}
	places := synthetic.Places(g, []string{"ML", "BF", "NE", "NG", "MZ"}, 2000)
	s := synthetic.NewStream(1, places, time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), 730)
	const batch = 5000
	for done := 0; done < n; {
		err := store.Update(ctx, func(tx pipeline.Tx) error {
			for i := 0; i < batch && done < n; i++ {
				it := s.Next()
				if err := tx.PutDocument(ctx, it.Doc); err != nil {
					return err
				}
				id, err := tx.NewEventID(ctx, it.Report.EventIDCnty)
				if err != nil {
					return err
				}
				e := it.Report
				e.EventIDCnty = id
				if e.Actor2 != "" && done%3 == 0 {
					e.CivilianTargeting = "Civilian targeting"
				}
				e.Notes = event.Notes(e)
				if err := tx.SaveEvent(ctx, pipeline.Stored{Event: e}, dedup.Cell(e.Latitude, e.Longitude)); err != nil {
					return err
				}
				done++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStats measures GET /api/stats (the dashboard's timeline) on the store of BenchmarkEvents.
func BenchmarkStats(b *testing.B) {
	n := benchEvents()
	benchStatsOn(b, benchStore(b, n), n)
}

// BenchmarkStatsPostgres is BenchmarkStats on PostgreSQL (see BenchmarkEventsPostgres).
func BenchmarkStatsPostgres(b *testing.B) {
	n := benchEvents()
	benchStatsOn(b, benchPostgres(b, n), n)
}

func benchStatsOn(b *testing.B, store api.Store, n int) {
	h := api.New(store, api.Options{Logger: quiet})
	for _, q := range []struct{ name, query string }{
		{"week", "bucket=week"}, {"day", "bucket=day"}, {"country_week", "bucket=week&country=Mali"},
		{"type_month", "event_type=Battles&since=2025-06-01&until=2025-06-30"}, {"q_common", "bucket=week&q=clashed"},
		{"bbox", "bucket=week&bbox=-2,13,0,15"},
	} {
		b.Run(fmt.Sprintf("events=%d/%s", n, q.name), func(b *testing.B) {
			var lat []time.Duration
			for b.Loop() {
				start := time.Now()
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/stats?"+q.query, nil))
				lat = append(lat, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d %s", q.query, rec.Code, rec.Body)
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*95/100)].Microseconds())/1000, "p95-ms")
		})
	}
}
