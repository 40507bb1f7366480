// Package fetcher is sitrep's outbound HTTP client for feeds and article pages: polite (one request
// at a time per host, a minimum delay between them, a clear User-Agent, conditional GET), bounded (a
// timeout, a size cap that counts decompressed bytes, a redirect limit) and safe (only http and https,
// and no connection to private, loopback or link-local addresses unless configured, checked on every
// address actually dialled). Bodies come back as UTF-8 whatever their encoding. Failures are typed
// (*Error with a Kind from a fixed set) so the monitor can count them and decide on backoff.
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
	"mime"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"time"
)

// Defaults for zero Options fields.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBytes     = 10 << 20
	DefaultMaxRedirects = 5
	DefaultMinHostDelay = time.Second
)

// Accept headers for the two kinds of resources sitrep fetches.
const (
	AcceptFeed = "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
	AcceptHTML = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
)

// Options configure a Client. Zero fields take the defaults above.
type Options struct {
	UserAgent    string        // default DefaultUserAgent()
	Timeout      time.Duration // per request hop, from connecting to the last body byte (not the wait for the host's turn)
	MaxBytes     int64         // largest body accepted, counted after decompression
	MaxRedirects int           // redirects followed; negative: none
	MinHostDelay time.Duration // between the end of a request and the start of the next to the same host; negative: none

	// Outbound safety: by default only public addresses are dialled. Link-local addresses
	// (169.254.0.0/16, fe80::/10: cloud metadata services live there), multicast, unspecified and
	// reserved addresses are refused whatever these say.
	AllowPrivate  bool // RFC 1918, fc00::/7 unique local, 100.64.0.0/10 carrier-grade NAT
	AllowLoopback bool // 127.0.0.0/8, ::1 (tests serve on loopback)

	// Gate, when set, is shared with other clients so that politeness holds across them; otherwise
	// the client has its own, with MinHostDelay.
	Gate *HostGate
}

// Request is one fetch: the URL and the validators saved from the last response, for conditional GET.
type Request struct {
	URL          string
	ETag         string // sent as If-None-Match
	LastModified string // sent as If-Modified-Since, exactly as the server sent it
	Accept       string // default "*/*"; see AcceptFeed and AcceptHTML
}

// Response is a successful fetch (2xx, or 304 Not Modified).
type Response struct {
	URL          string // final URL, after redirects
	Status       int
	NotModified  bool          // 304: the resource is unchanged since the validators; Body is empty
	Body         []byte        // converted to UTF-8, declarations rewritten to say so
	ContentType  string        // media type without parameters, e.g. "application/rss+xml" (sniffed when the server sent none)
	Charset      string        // the encoding the body arrived in (WHATWG name), e.g. "windows-1252"
	ETag         string        // validators to send next time (on 304, the request's when the server sent none)
	LastModified string        //
	RetryAfter   time.Duration // a Retry-After the server sent with a success (rare; 0 otherwise)
}

// Client fetches feeds and pages. It is safe for concurrent use.
type Client struct {
	opts Options
	http *http.Client
	base *http.Transport
}

// DefaultUserAgent names sitrep, its version (from the build information) and where to read about it.
func DefaultUserAgent() string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	return "sitrep/" + v + " (+https://github.com/sitrep-dev/sitrep)"
}

