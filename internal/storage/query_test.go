package storage

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		text string
		want []Term
		bad  bool
	}{
		{"ambush", []Term{{Word: "ambush"}}, false},
		{"  Ségou   attack* ", []Term{{Word: "Ségou"}, {Word: "attack", Prefix: true}}, false},
		{`"market" OR NOT-attack`, []Term{{Word: "market"}, {Word: "OR"}, {Word: "NOT"}, {Word: "attack"}}, false},
		{"l’armée", []Term{{Word: "l"}, {Word: "armée"}}, false},
		{"Se\u0301gou", []Term{{Word: "Se\u0301gou"}}, false}, // a combining accent stays in its word
		{"12 km", []Term{{Word: "12"}, {Word: "km"}}, false},
		{"ab*cd", []Term{{Word: "ab", Prefix: true}, {Word: "cd"}}, false},
		{"", nil, true},
		{" -- * ", nil, true},
		{strings.Repeat("w ", MaxTerms), nil, false},
		{strings.Repeat("w ", MaxTerms+1), nil, true},
	}
	for _, tc := range tests {
		got, err := SearchTerms(tc.text)
		if tc.bad {
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("SearchTerms(%q) = %v, %v; want ErrBadQuery", tc.text, got, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("SearchTerms(%q): %v", tc.text, err)
			continue
		}
		if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SearchTerms(%q) = %+v, want %+v", tc.text, got, tc.want)
		}
	}
}

// FuzzSearchTerms: whatever is typed, the words hold only letters, digits and combining marks (so no
// store's query syntax can leak through), and a refusal is a bad query.
func FuzzSearchTerms(f *testing.F) {
	for _, s := range []string{"ambush", "Ségou attack*", `"a" OR b NEAR(c d)`, "*", "x\x00y", "\xff\xfe", "ﬁn l’armée"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		terms, err := SearchTerms(text)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("SearchTerms(%q): %v, not a bad query", text, err)
			}
			return
		}
		if len(terms) == 0 || len(terms) > MaxTerms {
			t.Fatalf("SearchTerms(%q): %d terms", text, len(terms))
		}
		for _, term := range terms {
			if term.Word == "" {
				t.Fatalf("SearchTerms(%q): an empty word", text)
			}
			for _, r := range term.Word {
				if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
					t.Fatalf("SearchTerms(%q): word %q holds %q", text, term.Word, r)
				}
			}
			if !strings.Contains(text, term.Word) {
				t.Fatalf("SearchTerms(%q): word %q was not typed", text, term.Word)
			}
		}
	})
}

func TestStatsBuilder(t *testing.T) {
	sb, err := NewStatsBuilder("week")
	if err != nil {
		t.Fatal(err)
	}
	// 2025-03-02 is a Sunday: its week starts on Monday 2025-02-24; 2025-03-03 starts the next.
	sb.Add("2025-02-24", "Riots", 1, 0)
	sb.Add("2025-03-02", "Battles", 2, 5)
	sb.Add("2025-03-03", "Riots", 1, 1)
	sb.Add("2025-13-01", "Battles", 1, 0) // malformed: its own bucket, never an error
	want := Stats{
		Events: 5, Fatalities: 6, Bucket: "week",
		Buckets: []Bucket{
			{Start: "2025-02-24", Events: 3, Fatalities: 5, ByType: map[string]int{"Riots": 1, "Battles": 2}},
			{Start: "2025-03-03", Events: 1, Fatalities: 1, ByType: map[string]int{"Riots": 1}},
			{Start: "2025-13-01", Events: 1, Fatalities: 0, ByType: map[string]int{"Battles": 1}},
		},
		// Most events first; a tie goes by name.
		ByType: []TypeCount{{EventType: "Battles", Events: 3, Fatalities: 5}, {EventType: "Riots", Events: 2, Fatalities: 1}},
	}
	if got := sb.Stats(); !reflect.DeepEqual(got, want) {
		t.Errorf("Stats =\n%+v\nwant\n%+v", got, want)
	}
	day, _ := NewStatsBuilder("day")
	if got := day.Stats(); got.Buckets == nil || got.ByType == nil || got.Bucket != "day" {
		t.Errorf("empty day stats = %#v: want empty lists (JSON [] rather than null)", got)
	}
	if _, err := NewStatsBuilder("month"); !errors.Is(err, ErrBadQuery) {
		t.Errorf("NewStatsBuilder(month): %v, want ErrBadQuery", err)
	}
}

func TestQueryError(t *testing.T) {
	err := fmt.Errorf("postgres: %w", BadQuery("since %q: want YYYY-MM-DD", "soon"))
	if !errors.Is(err, ErrBadQuery) {
		t.Errorf("%v is not ErrBadQuery", err)
	}
	qe, ok := errors.AsType[*QueryError](err)
	if !ok || qe.Reason != `since "soon": want YYYY-MM-DD` {
		t.Errorf("reason of %v: %+v", err, qe)
	}
	if got, want := err.Error(), `postgres: bad query: since "soon": want YYYY-MM-DD`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
