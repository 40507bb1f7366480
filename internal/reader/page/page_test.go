package page

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestParseArticle(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "article.html"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(data, "https://exampledaily.test/some/fetch/url")
	if err != nil {
		t.Fatal(err)
	}
	// og:url and canonical agree once normalised; the page's own URL beats the fetch URL.
	if d.URL != "https://exampledaily.test/africa/2025/02/11/sampleton-army-post-attack/" {
		t.Errorf("url %q", d.URL)
	}
	if d.Title != "Militants attack army post in Sampleton" || d.Outlet != "Example Daily" || d.Language != "en" {
		t.Errorf("title %q outlet %q language %q", d.Title, d.Outlet, d.Language)
	}
	if want := time.Date(2025, 2, 11, 14, 32, 0, 0, time.UTC); !d.Published.Equal(want) || d.PublishedApprox {
		t.Errorf("published %v approx %v, want %v exact", d.Published, d.PublishedApprox, want)
	}
	golden.Bytes(t, filepath.Join("testdata", "article.golden"), []byte(d.Text+"\n"), *update)
	for _, furniture := range []string{"Home", "Facebook", "Reader one", "Copyright", "Another story", "analytics"} {
		if strings.Contains(d.Text, furniture) {
			t.Errorf("furniture %q in main text", furniture)
		}
	}
}

func TestParseSmallPages(t *testing.T) {
	tests := []struct {
		name, in  string
		wantText  string
		wantTitle string
		wantURL   string
		wantErr   string
		dayOnly   bool
	}{
		{name: "fragment without metadata", in: "<p>Two villages were attacked on Friday.</p>",
			wantText: "Two villages were attacked on Friday."},
		{name: "title from <title>, canonical link, date only",
			in: `<html lang="fr"><head><title>Attaque à Exempleville</title><link rel="canonical" href="https://Journal.example/a?utm_medium=x">` +
				`<meta name="date" content="2024-03-05"></head><body><p>Des hommes armés ont attaqué le village.</p></body></html>`,
			wantText: "Des hommes armés ont attaqué le village.", wantTitle: "Attaque à Exempleville", wantURL: "https://journal.example/a", dayOnly: true},
		{name: "no text", in: "<html><head><title>Empty</title></head><body><nav>Home</nav></body></html>", wantErr: "no text"},
		{name: "latin-1 page", in: "<html><head><meta charset=\"iso-8859-1\"></head><body><p>S\xe9gou et M\xe9naka.</p></body></html>",
			wantText: "Ségou et Ménaka."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in), "")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.Text != tt.wantText || d.Title != tt.wantTitle || d.URL != tt.wantURL {
				t.Errorf("got text %q title %q url %q", d.Text, d.Title, d.URL)
			}
			if tt.dayOnly != (d.HasPublished() && d.PublishedApprox) {
				t.Errorf("published %v approx %v", d.Published, d.PublishedApprox)
			}
		})
	}
}

func FuzzParsePage(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "article.html")); err == nil {
		f.Add(b)
	}
	for _, s := range []string{"<p>x</p>", "<html><head><meta charset=latin1><title>\xe9</title>", "<time datetime=2024-01-01>", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data, "")
		if err == nil && (d.Text == "" || !utf8.ValidString(d.Text) || !utf8.ValidString(d.Title)) {
			t.Fatalf("bad document %+v", d)
		}
	})
}
