// Package opml imports and exports feed subscriptions as OPML, the format every feed reader uses to
// move a subscription list: Parse reads OPML 1.0 and 2.0 as feed readers write it (folders flattened
// into a category path, any encoding declared in the XML prolog), Write produces OPML 2.0 that Parse
// reads back unchanged.
package opml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/unicode"
)

// Outline is one feed subscription of an OPML file.
type Outline struct {
	Title    string // the outline's title, else its text; may be empty
	XMLURL   string // the feed's address (xmlUrl); never empty in Parse's output
	HTMLURL  string // the site's address (htmlUrl), if given
	Category string // enclosing folders joined by "/", outermost first; "" at top level
}

// MaxSize is the largest OPML document Parse reads; subscription lists are kilobytes.
const MaxSize = 16 << 20

// maxDepth bounds folder nesting: real lists nest two or three deep, and a bound keeps a hostile
// file from making category paths quadratic.
const maxDepth = 64

// ErrNotOPML is returned (wrapped) when the input is XML but not an OPML document, or not XML at all.
var ErrNotOPML = errors.New("not an OPML document")

// Parse reads an OPML document and returns its feeds in document order. Folders (outlines without
// xmlUrl that hold other outlines) become the Category of the feeds inside them; outlines that are
// neither feeds nor folders (links, notes) are skipped, as is a second subscription to the same
// xmlUrl. A missing version attribute, a byte order mark and any encoding declared in the XML prolog
// are accepted. Callers validate the URLs themselves (subscription.New).
func Parse(r io.Reader) ([]Outline, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("opml: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("opml: document larger than %d bytes", MaxSize)
	}
	data, err = stripBOM(data)
	if err != nil {
		return nil, fmt.Errorf("opml: %w", err)
	}

	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charset.NewReaderLabel
	// Exporters leave bare "&" in feed URLs and use HTML entities in titles; feed readers accept
	// both, so the decoder does too (unknown entities are kept as written).
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := findRoot(dec); err != nil {
		return nil, err
	}

	var (
		out     []Outline
		seen    = map[string]bool{}
		folders []string // titles of the enclosing folder outlines ("" for outlines that are not folders)
		inBody  bool
		sawBody bool
		depth   int // element depth below <opml>
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, fmt.Errorf("opml: %w: document ends inside <opml>", ErrNotOPML)
		}
		if err != nil {
			return nil, fmt.Errorf("opml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return nil, fmt.Errorf("opml: outlines nested more than %d deep", maxDepth)
			}
			name := strings.ToLower(t.Name.Local)
			if depth == 1 && name == "body" {
				inBody, sawBody = true, true
				continue
			}
			if !inBody || name != "outline" {
				if inBody {
					folders = append(folders, "") // keep the stack aligned with the element depth
				}
				continue
			}
			o, isFeed := outline(t.Attr, folders)
			if isFeed && !seen[o.XMLURL] {
				seen[o.XMLURL] = true
				out = append(out, o)
			}
			// A feed outline is never a folder, even when a reader nested something inside it.
			folder := ""
			if !isFeed {
				folder = o.Title
			}
			folders = append(folders, folder)
		case xml.EndElement:
			depth--
			switch {
			case depth < 0:
				// </opml>: the document is complete; what follows it does not matter.
				if !sawBody {
					return nil, fmt.Errorf("opml: %w: no <body>", ErrNotOPML)
				}
				return out, nil
			case depth == 0 && inBody:
				inBody = false
			case inBody:
				folders = folders[:len(folders)-1]
			}
		}
	}
}

// findRoot advances dec past the root start element and checks that it is <opml>.
func findRoot(dec *xml.Decoder) error {
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return fmt.Errorf("opml: %w: no root element", ErrNotOPML)
		}
		if err != nil {
			return fmt.Errorf("opml: %w: %w", ErrNotOPML, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !strings.EqualFold(t.Name.Local, "opml") {
				return fmt.Errorf("opml: %w: root element is <%s>", ErrNotOPML, t.Name.Local)
			}
			return nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("opml: %w: text before the root element", ErrNotOPML)
			}
		}
	}
}

// outline reads one <outline> element's attributes. Attribute names are matched without regard to
// case: exporters write xmlUrl, xmlURL and xmlurl.
func outline(attrs []xml.Attr, folders []string) (o Outline, isFeed bool) {
	var text, title, typ, url, category string
	for _, a := range attrs {
		v := a.Value
		switch strings.ToLower(a.Name.Local) {
		case "text":
			text = v
		case "title":
			title = v
		case "xmlurl":
			o.XMLURL = strings.TrimSpace(v)
		case "htmlurl":
			o.HTMLURL = strings.TrimSpace(v)
		case "type":
			typ = strings.ToLower(strings.TrimSpace(v))
		case "url":
			url = strings.TrimSpace(v)
		case "category":
			category = v
		}
	}
	o.Title = oneLine(title)
	if o.Title == "" {
		o.Title = oneLine(text)
	}
	// Some OPML 1.0 exporters put a feed's address in url, with type naming a feed format.
	if o.XMLURL == "" && (typ == "rss" || typ == "atom") {
		o.XMLURL = url
	}
	o.Category = categoryPath(folders)
	if o.Category == "" && category != "" {
		// OPML 2.0's category attribute: comma-separated slash paths; the first is the feed's folder.
		first, _, _ := strings.Cut(category, ",")
		o.Category = cleanPath(strings.Split(first, "/"))
	}
	return o, o.XMLURL != ""
}

