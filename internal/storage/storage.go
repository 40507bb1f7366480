// Package storage holds what every sitrep store implementation shares: the errors callers test for
// with errors.Is. The stores themselves live in subpackages (sqlite, postgres, memory); the SQL stores
// share their row encoding and write logic through storage/record, and the behaviour every store owes
// the pipeline, exports and API is pinned down by the storetest suite.
package storage

import "errors"

// ErrNotFound is returned (wrapped) when a document, event or place set does not exist.
var ErrNotFound = errors.New("not found")
