package fetcher

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

// testOptions: loopback allowed (httptest serves there), no politeness delay, a short timeout.
func testOptions() Options {
	return Options{AllowLoopback: true, MinHostDelay: -1, Timeout: 2 * time.Second}
}

func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func fetch(t *testing.T, opts Options, req Request) (*Response, error) {
	t.Helper()
	c := New(opts)
	t.Cleanup(c.CloseIdleConnections)
	return c.Fetch(context.Background(), req)
}

func wantKind(t *testing.T, err error, kind string) *Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want kind %q", kind)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.Kind != kind || KindOf(err) != kind {
		t.Fatalf("kind %q (KindOf %q), want %q: %v", e.Kind, KindOf(err), kind, err)
	}
	return e
}

func TestFetchOK(t *testing.T) {
	var gotUA, gotAccept, gotAE string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotAccept, gotAE = r.UserAgent(), r.Header.Get("Accept"), r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Tue, 24 Sep 2024 05:07:21 GMT")
		io.WriteString(w, "<rss><channel><title>Ségou</title></channel></rss>")
	})
	resp, err := fetch(t, testOptions(), Request{URL: srv.URL + "/feed", Accept: AcceptFeed})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || resp.NotModified || string(resp.Body) != "<rss><channel><title>Ségou</title></channel></rss>" {
		t.Errorf("response %+v", resp)
	}
	if resp.ContentType != "application/rss+xml" || resp.Charset != "utf-8" || resp.ETag != `"v1"` ||
		resp.LastModified != "Tue, 24 Sep 2024 05:07:21 GMT" || resp.URL != srv.URL+"/feed" {
		t.Errorf("metadata %+v", resp)
	}
	if !strings.HasPrefix(gotUA, "sitrep/") || !strings.Contains(gotUA, "+https://github.com/sitrep-dev/sitrep") {
		t.Errorf("User-Agent %q", gotUA)
	}
	if gotAccept != AcceptFeed || gotAE != "gzip, deflate" {
		t.Errorf("Accept %q, Accept-Encoding %q", gotAccept, gotAE)
	}
}

// The seed feed served as a feed server would: the second poll, with the validators of the first,
// gets 304 and no body.
func TestConditionalGetSeedFeed(t *testing.T) {
	feed, err := os.ReadFile(fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss"))
	if err != nil {
		t.Fatal(err)
	}
	modified := time.Date(2024, 9, 24, 5, 7, 21, 0, time.UTC)
	tests := []struct {
		name       string
		etag       bool
		lastMod    bool
		wantETag   string
		wantLastMo string
	}{
		{"etag", true, false, `"seed-1"`, ""},
		{"last-modified", false, true, "", modified.Format(http.TimeFormat)},
		{"both", true, true, `"seed-1"`, modified.Format(http.TimeFormat)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var full, notModified int
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				if tt.etag {
					w.Header().Set("ETag", `"seed-1"`)
				}
				// ServeContent answers If-None-Match / If-Modified-Since with 304 and no body.
				mod := time.Time{}
				if tt.lastMod {
					mod = modified
				}
				rec := &countingWriter{ResponseWriter: w}
				http.ServeContent(rec, r, "feed.rss", mod, bytes.NewReader(feed))
				if rec.status == http.StatusNotModified {
					notModified++
				} else {
					full++
				}
			})
			c := New(testOptions())
			defer c.CloseIdleConnections()
			first, err := c.Fetch(context.Background(), Request{URL: srv.URL, Accept: AcceptFeed})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first.Body, feed) || first.ETag != tt.wantETag || first.LastModified != tt.wantLastMo {
				t.Fatalf("first poll: body %d bytes (want %d), ETag %q, Last-Modified %q", len(first.Body), len(feed), first.ETag, first.LastModified)
			}
			second, err := c.Fetch(context.Background(), Request{URL: srv.URL, ETag: first.ETag, LastModified: first.LastModified})
			if err != nil {
				t.Fatal(err)
			}
			if !second.NotModified || second.Status != 304 || len(second.Body) != 0 {
				t.Errorf("second poll: %+v, want 304 Not Modified with no body", second)
			}
			if second.ETag != first.ETag || second.LastModified != first.LastModified {
				t.Errorf("validators after 304: %q %q, want %q %q", second.ETag, second.LastModified, first.ETag, first.LastModified)
			}
			if full != 1 || notModified != 1 {
				t.Errorf("server sent %d full responses and %d 304s, want 1 and 1", full, notModified)
			}
		})
	}
}

