package evaluate

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/golden"
)

func TestSeedsSynthetic(t *testing.T) {
	r := Seeds(synthGold(), synthArticles(), synthPreds())
	want := SeedSummary{GoldRequired: 4, Found: 3, Recall: 0.75, Predictions: 8, Precision: 0.667, Duplicates: 1,
		FieldAccuracy: map[string]float64{"event_type": 1, "sub_event_type": 0.667, "actor1": 0.667,
			"fatalities": 0.667, "date": 0.333, "location": 0.667, "admin1": 1, "sources": 0.667},
		Missed: []string{"G5"}}
	if !reflect.DeepEqual(r.Summary, want) {
		t.Errorf("summary\n got %+v\nwant %+v", r.Summary, want)
	}
	if r.BackgroundPredictions != 1 || r.TruePositives != 4 || r.ScoredPredictions != 6 {
		t.Errorf("background preds %d, true positives %d, scored %d; want 1, 4, 6",
			r.BackgroundPredictions, r.TruePositives, r.ScoredPredictions)
	}
	matched := map[string]int{}
	for _, m := range r.Matches {
		matched[m.Gold] = m.Pred.Index
	}
	wantMatched := map[string]int{"G1": 2, "G2": 5, "G3": 3, "G4": 6, "G6": 8}
	if !reflect.DeepEqual(matched, wantMatched) {
		t.Errorf("matches %v, want %v", matched, wantMatched)
	}
	reasons := map[int]string{}
	for _, u := range r.Unmatched {
		reasons[u.Pred.Index] = u.Reason
	}
	wantReasons := map[int]string{1: ReasonDuplicate, 7: ReasonSpurious, 9: ReasonExtra}
	if !reflect.DeepEqual(reasons, wantReasons) {
		t.Errorf("unmatched %v, want %v", reasons, wantReasons)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	golden.Bytes(t, filepath.Join("testdata", "seeds_report.txt"), text.Bytes(), *update)
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("report does not marshal: %v", err)
	}
}

// TestSeedsRules changes one thing at a time in a matching prediction and states the consequence.
func TestSeedsRules(t *testing.T) {
	gold := []GoldEvent{{ID: "E", ReportedIn: StringList{"d1", "d2"}, DateMin: "2024-07-25", DateMax: "2024-07-27",
		EventType: StringList{"Battles"}, SubEventType: StringList{"Armed clash"},
		Actor1:  StringList{"CSP-DPA", "Strategic Framework for the Defence of the People of Azawad"},
		Country: "Mali", Admin1: "Kidal", Location: StringList{"Tinzaouaten", "Tin Zaouatene"},
		FatalitiesMin: 7, FatalitiesMax: 140}}
	arts := []ArticleRef{{ID: "d1", URL: "https://example.org/1"}, {ID: "d2"}}
	base := event.Event{EventDate: "2024-07-26", EventType: "Battles", SubEventType: "Armed clash",
		Actor1: "CSP-DPA: Permanent Strategic Framework", Country: "Mali", Admin1: "Kidal", Location: "Tin-Zaouatene",
		Fatalities: 47, Sources: src("https://example.org/1", "d2")}
	tests := []struct {
		name   string
		change func(e *event.Event)
		found  bool
		misses []string
	}{
		{"all right", func(e *event.Event) {}, true, nil},
		{"a day before the window is a candidate", func(e *event.Event) { e.EventDate = "2024-07-24" }, true, []string{"date"}},
		{"two days before is not", func(e *event.Event) { e.EventDate = "2024-07-23" }, false, nil},
		{"a span overlapping the widened window", func(e *event.Event) { e.DateStart, e.DateEnd = "2024-07-20", "2024-07-24" }, true, []string{"date"}},
		{"a span inside the window", func(e *event.Event) { e.DateStart, e.DateEnd = "2024-07-25", "2024-07-27" }, true, nil},
		{"an unreadable date", func(e *event.Event) { e.EventDate = "26/07/2024" }, false, nil},
		{"another country", func(e *event.Event) { e.Country = "Niger" }, false, nil},
		{"another admin1 and place", func(e *event.Event) { e.Admin1, e.Location = "Gao", "Gao" }, false, nil},
		{"admin1 alone is enough", func(e *event.Event) { e.Location = "Kidal" }, true, []string{"location"}},
		{"actor in actor2", func(e *event.Event) { e.Actor1, e.Actor2 = "Military Forces of Mali (2021-)", "CSP-DPA" }, true, nil},
		{"short names do not contain", func(e *event.Event) { e.Actor1 = "CSP" }, true, []string{"actor1"}},
		{"one source missing", func(e *event.Event) { e.Sources = src("d1") }, true, []string{"sources"}},
		{"unknown url", func(e *event.Event) { e.Sources = src("https://example.org/2", "d2") }, true, []string{"sources"}},
		{"toll out of range", func(e *event.Event) { e.Fatalities = 3 }, true, []string{"fatalities"}},
		{"type and sub-type wrong", func(e *event.Event) { e.EventType, e.SubEventType = "Riots", "Mob violence" }, true, []string{"event_type", "sub_event_type"}},
		{"background pred is not scored", func(e *event.Event) { e.Background = true }, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base
			tc.change(&e)
			r := Seeds(gold, arts, []event.Event{e})
			if got := r.Summary.Found == 1; got != tc.found {
				t.Fatalf("found %v, want %v (%+v)", got, tc.found, r.Summary)
			}
			if tc.found && !reflect.DeepEqual(r.Matches[0].Misses, append([]string{}, tc.misses...)) {
				t.Errorf("misses %v, want %v", r.Matches[0].Misses, tc.misses)
			}
		})
	}
}

