package monitor_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/coder"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
	"github.com/sitrep-dev/sitrep/internal/monitor"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres/pgtest"
	"github.com/sitrep-dev/sitrep/internal/synthetic"
)

// BenchmarkWorkers drains a queue of "code" jobs (synthetic documents, coded by the real coder) on a
// throwaway PostgreSQL server with 1, 2 and 4 workers, each a queue.Runner with its own store and
// connection pool in this process, as `sitrep worker` processes on several machines would be. One
// iteration is one full drain of SITREP_BENCH_DOCS documents (default 2,000; the figure is
// 100,000), so run it with -benchtime 1x:
//
//	SITREP_BENCH_DOCS=100000 go test -run '^$' -bench Workers -benchtime 1x -timeout 6h ./internal/monitor
//
// SITREP_BENCH_WORKERS picks the worker counts (default "1,2,4"). Besides documents/s it logs where
// the time went: coding (CPU in this process) against store transactions (database work and lock
// waits), what the PostgreSQL backends were doing (sampled from pg_stat_activity) and the CPU used by
// this process and by the server. Every drain is checked: each document stored once, every job done,
// and the documents grouped into the same events as the single-worker drain.
func BenchmarkWorkers(b *testing.B) {
	n := envInt(b, "SITREP_BENCH_DOCS", 2000)
	counts := []int{1, 2, 4}
	if v := os.Getenv("SITREP_BENCH_WORKERS"); v != "" {
		counts = nil
		for f := range strings.SplitSeq(v, ",") {
			k, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || k < 1 {
				b.Fatalf("SITREP_BENCH_WORKERS=%q: want a list such as 1,2,4", v)
			}
			counts = append(counts, k)
		}
	}
	var srv pgtest.Server
	defer srv.Stop()

	cd, err := coder.Default()
	if err != nil {
		b.Fatal(err)
	}
	g, err := gazetteer.Default()
	if err != nil {
		b.Fatal(err)
	}
	places := synthetic.Places(g, []string{"ML", "BF", "NE", "NG", "MZ"}, 2000)
	if len(places) < 100 {
		b.Fatalf("only %d synthetic places", len(places))
	}
	g = nil // the coder keeps its own
	// Two years of events, one to three reports each: about 70 events a day at 100,000 documents.
	stream := synthetic.NewStream(1, places, time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), 730)
	docs := make([]document.Document, n)
	for i := range docs {
		docs[i] = stream.Next().Doc
	}

	var baseline map[string]int // event groupings of the first drain, to compare the others with
	for _, workers := range counts {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				res := drain(b, &srv, cd, docs, workers)
				b.ReportMetric(float64(n)/res.wall.Seconds(), "docs/s")
				b.ReportMetric(float64(res.events), "events")
				res.log(b, workers)
				if baseline == nil {
					baseline = res.groups
				} else if d := groupDiff(baseline, res.groups); d != 0 {
					b.Errorf("%d workers grouped the documents into events differently from the first drain: %d events differ (duplicates or missed merges)", workers, d)
				}
				b.StartTimer()
			}
		})
	}
}

// drainResult is what one drain measured.
type drainResult struct {
	wall                   time.Duration
	enqueue                time.Duration
	handler, coding, txns  time.Duration // summed over workers
	self, server           usage         // server.cpu < 0: not measurable (an outside server)
	docs, events, mentions int
	xacts                  int64          // transactions the database ended during the drain (approximate)
	dupGroups              int            // groups of live events sharing date, place, type and actor1
	perMinute              []int          // documents done after each whole minute
	maxMentions, bigEvents int            // reports in the largest event; events of more than 10 reports
	waits                  map[string]int // pg_stat_activity samples of this database's busy backends
	samples                int
	load                   string
	groups                 map[string]int // each event's sorted document ids → how many such events
}

