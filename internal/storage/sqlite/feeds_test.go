package sqlite

import (
	"fmt"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/auth/authtest"
	"github.com/sitrep-dev/sitrep/internal/subscription"
	"github.com/sitrep-dev/sitrep/internal/subscription/subscriptiontest"
)

func TestFeeds(t *testing.T) {
	subscriptiontest.Run(t, func(t *testing.T) subscriptiontest.Store {
		s, _ := openTemp(t)
		return s
	})
}

func TestFeedsInMemory(t *testing.T) {
	subscriptiontest.Run(t, func(t *testing.T) subscriptiontest.Store {
		s, err := Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestTokens(t *testing.T) {
	authtest.Run(t, func(t *testing.T) authtest.Store {
		s, _ := openTemp(t)
		return s
	})
}

func TestTokensInMemory(t *testing.T) {
	authtest.Run(t, func(t *testing.T) authtest.Store {
		s, err := Open(t.Context(), ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// BenchmarkCheckToken: what a private server pays per request to check a token among a few.
func BenchmarkCheckToken(b *testing.B) {
	s, _ := openTemp(b)
	var secret string
	for _, name := range []string{"a", "b", "c", "d", "e"} {
		var err error
		if secret, err = s.CreateToken(b.Context(), name); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if ok, err := s.CheckToken(b.Context(), secret); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkDueFeeds: the monitor's question every tick, over 1,000 feeds.
func BenchmarkDueFeeds(b *testing.B) {
	s, _ := openTemp(b)
	now := time.Now()
	for i := range 1000 {
		f, err := subscription.New(fmt.Sprintf("https://example.org/feed/%d", i), "", time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		f.NextPoll = now.Add(time.Duration(i-500) * time.Second)
		if _, err := s.AddFeed(b.Context(), f); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if fs, err := s.DueFeeds(b.Context(), now, 100); err != nil || len(fs) != 100 {
			b.Fatal(len(fs), err)
		}
	}
}
