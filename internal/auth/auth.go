// Package auth holds sitrep's API credentials: bearer tokens that grant write access to the API (and
// read access when the server is private). A token's secret is shown once when it is created; the
// stores keep only its SHA-256, so a copy of the database does not hand out working tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Prefix starts every secret, so a leaked one is recognisable (secret scanners, logs).
const Prefix = "sitrep_"

// secretBytes is the secret's entropy: 256 bits.
const secretBytes = 32

// MaxNameLen bounds a token's name.
const MaxNameLen = 100

// TouchEvery is how often a token's last-used time is written at most: checking a token on every
// request must not turn every read into a write.
const TouchEvery = time.Minute

// Token is a stored token as listed: never its secret.
type Token struct {
	Name     string
	Created  time.Time
	LastUsed time.Time // zero: never used
}

// ErrExists is returned (wrapped) when a token of that name already exists.
var ErrExists = errors.New("token already exists")

// NewSecret returns a new random secret: Prefix and 32 random bytes in unpadded base64url.
func NewSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics if the system cannot supply randomness)
	return Prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Hash is what the stores keep of a secret: its SHA-256. Secrets are random, not passwords, so a fast
// unsalted hash is enough: there is nothing to guess from a dictionary.
func Hash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Equal compares two hashes in constant time.
func Equal(a, b []byte) bool {
	return len(a) == sha256.Size && subtle.ConstantTimeCompare(a, b) == 1
}

// Plausible reports whether secret has the shape of one NewSecret makes. Callers may reject other
// strings before any lookup; it leaks nothing since the shape is public.
func Plausible(secret string) bool {
	rest, ok := strings.CutPrefix(secret, Prefix)
	if !ok || len(rest) != base64.RawURLEncoding.EncodedLen(secretBytes) {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(rest)
	return err == nil
}

// CheckName validates a token name: 1 to MaxNameLen printable characters, no spaces at either end.
func CheckName(name string) error {
	switch {
	case name == "":
		return errors.New("token name is empty")
	case len(name) > MaxNameLen:
		return fmt.Errorf("token name is longer than %d bytes", MaxNameLen)
	case !utf8.ValidString(name):
		return errors.New("token name is not valid UTF-8")
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("token name %q starts or ends with a space", name)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("token name %q has an unprintable character", name)
		}
	}
	return nil
}

// DueTouch reports whether a token last used at lastUsed should have its last-used time written now.
func DueTouch(lastUsed, now time.Time) bool {
	return lastUsed.IsZero() || now.Sub(lastUsed) >= TouchEvery || now.Before(lastUsed)
}
