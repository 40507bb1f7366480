package gazetteer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestBuildFiles builds from a hand-made miniature of ../shared (testdata/shared) and checks the
// joins: ACLED-style names, admin codes filled from neighbours, ward points and LGA centres,
// point-in-polygon codes of OSM nodes.
func TestBuildFiles(t *testing.T) {
	dir := t.TempDir()
	main, osm, err := BuildFiles(context.Background(), filepath.Join("testdata", "shared"), dir)
	if err != nil {
		t.Fatal(err)
	}
	if main.Places != 7 || osm.Places != 2 {
		t.Errorf("built %d main and %d OSM places, want 7 and 2\n%s%s", main.Places, osm.Places, main, osm)
	}
	if main.Unmatched["missing geonames/BF.txt.gz"] != 1 {
		t.Errorf("missing dump not reported: %v", main.Unmatched)
	}
	g := newGazetteer()
	for _, name := range []string{MainFile, OSMFile} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		d, err := decodeBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		g.merge(d)
	}
	check := func(name, wantA1, wantA2 string) Place {
		t.Helper()
		ps := g.Lookup(name)
		if len(ps) != 1 {
			t.Fatalf("Lookup(%q) = %d places, want 1", name, len(ps))
		}
		a1, a2 := g.AdminNames(ps[0])
		if a1 != wantA1 || a2 != wantA2 {
			t.Errorf("AdminNames(%s) = %q, %q; want %q, %q", name, a1, a2, wantA1, wantA2)
		}
		return ps[0]
	}
	// cities500 stands in for a country whose full dump is missing (Burkina Faso here), and
	// adds nothing for one whose dump was read (Mali).
	if n := len(g.Lookup("Bourg Sahelien")); n != 1 {
		t.Errorf("cities500 town of a country without its dump: %d places, want 1", n)
	}
	if n := len(g.Lookup("Ville Malienne")); n != 0 {
		t.Errorf("cities500 town of a country with its dump: %d places, want 0", n)
	}
	check("Village Un", "Gao", "")
	check("village 1", "Gao", "")
	check("Village Deux", "Gao", "") // "00" admin1 filled from its neighbours
	check("Hameau Trois", "Gao", "") // OSM node without polygon codes
	check("Ward A", "Borno", "Guzamala")
	check("Wudil", "Borno", "Guzamala") // point-in-polygon columns joined by name
	lga := check("Guzamala", "Borno", "Guzamala")
	if lga.Lat != 12.7 || lga.Lon != 13.3 || lga.Code != "ADM2" {
		t.Errorf("LGA centre = %+v, want the mean of its wards", lga)
	}
	if a, ok := g.Admin1("ML", "12070577"); !ok || a.Name != "Menaka" {
		t.Errorf("Admin1(ML, Ménaka) = %+v, %v", a, ok)
	}
	if a, ok := g.Admin1("ML", "09"); !ok || a.Lat != 16.5 {
		t.Errorf("Admin1(ML, 09) = %+v: want the ADM1 feature's point", a)
	}
	if c, ok := g.CountryByName("Malian"); !ok || c.Name != "Mali" || c.Region != "Western Africa" {
		t.Errorf("CountryByName(Malian) = %+v, %v", c, ok)
	}
	if c, ok := g.CountryByName("NGA"); !ok || c.ISO2 != "NG" {
		t.Errorf("CountryByName(NGA) = %+v, %v", c, ok)
	}

	// Build writes the same main file.
	var buf bytes.Buffer
	if _, err := Build(context.Background(), filepath.Join("testdata", "shared"), &buf); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, MainFile)); !bytes.Equal(b, buf.Bytes()) {
		t.Error("Build and BuildFiles wrote different main files (builds must be deterministic)")
	}
}

// TestFuzzyAdmin checks the matching of other sources' unit names to the GeoNames admin units: cut
// short, longer, misspelt, and no guess between two units equally near.
func TestFuzzyAdmin(t *testing.T) {
	units := []adminName{
		{Fold("Ezinihitte"), "1"}, {Fold("Calabar-Municipal"), "2"}, {Fold("Koko/Besse"), "3"},
		{Fold("Birnin Kebbi"), "4"}, {Fold("Birnin Kudu"), "5"}, {Fold("Malam Madori"), "6"},
	}
	tests := []struct{ name, want string }{
		{"Ezinihitte Mbaise", "1"},    // a longer form
		{"Calabar Municipality", "2"}, // a longer form
		{"Malam Mado", "6"},           // cut short
		{"Koko/Besse", "3"},           // exact
		{"Birnin K", ""},              // too short to tell two units apart
		{"Katsina", ""},               // no such unit
	}
	for _, tt := range tests {
		if got := fuzzyAdmin(units, tt.name); got != tt.want {
			t.Errorf("fuzzyAdmin(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b  string
		limit int
		want  int
	}{
		{"magadali", "madagali", 3, 2}, // two letters exchanged across one
		{"isialambala", "isialambano", 3, 2},
		{"muya", "munya", 3, 1}, // one letter missing
		{"logo", "logo", 3, 0},
		{"bassa", "bauchi", 3, 3},       // at the limit or beyond: the limit
		{"ovia", "oviasouthwest", 3, 3}, // lengths too far apart
	}
	for _, c := range cases {
		if got := EditDistance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("EditDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}
