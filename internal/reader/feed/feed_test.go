package feed

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

type result struct {
	n   int
	doc document.Document
	err error
}

func parseFile(t *testing.T, path string) []result {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []result
	if err := Parse(data, func(n int, doc document.Document, err error) error {
		got = append(got, result{n, doc, err})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestParseSeedRSS reads the Defense Post feed: ten items with their content:encoded bodies, dates,
// links and GUIDs, checked against the feed's own XML read independently with regexps.
func TestParseSeedRSS(t *testing.T) {
	path := fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	items := regexp.MustCompile(`(?s)<item>(.*?)</item>`).FindAllStringSubmatch(string(raw), -1)
	field := func(item, re string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(item)
		if m == nil {
			t.Fatalf("no %s in item", re)
		}
		return m[1]
	}
	got := parseFile(t, path)
	if len(got) != 10 || len(items) != 10 {
		t.Fatalf("got %d documents from %d items, want 10", len(got), len(items))
	}
	for i, g := range got {
		if g.err != nil {
			t.Errorf("item %d: %v", i+1, g.err)
			continue
		}
		item := items[i][1]
		d := g.doc
		pub, err := time.Parse(time.RFC1123Z, field(item, `<pubDate>([^<]+)</pubDate>`))
		if err != nil {
			t.Fatal(err)
		}
		if !d.Published.Equal(pub) || d.Published.Location() != time.UTC {
			t.Errorf("item %d published %v, want %v in UTC", i+1, d.Published, pub)
		}
		if want := field(item, `<link>([^<]+)</link>`); d.URL != want {
			t.Errorf("item %d url %q, want %q", i+1, d.URL, want)
		}
		if want := field(item, `<guid[^>]*>([^<]+)</guid>`); d.GUID != want {
			t.Errorf("item %d guid %q, want %q", i+1, d.GUID, want)
		}
		if d.Outlet != "The Defense Post" || d.Language != "en" || d.Title == "" {
			t.Errorf("item %d outlet %q language %q title %q", i+1, d.Outlet, d.Language, d.Title)
		}
		// The body, not the one-paragraph description: as many paragraphs as the <p> elements.
		paras := strings.Count(field(item, `(?s)<content:encoded><!\[CDATA\[(.*?)\]\]>`), "<p>")
		if gotParas := strings.Count(d.Text, "\n\n") + 1; gotParas < paras-3 || gotParas > paras {
			t.Errorf("item %d: %d paragraphs, want about %d", i+1, gotParas, paras)
		}
		if strings.Contains(d.Text, "<p>") || strings.Contains(d.Text, "&#") {
			t.Errorf("item %d: markup left in text", i+1)
		}
	}
}

func TestParseAtom(t *testing.T) {
	got := parseFile(t, filepath.Join("testdata", "example.atom"))
	if len(got) != 3 {
		t.Fatalf("got %d results, want 3", len(got))
	}
	d := got[0].doc
	if got[0].err != nil {
		t.Fatal(got[0].err)
	}
	if d.URL != "https://www.example-monitor.org/2025/03/04/convoy-ambushed/" {
		t.Errorf("url %q not normalised", d.URL)
	}
	if d.GUID != "tag:example-monitor.org,2025:post-1001" || d.Title != "Convoy ambushed near Placeville & Sampletown" {
		t.Errorf("guid %q title %q", d.GUID, d.Title)
	}
	if d.Outlet != "Example Monitor" || d.Language != "fr" {
		t.Errorf("outlet %q language %q", d.Outlet, d.Language)
	}
	if _, off := d.Published.Zone(); off != 3600 {
		t.Errorf("published %v: the feed's +01:00 offset is lost", d.Published)
	}
	if want := time.Date(2025, 3, 4, 6, 15, 0, 0, time.UTC); !d.Published.Equal(want) {
		t.Errorf("published %v, want %v (published, not updated)", d.Published, want)
	}
	wantText := "A supply convoy was ambushed on Monday on the road between Placeville and Sampletown, a security source said.\n\nThe source said four drivers were wounded and two trucks burned."
	if d.Text != wantText {
		t.Errorf("text %q, want %q", d.Text, wantText)
	}
	// No content: the summary, and the updated time for want of a published one.
	d2 := got[1].doc
	if got[1].err != nil || !strings.HasPrefix(d2.Text, "Traders returned") || !d2.Published.Equal(time.Date(2025, 3, 2, 16, 30, 0, 0, time.UTC)) {
		t.Errorf("second entry: %+v, %v", d2, got[1].err)
	}
	if got[2].err == nil || !strings.Contains(got[2].err.Error(), "has no text") {
		t.Errorf("entry without body: err %v", got[2].err)
	}
}

func TestParseJSONFeed(t *testing.T) {
	got := parseFile(t, filepath.Join("testdata", "example.json"))
	if len(got) != 2 || got[0].err != nil || got[1].err != nil {
		t.Fatalf("got %v, want two documents", got)
	}
	a, b := got[0].doc, got[1].doc
	if a.URL != "https://examplewire.net/world/2025/05/10/bridge-attack?ref=home" || a.GUID != "ew-2025-0042" {
		t.Errorf("url %q guid %q", a.URL, a.GUID)
	}
	if a.Outlet != "Example Wire" || a.Language != "en" {
		t.Errorf("outlet %q language %q", a.Outlet, a.Language)
	}
	if a.Text != "Unknown assailants blew up a bridge north of Demo City overnight, officials said on Saturday.\n\nNo casualties were reported." {
		t.Errorf("html body: %q", a.Text)
	}
	// content_text keeps its paragraphs.
	if b.Text != "Negotiators met again on Friday in Sample Capital.\n\nBoth sides called the meeting constructive." {
		t.Errorf("text body: %q", b.Text)
	}
	if !b.Published.Equal(time.Date(2025, 5, 9, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("published %v", b.Published)
	}
}

func TestParseBad(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"invalid xml", `<?xml version="1.0"?><rss version="2.0"><channel><item><description><![CDATA[x</description></item></channel></rss>`, "invalid feed: XML syntax error"},
		{"truncated xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>x</title>`, "invalid feed"},
		{"other xml", `<?xml version="1.0"?><urlset><url><loc>https://a.example/</loc></url></urlset>`, "not an RSS, Atom or JSON feed"},
		{"not a feed", `hello`, "not an RSS, Atom or JSON feed"},
		{"no items", `<rss version="2.0"><channel><title>T</title></channel></rss>`, "feed has no items"},
		{"bad json feed", `{"version":"https://jsonfeed.org/version/1.1","items":[`, "invalid feed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			err := Parse([]byte(tt.in), func(int, document.Document, error) error { calls++; return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want one containing %q (after %d items)", err, tt.want, calls)
			}
		})
	}
}

