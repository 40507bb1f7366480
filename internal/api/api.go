// Package api is sitrep's HTTP JSON API: filtered, paginated event lists, one event with its sources,
// claims and evidence, source documents for the evidence view, CSV and GeoJSON downloads, timeline
// statistics, the feed subscriptions (feeds.go), /metrics, and an OpenAPI 3 description of all of it
// (GET /api/openapi.json). Writes need a bearer token (auth.go); reads are open unless
// Options.ReadRequiresToken. It also sets the security headers of every response, the dashboard's
// included, since article text is untrusted.
package api

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// ContentSecurityPolicy is sent with every response, API and dashboard alike: the one place the
// policy is written. Article text is untrusted, so no inline script or style may ever take effect:
// scripts and stylesheets come from our origin only. MapLibre GL starts its worker from a same-origin
// module that some browsers wrap in a blob: URL (worker-src, and child-src for browsers without
// worker-src); its controls are data: images. The dashboard needs nothing else (internal/web).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; child-src blob:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// queryTimeout bounds the store work of one JSON request, so that a pathological combination of
// filters cannot hold a reader connection indefinitely. Downloads stream and are not bounded.
const queryTimeout = 30 * time.Second

// MaxLimit is the largest page /api/events returns; DefaultLimit is its page size when none is asked.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

//go:embed data/openapi.json
var openAPI []byte

// Store is what the API reads; *sqlite.Store and *postgres.Store implement it.
type Store interface {
	Page(ctx context.Context, q storage.Query) ([]event.Event, *storage.Key, error)
	Matching(ctx context.Context, f event.Filter, fn func(event.Event) error) error
	Stats(ctx context.Context, f event.Filter, bucket string) (storage.Stats, error)
	Event(ctx context.Context, id string) (event.Event, error)
	Document(ctx context.Context, id string) (document.Document, error)
}

var _ Store = (*sqlite.Store)(nil)

// Options configure the handler.
type Options struct {
	// Static serves everything outside /api/ and /healthz (the dashboard, internal/web). Nil answers
	// those paths with 404.
	Static http.Handler
	// Logger receives one line per request and the errors behind 500 responses; nil is slog.Default().
	Logger *slog.Logger
	// Tokens checks the bearer tokens of write requests (auth.go); nil uses the store when it is a
	// TokenChecker, else every write is refused.
	Tokens TokenChecker
	// ReadRequiresToken closes the read endpoints and /metrics to requests without a valid token
	// (sitrep serve --private); /healthz, /api/openapi.json and the dashboard's files stay open.
	ReadRequiresToken bool
	// Metrics serves /metrics (internal/metrics); nil answers 404.
	Metrics http.Handler
}

// server holds the handler's dependencies; it has no mutable state.
type server struct {
	store     Store
	log       *slog.Logger
	tokens    TokenChecker
	readToken bool
	feeds     FeedStore // nil: the store keeps no feeds
}

// New returns the HTTP handler of the API (under /api/), the health check (/healthz) and, when set,
// opts.Static for every other path.
func New(store Store, opts Options) http.Handler {
	s := &server{store: store, log: opts.Logger, tokens: opts.Tokens, readToken: opts.ReadRequiresToken}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.tokens == nil {
		s.tokens, _ = store.(TokenChecker)
	}
	s.feeds, _ = store.(FeedStore)
	mux := http.NewServeMux()
	// Patterns carry no method so that a wrong method gets a JSON 405 from get rather than the mux's
	// plain-text one.
	mux.Handle("/api/events", get(bounded(s.events)))
	mux.Handle("/api/events.csv", get(s.eventsCSV))
	mux.Handle("/api/events.geojson", get(s.eventsGeoJSON))
	mux.Handle("/api/events/{id}", s.eventByID())
	mux.Handle("/api/events/{id}/edits", get(bounded(s.eventEdits)))
	mux.Handle("/api/documents/{id...}", get(bounded(s.document)))
	mux.Handle("/api/stats", get(bounded(s.stats)))
	mux.Handle("/api/openapi.json", get(s.openapi))
	mux.Handle("/healthz", get(s.health))
	s.feedRoutes(mux)
	mux.Handle("/metrics", metricsRoute(opts.Metrics))
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no API endpoint %s (see /api/openapi.json)", r.URL.Path))
	}))
	static := opts.Static
	if static == nil {
		static = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, "not found (this server has no dashboard; the API is under /api/)")
		})
	}
	mux.Handle("/", static)
	return s.middleware(s.readAccess(mux))
}

// handlerFunc is an endpoint: a returned error becomes the JSON error response.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// httpError is an error with the status and message the client sees.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(format string, a ...any) error {
	return &httpError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// bounded runs an endpoint under queryTimeout.
func bounded(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), queryTimeout)
		defer cancel()
		return h(w, r.WithContext(ctx))
	}
}

// get adapts an endpoint: GET and HEAD only.
func get(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed (GET only)", r.Method))
			return
		}
		if err := h(w, r); err != nil {
			reportError(w, r, err)
		}
	})
}

