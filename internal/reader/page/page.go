// Package page reads a single saved HTML page (an article as a browser or crawler saved it) and reduces
// it to its main text, title, publication time and canonical URL.
package page

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/markusmobius/go-htmldate"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/sitrep-dev/sitrep/internal/document"
)

// Parse reads one HTML page. pageURL, when known (empty otherwise), is where the page was fetched; the
// page's own canonical link or og:url takes precedence over it. The main text is found with
// trafilatura; where that finds nothing, the whole body is cleaned instead, so a page with text always
// gives a document.
func Parse(data []byte, pageURL string) (document.Document, error) {
	// Saved pages are not always UTF-8: decode by BOM, <meta charset> or content sniffing.
	r, err := charset.NewReader(bytes.NewReader(data), "text/html")
	if err != nil {
		return document.Document{}, fmt.Errorf("html page: %w", err)
	}
	root, err := html.Parse(r)
	if err != nil {
		return document.Document{}, fmt.Errorf("html page: %w", err)
	}

	// The publication time comes from the page's metadata (meta tags, JSON-LD, <time>), not from dates
	// scattered in the text, which are more often the event's than the article's.
	date, _ := htmldate.FromDocument(root, htmldate.Options{
		ExtractTime: true, UseOriginalDate: true, SkipExtensiveSearch: true,
		// A date in the URL has no time of day: prefer the metadata, fall back to the URL.
		DeferUrlExtractor: true,
	})
	opts := trafilatura.Options{
		ExcludeComments:  true,
		HtmlDateOverride: &date,
	}
	if u, err := url.Parse(strings.TrimSpace(pageURL)); err == nil && u.IsAbs() {
		opts.OriginalURL = u
	}

	doc := document.Document{URL: document.NormalizeURL(pageURL)}
	res, err := trafilatura.ExtractDocument(root, opts)
	if err == nil && res != nil {
		doc.Text = mainText(res)
		doc.Title = oneLine(res.Metadata.Title)
		doc.Outlet = oneLine(res.Metadata.Sitename)
		doc.Language = primaryLanguage(res.Metadata.Language)
		if res.Metadata.URL != "" {
			doc.URL = document.NormalizeURL(res.Metadata.URL)
		}
	}
	if doc.Text == "" {
		doc.Text = document.TextFromNode(findElement(root, atom.Body))
	}
	if doc.Title == "" {
		if t := findElement(root, atom.Title); t != nil {
			doc.Title = oneLine(document.TextFromNode(t))
		}
	}
	if doc.Language == "" {
		if h := findElement(root, atom.Html); h != nil {
			doc.Language = primaryLanguage(attr(h, "lang"))
		}
	}
	if doc.URL == "" {
		doc.URL = document.NormalizeURL(canonicalURL(root))
	}
	if !date.IsZero() {
		doc.Published = document.NormalizeTime(date.DateTime)
		doc.PublishedApprox = !date.HasTime
	}
	if doc.Text == "" {
		return document.Document{}, errors.New("html page has no text")
	}
	return doc, nil
}

// minMainText is trafilatura's own threshold (Config.MinExtractedSize, in characters): below it, it
// falls back to a "baseline" that repeats text and keeps navigation, and the whole body cleaned by
// CleanHTML (which drops navigation and furniture elements) is the better text.
const minMainText = 250

// mainText renders trafilatura's main-content tree with its paragraphs (its ContentText runs them
// together). Should the tree's text disagree with ContentText — more than a third longer — the tree
// is not what trafilatura meant, and ContentText is used, paragraphs lost but no text repeated.
func mainText(res *trafilatura.ExtractResult) string {
	plain := strings.Join(strings.Fields(res.ContentText), " ")
	if utf8.RuneCountInString(plain) < minMainText {
		return ""
	}
	text := document.TextFromNode(res.ContentNode)
	if len(text) > len(plain)*4/3+100 {
		return document.CleanText(res.ContentText)
	}
	return text
}

// canonicalURL is the page's <link rel=canonical> or og:url, for pages trafilatura gave up on.
func canonicalURL(root *html.Node) string {
	var found string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Link && strings.EqualFold(attr(n, "rel"), "canonical"):
				found = attr(n, "href")
			case n.DataAtom == atom.Meta && strings.EqualFold(attr(n, "property"), "og:url"):
				found = attr(n, "content")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	if u, err := url.Parse(strings.TrimSpace(found)); err != nil || !u.IsAbs() {
		return ""
	}
	return found
}

func findElement(n *html.Node, a atom.Atom) *html.Node {
	if n.Type == html.ElementNode && n.DataAtom == a {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findElement(c, a); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(document.CleanText(s)), " ") }

// primaryLanguage keeps a language tag's primary subtag, as records carry it: "fr-FR" → "fr".
func primaryLanguage(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i > 0 {
		tag = tag[:i]
	}
	return tag
}
