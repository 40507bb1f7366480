// Package records reads article records: JSON objects with the fields id, url, outlet, title,
// published, language and text (or html), as JSON lines or as one JSON array. It is the form in which
// scrapers and other systems hand articles to sitrep.
package records

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
)

// Record is one article record as it arrives. Unknown fields are ignored; all fields but one of Text
// or HTML are optional, and null counts as absent.
type Record struct {
	ID              flexString `json:"id"`
	URL             string     `json:"url"`
	GUID            string     `json:"guid"`
	Outlet          string     `json:"outlet"`
	Title           string     `json:"title"`
	Published       string     `json:"published"`
	PublishedApprox bool       `json:"published_approx"`
	Language        string     `json:"language"`
	Text            string     `json:"text"`
	HTML            string     `json:"html"`
}

// flexString accepts a JSON string or number: record ids are often numeric.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')) {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexString(n.String())
		return nil
	}
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	if s != nil {
		*f = flexString(*s)
	}
	return nil
}

// Func receives the n-th record (1-based) of the input as a document, or the reason it could not be
// read. Returning an error stops the reading.
type Func func(n int, doc document.Document, err error) error

// Parse reads data as JSON lines, a JSON array of records or a single (possibly indented) record,
// calling fn for each. A record that fails to parse fails alone, naming its line; a syntax error inside
// an array ends the array, as nothing after it can be trusted. Parse returns only fn's errors.
func Parse(data []byte, fn Func) error {
	// Results are held back until the input is read, so that a file of other JSON records (events,
	// configuration) is reported once rather than once a line.
	type result struct {
		n   int
		doc document.Document
		err error
	}
	var results []result
	err := parse(data, func(n int, doc document.Document, err error) error {
		results = append(results, result{n, doc, err})
		return nil
	})
	if err != nil {
		return err
	}
	noText := 0
	for _, r := range results {
		if errors.Is(r.err, errNoText) {
			noText++
		}
	}
	if noText > 1 && noText == len(results) {
		return fn(1, document.Document{}, fmt.Errorf("not article records: none of the %d records has a text or html field", noText))
	}
	for _, r := range results {
		if err := fn(r.n, r.doc, r.err); err != nil {
			return err
		}
	}
	return nil
}

var (
	// errNoText marks a record without text, which is not an article.
	errNoText    = errors.New("no text or html field")
	errEmptyText = errors.New("text is empty")
)

func parse(data []byte, fn Func) error {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(bytes.TrimSpace(trimmed)) == 0:
		return fn(1, document.Document{}, errors.New("no records"))
	case trimmed[0] == '[':
		return parseArray(data, fn)
	case isMultiLineValue(data):
		return parseStream(data, fn)
	default:
		return parseLines(data, fn)
	}
}

// isMultiLineValue reports an input whose first line is not a whole JSON value but which, read as a
// stream, is a sequence of values: an indented record, or records one after the other.
func isMultiLineValue(data []byte) bool {
	first, _, _ := bytes.Cut(bytes.TrimLeft(data, " \t\r\n"), []byte("\n"))
	if json.Valid(first) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var v json.RawMessage
		if err := dec.Decode(&v); err == io.EOF {
			return true
		} else if err != nil {
			return false
		}
	}
}

func parseLines(data []byte, fn Func) error {
	n := 0
	for lineNo := 1; len(data) > 0; lineNo++ {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		n++
		doc, err := decodeRecord(line)
		if err != nil {
			err = fmt.Errorf("line %d: %w", lineNo, err)
		}
		if ferr := fn(n, doc, err); ferr != nil {
			return ferr
		}
	}
	if n == 0 {
		return fn(1, document.Document{}, errors.New("no records"))
	}
	return nil
}

func parseStream(data []byte, fn Func) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	for n := 1; ; n++ {
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			return nil
		} else if err != nil {
			// isMultiLineValue decoded the whole stream already; this cannot happen, but stay safe.
			return fn(n, document.Document{}, fmt.Errorf("line %d: %w", lineAt(data, start), err))
		}
		doc, err := decodeRecord(raw)
		if err != nil {
			err = fmt.Errorf("line %d: %w", lineAt(data, start)+leadingNewlines(data[start:]), err)
		}
		if ferr := fn(n, doc, err); ferr != nil {
			return ferr
		}
	}
}

