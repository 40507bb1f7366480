package auth

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := NewSecret()
		if !strings.HasPrefix(s, Prefix) || len(s) != len(Prefix)+43 || !Plausible(s) {
			t.Fatalf("NewSecret() = %q", s)
		}
		if seen[s] {
			t.Fatalf("NewSecret repeated %q", s)
		}
		seen[s] = true
	}
}

func TestHashEqual(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if !Equal(Hash(a), Hash(a)) || Equal(Hash(a), Hash(b)) {
		t.Fatal("Equal does not tell hashes apart")
	}
	if bytes.Equal(Hash(a), []byte(a)) || len(Hash(a)) != 32 {
		t.Fatal("Hash is not SHA-256")
	}
	if Equal(nil, nil) || Equal([]byte{1}, []byte{1}) {
		t.Fatal("Equal accepts what is not a hash")
	}
}

func TestPlausible(t *testing.T) {
	good := NewSecret()
	tests := []struct {
		in   string
		want bool
	}{
		{good, true},
		{"", false},
		{Prefix, false},
		{strings.TrimPrefix(good, Prefix), false},
		{good[:len(good)-1], false},
		{good + "A", false},
		{Prefix + strings.Repeat("*", 43), false},
		{"Bearer " + good, false},
		{strings.ToUpper(good[:len(Prefix)]) + good[len(Prefix):], false},
	}
	for _, tt := range tests {
		if got := Plausible(tt.in); got != tt.want {
			t.Errorf("Plausible(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"ci", true},
		{"analyst laptop", true},
		{"équipe Sahel", true},
		{"", false},
		{" x", false},
		{"x\n", false},
		{"a\x00b", false},
		{"a\u200bb", false}, // zero-width space: names must be readable in a list
		{strings.Repeat("x", MaxNameLen), true},
		{strings.Repeat("x", MaxNameLen+1), false},
		{"\xff", false},
	}
	for _, tt := range tests {
		if err := CheckName(tt.name); (err == nil) != tt.ok {
			t.Errorf("CheckName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

func TestDueTouch(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		last time.Time
		want bool
	}{
		{time.Time{}, true},
		{now, false},
		{now.Add(-59 * time.Second), false},
		{now.Add(-TouchEvery), true},
		{now.Add(time.Hour), true}, // a clock that went back: write rather than stay stale
	}
	for _, tt := range tests {
		if got := DueTouch(tt.last, now); got != tt.want {
			t.Errorf("DueTouch(%v) = %v, want %v", tt.last, got, tt.want)
		}
	}
}

func FuzzPlausible(f *testing.F) {
	f.Add(NewSecret())
	f.Add("sitrep_")
	f.Add("sitrep_" + strings.Repeat("-", 43))
	f.Fuzz(func(t *testing.T, s string) {
		if Plausible(s) && (!strings.HasPrefix(s, Prefix) || len(s) != len(Prefix)+43) {
			t.Fatalf("Plausible(%q) accepted a wrong shape", s)
		}
		_ = CheckName(s)
	})
}
