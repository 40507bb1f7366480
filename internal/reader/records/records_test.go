package records

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

// result is one call of the Parse callback.
type result struct {
	n   int
	doc document.Document
	err error
}

func collect(t *testing.T, data string) []result {
	t.Helper()
	var got []result
	err := Parse([]byte(data), func(n int, doc document.Document, err error) error {
		got = append(got, result{n, doc, err})
		return nil
	})
	if err != nil {
		t.Fatalf("Parse returned %v; only the callback's errors may stop it", err)
	}
	return got
}

// TestParseSeedArticles reads the 14 seed records and checks each document against the record's own
// fields, decoded independently.
func TestParseSeedArticles(t *testing.T) {
	path := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type seed struct {
		ID, Outlet, Title, Published, Language, Text string
		URL                                          *string
	}
	want := fixtures.JSONL[seed](t, "fixtures", "seeds", "articles.jsonl")
	got := collect(t, string(data))
	if len(got) != 14 || len(want) != 14 {
		t.Fatalf("got %d documents from %d records, want 14", len(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.err != nil {
			t.Errorf("record %d: %v", i+1, g.err)
			continue
		}
		if g.n != i+1 {
			t.Errorf("record %d numbered %d", i+1, g.n)
		}
		d := g.doc
		wantURL := ""
		if w.URL != nil {
			wantURL = *w.URL
		}
		pub, err := time.Parse(time.RFC3339, w.Published)
		if err != nil {
			t.Fatal(err)
		}
		if d.ID != w.ID || d.URL != wantURL || d.Outlet != w.Outlet || d.Title != w.Title || d.Language != w.Language {
			t.Errorf("record %d fields: got id=%q url=%q outlet=%q title=%q lang=%q, want %q %q %q %q %q",
				i+1, d.ID, d.URL, d.Outlet, d.Title, d.Language, w.ID, wantURL, w.Outlet, w.Title, w.Language)
		}
		if !d.Published.Equal(pub) || d.PublishedApprox {
			t.Errorf("record %d published %v (approx %v), want %v", i+1, d.Published, d.PublishedApprox, pub)
		}
		if d.Text != document.CleanText(w.Text) || d.Text == "" {
			t.Errorf("record %d: text is not the cleaned record text", i+1)
		}
	}
}

func TestParseForms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		// want lists, per callback, the document id or "error: <substring>".
		want []string
	}{
		{"json lines", `{"id":"a","text":"Alpha."}` + "\n" + `{"id":"b","text":"Beta."}` + "\n", []string{"a", "b"}},
		{"bad line fails alone with its line number",
			`{"id":"a","text":"Alpha."}` + "\n\n" + `{"id":"b","text":` + "\n" + `{"id":"c","text":"Gamma."}`,
			[]string{"a", "error: line 3: invalid JSON", "c"}},
		{"record without text", `{"id":"a","title":"T"}`, []string{`error: line 1: record "a": no text or html field`}},
		{"empty text", `{"id":"e","text":"  "}`, []string{`error: line 1: record "e": text is empty`}},
		{"record of furniture only", `{"id":"a","text":"Add Comment"}`, []string{"error: empty after cleaning"}},
		{"not an object", `{"id":"a","text":"A."}` + "\n[1,2]\n", []string{"a", "error: line 2: not a JSON object"}},
		{"wrong type", `{"id":"a","text":42}`, []string{`error: field "text": expected string`}},
		{"not article records at all", `{"event":"x"}` + "\n" + `{"event":"y"}`, []string{"error: not article records: none of the 2 records"}},
		{"numeric id", `{"id":17,"text":"Seventeen."}`, []string{"17"}},
		{"nulls", `{"id":"n","url":null,"outlet":null,"title":null,"text":"Text."}`, []string{"n"}},
		{"bad date", `{"id":"a","published":"yesterday","text":"A."}`, []string{`error: line 1: record "a": published: cannot read date "yesterday"`}},
		{"array", ` [ {"id":"a","text":"A."},` + "\n" + `{"id":"b","html":"<p>B.</p>"} ]`, []string{"a", "b"}},
		{"array with a bad element", `[{"id":"a","text":"A."},` + "\n" + `{"id":"b"},{"id":"c","text":"C."}]`, []string{"a", `error: line 2: record "b": no text or html field`, "c"}},
		{"truncated array", `[{"id":"a","text":"A."},{"id":"b","text":"B`, []string{"a", "error: truncated JSON array: input ends inside item 2 (1 items read before it)"}},
		{"syntax error in array", `[{"id":"a","text":"A."}, {"id" "b"}]`, []string{"a", "error: invalid JSON array at item 2"}},
		{"empty array", `[]`, []string{"error: no records (empty JSON array)"}},
		{"data after array", `[{"id":"a","text":"A."}] x`, []string{"a", "error: unexpected data after the JSON array"}},
		{"indented record", "{\n  \"id\": \"a\",\n  \"text\": \"A.\"\n}\n", []string{"a"}},
		{"indented records in a row", "{\n \"id\": \"a\", \"text\": \"A.\"\n}\n{\n \"id\": \"b\", \"text\": \"B.\"\n}", []string{"a", "b"}},
		{"byte order mark", "\ufeff" + `{"id":"a","text":"A."}`, []string{"a"}},
		{"only space", "  \n ", []string{"error: no records"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := collect(t, tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d results %v, want %d %v", len(got), got, len(tt.want), tt.want)
			}
			for i, g := range got {
				if g.n != i+1 {
					t.Errorf("result %d numbered %d", i+1, g.n)
				}
				w := tt.want[i]
				if sub, isErr := strings.CutPrefix(w, "error: "); isErr {
					if g.err == nil || !strings.Contains(g.err.Error(), sub) {
						t.Errorf("result %d: error %v, want one containing %q", i+1, g.err, sub)
					}
					continue
				}
				if g.err != nil || g.doc.ID != w {
					t.Errorf("result %d: got id %q err %v, want id %q", i+1, g.doc.ID, g.err, w)
				}
			}
		})
	}
}

