package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// FeedStore keeps the feed subscriptions; both stores implement it. A store given to New without it
// answers the feed endpoints with 404.
type FeedStore interface {
	AddFeed(ctx context.Context, f subscription.Feed) (subscription.Feed, error)
	Feeds(ctx context.Context) ([]subscription.Feed, error)
	Feed(ctx context.Context, id int64) (subscription.Feed, error)
	RemoveFeed(ctx context.Context, id int64) error
	UpdateFeed(ctx context.Context, f subscription.Feed) error
}

// maxFeedBody bounds a POST /api/feeds body: a URL, a name and an interval.
const maxFeedBody = 64 << 10

// feedRoutes adds the feed endpoints: reads open (unless the server is private), writes behind a
// token.
func (s *server) feedRoutes(mux *http.ServeMux) {
	if s.feeds == nil {
		none := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, "this server keeps no feed subscriptions")
		})
		for _, p := range []string{"/api/feeds", "/api/feeds/{id}", "/api/feeds/{id}/enable"} {
			mux.Handle(p, none)
		}
		return
	}
	mux.Handle("/api/feeds", methods(map[string]http.Handler{
		http.MethodGet:  endpoint(bounded(s.listFeeds)),
		http.MethodPost: s.writeAccess(endpoint(bounded(s.addFeed))),
	}))
	mux.Handle("/api/feeds/{id}", methods(map[string]http.Handler{
		http.MethodGet:    endpoint(bounded(s.getFeed)),
		http.MethodDelete: s.writeAccess(endpoint(bounded(s.removeFeed))),
	}))
	mux.Handle("/api/feeds/{id}/enable", methods(map[string]http.Handler{
		http.MethodPost: s.writeAccess(endpoint(bounded(s.enableFeed))),
	}))
}

// endpoint adapts an endpoint whose method was already checked.
func endpoint(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			reportError(w, r, err)
		}
	})
}

// methods routes by method (HEAD goes where GET does); any other method gets a JSON 405 listing the
// allowed ones.
func methods(byMethod map[string]http.Handler) http.Handler {
	allowed := make([]string, 0, len(byMethod)+1)
	for m := range byMethod {
		allowed = append(allowed, m)
	}
	if byMethod[http.MethodGet] != nil {
		allowed = append(allowed, http.MethodHead)
	}
	slices.Sort(allowed)
	allow := strings.Join(allowed, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := r.Method
		if m == http.MethodHead {
			m = http.MethodGet
		}
		h, ok := byMethod[m]
		if !ok {
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed (%s)", r.Method, allow))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// feedsBody is the body of GET /api/feeds.
type feedsBody struct {
	Feeds []subscription.Listing `json:"feeds"`
}

func (s *server) listFeeds(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return badRequest("feeds takes no parameters")
	}
	feeds, err := s.feeds.Feeds(r.Context())
	if err != nil {
		return err
	}
	out := feedsBody{Feeds: make([]subscription.Listing, 0, len(feeds))}
	for _, f := range feeds {
		out.Feeds = append(out.Feeds, f.Listing())
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// feedRequest is the body of POST /api/feeds. Interval is a Go duration ("15m", "1h30m") or a number
// of seconds; absent, the default.
type feedRequest struct {
	URL      string          `json:"url"`
	Name     string          `json:"name"`
	Interval json.RawMessage `json:"interval"`
}

// parseFeedRequest reads and validates a subscription request.
func parseFeedRequest(body io.Reader) (subscription.Feed, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxFeedBody+1))
	if err != nil {
		return subscription.Feed{}, badRequest("reading the body: %v", err)
	}
	if len(data) > maxFeedBody {
		return subscription.Feed{}, &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", maxFeedBody)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req feedRequest
	if err := dec.Decode(&req); err != nil {
		return subscription.Feed{}, badRequest("body: want a JSON object {\"url\", \"name\", \"interval\"}: %v", err)
	}
	if dec.More() {
		return subscription.Feed{}, badRequest("body: one JSON object only")
	}
	if req.URL == "" {
		return subscription.Feed{}, badRequest("url is required")
	}
	interval, err := parseInterval(req.Interval)
	if err != nil {
		return subscription.Feed{}, err
	}
	f, err := subscription.New(req.URL, req.Name, interval)
	if err != nil {
		return f, badRequest("%v", err)
	}
	return f, nil
}

// parseInterval reads an interval given as a duration string or a number of seconds.
func parseInterval(raw json.RawMessage) (time.Duration, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, badRequest("interval: want a duration such as \"15m\", got %q", s)
		}
		if d <= 0 {
			return 0, badRequest("interval: want a positive duration, got %q", s)
		}
		return d, nil
	}
	var secs float64
	if err := json.Unmarshal(raw, &secs); err != nil {
		return 0, badRequest("interval: want a duration string or a number of seconds")
	}
	// Bounds before converting, so huge numbers cannot overflow into a valid-looking duration.
	if secs <= 0 || secs > subscription.MaxInterval.Seconds() {
		return 0, badRequest("interval: %g seconds is outside (0, %g]", secs, subscription.MaxInterval.Seconds())
	}
	return time.Duration(secs * float64(time.Second)), nil
}

func (s *server) addFeed(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return badRequest("feeds takes no parameters")
	}
	f, err := parseFeedRequest(r.Body)
	if err != nil {
		return err
	}
	f, err = s.feeds.AddFeed(r.Context(), f)
	if errors.Is(err, subscription.ErrExists) {
		return &httpError{http.StatusConflict, fmt.Sprintf("%s is already subscribed", f.URL)}
	}
	if err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "feed subscribed", "id", f.ID, "url", f.URL)
	w.Header().Set("Location", "/api/feeds/"+strconv.FormatInt(f.ID, 10))
	writeJSON(w, http.StatusCreated, f.Listing())
	return nil
}

// feedOf reads the {id} path segment and the feed it names.
func (s *server) feedOf(r *http.Request) (subscription.Feed, error) {
	if len(r.URL.Query()) > 0 {
		return subscription.Feed{}, badRequest("feeds/{id} takes no parameters")
	}
	raw := r.PathValue("id")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return subscription.Feed{}, badRequest("feed id: want a positive integer, got %q", raw)
	}
	f, err := s.feeds.Feed(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return f, &httpError{http.StatusNotFound, fmt.Sprintf("feed %d not found", id)}
	}
	return f, err
}

func (s *server) getFeed(w http.ResponseWriter, r *http.Request) error {
	f, err := s.feedOf(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f.Listing())
	return nil
}

func (s *server) removeFeed(w http.ResponseWriter, r *http.Request) error {
	f, err := s.feedOf(r)
	if err != nil {
		return err
	}
	if err := s.feeds.RemoveFeed(r.Context(), f.ID); err != nil {
		if errors.Is(err, storage.ErrNotFound) { // removed meanwhile
			return &httpError{http.StatusNotFound, fmt.Sprintf("feed %d not found", f.ID)}
		}
		return err
	}
	s.log.InfoContext(r.Context(), "feed removed", "id", f.ID, "url", f.URL)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// enableFeed clears a feed's disabled reason and failures and makes it due at once.
func (s *server) enableFeed(w http.ResponseWriter, r *http.Request) error {
	f, err := s.feedOf(r)
	if err != nil {
		return err
	}
	f.DisabledReason, f.Failures, f.NextPoll = "", 0, time.Time{}
	if err := s.feeds.UpdateFeed(r.Context(), f); err != nil {
		return err
	}
	s.log.InfoContext(r.Context(), "feed enabled", "id", f.ID, "url", f.URL)
	writeJSON(w, http.StatusOK, f.Listing())
	return nil
}
