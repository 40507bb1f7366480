package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/evaluate"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

// runEval runs the CLI in-process and returns its exit code, stdout and stderr.
func runEval(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" },
		logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	code := run(context.Background(), env, args)
	return code, out.String(), errb.String()
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Fictional gold events, their articles and two predictions: one right, one a duplicate.
var evalSeedFiles = map[string]string{
	"gold.jsonl": `{"id":"G1","reported_in":["a1","a2"],"date_min":"2024-03-10","date_max":"2024-03-10","event_type":"Battles","sub_event_type":["Armed clash"],"actor1":["JNIM"],"actor2":["Military Forces of Mali"],"country":"Mali","admin1":"Mopti","location":["Koro"],"fatalities_min":5,"fatalities_max":7,"background":false}
{"id":"G2","reported_in":["a2"],"date_min":"2024-03-20","date_max":"2024-03-20","event_type":"Violence against civilians","sub_event_type":"Attack","actor1":"Unidentified Armed Group (Mali)","country":"Mali","admin1":"Mopti","location":"Bankass","fatalities_min":3,"fatalities_max":3}
`,
	"articles.jsonl": `{"id":"a1","url":"https://example.org/a1","text":"Fictional."}
{"id":"a2","url":null,"text":"Fictional."}
`,
	"pred.jsonl": `{"event_date":"2024-03-10","event_type":"Battles","sub_event_type":"Armed clash","actor1":"JNIM","country":"Mali","admin1":"Mopti","location":"Koro","fatalities":6,"sources":[{"url":"https://example.org/a1"},{"id":"a2"}]}
{"event_date":"2024-03-11","event_type":"Battles","actor1":"JNIM","country":"Mali","admin1":"Mopti","location":"Koro district","fatalities":6,"sources":[{"id":"a1"}]}
`,
	"high.json": `{"seeds":{"min":{"recall":0.9,"precision":0.4}},"acled":{"min":{"detected":0.9}}}`,
}

func TestEvalSeedsPred(t *testing.T) {
	dir := writeFiles(t, evalSeedFiles)
	p := func(n string) string { return filepath.Join(dir, n) }
	base := []string{"eval", "seeds", "--gold", p("gold.jsonl"), "--articles", p("articles.jsonl"), "--pred", p("pred.jsonl")}

	code, out, stderr := runEval(t, base...)
	if code != 0 || !strings.Contains(out, "recall       0.500  1 of 2 required events found") ||
		!strings.Contains(out, "#2    duplicate") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runEval(t, append(base, "--json")...)
	var r evaluate.SeedReport
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	if r.Summary.Found != 1 || r.Summary.Duplicates != 1 || r.Summary.Precision != 0.5 || r.Summary.Missed[0] != "G2" {
		t.Errorf("--json summary %+v", r.Summary)
	}
	// The built-in floors demand today's quality: half the gold found with a duplicate fails them.
	if code, _, stderr = runEval(t, append(base, "--check")...); code != 1 || !strings.Contains(stderr, "duplicates 1.000 is above the ceiling 0.000") {
		t.Errorf("--check with the built-in floors: exit %d %s", code, stderr)
	}
	code, _, stderr = runEval(t, append(base, "--check", "--floors", p("high.json"))...)
	if code != 1 || !strings.Contains(stderr, "check failed: recall 0.500 is below the floor 0.900") ||
		strings.Contains(stderr, "precision") {
		t.Errorf("--check with high floors: exit %d, stderr %q", code, stderr)
	}
}

const evalACLEDCSV = `event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,longitude,notes,fatalities
MLI1,2024-03-10,Battles,Armed clash,JNIM: Group for Support of Islam and Muslims,Military Forces of Mali (2021-),Mali,Mopti,Koro,14.0667,-3.0667,Fictional.,5
NER1,2024-04-01,Protests,Peaceful protest,Protesters (Niger),,Niger,Niamey,Niamey,13.5137,2.1098,Fictional.,0
`

func TestEvalACLEDPred(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"acled.csv": evalACLEDCSV,
		"pred.jsonl": `{"event_date":"2024-03-10","event_type":"Battles","sub_event_type":"Armed clash","actor1":"JNIM","actor2":"Military Forces of Mali","country":"Mali","admin1":"Mopti","location":"Koro","latitude":14.0667,"longitude":-3.0667,"fatalities":5,"sources":[{"id":"MLI1"}]}
`,
	})
	base := []string{"eval", "acled", "--csv", filepath.Join(dir, "acled.csv"), "--pred", filepath.Join(dir, "pred.jsonl")}
	code, out, stderr := runEval(t, base...)
	if code != 0 || !strings.Contains(out, "detected        0.500  1/2") || !strings.Contains(out, "Event type confusion") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runEval(t, append(base, "--show", "detected,actor2")...)
	if code != 0 || !strings.Contains(out, "Rows with detected wrong: 1 of 2") || !strings.Contains(out, "NER1") ||
		!strings.Contains(out, "Rows with actor2 wrong: 0 of 2") {
		t.Errorf("--show: exit %d\n%s", code, out)
	}
	if code, _, _ = runEval(t, append(base, "--show", "date,colour")...); code != 2 {
		t.Errorf("--show colour: exit %d, want 2", code)
	}
	code, out, _ = runEval(t, append(base, "--json", "--countries", "Mali")...)
	var r evaluate.ACLEDReport
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil {
		t.Fatalf("--json: exit %d, %v\n%s", code, err, out)
	}
	if r.Summary.Rows != 1 || r.Summary.Detected != 1 || r.Summary.Actor2 != 1 {
		t.Errorf("--countries Mali summary %+v", r.Summary)
	}
}

func TestEvalUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"eval"}, 2},
		{[]string{"eval", "nonsense"}, 2},
		{[]string{"eval", "--help"}, 0},
		{[]string{"eval", "seeds", "--help"}, 0},
		{[]string{"eval", "acled", "--limit", "-1"}, 2},
		{[]string{"eval", "seeds", "extra"}, 2},
		{[]string{"eval", "seeds", "--gold", "/nonexistent/gold.jsonl"}, 1},
	} {
		if code, _, stderr := runEval(t, tc.args...); code != tc.code {
			t.Errorf("%v: exit %d, want %d (%s)", tc.args, code, tc.code, stderr)
		}
	}
}

// TestEvalCodesSeeds runs the whole pipeline on the seed articles: the figures are whatever the
// coder achieves, but the built-in floors must hold and the events must be written for score.py.
func TestEvalCodesSeeds(t *testing.T) {
	gold := fixtures.Path(t, "fixtures", "seeds", "gold-events.jsonl")
	arts := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	pred := filepath.Join(t.TempDir(), "pred.jsonl")
	code, out, stderr := runEval(t, "eval", "seeds", "--gold", gold, "--articles", arts, "--write-pred", pred, "--check")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	f, err := os.Open(pred)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	evs, err := evaluate.ReadEvents(f)
	if err != nil || len(evs) == 0 {
		t.Fatalf("written predictions: %d events, %v", len(evs), err)
	}
	// Scoring the written events again gives the same report.
	_, again, _ := runEval(t, "eval", "seeds", "--gold", gold, "--articles", arts, "--pred", pred)
	if again != out {
		t.Errorf("scoring the written predictions differs:\n%s\nvs\n%s", again, out)
	}

	// The team's independent scorer gives the same figures on the same events.
	_, js, _ := runEval(t, "eval", "seeds", "--gold", gold, "--articles", arts, "--pred", pred, "--json")
	var ours struct {
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js), &ours); err != nil {
		t.Fatal(err)
	}
	py, err := exec.Command("python3", fixtures.Path(t, "tools", "score.py"), "seeds", "--gold", gold,
		"--articles", arts, "--pred", pred).Output()
	if err != nil {
		t.Fatalf("score.py: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(py)), "\n")
	var theirs map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &theirs); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ours.Summary, theirs) {
		t.Errorf("sitrep eval and score.py disagree:\n%v\n%v", ours.Summary, theirs)
	}
}

// TestEvalCodesACLEDSubset codes only the documents of the rows kept by --countries and --limit.
func TestEvalCodesACLEDSubset(t *testing.T) {
	csvPath := fixtures.Path(t, "eval", "acled-dev.csv")
	docs := fixtures.Path(t, "eval", "acled-dev-docs.jsonl")
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := evaluate.ReadACLED(f)
	if err != nil {
		t.Fatal(err)
	}
	countries := []string{"Ivory Coast", "Togo", "Gabon"}
	kept := evaluate.FilterCountries(rows, countries)
	if len(kept) < 6 {
		t.Fatalf("only %d rows of %v", len(kept), countries)
	}
	code, out, stderr := runEval(t, "eval", "acled", "--csv", csvPath, "--docs", docs,
		"--countries", strings.Join(countries, ","), "--limit", "5", "--json")
	var r evaluate.ACLEDReport
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s", code, err, stderr)
	}
	detected := 0
	for i, res := range r.Results {
		if res.ID != kept[i].EventIDCnty {
			t.Errorf("result %d is %s, want %s", i, res.ID, kept[i].EventIDCnty)
		}
		if res.PredType != evaluate.NotDetected {
			detected++
		}
	}
	if r.Summary.Rows != 5 || detected == 0 {
		t.Errorf("%d rows (want 5), %d detected", r.Summary.Rows, detected)
	}
}
