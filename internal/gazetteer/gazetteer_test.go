package gazetteer

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// sample is a small hand-made gazetteer for unit tests of the index.
func sample() []Place {
	return []Place{
		{ID: 1, Name: "Gao", Lat: 16.27, Lon: -0.04, Class: 'P', Code: "PPLA", Country: "ML", Admin1: "09", Population: 86000, Source: "geonames", AltNames: "Gao City"},
		{ID: 2, Name: "Ménaka", Lat: 15.92, Lon: 2.40, Class: 'P', Code: "PPLA", Country: "ML", Admin1: "12070577", Admin2: "8631539", Source: "geonames"},
		{ID: 3, Name: "Gao", Lat: 12.0, Lon: 1.0, Class: 'P', Code: "PPL", Country: "BF", Admin1: "08", Source: "geonames"},
		{ID: -5, Name: "Ti-n-Zaouâtene", Lat: 19.95, Lon: 2.95, Class: 'P', Code: "PPL", Country: "ML", Admin1: "10", Source: "osm"},
		{ID: 7, Name: "Mocímboa da Praia", Lat: -11.35, Lon: 40.35, Class: 'P', Code: "PPL", Country: "MZ", Admin1: "01", Source: "geonames"},
	}
}

func sampleGazetteer(t testing.TB) *Gazetteer {
	t.Helper()
	return loadDataset(t, dataset{places: sample(),
		countries: []Country{{ISO2: "ML", ISO3: "MLI", Numeric: 466, Name: "Mali", Region: "Western Africa", Capital: "Bamako", Lat: 12.65, Lon: -8}},
		aliases:   map[string]string{"malian": "ML"},
		admins: map[string]Place{
			"ML.09":               {Name: "Gao", Lat: 16.5, Lon: 0.5, Class: 'A', Code: "ADM1", Country: "ML", Admin1: "09"},
			"ML.12070577":         {Name: "Menaka", Lat: 15.9, Lon: 2.4, Class: 'A', Code: "ADM1", Country: "ML", Admin1: "12070577"},
			"ML.12070577.8631539": {Name: "Menaka", Class: 'A', Code: "ADM2", Country: "ML", Admin1: "12070577", Admin2: "8631539"},
			"ML.10":               {Name: "Kidal", Class: 'A', Code: "ADM1", Country: "ML", Admin1: "10"},
			"MZ.01":               {Name: "Cabo Delgado", Class: 'A', Code: "ADM1", Country: "MZ", Admin1: "01"},
		}})
}

// addCSV adds the places of a custom CSV text to g.
func addCSV(t testing.TB, g *Gazetteer, text string) {
	t.Helper()
	places, err := ParseCustomCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	g.Add(places)
}