// categoryPath joins the enclosing folders' titles.
func categoryPath(folders []string) string { return cleanPath(folders) }

// cleanPath joins non-empty path segments with "/", each on one line and without slashes of its own
// (a folder title with a slash would otherwise read back as two folders).
func cleanPath(segs []string) string {
	var parts []string
	for _, s := range segs {
		s = strings.TrimSpace(strings.ReplaceAll(oneLine(s), "/", " "))
		if s != "" {
			parts = append(parts, oneLine(s))
		}
	}
	return strings.Join(parts, "/")
}

// oneLine collapses runs of white space into single spaces and trims the ends.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// stripBOM removes a UTF-8 byte order mark and decodes UTF-16 with one, which encoding/xml cannot
// read on its own.
func stripBOM(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return data[3:], nil
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		out, err := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("UTF-16 document: %w", err)
		}
		// The prolog still names UTF-16, which the decoder would try to decode again.
		return declareUTF8(out), nil
	}
	return data, nil
}

// declareUTF8 rewrites the encoding named in the XML declaration, if any, to UTF-8.
func declareUTF8(data []byte) []byte {
	if !bytes.HasPrefix(data, []byte("<?xml")) {
		return data
	}
	end := bytes.Index(data, []byte("?>"))
	if end < 0 {
		return data
	}
	decl := data[:end]
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return data
	}
	q := bytes.IndexAny(decl[i:], `"'`)
	if q < 0 {
		return data
	}
	start := i + q + 1
	stop := bytes.IndexByte(decl[start:], decl[i+q])
	if stop < 0 {
		return data
	}
	var b bytes.Buffer
	b.Write(data[:start])
	b.WriteString("UTF-8")
	b.Write(data[start+stop:])
	return b.Bytes()
}

// Write writes outlines as an OPML 2.0 document titled title. Feeds are grouped into folder outlines
// by Category ("/" separates nested folders), folders in the order their first feed appears, so that
// Parse gives back the same outlines, in the same order when feeds of a folder were listed together.
func Write(w io.Writer, title string, outlines []Outline) error {
	root := &folder{}
	for _, o := range outlines {
		f := root
		for _, seg := range strings.Split(cleanPath(strings.Split(o.Category, "/")), "/") {
			if seg != "" {
				f = f.child(seg)
			}
		}
		f.feeds = append(f.feeds, o)
	}

	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<opml version=\"2.0\">\n  <head>\n    <title>")
	escape(&b, oneLine(title))
	b.WriteString("</title>\n  </head>\n  <body>\n")
	root.write(&b, 2)
	b.WriteString("  </body>\n</opml>\n")
	_, err := w.Write(b.Bytes())
	if err != nil {
		return fmt.Errorf("opml: %w", err)
	}
	return nil
}

// folder is a category in Write's output: its own feeds, then its sub-folders.
type folder struct {
	name    string
	feeds   []Outline
	folders []*folder
}

func (f *folder) child(name string) *folder {
	for _, c := range f.folders {
		if c.name == name {
			return c
		}
	}
	c := &folder{name: name}
	f.folders = append(f.folders, c)
	return c
}

func (f *folder) write(b *bytes.Buffer, indent int) {
	pad := strings.Repeat("  ", indent)
	for _, o := range f.feeds {
		t := oneLine(o.Title)
		b.WriteString(pad + `<outline type="rss" text="`)
		escape(b, t)
		b.WriteString(`" title="`)
		escape(b, t)
		b.WriteString(`" xmlUrl="`)
		escape(b, strings.TrimSpace(o.XMLURL))
		b.WriteString(`"`)
		if h := strings.TrimSpace(o.HTMLURL); h != "" {
			b.WriteString(` htmlUrl="`)
			escape(b, h)
			b.WriteString(`"`)
		}
		b.WriteString("/>\n")
	}
	for _, c := range f.folders {
		b.WriteString(pad + `<outline text="`)
		escape(b, c.name)
		b.WriteString(`" title="`)
		escape(b, c.name)
		b.WriteString("\">\n")
		c.write(b, indent+1)
		b.WriteString(pad + "</outline>\n")
	}
}

// escape writes s as XML character data, safe inside a double-quoted attribute too.
func escape(b *bytes.Buffer, s string) {
	_ = xml.EscapeText(b, []byte(s)) // writing to a bytes.Buffer does not fail
}
