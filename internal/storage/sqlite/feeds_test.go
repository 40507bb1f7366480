package sqlite

import (
	"testing"

	"github.com/sitrep-dev/sitrep/internal/auth/authtest"
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
