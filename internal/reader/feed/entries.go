package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/sitrep-dev/sitrep/internal/document"
)

// Entry is one feed item as a feed monitor needs it: where the article is, and what the feed itself
// says of it, so the monitor can decide whether the feed's text is the article or only a teaser.
type Entry struct {
	GUID      string    `json:"guid,omitempty"`
	URL       string    `json:"url,omitempty"` // absolute: resolved against the feed's address
	Title     string    `json:"title,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Text      string    `json:"text,omitempty"` // the item's body as clean text; may be empty
	// FromContent is set when Text came from the item's full-content field (RSS content:encoded,
	// Atom content, JSON Feed content_html/content_text) rather than its description or summary,
	// which feeds use for teasers.
	FromContent bool `json:"from_content,omitempty"`
}

// Channel is a parsed feed: its outlet name, language and entries in feed order.
type Channel struct {
	Title    string
	Outlet   string
	Language string
	Entries  []Entry
}

// ParseEntries reads a feed fetched from base (its absolute URL; "" when unknown) for a monitor.
// Unlike Parse it keeps items without text (title-and-link feeds, whose articles are fetched), says
// where each text came from, and resolves relative links against base. An empty feed is not an error;
// input that is not a feed is, with the parser's reason.
//
// Bytes that are valid UTF-8 are read as UTF-8 even when the XML declaration names another encoding:
// an HTTP client that decoded the body by its Content-Type leaves the declaration behind, and
// decoding twice would garble every accented letter.
func ParseEntries(data []byte, base string) (Channel, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return Channel{}, errors.New("empty feed document")
	}
	data = dropStaleEncoding(data)
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return Channel{}, fmt.Errorf("not an RSS, Atom or JSON feed: %w", err)
		}
		return Channel{}, fmt.Errorf("invalid feed: %w", err)
	}
	baseURL, _ := url.Parse(strings.TrimSpace(base))
	if baseURL != nil && !baseURL.IsAbs() {
		baseURL = nil
	}
	ch := Channel{
		Title:    inline(f.Title),
		Outlet:   Outlet(f.Title, f.Link),
		Language: Language(f.Language),
	}
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		e := Entry{
			GUID:  strings.TrimSpace(it.GUID),
			URL:   resolve(baseURL, itemLink(it)),
			Title: inline(it.Title),
		}
		switch {
		case it.PublishedParsed != nil:
			e.Published = itemTime(it.Published, *it.PublishedParsed)
		case it.UpdatedParsed != nil:
			e.Published = itemTime(it.Updated, *it.UpdatedParsed)
		}
		if strings.TrimSpace(it.Content) != "" {
			e.Text, e.FromContent = bodyText(it.Content), true
		}
		if e.Text == "" {
			e.Text, e.FromContent = bodyText(it.Description), false
		}
		if e.GUID == "" && e.URL == "" && e.Text == "" {
			continue // nothing to fetch and nothing to read
		}
		ch.Entries = append(ch.Entries, e)
	}
	return ch, nil
}

// resolve makes a link absolute against the feed's address; only http(s) links are kept, as only
// they can be fetched (a javascript: or mailto: link is no article).
func resolve(base *url.URL, link string) string {
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		if base == nil {
			return ""
		}
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return ""
	}
	return document.NormalizeURL(u.String())
}

var xmlEncoding = regexp.MustCompile(`^(\s*<\?xml[^>]*?\sencoding\s*=\s*)("[^"]*"|'[^']*')`)

// dropStaleEncoding rewrites the XML declaration's encoding to UTF-8 when the bytes are UTF-8 already
// and contain non-ASCII text (pure ASCII reads the same either way).
func dropStaleEncoding(data []byte) []byte {
	m := xmlEncoding.FindSubmatchIndex(data)
	if m == nil {
		return data
	}
	enc := strings.ToLower(strings.Trim(string(data[m[4]:m[5]]), `"'`))
	if enc == "utf-8" || enc == "utf8" || !utf8.Valid(data) {
		return data
	}
	out := make([]byte, 0, len(data))
	out = append(out, data[:m[4]]...)
	out = append(out, `"UTF-8"`...)
	return append(out, data[m[5]:]...)
}
