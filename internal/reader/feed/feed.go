// Package feed reads news feeds (RSS 2.0, RSS 1.0, Atom 1.0, JSON Feed) into documents, one per item,
// with each item's full body where the feed carries it.
package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/sitrep-dev/sitrep/internal/document"
)

// Func receives the n-th item (1-based) of the feed as a document, or the reason it could not be read.
// Returning an error stops the reading.
type Func func(n int, doc document.Document, err error) error

// Parse reads a feed and calls fn for each item. It returns an error only when the input is not a
// feed at all (wrapped, with the parser's reason), has no items, or when fn does; an item without a
// body fails alone.
func Parse(data []byte, fn Func) error {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return fmt.Errorf("not an RSS, Atom or JSON feed: %w", err)
		}
		return fmt.Errorf("invalid feed: %w", err)
	}
	if len(f.Items) == 0 {
		return errors.New("feed has no items")
	}
	outlet := Outlet(f.Title, f.Link)
	lang := Language(f.Language)
	for i, it := range f.Items {
		if it == nil {
			continue
		}
		doc, err := itemDocument(it, outlet, lang)
		if ferr := fn(i+1, doc, err); ferr != nil {
			return ferr
		}
	}
	return nil
}

func itemDocument(it *gofeed.Item, outlet, lang string) (document.Document, error) {
	doc := document.Document{
		URL:      document.NormalizeURL(itemLink(it)),
		GUID:     strings.TrimSpace(it.GUID),
		Outlet:   outlet,
		Title:    inline(it.Title),
		Language: lang,
	}
	switch {
	case it.PublishedParsed != nil:
		doc.Published = itemTime(it.Published, *it.PublishedParsed)
	case it.UpdatedParsed != nil:
		doc.Published = itemTime(it.Updated, *it.UpdatedParsed)
	}
	// The full body (content:encoded, Atom content, JSON Feed content_html) when present: the
	// description is often only a teaser.
	body := it.Content
	if strings.TrimSpace(body) == "" {
		body = it.Description
	}
	doc.Text = bodyText(body)
	if doc.Text == "" {
		name := doc.URL
		if name == "" {
			name = doc.Title
		}
		return document.Document{}, fmt.Errorf("feed item %q has no text", name)
	}
	return doc, nil
}

// itemTime takes the time as the feed wrote it where it reads as the same instant that gofeed parsed:
// gofeed turns Atom times into UTC, which loses the article's local day.
func itemTime(raw string, parsed time.Time) time.Time {
	raw = strings.TrimSpace(raw)
	for _, layout := range []string{time.RFC3339, time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, raw); err == nil && t.Equal(parsed) {
			return document.NormalizeTime(t)
		}
	}
	return document.NormalizeTime(parsed)
}

func itemLink(it *gofeed.Item) string {
	if l := strings.TrimSpace(it.Link); l != "" {
		return l
	}
	for _, l := range it.Links {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	// An RSS guid that is a permalink is the item's address.
	if g := strings.TrimSpace(it.GUID); strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") {
		return g
	}
	return ""
}

var htmlMarkup = regexp.MustCompile(`(?i)<(p|br|div|span|a|b|i|em|strong|ul|ol|li|h[1-6]|img|figure|blockquote|table|section|article)\b[^>]*>|&(#\d+|#x[0-9a-f]+|[a-z]+);`)

// bodyText cleans an item body. Feeds carry HTML or plain text in the same fields (JSON Feed
// content_text, Atom type="text"); plain text is cleaned as text so that its line breaks survive.
func bodyText(body string) string {
	if htmlMarkup.MatchString(body) {
		return document.CleanHTML(body)
	}
	return document.CleanText(body)
}

// inline cleans a one-line field such as a title, which may hold markup or entities.
func inline(s string) string {
	return strings.Join(strings.Fields(bodyText(s)), " ")
}

// titleSeparators split a feed title into the outlet's name and a section or tag name.
var titleSeparators = regexp.MustCompile(`\s+[-–—|:·»]+\s+`)

// Outlet derives the outlet's name from a feed title: "Mali – The Defense Post" and "Mali Archives -
// The Defense Post" give "The Defense Post". The part that matches the site's host name wins; failing
// that, the part that is not a tag or section ("… Archives", "Comments on …"); failing that, the last
// part, as CMSs put the site name last in tag feeds.
func Outlet(title, link string) string {
	title = inline(title)
	parts := titleSeparators.Split(title, -1)
	if len(parts) == 1 {
		return title
	}
	host := hostLabel(link)
	best, bestScore := -1, 0
	for i, p := range parts {
		c := compact(p)
		score := 0
		switch {
		case c == "" || host == "":
		case c == host:
			score = 3
		case strings.Contains(host, c) && len(c) >= 3, strings.Contains(c, host) && len(host) >= 3:
			score = 2
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best >= 0 {
		return parts[best]
	}
	for i := len(parts) - 1; i >= 0; i-- {
		p := strings.ToLower(parts[i])
		if !strings.HasSuffix(p, " archives") && !strings.HasPrefix(p, "comments on") && parts[i] != "" {
			return parts[i]
		}
	}
	return parts[len(parts)-1]
}

// hostLabel gives the distinctive part of a site's host: "www.thedefensepost.com" → "thedefensepost".
func hostLabel(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Hostname() == "" {
		return ""
	}
	labels := strings.Split(strings.ToLower(u.Hostname()), ".")
	if labels[0] == "www" || labels[0] == "feeds" || labels[0] == "rss" || labels[0] == "m" {
		labels = labels[1:]
	}
	if len(labels) == 0 {
		return ""
	}
	// The longest label short of the public suffix ("bbc" in bbc.co.uk, "aljazeera" in aljazeera.com).
	best := labels[0]
	for _, l := range labels[:max(1, len(labels)-1)] {
		if len(l) > len(best) {
			best = l
		}
	}
	return best
}

// compact lower-cases a name and keeps only its letters and digits, to compare it with a host label.
func compact(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Language reduces a feed's language tag to its primary subtag, as records carry it: "en-US" → "en".
func Language(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i > 0 {
		tag = tag[:i]
	}
	return tag
}
