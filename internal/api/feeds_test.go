package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// send makes one request with an optional bearer token and JSON body.
func send(t testing.TB, h http.Handler, method, target, token, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return response{rec.Code, rec.Result().Header, b}
}

func tokenStore(t *testing.T) (*sqlite.Store, string) {
	t.Helper()
	s := openStore(t, nil, testEvents(5))
	secret, err := s.CreateToken(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return s, secret
}

func errorOf(t testing.TB, r response) string {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error == "" {
		t.Errorf("status %d: body %q is not a JSON error", r.status, r.body)
	}
	return e.Error
}

func TestWriteNeedsToken(t *testing.T) {
	s, secret := tokenStore(t)
	h := api.New(s, api.Options{Logger: quiet})
	body := `{"url": "https://example.org/rss"}`
	tests := []struct {
		name, header string
		challenge    string
	}{
		{"none", "", `Bearer realm="sitrep"`},
		{"wrong scheme", "Basic dXNlcjpwYXNz", `Bearer realm="sitrep", error="invalid_request"`},
		{"empty bearer", "Bearer ", `Bearer realm="sitrep", error="invalid_request"`},
		{"unknown", "Bearer sitrep_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", `Bearer realm="sitrep", error="invalid_token"`},
		{"truncated", "Bearer " + secret[:len(secret)-2], `Bearer realm="sitrep", error="invalid_token"`},
		{"not ours", "Bearer hunter2", `Bearer realm="sitrep", error="invalid_token"`},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodPost, "/api/feeds", strings.NewReader(body))
		if tt.header != "" {
			req.Header.Set("Authorization", tt.header)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		r := response{rec.Code, rec.Result().Header, rec.Body.Bytes()}
		if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") != tt.challenge {
			t.Errorf("%s: %d %q, want 401 with %q", tt.name, r.status, r.header.Get("WWW-Authenticate"), tt.challenge)
		}
		errorOf(t, r)
	}
	if feeds, _ := s.Feeds(t.Context()); len(feeds) != 0 {
		t.Fatalf("a refused request subscribed: %+v", feeds)
	}
	// Two Authorization headers are refused, even if one is good.
	req := httptest.NewRequest(http.MethodPost, "/api/feeds", strings.NewReader(body))
	req.Header.Add("Authorization", "Bearer "+secret)
	req.Header.Add("Authorization", "Bearer x")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("two Authorization headers: %d", rec.Code)
	}
	// The scheme is case-insensitive (RFC 7235).
	req = httptest.NewRequest(http.MethodPost, "/api/feeds", strings.NewReader(body))
	req.Header.Set("Authorization", "bearer "+secret)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusCreated {
		t.Errorf("lower-case scheme: %d %s", rec.Code, rec.Body)
	}
	// A revoked token stops working at once.
	if err := s.RevokeToken(t.Context(), "test"); err != nil {
		t.Fatal(err)
	}
	if r := send(t, h, http.MethodPost, "/api/feeds", secret, `{"url": "https://example.org/other"}`); r.status != http.StatusUnauthorized {
		t.Errorf("revoked token: %d %s", r.status, r.body)
	}
}

