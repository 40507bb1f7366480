package evaluate

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/event"
)

//go:embed data/floors.json
var floorsJSON []byte

// Floors are the figures `sitrep eval --check` demands, per mode: a figure below its Min or above its
// Max is a violation. data/floors.json holds the project's floors; raise them as quality rises so a
// regression fails the check.
type Floors struct {
	Doc   []string `json:"_doc,omitempty"`
	Seeds Limits   `json:"seeds"`
	ACLED Limits   `json:"acled"`
}

// Limits map figure names (see SeedReport.Figures and ACLEDReport.Figures) to bounds.
type Limits struct {
	Min map[string]float64 `json:"min,omitempty"`
	Max map[string]float64 `json:"max,omitempty"`
}

// byTypePrefix names the per-type figures of ACLED mode; a type without rows in a run is not checked.
const byTypePrefix = "type_accuracy_by_type."

func seedFigureNames() []string {
	names := []string{"recall", "precision", "found", "duplicates"}
	for _, f := range seedFields() {
		names = append(names, "field_accuracy."+f)
	}
	return names
}

func acledFigureNames() []string {
	names := append([]string{"rows"}, acledKeys()...)
	for _, t := range event.EventTypes {
		names = append(names, byTypePrefix+t)
	}
	return names
}

// DefaultFloors returns the floors embedded from data/floors.json.
func DefaultFloors() (Floors, error) {
	return ReadFloors(bytes.NewReader(floorsJSON))
}

// ReadFloors reads a floors file and checks that every name is a figure the reports produce, so a
// misspelt floor cannot pass silently.
func ReadFloors(r io.Reader) (Floors, error) {
	var f Floors
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Floors{}, fmt.Errorf("read floors: %w", err)
	}
	for _, c := range []struct {
		mode  string
		l     Limits
		known []string
	}{{"seeds", f.Seeds, seedFigureNames()}, {"acled", f.ACLED, acledFigureNames()}} {
		for _, m := range []map[string]float64{c.l.Min, c.l.Max} {
			for name := range m {
				if !slices.Contains(c.known, name) {
					return Floors{}, fmt.Errorf("read floors: %s: unknown figure %q (known: %s)", c.mode, name, strings.Join(c.known, ", "))
				}
			}
		}
	}
	return f, nil
}

// Figures are the report's checkable figures by name.
func (r SeedReport) Figures() map[string]float64 {
	s := r.Summary
	m := map[string]float64{"recall": s.Recall, "precision": s.Precision, "found": float64(s.Found),
		"duplicates": float64(s.Duplicates)}
	for f, v := range s.FieldAccuracy {
		m["field_accuracy."+f] = v
	}
	return m
}

// Figures are the report's checkable figures by name.
func (r ACLEDReport) Figures() map[string]float64 {
	m := map[string]float64{"rows": float64(r.All.Rows)}
	for k, v := range r.All.Rates {
		m[k] = v
	}
	for t, v := range r.Summary.TypeAccuracyByType {
		if ct, ok := canonicalType(t); ok {
			m[byTypePrefix+ct] = v
		}
	}
	return m
}

// CheckSeeds returns the violations of the seeds floors, empty when the report meets them all.
func (f Floors) CheckSeeds(r SeedReport) []string {
	var out []string
	if r.Summary.GoldRequired == 0 {
		out = append(out, "no required gold events to score")
	}
	return append(out, f.Seeds.check(r.Figures())...)
}

// CheckACLED returns the violations of the ACLED floors, empty when the report meets them all.
func (f Floors) CheckACLED(r ACLEDReport) []string {
	var out []string
	if r.All.Rows == 0 {
		out = append(out, "no ACLED rows to score")
	}
	return append(out, f.ACLED.check(r.Figures())...)
}

func (l Limits) check(fig map[string]float64) []string {
	var out []string
	for _, bound := range []struct {
		m     map[string]float64
		fails func(v, b float64) bool
		word  string
	}{
		{l.Min, func(v, b float64) bool { return v < b }, "below the floor"},
		{l.Max, func(v, b float64) bool { return v > b }, "above the ceiling"},
	} {
		names := make([]string, 0, len(bound.m))
		for n := range bound.m {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			v, ok := fig[n]
			switch {
			case !ok && strings.HasPrefix(n, byTypePrefix):
				// no rows of that type in this run (a --countries subset)
			case !ok:
				out = append(out, fmt.Sprintf("%s: not measured", n))
			case bound.fails(v, bound.m[n]):
				out = append(out, fmt.Sprintf("%s %.3f is %s %.3f", n, v, bound.word, bound.m[n]))
			}
		}
	}
	return out
}
