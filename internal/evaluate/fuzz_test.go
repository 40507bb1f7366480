package evaluate

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

var normalForm = regexp.MustCompile(`^([a-z0-9]+( [a-z0-9]+)*)?$`)

func FuzzNormName(f *testing.F) {
	for _, s := range []string{"Military Forces of Mali (2021-)", "Ségou", "ﬁ", "(٢٠٢١-)", "", "  x  ", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normName(s)
		if !normalForm.MatchString(n) {
			t.Fatalf("normName(%q) = %q: not words of a-z0-9 separated by single spaces", s, n)
		}
	})
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2024-07-25", "1 May 2025", "01-May-2025", "2024-02-30", "25-Jul-24", "07/25/2024", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := parseDay(s); ok && (d.Year() < 1 || d.Year() > 9999) {
			t.Fatalf("parseDay(%q) = %v", s, d)
		}
		if d, ok := parseACLEDDay(s); ok && (d.Year() < 1 || d.Year() > 9999) {
			t.Fatalf("parseACLEDDay(%q) = %v", s, d)
		}
	})
}

func FuzzReadGold(f *testing.F) {
	f.Add([]byte(`{"id":"X","reported_in":["a"],"event_type":"Battles","actor1":["A","B"],"location":null,"date_min":"2024-01-01","date_max":"2024-01-02","country":"Mali","fatalities_min":0,"fatalities_max":1}`))
	f.Add([]byte("{\"id\":1}\n\n[]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		gold, err := ReadGold(bytes.NewReader(b))
		if err != nil {
			return
		}
		// Whatever reads must score without failing.
		Seeds(gold, []ArticleRef{{ID: "a"}}, synthPreds())
	})
}

func FuzzReadACLED(f *testing.F) {
	f.Add(synthACLEDCSV)
	f.Add("event_id_cnty,event_type,country\n\"a\"\"b\",x\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ReadACLED(strings.NewReader(s))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := ACLED(rows, synthACLEDPreds()).WriteText(&buf); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzReadACLEDDocs(f *testing.F) {
	f.Add(`{"id":"X","published":"2024-03-11T12:00:00Z","language":"en","text":"Gunmen attacked Boni."}` + "\n")
	f.Add(`{"id":""}`)
	f.Fuzz(func(t *testing.T, s string) {
		docs, err := ReadACLEDDocs(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, d := range docs {
			if d.ID == "" {
				t.Fatalf("document without an id accepted: %+v", d)
			}
		}
	})
}

func FuzzReadEvents(f *testing.F) {
	f.Add([]byte(`{"event_date":"2024-01-01","sources":[{"id":"a"}],"fatalities":3}` + "\n"))
	f.Add([]byte(`{"sources":"x"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := ReadEvents(bytes.NewReader(b))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteEvents(&buf, evs); err != nil {
			t.Fatal(err)
		}
		back, err := ReadEvents(&buf)
		if err != nil || len(back) != len(evs) {
			t.Fatalf("events do not survive a round trip: %d -> %d, %v", len(evs), len(back), err)
		}
	})
}
