package toll

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

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
	compareGolden(t, filepath.Join("testdata", "seed-figures.golden.json"), got)
}

func vagueWord(f Figure) string {
	if f.Vague {
		return "vague"
	}
	return "exact"
}

func compareGolden(t *testing.T, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, b) {
		var w, g map[string]json.RawMessage
		_ = json.Unmarshal(want, &w)
		_ = json.Unmarshal(b, &g)
		var diff []string
		for k := range g {
			if !bytes.Equal(w[k], g[k]) {
				diff = append(diff, k)
			}
		}
		sort.Strings(diff)
		t.Errorf("%s differs for %v (run with -update if the change is intended)", path, diff)
	}
}