type countingWriter struct {
	http.ResponseWriter
	status int
}

func (w *countingWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func compress(t *testing.T, encoding string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch encoding {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	case "raw-deflate":
		w, _ = flate.NewWriter(&buf, flate.DefaultCompression)
	}
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestContentEncoding(t *testing.T) {
	page := []byte(strings.Repeat("<p>Des hommes armés ont attaqué le village.</p>\n", 200))
	bomb := make([]byte, 32<<20) // 32 MiB of zeros: about 32 KiB compressed
	tests := []struct {
		name     string
		header   string // Content-Encoding sent
		body     []byte
		maxBytes int64
		want     []byte
		kind     string
	}{
		{"gzip", "gzip", compress(t, "gzip", page), 0, page, ""},
		{"deflate zlib", "deflate", compress(t, "deflate", page), 0, page, ""},
		{"deflate raw", "deflate", compress(t, "raw-deflate", page), 0, page, ""},
		{"gzip exactly at the cap", "gzip", compress(t, "gzip", page), int64(len(page)), page, ""},
		{"gzip one byte over the cap", "gzip", compress(t, "gzip", page), int64(len(page) - 1), nil, KindTooLarge},
		{"gzip bomb", "gzip", compress(t, "gzip", bomb), 1 << 20, nil, KindTooLarge},
		{"corrupt gzip", "gzip", []byte("\x1f\x8b\x08\x00garbage that is not deflate"), 0, nil, KindBody},
		{"not gzip at all", "gzip", page, 0, nil, KindBody},
		{"unknown encoding", "br", page, 0, nil, KindBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Content-Encoding", tt.header)
				w.Write(tt.body)
			})
			opts := testOptions()
			opts.MaxBytes = tt.maxBytes
			resp, err := fetch(t, opts, Request{URL: srv.URL})
			if tt.kind != "" {
				wantKind(t, err, tt.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(resp.Body, tt.want) {
				t.Errorf("body %d bytes, want %d", len(resp.Body), len(tt.want))
			}
		})
	}
}

func TestSizeCap(t *testing.T) {
	huge := bytes.Repeat([]byte("a long article line that goes on and on\n"), 60000) // 2.4 MB
	tests := []struct {
		name          string
		contentLength bool
	}{
		{"declared length", true},
		{"chunked", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				if tt.contentLength {
					w.Header().Set("Content-Length", fmt.Sprint(len(huge)))
				}
				w.Write(huge)
			})
			opts := testOptions()
			opts.MaxBytes = 1 << 20
			_, err := fetch(t, opts, Request{URL: srv.URL})
			e := wantKind(t, err, KindTooLarge)
			if e.Temporary() {
				t.Error("too_large is not temporary")
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"no headers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}},
		{"body trickles", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(200)
			for {
				if _, err := io.WriteString(w, "x"); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			opts := testOptions()
			opts.Timeout = 200 * time.Millisecond
			_, err := fetch(t, opts, Request{URL: srv.URL})
			e := wantKind(t, err, KindTimeout)
			if !e.Temporary() {
				t.Error("a timeout is temporary")
			}
		})
	}
}

func TestStatusErrors(t *testing.T) {
	now := time.Now()
	date := now.Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		status     int
		retryAfter string
		kind       string
		temporary  bool
		minWait    time.Duration
		maxWait    time.Duration
	}{
		{"429 seconds", 429, "120", KindRateLimited, true, 120 * time.Second, 120 * time.Second},
		{"429 date", 429, date, KindRateLimited, true, 80 * time.Second, 90 * time.Second},
		{"429 without Retry-After", 429, "", KindRateLimited, true, 0, 0},
		{"503 with Retry-After", 503, "30", KindRateLimited, true, 30 * time.Second, 30 * time.Second},
		{"503 without Retry-After", 503, "", KindStatus, true, 0, 0},
		{"500", 500, "", KindStatus, true, 0, 0},
		{"404", 404, "", KindStatus, false, 0, 0},
		{"410", 410, "", KindStatus, false, 0, 0},
		{"403 with junk Retry-After", 403, "soon", KindStatus, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, "error page")
			})
			_, err := fetch(t, testOptions(), Request{URL: srv.URL})
			e := wantKind(t, err, tt.kind)
			if e.Status != tt.status || e.Temporary() != tt.temporary {
				t.Errorf("status %d temporary %v, want %d %v", e.Status, e.Temporary(), tt.status, tt.temporary)
			}
			if e.RetryAfter < tt.minWait || e.RetryAfter > tt.maxWait {
				t.Errorf("RetryAfter %s, want in [%s, %s]", e.RetryAfter, tt.minWait, tt.maxWait)
			}
		})
	}
}