// New returns a Client with opts (zero fields defaulted).
func New(opts Options) *Client {
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	switch {
	case opts.MaxRedirects == 0:
		opts.MaxRedirects = DefaultMaxRedirects
	case opts.MaxRedirects < 0:
		opts.MaxRedirects = 0
	}
	if opts.MinHostDelay == 0 {
		opts.MinHostDelay = DefaultMinHostDelay
	}
	if opts.Gate == nil {
		opts.Gate = NewHostGate(opts.MinHostDelay)
	}
	c := &Client{opts: opts}
	dialer := &net.Dialer{Timeout: min(opts.Timeout, 10*time.Second), KeepAlive: 30 * time.Second, Control: c.opts.control}
	c.base = &http.Transport{
		// No proxy from the environment: through a proxy, the address checked would be the proxy's.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   min(opts.Timeout, 10*time.Second),
		ResponseHeaderTimeout: opts.Timeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   2,
		// Accept-Encoding is set and decoded here, so the size cap counts decompressed bytes.
		DisableCompression: true,
	}
	c.http = &http.Client{
		Transport:     &gatedTransport{base: c.base, gate: opts.Gate, timeout: opts.Timeout},
		CheckRedirect: c.checkRedirect,
	}
	return c
}

// CloseIdleConnections closes connections kept for reuse (when the client is no longer needed).
func (c *Client) CloseIdleConnections() { c.base.CloseIdleConnections() }

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirect to %s: %w", req.URL.Redacted(), errBadScheme)
	}
	if len(via) > c.opts.MaxRedirects {
		return fmt.Errorf("%w (limit %d)", errTooManyRedirects, c.opts.MaxRedirects)
	}
	return nil
}

// Fetch GETs req.URL. It returns a Response for 2xx and 304; any other outcome is an *Error.
func (c *Client) Fetch(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(strings.TrimSpace(req.URL))
	if err != nil {
		return nil, &Error{Kind: KindBadScheme, URL: req.URL, Err: err}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{Kind: KindBadScheme, URL: req.URL, Err: errBadScheme}
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: KindBadScheme, URL: req.URL, Err: err}
	}
	hreq.Header.Set("User-Agent", c.opts.UserAgent)
	hreq.Header.Set("Accept", cmpOr(req.Accept, "*/*"))
	hreq.Header.Set("Accept-Encoding", "gzip, deflate")
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}

	resp, err := c.http.Do(hreq)
	if err != nil {
		last := u.String()
		var uerr *url.Error
		if errors.As(err, &uerr) {
			last = uerr.URL
		}
		return nil, classify(ctx, last, err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL.String()
	retryAfter, _ := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())

	switch {
	case resp.StatusCode == http.StatusNotModified:
		return &Response{
			URL: final, Status: resp.StatusCode, NotModified: true,
			ETag:         cmpOr(resp.Header.Get("ETag"), req.ETag),
			LastModified: cmpOr(resp.Header.Get("Last-Modified"), req.LastModified),
			RetryAfter:   retryAfter,
		}, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// A little of the body is read so the connection can be reused; the rest is dropped.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		e := &Error{Kind: KindStatus, URL: final, Status: resp.StatusCode, RetryAfter: retryAfter,
			Err: errors.New(cmpOr(http.StatusText(resp.StatusCode), "unexpected status"))}
		if resp.StatusCode == http.StatusTooManyRequests ||
			(resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "") {
			e.Kind = KindRateLimited
		}
		return nil, e
	}

	if resp.ContentLength > c.opts.MaxBytes && resp.Header.Get("Content-Encoding") == "" {
		return nil, &Error{Kind: KindTooLarge, URL: final, Status: resp.StatusCode,
			Err: fmt.Errorf("Content-Length %d exceeds the limit of %d bytes", resp.ContentLength, c.opts.MaxBytes)}
	}
	body, err := c.readBody(resp)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.URL, e.Status = final, resp.StatusCode
			return nil, e
		}
		ce := classify(ctx, final, err)
		if ce.Kind == KindConnect {
			ce.Kind = KindBody // the connection broke while the body was read
		}
		ce.Status = resp.StatusCode
		return nil, ce
	}

	contentType := resp.Header.Get("Content-Type")
	if !isText(contentType, body) {
		return nil, &Error{Kind: KindBody, URL: final, Status: resp.StatusCode,
			Err: fmt.Errorf("%w (Content-Type %q)", ErrNotText, contentType)}
	}
	text, cs := ToUTF8(body, contentType)
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType == "" {
		// No usable type: name what the bytes look like, so callers can tell a feed from a page.
		mediaType, _, _ = mime.ParseMediaType(http.DetectContentType(body))
	}
	return &Response{
		URL:          final,
		Status:       resp.StatusCode,
		Body:         text,
		ContentType:  mediaType,
		Charset:      cs,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		RetryAfter:   retryAfter,
	}, nil
}

