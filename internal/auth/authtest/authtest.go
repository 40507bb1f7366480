// Package authtest is the behaviour every store owes the API tokens: run by the SQLite and PostgreSQL
// store tests.
package authtest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/auth"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// Store is a store's token methods.
type Store interface {
	CreateToken(ctx context.Context, name string) (string, error)
	Tokens(ctx context.Context) ([]auth.Token, error)
	RevokeToken(ctx context.Context, name string) error
	CheckToken(ctx context.Context, secret string) (bool, error)
}

// Run runs the suite; open returns an empty store for one subtest.
func Run(t *testing.T, open func(t *testing.T) Store) {
	t.Run("Lifecycle", func(t *testing.T) { testLifecycle(t, open(t)) })
	t.Run("Names", func(t *testing.T) { testNames(t, open(t)) })
	t.Run("ConcurrentChecks", func(t *testing.T) { testConcurrent(t, open(t)) })
}

func check(t *testing.T, s Store, secret string, want bool) {
	t.Helper()
	ok, err := s.CheckToken(t.Context(), secret)
	if err != nil || ok != want {
		t.Errorf("CheckToken(%.12q…) = %v, %v; want %v", secret, ok, err, want)
	}
}

func testLifecycle(t *testing.T, s Store) {
	ctx := t.Context()
	before := time.Now().Add(-time.Second)
	ci, err := s.CreateToken(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	analyst, err := s.CreateToken(ctx, "analyst laptop")
	if err != nil {
		t.Fatal(err)
	}
	if !auth.Plausible(ci) || ci == analyst {
		t.Fatalf("secrets %q, %q: want two distinct well-formed secrets", ci, analyst)
	}
	toks, err := s.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(toks) != 2 || toks[0].Name != "analyst laptop" || toks[1].Name != "ci" {
		t.Fatalf("Tokens = %+v, want both by name", toks)
	}
	for _, tok := range toks {
		if tok.Created.Before(before) || tok.Created.After(time.Now().Add(time.Second)) || !tok.LastUsed.IsZero() {
			t.Errorf("new token %+v: want Created about now, never used", tok)
		}
	}

	check(t, s, ci, true)
	check(t, s, analyst, true)
	// Near misses and junk are refused.
	check(t, s, "", false)
	check(t, s, ci[:len(ci)-1], false)
	check(t, s, ci+"x", false)
	check(t, s, strings.TrimPrefix(ci, auth.Prefix), false)
	flipped := []byte(ci)
	flipped[len(flipped)-1] ^= 1
	check(t, s, string(flipped), false)
	check(t, s, auth.NewSecret(), false)

	toks, err = s.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if tok.LastUsed.IsZero() || tok.LastUsed.Before(before) {
			t.Errorf("token %q used but LastUsed = %v", tok.Name, tok.LastUsed)
		}
	}
	// A second use within the minute does not move LastUsed.
	first := toks[1].LastUsed
	check(t, s, ci, true)
	if toks, err := s.Tokens(ctx); err != nil || !toks[1].LastUsed.Equal(first) {
		t.Errorf("LastUsed moved within %s: %v → %+v (%v)", auth.TouchEvery, first, toks, err)
	}

	if err := s.RevokeToken(ctx, "ci"); err != nil {
		t.Fatal(err)
	}
	check(t, s, ci, false)
	check(t, s, analyst, true)
	if err := s.RevokeToken(ctx, "ci"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("second RevokeToken = %v, want storage.ErrNotFound", err)
	}
	// The name is free again, with a new secret.
	again, err := s.CreateToken(ctx, "ci")
	if err != nil || again == ci {
		t.Fatalf("re-created token: %q, %v", again, err)
	}
	check(t, s, again, true)
	check(t, s, ci, false)
}

func testNames(t *testing.T, s Store) {
	ctx := t.Context()
	if _, err := s.CreateToken(ctx, "dup"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateToken(ctx, "dup"); !errors.Is(err, auth.ErrExists) {
		t.Errorf("second CreateToken(dup) = %v, want auth.ErrExists", err)
	}
	for _, bad := range []string{"", " lead", "trail ", "tab\there", strings.Repeat("n", auth.MaxNameLen+1), "bad\xff"} {
		if _, err := s.CreateToken(ctx, bad); err == nil {
			t.Errorf("CreateToken(%q) succeeded", bad)
		}
	}
	if _, err := s.CreateToken(ctx, "équipe 'Sahel' \"ops\""); err != nil {
		t.Errorf("CreateToken with quotes and accents: %v", err)
	}
	toks, err := s.Tokens(ctx)
	if err != nil || len(toks) != 2 {
		t.Errorf("Tokens = %+v, %v; want 2", toks, err)
	}
}

func testConcurrent(t *testing.T, s Store) {
	secret, err := s.CreateToken(t.Context(), "shared")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			ok, err := s.CheckToken(t.Context(), secret)
			if err == nil && !ok {
				err = errors.New("refused")
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent CheckToken: %v", err)
	}
}
