package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder stands in for the test handed to JSON and Bytes, so that their failures can be checked.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, a...))
}

func (r *recorder) Fatal(a ...any) {
	r.errs = append(r.errs, fmt.Sprint(a...))
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, a ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, a...))
	runtime.Goexit()
}

// run calls fn with a recorder in a goroutine of its own (Fatal ends it) and returns the failures.
func run(t *testing.T, fn func(tb testing.TB)) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	return r.errs
}

func TestJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.golden.json")
	v := map[string][]string{"b": {"2-9"}, "a": {"0-1"}}
	if errs := run(t, func(tb testing.TB) { JSON(tb, path, v, false) }); len(errs) != 1 || !strings.Contains(errs[0], "-update to create it") {
		t.Fatalf("missing file: failures %q", errs)
	}
	if errs := run(t, func(tb testing.TB) { JSON(tb, path, v, true) }); len(errs) != 0 {
		t.Fatalf("update: failures %q", errs)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n \"a\": [\n  \"0-1\"\n ],\n \"b\": [\n  \"2-9\"\n ]\n}\n"; string(b) != want {
		t.Errorf("written %q, want %q", b, want)
	}
	if errs := run(t, func(tb testing.TB) { JSON(tb, path, v, false) }); len(errs) != 0 {
		t.Errorf("same value: failures %q", errs)
	}
	v["b"] = []string{"2-8"}
	v["c"] = nil
	errs := run(t, func(tb testing.TB) { JSON(tb, path, v, false) })
	if len(errs) != 1 || !strings.Contains(errs[0], "differs for [b c]") {
		t.Errorf("changed value: failures %q, want one naming keys b and c", errs)
	}
}

func TestBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.golden")
	if errs := run(t, func(tb testing.TB) { Bytes(tb, path, []byte("one\ntwo\n"), true) }); len(errs) != 0 {
		t.Fatalf("update: failures %q", errs)
	}
	tests := []struct {
		got  string
		want string // "" when the file matches
	}{
		{"one\ntwo\n", ""},
		{"one\nthree\n", "line 2\n--- got\n\"three\\n\"\n--- want\n\"two\\n\""},
		{"one\ntwo\nthree\n", "line 3\n--- got\n\"three\\n\"\n--- want\n\"\""},
		{"one\ntwo", "line 2\n--- got\n\"two\"\n--- want\n\"two\\n\""},
	}
	for _, tc := range tests {
		errs := run(t, func(tb testing.TB) { Bytes(tb, path, []byte(tc.got), false) })
		switch {
		case tc.want == "" && len(errs) != 0:
			t.Errorf("%q: failures %q", tc.got, errs)
		case tc.want != "" && (len(errs) != 1 || !strings.HasSuffix(errs[0], tc.want)):
			t.Errorf("%q: failures %q, want one ending %q", tc.got, errs, tc.want)
		}
	}
}