func TestRedirects(t *testing.T) {
	var srv *httptest.Server
	srv = serve(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err == nil && n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "arrived")
	})
	tests := []struct {
		name     string
		hops     int
		max      int
		kind     string
		finalURL string
	}{
		{"no redirect", 0, 0, "", "/hop/0"},
		{"at the default limit", 5, 0, "", "/hop/0"},
		{"over the default limit", 6, 0, KindTooManyRedirects, "/hop/0"},
		{"over a custom limit", 3, 2, KindTooManyRedirects, "/hop/0"},
		{"redirects disabled", 1, -1, KindTooManyRedirects, "/hop/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.MaxRedirects = tt.max
			resp, err := fetch(t, opts, Request{URL: fmt.Sprintf("%s/hop/%d", srv.URL, tt.hops)})
			if tt.kind != "" {
				wantKind(t, err, tt.kind)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != "arrived" || resp.URL != srv.URL+tt.finalURL {
				t.Errorf("body %q at %s", resp.Body, resp.URL)
			}
		})
	}
}

func TestOutboundSafety(t *testing.T) {
	redirectTo := func(target string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target, http.StatusFound)
		}
	}
	ok := serve(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "fine") })
	_, port, _ := net.SplitHostPort(ok.Listener.Addr().String())
	tests := []struct {
		name          string
		url           string
		allowLoopback bool
		kind          string
	}{
		{"loopback refused by default", ok.URL, false, KindForbiddenAddress},
		{"localhost by name refused", "http://localhost:" + port + "/", false, KindForbiddenAddress},
		{"loopback allowed when configured", ok.URL, true, ""},
		{"redirect to RFC 1918", serve(t, redirectTo("http://10.0.0.1/admin")).URL, true, KindForbiddenAddress},
		{"redirect to cloud metadata", serve(t, redirectTo("http://169.254.169.254/latest/meta-data/")).URL, true, KindForbiddenAddress},
		{"redirect to IPv6 unique local", serve(t, redirectTo("http://[fd00::1]/")).URL, true, KindForbiddenAddress},
		{"redirect to CGNAT", serve(t, redirectTo("http://100.64.0.1/")).URL, true, KindForbiddenAddress},
		{"redirect to unspecified", serve(t, redirectTo("http://0.0.0.0:"+port+"/")).URL, true, KindForbiddenAddress},
		{"redirect to ftp", serve(t, redirectTo("ftp://example.com/feed.xml")).URL, true, KindBadScheme},
		{"redirect to file", serve(t, redirectTo("file:///etc/passwd")).URL, true, KindBadScheme},
		{"ftp URL", "ftp://example.com/feed.xml", true, KindBadScheme},
		{"file URL", "file:///etc/passwd", true, KindBadScheme},
		{"no host", "http:///feed", true, KindBadScheme},
		{"relative URL", "/feed.xml", true, KindBadScheme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.AllowLoopback = tt.allowLoopback
			resp, err := fetch(t, opts, Request{URL: tt.url})
			if tt.kind == "" {
				if err != nil || string(resp.Body) != "fine" {
					t.Fatalf("fetch: %v", err)
				}
				return
			}
			if e := wantKind(t, err, tt.kind); e.Temporary() {
				t.Errorf("%s is not temporary", tt.kind)
			}
		})
	}
}

func TestNetworkErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close()
	_, err = fetch(t, testOptions(), Request{URL: closed})
	if e := wantKind(t, err, KindConnect); !e.Temporary() {
		t.Error("connection refused is temporary")
	}

	_, err = fetch(t, testOptions(), Request{URL: "http://no-such-host.invalid/feed"})
	if e := wantKind(t, err, KindDNS); e.Temporary() {
		t.Error("a name that does not exist is not temporary")
	}

	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	_, err = fetch(t, testOptions(), Request{URL: tlsSrv.URL}) // self-signed: not trusted
	wantKind(t, err, KindTLS)

	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err = New(testOptions()).Fetch(ctx, Request{URL: srv.URL})
	wantKind(t, err, KindCanceled)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("a canceled fetch's error %v does not wrap context.Canceled", err)
	}
}

func TestCharsets(t *testing.T) {
	const french = "Les forces armées ont riposté à l'attaque près de Ségou ; « dix-sept morts », selon un élu."
	latin1, _ := charmap.ISO8859_1.NewEncoder().String(french)
	const curly = "L’armée a confirmé l’attaque : œuvre de « djihadistes » – 12 € de rançon…"
	cp1252, _ := charmap.Windows1252.NewEncoder().String(curly)
	tests := []struct {
		name        string
		contentType string
		body        string
		want        string // the body expected back, in UTF-8
		charset     string
	}{
		{"ISO-8859-1 in the header", "text/plain; charset=ISO-8859-1", latin1, french, "windows-1252"},
		{"Windows-1252 in the header", "text/html; charset=windows-1252", "<p>" + cp1252 + "</p>", "<p>" + curly + "</p>", "windows-1252"},
		{"Windows-1252 only in meta", "text/html",
			`<html><head><meta charset="windows-1252"><title>x</title></head><body><p>` + cp1252 + `</p></body></html>`,
			`<html><head><meta charset="utf-8"><title>x</title></head><body><p>` + curly + `</p></body></html>`, "windows-1252"},
		{"ISO-8859-1 only in http-equiv meta", "text/html",
			`<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body>` + latin1 + `</body></html>`,
			`<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>` + french + `</body></html>`, "windows-1252"},
		{"ISO-8859-1 only in the XML declaration", "application/rss+xml",
			`<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>` + latin1 + `</title></channel></rss>`,
			`<?xml version="1.0" encoding="utf-8"?><rss><channel><title>` + french + `</title></channel></rss>`, "windows-1252"},
		{"header wins over the document", "text/html; charset=iso-8859-1",
			`<meta charset="utf-8"><p>` + latin1 + `</p>`, `<meta charset="utf-8"><p>` + french + `</p>`, "windows-1252"},
		{"UTF-8 header the bytes contradict", "text/html; charset=UTF-8",
			`<meta charset="iso-8859-1"><p>` + latin1 + `</p>`, `<meta charset="utf-8"><p>` + french + `</p>`, "windows-1252"},
		{"UTF-8 served as ISO-8859-1", "text/html; charset=iso-8859-1",
			`<meta charset="iso-8859-1"><p>` + french + `</p>`, `<meta charset="utf-8"><p>` + french + `</p>`, "utf-8"},
		{"ASCII declared ISO-8859-1", "text/plain; charset=iso-8859-1", "Gao, Kidal", "Gao, Kidal", "windows-1252"},
		{"undeclared legacy bytes", "text/plain", cp1252, curly, "windows-1252"},
		{"undeclared UTF-8", "text/plain", french, french, "utf-8"},
		{"UTF-8 with a BOM", "text/plain", "\ufeff" + french, french, "utf-8"},
		{"UTF-8 with one stray byte repaired", "text/plain", french + "\xff", french + "\ufffd", "utf-8"},
		{"unknown charset label", "text/plain; charset=x-no-such", french, french, "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				io.WriteString(w, tt.body)
			})
			resp, err := fetch(t, testOptions(), Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if string(resp.Body) != tt.want || resp.Charset != tt.charset {
				t.Errorf("got %q (%s)\nwant %q (%s)", resp.Body, resp.Charset, tt.want, tt.charset)
			}
		})
	}
}