func (r drainResult) log(b *testing.B, workers int) {
	w := r.wall.Seconds()
	pct := func(d time.Duration) string { return fmt.Sprintf("%.0f%%", 100*d.Seconds()/(w*float64(workers))) }
	b.Logf("workers=%d: %d docs in %.1fs (%.1f docs/s; enqueue %.1fs), %d events, %d mentions, %d groups of look-alike events",
		workers, r.docs, w, float64(r.docs)/w, r.enqueue.Seconds(), r.events, r.mentions, r.dupGroups)
	b.Logf("  worker time: handlers %s of workers×wall; inside them coding %s, store transactions %s; %.1f database transactions a document",
		pct(r.handler), pct(r.coding), pct(r.txns), float64(r.xacts)/float64(r.docs))
	server := "n/a (outside server)"
	if r.server.cpu >= 0 {
		server = fmt.Sprintf("%.1fs (%.2f cores), waiting for a CPU %.1fs", r.server.cpu.Seconds(), r.server.cpu.Seconds()/w, r.server.wait.Seconds())
	}
	b.Logf("  CPU: this process %.1fs (%.2f cores), waiting for a CPU %.1fs; PostgreSQL %s; load average at start %s",
		r.self.cpu.Seconds(), r.self.cpu.Seconds()/w, r.self.wait.Seconds(), server, r.load)
	keys := slices.SortedFunc(maps.Keys(r.waits), func(a, c string) int { return r.waits[c] - r.waits[a] })
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %.2f", k, float64(r.waits[k])/float64(max(1, r.samples))))
	}
	var rates []string
	prev := 0
	for _, d := range r.perMinute {
		rates = append(rates, strconv.FormatFloat(float64(d-prev)/60, 'f', 0, 64))
		prev = d
	}
	b.Logf("  docs/s in each whole minute: %s", strings.Join(rates, " "))
	b.Logf("  largest event: %d reports; %d events of more than 10 reports", r.maxMentions, r.bigEvents)
	b.Logf("  busy backends per sample (%d samples): %s", r.samples, strings.Join(parts, ", "))
}

// drain queues docs as code jobs in a fresh database and runs workers runners until every job is done.
func drain(b *testing.B, srv *pgtest.Server, cd *coder.Coder, docs []document.Document, workers int) (res drainResult) {
	ctx := b.Context()
	url := srv.NewDatabase(b)
	quiet := slog.New(slog.DiscardHandler)
	res.load = loadAverage()

	admin, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	q := admin.Queue()
	start := time.Now()
	now := time.Now()
	const batch = 500
	for i := 0; i < len(docs); i += batch {
		jobs := make([]queue.Job, 0, batch)
		for _, d := range docs[i:min(i+batch, len(docs))] {
			j, err := monitor.CodeJob(d, now)
			if err != nil {
				b.Fatal(err)
			}
			jobs = append(jobs, j)
		}
		if _, err := q.Enqueue(ctx, jobs...); err != nil {
			b.Fatal(err)
		}
	}
	res.enqueue = time.Since(start)

	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	serverUsage := postgresUsage(ctx, conn)

	var handler, coding, txns atomic.Int64
	stores := make([]*postgres.Store, workers)
	runners := make([]*queue.Runner, workers)
	for i := range workers {
		st, err := postgres.Open(ctx, url, postgres.Options{})
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		stores[i] = st
		r := queue.NewRunner(st.Queue(), queue.Options{
			Worker: fmt.Sprintf("bench-%d", i), Concurrency: 1, Lease: time.Minute, Poll: 20 * time.Millisecond,
			Logger:  quiet,
			Observe: func(_ string, d time.Duration, _ error) { handler.Add(int64(d)) },
		})
		m := monitor.New(monitor.Options{
			Feeds: st, Queue: st.Queue(), Fetcher: fetcher.New(fetcher.Options{}), Logger: quiet,
			Ingester: pipeline.New(timedStore{st, &txns}, timedCoder{cd, &coding}, nil),
		})
		m.Register(r)
		runners[i] = r
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	xacts0 := transactions(ctx, b, conn)
	self0 := processUsage()
	srv0 := serverUsage()
	b.StartTimer()
	start = time.Now()
	for _, r := range runners {
		wg.Go(func() {
			if err := r.Run(runCtx); err != nil {
				errs <- err
			}
		})
	}
	// Sample what the database's backends are doing until the queue is drained.
	res.waits = map[string]int{}
	sampleCtx, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	sampleConn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer sampleConn.Close(context.WithoutCancel(ctx))
	go func() {
		defer close(sampled)
		sampleWaits(sampleCtx, sampleConn, &res)
	}()
	// Polling must cost the database next to nothing: an index probe for any job still to run (a
	// count over the jobs table would scan it, and take CPU from the workers being measured).
	// Once a minute, a count of the jobs left (through the same partial index) traces the rate.
	nextCount := start.Add(time.Minute)
	for {
		var pending bool
		err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM jobs WHERE state IN ('available', 'running'))`).Scan(&pending)
		if err != nil {
			b.Fatal(err)
		}
		if !pending {
			break
		}
		if time.Now().After(nextCount) {
			nextCount = nextCount.Add(time.Minute)
			var left int
			err := conn.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE state IN ('available', 'running')`).Scan(&left)
			if err != nil {
				b.Fatal(err)
			}
			res.perMinute = append(res.perMinute, len(docs)-left)
		}
		select {
		case err := <-errs:
			b.Fatalf("a runner stopped: %v", err)
		case <-time.After(500 * time.Millisecond):
		}
	}
	res.wall = time.Since(start)
	b.StopTimer()
	res.self = processUsage().minus(self0)
	res.xacts = transactions(ctx, b, conn) - xacts0
	res.server = serverUsage().minus(srv0)
	if srv0.cpu < 0 {
		res.server.cpu = -1
	}
	stopSampling()
	<-sampled
	stop()
	wg.Wait()
	res.handler = time.Duration(handler.Load())
	res.coding = time.Duration(coding.Load())
	res.txns = time.Duration(txns.Load())
	res.docs = len(docs)

	check(b, ctx, conn, q, len(docs), &res)
	return res
}

