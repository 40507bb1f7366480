package document

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestCleanGolden cleans every testdata/clean input (.html with CleanHTML, .txt with CleanText) and
// compares with its .golden file.
func TestCleanGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "clean", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		ext := filepath.Ext(in)
		if ext != ".html" && ext != ".txt" {
			continue
		}
		n++
		t.Run(filepath.Base(in), func(t *testing.T) {
			raw, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if ext == ".html" {
				got = CleanHTML(string(raw))
			} else {
				got = CleanText(string(raw))
			}
			golden.Bytes(t, strings.TrimSuffix(in, ext)+".golden", []byte(got+"\n"), *update)
			if again := CleanText(got); again != got {
				t.Errorf("CleanText is not idempotent:\n%s\n---\n%s", got, again)
			}
		})
	}
	if n < 3 {
		t.Fatalf("found %d golden inputs, want at least 3", n)
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only space", " \n\t\n ", ""},
		{"crlf and blank runs", "First line.\r\n\r\n\r\n\r\nSecond.\rThird.", "First line.\n\nSecond.\nThird."},
		{"spaces collapsed", "  Two   soldiers\u00a0were\tkilled.  ", "Two soldiers were killed."},
		{"invalid utf8", "Bad \xff\xfe byte", "Bad \uFFFD byte"},
		{"nfc", "Me\u0301naka", "Ménaka"},
		{"invisible", "zero\u200bwidth soft\u00adhyphen \ufeffbom ctrl\x07", "zerowidth softhyphen bom ctrl"},
		{"entities left in text", "Mali&#8217;s army&nbsp;said &quot;no&quot; &#x2014; R&D; AT&amp;T &#38;#8217; &bogus;", "Mali’s army said \"no\" — R&D; AT&amp;T &#38;#8217; &bogus;"},
		{"share lines", "Gunmen attacked.\n\nShare this:\nFacebook\nTwitter\nWhatsApp\n\nThey fled.", "Gunmen attacked.\n\nThey fled."},
		{"word facebook in a sentence stays", "The army said on Facebook that 12 were killed.", "The army said on Facebook that 12 were killed."},
		{"subscribe sentence stays", "Residents were told to subscribe to alerts. Then they fled.", "Residents were told to subscribe to alerts. Then they fled."},
		{"wordpress footer", "Troops clashed.\n\nThe post Troops Clash appeared first on Example News.", "Troops clashed."},
		{"op-ed call", "Text.\n\nDo you want to send us yours? Click here to submit an op-ed.", "Text."},
		{"about the author with an article after it is kept",
			"Intro.\n\nAbout the author\n\n" + strings.Repeat("A long paragraph of real article text follows here. ", 40),
			"Intro.\n\nAbout the author\n\n" + strings.TrimSpace(strings.Repeat("A long paragraph of real article text follows here. ", 40))},
		{"about the author at the end is cut", "Story.\n\nAbout the author\n\nJane Doe writes about the Sahel.", "Story."},
		{"tail heading alone is kept", "Tags:", "Tags:"},
		{"related heading line dropped", "Story.\n\nRelated articles\n\n" + strings.Repeat("More story text. ", 100), "Story.\n\n" + strings.TrimSpace(strings.Repeat("More story text. ", 100))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanText(tt.in); got != tt.want {
				t.Errorf("CleanText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text", "Just words &amp; more", "Just words & more"},
		{"paragraphs", "<p>One.</p><p>Two.</p>", "One.\n\nTwo."},
		{"inline spacing", "<p><b>Bold</b> <i>italic</i>and<span> span</span></p>", "Bold italicand span"},
		{"br", "<p>Line one<br/>Line two</p>", "Line one\nLine two"},
		{"nested blocks", "<div><div><p>Deep</p></div>Tail</div>", "Deep\n\nTail"},
		{"unclosed tags", "<p>Open <b>bold", "Open bold"},
		{"numeric entities", "<p>&#8220;Quote&#8221; &#x2013; dash&nbsp;here</p>", "“Quote” – dash here"},
		{"script and style", "<script>alert(1)</script><style>p{}</style><p>Kept</p>", "Kept"},
		{"furniture class", `<p>Kept</p><div class="post share-buttons"><a>Facebook</a> <a>X</a></div>`, "Kept"},
		{"head title not body", "<html><head><title>T</title></head><body><p>Body</p></body></html>", "Body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanHTML(tt.in); got != tt.want {
				t.Errorf("CleanHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  https://Example.COM/2024/09/24/Path-Kept/  ", "https://example.com/2024/09/24/Path-Kept/"},
		{"HTTPS://example.com/a#comments", "https://example.com/a"},
		{"https://example.com/a?utm_source=rss&utm_medium=rss&id=7", "https://example.com/a?id=7"},
		{"https://example.com/a?b=2&UTM_campaign=x&a=1", "https://example.com/a?b=2&a=1"},
		{"https://example.com/a?utm_source=feed", "https://example.com/a"},
		{"https://example.com/a?fbclid=abc", "https://example.com/a"},
		{"https://example.com", "https://example.com/"},
		{"http://example.com:80/x", "http://example.com/x"},
		{"https://example.com:443/x", "https://example.com/x"},
		{"https://example.com:8443/x", "https://example.com:8443/x"},
		{"https://example.com/?p=85891", "https://example.com/?p=85891"},
		{"not a url", "not a url"},
		{"https://exa mple.com/%zz", "https://exa mple.com/%zz"},
	}
	for _, tt := range tests {
		if got := NormalizeURL(tt.in); got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := NormalizeURL(NormalizeURL(tt.in)); got != NormalizeURL(tt.in) {
			t.Errorf("NormalizeURL is not idempotent on %q: %q", tt.in, got)
		}
	}
}

// TestFurnitureFile checks the embedded pattern file parses and has every section.
func TestFurnitureFile(t *testing.T) {
	f, err := parseFurniture(furnitureData)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.line) == 0 || len(f.tail) == 0 || len(f.classes) == 0 {
		t.Errorf("furniture sections: %d line, %d tail, %d class patterns; want each > 0", len(f.line), len(f.tail), len(f.classes))
	}
	if _, err := parseFurniture("[line]\n(unclosed\n"); err == nil {
		t.Error("bad pattern accepted")
	}
	if _, err := parseFurniture("orphan\n"); err == nil {
		t.Error("pattern outside a section accepted")
	}
}

// TestCleanSeedArticles cleans the seed articles: the furniture the seeds README names is gone, the
// article text stays, and cleaning is idempotent.
func TestCleanSeedArticles(t *testing.T) {
	recs := fixtures.JSONL[struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}](t, "fixtures", "seeds", "articles.jsonl")
	furnitureLines := []string{"Subscribe to", "Sign up now", "About the author", "Add Comment",
		"Click here to post a comment", "React to this article", "Click here to submit an op-ed"}
	for _, rec := range recs {
		got := CleanText(rec.Text)
		for _, furn := range furnitureLines {
			if strings.Contains(got, furn) {
				t.Errorf("%s: furniture %q left in clean text", rec.ID, furn)
			}
		}
		// Furniture is a small part of an article: losing more means article text went too.
		if len(got) < len(rec.Text)*85/100 {
			t.Errorf("%s: clean text is %d bytes of %d", rec.ID, len(got), len(rec.Text))
		}
		if strings.Contains(got, "\n\n\n") || strings.Contains(got, "  ") {
			t.Errorf("%s: whitespace not normalised", rec.ID)
		}
		if CleanText(got) != got {
			t.Errorf("%s: CleanText not idempotent", rec.ID)
		}
	}
	if len(recs) != 14 {
		t.Errorf("read %d seed articles, want 14", len(recs))
	}
}