func parseArray(data []byte, fn Func) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the '['
		return fn(1, document.Document{}, fmt.Errorf("invalid JSON array: %w", err))
	}
	n := 0
	for dec.More() {
		n++
		start := dec.InputOffset()
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fn(n, document.Document{}, arrayError(data, start, n, err))
		}
		doc, err := decodeRecord(raw)
		if err != nil {
			err = fmt.Errorf("line %d: %w", lineAt(data, start)+leadingNewlines(data[start:]), err)
		}
		if ferr := fn(n, doc, err); ferr != nil {
			return ferr
		}
	}
	if _, err := dec.Token(); err != nil { // the ']'
		return fn(n+1, document.Document{}, arrayError(data, dec.InputOffset(), n+1, err))
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return fn(n+1, document.Document{}, fmt.Errorf("line %d: unexpected data after the JSON array", lineAt(data, dec.InputOffset())))
	}
	if n == 0 {
		return fn(1, document.Document{}, errors.New("no records (empty JSON array)"))
	}
	return nil
}

func arrayError(data []byte, offset int64, n int, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("truncated JSON array: input ends inside item %d (%d items read before it)", n, n-1)
	}
	return fmt.Errorf("invalid JSON array at item %d (line %d): %w; items after it are not read", n, lineAt(data, offset), err)
}

// lineAt gives the 1-based line of a byte offset.
func lineAt(data []byte, offset int64) int {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	return bytes.Count(data[:offset], []byte("\n")) + 1
}

// leadingNewlines counts the line ends in the white space and separator before a value, so that a
// record's line is the line where it starts and not where the previous one ended.
func leadingNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		switch c {
		case '\n':
			n++
		case ' ', '\t', '\r', ',':
		default:
			return n
		}
	}
	return n
}

// decodeRecord turns one JSON record into a document (not yet finished: no hash, no origin).
func decodeRecord(raw []byte) (document.Document, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		if !json.Valid(raw) {
			return document.Document{}, fmt.Errorf("invalid JSON: %w", syntaxError(raw))
		}
		return document.Document{}, errors.New("not a JSON object")
	}
	var r Record
	if err := json.Unmarshal(raw, &r); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return document.Document{}, fmt.Errorf("field %q: expected %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return document.Document{}, fmt.Errorf("invalid JSON: %w", err)
	}
	doc, err := r.Document()
	if errors.Is(err, errNoText) {
		// Tell an article whose text is empty from a record that is no article at all.
		var has struct{ Text, HTML json.RawMessage }
		if json.Unmarshal(raw, &has) == nil && (len(has.Text) > 0 && string(has.Text) != "null" || len(has.HTML) > 0 && string(has.HTML) != "null") {
			err = errEmptyText
		}
	}
	if err != nil && r.ID != "" {
		err = fmt.Errorf("record %q: %w", string(r.ID), err)
	}
	return doc, err
}

func syntaxError(raw []byte) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	return errors.New("not a JSON value")
}

// Document converts a record: the text (or the HTML, reduced to text) is cleaned, the URL normalised
// and the publication time parsed. A record with no text is an error; so is an unreadable date, which
// would otherwise silently turn a dated article into an undated one.
func (r Record) Document() (document.Document, error) {
	doc := document.Document{
		ID:              strings.TrimSpace(string(r.ID)),
		URL:             document.NormalizeURL(r.URL),
		GUID:            strings.TrimSpace(r.GUID),
		Outlet:          oneLine(r.Outlet),
		Title:           oneLine(r.Title),
		Language:        strings.TrimSpace(r.Language),
		PublishedApprox: r.PublishedApprox,
	}
	switch {
	case strings.TrimSpace(r.Text) != "":
		doc.Text = document.CleanText(r.Text)
	case strings.TrimSpace(r.HTML) != "":
		doc.Text = document.CleanHTML(r.HTML)
	default:
		return document.Document{}, errNoText
	}
	if doc.Text == "" {
		return document.Document{}, errors.New("text is empty after cleaning")
	}
	if p := strings.TrimSpace(r.Published); p != "" {
		t, dayOnly, err := ParseTime(p)
		if err != nil {
			return document.Document{}, fmt.Errorf("published: %w", err)
		}
		doc.Published = t
		doc.PublishedApprox = doc.PublishedApprox || dayOnly
	}
	return doc, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(document.CleanText(s)), " ") }

// timeLayouts are the date forms seen in article records, most specific first.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
}

// ParseTime reads a publication time, keeping its UTC offset (see document.NormalizeTime). A time
// without zone is taken as UTC; a bare date ("2024-09-17") is noon UTC of that day with dayOnly set,
// as the hour is unknown.
func ParseTime(s string) (t time.Time, dayOnly bool, err error) {
	s = strings.TrimSpace(s)
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return document.NormalizeTime(t), false, nil
		}
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t.Add(12 * time.Hour), true, nil
	}
	return time.Time{}, false, fmt.Errorf("cannot read date %q (want RFC 3339, e.g. 2024-09-17T10:09:21Z)", s)
}
