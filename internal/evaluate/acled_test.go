package evaluate

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/golden"
)

func TestACLEDSynthetic(t *testing.T) {
	rows, err := ReadACLED(strings.NewReader(synthACLEDCSV))
	if err != nil {
		t.Fatal(err)
	}
	r := ACLED(rows, synthACLEDPreds())
	want := ACLEDSummary{Rows: 6, Detected: 0.833, EventType: 0.333, SubEventType: 0.333, Date: 0.833,
		Fatalities: 0.667, Country: 0.833, Admin1: 0.667, Location25km: 0.5, Actor1: 0.833, Actor2: 0.5,
		TypeAccuracyByType: map[string]float64{"Battles": 0.5, "Violence against civilians": 0,
			"Explosions/Remote violence": 0, "Protests": 0, "Strategic developments": 1}}
	if !reflect.DeepEqual(r.Summary, want) {
		t.Errorf("summary\n got %+v\nwant %+v", r.Summary, want)
	}
	wantConf := Confusion{
		Gold: []string{"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Strategic developments"},
		Pred: []string{"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Strategic developments", OtherType, NotDetected},
		Counts: [][]int{
			{1, 1, 0, 0, 0, 0, 0},
			{0, 0, 0, 0, 0, 0, 1},
			{1, 0, 0, 0, 0, 0, 0},
			{0, 0, 0, 0, 0, 1, 0},
			{0, 0, 0, 0, 1, 0, 0},
		}}
	if !reflect.DeepEqual(r.Confusion, wantConf) {
		t.Errorf("confusion\n got %+v\nwant %+v", r.Confusion, wantConf)
	}
	if len(r.ByCountry) != 2 || r.ByCountry[0].Name != "Mali" || r.ByCountry[0].Rows != 3 || r.ByCountry[0].Hits["detected"] != 2 {
		t.Errorf("by country: %+v", r.ByCountry)
	}
	if got := FilterCountries(rows, []string{"Niger"}); len(got) != 3 {
		t.Errorf("FilterCountries kept %d rows, want 3", len(got))
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		field string
		max   int
	}{{"event_type", 0}, {"location_25km", 1}, {"detected", 0}} {
		if err := r.WriteWrong(&text, w.field, w.max); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.WriteWrong(&text, "colour", 0); err == nil {
		t.Error("WriteWrong accepts an unknown figure")
	}
	if len(r.Results) != 6 || r.Results[0].ID != "MLI1" || len(r.Results[0].Misses) != 0 ||
		!reflect.DeepEqual(r.Results[2].Misses, acledKeys()[:len(acledKeys())-1]) {
		t.Errorf("results: %+v", r.Results)
	}
	golden.Bytes(t, filepath.Join("testdata", "acled_report.txt"), text.Bytes(), *update)
}

func TestReadACLEDDev(t *testing.T) {
	f, err := os.Open(fixtures.Path(t, "eval", "acled-dev.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadACLED(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 7000 {
		t.Fatalf("read %d rows", len(rows))
	}
	for _, r := range rows[:100] {
		if r.EventIDCnty == "" || r.Country == "" || r.EventType == "" || r.Notes == "" {
			t.Fatalf("row with empty id, country, type or notes: %+v", r)
		}
		if _, ok := parseACLEDDay(r.EventDate); !ok {
			t.Fatalf("unreadable date %q", r.EventDate)
		}
	}
}

func TestReadACLEDErrors(t *testing.T) {
	for _, in := range []string{"", "event_id_cnty,country\nX,Mali\n", "event_id_cnty,event_type,country\n\"X,Battles,Mali\n"} {
		if _, err := ReadACLED(strings.NewReader(in)); err == nil {
			t.Errorf("ReadACLED(%q): no error", in)
		}
	}
	rows, err := ReadACLED(strings.NewReader("\ufeffevent_id_cnty,event_type,country\nX,Battles\n"))
	if err != nil || len(rows) != 1 || rows[0].Country != "" || rows[0].EventIDCnty != "X" {
		t.Errorf("short row: %+v, %v", rows, err)
	}
}

func TestReadACLEDWith(t *testing.T) {
	const in = "event_id_cnty,event_type,country,inter1,assoc_actor_1,admin2\nX,Battles,Mali,2,A; B,Douentza\n"
	if _, err := ReadACLEDWith(strings.NewReader(in), "inter1", "latitude"); err == nil || !strings.Contains(err.Error(), "latitude") {
		t.Errorf("missing latitude column: error %v", err)
	}
	if _, err := ReadACLEDWith(strings.NewReader("event_type,country\nBattles,Mali\n")); err == nil {
		t.Error("records without event_id_cnty read")
	}
	if rows, err := ReadACLEDWith(strings.NewReader("event_id_cnty,notes\nX,Soldiers clashed.\n"), "notes"); err != nil || len(rows) != 1 {
		t.Errorf("records without event_type, read for their notes: %+v, %v", rows, err)
	}
	rows, err := ReadACLEDWith(strings.NewReader(in), "inter1", "assoc_actor_1", "admin2")
	if err != nil {
		t.Fatal(err)
	}
	want := ACLEDRow{EventIDCnty: "X", EventType: "Battles", Country: "Mali", Inter1: "2", AssocActor1: "A; B", Admin2: "Douentza"}
	if len(rows) != 1 || rows[0] != want {
		t.Errorf("rows %+v, want %+v", rows, want)
	}
}

// TestReadACLEDDocsDev joins the development documents with their records, as the package measures do.
func TestReadACLEDDocsDev(t *testing.T) {
	f, err := os.Open(fixtures.Path(t, "eval", "acled-dev-docs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	docs, err := ReadACLEDDocs(f)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := os.Open(fixtures.Path(t, "eval", "acled-dev.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer cf.Close()
	rows, err := ReadACLED(cf)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range rows {
		ids[r.EventIDCnty] = true
	}
	joined, empty := 0, 0
	for _, d := range docs {
		if d.Published.IsZero() {
			t.Fatalf("document %s without a publication time", d.ID)
		}
		if d.Text == "" { // notes that were nothing but coder remarks
			empty++
		}
		if ids[d.ID] {
			joined++
		}
	}
	if len(docs) < 7000 || joined < len(docs)*9/10 || empty > len(docs)/100 {
		t.Errorf("%d documents, %d with a record, %d without text", len(docs), joined, empty)
	}
}

func TestReadACLEDDocsErrors(t *testing.T) {
	for _, in := range []string{`{"text":"no id"}`, `{"id":"X","published":"yesterday"}`, `{"id":`} {
		if _, err := ReadACLEDDocs(strings.NewReader(in)); err == nil {
			t.Errorf("ReadACLEDDocs(%q): no error", in)
		}
	}
	docs, err := ReadACLEDDocs(strings.NewReader("\n{\"id\":\"X\",\"text\":\"Gunmen attacked Boni.\"}\n\n"))
	if err != nil || len(docs) != 1 || docs[0].ID != "X" || docs[0].Text != "Gunmen attacked Boni." {
		t.Errorf("one document: %+v, %v", docs, err)
	}
}
