//go:build unix

package reader

import (
	"syscall"
	"testing"
)

// makeFIFO makes a named pipe for the unreadable-entry test.
func makeFIFO(t *testing.T, path string) bool {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	return true
}
