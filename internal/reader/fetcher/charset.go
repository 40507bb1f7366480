package fetcher

import (
	"bytes"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// prescanLen is how far into a document declarations are looked for and rewritten; the HTML
// standard's prescan reads 1024 bytes, and a long XML prolog or head fits in a few kilobytes.
const prescanLen = 4096

var (
	xmlDeclEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']`)
	metaCharset     = regexp.MustCompile(`(?i)<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([-\w.:]+)`)
)

// ToUTF8 converts a response body to UTF-8 and returns it with the name of the encoding it was in.
// A byte order mark decides; otherwise a body that is valid UTF-8 with non-ASCII characters is UTF-8
// whatever it declares (legacy text almost never is, and servers often mislabel UTF-8 pages);
// otherwise the encoding is taken, in order, from the Content-Type charset, the XML declaration, an
// HTML <meta> charset (a declared UTF-8 the bytes contradict is passed over), and finally from the
// bytes themselves (mostly-valid UTF-8 is UTF-8; anything else is read as Windows-1252, the usual
// legacy encoding of Western European news sites and a superset of ISO-8859-1's printable
// characters). Bytes the encoding cannot map are replaced
// with U+FFFD: the result is always valid UTF-8. Declarations in the document that name another
// encoding are rewritten to say UTF-8, so that feed and HTML parsers downstream do not decode the
// text a second time.
func ToUTF8(body []byte, contentType string) (out []byte, name string) {
	enc, name := detect(body, contentType)
	body = stripBOM(body)
	if name != "utf-8" {
		if dec, err := enc.NewDecoder().Bytes(body); err == nil {
			body = dec
		} else {
			// Decoders of these encodings replace what they cannot map; an error means a broken
			// stateful encoding (ISO-2022): keep what is readable as UTF-8.
			name = "utf-8"
		}
	}
	if !utf8.Valid(body) {
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	return declareUTF8(body), name
}

// detect chooses the body's encoding and its canonical (WHATWG) name.
func detect(body []byte, contentType string) (encoding.Encoding, string) {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		return unicode.UTF8, "utf-8"
	case bytes.HasPrefix(body, []byte{0xfe, 0xff}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be"
	case bytes.HasPrefix(body, []byte{0xff, 0xfe}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"
	}
	// A declaration of UTF-8 that the bytes contradict (a server's default charset on a legacy page
	// is common) is passed over for the next source. The reverse mistake, a UTF-8 page served as
	// ISO-8859-1 or Windows-1252, shows as valid multi-byte UTF-8, which legacy text almost never
	// forms by chance: such a page is read as UTF-8.
	looksUTF8 := utf8.Valid(body) || mostlyUTF8(body)
	if utf8.Valid(body) && hasMultiByte(body) {
		return unicode.UTF8, "utf-8"
	}
	var labels []string
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		labels = append(labels, params["charset"])
	}
	head := body[:min(len(body), prescanLen)]
	if m := xmlDeclEncoding.FindSubmatch(head); m != nil {
		labels = append(labels, string(m[1]))
	}
	if m := metaCharset.FindSubmatch(head); m != nil {
		labels = append(labels, string(m[1]))
	}
	for i, label := range labels {
		enc, name := lookup(label, i == 0)
		if enc != nil && (name != "utf-8" || looksUTF8) {
			return enc, name
		}
	}
	if looksUTF8 {
		return unicode.UTF8, "utf-8"
	}
	return charmap.Windows1252, "windows-1252"
}

// lookup finds an encoding by label. A document that declares UTF-16 in its own text but has no
// byte order mark was re-encoded on the way (it could not be read otherwise: HTML's rule), so only
// the Content-Type header (header true) is believed about UTF-16.
func lookup(label string, header bool) (encoding.Encoding, string) {
	label = strings.ToLower(strings.TrimSpace(label))
	if label == "" {
		return nil, ""
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return nil, ""
	}
	switch name {
	case "utf-16le", "utf-16be":
		if !header {
			return unicode.UTF8, "utf-8"
		}
		return enc, name
	case "replacement", "x-user-defined":
		return unicode.UTF8, "utf-8"
	}
	if n, err := htmlindex.Name(enc); err == nil {
		name = n
	}
	return enc, name
}

// mostlyUTF8: the body has valid multi-byte UTF-8 sequences and few invalid bytes, so it is UTF-8
// with damage (a truncated character, a stray byte) rather than a legacy encoding.
func mostlyUTF8(body []byte) bool {
	multi, invalid := 0, 0
	for i := 0; i < len(body); {
		r, size := utf8.DecodeRune(body[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			invalid++
		case size > 1:
			multi++
		}
		i += size
	}
	return multi > 0 && invalid*4 <= multi
}

func hasMultiByte(body []byte) bool {
	for _, b := range body {
		if b >= 0x80 {
			return true
		}
	}
	return false
}

func stripBOM(body []byte) []byte {
	switch {
	case bytes.HasPrefix(body, []byte("\xef\xbb\xbf")):
		return body[3:]
	case bytes.HasPrefix(body, []byte{0xfe, 0xff}), bytes.HasPrefix(body, []byte{0xff, 0xfe}):
		return body[2:]
	}
	return body
}

// declareUTF8 rewrites the encoding named by the XML declaration and by <meta> charsets near the
// start of the (now UTF-8) document to UTF-8.
func declareUTF8(body []byte) []byte {
	n := min(len(body), prescanLen)
	head := body[:n]
	var edits [][2]int // value spans to replace, in order
	if m := xmlDeclEncoding.FindSubmatchIndex(head); m != nil && !isUTF8Label(head[m[2]:m[3]]) {
		edits = append(edits, [2]int{m[2], m[3]})
	}
	for _, m := range metaCharset.FindAllSubmatchIndex(head, -1) {
		if !isUTF8Label(head[m[2]:m[3]]) {
			edits = append(edits, [2]int{m[2], m[3]})
		}
	}
	if len(edits) == 0 {
		return body
	}
	out := make([]byte, 0, len(body)+8*len(edits))
	prev := 0
	for _, e := range edits {
		out = append(out, body[prev:e[0]]...)
		out = append(out, "utf-8"...)
		prev = e[1]
	}
	return append(out, body[prev:]...)
}

func isUTF8Label(b []byte) bool {
	l := strings.ToLower(string(b))
	return l == "utf-8" || l == "utf8"
}

// isText reports whether a response is text sitrep can read: a textual declared type is believed;
// otherwise (no type, octet-stream, or a binary type, which servers get wrong) the bytes decide.
func isText(contentType string, body []byte) bool {
	mediaType, params, _ := mime.ParseMediaType(contentType)
	if strings.Contains(strings.ToLower(params["charset"]), "16") {
		return true // UTF-16 has NUL bytes in ASCII text
	}
	switch {
	case strings.HasPrefix(mediaType, "text/"),
		strings.HasSuffix(mediaType, "/xml"), strings.HasSuffix(mediaType, "+xml"),
		strings.HasSuffix(mediaType, "/json"), strings.HasSuffix(mediaType, "+json"),
		mediaType == "application/xhtml+xml", mediaType == "application/javascript":
		return !hasNUL(body)
	}
	if len(body) == 0 {
		return true
	}
	sniffed, _, _ := strings.Cut(http.DetectContentType(body), ";")
	return strings.HasPrefix(sniffed, "text/")
}

// hasNUL: a NUL byte in the first bytes of a body not in UTF-16 marks it as binary whatever its
// declared type.
func hasNUL(body []byte) bool {
	if bytes.HasPrefix(body, []byte{0xfe, 0xff}) || bytes.HasPrefix(body, []byte{0xff, 0xfe}) {
		return false
	}
	return bytes.IndexByte(body[:min(len(body), 1024)], 0) >= 0
}
