package sqlite

import (
	"testing"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/queue/queuetest"
)

func TestQueue(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Backend {
		s, _ := openTemp(t)
		return s.Queue()
	})
}

func TestQueueInMemory(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queue.Backend {
		s, err := Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s.Queue()
	})
}

// TestQueueTwoStores: two stores on one file (two processes) never claim the same job.
func TestQueueTwoStores(t *testing.T) {
	a, path := openTemp(t)
	b, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	queuetest.Shared(t, []queue.Backend{a.Queue(), b.Queue()}, 500)
}

func BenchmarkClaimComplete(b *testing.B) {
	s, _ := openTemp(b)
	queuetest.BenchClaimComplete(b, s.Queue())
}
