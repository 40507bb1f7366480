package evaluate

import (
	"reflect"
	"strings"
	"testing"
)

func TestDefaultFloors(t *testing.T) {
	f, err := DefaultFloors()
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Doc) == 0 || len(f.Seeds.Min) == 0 || len(f.ACLED.Min) == 0 {
		t.Errorf("floors file lacks its documentation or floors: %+v", f)
	}
	// Every figure named in the file must be one the reports produce.
	seeds := Seeds(synthGold(), synthArticles(), synthPreds()).Figures()
	for n := range f.Seeds.Min {
		if _, ok := seeds[n]; !ok {
			t.Errorf("seeds floor %q names no figure", n)
		}
	}
	rows, err := ReadACLED(strings.NewReader(synthACLEDCSV))
	if err != nil {
		t.Fatal(err)
	}
	acled := ACLED(rows, synthACLEDPreds()).Figures()
	for n := range f.ACLED.Min {
		if _, ok := acled[n]; !ok {
			t.Errorf("ACLED floor %q names no figure", n)
		}
	}
}

func TestReadFloorsRejects(t *testing.T) {
	for _, in := range []string{
		`{"seeds":{"min":{"recal":0.5}}}`,
		`{"acled":{"max":{"type_accuracy_by_type.Fights":1}}}`,
		`{"seeds":{"minimum":{}}}`,
		`{"seeds":`,
	} {
		if _, err := ReadFloors(strings.NewReader(in)); err == nil {
			t.Errorf("ReadFloors(%s): no error", in)
		}
	}
}

func TestCheck(t *testing.T) {
	seeds := Seeds(synthGold(), synthArticles(), synthPreds()) // recall 0.75, duplicates 1, date 0.333
	rows, err := ReadACLED(strings.NewReader(synthACLEDCSV))
	if err != nil {
		t.Fatal(err)
	}
	acled := ACLED(rows, synthACLEDPreds()) // detected 0.833, Battles 0.5, no Riots rows
	tests := []struct {
		name   string
		floors string
		seeds  []string
		acled  []string
	}{
		{"zero floors pass", `{"seeds":{"min":{"recall":0}},"acled":{"min":{"detected":0}}}`, nil, nil},
		{"met floors pass", `{"seeds":{"min":{"recall":0.75,"field_accuracy.date":0.3},"max":{"duplicates":1}},
			"acled":{"min":{"detected":0.8,"type_accuracy_by_type.Battles":0.5}}}`, nil, nil},
		{"figures below floors and above ceilings fail",
			`{"seeds":{"min":{"recall":0.8,"field_accuracy.date":0.5},"max":{"duplicates":0}},
			"acled":{"min":{"detected":0.9,"type_accuracy_by_type.Battles":0.6}}}`,
			[]string{"field_accuracy.date 0.333 is below the floor 0.500", "recall 0.750 is below the floor 0.800",
				"duplicates 1.000 is above the ceiling 0.000"},
			[]string{"detected 0.833 is below the floor 0.900", "type_accuracy_by_type.Battles 0.500 is below the floor 0.600"}},
		{"a type without rows is not checked", `{"acled":{"min":{"type_accuracy_by_type.Riots":0.9}}}`, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadFloors(strings.NewReader(tc.floors))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.CheckSeeds(seeds); !reflect.DeepEqual(got, tc.seeds) {
				t.Errorf("CheckSeeds = %q, want %q", got, tc.seeds)
			}
			if got := f.CheckACLED(acled); !reflect.DeepEqual(got, tc.acled) {
				t.Errorf("CheckACLED = %q, want %q", got, tc.acled)
			}
		})
	}
	f, _ := DefaultFloors()
	if v := f.CheckACLED(ACLED(nil, nil)); len(v) == 0 {
		t.Error("an empty ACLED run passes the check")
	}
}
