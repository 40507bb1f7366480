package postgres_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

const benchEvents = 10_000

// filled opens a store holding benchEvents events (storetest.Fill) and about a year.
func filled(b *testing.B) *postgres.Store {
	b.Helper()
	s := open(b, postgres.Options{MaxConns: 8})
	storetest.Fill(b, s, benchEvents)
	return s
}

// BenchmarkSaveEvent is one document's write: a transaction locking a neighbourhood, allocating an id
// and saving one event; workers=4 has four goroutines doing it at once in different cells (ns/op is
// then wall time per event with four writers).
func BenchmarkSaveEvent(b *testing.B) {
	s := filled(b)
	ctx := b.Context()
	var n atomic.Int64
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			var next atomic.Int64
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						i := int(n.Add(1))
						err := s.Update(ctx, func(tx pipeline.Tx) error {
							cell := int64(i % storetest.BenchCells)
							if _, err := tx.NearbyEvents(ctx, []int64{cell, cell + 1}, "2024-03-01", "2024-03-08"); err != nil {
								return err
							}
							id, err := tx.NewEventID(ctx, "MLI")
							if err != nil {
								return err
							}
							return tx.SaveEvent(ctx, storetest.BenchEvent(id, i%336), cell)
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

// BenchmarkNearbyEvents is the dedup candidate lookup (storetest.BenchNearbyEvents).
func BenchmarkNearbyEvents(b *testing.B) {
	storetest.BenchNearbyEvents(b, filled(b))
}

// BenchmarkEvents streams every event (with sources, claims and evidence), as an export does.
func BenchmarkEvents(b *testing.B) {
	storetest.BenchEvents(b, filled(b).Events, benchEvents)
}
