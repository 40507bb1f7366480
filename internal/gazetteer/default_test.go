package gazetteer

import (
	"runtime"
	"testing"
)

func TestDefault(t *testing.T) {
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if g.Len() < 300000 {
		t.Errorf("default set has %d places, want ≥ 300000", g.Len())
	}
	if g.MaxTokens() < 3 || g.MaxTokens() > 40 {
		t.Errorf("MaxTokens = %d", g.MaxTokens())
	}
	tests := []struct {
		name, country, admin1 string
	}{
		{"Gao", "ML", "Gao"},
		{"Tillabéri", "NE", "Tillaberi"},
		{"Ségou", "ML", "Segou"},
		{"Djibo", "BF", "Sahel"},
		{"Maiduguri", "NG", "Borno"},
		{"Mocímboa da Praia", "MZ", "Cabo Delgado"},
		// Nigerian LGAs whose names the wards file cuts to eight letters ("IsokoSou", "EnuguSou", "Akukutor").
		{"Isoko South", "NG", "Delta"},
		{"Enugu South", "NG", "Enugu"},
		{"Akuku-Toru", "NG", "Rivers"},
	}
	for _, tt := range tests {
		var found bool
		for _, p := range g.Lookup(tt.name) {
			if p.Country != tt.country {
				continue
			}
			a1, _ := g.AdminNames(p)
			if a1 == tt.admin1 {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("Lookup(%q): no place in %s with admin1 %q among %d candidates", tt.name, tt.country, tt.admin1, len(g.Lookup(tt.name)))
		}
		if !g.Has(Fold(tt.name)) {
			t.Errorf("Has(Fold(%q)) = false", tt.name)
		}
	}
}

// TestDefaultDistrictSeats checks that Mozambican districts are located by their seats, including
// those whose seat the nearest-neighbour coding had put in the next province (Chibabava in Manica)
// and those GeoNames writes "Distrito de Chibuto".
func TestDefaultDistrictSeats(t *testing.T) {
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, admin1 string }{
		{"Macomia", "Cabo Delgado"},
		{"Chibabava", "Sofala"},
		{"Chibuto", "Gaza"},
		{"Boane", "Maputo"},
		{"Gurue", "Zambezia"},
	} {
		var found bool
		for _, p := range g.Lookup(tt.name) {
			if a1, a2 := g.AdminNames(p); p.Country == "MZ" && p.Code == "ADM2" && a1 == tt.admin1 && a2 == tt.name {
				found = true
			}
		}
		if !found {
			t.Errorf("Lookup(%q): no district of %s among %+v", tt.name, tt.admin1, g.Lookup(tt.name))
		}
	}
}

func BenchmarkDefault(b *testing.B) {
	var heap float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		g, err := Default()
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(g)
	}
	b.ReportMetric(heap, "heapMiB")
}

func TestDefaultCountries(t *testing.T) {
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, iso2, acled string }{
		{"Mali", "ML", "Mali"},
		{"Côte d'Ivoire", "CI", "Ivory Coast"},
		{"Cote d’Ivoire", "CI", "Ivory Coast"},
		{"DRC", "CD", "Democratic Republic of Congo"},
		{"Democratic Republic of the Congo", "CD", "Democratic Republic of Congo"},
		{"Burkinabe", "BF", "Burkina Faso"},
		{"Nigerien", "NE", "Niger"},
		{"Nigerian", "NG", "Nigeria"},
		{"MOZ", "MZ", "Mozambique"},
		{"eSwatini", "SZ", "eSwatini"},
	}
	for _, tt := range tests {
		c, ok := g.CountryByName(tt.name)
		if !ok || c.ISO2 != tt.iso2 || c.Name != tt.acled {
			t.Errorf("CountryByName(%q) = %+v, %v; want %s %q", tt.name, c, ok, tt.iso2, tt.acled)
		}
	}
	if c, _ := g.Country("ML"); c.Capital != "Bamako" || c.Lat < 12 || c.Lat > 13 || c.Region != "Western Africa" {
		t.Errorf("Country(ML) = %+v", c)
	}
	if a, ok := g.Admin1("NE", "09"); !ok || a.Name != "Tillaberi" || a.Lat == 0 {
		t.Errorf("Admin1(NE, 09) = %+v, %v", a, ok)
	}
}

func BenchmarkLookup(b *testing.B) {
	g, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	names := []string{"Gao", "Tillabéri", "Mocímboa da Praia", "Maiduguri", "Nowhere Town", "Djibo"}
	for i := 0; b.Loop(); i++ {
		g.Lookup(names[i%len(names)])
	}
}

func BenchmarkHas(b *testing.B) {
	g, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	keys := []string{"gao", "tillaberi", "the", "attack", "maiduguri", "zzzz"}
	for i := 0; b.Loop(); i++ {
		g.Has(keys[i%len(keys)])
	}
}

func BenchmarkAdminNames(b *testing.B) {
	g, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	var ps []Place
	for _, n := range []string{"Djibo", "Boulkessi", "Mocimboa da Praia", "Gwoza", "Ayorou"} {
		ps = append(ps, g.Lookup(n)...)
	}
	for i := 0; b.Loop(); i++ {
		g.AdminNames(ps[i%len(ps)])
	}
}

func BenchmarkNearest(b *testing.B) {
	g, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		g.Nearest(14+float64(i%10)*0.1, -1+float64(i%7)*0.2, "", nil)
	}
}
