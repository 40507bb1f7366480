package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
