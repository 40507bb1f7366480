package timex

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/segment"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenSeeds pins every date expression found in the seed articles: offsets, kind, resolved day,
// span and precision (no article text). Rewrite with: go test ./internal/timex -run Golden -update
func TestGoldenSeeds(t *testing.T) {
	got := map[string][]string{}
	for _, a := range readJSONL[seedArticle](t, "fixtures", "seeds", "articles.jsonl") {
		ref := Ref{Published: mustTime(t, a.Published), Known: true}
		got[a.ID] = []string{}
		for _, s := range segment.Sentences(a.Text) {
			for _, e := range Find(a.Text, s, ref) {
				got[a.ID] = append(got[a.ID], fmt.Sprintf("%d-%d %s %s %s..%s p%d since=%v", e.Start, e.End, e.Kind,
					e.Day.Format(time.DateOnly), e.From.Format(time.DateOnly), e.To.Format(time.DateOnly), e.Precision, e.Since))
			}
		}
	}
	compareGolden(t, filepath.Join("testdata", "seed-dates.golden.json"), got)
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
