package reader

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// form is an input form, each read by its own sub-package.
type form int

const (
	formText form = iota
	formRecords
	formFeed
	formPage
)

func (f form) String() string {
	return [...]string{"plain text", "article records", "feed", "HTML page"}[f]
}

// sniffLen is how much of the start of an input decides its form.
const sniffLen = 8 << 10

// detect tells an input's form from its first bytes; the file extension decides only where the content
// does not (a .json file that does not start like JSON is still read as JSON, to fail as such).
func detect(data []byte, ext string) form {
	head := bytes.TrimLeft(data[:min(len(data), sniffLen)], " \t\r\n")
	if f, ok := sniff(head); ok {
		return f
	}
	switch ext {
	case ".json", ".jsonl", ".ndjson":
		return formRecords
	case ".xml", ".rss", ".atom", ".rdf":
		return formFeed
	case ".html", ".htm", ".xhtml", ".shtml":
		return formPage
	}
	return formText
}

func sniff(head []byte) (form, bool) {
	if len(head) < 2 {
		return formText, false
	}
	next := bytes.TrimLeft(head[1:], " \t\r\n")
	switch head[0] {
	case '[':
		// A JSON array of records; "[Reuters] Gunmen…" is text.
		if len(next) > 0 && (next[0] == '{' || next[0] == ']') {
			return formRecords, true
		}
	case '{':
		if len(next) > 0 && (next[0] == '"' || next[0] == '}') {
			if bytes.Contains(head, []byte("jsonfeed.org/version")) {
				return formFeed, true
			}
			return formRecords, true
		}
	case '<':
		if len(next) == 0 {
			return formText, false
		}
		c := next[0]
		if !(c == '?' || c == '!' || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
			return formText, false // "<3 the army" is not markup
		}
		lower := bytes.ToLower(head)
		feedAt := firstIndex(lower, "<rss", "<feed", "<rdf:rdf")
		pageAt := firstIndex(lower, "<html", "<!doctype html", "<head", "<body")
		switch {
		case feedAt >= 0 && (pageAt < 0 || feedAt < pageAt):
			return formFeed, true
		case pageAt >= 0:
			return formPage, true
		case bytes.HasPrefix(lower, []byte("<?xml")):
			return formFeed, true // some other XML: the feed parser says what it is not
		}
		return formPage, true // an HTML fragment
	}
	return formText, false
}

func firstIndex(s []byte, subs ...string) int {
	best := -1
	for _, sub := range subs {
		if i := bytes.Index(s, []byte(sub)); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

var (
	errEmpty  = errors.New("empty file")
	errBinary = errors.New("binary file (not text)")
)

// decodeText makes input UTF-8 or refuses it: empty and binary inputs fail; UTF-16 with a byte order
// mark is decoded; text with no valid multi-byte UTF-8 but with high bytes is taken as Windows-1252
// (the usual legacy encoding of saved pages and exports); otherwise invalid bytes are replaced with
// U+FFFD. HTML and XML that declare another charset decode themselves, so they are left as they are.
func decodeText(data []byte) ([]byte, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		if len(data) == 0 {
			return nil, errEmpty
		}
		return nil, errors.New("empty file (only white space)")
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return nil, errBinary
		}
		data = out
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if looksBinary(data) {
		return nil, errBinary
	}
	if !utf8.Valid(data) {
		utf8Declared := declares(data, "utf-8") || declares(data, "utf8")
		switch {
		case !utf8Declared && (declares(data, "encoding=") || declares(data, "charset")):
			// Markup in another encoding, which its parser honours.
		case !utf8Declared && !hasMultiByteUTF8(data):
			if out, err := charmap.Windows1252.NewDecoder().Bytes(data); err == nil {
				data = out
			}
		default:
			// UTF-8 with damage: repaired here, as XML parsers refuse invalid UTF-8 outright.
			data = bytes.ToValidUTF8(data, []byte("\uFFFD"))
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errEmpty
	}
	return data, nil
}

// looksBinary: a NUL byte, more than one control character in ten bytes, or more than three invalid
// UTF-8 sequences in ten bytes, in the first sniffLen bytes. Text in a legacy 8-bit encoding has
// invalid sequences only at its accented letters and punctuation, well under that.
func looksBinary(data []byte) bool {
	sample := data[:min(len(data), sniffLen)]
	if bytes.IndexByte(sample, 0) >= 0 {
		return true
	}
	control, invalid := 0, 0
	for i := 0; i < len(sample); {
		r, size := utf8.DecodeRune(sample[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if len(sample)-i >= utf8.UTFMax || len(sample) == len(data) { // not a rune cut by the sample's end
				invalid++
			}
		case r < 0x20 && r != '\n' && r != '\r' && r != '\t' && r != '\f':
			control++
		}
		i += size
	}
	return control*10 > len(sample) || invalid*10 > len(sample)*3
}

// hasMultiByteUTF8 reports a valid multi-byte UTF-8 sequence: then the input is UTF-8 with some damage,
// not a legacy encoding.
func hasMultiByteUTF8(data []byte) bool {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if size > 1 && r != utf8.RuneError {
			return true
		}
		i += size
	}
	return false
}

// declares reports a marker (an encoding declaration or name) near the start of the input.
func declares(data []byte, marker string) bool {
	return bytes.Contains(bytes.ToLower(data[:min(len(data), sniffLen)]), []byte(marker))
}
