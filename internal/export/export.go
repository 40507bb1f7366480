// Package export writes events for other tools: ACLED-compatible CSV (read by existing ACLED tooling),
// JSON lines with every sitrep field, and RFC 7946 GeoJSON for maps. Every writer streams: events are
// written as they come and memory does not grow with the export.
package export

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// Format is an export format.
type Format string

// The formats.
const (
	FormatCSV     Format = "csv"
	FormatJSONL   Format = "jsonl"
	FormatGeoJSON Format = "geojson"
)

// Formats lists the formats in the order help texts show them.
func Formats() []Format { return []Format{FormatCSV, FormatJSONL, FormatGeoJSON} }

// ParseFormat reads a format name as users type it (case-insensitive; "ndjson" is JSON lines).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "csv":
		return FormatCSV, nil
	case "jsonl", "ndjson":
		return FormatJSONL, nil
	case "geojson":
		return FormatGeoJSON, nil
	}
	return "", fmt.Errorf("unknown export format %q (want csv, jsonl or geojson)", s)
}

// ContentType is the media type to serve the format with.
func (f Format) ContentType() string {
	switch f {
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatJSONL:
		return "application/x-ndjson"
	case FormatGeoJSON:
		return "application/geo+json"
	}
	return "application/octet-stream"
}

// Ext is the usual file name extension, with its dot.
func (f Format) Ext() string {
	switch f {
	case FormatJSONL:
		return ".jsonl"
	case FormatGeoJSON:
		return ".geojson"
	}
	return "." + string(f)
}

// Options tune the writers.
type Options struct {
	// Extensions appends the sitrep columns (ExtensionColumns) after ACLED's in CSV. JSON lines and
	// GeoJSON always carry every field.
	Extensions bool
}

// Writer writes events one at a time. Close finishes the output (flushes, writes GeoJSON's closing
// brackets) but does not close the underlying io.Writer; it must be called even when no event was
// written, so that the output is still a valid (empty) file.
type Writer interface {
	Write(e event.Event) error
	Close() error
}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("export: writer closed")

// New returns a writer for format.
func New(w io.Writer, format Format, opts Options) (Writer, error) {
	switch format {
	case FormatCSV:
		return CSV(w, opts), nil
	case FormatJSONL:
		return JSONL(w), nil
	case FormatGeoJSON:
		return GeoJSON(w), nil
	}
	return nil, fmt.Errorf("export: unknown format %q", format)
}

// HasCoordinates reports whether the event was located at all: ACLED has no "unknown" coordinates, so
// sitrep treats 0,0 with geo_precision 0 as none (a point off the Gulf of Guinea is never meant).
func HasCoordinates(e event.Event) bool {
	return e.Latitude != 0 || e.Longitude != 0 || e.GeoPrecision != 0
}

// formatCoord writes a coordinate as ACLED does: rounded to 4 decimals, trailing zeros dropped
// ("5.458", "36.9", "14").
func formatCoord(v float64) string {
	r := math.Round(v*1e4) / 1e4
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// roundCoord is the number formatCoord writes, for JSON (and confidence, where 4 decimals are plenty).
func roundCoord(v float64) float64 {
	r := math.Round(v*1e4) / 1e4
	if r == 0 {
		return 0
	}
	return r
}

// forJSON returns e as the JSON writers print it: coordinates and confidence rounded to 4 decimals
// like the CSV, nil lists made empty so that JSON says [] rather than null.
func forJSON(e event.Event) event.Event {
	e.Latitude, e.Longitude = roundCoord(e.Latitude), roundCoord(e.Longitude)
	e.Confidence = roundCoord(e.Confidence)
	if e.Claims == nil {
		e.Claims = []event.Claim{}
	}
	if e.Sources == nil {
		e.Sources = []event.Source{}
	}
	if e.Evidence == nil {
		e.Evidence = []event.Evidence{}
	}
	return e
}
