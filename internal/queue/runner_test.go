package queue_test

import (
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/queue/queuetest"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// The runner on the real SQLite store; internal/storage/postgres runs the same suite on PostgreSQL.
func TestRunner(t *testing.T) {
	queuetest.RunRunner(t, func(t *testing.T) queue.Backend {
		s, err := sqlite.Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s.Queue()
	})
}

func TestDefaultBackoff(t *testing.T) {
	tests := []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, time.Second, 1500 * time.Millisecond},
		{1, time.Second, 1500 * time.Millisecond},
		{2, 2 * time.Second, 3 * time.Second},
		{5, 16 * time.Second, 24 * time.Second},
		{12, 2048 * time.Second, time.Hour},
		{13, time.Hour, time.Hour},
		{1000, time.Hour, time.Hour},
	}
	for _, tt := range tests {
		for range 50 {
			if d := queue.DefaultBackoff(tt.attempt); d < tt.min || d > tt.max {
				t.Errorf("DefaultBackoff(%d) = %v, want within [%v, %v]", tt.attempt, d, tt.min, tt.max)
				break
			}
		}
	}
}

func TestPermanent(t *testing.T) {
	base := io.ErrUnexpectedEOF
	tests := []struct {
		err       error
		permanent bool
	}{
		{nil, false},
		{base, false},
		{queue.Permanent(base), true},
		{fmt.Errorf("fetch: %w", queue.Permanent(base)), true},
		{errors.Join(base, queue.Permanent(errors.New("gone"))), true},
	}
	for _, tt := range tests {
		if got := queue.IsPermanent(tt.err); got != tt.permanent {
			t.Errorf("IsPermanent(%v) = %v, want %v", tt.err, got, tt.permanent)
		}
	}
	if queue.Permanent(nil) != nil {
		t.Errorf("Permanent(nil) is not nil")
	}
	if err := queue.Permanent(base); !errors.Is(err, base) || err.Error() != base.Error() {
		t.Errorf("Permanent(%v) = %v: want it to wrap and read as the error", base, err)
	}
}