func FuzzCleanHTML(f *testing.F) {
	for _, s := range []string{"", "<p>a</p><p>b</p>", "<pre>x\n y</pre>", "a&amp;b&#xZZ;", "<div class=share>x</div>",
		"\xff<p>\x00</p>", "<table><tr><td>1<td>2</table>", "About the author\n\nx", "<!-- c --><br><br>"} {
		f.Add(s)
	}
	if matches, _ := filepath.Glob(filepath.Join("testdata", "clean", "*.html")); len(matches) > 0 {
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := CleanHTML(in)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 output %q", got)
		}
		if CleanText(got) != got {
			t.Fatalf("CleanHTML output is not clean: %q", got)
		}
		if strings.Contains(got, "\n\n\n") {
			t.Fatalf("more than one blank line: %q", got)
		}
	})
}

func BenchmarkCleanHTML(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "clean", "page.html"))
	if err != nil {
		b.Fatal(err)
	}
	// About a long article's worth of markup.
	page := strings.Repeat(string(raw), 20)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		CleanHTML(page)
	}
}

func TestNormalizeTime(t *testing.T) {
	wat := time.FixedZone("WAT", 3600)
	local := time.Date(2024, 9, 17, 0, 30, 0, 0, wat)
	got := NormalizeTime(local)
	if !got.Equal(local) || got.Day() != 17 {
		t.Errorf("NormalizeTime(%v) = %v: instant or local day lost", local, got)
	}
	if _, off := got.Zone(); off != 3600 {
		t.Errorf("offset %d, want 3600", off)
	}
	zero := time.Date(2024, 9, 17, 5, 0, 0, 0, time.FixedZone("", 0))
	if got := NormalizeTime(zero); got.Location() != time.UTC || !got.Equal(zero) {
		t.Errorf("zero offset gives %v in %v, want UTC", got, got.Location())
	}
	if !NormalizeTime(time.Time{}).IsZero() {
		t.Error("zero time changed")
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "&#38;#8217;", "&amp;amp;", "Share this:\nFacebook", "x\n\nAbout the author\n\ny",
		"Me\u0301naka\u00a0\u200b", "\xff\xfe", "&lt;p&gt;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := CleanText(in)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 output %q", got)
		}
		if again := CleanText(got); again != got {
			t.Fatalf("not idempotent:\n%q\n%q", got, again)
		}
	})
}
