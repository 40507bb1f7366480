package api

import "net/http"

// metricsRoute serves /metrics with h (GET only); nil answers 404.
func metricsRoute(h http.Handler) http.Handler {
	if h == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, "this server exports no metrics")
		})
	}
	return methods(map[string]http.Handler{http.MethodGet: h})
}
