package queue_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// childEnv names the store a child process of TestRunnerKilled works on.
const childEnv = "SITREP_QUEUE_CHILD_DB"

// TestRunnerKilled kills a worker process with SIGKILL in the middle of a job: once its lease lapses
// the job runs again in another process, and every job ends done exactly once.
func TestRunnerKilled(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "sitrep.db")
	ctx := t.Context()
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	q := s.Queue()
	var jobs []queue.Job
	for i := range 10 {
		jobs = append(jobs, queue.Job{Kind: "article", Key: strconv.Itoa(i)})
	}
	if _, err := q.Enqueue(ctx, jobs...); err != nil {
		t.Fatal(err)
	}

	started := filepath.Join(dir, "started")
	child := exec.Command(os.Args[0], "-test.run=^TestRunnerKilledChild$", "-test.count=1")
	child.Env = append(os.Environ(), childEnv+"="+db)
	child.Stderr = os.Stderr
	child.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives this test
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	var killed int64
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(started)
		if id, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil {
			killed = id
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the child process started no job within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := child.Process.Kill(); err != nil { // SIGKILL: no shutdown, no release
		t.Fatal(err)
	}
	_ = child.Wait()

	var mu sync.Mutex
	ran := map[int64][]int{} // job id → attempts run here
	r := queue.NewRunner(q, queue.Options{Worker: "survivor", Concurrency: 2, Lease: time.Minute,
		Poll: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	r.Handle("article", func(ctx context.Context, j queue.Job) error {
		mu.Lock()
		defer mu.Unlock()
		ran[j.ID] = append(ran[j.ID], j.Attempt)
		return nil
	})
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(rctx) }()
	deadline = time.Now().Add(30 * time.Second)
	for {
		c, err := q.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c["article"][queue.Done] == len(jobs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("counts %v: not every job done within 30 s of the kill", c)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ran) != len(jobs) {
		t.Errorf("%d jobs ran after the kill, want %d", len(ran), len(jobs))
	}
	for id, attempts := range ran {
		want := "[1]"
		if id == killed {
			want = "[2]" // the killed run counted
		}
		if got := fmt.Sprint(attempts); got != want {
			t.Errorf("job %d ran with attempts %s, want %s", id, got, want)
		}
	}
}

// TestRunnerKilledChild is the worker TestRunnerKilled kills; run alone it does nothing.
func TestRunnerKilledChild(t *testing.T) {
	db := os.Getenv(childEnv)
	if db == "" {
		return
	}
	s, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	r := queue.NewRunner(s.Queue(), queue.Options{Worker: "doomed", Lease: 300 * time.Millisecond,
		Poll: 10 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	r.Handle("article", func(ctx context.Context, j queue.Job) error {
		// Say which job is under way (renamed into place, so never read half-written), then work until
		// killed.
		tmp := filepath.Join(filepath.Dir(db), "started.tmp")
		if err := os.WriteFile(tmp, []byte(strconv.FormatInt(j.ID, 10)), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(filepath.Dir(db), "started")); err != nil {
			return err
		}
		time.Sleep(time.Hour)
		return nil
	})
	_ = r.Run(t.Context())
	t.Fatal("the child runner returned; it should have been killed")
}
