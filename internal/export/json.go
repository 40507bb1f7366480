package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// JSONLWriter writes one event JSON object per line, with every field under the schema's names.
type JSONLWriter struct {
	bw     *bufio.Writer
	enc    *json.Encoder
	closed bool
}

// JSONL returns a JSON lines writer on w.
func JSONL(w io.Writer) *JSONLWriter {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // notes and evidence quote article text; keep "<" and "&" readable
	return &JSONLWriter{bw: bw, enc: enc}
}

// Write writes one event and its newline.
func (j *JSONLWriter) Write(e event.Event) error {
	if j.closed {
		return ErrClosed
	}
	if err := j.enc.Encode(forJSON(e)); err != nil {
		return fmt.Errorf("export: jsonl %s: %w", e.EventIDCnty, err)
	}
	return nil
}

// Close flushes.
func (j *JSONLWriter) Close() error {
	if j.closed {
		return nil
	}
	j.closed = true
	if err := j.bw.Flush(); err != nil {
		return fmt.Errorf("export: jsonl: %w", err)
	}
	return nil
}

// GeoJSONWriter writes an RFC 7946 FeatureCollection: one Point feature per event (coordinates
// [longitude, latitude]), its properties the event's JSON fields, its id the event_id_cnty. An event
// without coordinates (or with impossible ones) gets a null geometry, as RFC 7946 allows for
// unlocated features.
type GeoJSONWriter struct {
	bw     *bufio.Writer
	n      int // features written
	closed bool
}

// GeoJSON returns a GeoJSON writer on w. The collection's opening is written with the first event, or
// by Close.
func GeoJSON(w io.Writer) *GeoJSONWriter {
	return &GeoJSONWriter{bw: bufio.NewWriter(w)}
}

type feature struct {
	Type       string      `json:"type"`
	ID         string      `json:"id,omitempty"`
	Geometry   *point      `json:"geometry"`
	Properties event.Event `json:"properties"`
}

type point struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

const (
	geoJSONHead = `{"type":"FeatureCollection","features":[`
	geoJSONFoot = "\n]}\n"
)

// Write writes one feature.
func (g *GeoJSONWriter) Write(e event.Event) error {
	if g.closed {
		return ErrClosed
	}
	p := forJSON(e)
	f := feature{Type: "Feature", ID: e.EventIDCnty, Properties: p}
	if HasCoordinates(e) && p.Latitude >= -90 && p.Latitude <= 90 && p.Longitude >= -180 && p.Longitude <= 180 {
		f.Geometry = &point{Type: "Point", Coordinates: [2]float64{p.Longitude, p.Latitude}}
	}
	b, err := marshal(f)
	if err != nil {
		return fmt.Errorf("export: geojson %s: %w", e.EventIDCnty, err)
	}
	sep := ",\n"
	if g.n == 0 {
		sep = geoJSONHead + "\n"
	}
	g.n++
	if _, err := g.bw.WriteString(sep); err != nil {
		return fmt.Errorf("export: geojson: %w", err)
	}
	if _, err := g.bw.Write(b); err != nil {
		return fmt.Errorf("export: geojson: %w", err)
	}
	return nil
}

// Close writes the end of the collection and flushes.
func (g *GeoJSONWriter) Close() error {
	if g.closed {
		return nil
	}
	g.closed = true
	if g.n == 0 {
		if _, err := g.bw.WriteString(geoJSONHead); err != nil {
			return fmt.Errorf("export: geojson: %w", err)
		}
	}
	if _, err := g.bw.WriteString(geoJSONFoot); err != nil {
		return fmt.Errorf("export: geojson: %w", err)
	}
	if err := g.bw.Flush(); err != nil {
		return fmt.Errorf("export: geojson: %w", err)
	}
	return nil
}

// marshal is json.Marshal without HTML escaping and without the trailing newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
