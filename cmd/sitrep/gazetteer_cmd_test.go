package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// An analyst adds a village the gazetteer lacks, finds it with lookup, and sees explain place a
// story there, and bad rows are refused with their row number.
func TestGazetteerImportLookupExplain(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	csvPath := filepath.Join(dir, "villages.csv")
	csv := "name,alternate_names,country,admin1,admin2,latitude,longitude,kind\n" +
		"Tinkirzaye,Tinkirzay;Tin Kirzaye,ML,Gao,Ansongo,15.61,0.72,village\n"
	if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := sitrep(t, nil, "gazetteer", "explain", "--db", db, "Gunmen attacked the village of Tinkirzaye on Sunday.")
	if code != 0 || strings.Contains(out, "location: Tinkirzaye") {
		t.Fatalf("explain before import: exit %d, stderr %s, out:\n%s", code, stderr, out)
	}
	if code, out, stderr := sitrep(t, nil, "gazetteer", "import", "--db", db, csvPath); code != 0 || !strings.Contains(out, "1 places") {
		t.Fatalf("import: exit %d, out %q, stderr %q", code, out, stderr)
	}
	code, out, stderr = sitrep(t, nil, "gazetteer", "lookup", "--db", db, "Tin Kirzaye")
	if code != 0 || !strings.Contains(out, "Tinkirzaye") || !strings.Contains(out, "Ansongo") || !strings.Contains(out, "custom") {
		t.Fatalf("lookup: exit %d, out %q, stderr %q", code, out, stderr)
	}
	code, out, stderr = sitrep(t, strings.NewReader("Gunmen attacked the village of Tinkirzay on Sunday, killing two herders."), "gazetteer", "explain", "--db", db, "-")
	if code != 0 {
		t.Fatalf("explain: exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"Tinkirzay" at`, `after "village of"`, "location: Tinkirzaye, Mali / Gao / Ansongo (15.6100, 0.7200) geo_precision 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("Nowhere,,ML,,,95,0,village\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := sitrep(t, nil, "gazetteer", "import", "--db", db, bad); code == 0 || !strings.Contains(stderr, "row 1: coordinates out of range") {
		t.Errorf("import of a latitude of 95: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := sitrep(t, nil, "gazetteer", "explain", "--db", db); code != 2 {
		t.Errorf("explain without text: exit %d, want 2", code)
	}
}

// Places an analyst imports are the ones ingest and recode place events with: before the import a
// report from an unknown village is coded at its region, after it (recode) at the village.
func TestImportedPlacesLocateIngestedEvents(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	report := filepath.Join(dir, "report.txt")
	text := "Gunmen kill four herders in Tinkirzaye\n\nGAO, Mali, 12 March 2024 - Unidentified gunmen on motorbikes killed four herders on Sunday in the village of Tinkirzaye, in the Gao region, local officials said.\n"
	if err := os.WriteFile(report, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	located := func() event.Event {
		t.Helper()
		code, out, stderr := sitrep(t, nil, "export", "--db", db, "--format", "jsonl")
		if code != 0 {
			t.Fatalf("export: exit %d: %s", code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 1 {
			t.Fatalf("want one event, got %d:\n%s", len(lines), out)
		}
		var e event.Event
		if err := json.Unmarshal([]byte(lines[0]), &e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	if code, _, stderr := sitrep(t, nil, "ingest", "--db", db, report); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, stderr)
	}
	if e := located(); e.Location == "Tinkirzaye" || e.Admin1 != "Gao" {
		t.Fatalf("before the import: location %q, admin1 %q, want the Gao region, not the unknown village", e.Location, e.Admin1)
	}
	csvPath := filepath.Join(dir, "villages.csv")
	if err := os.WriteFile(csvPath, []byte("Tinkirzaye,,ML,Gao,Ansongo,15.61,0.72,village\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := sitrep(t, nil, "gazetteer", "import", "--db", db, csvPath); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	if code, _, stderr := sitrep(t, nil, "recode", "--db", db); code != 0 {
		t.Fatalf("recode: exit %d: %s", code, stderr)
	}
	e := located()
	if e.Location != "Tinkirzaye" || e.Admin2 != "Ansongo" || e.Latitude != 15.61 || e.Longitude != 0.72 || e.GeoPrecision != 1 {
		t.Errorf("after the import: %s, %s/%s (%v, %v) precision %d, want Tinkirzaye, Gao/Ansongo (15.61, 0.72) precision 1",
			e.Location, e.Admin1, e.Admin2, e.Latitude, e.Longitude, e.GeoPrecision)
	}
}