// check verifies the drain's outcome and counts its events and look-alikes.
func check(b *testing.B, ctx context.Context, conn *pgx.Conn, q queue.Backend, n int, res *drainResult) {
	c, err := q.Counts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for kind, byState := range c {
		for state, k := range byState {
			if state != queue.Done && k > 0 {
				b.Errorf("%d %s jobs left %s", k, kind, state)
			}
		}
	}
	var docs int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM documents`).Scan(&docs); err != nil {
		b.Fatal(err)
	}
	if docs != n {
		b.Errorf("%d documents stored, want %d", docs, n)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*), (SELECT count(*) FROM event_mentions) FROM events`).Scan(&res.events, &res.mentions); err != nil {
		b.Fatal(err)
	}
	if res.events == 0 {
		b.Errorf("the coder coded no events from %d synthetic documents", n)
	}
	err = conn.QueryRow(ctx, `SELECT count(*) FROM (
		SELECT 1 FROM events GROUP BY event_date, geonameid, location, sub_event_type, actor1 HAVING count(*) > 1) d`).Scan(&res.dupGroups)
	if err != nil {
		b.Fatal(err)
	}
	err = conn.QueryRow(ctx, `SELECT coalesce(max(n), 0), count(*) FILTER (WHERE n > 10) FROM (
		SELECT count(*) AS n FROM event_mentions GROUP BY event_id) m`).Scan(&res.maxMentions, &res.bigEvents)
	if err != nil {
		b.Fatal(err)
	}
	// Event ids depend on the order events were created in; the grouping of documents does not.
	rows, err := conn.Query(ctx, `SELECT string_agg(DISTINCT document_id, ' ' ORDER BY document_id) FROM event_mentions GROUP BY event_id`)
	if err != nil {
		b.Fatal(err)
	}
	res.groups = map[string]int{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			b.Fatal(err)
		}
		res.groups[s]++
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
}

// groupDiff counts the events present in one grouping and not the other.
func groupDiff(a, b map[string]int) int {
	d := 0
	for k, n := range a {
		d += max(0, n-b[k])
	}
	for k, n := range b {
		d += max(0, n-a[k])
	}
	return d
}

// sampleWaits tallies, every 100 ms, what this database's other backends are doing: on CPU (active,
// no wait event), waiting (wait_event_type:wait_event, e.g. Lock:advisory for the dedup cell locks),
// or idle inside a transaction (waiting for the worker: coding happens outside transactions, so this
// is the client's round trips).
func sampleWaits(ctx context.Context, conn *pgx.Conn, res *drainResult) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		rows, err := conn.Query(ctx, `SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in transaction'
				ELSE coalesce(wait_event_type || ':' || wait_event, 'CPU') END, count(*)
			FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()
				AND state IN ('active', 'idle in transaction')
			GROUP BY 1`)
		if err != nil {
			return // ctx ended mid-query
		}
		for rows.Next() {
			var k string
			var c int
			if rows.Scan(&k, &c) == nil {
				res.waits[k] += c
			}
		}
		rows.Close()
		// Which advisory locks are waited for: the store takes the dedup place/time cells' as one
		// bigint key (objsubid 1) and the document keys' as two int4 keys (objsubid 2).
		rows, err = conn.Query(ctx, `SELECT CASE objsubid WHEN 1 THEN 'of which dedup cells' ELSE 'of which document keys' END, count(*)
			FROM pg_locks
			WHERE locktype = 'advisory' AND NOT granted
				AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			GROUP BY 1`)
		if err != nil {
			return
		}
		for rows.Next() {
			var k string
			var c int
			if rows.Scan(&k, &c) == nil {
				res.waits["Lock:advisory "+k] += c
			}
		}
		rows.Close()
		res.samples++
	}
}