func TestUTF16(t *testing.T) {
	const text = `<?xml version="1.0" encoding="UTF-16"?><rss><channel><title>Ménaka</title></channel></rss>`
	le := []byte{0xff, 0xfe}
	for _, r := range text {
		le = append(le, byte(r), byte(r>>8))
	}
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.Write(le)
	})
	resp, err := fetch(t, testOptions(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(text, "UTF-16", "utf-8", 1)
	if string(resp.Body) != want || resp.Charset != "utf-16le" {
		t.Errorf("got %q (%s), want %q", resp.Body, resp.Charset, want)
	}
}

func TestBinaryBody(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00")
	tests := []struct {
		name        string
		contentType string
		body        []byte
		text        bool
	}{
		{"PNG as image/png", "image/png", png, false},
		{"PNG as octet-stream", "application/octet-stream", png, false},
		{"PNG claiming to be HTML", "text/html", png, false},
		{"PDF", "application/pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), false},
		{"feed mislabelled as octet-stream", "application/octet-stream", []byte(`<?xml version="1.0"?><rss></rss>`), true},
		{"no Content-Type, HTML", "", []byte("<!DOCTYPE html><html><body>x</body></html>"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Content-Type"] = []string{tt.contentType}
				w.Write(tt.body)
			})
			_, err := fetch(t, testOptions(), Request{URL: srv.URL})
			if tt.text {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e := wantKind(t, err, KindBody)
			if !errors.Is(err, ErrNotText) || e.Temporary() {
				t.Errorf("error %v: want ErrNotText, not temporary", err)
			}
		})
	}
}

// Two concurrent fetches from one host are served one after the other; a fetch from another host
// is not held up by them.
func TestPoliteness(t *testing.T) {
	var (
		mu     sync.Mutex
		events []string
		ends   []time.Time
		starts []time.Time
	)
	record := func(ev string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, ev)
		if ev == "start" {
			starts = append(starts, time.Now())
		} else {
			ends = append(ends, time.Now())
		}
	}
	block := make(chan struct{})
	slow := serve(t, func(w http.ResponseWriter, r *http.Request) {
		record("start")
		if r.URL.Path == "/block" {
			<-block
		} else {
			time.Sleep(30 * time.Millisecond) // long enough for an overlap to show if there were one
		}
		record("end")
		io.WriteString(w, "ok")
	})
	other := serve(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "other") })

	opts := testOptions()
	const delay = 100 * time.Millisecond
	opts.MinHostDelay = delay
	c := New(opts)
	defer c.CloseIdleConnections()

	// A request held open by the server does not stop another host's request.
	blocked := make(chan error, 1)
	go func() {
		_, err := c.Fetch(context.Background(), Request{URL: slow.URL + "/block"})
		blocked <- err
	}()
	for {
		mu.Lock()
		n := len(events)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := c.Fetch(context.Background(), Request{URL: other.URL}); err != nil {
		t.Fatalf("other host: %v", err)
	}
	close(block)
	if err := <-blocked; err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Fetch(context.Background(), Request{URL: slow.URL + "/page"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()

	mu.Lock()
	defer mu.Unlock()
	want := []string{"start", "end", "start", "end", "start", "end", "start", "end"}
	if fmt.Sprint(events) != fmt.Sprint(want) {
		t.Fatalf("server saw %v, want requests one at a time %v", events, want)
	}
	for i := 1; i < len(starts); i++ {
		// Measured at the server, so the gap is a little shorter than the client's: allow 10 ms.
		if gap := starts[i].Sub(ends[i-1]); gap < delay-10*time.Millisecond {
			t.Errorf("request %d started %s after the previous ended, want at least %s", i, gap, delay)
		}
	}
}

func FuzzToUTF8(f *testing.F) {
	f.Add([]byte("plain ascii"), "text/plain")
	f.Add([]byte("caf\xe9"), "text/plain; charset=iso-8859-1")
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1252"?><a>`+"\x93x\x94</a>"), "")
	f.Add([]byte(`<meta charset="shift_jis">`+"\x82\xa0"), "text/html")
	f.Add([]byte("\xff\xfeA\x00\xd8"), "")
	f.Add([]byte("\xfe\xff\x00A"), "text/xml")
	f.Add([]byte("x\x1b$B"), "text/plain; charset=iso-2022-jp")
	f.Add([]byte("abc"), "text/plain; charset=utf-16")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, name := ToUTF8(body, contentType)
		if !utf8.Valid(out) {
			t.Fatalf("ToUTF8(%q, %q) = %q (%s): not valid UTF-8", body, contentType, out, name)
		}
		if name == "" {
			t.Fatal("no encoding name")
		}
		again, name2 := ToUTF8(out, "")
		if name2 != "utf-8" && len(out) > 0 {
			// Output declares UTF-8 (or nothing) and is valid UTF-8: reading it again must not re-decode.
			t.Fatalf("ToUTF8 of its own output chose %s: %q", name2, out)
		}
		_ = again
	})
}

