package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

// sitrep runs the CLI in-process and returns its exit code, stdout and stderr.
func sitrep(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	env := &cliEnv{stdin: stdin, stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	env.logger = newDiscardLogger()
	code := run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, c := range commands() {
		code, _, stderr := sitrep(t, nil, c.name, "--help")
		if code != 0 || !strings.Contains(stderr, "Usage: sitrep "+c.name) {
			t.Errorf("%s --help: exit %d, stderr %q", c.name, code, stderr)
		}
	}
	if code, _, _ := sitrep(t, nil, "nonsense"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := sitrep(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "sitrep ") {
		t.Fatalf("version: exit %d, %q", code, out)
	}
}

func TestIngestSeedsOnceAndExport(t *testing.T) {
	rss := fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss")
	jsonl := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	db := filepath.Join(t.TempDir(), "s.db")

	code, out, stderr := sitrep(t, nil, "ingest", "--db", db, rss, jsonl)
	if code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, stderr)
	}
	// The ten feed items and the ten matching records are the same documents: 14 in all.
	if !strings.HasPrefix(out, "documents: 14 new, 10 already known, 0 failed;") {
		t.Fatalf("summary = %q", out)
	}
	code, out, _ = sitrep(t, nil, "ingest", "--db", db, jsonl, rss)
	if code != 0 || !strings.HasPrefix(out, "documents: 0 new, 24 already known, 0 failed; events: 0 new, 0 updated") {
		t.Fatalf("second ingest added something: exit %d %q", code, out)
	}

	// CSV: ACLED's header and one row per event.
	code, out, stderr = sitrep(t, nil, "export", "--db", db, "--format", "csv")
	if code != 0 {
		t.Fatalf("export csv: exit %d %s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	if strings.Join(rows[0], ",") != strings.Join(event.Columns, ",") {
		t.Fatalf("header = %v", rows[0])
	}
	if len(rows) < 10 {
		t.Fatalf("only %d events exported from the seeds", len(rows)-1)
	}

	// GeoJSON: a FeatureCollection of points with the record's fields.
	gj := filepath.Join(t.TempDir(), "e.geojson")
	if code, _, stderr := sitrep(t, nil, "export", "--db", db, "--format", "geojson", "-o", gj); code != 0 {
		t.Fatalf("export geojson: %s", stderr)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			Type     string `json:"type"`
			Geometry *struct {
				Type        string    `json:"type"`
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	b, _ := os.ReadFile(gj)
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("geojson does not parse: %v", err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != len(rows)-1 {
		t.Fatalf("geojson: type %q with %d features, want %d", fc.Type, len(fc.Features), len(rows)-1)
	}
	for _, f := range fc.Features {
		if f.Type != "Feature" || f.Geometry == nil || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
			t.Fatalf("bad feature %+v", f)
		}
		if f.Properties["event_id_cnty"] == nil || f.Properties["sources"] == nil {
			t.Fatalf("feature lacks record fields: %v", f.Properties)
		}
	}
}

func TestExtractNamesSources(t *testing.T) {
	jsonl := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	code, out, stderr := sitrep(t, nil, "extract", jsonl)
	if code != 0 {
		t.Fatalf("extract: exit %d %s", code, stderr)
	}
	ids := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e event.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if len(e.Sources) == 0 || e.Sources[0].ID == "" {
			t.Fatalf("event without source: %s", line)
		}
		for _, s := range e.Sources {
			ids[s.ID] = true
		}
	}
	if !ids["defensepost-western-niger-attack"] || !ids["apa-kadji-gao-eis"] {
		t.Errorf("extract does not name the seed documents: %v", ids)
	}
}

func TestBadInputsAreReportedAndGoodOnesKept(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", `{"id":"g1","published":"2024-07-03T12:00:00Z","text":"Gunmen attacked the village of Boni in Mali on Monday, killing seven civilians, officials said."}`+"\n")
	bad := []string{
		write("broken.xml", "<rss><channel><item><title>x</ti"),
		write("truncated.json", `[{"id":"x","text":"abc"`),
		write("empty.txt", ""),
		write("binary.bin", "\x00\x01\x02\x03\x00\xff\xfe"),
	}
	db := filepath.Join(dir, "s.db")
	code, out, stderr := sitrep(t, nil, append([]string{"ingest", "--db", db, good}, bad...)...)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (some inputs failed)\n%s", code, stderr)
	}
	for _, b := range bad {
		if !strings.Contains(stderr, filepath.Base(b)) {
			t.Errorf("stderr does not name %s:\n%s", b, stderr)
		}
	}
	if !strings.HasPrefix(out, "documents: 1 new, 0 already known,") {
		t.Errorf("the good input was not stored: %q", out)
	}
}

func TestSampleFeedGivesEvents(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	code, out, stderr := sitrep(t, nil, "ingest", "--db", db, filepath.Join("..", "..", "examples", "sample-feed.xml"))
	if code != 0 {
		t.Fatalf("ingest sample: exit %d %s", code, stderr)
	}
	if !strings.HasPrefix(out, "documents: 7 new") {
		t.Fatalf("summary %q", out)
	}
	_, csvOut, _ := sitrep(t, nil, "export", "--db", db, "--format", "csv")
	rows, _ := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if len(rows) < 5 {
		t.Fatalf("sample feed gives %d events, want at least 5:\n%s", len(rows)-1, csvOut)
	}
}
