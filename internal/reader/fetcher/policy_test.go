package fetcher

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"net/url"
	"runtime"
	"testing"
	"time"
)

func TestAddressClass(t *testing.T) {
	tests := []struct {
		ip             string
		def, loop, all string // class with default options, AllowLoopback, AllowLoopback+AllowPrivate
	}{
		{"93.184.215.14", "", "", ""},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", "", "", ""},
		{"127.0.0.1", "loopback", "", ""},
		{"127.255.0.9", "loopback", "", ""},
		{"::1", "loopback", "", ""},
		{"::ffff:127.0.0.1", "loopback", "", ""},
		{"10.0.0.1", "private", "private", ""},
		{"172.16.5.4", "private", "private", ""},
		{"172.32.0.1", "", "", ""},
		{"192.168.1.1", "private", "private", ""},
		{"::ffff:192.168.1.1", "private", "private", ""},
		{"100.64.0.1", "private", "private", ""},
		{"100.128.0.1", "", "", ""},
		{"fd12:3456::1", "private", "private", ""},
		{"169.254.169.254", "link-local", "link-local", "link-local"},
		{"fe80::1", "link-local", "link-local", "link-local"},
		{"0.0.0.0", "unspecified", "unspecified", "unspecified"},
		{"::", "unspecified", "unspecified", "unspecified"},
		{"224.0.0.1", "link-local", "link-local", "link-local"}, // local network control block
		{"239.1.2.3", "multicast", "multicast", "multicast"},
		{"ff02::1", "link-local", "link-local", "link-local"},
		{"ff05::1", "multicast", "multicast", "multicast"},
		{"255.255.255.255", "reserved", "reserved", "reserved"},
		{"0.1.2.3", "reserved", "reserved", "reserved"},
		{"64:ff9b::a00:1", "private", "private", ""},                     // NAT64 of 10.0.0.1
		{"64:ff9b::a9fe:a9fe", "link-local", "link-local", "link-local"}, // NAT64 of 169.254.169.254
		{"2002:7f00:1::", "loopback", "", ""},                            // 6to4 of 127.0.0.1
		{"64:ff9b::5db8:d70e", "", "", ""},                               // NAT64 of a public address
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.ip)
		for i, o := range []Options{{}, {AllowLoopback: true}, {AllowLoopback: true, AllowPrivate: true}} {
			want := []string{tt.def, tt.loop, tt.all}[i]
			if got := o.addressClass(ip); got != want {
				t.Errorf("%s with %+v: class %q, want %q", tt.ip, o, got, want)
			}
		}
	}
}

