package feed

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

// Hand-written feeds (synthetic, our own words).
const summaryRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Sahel Desk - Example News</title><link>https://news.example.org/</link>
<language>fr-FR</language>
<item><title>Attack near a market</title><link>/2025/03/01/attack/</link><guid isPermaLink="false">ex-101</guid>
<pubDate>Sat, 01 Mar 2025 09:30:00 +0000</pubDate><description>Gunmen attacked a market town on Friday […]</description></item>
<item><title>Only a title</title><link>https://news.example.org/2025/03/02/title-only/</link></item>
<item><title>Bad link</title><link>javascript:alert(1)</link><description>Text without an address.</description></item>
<item><title></title></item>
</channel></rss>`

const contentAtom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Wire</title><link href="https://wire.example.net/"/>
<id>urn:example:wire</id><updated>2025-03-04T10:00:00+01:00</updated>
<entry><title>Convoy ambushed</title><id>urn:example:wire:7</id><link href="https://wire.example.net/a/7"/>
<updated>2025-03-04T10:00:00+01:00</updated><summary>A convoy was ambushed.</summary>
<content type="html">&lt;p&gt;A military convoy was ambushed on the road between two towns, officials said.&lt;/p&gt;</content></entry>
</feed>`

func TestParseEntries(t *testing.T) {
	ch, err := ParseEntries([]byte(summaryRSS), "https://news.example.org/feed/")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Outlet != "Example News" || ch.Language != "fr" {
		t.Errorf("outlet %q language %q", ch.Outlet, ch.Language)
	}
	want := []Entry{
		{GUID: "ex-101", URL: "https://news.example.org/2025/03/01/attack/", Title: "Attack near a market",
			Published: time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC), Text: "Gunmen attacked a market town on Friday […]"},
		{URL: "https://news.example.org/2025/03/02/title-only/", Title: "Only a title"},
		{Title: "Bad link", Text: "Text without an address."},
	}
	if len(ch.Entries) != len(want) {
		t.Fatalf("got %d entries %+v, want %d", len(ch.Entries), ch.Entries, len(want))
	}
	for i, w := range want {
		g := ch.Entries[i]
		if g.GUID != w.GUID || g.URL != w.URL || g.Title != w.Title || !g.Published.Equal(w.Published) ||
			g.Text != w.Text || g.FromContent != w.FromContent {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, g, w)
		}
	}

	ch, err = ParseEntries([]byte(contentAtom), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Entries) != 1 {
		t.Fatalf("got %d entries", len(ch.Entries))
	}
	e := ch.Entries[0]
	if !e.FromContent || !strings.HasPrefix(e.Text, "A military convoy was ambushed") || e.URL != "https://wire.example.net/a/7" {
		t.Errorf("atom entry %+v", e)
	}
	if _, off := e.Published.Zone(); off != 3600 {
		t.Errorf("published %v lost the feed's offset", e.Published)
	}
}

func TestParseEntriesErrors(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "  \n", "empty feed"},
		{"html page", "<!doctype html><html><body><p>Not a feed</p></body></html>", "not an RSS, Atom or JSON feed"},
		{"truncated xml", `<?xml version="1.0"?><rss version="2.0"><channel><title>x</title><item><title>a`, "invalid feed"},
		{"plain text", "Gunmen attacked a village.", "not an RSS, Atom or JSON feed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseEntries([]byte(tc.in), "https://example.org/feed")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	ch, err := ParseEntries([]byte(`<rss version="2.0"><channel><title>Quiet</title></channel></rss>`), "")
	if err != nil || len(ch.Entries) != 0 {
		t.Errorf("empty channel: %+v, %v", ch, err)
	}
}

// TestParseEntriesEncoding: a windows-1252 feed read from its own bytes, and the same feed after a
// client decoded it to UTF-8 but left the declaration, give the same text.
func TestParseEntriesEncoding(t *testing.T) {
	const src = `<?xml version="1.0" encoding="windows-1252"?>
<rss version="2.0"><channel><title>Journal</title><item><title>Attaque à Ménaka</title><link>https://j.example/a</link>
<description>Des hommes armés ont attaqué le marché de Ménaka – selon des élus.</description></item></channel></rss>`
	cp, err := charmap.Windows1252.NewEncoder().String(src)
	if err != nil {
		t.Fatal(err)
	}
	if utf8.ValidString(cp) {
		t.Fatal("test input should not be valid UTF-8")
	}
	for name, in := range map[string]string{"windows-1252 bytes": cp, "decoded, stale declaration": src} {
		ch, err := ParseEntries([]byte(in), "")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		e := ch.Entries[0]
		if e.Title != "Attaque à Ménaka" || !strings.Contains(e.Text, "marché de Ménaka – selon") {
			t.Errorf("%s: title %q text %q", name, e.Title, e.Text)
		}
	}
}

// TestParseEntriesSeedRSS: every seed item keeps its link, GUID and full content body.
func TestParseEntriesSeedRSS(t *testing.T) {
	data, err := os.ReadFile(fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss"))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := ParseEntries(data, "https://thedefensepost.com/tag/mali/feed/")
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	if err := Parse(data, func(n int, doc document.Document, err error) error {
		if err != nil {
			return err
		}
		docs = append(docs, doc.URL+"\x00"+doc.GUID+"\x00"+doc.Text)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(ch.Entries) != len(docs) || len(docs) == 0 {
		t.Fatalf("%d entries, %d documents", len(ch.Entries), len(docs))
	}
	for i, e := range ch.Entries {
		if !e.FromContent || e.URL+"\x00"+e.GUID+"\x00"+e.Text != docs[i] {
			t.Errorf("entry %d differs from Parse's document", i+1)
		}
	}
}

func FuzzParseEntries(f *testing.F) {
	f.Add([]byte(summaryRSS), "https://news.example.org/feed/")
	f.Add([]byte(contentAtom), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"a/b","content_text":"x"}]}`), "http://h/")
	f.Add([]byte(`<?xml version="1.0" encoding='iso-8859-1'?><rss><channel><item><link>../x</link></item></channel></rss>`), "https://a.example/b/c")
	f.Fuzz(func(t *testing.T, data []byte, base string) {
		ch, err := ParseEntries(data, base)
		if err != nil {
			return
		}
		for _, e := range ch.Entries {
			if e.URL != "" && !strings.HasPrefix(e.URL, "http://") && !strings.HasPrefix(e.URL, "https://") {
				t.Errorf("entry URL %q is not http(s)", e.URL)
			}
			if e.GUID == "" && e.URL == "" && e.Text == "" {
				t.Errorf("empty entry kept")
			}
		}
	})
}
