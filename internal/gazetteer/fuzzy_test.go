package gazetteer

import (
	"slices"
	"testing"
)

func TestNear(t *testing.T) {
	g := sampleGazetteer(t)
	tests := []struct {
		folded string
		want   []string
	}{
		{"mocimbodapraia", []string{"mocimboadapraia"}},   // a letter dropped
		{"mocimboadapraiaa", []string{"mocimboadapraia"}}, // a letter added
		{"mocimboadaprala", []string{"mocimboadapraia"}},  // a letter replaced
		{"mocimbaodapraia", []string{"mocimboadapraia"}},  // two letters swapped
		{"tinzaouaten", []string{"tinzaouatene"}},
		{"mocimboadapraia", nil},        // the name itself is no neighbour
		{"mocimbdapria", nil},           // two edits away
		{"gaoo", nil},                   // too short to guess
		{"menakaa", []string{"menaka"}}, // the query must be long enough, not the name found
	}
	for _, tt := range tests {
		got := g.Near(tt.folded)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Near(%q) = %q, want %q", tt.folded, got, tt.want)
		}
	}
}

func FuzzNear(f *testing.F) {
	g := sampleGazetteer(f)
	for _, s := range []string{"mocimbodapraia", "tinzaouaten", "", "zzzzzzzzzzzz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Fold(s)
		if len(k) > 64 {
			return
		}
		for _, n := range g.Near(k) {
			if n == k || !g.Has(n) {
				t.Fatalf("Near(%q) returned %q", k, n)
			}
		}
	})
}

func BenchmarkNear(b *testing.B) {
	g, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		g.Near("mocimbodapraia")
	}
}