func TestControlRefusesUnparsable(t *testing.T) {
	o := &Options{AllowLoopback: true, AllowPrivate: true}
	for _, addr := range []string{"example.com:80", "garbage", "[::1%lo]:80"} {
		err := o.control("tcp", addr, nil)
		var f *forbiddenError
		if addr == "[::1%lo]:80" {
			if err != nil {
				t.Errorf("control(%q) = %v, want allowed (loopback with a zone)", addr, err)
			}
			continue
		}
		if !errors.As(err, &f) {
			t.Errorf("control(%q) = %v, want a refusal", addr, err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"120", 120 * time.Second, true},
		{" 0 ", 0, true},
		{"Sat, 21 Nov 2026 09:02:30 GMT", 150 * time.Second, true}, // IMF-fixdate
		{"Saturday, 21-Nov-26 09:01:00 GMT", time.Minute, true},    // RFC 850
		{"Sat Nov 21 09:00:10 2026", 10 * time.Second, true},       // asctime
		{"Fri, 20 Nov 2026 09:00:00 GMT", 0, true},                 // in the past
		{"Sat, 21 Nov 2099 09:00:00 GMT", MaxRetryAfter, true},     // capped
		{"99999999999999999999999", MaxRetryAfter, true},           // overflow, capped
		{"604801", MaxRetryAfter, true},                            // over a week
		{"", 0, false},
		{"-5", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"120 seconds", 0, false},
		{"2026-11-21T09:05:00Z", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseRetryAfter(%q) = %s, %v; want %s, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "0", "Sat, 21 Nov 2026 09:02:30 GMT", "Saturday, 21-Nov-26 09:01:00 GMT",
		"Sat Nov 21 09:00:10 2026", "99999999999999999999", "-1", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseRetryAfter(s, now)
		if d < 0 || d > MaxRetryAfter {
			t.Fatalf("ParseRetryAfter(%q) = %s out of [0, %s]", s, d, MaxRetryAfter)
		}
		if !ok && d != 0 {
			t.Fatalf("ParseRetryAfter(%q) = %s with ok false", s, d)
		}
		// A value that is a plain number of seconds is read as exactly that.
		var n uint64
		if _, err := fmt.Sscanf(s, "%d", &n); err == nil && isDigits(s) && n < uint64(MaxRetryAfter/time.Second) {
			if !ok || d != time.Duration(n)*time.Second {
				t.Fatalf("ParseRetryAfter(%q) = %s, %v; want %ds", s, d, ok, n)
			}
		}
	})
}

func TestBackoff(t *testing.T) {
	const (
		base = time.Second
		max  = time.Minute
	)
	fixed := func(v float64) func() float64 { return func() float64 { return v } }
	tests := []struct {
		attempt int
		rnd     float64
		want    time.Duration
	}{
		{0, 0.5, base}, // the first retry waits base, whatever the draw
		{1, 0, base},   // the floor
		{1, 0.5, 1500 * time.Millisecond},
		{3, 0.999999, 8*time.Second - time.Microsecond*7}, // just under base·2³
		{3, 0.5, 4500 * time.Millisecond},
		{10, 1, max},                   // capped
		{10, 0.5, base + (max-base)/2}, // capped ceiling, jittered
		{1000, 0.25, base + (max-base)/4},
		{math.MaxInt, 1, max}, // no overflow
		{-3, 0.7, base},
		{2, math.NaN(), base},
		{2, -4, base},
		{2, 7, 4 * time.Second},
	}
	for _, tt := range tests {
		got := Backoff(tt.attempt, base, max, fixed(tt.rnd))
		if d := got - tt.want; d < -time.Microsecond || d > time.Microsecond {
			t.Errorf("Backoff(%d, rnd %v) = %s, want %s", tt.attempt, tt.rnd, got, tt.want)
		}
	}
	if got := Backoff(5, 0, max, fixed(0.5)); got != 0 {
		t.Errorf("zero base: %s", got)
	}
	if got := Backoff(5, time.Hour, time.Minute, fixed(0.5)); got != time.Hour {
		t.Errorf("max below base: %s, want base", got)
	}
	// Deterministic given rnd; within bounds with the real source.
	for attempt := range 12 {
		if Backoff(attempt, base, max, fixed(0.3)) != Backoff(attempt, base, max, fixed(0.3)) {
			t.Fatal("not deterministic")
		}
		if got := Backoff(attempt, base, max, nil); got < base || got > max {
			t.Errorf("Backoff(%d) with math/rand = %s, out of [%s, %s]", attempt, got, base, max)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		err       error
		kind      string
		temporary bool
	}{
		{nil, "", false},
		{errors.New("elsewhere"), "other", false},
		{&Error{Kind: KindStatus, Status: 502}, KindStatus, true},
		{&Error{Kind: KindStatus, Status: 408}, KindStatus, true},
		{&Error{Kind: KindStatus, Status: 401}, KindStatus, false},
		{fmt.Errorf("poll: %w", &Error{Kind: KindRateLimited, Status: 429}), KindRateLimited, true},
		{&Error{Kind: KindBody, Err: errors.New("unexpected EOF")}, KindBody, true},
		{&Error{Kind: KindBody, Err: ErrNotText}, KindBody, false},
		{&Error{Kind: KindForbiddenAddress}, KindForbiddenAddress, false},
		{&Error{Kind: KindCanceled}, KindCanceled, false},
	}
	for _, tt := range tests {
		if got := KindOf(tt.err); got != tt.kind {
			t.Errorf("KindOf(%v) = %q, want %q", tt.err, got, tt.kind)
		}
		var e *Error
		if errors.As(tt.err, &e) && e.Temporary() != tt.temporary {
			t.Errorf("%v: Temporary() = %v, want %v", tt.err, e.Temporary(), tt.temporary)
		}
	}
}

func TestHostKey(t *testing.T) {
	tests := []struct{ url, want string }{
		{"http://Example.COM/feed", "example.com"},
		{"https://example.com:443/feed", "example.com"},
		{"http://example.com:80/", "example.com"},
		{"http://example.com:8080/", "example.com:8080"},
		{"https://example.com:80/", "example.com:80"},
		{"http://[::1]:3000/", "[::1]:3000"},
	}
	for _, tt := range tests {
		u, _ := url.Parse(tt.url)
		if got := hostKey(u); got != tt.want {
			t.Errorf("hostKey(%s) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestHostGateCancel(t *testing.T) {
	g := NewHostGate(time.Hour)
	release, err := g.Acquire(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	// Waiting for a busy host ends with the context.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.Acquire(ctx, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire on a busy host: %v, want the context's deadline", err)
	}
	release()
	release() // a second call is harmless
	// Released, but within the delay: the wait also ends with the context.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := g.Acquire(ctx2, "a"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Acquire within the delay: %v, want the context's deadline", err)
	}
	// Another host is free at once.
	r2, err := g.Acquire(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	r2()
	// The canceled waiters left nothing held: with no delay, "a" is free.
	g0 := NewHostGate(0)
	r3, _ := g0.Acquire(context.Background(), "a")
	ctx3, cancel3 := context.WithCancel(context.Background())
	cancel3()
	if _, err := g0.Acquire(ctx3, "a"); err == nil {
		t.Fatal("Acquire with a canceled context succeeded on a busy host")
	}
	r3()
	r4, err := g0.Acquire(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	// Waiting starts no goroutines, so abandoned waits leave none behind.
	before := runtime.NumGoroutine()
	for range 100 {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := g0.Acquire(ctx, "a"); err == nil {
			t.Fatal("Acquire with a canceled context succeeded on a busy host")
		}
	}
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("%d goroutines after 100 abandoned waits, %d before", after, before)
	}
	r4()
}

func TestHostGateBounded(t *testing.T) {
	g := NewHostGate(0)
	for i := range 10000 {
		release, err := g.Acquire(context.Background(), fmt.Sprintf("host-%d.example", i))
		if err != nil {
			t.Fatal(err)
		}
		release()
	}
	if n := g.Len(); n > 2*minSweep {
		t.Errorf("gate remembers %d hosts after 10000 one-off requests, want at most %d", n, 2*minSweep)
	}
	// Hosts still within their delay are remembered: forgetting them would break politeness.
	gd := NewHostGate(time.Hour)
	for i := range 3 * minSweep {
		release, _ := gd.Acquire(context.Background(), fmt.Sprintf("h%d", i))
		release()
	}
	if n := gd.Len(); n != 3*minSweep {
		t.Errorf("gate with a long delay remembers %d hosts, want all %d", n, 3*minSweep)
	}
}

// A fetch waiting for its host's turn gives up when its context ends, with kind canceled or timeout.
func TestFetchWaitsForTurn(t *testing.T) {
	g := NewHostGate(0)
	release, _ := g.Acquire(context.Background(), "127.0.0.1:1")
	defer release()
	opts := testOptions()
	opts.Gate = g
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := New(opts).Fetch(ctx, Request{URL: "http://127.0.0.1:1/"})
	wantKind(t, err, KindTimeout)
}
