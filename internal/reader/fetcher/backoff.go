package fetcher

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter caps a server's Retry-After: a feed that asks for a month's silence is polled again
// in a week, and absurd values cannot overflow a time.Duration.
const MaxRetryAfter = 7 * 24 * time.Hour

// ParseRetryAfter reads a Retry-After header value, either delay-seconds ("120") or an HTTP-date
// (RFC 9110: IMF-fixdate, and the obsolete RFC 850 and asctime forms), relative to now. ok is false
// for an empty or malformed value. A date in the past gives zero; the result never exceeds
// MaxRetryAfter.
func ParseRetryAfter(value string, now time.Time) (d time.Duration, ok bool) {
	v := strings.TrimSpace(value)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > uint64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter, true // only digits, so the error is overflow: a very long delay
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d = t.Sub(now)
	switch {
	case d < 0:
		return 0, true
	case d > MaxRetryAfter:
		return MaxRetryAfter, true
	}
	return d, true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Backoff returns how long to wait before retry number attempt (0 for the first retry) after
// failures: exponential growth from base, capped at max, with "full jitter" above a floor of base —
// a uniformly random wait between base and min(max, base·2^attempt), so that feeds failing together
// do not retry together, yet none is retried at once. rnd returns values in [0, 1) (nil:
// math/rand/v2); the result is deterministic given rnd, for tests.
func Backoff(attempt int, base, max time.Duration, rnd func() float64) time.Duration {
	if base <= 0 {
		return 0
	}
	if max < base {
		max = base
	}
	ceiling := base
	for i := 0; i < attempt && ceiling < max; i++ {
		if ceiling > max/2 {
			ceiling = max
			break
		}
		ceiling *= 2
	}
	ceiling = min(ceiling, max)
	if rnd == nil {
		rnd = rand.Float64
	}
	f := rnd()
	if !(f >= 0) { // also NaN
		f = 0
	}
	if f >= 1 {
		f = 1
	}
	return base + time.Duration(f*float64(ceiling-base))
}