// loadDataset encodes ds in the compact format and loads it, as Default loads the embedded set.
func loadDataset(t testing.TB, ds dataset) *Gazetteer {
	t.Helper()
	var buf bytes.Buffer
	if err := encode(&buf, ds); err != nil {
		t.Fatal(err)
	}
	g, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestLookup(t *testing.T) {
	g := sampleGazetteer(t)
	tests := []struct {
		name string
		ids  []int64
	}{
		{"Gao", []int64{1, 3}},
		{"GAO", []int64{1, 3}},
		{"gao city", []int64{1}},
		{"Tinzaouatene", []int64{-5}},
		{"Ti n Zaouatene", []int64{-5}},
		{"Menaka", []int64{2}},
		{"mocimboa-da-praia", []int64{7}},
		{"Bamako", nil},
		{"", nil},
	}
	for _, tt := range tests {
		var ids []int64
		for _, p := range g.Lookup(tt.name) {
			ids = append(ids, p.ID)
		}
		if !equalIDs(ids, tt.ids) {
			t.Errorf("Lookup(%q) = %v, want %v", tt.name, ids, tt.ids)
		}
		if got := g.Has(Fold(tt.name)); got != (len(tt.ids) > 0) {
			t.Errorf("Has(%q) = %v", Fold(tt.name), got)
		}
	}
	if g.MaxTokens() != 3 {
		t.Errorf("MaxTokens = %d, want 3", g.MaxTokens())
	}
}

func equalIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCountries(t *testing.T) {
	g := sampleGazetteer(t)
	for _, name := range []string{"Mali", "mali", "MLI", "ML", "Malian"} {
		if c, ok := g.CountryByName(name); !ok || c.ISO2 != "ML" || c.Region != "Western Africa" {
			t.Errorf("CountryByName(%q) = %+v, %v", name, c, ok)
		}
	}
	if _, ok := g.CountryByName("Atlantis"); ok {
		t.Error("CountryByName(Atlantis) found")
	}
	if c, ok := g.Country("ml"); !ok || c.Numeric != 466 {
		t.Errorf("Country(ml) = %+v, %v", c, ok)
	}
}

func TestAdminNames(t *testing.T) {
	g := sampleGazetteer(t)
	ps := sample()
	tests := []struct {
		p      Place
		a1, a2 string
	}{
		{ps[0], "Gao", ""},
		{ps[1], "Menaka", "Menaka"},
		{ps[4], "Cabo Delgado", ""},
		{Place{Country: "ML", Admin1: "99"}, "", ""},
		// A village coded Gao in an old dump next to Ménaka town takes Ménaka's units.
		{Place{Name: "X", Lat: 15.95, Lon: 2.35, Country: "ML", Admin1: "09"}, "Menaka", "Menaka"},
	}
	for _, tt := range tests {
		a1, a2 := g.AdminNames(tt.p)
		if a1 != tt.a1 || a2 != tt.a2 {
			t.Errorf("AdminNames(%s %s.%s) = %q, %q; want %q, %q", tt.p.Name, tt.p.Admin1, tt.p.Admin2, a1, a2, tt.a1, tt.a2)
		}
	}
	if a, ok := g.Admin1("ML", "09"); !ok || a.Name != "Gao" || a.Lat != 16.5 {
		t.Errorf("Admin1(ML, 09) = %+v, %v", a, ok)
	}
}

func TestNearest(t *testing.T) {
	g := sampleGazetteer(t)
	p, d, ok := g.Nearest(16.3, 0.0, "", nil)
	if !ok || p.ID != 1 || d > 10 {
		t.Errorf("Nearest(Gao area) = %d, %.1f km, %v", p.ID, d, ok)
	}
	p, _, ok = g.Nearest(16.3, 0.0, "BF", nil)
	if !ok || p.ID != 3 {
		t.Errorf("Nearest in BF = %d, %v", p.ID, ok)
	}
	p, _, ok = g.Nearest(16.3, 0.0, "", func(p Place) bool { return p.Source == "osm" })
	if !ok || p.ID != -5 {
		t.Errorf("Nearest osm = %d, %v", p.ID, ok)
	}
	if _, _, ok := g.Nearest(60, 100, "", nil); ok {
		t.Error("Nearest found a place 40° away")
	}
	if d := DistanceKm(0, 0, 0, 1); math.Abs(d-111.19) > 0.1 {
		t.Errorf("DistanceKm one degree = %.2f", d)
	}
}

func TestAddOverlay(t *testing.T) {
	g := sampleGazetteer(t)
	addCSV(t, g, "Gao,Gao Camp,ML,Gao,,16.30,-0.05,camp\nBoulkessi,,ML,,,14.65,-1.91,military base\n")
	// The import replaces the Gao it duplicates (same name, a few km away); the Gao of Burkina
	// Faso, another place, stays a candidate.
	got := g.Lookup("Gao")
	if len(got) != 2 || got[0].Source != "custom" || got[0].Admin1 != "09" || got[1].Country != "BF" {
		t.Errorf("Lookup(Gao) after Add = %+v, want the imported place (admin1 resolved to 09), then BF's Gao", got)
	}
	// A row that leaves its units blank, or names one the gazetteer does not know, takes them
	// from the default places around it (Gao, 50 km away, not Ménaka, 230 km).
	addCSV(t, g, "Tessit,,ML,,,15.93,0.25,village\nAnsongo,,ML,Gaoo,,15.66,0.50,town\n")
	for _, name := range []string{"Tessit", "Ansongo"} {
		if got := g.Lookup(name); len(got) != 1 || got[0].Admin1 != "09" {
			t.Errorf("Lookup(%s) = %+v, want admin1 09 from the places near its coordinates", name, got)
		}
	}
	if len(g.Lookup("Ménaka")) != 1 || len(g.Lookup("Boulkessi")) != 1 {
		t.Error("overlay hides names it does not have, or lost its own")
	}
	if !g.Has("boulkessi") {
		t.Error("Has(boulkessi) false after Add")
	}
	// A plain village row for a default town replaces it but keeps what the default knew.
	town := g.Lookup("Ménaka")[0]
	g2 := sampleGazetteer(t)
	addCSV(t, g2, fmt.Sprintf("Ménaka,,ML,,,%f,%f,village\n", town.Lat+0.01, town.Lon))
	if got := g2.Lookup("Ménaka"); len(got) != 1 || got[0].Source != "custom" || got[0].Code != town.Code || got[0].Population != town.Population {
		t.Errorf("Lookup(Ménaka) after importing a village row for the town = %+v, want the import with the town's code %s and population %d", got, town.Code, town.Population)
	}
	// A namesake far from the default place adds a candidate and hides nothing.
	addCSV(t, g, "Ménaka,,ML,,,12.0,-8.0,hamlet\n")
	if got := g.Lookup("Menaka"); len(got) != 2 || got[0].Source != "custom" || got[1].Source == "custom" {
		t.Errorf("Lookup(Menaka) after adding a far namesake = %+v, want the import and the default town", got)
	}
}

// TestAddKeepsDistricts checks that a settlement list's row for a district seat replaces the
// default town, not the district named after it: "Macomia district" must still find the district.
func TestAddKeepsDistricts(t *testing.T) {
	g := loadDataset(t, dataset{places: []Place{
		{ID: 1, Name: "Macomia", Lat: -12.23, Lon: 40.15, Class: 'P', Code: "PPLA2", Country: "MZ", Admin1: "01", Admin2: "1042455", Source: "osm"},
		{ID: 1042455, Name: "Macomia", Lat: -12.23, Lon: 40.15, Class: 'A', Code: "ADM2", Country: "MZ", Admin1: "01", Admin2: "1042455", Source: "osm"},
	}, admins: map[string]Place{
		"MZ.01":         {Name: "Cabo Delgado", Class: 'A', Code: "ADM1", Country: "MZ", Admin1: "01"},
		"MZ.01.1042455": {Name: "Macomia", Class: 'A', Code: "ADM2", Country: "MZ", Admin1: "01", Admin2: "1042455"},
	}})
	addCSV(t, g, "Macomia,,MZ,Cabo Delgado,Macomia,-12.2466,40.1208,village\n")
	got := g.Lookup("Macomia")
	if len(got) != 2 || got[0].Source != "custom" || got[0].Code != "PPLA2" || got[1].Code != "ADM2" {
		t.Errorf("Lookup(Macomia) after importing its settlement row = %+v, want the import (with the town's code) and the district", got)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	in := sample()
	out, err := DecodePlaces(EncodePlaces(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("%d places back, want %d", len(out), len(in))
	}
	byID := map[int64]Place{}
	for _, p := range out {
		byID[p.ID] = p
	}
	for _, p := range in {
		if byID[p.ID] != p {
			t.Errorf("round trip changed %+v into %+v", p, byID[p.ID])
		}
	}
}

func TestLoadRejectsCorrupt(t *testing.T) {
	good := EncodePlaces(sample())
	for _, in := range [][]byte{nil, []byte("not gzip"), good[:len(good)/2]} {
		if _, err := Load(bytes.NewReader(in)); err == nil {
			t.Errorf("Load accepted %d corrupt bytes", len(in))
		}
	}
}

func FuzzDecodePlaces(f *testing.F) {
	f.Add(EncodePlaces(sample()))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		places, err := DecodePlaces(b)
		if err != nil {
			return
		}
		g := newGazetteer()
		g.Add(places)
		for _, p := range places {
			g.Lookup(p.Name)
		}
	})
}

// TestUnits checks that a country's admin units are all listed, however far from its capital, and
// nothing else.
func TestUnits(t *testing.T) {
	g := loadDataset(t, dataset{places: []Place{
		{ID: 1, Name: "Gao", Lat: 16.27, Lon: -0.04, Class: 'A', Code: "ADM1", Country: "ML", Admin1: "09", Source: "geonames"},
		{ID: 2, Name: "Ansongo", Lat: 15.66, Lon: 0.50, Class: 'A', Code: "ADM2", Country: "ML", Admin1: "09", Admin2: "1", Source: "geonames"},
		{ID: 3, Name: "Faraway", Lat: -20, Lon: 40, Class: 'A', Code: "ADM2", Country: "ML", Admin1: "09", Admin2: "2", Source: "geonames"},
		{ID: 4, Name: "Gao", Lat: 16.27, Lon: -0.04, Class: 'P', Code: "PPLA", Country: "ML", Admin1: "09", Source: "geonames"},
		{ID: 5, Name: "Macomia", Lat: -12.23, Lon: 40.15, Class: 'A', Code: "ADM2", Country: "MZ", Admin1: "01", Source: "geonames"},
	}, countries: []Country{{ISO2: "ML", ISO3: "MLI", Name: "Mali", Capital: "Bamako", Lat: 12.65, Lon: -8}}})
	var ids []int64
	for _, u := range g.Units("ML") {
		ids = append(ids, u.ID)
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []int64{1, 2, 3}) {
		t.Errorf("Units(ML) = ids %v, want 1, 2, 3", ids)
	}
}
