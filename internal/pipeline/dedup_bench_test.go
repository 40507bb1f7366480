package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/synthetic"
)

// streamCoder hands the pipeline the report the synthetic stream coded for each document, so the
// benchmark measures deduplication and storage alone.
type streamCoder map[string]event.Event

func (c streamCoder) Code(ctx context.Context, d document.Document) ([]event.Event, error) {
	return []event.Event{c[d.ID]}, nil
}

// BenchmarkDedup measures the per-document cost of placing a report (candidate lookup, decision,
// merge, write) with 1,000 to 1,000,000 events already stored, accumulated at a steady 30 events a
// day. Sizes above 100,000 take minutes to prepare; set SITREP_BENCH_MAX_EVENTS=1000000 to include them.
func BenchmarkDedup(b *testing.B) {
	g, err := gazetteer.Default()
	if err != nil {
		b.Fatal(err)
	}
	places := synthetic.Places(g, []string{"ML", "BF", "NE", "NG", "MZ"}, 2000)
	if len(places) < 100 {
		b.Fatalf("only %d synthetic places", len(places))
	}
	maxEvents := 100_000
	if v, err := strconv.Atoi(os.Getenv("SITREP_BENCH_MAX_EVENTS")); err == nil {
		maxEvents = v
	}
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		if n > maxEvents {
			break
		}
		b.Run(fmt.Sprintf("stored=%d", n), func(b *testing.B) {
			ctx := context.Background()
			store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			// A steady 30 events a day (about ACLED's volume for the Sahel, Lake Chad and Cabo
			// Delgado): a bigger store covers a longer past, and new reports are about the last month,
			// as in a live deployment.
			days := max(1, n/30)
			recent := min(30, days)
			end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			fill(b, store, synthetic.NewStream(1, places, end.AddDate(0, 0, -days), days), n)
			stream := synthetic.NewStream(2, places, end.AddDate(0, 0, -recent), recent)
			items := make([]synthetic.Item, b.N)
			coded := streamCoder{}
			for i := range items {
				items[i] = stream.Next()
				coded[items[i].Doc.ID] = items[i].Report
			}
			p := pipeline.New(store, coded, nil)
			b.ResetTimer()
			for i := range b.N {
				if _, err := p.Ingest(ctx, items[i].Doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fill stores n events directly (no dedup), in large transactions, as a long-running store holds them.
func fill(b *testing.B, store *sqlite.Store, s *synthetic.Stream, n int) {
	b.Helper()
	ctx := context.Background()
	const batch = 5000
	for done := 0; done < n; {
		err := store.Update(ctx, func(tx pipeline.Tx) error {
			for i := 0; i < batch && done < n; i++ {
				it := s.Next()
				id, err := tx.NewEventID(ctx, it.Report.EventIDCnty)
				if err != nil {
					return err
				}
				it.Report.EventIDCnty = id
				st := pipeline.Stored{Event: it.Report, Mentions: []pipeline.Mention{{DocumentID: it.Doc.ID, Event: it.Report}}}
				if err := tx.SaveEvent(ctx, st, dedup.Cell(it.Report.Latitude, it.Report.Longitude)); err != nil {
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
