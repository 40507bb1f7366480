package postgres_test

import (
	"testing"

	"github.com/sitrep-dev/sitrep/internal/auth/authtest"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/subscription/subscriptiontest"
)

func TestFeeds(t *testing.T) {
	subscriptiontest.Run(t, func(t *testing.T) subscriptiontest.Store { return open(t, postgres.Options{MaxConns: 4}) })
}

func TestTokens(t *testing.T) {
	authtest.Run(t, func(t *testing.T) authtest.Store { return open(t, postgres.Options{MaxConns: 4}) })
}
