package segment

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
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
	compareGolden(t, filepath.Join("testdata", "seed-sentences.golden.json"), got)
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
