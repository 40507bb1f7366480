package sqlite

import (
	"fmt"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

// BenchmarkSaveEvent is one document's write: a transaction allocating an id and saving one event.
func BenchmarkSaveEvent(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s, _ := openTemp(b)
			storetest.Fill(b, s, n)
			ctx := b.Context()
			i := 0
			for b.Loop() {
				i++
				err := s.Update(ctx, func(tx pipeline.Tx) error {
					id, err := tx.NewEventID(ctx, "MLI")
					if err != nil {
						return err
					}
					return tx.SaveEvent(ctx, storetest.BenchEvent(id, i%336), int64(i%storetest.BenchCells))
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNearbyEvents is the dedup candidate lookup (storetest.BenchNearbyEvents) at two store
// sizes.
func BenchmarkNearbyEvents(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			s, _ := openTemp(b)
			storetest.Fill(b, s, n)
			storetest.BenchNearbyEvents(b, s)
		})
	}
}

// BenchmarkEvents streams every event (with sources, claims and evidence), as an export does.
func BenchmarkEvents(b *testing.B) {
	const n = 10_000
	s, _ := openTemp(b)
	storetest.Fill(b, s, n)
	storetest.BenchEvents(b, s.Events, n)
}
