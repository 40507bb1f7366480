package segment

import (
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

func texts(text string, ss []Sentence) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Text(text)
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "Gunmen attacked a village. Ten people died.", []string{"Gunmen attacked a village.", "Ten people died."}},
		{"titles", "Gen. Moussa Traore said the attack failed. Col. Camara agreed.", []string{"Gen. Moussa Traore said the attack failed.", "Col. Camara agreed."}},
		{"us", "The U.S. Department of Defense said nothing. Reuters reported it.", []string{"The U.S. Department of Defense said nothing.", "Reuters reported it."}},
		{"am end", "Firing began at 5 a.m. The army responded.", []string{"Firing began at 5 a.m.", "The army responded."}},
		{"am mid", "Firing began at 5 a.m. and lasted hours.", []string{"Firing began at 5 a.m. and lasted hours."}},
		{"number", "They live in house No. 5 near the market. It burned.", []string{"They live in house No. 5 near the market.", "It burned."}},
		{"no at end", "The minister said no. Talks ended.", []string{"The minister said no.", "Talks ended."}},
		{"initials", "The report by J. Smith was published. It was long.", []string{"The report by J. Smith was published.", "It was long."}},
		{"decimal", "About 1.5 million people fled. Aid came.", []string{"About 1.5 million people fled.", "Aid came."}},
		{"approx", "The camp is approx. 7 km away. It was hit.", []string{"The camp is approx. 7 km away.", "It was hit."}},
		{"saint", "They met in St. Louis on Monday. Nothing followed.", []string{"They met in St. Louis on Monday.", "Nothing followed."}},
		{"quote comma", "“We will fight,” he said. The town fell.", []string{"“We will fight,” he said.", "The town fell."}},
		{"quote stop", "“The town fell.” Residents fled.", []string{"“The town fell.”", "Residents fled."}},
		{"glued quote", "shots were heard.”Bamako airport is closed,” an official said.", []string{"shots were heard.”", "Bamako airport is closed,” an official said."}},
		{"glued word", "a source told AFP on condition of anonymity.Volleys of gunfire began.", []string{"a source told AFP on condition of anonymity.", "Volleys of gunfire began."}},
		{"domain", "Visit Reuters.com for more. Thanks.", []string{"Visit Reuters.com for more.", "Thanks."}},
		{"headline", "Mali – Gao – Jihadism\n\nIslamic State closing in\n\nThe jihadists are active.", []string{"Mali – Gao – Jihadism", "Islamic State closing in", "The jihadists are active."}},
		{"furniture", "About the author\nAfrica\nAdd Comment", []string{"About the author", "Africa", "Add Comment"}},
		{"wrapped", "Gunmen attacked the village of\nKadji on Monday.", []string{"Gunmen attacked the village of\nKadji on Monday."}},
		{"wrapped lower", "Gunmen attacked the\nvillage on Monday.", []string{"Gunmen attacked the\nvillage on Monday."}},
		{"question", "Who did it? Nobody knows!", []string{"Who did it?", "Nobody knows!"}},
		{"ellipsis", "They waited... Then the shooting began.", []string{"They waited...", "Then the shooting began."}},
		{"lowercase after stop", "The attack (approx. 20 km north) ended.", []string{"The attack (approx. 20 km north) ended."}},
		{"paren", "Ten died (according to police). Others fled.", []string{"Ten died (according to police).", "Others fled."}},
		{"empty", "  \n\n ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := texts(tt.in, Sentences(tt.in))
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClauses(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Ten soldiers died; five were wounded.", []string{"Ten soldiers died", "five were wounded."}},
		{"Gunmen killed two people, while others were abducted.", []string{"Gunmen killed two people", "while others were abducted."}},
		{"Soldiers, police and civilians were killed.", []string{"Soldiers, police and civilians were killed."}},
		{"The army said it won, but the rebels denied it.", []string{"The army said it won", "but the rebels denied it."}},
	}
	for _, tt := range tests {
		s := Sentence{0, len(tt.in)}
		got := texts(tt.in, Clauses(tt.in, s))
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Clauses(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

type seedArticle struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func readSeeds(t testing.TB) []seedArticle {
	t.Helper()
	return fixtures.JSONL[seedArticle](t, "fixtures", "seeds", "articles.jsonl")
}

// TestSeedInvariants checks on real articles that sentences are ordered, trimmed, never cross a
// paragraph break, and that known hard spots split where they should.
func TestSeedInvariants(t *testing.T) {
	for _, a := range readSeeds(t) {
		ss := Sentences(a.Text)
		if len(ss) == 0 {
			t.Errorf("%s: no sentences", a.ID)
		}
		prev := 0
		for _, s := range ss {
			txt := s.Text(a.Text)
			if s.Start < prev || strings.TrimSpace(txt) != txt || txt == "" {
				t.Errorf("%s: bad span %v %q", a.ID, s, txt)
			}
			if strings.Contains(txt, "\n\n") {
				t.Errorf("%s: sentence crosses a paragraph: %q", a.ID, txt)
			}
			if strings.HasPrefix(txt, "Michael Langley") || strings.HasSuffix(txt, " U.S.") {
				t.Errorf("%s: split after an abbreviation: %q", a.ID, txt)
			}
			prev = s.End
		}
		for _, s := range ss {
			txt := s.Text(a.Text)
			if strings.Contains(txt, "anonymity.Volleys") || strings.Contains(txt, "airport.”Bamako") {
				t.Errorf("%s: glued sentences not split: %q", a.ID, txt)
			}
		}
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"Gen. X said. Y.", "“a.”B c", "1.5 m.\n\nX", "…", "a.m. B", "No. 5. x", "\xff."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, sen := range Sentences(s) {
			if sen.Start < prev || sen.End > len(s) || sen.Start >= sen.End {
				t.Fatalf("bad span %v in %q", sen, s)
			}
			prev = sen.End
			for _, c := range Clauses(s, sen) {
				if c.Start < sen.Start || c.End > sen.End || c.Start >= c.End {
					t.Fatalf("bad clause %v of %v in %q", c, sen, s)
				}
			}
		}
	})
}

func BenchmarkSentences(b *testing.B) {
	seeds := readSeeds(b)
	b.ResetTimer()
	for b.Loop() {
		for _, a := range seeds {
			Sentences(a.Text)
		}
	}
}
