package fetcher

import (
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"
)

// HostGate spaces out requests to each host: one request at a time per host, and at least a minimum
// delay between the end of one request and the start of the next to the same host. It is safe for
// concurrent use; waiting starts no goroutines, and hosts idle for longer than the delay are
// forgotten, so the gate's memory follows the hosts in use, not every host ever seen.
type HostGate struct {
	delay time.Duration

	mu      sync.Mutex
	hosts   map[string]*hostSlot
	sweepAt int // sweep idle slots when the map reaches this size
}

// hostSlot is one host's turn: a one-place semaphore, when its last request ended, and how many
// callers hold or wait for it (the slot is dropped only when none does and its delay has passed).
type hostSlot struct {
	turn  chan struct{}
	last  time.Time // end of the last request; guarded by holding turn
	users int       // guarded by HostGate.mu
}

const minSweep = 64

// NewHostGate returns a gate with the given minimum delay between requests to one host (zero or
// negative: requests are serialised but not delayed).
func NewHostGate(minDelay time.Duration) *HostGate {
	return &HostGate{delay: max(minDelay, 0), hosts: map[string]*hostSlot{}, sweepAt: minSweep}
}

// Acquire waits for host's turn: until no other request to it is in flight and the minimum delay
// since the last one has passed. It returns the function that ends the turn (call it exactly once,
// when the response has been read) or the context's error if ctx ends first.
func (g *HostGate) Acquire(ctx context.Context, host string) (release func(), err error) {
	g.mu.Lock()
	s := g.hosts[host]
	if s == nil {
		if len(g.hosts) >= g.sweepAt {
			g.sweepLocked(time.Now())
		}
		s = &hostSlot{turn: make(chan struct{}, 1)}
		g.hosts[host] = s
	}
	s.users++
	g.mu.Unlock()

	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		g.leave(s)
		return nil, ctx.Err()
	}
	if wait := time.Until(s.last.Add(g.delay)); !s.last.IsZero() && wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			<-s.turn
			g.leave(s)
			return nil, ctx.Err()
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			s.last = time.Now()
			<-s.turn
			g.leave(s)
		})
	}, nil
}

func (g *HostGate) leave(s *hostSlot) {
	g.mu.Lock()
	s.users--
	g.mu.Unlock()
}

// sweepLocked drops slots nobody holds or waits for whose delay has passed (their last time no
// longer constrains anything), then sets the next sweep at twice the remaining size, so sweeping
// costs amortised constant time per new host.
func (g *HostGate) sweepLocked(now time.Time) {
	for host, s := range g.hosts {
		// users == 0 means nobody holds turn, so reading last is safe: the holder wrote it before
		// releasing turn and leaving under g.mu.
		if s.users == 0 && now.Sub(s.last) >= g.delay {
			delete(g.hosts, host)
		}
	}
	g.sweepAt = max(minSweep, 2*len(g.hosts))
}

// Len returns how many hosts the gate currently remembers.
func (g *HostGate) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.hosts)
}

// hostKey is the gate's key for a URL: the lower-cased host name, with the port only when it is not
// the scheme's default, so that http://x and https://x (one server) share a turn.
func hostKey(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if port == "" || (port == "80" && u.Scheme == "http") || (port == "443" && u.Scheme == "https") {
		return host
	}
	return net.JoinHostPort(host, port)
}
