package api

import (
	"fmt"
	"io"
	"net/http"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/export"
)

func (s *server) eventsCSV(w http.ResponseWriter, r *http.Request) error {
	return s.download(w, r, export.FormatCSV, csvParams())
}

func (s *server) eventsGeoJSON(w http.ResponseWriter, r *http.Request) error {
	return s.download(w, r, export.FormatGeoJSON, geojsonParams())
}

// download streams every matching event (no paging) through internal/export: ACLED's columns for CSV
// (sitrep's after them with extensions=true), RFC 7946 points for GeoJSON.
func (s *server) download(w http.ResponseWriter, r *http.Request, f export.Format, allowed []string) error {
	p, err := parseParams(r.URL.Query(), allowed)
	if err != nil {
		return err
	}
	// Nothing is written before the first event, so a failing query still gets a JSON error.
	var ew export.Writer
	start := func() error {
		if ew != nil {
			return nil
		}
		w.Header().Set("Content-Type", f.ContentType())
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="sitrep-events%s"`, f.Ext()))
		var out io.Writer = w
		if f == export.FormatGeoJSON {
			out = jsonHTMLEscaper{w}
		}
		ew, err = export.New(out, f, export.Options{Extensions: p.extensions})
		return err
	}
	err = s.store.Matching(r.Context(), p.filter, func(e event.Event) error {
		if err := start(); err != nil {
			return err
		}
		return ew.Write(e)
	})
	if err != nil {
		if ew == nil {
			return err
		}
		// Headers are gone: the truncated body is all the client can get; log why.
		loggerOf(r).ErrorContext(r.Context(), "api: download failed midway", "path", r.URL.Path, "err", err)
		return nil
	}
	if err := start(); err != nil {
		return err
	}
	if err := ew.Close(); err != nil {
		loggerOf(r).ErrorContext(r.Context(), "api: download failed at the end", "path", r.URL.Path, "err", err)
	}
	return nil
}

// jsonHTMLEscaper escapes <, > and & in JSON text as \u003c, \u003e and \u0026, as the API's own
// JSON responses do (export writes them plainly, for readable files). Outside strings JSON never uses
// these bytes, so the rewrite is valid anywhere in the stream; article markup stays inert even in a
// client that mishandles the Content-Type.
type jsonHTMLEscaper struct{ w io.Writer }

func (e jsonHTMLEscaper) Write(p []byte) (int, error) {
	start := 0
	for i, c := range p {
		var esc string
		switch c {
		case '<':
			esc = `\u003c`
		case '>':
			esc = `\u003e`
		case '&':
			esc = `\u0026`
		default:
			continue
		}
		if _, err := e.w.Write(p[start:i]); err != nil {
			return start, err
		}
		if _, err := io.WriteString(e.w, esc); err != nil {
			return i, err
		}
		start = i + 1
	}
	if _, err := e.w.Write(p[start:]); err != nil {
		return start, err
	}
	return len(p), nil
}