func TestSniffedContentType(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = nil // no header at all
		io.WriteString(w, "<!DOCTYPE html><html><body>Kidal</body></html>")
	})
	resp, err := fetch(t, testOptions(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ContentType != "text/html" {
		t.Errorf("ContentType %q, want text/html sniffed", resp.ContentType)
	}
}

func BenchmarkToUTF8(b *testing.B) {
	page := []byte(`<html><head><meta charset="iso-8859-1"></head><body>` +
		strings.Repeat("Des hommes arm\xe9s ont attaqu\xe9 le poste pr\xe8s de S\xe9gou. ", 2000) + `</body></html>`)
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		ToUTF8(page, "text/html")
	}
}

// Malformed responses, from a raw TCP server that writes what it likes.
func TestMalformedResponses(t *testing.T) {
	tests := []struct {
		name      string
		raw       string
		kind      string
		temporary bool
	}{
		{"not HTTP at all", "SSH-2.0-OpenSSH_9.6\r\n", KindConnect, true},
		{"hang up at once", "", KindConnect, true},
		{"body cut short", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly a few bytes", KindBody, true},
		{"broken chunking", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n", KindBody, true},
		{"gzip cut short", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nConnection: close\r\n\r\n\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", KindBody, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() {
				for {
					conn, err := ln.Accept()
					if err != nil {
						return
					}
					// Read the request, answer, hang up.
					buf := make([]byte, 4096)
					_, _ = conn.Read(buf)
					io.WriteString(conn, tt.raw)
					conn.Close()
				}
			}()
			_, err = fetch(t, testOptions(), Request{URL: "http://" + ln.Addr().String() + "/"})
			if e := wantKind(t, err, tt.kind); e.Temporary() != tt.temporary {
				t.Errorf("Temporary() = %v, want %v", e.Temporary(), tt.temporary)
			}
		})
	}
}
