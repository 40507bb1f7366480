package fetcher

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Error kinds: the fixed set Error.Kind takes, used as a metrics label and to decide on backoff.
const (
	KindTimeout          = "timeout"            // no answer, or the body not read, within Options.Timeout
	KindDNS              = "dns"                // the host name did not resolve
	KindConnect          = "connect"            // the connection was refused, reset or unreachable
	KindTLS              = "tls"                // handshake or certificate failure
	KindStatus           = "status"             // the server answered with an error status (Error.Status)
	KindTooLarge         = "too_large"          // the body (after decompression) exceeds Options.MaxBytes
	KindForbiddenAddress = "forbidden_address"  // the host resolves to an address Options do not allow
	KindBadScheme        = "bad_scheme"         // not an absolute http or https URL (also on redirects)
	KindTooManyRedirects = "too_many_redirects" // more than Options.MaxRedirects redirects
	KindRateLimited      = "rate_limited"       // 429, or 503 with Retry-After (Error.RetryAfter)
	KindBody             = "body"               // the body could not be read or decoded, or is not text
	KindCanceled         = "canceled"           // the caller's context was canceled: not the server's fault
)

// Error is the error Fetch returns: what went wrong (Kind), for which URL, and what the server said.
type Error struct {
	Kind       string        // one of the Kind constants
	URL        string        // the URL requested last (after redirects when the failure came later)
	Status     int           // HTTP status, when a response arrived
	RetryAfter time.Duration // the server's Retry-After, when it sent one
	Err        error         // the underlying cause
}

func (e *Error) Error() string {
	msg := "fetch " + e.URL + ": " + e.Kind
	if e.Status != 0 {
		msg += fmt.Sprintf(" (HTTP %d)", e.Status)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying again later (with backoff, after RetryAfter) may succeed:
// timeouts, network failures, rate limiting and server errors are temporary; a refused address, a bad
// URL, a certificate problem, a body too large, a client error status or a binary body are not.
func (e *Error) Temporary() bool {
	switch e.Kind {
	case KindTimeout, KindConnect, KindRateLimited:
		return true
	case KindDNS:
		var dnsErr *net.DNSError
		return !errors.As(e.Err, &dnsErr) || !dnsErr.IsNotFound
	case KindStatus:
		return e.Status >= 500 || e.Status == http.StatusRequestTimeout || e.Status == http.StatusTooEarly
	case KindBody:
		return !errors.Is(e.Err, ErrNotText) && !errors.Is(e.Err, errEncoding)
	}
	return false
}

// KindOf returns the Kind of a fetch error, "" for nil, and "other" for an error Fetch did not make.
func KindOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return "other"
}

// ErrNotText is the cause (KindBody) when a response is binary (an image, a PDF, an archive):
// sitrep reads only text.
var ErrNotText = errors.New("response is not text")

var (
	errEncoding         = errors.New("unsupported content encoding")
	errTooManyRedirects = errors.New("too many redirects")
	errBadScheme        = errors.New("only http and https URLs are fetched")
)

// forbiddenError is the dialler's refusal of an address; errors.As finds it under the net and url
// errors that wrap it.
type forbiddenError struct {
	addr   string
	reason string
}

func (e *forbiddenError) Error() string {
	return fmt.Sprintf("address %s is %s and not allowed", e.addr, e.reason)
}

// classify turns an error from the HTTP client into an *Error. parent is the caller's context, to
// tell its cancellation from our own timeout.
func classify(parent context.Context, rawURL string, err error) *Error {
	e := &Error{URL: rawURL, Err: err}
	var (
		forbidden *forbiddenError
		dnsErr    *net.DNSError
		netErr    net.Error
		certErr   *tls.CertificateVerificationError
		recErr    tls.RecordHeaderError
		alertErr  tls.AlertError
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
	)
	switch {
	case errors.Is(err, errBadScheme):
		e.Kind = KindBadScheme
	case errors.Is(err, errTooManyRedirects):
		e.Kind = KindTooManyRedirects
	case errors.As(err, &forbidden):
		e.Kind = KindForbiddenAddress
	case parent.Err() != nil && !errors.Is(parent.Err(), context.DeadlineExceeded):
		e.Kind = KindCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		e.Kind = KindTimeout
	case errors.As(err, &dnsErr):
		e.Kind = KindDNS
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alertErr),
		errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid):
		e.Kind = KindTLS
	default:
		e.Kind = KindConnect
	}
	return e
}
