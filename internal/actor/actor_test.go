package actor

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestResolveEras(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text, country, date, want string
		inter                     int
	}{
		{"the army", "Mali", "2019-06-01", "Military Forces of Mali (2013-2020)", 1},
		{"soldiers", "Mali", "2020-10-15", "Military Forces of Mali (2020-2021)", 1},
		{"troops", "Mali", "2025-06-01", "Military Forces of Mali (2021-)", 1},
		{"FAMa", "Mali", "2024-07-25", "Military Forces of Mali (2021-)", 1},
		{"police", "Nigeria", "2019-03-01", "Police Forces of Nigeria (2015-)", 1},
		{"police", "Nigeria", "2024-03-01", "Police Forces of Nigeria (2023-)", 1},
		{"gendarmes", "Burkina Faso", "2019-03-01", "Police Forces of Burkina Faso (2015-) Gendarmerie", 1},
		{"gendarmes", "Niger", "2020-03-01", "Military Forces of Niger (2011-) Gendarmerie", 1},
		{"Burkinabe soldiers", "Mali", "2019-03-01", "Military Forces of Burkina Faso (2015-)", 8},
		{"villagers", "Niger", "2024-06-25", "Civilians (Niger)", 7},
		{"protesters", "Kenya", "2020-01-01", "Protesters (Kenya)", 6},
		{"rioters", "Ghana", "2020-01-01", "Rioters (Ghana)", 5},
		{"unknown gunmen", "Burkina Faso", "2023-01-01", "Unidentified Armed Group (Burkina Faso)", 3},
		{"ISGS", "Burkina Faso", "2019-05-01", "Islamic State (Greater Sahara)", 2},
		{"ISGS", "Niger", "2023-05-01", "Islamic State (Sahel)", 2},
		{"Etat islamique au Sahel", "Niger", "2024-05-01", "Islamic State (Sahel)", 2},
		{"Al-Shabaab", "Somalia", "2020-05-01", "Al Shabaab", 2},
		{"Al-Shabaab", "Mozambique", "2022-06-01", "Islamic State (Mozambique)", 2},
		{"ISWAP", "Nigeria", "2023-05-01", "Islamic State West Africa Province (ISWAP)", 2},
		{"Jama'a Nusrat ul-Islam wa al-Muslimin", "Burkina Faso", "2023-05-01", "JNIM: Group for Support of Islam and Muslims", 2},
		{"Group for the Support of Islam and Muslims", "Mali", "2023-05-01", "JNIM: Group for Support of Islam and Muslims", 2},
		{"Wagner", "Mali", "2023-05-01", "Wagner Group", 8},
		{"Africa Corps", "Mali", "2025-05-01", "Wagner Group", 8},
		{"Koglweogo", "Burkina Faso", "2023-05-01", "Koglweogo Militia", 3},
		{"Dozo hunters", "Mali", "2019-05-01", "Dozo Communal Militia (Mali)", 4},
		{"Tuareg separatists", "Mali", "2024-07-25", "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development", 2},
		{"separatist rebels", "Mali", "2024-07-25", "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development", 2},
		{"separatist rebels", "Mali", "2019-07-25", "Unidentified Armed Group (Mali)", 3},
		{"Al-Qaeda-linked jihadists", "Mali", "2024-07-25", "JNIM: Group for Support of Islam and Muslims", 2},
		// Without a country the class still gives a name and an inter code.
		{"soldiers", "", "2024-07-25", "Military Forces", 1},
		{"villagers", "", "2024-07-25", "Civilians", 7},
		{"gunmen", "", "2024-07-25", "Unidentified Armed Group", 3},
	}
	for _, c := range cases {
		ms := d.Find(c.text, 0, len(c.text))
		if len(ms) == 0 {
			t.Errorf("Find(%q) found nothing", c.text)
			continue
		}
		got := d.Resolve(ms[len(ms)-1], c.country, day(c.date))
		if got.Name != c.want || got.Inter != c.inter {
			t.Errorf("Resolve(%q, %s, %s) = %q inter %d, want %q inter %d", c.text, c.country, c.date, got.Name, got.Inter, c.want, c.inter)
		}
	}
}

func TestAcronymsNeedCapitals(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"the cma of the town", "an msa member", "jnim"} {
		for _, m := range d.Find(text, 0, len(text)) {
			if m.Generic == "" {
				t.Errorf("Find(%q) matched %q as %q; lower-case words must not match acronyms", text, m.Text, m.Actor.Name)
			}
		}
	}
}