// transactions is how many transactions this database has committed or rolled back. Backends report
// to the statistics collector lazily (within about a second), so differences are approximate.
func transactions(ctx context.Context, b *testing.B, conn *pgx.Conn) int64 {
	var n int64
	err := conn.QueryRow(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()`).Scan(&n)
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// timedCoder sums the time spent coding.
type timedCoder struct {
	c   pipeline.Coder
	sum *atomic.Int64
}

func (t timedCoder) Code(ctx context.Context, d document.Document) ([]event.Event, error) {
	start := time.Now()
	defer func() { t.sum.Add(int64(time.Since(start))) }()
	return t.c.Code(ctx, d)
}

// timedStore sums the time spent in store transactions (statements, lock waits, commits, retries).
type timedStore struct {
	s   pipeline.Store
	sum *atomic.Int64
}

func (t timedStore) Update(ctx context.Context, fn func(pipeline.Tx) error) error {
	start := time.Now()
	defer func() { t.sum.Add(int64(time.Since(start))) }()
	return t.s.Update(ctx, fn)
}

// usage is CPU time used and time spent runnable but waiting for a CPU (the scheduler's run delay:
// on a machine shared with other work, how much the CPU was not there when wanted).
type usage struct{ cpu, wait time.Duration }

func (u usage) minus(v usage) usage { return usage{u.cpu - v.cpu, u.wait - v.wait} }

// processUsage is this process's user and system CPU and its threads' run delay.
func processUsage() usage {
	var u usage
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		u.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	tasks, _ := os.ReadDir("/proc/self/task")
	for _, t := range tasks {
		u.wait += runDelay("/proc/self/task/" + t.Name() + "/schedstat")
	}
	return u
}

// runDelay reads the time a task spent waiting on a run queue from its schedstat file (ns).
func runDelay(path string) time.Duration {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	ns, _ := strconv.ParseInt(f[1], 10, 64)
	return time.Duration(ns)
}

// postgresUsage returns a reader of the CPU used so far by the PostgreSQL server conn is connected
// to (the postmaster, its live children and its reaped ones) and of its live processes' run delay,
// from /proc; its cpu is -1 when the server is not a local process this one can read.
func postgresUsage(ctx context.Context, conn *pgx.Conn) func() usage {
	none := func() usage { return usage{cpu: -1} }
	var dataDir string
	if err := conn.QueryRow(ctx, `SELECT current_setting('data_directory')`).Scan(&dataDir); err != nil {
		return none
	}
	pidFile, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return none
	}
	first, _, _ := strings.Cut(string(pidFile), "\n")
	pm, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return none
	}
	return func() usage {
		ticks := procTicks(pm, true)
		wait := runDelay(fmt.Sprintf("/proc/%d/schedstat", pm))
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == pm {
				continue
			}
			if procParent(pid) == pm {
				ticks += procTicks(pid, false)
				wait += runDelay(fmt.Sprintf("/proc/%d/schedstat", pid))
			}
		}
		// Linux reports CPU times in USER_HZ, 100 a second on every common configuration.
		return usage{cpu: time.Duration(ticks) * 10 * time.Millisecond, wait: wait}
	}
}

// procStat returns the fields of /proc/pid/stat after the command name (field 3 onwards).
func procStat(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

func procParent(pid int) int {
	f := procStat(pid)
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.Atoi(f[1])
	return p
}

// procTicks is utime+stime (and the reaped children's, when children) of pid in clock ticks.
func procTicks(pid int, children bool) int64 {
	f := procStat(pid)
	if len(f) < 15 {
		return 0
	}
	// Fields 14–17 of stat (utime, stime, cutime, cstime) are 11–14 here.
	var t int64
	last := 12
	if children {
		last = 14
	}
	for i := 11; i <= last; i++ {
		v, _ := strconv.ParseInt(f[i], 10, 64)
		t += v
	}
	return t
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}
