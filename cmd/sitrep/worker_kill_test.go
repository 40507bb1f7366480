package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/synthetic"
)

// workerChildEnv carries, tab-separated, the arguments a child process of TestWorkerKilled runs
// sitrep with.
const workerChildEnv = "SITREP_TEST_WORKER_ARGS"

// killSynthetic is how many synthetic documents join the seeds, so that the workers are busy long
// enough to kill one of them while the others are at work.
const killSynthetic = 600

// TestWorkerKilled: documents queued with `sitrep ingest --queue` on PostgreSQL (the seed records and
// synthetic reports, several of the same events) are coded by four `sitrep worker` processes at once;
// one is killed with SIGKILL while it holds a job. The others finish the queue, the killed worker's
// job included once its lease lapses, and the store ends with exactly what one process ingesting the
// same documents into SQLite stores: every document once, the same events with the same sources, no
// duplicate, no job left behind. (The seed feed is left out: its items repeat the records under other
// ids, and which of two copies workers racing each other store first is rightly left to chance.)
func TestWorkerKilled(t *testing.T) {
	jsonl := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	synth := writeSynthetic(t, killSynthetic)
	db := pg.NewDatabase(t) // first: skips the test before any work when there is no PostgreSQL

	ref := filepath.Join(t.TempDir(), "ref.db")
	if code, out, stderr := sitrep(t, nil, "ingest", "--quiet", "--db", ref, jsonl, synth); code != 0 {
		t.Fatalf("reference ingest: exit %d\n%s%s", code, out, stderr)
	}
	want := storedEvents(t, ref)
	wantDocs, _ := storeCounts(t, ref)
	total := 14 + killSynthetic
	if wantDocs != total {
		t.Fatalf("the reference ingest stored %d documents, want %d", wantDocs, total)
	}

	code, out, stderr := sitrep(t, nil, "ingest", "--queue", "--quiet", "--db", db, jsonl, synth)
	if code != 0 || out != fmt.Sprintf("documents: %d queued, 0 already queued, 0 failed\n", total) {
		t.Fatalf("ingest --queue: exit %d, %q\n%s", code, out, stderr)
	}
	conn, err := pgx.Connect(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(t.Context()))

	// A short lease, so the killed worker's job is taken over within seconds.
	workers := make([]*childWorker, 4)
	for i := range workers {
		workers[i] = startWorker(t, "worker", "--db", db, "--workers", "1", "--lease", "3s", "--quiet")
	}
	victim, lost := killMidJob(t, conn, workers)
	var survivors []*childWorker
	for _, w := range workers {
		if w != victim {
			survivors = append(survivors, w)
		}
	}

	deadline := time.Now().Add(5 * time.Minute)
	for {
		c := jobCounts(t, db)
		if c[queue.Done]+c[queue.Failed] == total {
			break
		}
		for _, w := range survivors {
			if w.exited() {
				t.Fatalf("a surviving worker exited:\n%s", w.log())
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs %v: the survivors did not finish within 5 minutes", c)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, w := range survivors {
		w.stop(t) // SIGTERM: a clean stop with nothing running
	}

	if c := jobCounts(t, db); c[queue.Done] != total || len(c) != 1 {
		t.Errorf("code jobs by state %v, want all %d done", c, total)
	}
	for _, id := range lost {
		var attempt int
		var worker, state string
		err := conn.QueryRow(t.Context(), `SELECT attempt, worker, state FROM jobs WHERE id = $1`, id).Scan(&attempt, &worker, &state)
		if err != nil {
			t.Fatal(err)
		}
		if state != "done" || attempt < 2 || victim.owns(worker) {
			t.Errorf("job %d the killed worker held: %s by %s on attempt %d; want done by another worker on a later attempt", id, state, worker, attempt)
		}
	}

	// Every document once: the same count, and each stored under the reference's id.
	docs := documentIDs(t, conn)
	if len(docs) != wantDocs {
		t.Errorf("%d documents stored, want %d", len(docs), wantDocs)
	}
	refStore, err := openStore(t.Context(), ref)
	if err != nil {
		t.Fatal(err)
	}
	defer refStore.Close()
	for _, id := range docs {
		if _, err := refStore.Document(t.Context(), id); err != nil {
			t.Errorf("document %s stored by the workers, not by the reference ingest: %v", id, err)
		}
	}

	// The same events: the workers created them in another order, so their ids may be dealt out
	// differently, but each country's ids, each event's sources and every other field must match.
	got := storedEvents(t, db)
	if d := diffEvents(want, got, true); d != "" {
		t.Errorf("the workers' events differ from one process's (%d events, want %d):\n%s", len(got), len(want), d)
	}
	var dupMentions int
	err = conn.QueryRow(t.Context(), `SELECT count(*) FROM (SELECT document_id FROM event_mentions
		GROUP BY document_id, idx HAVING count(*) > 1) d`).Scan(&dupMentions)
	if err != nil || dupMentions != 0 {
		t.Errorf("%d document reports placed in two events (%v)", dupMentions, err)
	}
}

// killMidJob waits until at least two workers have been seen holding jobs, then kills with SIGKILL
// one that holds a job at that moment (frozen first with SIGSTOP, so that what it holds is what the
// kill loses). It returns the killed worker and the jobs it held. Which worker it is depends on who
// started first on a loaded machine, so it is chosen as they run, not in advance.
func killMidJob(t *testing.T, conn *pgx.Conn, workers []*childWorker) (*childWorker, []int64) {
	t.Helper()
	seen := map[int]bool{}
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		for _, w := range workers {
			if w.exited() {
				t.Fatalf("a worker exited before the kill:\n%s", w.log())
			}
		}
		running, err := runningWorkers(t, conn)
		if err != nil {
			t.Fatal(err)
		}
		busy := -1
		for i, w := range workers {
			for _, name := range running {
				if w.owns(name) {
					seen[i] = true
					busy = i
				}
			}
		}
		if len(seen) >= 2 && busy >= 0 {
			victim := workers[busy]
			if err := victim.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
				t.Fatal(err)
			}
			// Frozen, the victim changes nothing more: what it holds now is what the kill loses.
			var held []int64
			rows, err := conn.Query(t.Context(), `SELECT id FROM jobs WHERE state = 'running' AND worker LIKE $1`, victim.pattern())
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					t.Fatal(err)
				}
				held = append(held, id)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if len(held) > 0 {
				if err := victim.cmd.Process.Kill(); err != nil {
					t.Fatal(err)
				}
				<-victim.done
				var done int
				_ = conn.QueryRow(t.Context(), `SELECT count(*) FROM jobs WHERE state = 'done'`).Scan(&done)
				t.Logf("killed worker %d holding jobs %v, with %d jobs done", victim.cmd.Process.Pid, held, done)
				return victim, held
			}
			if err := victim.cmd.Process.Signal(syscall.SIGCONT); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("two workers were never seen busy with jobs left to kill one mid-job (seen holding jobs: %v)", seen)
	return nil, nil
}

// runningWorkers names the workers holding jobs.
func runningWorkers(t *testing.T, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(t.Context(), `SELECT DISTINCT worker FROM jobs WHERE state = 'running'`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

func documentIDs(t *testing.T, conn *pgx.Conn) []string {
	rows, err := conn.Query(t.Context(), `SELECT id FROM documents ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// writeSynthetic writes n documents of the synthetic stream (internal/synthetic) as JSON records.
func writeSynthetic(t *testing.T, n int) string {
	t.Helper()
	g, err := gazetteer.Default()
	if err != nil {
		t.Fatal(err)
	}
	places := synthetic.Places(g, []string{"ML", "BF", "NE", "NG", "MZ"}, 500)
	// Two months: enough reports fall in the same place and week for deduplication to have work.
	s := synthetic.NewStream(7, places, time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), 60)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for range n {
		d := s.Next().Doc
		rec := map[string]string{"id": d.ID, "url": d.URL, "outlet": d.Outlet, "published": d.Published.Format(time.RFC3339), "text": d.Text}
		if err := enc.Encode(rec); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "synthetic.jsonl")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// childWorker is a sitrep process: this test binary re-run as TestWorkerKilledChild.
type childWorker struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	mu   sync.Mutex
	out  bytes.Buffer
	err  error
}

func startWorker(t *testing.T, args ...string) *childWorker {
	t.Helper()
	w := &childWorker{done: make(chan struct{})}
	w.cmd = exec.Command(os.Args[0], "-test.run=^TestWorkerKilledChild$", "-test.count=1")
	w.cmd.Env = append(os.Environ(), workerChildEnv+"="+strings.Join(args, "\t"))
	w.cmd.Stdout, w.cmd.Stderr = w, w
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives this test
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := w.cmd.Wait()
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
		close(w.done)
	}()
	t.Cleanup(func() {
		if !w.exited() {
			_ = w.cmd.Process.Kill()
			<-w.done
		}
	})
	return w
}

func (w *childWorker) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.out.Write(p)
}

func (w *childWorker) log() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return fmt.Sprintf("pid %d (%v):\n%s", w.cmd.Process.Pid, w.err, w.out.String())
}

func (w *childWorker) exited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// pattern matches, in SQL LIKE, the names this process's runner slots hold jobs under
// (host-pid-random/slot).
func (w *childWorker) pattern() string { return "%-" + strconv.Itoa(w.cmd.Process.Pid) + "-%" }

func (w *childWorker) owns(worker string) bool {
	return strings.Contains(worker, "-"+strconv.Itoa(w.cmd.Process.Pid)+"-")
}

// stop ends the worker as SIGTERM from an operator would and checks that it exits cleanly.
func (w *childWorker) stop(t *testing.T) {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.done:
	case <-time.After(time.Minute):
		t.Fatalf("worker did not stop within a minute of SIGTERM:\n%s", w.log())
	}
	if w.err != nil {
		t.Errorf("worker stopped with %v:\n%s", w.err, w.log())
	}
}

// TestWorkerKilledChild is a sitrep process TestWorkerKilled starts; run alone it does nothing.
func TestWorkerKilledChild(t *testing.T) {
	args := os.Getenv(workerChildEnv)
	if args == "" {
		return
	}
	// As main does: SIGTERM and SIGINT stop the command gracefully.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: func(string) string { return "" },
		logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	if code := run(ctx, env, strings.Split(args, "\t")); code != 0 {
		t.Fatalf("sitrep %s: exit %d", args, code)
	}
}
