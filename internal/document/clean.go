package document

import (
	"bufio"
	_ "embed"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
)

// furnitureData lists the page-furniture patterns (see the file's header for its format).
//
//go:embed data/furniture.txt
var furnitureData string

// furniture is the compiled form of furnitureData. It is built once and only read afterwards.
var furniture = mustParseFurniture(furnitureData)

// tailMax is how much text may follow a [tail] heading for it to cut the document: an "About the
// author" with a whole article after it is a heading inside the article, not page furniture.
const tailMax = 1500

type furnitureSet struct {
	line    []*regexp.Regexp
	tail    []*regexp.Regexp
	classes map[string]bool
}

func parseFurniture(data string) (*furnitureSet, error) {
	f := &furnitureSet{classes: map[string]bool{}}
	section := ""
	sc := bufio.NewScanner(strings.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case line == "[line]" || line == "[tail]" || line == "[class]":
			section = strings.Trim(line, "[]")
			continue
		}
		switch section {
		case "line", "tail":
			re, err := regexp.Compile(line)
			if err != nil {
				return nil, fmt.Errorf("furniture line %d: %w", n, err)
			}
			if section == "line" {
				f.line = append(f.line, re)
			} else {
				f.tail = append(f.tail, re)
			}
		case "class":
			f.classes[strings.ToLower(line)] = true
		default:
			return nil, fmt.Errorf("furniture line %d: pattern outside a section", n)
		}
	}
	return f, sc.Err()
}

func mustParseFurniture(data string) *furnitureSet {
	f, err := parseFurniture(data)
	if err != nil {
		// The file is embedded: a bad pattern is a build defect that tests catch.
		panic(err)
	}
	return f
}

// CleanText normalises article text: invalid UTF-8 replaced, Unicode NFC, one kind of line end, spaces
// collapsed, invisible characters removed, page furniture dropped, and paragraphs separated by exactly
// one blank line. Lines inside a paragraph are kept. It is idempotent.
func CleanText(text string) string {
	lines := normalizeLines(text)
	lines = dropFurniture(lines)
	return joinLines(lines)
}

