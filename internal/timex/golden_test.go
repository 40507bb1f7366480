package timex

import (
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/golden"
	"github.com/sitrep-dev/sitrep/internal/segment"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenSeeds pins every date expression found in the seed articles: offsets, kind, resolved day,
// span and precision (no article text). Rewrite with: go test ./internal/timex -run Golden -update
func TestGoldenSeeds(t *testing.T) {
	got := map[string][]string{}
	for _, a := range fixtures.JSONL[seedArticle](t, "fixtures", "seeds", "articles.jsonl") {
		ref := Ref{Published: mustTime(t, a.Published), Known: true}
		got[a.ID] = []string{}
		for _, s := range segment.Sentences(a.Text) {
			for _, e := range Find(a.Text, s, ref) {
				got[a.ID] = append(got[a.ID], fmt.Sprintf("%d-%d %s %s %s..%s p%d since=%v", e.Start, e.End, e.Kind,
					e.Day.Format(time.DateOnly), e.From.Format(time.DateOnly), e.To.Format(time.DateOnly), e.Precision, e.Since))
			}
		}
	}
	golden.JSON(t, filepath.Join("testdata", "seed-dates.golden.json"), got, *update)
}
