package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIParameters: the document lists exactly the parameters each endpoint accepts.
func TestOpenAPIParameters(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
				Ref  string `json:"$ref"`
			} `json:"parameters"`
		} `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string][]string{
		"/api/events": listParams(), "/api/stats": statsParams(),
		"/api/events.csv": csvParams(), "/api/events.geojson": geojsonParams(),
	} {
		var got []string
		for _, p := range doc.Paths[path]["get"].Parameters {
			if p.Ref != "" {
				c, ok := doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
				if !ok {
					t.Errorf("%s: dangling %s", path, p.Ref)
				}
				p.Name, p.In = c.Name, c.In
			}
			if p.In == "query" {
				got = append(got, p.Name)
			}
		}
		slices.Sort(got)
		w := slices.Sorted(slices.Values(want))
		if !slices.Equal(got, w) {
			t.Errorf("%s: documented %v, accepted %v", path, got, w)
		}
	}
}
