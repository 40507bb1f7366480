package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w
}

func TestHandler(t *testing.T) {
	h := Handler()
	tests := []struct {
		method, path string
		status       int
		ctype        string // prefix of Content-Type
		contains     string
	}{
		{"GET", "/", 200, "text/html", `<script type="module" src="app.js"></script>`},
		{"HEAD", "/", 200, "text/html", ""},
		{"GET", "/app.js", 200, "text/javascript", "maplibre-gl-worker.mjs"},
		{"GET", "/app.css", 200, "text/css", ".maplibregl-map"},
		{"GET", "/maplibre-gl-worker.mjs", 200, "text/javascript", ""},
		{"GET", "/countries-50m.json", 200, "application/json", `"Mali"`},
		{"GET", "/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"GET", "/index.html", 200, "text/html", "<title>"},
		{"GET", "/app.js.gz", 404, "", ""}, // gzip copies are an encoding, not files
		{"GET", "/no-such-file.js", 404, "", ""},
		{"GET", "/../web.go", 404, "", ""},
		{"POST", "/", 405, "", ""},
		{"DELETE", "/app.js", 405, "", ""},
	}
	for _, tc := range tests {
		w := get(t, h, tc.method, tc.path)
		if w.Code != tc.status {
			t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, w.Code, tc.status)
			continue
		}
		if ct := w.Header().Get("Content-Type"); tc.ctype != "" && !strings.HasPrefix(ct, tc.ctype) {
			t.Errorf("%s %s: Content-Type %q, want %s...", tc.method, tc.path, ct, tc.ctype)
		}
		if tc.contains != "" && !strings.Contains(w.Body.String(), tc.contains) {
			t.Errorf("%s %s: body lacks %q", tc.method, tc.path, tc.contains)
		}
		if tc.status == 200 && w.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: no nosniff header", tc.method, tc.path)
		}
	}
}

// Clients that accept gzip get the build's gzip copy, which must decode to the file itself; ETags
// turn revalidation into 304s, separately for each encoding.
func TestHandlerEncodingAndRevalidation(t *testing.T) {
	h := Handler()
	for _, name := range []string{"app.js", "app.css", "maplibre-gl-worker.mjs", "countries-50m.json"} {
		plain := get(t, h, "GET", "/"+name)
		req := httptest.NewRequest("GET", "/"+name, nil)
		req.Header.Set("Accept-Encoding", "br, gzip;q=0.8")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: Content-Encoding %q, want gzip", name, w.Header().Get("Content-Encoding"))
			continue
		}
		zr, err := gzip.NewReader(w.Body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		unzipped, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(unzipped, plain.Body.Bytes()) {
			t.Errorf("%s: the gzip copy does not decode to the file (rebuild dist)", name)
		}
		if w.Header().Get("ETag") == plain.Header().Get("ETag") {
			t.Errorf("%s: the same ETag for both encodings", name)
		}
		if plain.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("%s: Vary %q", name, plain.Header().Get("Vary"))
		}
		again := httptest.NewRequest("GET", "/"+name, nil)
		again.Header.Set("If-None-Match", plain.Header().Get("ETag"))
		w = httptest.NewRecorder()
		h.ServeHTTP(w, again)
		if w.Code != http.StatusNotModified {
			t.Errorf("%s: revalidation status %d, want 304", name, w.Code)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip;q=1.0, *;q=0.5": true, "br": false,
		"gzip;q=0": false, "gzip; q=0.000": false, "x-gzip": false, "identity, gzip ; q=0.2": true,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}

// The page must run under a CSP without 'unsafe-inline' and fetch nothing from elsewhere: every
// script is an external same-origin file, no inline handlers, no absolute URLs, and every asset
// the page names is embedded.
func TestPageIsSelfContained(t *testing.T) {
	page, err := fs.ReadFile(dist, "dist/index.html")
	if err != nil {
		t.Fatal(err)
	}
	scripts := regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`).FindAllSubmatch(page, -1)
	if len(scripts) == 0 {
		t.Fatal("the page loads no script")
	}
	for _, s := range scripts {
		if !bytes.Contains(s[1], []byte("src=")) || len(bytes.TrimSpace(s[2])) > 0 {
			t.Errorf("inline script: %s", s[0])
		}
	}
	if m := regexp.MustCompile(`(?i)\son[a-z]+\s*=`).Find(page); m != nil {
		t.Errorf("inline event handler attribute %q", m)
	}
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`).Find(page); m != nil {
		t.Errorf("the page names another origin: %q", m)
	}
	for _, m := range regexp.MustCompile(`(?i)\s(?:src|href)="([^"]+)"`).FindAllSubmatch(page, -1) {
		ref := string(m[1])
		if strings.HasPrefix(ref, "/api/") {
			continue // served by the API beside this handler
		}
		if _, err := fs.Stat(dist, "dist/"+strings.TrimPrefix(ref, "/")); err != nil {
			t.Errorf("the page names %q, which is not embedded", ref)
		}
	}
	css, err := fs.ReadFile(dist, "dist/app.css")
	if err != nil {
		t.Fatal(err)
	}
	if m := regexp.MustCompile(`url\(\s*["']?(https?:)?//`).Find(css); m != nil {
		t.Errorf("the stylesheet loads from another origin: %q", m)
	}
}