// TestCastGolden casts hand-written sentences (testdata/cast_input.txt: country|date|sentence) and
// compares with testdata/cast.golden; run with -update to rewrite it after a deliberate change.
func TestCastGolden(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.ReadFile(filepath.Join("testdata", "cast_input.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, line := range strings.Split(strings.TrimSpace(string(in)), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "|", 3)
		if len(f) != 3 {
			t.Fatalf("bad input line %q", line)
		}
		c := d.Cast(f[2], 0, len(f[2]), Context{Country: f[0], Date: day(f[1])})
		fmt.Fprintf(&out, "%s\n  actor1: %s (%d) %v\n  actor2: %s (%d) %v\n  assoc1: %s\n  assoc2: %s\n  civilian target: %v\n",
			f[2], c.Actor1.Name, c.Actor1.Inter, c.Actor1Span, c.Actor2.Name, c.Actor2.Inter, c.Actor2Span, names(c.Assoc1), names(c.Assoc2), c.CivilianTarget)
	}
	golden.Bytes(t, filepath.Join("testdata", "cast.golden"), out.Bytes(), *update)
}

func names(as []Actor) string {
	var s []string
	for _, a := range as {
		s = append(s, a.Name)
	}
	return strings.Join(s, "; ")
}

func TestModelRoundTrip(t *testing.T) {
	m := &Model{Source: "test", Rows: 1, Actors: []LearnedActor{{Name: "Katiba Macina", Country: "Mali", Inter: 2, N: 1, First: "2020-01-01", Last: "2020-01-01"}}}
	var buf bytes.Buffer
	if err := WriteModel(&buf, m); err != nil {
		t.Fatal(err)
	}
	first := append([]byte(nil), buf.Bytes()...)
	got, err := ReadModel(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Actors[0] != m.Actors[0] {
		t.Errorf("round trip: got %+v", got.Actors[0])
	}
	buf.Reset()
	if err := WriteModel(&buf, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, buf.Bytes()) {
		t.Error("WriteModel is not reproducible")
	}
	if _, err := ReadModel(strings.NewReader("not gzip")); err == nil {
		t.Error("ReadModel accepted garbage")
	}
}

func TestLearnSmall(t *testing.T) {
	csv := "event_id_cnty,event_date,country,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,notes\n" +
		"X1,2020-01-02,Mali,Military Forces of Mali (2013-2020),,1,JNIM: Group for Support of Islam and Muslims,Katiba Macina,2,Soldiers clashed with JNIM militants.\n" +
		"X2,2020-09-02,Mali,Military Forces of Mali (2020-2021),,1,Civilians (Mali),,7,Soldiers killed two villagers.\n" +
		"X3,2020-03-02,Mali,JNIM: Group for Support of Islam and Muslims,Katiba Macina,2,Civilians (Mali),,7,Katiba Macina militants attacked a village.\n" +
		"X4,2020-04-02,Mali,JNIM: Group for Support of Islam and Muslims,Katiba Macina,2,Civilians (Mali),,7,Katiba Macina militants attacked a village.\n"
	m, err := Learn(strings.NewReader(csv), "inline", nil)
	if err != nil {
		t.Fatal(err)
	}
	if m.Rows != 4 || len(m.Eras) != 2 {
		t.Fatalf("rows %d eras %+v", m.Rows, m.Eras)
	}
	d, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	if got := d.era("Mali", "Military Forces", time.Date(2020, 10, 1, 0, 0, 0, 0, time.UTC)); got != "(2020-2021)" {
		t.Errorf("era in Oct 2020 = %q", got)
	}
	if d.parents["Katiba Macina"] != "JNIM: Group for Support of Islam and Muslims" {
		t.Errorf("parents = %v", d.parents)
	}
	if _, err := Learn(strings.NewReader("a,b\n1,2\n"), "bad", nil); err == nil {
		t.Error("Learn accepted records without ACLED columns")
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"JNIM militants attacked FAMa positions near Boni.", "Jama’at Nusrat al-Islam (JNIM)", "(", "Katiba Macina (", "É\xffa'", "Malian soldiers and their Russian allies"} {
		f.Add(s, 0, len(s))
	}
	d, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, start, end int) {
		s, e := clampSpan(text, start, end)
		for _, m := range d.Find(text, start, end) {
			if m.Start < s || m.End > e || m.Start > m.End || text[m.Start:m.End] != m.Text {
				t.Fatalf("mention %+v outside [%d,%d)", m, s, e)
			}
			d.Resolve(m, "Mali", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
		}
	})
}

func FuzzCast(f *testing.F) {
	for _, s := range []string{"Gunmen attacked a village, killing five civilians.", "Protesters were dispersed by police (teargas).", "JNIM or ISGS militants ambushed soldiers.", "by by by", ""} {
		f.Add(s, 0, len(s), "Burkina Faso")
	}
	d, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, start, end int, country string) {
		s, e := clampSpan(text, start, end)
		c := d.Cast(text, start, end, Context{Country: country, Date: time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC)})
		for _, sp := range [][2]int{c.Actor1Span, c.Actor2Span} {
			if sp != [2]int{} && (sp[0] < s || sp[1] > e || sp[0] > sp[1]) {
				t.Fatalf("span %v outside [%d,%d)", sp, s, e)
			}
		}
	})
}

func BenchmarkCast(b *testing.B) {
	d, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	arts := seedArticles(b)
	var texts []string
	for _, t := range arts {
		texts = append(texts, t)
	}
	c := Context{Country: "Mali", Date: time.Date(2024, 7, 25, 0, 0, 0, 0, time.UTC)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := texts[i%len(texts)]
		d.Cast(t, 0, len(t), c)
	}
}

// TestEmbeddedModelUpToDate rebuilds the learned model from ../shared and checks the embedded
// data/learned.json.gz is the same: after changing the hand-written data or the learner, run
// `sitrep actors build` and commit the result.
func TestEmbeddedModelUpToDate(t *testing.T) {
	f, err := os.Open(fixtures.Path(t, "eval", "acled-dev.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := Learn(f, "acled-dev.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteModel(&buf, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), learnedGz) {
		t.Error("data/learned.json.gz is stale: run `sitrep actors build` (from the module root) and commit it")
	}
}

// TestHyphenatedPlaceNames: a group's name that is only the first part of a hyphenated place name is
// no mention; a group joined by a hyphen to a lower-case word or to another group still is.
func TestHyphenatedPlaceNames(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string // the mentions' texts
	}{
		{"Youths in Bobo-Dioulasso attacked a meeting.", []string{"Youths"}},
		{"JNIM-affiliated fighters attacked the post.", []string{"JNIM-affiliated fighters"}},
		{"Fulani-Dogon clashes left five dead.", []string{"Fulani", "Dogon"}},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range d.Find(tt.text, 0, len(tt.text)) {
			got = append(got, m.Text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Find(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
