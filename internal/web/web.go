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
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed dist
var dist embed.FS

// asset is one servable file: its bytes, a gzip copy when the build made one, and an ETag so that
// browsers revalidate cheaply (embedded files carry no modification time).
type asset struct {
	body, gz []byte
	ctype    string
	etag     string
}

// Handler serves the dashboard's static files: "/" is the page, the rest are its assets (gzip
// copies go to clients that accept them). Mount it at the root beside the API; it answers only
// GET and HEAD.
func Handler() http.Handler {
	assets, err := load(dist, "dist")
	if err != nil {
		// dist is embedded at build time, so this cannot happen in a binary that compiled.
		panic("web: embedded dist folder unreadable: " + err.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		if name == "" {
			name = "index.html"
		}
		a, ok := assets[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("X-Content-Type-Options", "nosniff")
		// The files change only with the binary: browsers keep them but ask again each time, and
		// the ETag turns that into a 304.
		h.Set("Cache-Control", "no-cache")
		body := a.body
		if a.gz != nil {
			h.Add("Vary", "Accept-Encoding")
			// Ranges would address the compressed bytes; a range request gets the plain file.
			if r.Header.Get("Range") == "" && acceptsGzip(r.Header.Get("Accept-Encoding")) {
				h.Set("Content-Encoding", "gzip")
				body = a.gz
				h.Set("ETag", `"`+a.etag+`-gz"`)
			}
		}
		if h.Get("ETag") == "" {
			h.Set("ETag", `"`+a.etag+`"`)
		}
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	})
}

// load reads the files under dir: NAME.gz becomes the gzip copy of NAME, not a file of its own.
func load(fsys fs.FS, dir string) (map[string]*asset, error) {
	assets := map[string]*asset{}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".gz") {
			continue
		}
		b, err := fs.ReadFile(fsys, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		a := &asset{body: b, ctype: contentType(e.Name()), etag: hex.EncodeToString(sum[:8])}
		if gz, err := fs.ReadFile(fsys, dir+"/"+e.Name()+".gz"); err == nil {
			a.gz = gz
		}
		assets[e.Name()] = a
	}
	return assets, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js", ".mjs":
		// module scripts and workers are refused unless served as JavaScript
		return "text/javascript; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip (and does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for part := range strings.SplitSeq(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
