// Package storage holds what every sitrep store implementation shares: the errors callers test for
// with errors.Is. The stores themselves live in subpackages (sqlite), and the behaviour they owe the
// pipeline, exports and API is pinned down by the storetest suite.
package storage

import "errors"

// ErrNotFound is returned (wrapped) when a document, event or place set does not exist.
var ErrNotFound = errors.New("not found")