// readBody reads the body through its content encoding, refusing more than MaxBytes of decoded
// bytes: a small gzip bomb stops at the cap, not after filling memory.
func (c *Client) readBody(resp *http.Response) ([]byte, error) {
	var r io.Reader = resp.Body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity", "none", "utf-8", "utf8", "text", "binary":
		// Not encoded (the last few are server misconfigurations seen in the wild).
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, &Error{Kind: KindBody, Err: fmt.Errorf("gzip body: %w", err)}
		}
		defer zr.Close()
		r = zr
	case "deflate":
		// RFC 9110 deflate is zlib-wrapped; some servers send raw deflate. Peek to tell them apart.
		br := newPeekReader(resp.Body)
		if looksZlib(br.peek(2)) {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, &Error{Kind: KindBody, Err: fmt.Errorf("deflate body: %w", err)}
			}
			defer zr.Close()
			r = zr
		} else {
			fr := flate.NewReader(br)
			defer fr.Close()
			r = fr
		}
	default:
		return nil, &Error{Kind: KindBody, Err: fmt.Errorf("%w %q", errEncoding, enc)}
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, c.opts.MaxBytes+1))
	if n > c.opts.MaxBytes {
		return nil, &Error{Kind: KindTooLarge, Err: fmt.Errorf("body exceeds the limit of %d bytes", c.opts.MaxBytes)}
	}
	if err != nil {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			return nil, err // classified as a timeout by the caller
		}
		if errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, zlib.ErrHeader) ||
			errors.Is(err, zlib.ErrChecksum) || errors.As(err, new(flate.CorruptInputError)) {
			return nil, &Error{Kind: KindBody, Err: fmt.Errorf("corrupt compressed body: %w", err)}
		}
		return nil, &Error{Kind: KindBody, Err: fmt.Errorf("reading body: %w", err)}
	}
	return buf.Bytes(), nil
}

// looksZlib: a zlib header is a deflate method byte whose 16-bit big-endian value with the next is
// a multiple of 31.
func looksZlib(h []byte) bool {
	return len(h) == 2 && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0
}

// peekReader lets the first bytes of a stream be inspected and still read.
type peekReader struct {
	r   io.Reader
	buf []byte
}

func newPeekReader(r io.Reader) *peekReader { return &peekReader{r: r} }

func (p *peekReader) peek(n int) []byte {
	for len(p.buf) < n {
		b := make([]byte, n-len(p.buf))
		m, err := p.r.Read(b)
		p.buf = append(p.buf, b[:m]...)
		if err != nil {
			break
		}
	}
	return p.buf
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}

func (p *peekReader) ReadByte() (byte, error) {
	var b [1]byte
	_, err := io.ReadFull(p, b[:])
	return b[0], err
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// gatedTransport takes the host's turn at the HostGate before each hop (redirects included) and
// gives it back when the hop's body is closed; the per-hop timeout starts once the turn is taken,
// so waiting behind other requests to the host does not eat into it.
type gatedTransport struct {
	base    http.RoundTripper
	gate    *HostGate
	timeout time.Duration
}

func (t *gatedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	release, err := t.gate.Acquire(req.Context(), hostKey(req.URL))
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		release()
		return nil, err
	}
	resp.Body = &hopBody{ReadCloser: resp.Body, done: func() { cancel(); release() }}
	return resp, nil
}

// hopBody ends the hop (timeout context, host turn) when the body is closed.
type hopBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *hopBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
}