// normalizeLines repairs and normalises the text and splits it into trimmed lines ("" for a blank one).
func normalizeLines(text string) []string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	// Invisible characters go before entities are decoded: dropping one later could join "&a" and
	// "c;" into a new reference, and cleaning clean text must change nothing.
	text = strings.Map(func(r rune) rune {
		if invisible(r) {
			return -1
		}
		return r
	}, text)
	// A dropped reference ("&#8203;") can join its neighbours into a new one: decode until nothing
	// changes (every round shortens the text).
	for {
		dec := decodeEntities(text)
		if dec == text {
			break
		}
		text = dec
	}
	text = norm.NFC.String(text)
	var b strings.Builder
	b.Grow(len(text))
	space := false // a space is pending: written only before the next visible rune of the line
	for _, r := range text {
		switch {
		case r == '\n' || r == '\r' || r == '\f' || r == '\v' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			b.WriteByte('\n')
			space = false
		case unicode.IsSpace(r):
			space = true
		case invisible(r):
			// Decoded references may still give them ("&#8203;").
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return lines
}

// invisible reports characters that carry no text: zero-width spaces, BOMs, soft hyphens and control
// characters other than line breaks and tabs.
func invisible(r rune) bool {
	switch r {
	case '\n', '\r', '\t', '\f', '\v', '\u0085':
		return false
	case '\u200b', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return unicode.IsControl(r)
}

// entity is a character reference left in text: scraped and double-escaped text carries "&#8217;" and
// "&nbsp;" where the page showed ’ and a space.
var entity = regexp.MustCompile(`&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// decodeEntities decodes character references, except those that give '&' ("&amp;"): decoding these
// could make new references, and cleaning clean text must change nothing.
func decodeEntities(text string) string {
	if !strings.Contains(text, "&") {
		return text
	}
	return entity.ReplaceAllStringFunc(text, func(ref string) string {
		dec := html.UnescapeString(ref)
		if strings.Contains(dec, "&") {
			return ref
		}
		return strings.Map(func(r rune) rune {
			if invisible(r) {
				return -1
			}
			return r
		}, dec)
	})
}

func dropFurniture(lines []string) []string {
	out := lines[:0]
	for _, l := range lines {
		if l != "" && furniture.matchLine(l) {
			continue
		}
		out = append(out, l)
	}
	// Cut at the first tail heading with little after it; repeat, as the cut can bring an earlier
	// heading within reach, so that cleaning clean text changes nothing.
	for {
		cut := -1
		after := 0
		for i := len(out) - 1; i >= 0 && after <= tailMax; i-- {
			if out[i] != "" && furniture.matchTail(out[i]) && hasTextBefore(out[:i]) {
				cut = i
			}
			after += len(out[i]) + 1
		}
		if cut < 0 {
			return out
		}
		out = out[:cut]
	}
}

// hasTextBefore keeps a tail heading from wiping a document that is nothing but furniture lines.
func hasTextBefore(lines []string) bool {
	for _, l := range lines {
		if l != "" {
			return true
		}
	}
	return false
}

func (f *furnitureSet) matchLine(l string) bool {
	for _, re := range f.line {
		if re.MatchString(l) {
			return true
		}
	}
	return false
}

func (f *furnitureSet) matchTail(l string) bool {
	for _, re := range f.tail {
		if loc := re.FindStringIndex(l); loc != nil && loc[0] == 0 && loc[1] == len(l) {
			return true
		}
	}
	return false
}

// joinLines joins lines back into text: runs of blank lines become one blank line, and none lead or
// trail.
func joinLines(lines []string) string {
	var b strings.Builder
	blank := false
	for _, l := range lines {
		if l == "" {
			blank = b.Len() > 0
			continue
		}
		if b.Len() > 0 {
			if blank {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = false
		b.WriteString(l)
	}
	return b.String()
}

// CleanHTML reduces HTML (a fragment such as a feed item's body, or a whole page) to clean text: one
// paragraph per block element separated by a blank line, <br> as a line break, entities decoded,
// scripts, styles, navigation, forms and furniture elements left out, then CleanText.
func CleanHTML(src string) string {
	src = strings.ToValidUTF8(src, "\uFFFD")
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		// html.Parse only fails on reader errors, which a strings.Reader never returns.
		return CleanText(src)
	}
	var w textWriter
	w.node(doc)
	return CleanText(w.b.String())
}

// TextFromNode is CleanHTML for an already parsed tree (as HTML extractors return).
func TextFromNode(n *html.Node) string {
	if n == nil {
		return ""
	}
	var w textWriter
	w.node(n)
	return CleanText(w.b.String())
}

// textWriter renders a parsed tree as text with paragraph marks; CleanText tidies the result.
type textWriter struct {
	b   strings.Builder
	pre int // depth of <pre> elements: their whitespace is kept
}

func (w *textWriter) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if w.pre > 0 {
			w.b.WriteString(n.Data)
			return
		}
		w.text(n.Data)
		return
	case html.ElementNode:
		if skipElement(n) {
			return
		}
	case html.DocumentNode:
	default:
		return // comments, doctypes
	}
	block := n.Type == html.ElementNode && blockElements[n.DataAtom]
	if block {
		w.b.WriteString("\n\n")
	}
	switch n.DataAtom {
	case atom.Br:
		w.b.WriteByte('\n')
	case atom.Td, atom.Th:
		w.b.WriteByte(' ')
	case atom.Tr:
		w.b.WriteByte('\n') // a table row is a line: its cells stay together
	case atom.Pre:
		w.pre++
		defer func() { w.pre-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c)
	}
	if block {
		w.b.WriteString("\n\n")
	} else if n.DataAtom == atom.Td || n.DataAtom == atom.Th {
		w.b.WriteByte(' ')
	}
}

// text writes a text node with HTML's whitespace rule: any run of white space is one space (CleanText
// collapses the doubles that adjacent nodes leave).
func (w *textWriter) text(s string) {
	if s == "" {
		return
	}
	if first, _ := utf8.DecodeRuneInString(s); unicode.IsSpace(first) {
		w.b.WriteByte(' ')
	}
	w.b.WriteString(strings.Join(strings.Fields(s), " "))
	if last, _ := utf8.DecodeLastRuneInString(s); unicode.IsSpace(last) {
		w.b.WriteByte(' ')
	}
}

var blockElements = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Blockquote: true, atom.Caption: true, atom.Dd: true,
	atom.Details: true, atom.Dialog: true, atom.Div: true, atom.Dl: true, atom.Dt: true,
	atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true, atom.Hgroup: true,
	atom.Hr: true, atom.Li: true, atom.Main: true, atom.Ol: true, atom.P: true, atom.Pre: true,
	atom.Section: true, atom.Summary: true, atom.Table: true, atom.Ul: true,
	atom.Body: true, atom.Html: true,
}

var skippedElements = map[atom.Atom]bool{
	atom.Head: true, atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true, atom.Math: true,
	atom.Canvas: true, atom.Nav: true, atom.Footer: true, atom.Aside: true, atom.Form: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Input: true, atom.Img: true,
	atom.Video: true, atom.Audio: true, atom.Picture: true, atom.Title: true, atom.Meta: true,
	atom.Link: true,
}

// skipElement reports elements whose text is not article text: code, navigation, forms, hidden
// elements and those whose class or id names furniture.
func skipElement(n *html.Node) bool {
	if skippedElements[n.DataAtom] {
		return true
	}
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(a.Val, "true") {
				return true
			}
		case "class", "id":
			for _, tok := range strings.Fields(strings.ToLower(a.Val)) {
				if furniture.classes[tok] {
					return true
				}
			}
		}
	}
	return false
}

// NormalizeURL gives one spelling to the URLs of one page so that the same article read from a feed and
// from a record is recognised: white space trimmed, scheme and host lower-cased, default port, fragment
// and tracking parameters (utm_*, fbclid, gclid) dropped, an empty path made "/". The path and the other
// parameters are kept as they are. Text that is not an absolute URL is returned trimmed.
func NormalizeURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw // not an absolute URL: nothing to compare it with
	}
	u.Fragment, u.RawFragment = "", ""
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Host != "" {
		host := strings.ToLower(u.Host)
		if u.Scheme == "http" {
			host = strings.TrimSuffix(host, ":80")
		} else if u.Scheme == "https" {
			host = strings.TrimSuffix(host, ":443")
		}
		u.Host = host
		if u.Path == "" && u.RawPath == "" && u.Opaque == "" {
			u.Path = "/"
		}
	}
	if u.RawQuery != "" {
		// Filter the raw pairs, not url.Values, to keep the order and encoding of what remains.
		var kept []string
		for _, pair := range strings.Split(u.RawQuery, "&") {
			key, _, _ := strings.Cut(pair, "=")
			k := strings.ToLower(key)
			if pair == "" || strings.HasPrefix(k, "utm_") || k == "fbclid" || k == "gclid" {
				continue
			}
			kept = append(kept, pair)
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	u.ForceQuery = false
	return u.String()
}

// NormalizeTime gives a publication time one representation whatever its source: the same instant
// with its UTC offset kept — an article's local day is what "on Sunday" counts from — as a fixed
// offset, or UTC when the offset is zero.
func NormalizeTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	_, off := t.Zone()
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", off))
}
