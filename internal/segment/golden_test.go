package segment

import (
	"flag"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenSeeds pins the sentence spans of the seed articles. The golden file holds only ids and
// byte offsets, never article text. Rewrite it with: go test ./internal/segment -run Golden -update
func TestGoldenSeeds(t *testing.T) {
	got := map[string][]string{}
	for _, a := range readSeeds(t) {
		for _, s := range Sentences(a.Text) {
			got[a.ID] = append(got[a.ID], fmt.Sprintf("%d-%d", s.Start, s.End))
		}
	}
	golden.JSON(t, filepath.Join("testdata", "seed-sentences.golden.json"), got, *update)
}
