package toll

import (
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/golden"
	"github.com/sitrep-dev/sitrep/internal/segment"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenSeeds pins every figure and claimant read from the seed articles: offsets, kind, values,
// victim class and flags (no article text). Rewrite with: go test ./internal/toll -run Golden -update
func TestGoldenSeeds(t *testing.T) {
	got := map[string][]string{}
	for id, text := range readSeeds(t) {
		got[id] = []string{}
		for _, s := range segment.Sentences(text) {
			figs := Figures(text, s)
			if len(figs) == 0 {
				continue
			}
			if c, ok := Attribute(text, s); ok {
				got[id] = append(got[id], fmt.Sprintf("claimant %d-%d", c.Start, c.End))
			}
			for _, f := range figs {
				got[id] = append(got[id], fmt.Sprintf("%d-%d %s %d (%d-%d) %q %s %s [%s]", f.Start, f.End, f.Kind, f.Value, f.Low, f.High,
					f.Qualifier, f.VictimClass, vagueWord(f), flagsOf(f)))
			}
		}
	}
	golden.JSON(t, filepath.Join("testdata", "seed-figures.golden.json"), got, *update)
}

func vagueWord(f Figure) string {
	if f.Vague {
		return "vague"
	}
	return "exact"
}
