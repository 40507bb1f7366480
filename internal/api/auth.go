package api

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// TokenChecker checks API bearer tokens; both stores implement it (tokens are made with
// 'sitrep token create').
type TokenChecker interface {
	CheckToken(ctx context.Context, secret string) (bool, error)
}

// checkTimeout bounds a token check: a stalled database must not hold requests at the door.
const checkTimeout = 5 * time.Second

// authorizedKey marks a request whose token was already checked (a private server checks reads, and
// a write route then need not check again).
type authorizedKey struct{}

// writeAccess lets a request through only with a valid 'Authorization: Bearer <secret>' header;
// otherwise it answers 401 with a WWW-Authenticate challenge (RFC 6750) and a JSON error.
func (s *server) writeAccess(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(authorizedKey{}) != nil {
			h.ServeHTTP(w, r)
			return
		}
		ok, err := s.authorize(w, r)
		if !ok {
			if err != nil {
				reportError(w, r, err)
			}
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authorizedKey{}, true)))
	})
}

// readAccess guards the read endpoints (and /metrics) when Options.ReadRequiresToken is set. The
// health check, the OpenAPI description and the dashboard's static files stay open: they hold no
// data, and a client needs the description to learn how to authenticate.
func (s *server) readAccess(h http.Handler) http.Handler {
	if !s.readToken {
		return h
	}
	guarded := s.writeAccess(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/metrics" || (strings.HasPrefix(p, "/api/") && p != "/api/openapi.json") {
			guarded.ServeHTTP(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// authorize checks the request's bearer token. When it refuses it has written the 401 response
// (ok false, err nil); err is a failure to check (the caller reports it).
func (s *server) authorize(w http.ResponseWriter, r *http.Request) (ok bool, err error) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		unauthorized(w, "", "this endpoint needs 'Authorization: Bearer <token>' (tokens are made with 'sitrep token create')")
		return false, nil
	}
	scheme, secret, _ := strings.Cut(values[0], " ")
	secret = strings.TrimSpace(secret)
	if len(values) > 1 || !strings.EqualFold(scheme, "Bearer") || secret == "" {
		unauthorized(w, "invalid_request", "malformed Authorization header: want one 'Bearer <token>'")
		return false, nil
	}
	if s.tokens == nil {
		unauthorized(w, "invalid_token", "this server accepts no tokens")
		return false, nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), checkTimeout)
	defer cancel()
	valid, err := s.tokens.CheckToken(ctx, secret)
	if err != nil {
		return false, err
	}
	if !valid {
		unauthorized(w, "invalid_token", "invalid or revoked token")
		return false, nil
	}
	return true, nil
}

// unauthorized writes a 401 with its Bearer challenge; code is RFC 6750's error code, "" when the
// request carried no credentials at all.
func unauthorized(w http.ResponseWriter, code, msg string) {
	challenge := `Bearer realm="sitrep"`
	if code != "" {
		challenge += `, error="` + code + `"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	writeError(w, http.StatusUnauthorized, msg)
}
