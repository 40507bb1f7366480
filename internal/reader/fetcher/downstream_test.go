package fetcher

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/reader/feed"
	"github.com/sitrep-dev/sitrep/internal/reader/page"
)

// What Fetch returns goes to the project's feed and page readers, which honour the encodings that
// documents declare: a legacy page converted to UTF-8 must not be decoded a second time.
func TestDownstreamReadersSeeUTF8(t *testing.T) {
	const title = "Attaque près de Ménaka : l’armée dénombre « plusieurs » morts"
	const para = "Des hommes armés ont attaqué jeudi le poste de Ménaka, selon des sources sécuritaires qui évoquent une riposte de l’armée et des blessés évacués vers Gao. Les habitants décrivent des tirs nourris pendant près de deux heures avant le retrait des assaillants vers la frontière."
	enc := func(s string) string {
		out, err := charmap.Windows1252.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	rss := `<?xml version="1.0" encoding="windows-1252"?><rss version="2.0"><channel><title>Exemple</title><link>https://news.example.ml/</link>` +
		`<item><title>` + enc(title) + `</title><link>https://news.example.ml/a/1</link><pubDate>Thu, 19 Nov 2026 10:00:00 +0000</pubDate>` +
		`<description>` + enc(para) + `</description></item></channel></rss>`
	html := `<!DOCTYPE html><html lang="fr"><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><title>` + enc(title) +
		`</title></head><body><article><h1>` + enc(title) + `</h1><p>` + enc(para) + `</p><p>` + enc(para) + `</p></article></body></html>`

	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/feed" {
			w.Header().Set("Content-Type", "application/rss+xml") // no charset: only the prolog says
			io.WriteString(w, rss)
			return
		}
		w.Header().Set("Content-Type", "text/html") // only the meta says
		io.WriteString(w, html)
	})

	resp, err := fetch(t, testOptions(), Request{URL: srv.URL + "/feed", Accept: AcceptFeed})
	if err != nil {
		t.Fatal(err)
	}
	var items []document.Document
	if err := feed.Parse(resp.Body, func(n int, d document.Document, err error) error {
		if err != nil {
			t.Errorf("item %d: %v", n, err)
		}
		items = append(items, d)
		return nil
	}); err != nil {
		t.Fatalf("feed.Parse: %v", err)
	}
	if len(items) != 1 || items[0].Title != title || !strings.Contains(items[0].Text, "Ménaka") {
		t.Errorf("feed items %+v, want the title %q and UTF-8 text", items, title)
	}

	resp, err = fetch(t, testOptions(), Request{URL: srv.URL + "/article", Accept: AcceptHTML})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := page.Parse(resp.Body, resp.URL)
	if err != nil {
		t.Fatalf("page.Parse: %v", err)
	}
	if !strings.Contains(doc.Text, "l’armée") || !strings.Contains(doc.Title, "Ménaka") {
		t.Errorf("page title %q text %q: want UTF-8 French", doc.Title, doc.Text)
	}
}
