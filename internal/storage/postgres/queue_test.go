package postgres_test

import (
	"testing"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/queue/queuetest"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
)

func TestQueue(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Backend {
		return open(t, postgres.Options{MaxConns: 10}).Queue()
	})
}

// TestQueueTwoStores: two stores on one database (two worker processes) never claim the same job.
func TestQueueTwoStores(t *testing.T) {
	url := newDatabase(t)
	var qs []queue.Backend
	for range 2 {
		s, err := postgres.Open(waitFor(t), url, postgres.Options{MaxConns: 5})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		qs = append(qs, s.Queue())
	}
	queuetest.Shared(t, qs, 500)
}

func BenchmarkClaimComplete(b *testing.B) {
	queuetest.BenchClaimComplete(b, open(b, postgres.Options{MaxConns: 4}).Queue())
}

func TestRunner(t *testing.T) {
	queuetest.RunRunner(t, func(t *testing.T) queue.Backend {
		return open(t, postgres.Options{MaxConns: 10}).Queue()
	})
}

// TestRunnerTwoStores: two runners, as on two machines, on one database run 1,000 jobs each once.
func TestRunnerTwoStores(t *testing.T) {
	url := newDatabase(t)
	var qs []queue.Backend
	for range 2 {
		s, err := postgres.Open(waitFor(t), url, postgres.Options{MaxConns: 6})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		qs = append(qs, s.Queue())
	}
	queuetest.RunShared(t, qs, 1000)
}
