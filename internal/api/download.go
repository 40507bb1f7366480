package api

import (
	"fmt"
	"net/http"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/export"
)

func (s *server) eventsCSV(w http.ResponseWriter, r *http.Request) error {
	return s.download(w, r, export.FormatCSV, csvParams)
}

func (s *server) eventsGeoJSON(w http.ResponseWriter, r *http.Request) error {
	return s.download(w, r, export.FormatGeoJSON, geojsonParams)
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
		ew, err = export.New(w, f, export.Options{Extensions: p.extensions})
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
