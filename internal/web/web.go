// Package web serves sitrep's offline map dashboard: the page, its bundled JavaScript and CSS,
// MapLibre's worker and the Natural Earth basemap, all embedded in the binary so the dashboard
// needs no network beyond the sitrep server itself (no CDN, no tile or glyph server).
//
// The assets are built from ../../web by `npm --prefix web run build` (see README.md) and the
// built files in dist/ are committed, so `go build` works without npm.
//
// The page talks to the JSON API (internal/api) on the same origin. The API's Content-Security-Policy
// must allow what the page does and nothing more:
//
//	default-src 'self'; script-src 'self'; worker-src 'self' blob:; connect-src 'self';
//	img-src 'self' data: blob:; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'
//
// MapLibre starts its worker from a same-origin module URL (some browsers wrap it in a blob: URL,
// hence worker-src blob:), and its stylesheet draws the map controls from data: images.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed dist
var dist embed.FS

// Handler serves the dashboard's static files: "/" is the page, the rest are its assets. Mount it
// at the root beside the API; it answers only GET and HEAD.
func Handler() http.Handler {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// dist is embedded at build time, so this cannot happen in a binary that compiled.
		panic("web: embedded dist folder missing: " + err.Error())
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		// A name an fs.FS cannot hold (invalid UTF-8 from a %-escape) is simply not there; the file
		// server would call it an internal error.
		if name := strings.TrimPrefix(path.Clean(r.URL.Path), "/"); name != "" && !fs.ValidPath(name) {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		// The embedded files change only with the binary: let browsers revalidate (the file server
		// answers If-Modified-Since cheaply) rather than keep a page from an older build.
		h.Set("Cache-Control", "no-cache")
		if strings.HasSuffix(r.URL.Path, ".mjs") || strings.HasSuffix(r.URL.Path, ".js") {
			// module scripts and workers are refused unless served as JavaScript
			h.Set("Content-Type", "text/javascript; charset=utf-8")
		}
		files.ServeHTTP(w, r)
	})
}