func TestReadGoldSeeds(t *testing.T) {
	f, err := os.Open(fixtures.Path(t, "fixtures", "seeds", "gold-events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gold, err := ReadGold(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(gold) < 10 {
		t.Fatalf("read %d gold events", len(gold))
	}
	lists := 0
	for _, g := range gold {
		if len(g.EventType) == 0 || len(g.Location) == 0 || len(g.ReportedIn) == 0 {
			t.Errorf("%s: empty type, location or reported_in: %+v", g.ID, g)
		}
		if len(g.EventType) > 1 {
			lists++
		}
	}
	if lists == 0 {
		t.Error("no gold event lists several event types: string-or-list decoding looks wrong")
	}
	a, err := os.Open(fixtures.Path(t, "fixtures", "seeds", "articles.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	arts, err := ReadArticles(a)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, x := range arts {
		ids[x.ID] = true
	}
	for _, g := range gold {
		for _, id := range g.ReportedIn {
			if !ids[id] {
				t.Errorf("%s reported in unknown article %s", g.ID, id)
			}
		}
	}
}

func TestReadGoldErrors(t *testing.T) {
	for _, in := range []string{
		`{"id":"X","date_min":"2024-01-01","date_max":"2024-01-02","country":"Mali","fatalities_min":0}`,
		`{"id":"X","date_min":"2024-01-03","date_max":"2024-01-02","country":"Mali","fatalities_min":0,"fatalities_max":1}`,
		`{"id":"X","date_min":"yesterday","date_max":"2024-01-02","country":"Mali","fatalities_min":0,"fatalities_max":1}`,
		`{"date_min":"2024-01-01","date_max":"2024-01-02","country":"Mali","fatalities_min":0,"fatalities_max":1}`,
		`{"id":"X","event_type":3,"date_min":"2024-01-01","date_max":"2024-01-02","country":"Mali","fatalities_min":0,"fatalities_max":1}`,
		`{"id":"X"`,
	} {
		if _, err := ReadGold(strings.NewReader(in)); err == nil {
			t.Errorf("ReadGold(%s): no error", in)
		}
	}
	g, err := ReadGold(strings.NewReader("\n" + `{"id":"X","event_type":"Battles","location":null,"date_min":"2024-01-01","date_max":"2024-01-02","country":"Mali","fatalities_min":0,"fatalities_max":1}` + "\n\n"))
	if err != nil || len(g) != 1 || !reflect.DeepEqual(g[0].EventType, StringList{"Battles"}) || g[0].Location != nil {
		t.Errorf("ReadGold: %+v, %v", g, err)
	}
}