func TestOutlet(t *testing.T) {
	tests := []struct{ title, link, want string }{
		{"Mali – The Defense Post", "https://thedefensepost.com/tag/mali/", "The Defense Post"},
		{"Mali Archives - The Defense Post", "https://www.thedefensepost.com/tag/mali/", "The Defense Post"},
		{"The Defense Post", "https://thedefensepost.com/", "The Defense Post"},
		{"BBC News - Africa", "https://www.bbc.co.uk/news/world/africa", "BBC News"},
		{"Africa | Example Times", "", "Example Times"},
		{"Sahel Archives – Example Monitor", "https://www.example-monitor.org/", "Example Monitor"},
		{"Example Wire | World", "https://examplewire.net/", "Example Wire"},
		{"", "https://a.example/", ""},
		{"Conflict Watch: Sahel Edition", "", "Conflict Watch: Sahel Edition"},
	}
	for _, tt := range tests {
		if got := Outlet(tt.title, tt.link); got != tt.want {
			t.Errorf("Outlet(%q, %q) = %q, want %q", tt.title, tt.link, got, tt.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	for in, want := range map[string]string{"en-US": "en", "FR_fr": "fr", " pt ": "pt", "": ""} {
		if got := Language(in); got != want {
			t.Errorf("Language(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzReadFeed(f *testing.F) {
	for _, name := range []string{"example.atom", "example.json"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`<rss version="2.0"><channel><item><description>&lt;p&gt;x</description></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><content type="html">a</content></entry></feed>`,
		`{"version":"https://jsonfeed.org/version/1","items":[{"content_text":"x"}]}`, "<rss", "{"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Parse(data, func(n int, doc document.Document, err error) error {
			if err == nil && (doc.Text == "" || !utf8.ValidString(doc.Text) || !utf8.ValidString(doc.Title) || !utf8.ValidString(doc.Outlet)) {
				t.Fatalf("item %d: bad document %+v", n, doc)
			}
			return nil
		})
	})
}