func TestRecordDocument(t *testing.T) {
	r := Record{
		URL:       " HTTPS://News.Example/a/b?utm_source=x#frag ",
		Outlet:    " Example\n News ",
		HTML:      "<p>First.</p><p>Second &amp; last.</p>",
		Published: "2024-09-17",
	}
	d, err := r.Document()
	if err != nil {
		t.Fatal(err)
	}
	if d.URL != "https://news.example/a/b" || d.Outlet != "Example News" || d.Text != "First.\n\nSecond & last." {
		t.Errorf("got url %q outlet %q text %q", d.URL, d.Outlet, d.Text)
	}
	if want := time.Date(2024, 9, 17, 12, 0, 0, 0, time.UTC); !d.Published.Equal(want) || !d.PublishedApprox {
		t.Errorf("day-only date: got %v approx %v, want %v approx", d.Published, d.PublishedApprox, want)
	}
	// Text wins over HTML when both are given.
	r.Text = "Plain."
	if d, _ := r.Document(); d.Text != "Plain." {
		t.Errorf("text not preferred: %q", d.Text)
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		dayOnly bool
	}{
		{"2024-09-24T05:05:52Z", time.Date(2024, 9, 24, 5, 5, 52, 0, time.UTC), false},
		{"2024-09-24T07:05:52+02:00", time.Date(2024, 9, 24, 5, 5, 52, 0, time.UTC), false},
		{"2024-09-24 05:05:52", time.Date(2024, 9, 24, 5, 5, 52, 0, time.UTC), false},
		{"Tue, 24 Sep 2024 05:05:52 +0000", time.Date(2024, 9, 24, 5, 5, 52, 0, time.UTC), false},
		{"2024-09-24", time.Date(2024, 9, 24, 12, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		got, dayOnly, err := ParseTime(tt.in)
		if err != nil || !got.Equal(tt.want) || dayOnly != tt.dayOnly {
			t.Errorf("ParseTime(%q) = %v, %v, %v; want %v, %v", tt.in, got, dayOnly, err, tt.want, tt.dayOnly)
		}
	}
	// The local day survives: 00:30 in Bamako's neighbour is still the 25th there.
	if got, _, _ := ParseTime("2024-09-25T00:30:00+01:00"); got.Day() != 25 {
		t.Errorf("offset lost: %v", got)
	}
	if _, _, err := ParseTime("24/09/2024"); err == nil {
		t.Error("ambiguous date accepted")
	}
}

func FuzzReadRecords(f *testing.F) {
	for _, s := range []string{`{"id":"a","text":"A."}`, `[{"text":"x"},{"html":"<p>y"}]`, "[{", "{\n\"text\":\"a\"\n}",
		`{"published":"2024-01-01","text":"\xff"}`, "\n\n{}\n[]", `[1,"a",null]`, `{"id":-1e999,"text":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		calls := 0
		err := Parse(data, func(n int, doc document.Document, err error) error {
			calls++
			if n != calls {
				t.Fatalf("item numbered %d, want %d", n, calls)
			}
			if err == nil {
				if doc.Text == "" || !utf8.ValidString(doc.Text) || !utf8.ValidString(doc.Title) {
					t.Fatalf("bad document %+v", doc)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if calls == 0 {
			t.Fatal("no result for input: every input gives a document or an error")
		}
	})
}
