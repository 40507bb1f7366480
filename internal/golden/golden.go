// Package golden is test support for golden files: a test renders what it checks, and a file under
// its package's testdata/ pins that output. Each test package declares its own -update flag (flags
// belong to the test binary) and passes its value here; with -update the files are rewritten, to be
// reviewed in the diff before committing.
package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// JSON compares v, written as JSON indented by one space with a final newline, with the file at path,
// or rewrites the file when update is set. A mismatch names the top-level keys whose values differ,
// since these files are keyed by article id and a whole-file dump would be unreadable.
func JSON(t testing.TB, path string, v any, update bool) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	want, ok := readOrWrite(t, path, b, update)
	if !ok || bytes.Equal(want, b) {
		return
	}
	var w, g map[string]json.RawMessage
	_ = json.Unmarshal(want, &w) // a file that is no JSON object differs everywhere: no keys named
	_ = json.Unmarshal(b, &g)
	var diff []string
	for k := range g {
		if !bytes.Equal(w[k], g[k]) {
			diff = append(diff, k)
		}
	}
	slices.Sort(diff)
	t.Errorf("%s differs for %v (run with -update if the change is intended)", path, diff)
}

// Bytes compares got with the file at path, or rewrites the file when update is set. A mismatch
// shows the first line that differs.
func Bytes(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	want, ok := readOrWrite(t, path, got, update)
	if !ok || bytes.Equal(want, got) {
		return
	}
	t.Errorf("%s differs from the golden file (run with -update if the change is intended, and review the diff):\n%s",
		path, firstDiff(string(got), string(want)))
}

// readOrWrite writes b to path under update (ok false: nothing to compare), else reads the file.
func readOrWrite(t testing.TB, path string, b []byte, update bool) (want []byte, ok bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return nil, false
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	return want, true
}

// firstDiff describes the first line where got and want part.
func firstDiff(got, want string) string {
	g, w := strings.SplitAfter(got, "\n"), strings.SplitAfter(want, "\n")
	for i := 0; ; i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) && i >= len(w) {
			return fmt.Sprintf("line %d\n--- got\n%q\n--- want\n%q", i+1, gl, wl)
		}
	}
}