// reportError maps an endpoint error to a response. Internal errors are logged, not shown: their text
// may name files or SQL.
func reportError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		writeError(w, he.status, he.msg)
	case errors.Is(err, storage.ErrBadQuery):
		writeError(w, http.StatusBadRequest, badQueryMessage(err))
	case errors.Is(err, storage.ErrNotFound):
		writeError(w, http.StatusNotFound, "not found")
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		writeError(w, http.StatusServiceUnavailable, "request cancelled or timed out")
	default:
		loggerOf(r).ErrorContext(r.Context(), "api: request failed", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error")
	}
}

// badQueryMessage is what was wrong without the store's prefix: "sqlite: bad query: q ...: no words"
// → "q ...: no words".
func badQueryMessage(err error) string {
	if qe, ok := errors.AsType[*storage.QueryError](err); ok {
		return qe.Reason
	}
	return err.Error()
}

// writeJSON writes v as JSON. HTML-significant characters (<, >, &) are escaped as \u003c etc., so
// article text that carries markup stays inert even if a client mishandles the Content-Type.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache") // events change as articles arrive
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v) // the client went away; nothing to tell it
}

type errorBody struct {
	Error string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Del("Content-Disposition")
	writeJSON(w, status, errorBody{Error: msg})
}

// statusWriter records the status and size of a response for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush on the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

type loggerKey struct{}

func loggerOf(r *http.Request) *slog.Logger {
	if l, ok := r.Context().Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// middleware sets the security headers, recovers from panics and logs each request.
func (s *server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		r = r.WithContext(context.WithValue(r.Context(), loggerKey{}, s.log))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.ErrorContext(r.Context(), "api: panic", "path", r.URL.Path, "panic", v)
				if sw.status == 0 {
					writeError(sw, http.StatusInternalServerError, "internal error")
				}
			}
			s.log.InfoContext(r.Context(), "http request", "method", r.Method, "path", r.URL.Path,
				"query", r.URL.RawQuery, "status", sw.status, "bytes", sw.bytes,
				"duration", time.Since(start).Round(time.Microsecond))
		}()
		next.ServeHTTP(sw, r)
	})
}

func (s *server) health(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return badRequest("healthz takes no parameters")
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *server) openapi(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(openAPI)
	return err
}

// eventsPage is the body of GET /api/events.
type eventsPage struct {
	Events []event.Event `json:"events"`
	Next   string        `json:"next"`
}

func (s *server) events(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r.URL.Query(), listParams())
	if err != nil {
		return err
	}
	q := storage.Query{Filter: p.filter, Sort: p.sort, Limit: p.limit}
	if p.cursor != "" {
		if q.After, err = decodeCursor(p.cursor, p.fingerprint); err != nil {
			return err
		}
	}
	evs, next, err := s.store.Page(r.Context(), q)
	if err != nil {
		return err
	}
	out := eventsPage{Events: make([]event.Event, len(evs))}
	for i, e := range evs {
		e.FillEmpty()
		out.Events[i] = e
	}
	if next != nil {
		out.Next = encodeCursor(*next, p.fingerprint)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *server) event(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return badRequest("events/{id} takes no parameters")
	}
	id := r.PathValue("id")
	e, err := s.store.Event(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return &httpError{http.StatusNotFound, fmt.Sprintf("event %q not found", id)}
	}
	if err != nil {
		return err
	}
	if e.EventIDCnty != id {
		// Merged away: the survivor's URL is the event's address from now on.
		http.Redirect(w, r, "/api/events/"+url.PathEscape(e.EventIDCnty), http.StatusMovedPermanently)
		return nil
	}
	e.FillEmpty()
	writeJSON(w, http.StatusOK, e)
	return nil
}

// documentBody is a source document as the evidence view needs it. Origin (a local path or feed URL
// on the ingesting machine) is left out.
type documentBody struct {
	ID              string    `json:"id"`
	URL             string    `json:"url,omitempty"`
	Outlet          string    `json:"outlet,omitempty"`
	Title           string    `json:"title,omitempty"`
	Language        string    `json:"language,omitempty"`
	Published       time.Time `json:"published,omitzero"`
	PublishedApprox bool      `json:"published_approx,omitempty"`
	FetchedAt       time.Time `json:"fetched_at,omitzero"`
	ContentHash     string    `json:"content_hash"`
	Text            string    `json:"text"`
}

func (s *server) document(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return badRequest("documents/{id} takes no parameters")
	}
	id := r.PathValue("id")
	d, err := s.store.Document(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return &httpError{http.StatusNotFound, fmt.Sprintf("document %q not found", id)}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, documentBody{
		ID: d.ID, URL: d.URL, Outlet: d.Outlet, Title: d.Title, Language: d.Language,
		Published: d.Published, PublishedApprox: d.PublishedApprox, FetchedAt: d.FetchedAt,
		ContentHash: d.ContentHash, Text: d.Text,
	})
	return nil
}

func (s *server) stats(w http.ResponseWriter, r *http.Request) error {
	p, err := parseParams(r.URL.Query(), statsParams())
	if err != nil {
		return err
	}
	st, err := s.store.Stats(r.Context(), p.filter, p.bucket)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