// The basemap must hold the countries sitrep's sources cover, with the numeric ISO ids the map
// uses to shade countries that have events.
func TestBasemap(t *testing.T) {
	b, err := fs.ReadFile(dist, "dist/countries-50m.json")
	if err != nil {
		t.Fatal(err)
	}
	var topo struct {
		Type    string `json:"type"`
		Objects map[string]struct {
			Geometries []struct {
				ID         string `json:"id"`
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			} `json:"geometries"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(b, &topo); err != nil {
		t.Fatal(err)
	}
	if topo.Type != "Topology" {
		t.Fatalf("type %q, want Topology", topo.Type)
	}
	ids := map[string]string{}
	for _, g := range topo.Objects["countries"].Geometries {
		ids[g.Properties.Name] = g.ID
	}
	for name, id := range map[string]string{"Mali": "466", "Niger": "562", "Mozambique": "508", "Nigeria": "566", "Burkina Faso": "854"} {
		if ids[name] != id {
			t.Errorf("%s: id %q, want %s", name, ids[name], id)
		}
	}
}

// repoRoot is the module root (where go.mod is), for the web/ sources.
func repoRoot(t *testing.T) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatal("go.mod not found")
		}
	}
}

// needNode returns node's path and the web folder, skipping (failing under CI=true) when node or
// the npm packages are missing.
func needNode(t *testing.T, modules bool) (node, web string) {
	t.Helper()
	web = filepath.Join(repoRoot(t), "web")
	node, err := exec.LookPath("node")
	missing := ""
	switch {
	case err != nil:
		missing = "node is not installed"
	case modules:
		if _, err := os.Stat(filepath.Join(web, "node_modules", "esbuild")); err != nil {
			missing = "web/node_modules is missing (run npm ci --prefix web)"
		}
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(missing)
		}
		t.Skip(missing)
	}
	return node, web
}

// The dashboard's pure JavaScript (byte offsets to UTF-16, URL state) has node unit tests.
func TestJavaScriptUnits(t *testing.T) {
	node, web := needNode(t, false)
	cmd := exec.CommandContext(t.Context(), node, "--test", "src/")
	cmd.Dir = web
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, out)
	}
}

// The committed dist must be what the committed sources and lockfile build, so the binary never
// embeds a stale dashboard.
func TestDistIsBuiltFromSources(t *testing.T) {
	node, web := needNode(t, true)
	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), node, "scripts/build.mjs")
	cmd.Dir = web
	cmd.Env = append(os.Environ(), "SITREP_WEB_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, b)
	}
	built := map[string]bool{}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		built[rel] = true
		fresh, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		committed, err := fs.ReadFile(dist, "dist/"+filepath.ToSlash(rel))
		if err != nil {
			t.Errorf("%s is built but not in dist (run npm --prefix web run build)", rel)
			return nil
		}
		if !bytes.Equal(fresh, committed) {
			t.Errorf("dist/%s differs from a fresh build (run npm --prefix web run build)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(dist, "dist")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !built[e.Name()] {
			t.Errorf("dist/%s is not produced by the build any more", e.Name())
		}
	}
}

// FuzzHandlerPath: any request path gets an ordinary answer (never a server error or panic), and a
// 200 answer is one of the embedded files.
func FuzzHandlerPath(f *testing.F) {
	for _, s := range []string{"/", "/app.js", "/..%2f..%2fetc/passwd", "/dist/index.html", "//x", "/%00", "/a/../app.css", "/index.html/"} {
		f.Add(s)
	}
	h := Handler()
	files := map[string]bool{}
	entries, err := fs.ReadDir(dist, "dist")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		b, _ := fs.ReadFile(dist, "dist/"+e.Name())
		files[string(b)] = true
	}
	f.Fuzz(func(t *testing.T, path string) {
		req, err := http.NewRequest("GET", "http://sitrep.test/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Path = "/" + strings.TrimPrefix(path, "/")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%q: status %d", path, w.Code)
		}
		if w.Code == 200 {
			body, _ := io.ReadAll(w.Body)
			if !files[string(body)] {
				t.Fatalf("%q: 200 with a body that is no embedded file (%d bytes)", path, len(body))
			}
		}
	})
}

// BenchmarkHandler measures serving the page and the bundle (gzip copy) from memory.
func BenchmarkHandler(b *testing.B) {
	h := Handler()
	for bench, target := range map[string]string{"page": "/", "bundle": "/app.js"} {
		b.Run(bench+"_gzip", func(b *testing.B) {
			req := httptest.NewRequest("GET", target, nil)
			req.Header.Set("Accept-Encoding", "gzip")
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