func TestFeedEndpoints(t *testing.T) {
	s, secret := tokenStore(t)
	h := api.New(s, api.Options{Logger: quiet})

	r := send(t, h, http.MethodPost, "/api/feeds", secret, `{"url": "https://example.org/mali.rss", "name": "Mali", "interval": "30m"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	var created subscription.Listing
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatal(err)
	}
	if created.ID == 0 || created.Name != "Mali" || created.IntervalSeconds != 1800 || created.State != subscription.StateNew ||
		r.header.Get("Location") != "/api/feeds/"+itoa(created.ID) {
		t.Errorf("created %+v, Location %q", created, r.header.Get("Location"))
	}
	r = send(t, h, http.MethodPost, "/api/feeds", secret, `{"url": "http://example.net/feed", "interval": 90}`)
	if r.status != http.StatusCreated || !strings.Contains(string(r.body), `"interval":"1m30s"`) {
		t.Errorf("POST with seconds: %d %s", r.status, r.body)
	}

	bad := []struct {
		body   string
		status int
		msg    string
	}{
		{`{"url": "https://example.org/mali.rss"}`, http.StatusConflict, "already subscribed"},
		{`{"url": "ftp://example.org/x"}`, http.StatusBadRequest, "only http and https"},
		{`{"name": "no url"}`, http.StatusBadRequest, "url is required"},
		{`{"url": "https://e.org/a", "interval": "soon"}`, http.StatusBadRequest, "interval"},
		{`{"url": "https://e.org/a", "interval": "-5m"}`, http.StatusBadRequest, "interval"},
		{`{"url": "https://e.org/a", "interval": 1e300}`, http.StatusBadRequest, "interval"},
		{`{"url": "https://e.org/a", "interval": "1ms"}`, http.StatusBadRequest, "minimum"},
		{`{"url": "https://e.org/a", "colour": "red"}`, http.StatusBadRequest, "unknown field"},
		{`{"url": "https://e.org/a"} {"url": "https://e.org/b"}`, http.StatusBadRequest, "one JSON object"},
		{`[1,2]`, http.StatusBadRequest, "JSON object"},
		{``, http.StatusBadRequest, "JSON object"},
		{`{"url": "https://e.org/` + strings.Repeat("a", 70<<10) + `"}`, http.StatusRequestEntityTooLarge, "larger"},
	}
	for _, tt := range bad {
		r := send(t, h, http.MethodPost, "/api/feeds", secret, tt.body)
		if r.status != tt.status || !strings.Contains(errorOf(t, r), tt.msg) {
			t.Errorf("POST %.60s: %d %s, want %d %q", tt.body, r.status, r.body, tt.status, tt.msg)
		}
	}

	// Reads are open.
	var list struct {
		Feeds []subscription.Listing `json:"feeds"`
	}
	r = send(t, h, http.MethodGet, "/api/feeds", "", "")
	if err := json.Unmarshal(r.body, &list); err != nil || r.status != 200 || len(list.Feeds) != 2 || list.Feeds[0].ID != created.ID {
		t.Fatalf("GET /api/feeds: %d %s", r.status, r.body)
	}
	if r := send(t, h, http.MethodGet, "/api/feeds/"+itoa(created.ID), "", ""); r.status != 200 || !strings.Contains(string(r.body), `"name":"Mali"`) {
		t.Errorf("GET one: %d %s", r.status, r.body)
	}

	// The monitor gives up on the feed; enabling it (with a token) clears that.
	f, err := s.Feed(t.Context(), created.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.Failures, f.LastError, f.DisabledReason, f.NextPoll = 10, "404 Not Found", "10 failures", time.Now().Add(time.Hour)
	if err := s.UpdateFeed(t.Context(), f); err != nil {
		t.Fatal(err)
	}
	if r := send(t, h, http.MethodPost, "/api/feeds/"+itoa(f.ID)+"/enable", "", ""); r.status != http.StatusUnauthorized {
		t.Errorf("enable without token: %d", r.status)
	}
	r = send(t, h, http.MethodPost, "/api/feeds/"+itoa(f.ID)+"/enable", secret, "")
	if r.status != 200 || strings.Contains(string(r.body), "disabled") {
		t.Errorf("enable: %d %s", r.status, r.body)
	}
	if g, err := s.Feed(t.Context(), f.ID); err != nil || g.Disabled() || g.Failures != 0 || !g.NextPoll.IsZero() {
		t.Errorf("after enable: %+v, %v", g, err)
	}

	for _, tt := range []struct {
		method, path, token string
		status              int
	}{
		{http.MethodDelete, "/api/feeds/" + itoa(f.ID), "", http.StatusUnauthorized},
		{http.MethodDelete, "/api/feeds/" + itoa(f.ID), secret, http.StatusNoContent},
		{http.MethodDelete, "/api/feeds/" + itoa(f.ID), secret, http.StatusNotFound},
		{http.MethodGet, "/api/feeds/" + itoa(f.ID), "", http.StatusNotFound},
		{http.MethodPost, "/api/feeds/" + itoa(f.ID) + "/enable", secret, http.StatusNotFound},
		{http.MethodGet, "/api/feeds/abc", "", http.StatusBadRequest},
		{http.MethodGet, "/api/feeds/-1", "", http.StatusBadRequest},
		{http.MethodGet, "/api/feeds?x=1", "", http.StatusBadRequest},
		{http.MethodPut, "/api/feeds", secret, http.StatusMethodNotAllowed},
		{http.MethodGet, "/api/feeds/1/enable", "", http.StatusMethodNotAllowed},
		{http.MethodHead, "/api/feeds", "", http.StatusOK},
	} {
		r := send(t, h, tt.method, tt.path, tt.token, "")
		if r.status != tt.status {
			t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, r.status, r.body, tt.status)
		}
		if r.status == http.StatusMethodNotAllowed && r.header.Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", tt.method, tt.path)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// readOnly is a store without feeds or tokens (a read replica, an export).
type readOnly struct{ api.Store }

func TestNoFeedsNoTokens(t *testing.T) {
	h := api.New(readOnly{openStore(t, nil, testEvents(3))}, api.Options{Logger: quiet})
	if r := send(t, h, http.MethodGet, "/api/feeds", "", ""); r.status != http.StatusNotFound {
		t.Errorf("GET /api/feeds on a store without feeds: %d", r.status)
	}
	if r := send(t, h, http.MethodGet, "/metrics", "", ""); r.status != http.StatusNotFound {
		t.Errorf("/metrics without Options.Metrics: %d", r.status)
	}
	// No token checker: a guarded route refuses everyone.
	checked := api.New(readOnly{openStore(t, nil, nil)}, api.Options{Logger: quiet, ReadRequiresToken: true})
	if r := send(t, checked, http.MethodGet, "/api/events", "sitrep_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ""); r.status != http.StatusUnauthorized {
		t.Errorf("private server without a token checker: %d", r.status)
	}
}

// countingChecker accepts one secret and counts checks.
type countingChecker struct {
	secret string
	calls  *int
}

func (c countingChecker) CheckToken(_ context.Context, s string) (bool, error) {
	*c.calls++
	return s == c.secret, nil
}

func TestReadRequiresToken(t *testing.T) {
	calls := 0
	metrics := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "sitrep_up 1\n") })
	static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>") })
	h := api.New(openStore(t, nil, testEvents(5)), api.Options{Logger: quiet, ReadRequiresToken: true,
		Tokens: countingChecker{"good", &calls}, Metrics: metrics, Static: static})
	for _, tt := range []struct {
		path  string
		token string
		want  int
	}{
		{"/api/events", "", http.StatusUnauthorized},
		{"/api/events", "bad", http.StatusUnauthorized},
		{"/api/events", "good", http.StatusOK},
		{"/api/events.csv", "", http.StatusUnauthorized},
		{"/api/stats", "", http.StatusUnauthorized},
		{"/api/feeds", "", http.StatusUnauthorized},
		{"/api/feeds", "good", http.StatusOK},
		{"/api/nowhere", "", http.StatusUnauthorized}, // no probing the routes either
		{"/metrics", "", http.StatusUnauthorized},
		{"/metrics", "good", http.StatusOK},
		{"/healthz", "", http.StatusOK},
		{"/api/openapi.json", "", http.StatusOK},
		{"/index.html", "", http.StatusOK},
	} {
		if r := send(t, h, http.MethodGet, tt.path, tt.token, ""); r.status != tt.want {
			t.Errorf("GET %s (token %q): %d, want %d", tt.path, tt.token, r.status, tt.want)
		}
	}
	// A write on a private server checks the token once, not twice.
	calls = 0
	if r := send(t, h, http.MethodPost, "/api/feeds", "good", `{"url": "https://example.org/x"}`); r.status != http.StatusCreated {
		t.Fatalf("POST: %d %s", r.status, r.body)
	}
	if calls != 1 {
		t.Errorf("%d token checks for one write, want 1", calls)
	}
	// An explicit checker is used instead of the store's tokens.
	var events struct {
		Events []event.Event `json:"events"`
	}
	r := send(t, h, http.MethodGet, "/api/events?limit=2", "good", "")
	if err := json.Unmarshal(r.body, &events); err != nil || len(events.Events) != 2 {
		t.Errorf("events with token: %d %s", r.status, r.body)
	}
	// Open by default: the same store without the option.
	open := api.New(openStore(t, nil, testEvents(5)), api.Options{Logger: quiet, Metrics: metrics})
	for _, p := range []string{"/api/events", "/api/feeds", "/metrics"} {
		if r := send(t, open, http.MethodGet, p, "", ""); r.status != http.StatusOK {
			t.Errorf("open server GET %s: %d", p, r.status)
		}
	}
	if r := send(t, open, http.MethodPost, "/metrics", "", ""); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST /metrics: %d", r.status)
	}
}

// TestOpenAPIFeeds: the feed routes, /metrics and the bearer scheme are described, and every write
// declares that it needs the token.
func TestOpenAPIFeeds(t *testing.T) {
	r := send(t, api.New(openStore(t, nil, nil), api.Options{Logger: quiet}), http.MethodGet, "/api/openapi.json", "", "")
	var doc struct {
		Paths map[string]map[string]struct {
			Security  []map[string][]string `json:"security"`
			Responses map[string]any        `json:"responses"`
		} `json:"paths"`
		Components struct {
			SecuritySchemes map[string]struct {
				Type, Scheme string
			} `json:"securitySchemes"`
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatal(err)
	}
	if b := doc.Components.SecuritySchemes["bearer"]; b.Type != "http" || b.Scheme != "bearer" {
		t.Errorf("bearer scheme: %+v", b)
	}
	for _, op := range []struct {
		path, method string
		write        bool
	}{
		{"/api/feeds", "get", false}, {"/api/feeds", "post", true},
		{"/api/feeds/{id}", "get", false}, {"/api/feeds/{id}", "delete", true},
		{"/api/feeds/{id}/enable", "post", true}, {"/metrics", "get", false},
	} {
		o, ok := doc.Paths[op.path][op.method]
		if !ok {
			t.Errorf("%s %s undocumented", op.method, op.path)
			continue
		}
		if _, ok := o.Responses["401"]; !ok {
			t.Errorf("%s %s: no 401 response documented", op.method, op.path)
		}
		required := len(o.Security) > 0
		for _, s := range o.Security {
			if len(s) == 0 {
				required = false // {} makes the token optional
			}
		}
		if required != op.write {
			t.Errorf("%s %s: token required %v, want %v", op.method, op.path, required, op.write)
		}
	}
	for _, s := range []string{"Feed", "FeedList", "FeedRequest"} {
		if doc.Components.Schemas[s] == nil {
			t.Errorf("schema %s missing", s)
		}
	}
}

// FuzzAuthorization: whatever a client sends as Authorization, a guarded route answers 401 with a
// challenge, or lets exactly the good token through; never a 5xx.
func FuzzAuthorization(f *testing.F) {
	for _, s := range []string{"Bearer good", "bearer good", "Bearer  good ", "Basic Zm9vOmJhcg==", "Bearer", "Bearer \x00", "", "Bearer good\r\n"} {
		f.Add(s)
	}
	calls := 0
	h := api.New(readOnly{}, api.Options{Logger: quiet, ReadRequiresToken: true, Tokens: countingChecker{"good", &calls}})
	f.Fuzz(func(t *testing.T, header string) {
		req := httptest.NewRequest(http.MethodGet, "/api/nowhere", nil)
		req.Header["Authorization"] = []string{header}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		scheme, secret, _ := strings.Cut(header, " ")
		good := strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(secret) == "good"
		switch {
		case good && rec.Code != http.StatusNotFound: // through to the API's own 404
			t.Fatalf("%q: %d, want the good token let through", header, rec.Code)
		case !good && (rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == ""):
			t.Fatalf("%q: %d %q, want 401 with a challenge", header, rec.Code, rec.Header().Get("WWW-Authenticate"))
		}
	})
}
