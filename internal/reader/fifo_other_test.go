//go:build !unix

package reader

import "testing"

// makeFIFO: no named pipes here; the test does without.
func makeFIFO(*testing.T, string) bool { return false }
