package gazetteer

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenJSON compares got, as JSON indented by two spaces, with testdata/name, or rewrites it under
// -update.
func goldenJSON(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Bytes(t, filepath.Join("testdata", name), append(b, '\n'), *update)
}

func TestParseGeoNamesGolden(t *testing.T) {
	places, err := ReadGeoNamesFile(filepath.Join("testdata", "geonames.txt"))
	if err != nil {
		t.Fatal(err)
	}
	goldenJSON(t, "geonames.golden.json", places)
}

func TestParseCustomCSVGolden(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "custom.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	places, err := ParseCustomCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	goldenJSON(t, "custom.golden.json", places)
}

func TestParseGeoNames(t *testing.T) {
	tests := []struct {
		name, in string
		n        int
		wantErr  bool
	}{
		{"empty", "", 0, false},
		{"blank and comment lines", "\n# comment\n\n", 0, false},
		{"one row, no final newline", "1\tA\tA\t\t1\t2\tP\tPPL\tML\t\t05\t\t\t\t0\t\t0\tX\t2020-01-01", 1, false},
		{"CRLF", "1\tA\tA\t\t1\t2\tP\tPPL\tML\t\t05\t\t\t\t0\t\t0\tX\t2020-01-01\r\n", 1, false},
		{"too few columns", "1\tA\tA\n", 0, true},
		{"bad id", "x\tA\tA\t\t1\t2\tP\tPPL\tML\t\t05\t\t\t\t0\t\t0\tX\t2020-01-01\n", 0, true},
		{"latitude out of range", "1\tA\tA\t\t91\t2\tP\tPPL\tML\t\t05\t\t\t\t0\t\t0\tX\t2020-01-01\n", 0, true},
		{"empty name", "1\t\tA\t\t1\t2\tP\tPPL\tML\t\t05\t\t\t\t0\t\t0\tX\t2020-01-01\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseGeoNames(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && len(got) != tt.n {
				t.Errorf("got %d places, want %d", len(got), tt.n)
			}
		})
	}
}

func TestParseGeoNamesAltNames(t *testing.T) {
	places, err := ReadGeoNamesFile(filepath.Join("testdata", "geonames.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := places[0].AltNames, "Segou Village"; got != "" && strings.Contains(got, "سيغو") {
		t.Errorf("Arabic alternate kept: %q", got)
	} else if strings.Contains(got, "BKO") {
		t.Errorf("airport code kept: %q", got)
	} else if strings.Contains(got, want) {
		t.Errorf("alternate equal to the name after folding kept: %q", got)
	}
}

func TestParseCustomCSVErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"short row", "Gao,,ML\n"},
		{"bad country", "Gao,,Mali,,,16.2,-0.04,town\n"},
		{"bad latitude", "Gao,,ML,,,north,-0.04,town\n"},
		{"empty name", ",,ML,,,16.2,-0.04,town\n"},
		{"bad quoting", "\"Gao,,ML,,,16.2,-0.04,town\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseCustomCSV(strings.NewReader(tt.in)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestCustomIDsStable(t *testing.T) {
	in := "Boulkessi,,ML,,,14.65,-1.91,\n"
	a, err := ParseCustomCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ParseCustomCSV(strings.NewReader(CustomCSVHeader + "\n" + in))
	if len(a) != 1 || len(b) != 1 || a[0].ID != b[0].ID || a[0].ID >= 0 {
		t.Errorf("ids %v %v: want the same negative id", a, b)
	}
}

func FuzzParseGeoNames(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "geonames.txt")); err == nil {
		f.Add(string(b))
	}
	f.Add("1\tA\tA\t\t1\t2\tP\tPPL\tML\t\t05\t\t\t\t0\t\t0\tX\t2020-01-01")
	f.Add("\n#\n\t\t\t")
	f.Fuzz(func(t *testing.T, s string) {
		places, err := ParseGeoNames(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, p := range places {
			if p.Name == "" || p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180 {
				t.Errorf("invalid place accepted: %+v", p)
			}
		}
		// What parses must survive the compact format.
		back, err := DecodePlaces(EncodePlaces(places))
		if err != nil || len(back) != len(places) {
			t.Fatalf("round trip: %d → %d places, %v", len(places), len(back), err)
		}
	})
}

func FuzzParseCustomCSV(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "custom.csv")); err == nil {
		f.Add(string(b))
	}
	f.Add("Gao,,ML,,,16.2,-0.04,town\n")
	f.Add("name\n\"a\"\"b\",x;y,NE,1,2,0,0,\n")
	f.Fuzz(func(t *testing.T, s string) {
		places, err := ParseCustomCSV(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, p := range places {
			if p.Name == "" || len(p.Country) != 2 || p.ID >= 0 || p.Source != "custom" {
				t.Errorf("invalid place accepted: %+v", p)
			}
		}
		g := newGazetteer()
		g.Add(places)
		for _, p := range places {
			if Fold(p.Name) != "" && len(g.Lookup(p.Name)) == 0 {
				t.Errorf("added place %q not found", p.Name)
			}
		}
	})
}

func TestReadGeoNamesFileCompressed(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "geonames.txt"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, "XX.txt.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	w := zip.NewWriter(&zb)
	r, _ := w.Create("readme.txt")
	r.Write([]byte("not a dump"))
	f, _ := w.Create("XX.txt")
	f.Write(raw)
	w.Close()
	if err := os.WriteFile(filepath.Join(dir, "XX.zip"), zb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"XX.txt.gz", "XX.zip"} {
		places, err := ReadGeoNamesFile(filepath.Join(dir, name))
		if err != nil || len(places) != 2 || places[1].Name != "Tinzaouatene" {
			t.Errorf("%s: %d places, %v", name, len(places), err)
		}
	}
	if _, err := ReadGeoNamesFile(filepath.Join(dir, "absent.txt")); err == nil {
		t.Error("no error for a missing file")
	}
}
