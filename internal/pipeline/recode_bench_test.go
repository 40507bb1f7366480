package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/synthetic"
)

// BenchmarkRecode measures a re-code of a SQLite store built by ingesting a synthetic stream of n
// documents (the coder hands back each document's report, so the figure is the rebuild alone:
// reading, clustering in the scratch store, mapping ids, comparing and writing). Every run after the
// first finds all events unchanged, the steady state of re-coding with the same coder. ns/doc is
// the cost per stored document. Set SITREP_BENCH_MAX_EVENTS=10000 to include the larger store.
func BenchmarkRecode(b *testing.B) {
	g, err := gazetteer.Default()
	if err != nil {
		b.Fatal(err)
	}
	places := synthetic.Places(g, []string{"ML", "BF", "NE", "NG", "MZ"}, 2000)
	maxDocs := 1_000
	if v, err := strconv.Atoi(os.Getenv("SITREP_BENCH_MAX_EVENTS")); err == nil {
		maxDocs = v
	}
	for _, n := range []int{1_000, 10_000} {
		if n > maxDocs {
			break
		}
		b.Run(fmt.Sprintf("documents=%d", n), func(b *testing.B) {
			ctx := context.Background()
			store, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			end := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			stream := synthetic.NewStream(3, places, end.AddDate(0, 0, -n/30), max(1, n/30))
			coded := streamCoder{}
			p := pipeline.New(store, coded, nil)
			for range n {
				it := stream.Next()
				coded[it.Doc.ID] = it.Report
				if _, err := p.Ingest(ctx, it.Doc); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			var res pipeline.RecodeResult
			for range b.N {
				if res, err = p.Recode(ctx); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if res.Unchanged != res.Events {
				b.Fatalf("re-code changed events: %+v", res)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/doc")
			b.ReportMetric(float64(res.Events), "events")
		})
	}
}
