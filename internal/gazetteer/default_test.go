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
