package postgres

// WalkTextAlways makes every page of a full-text search walk the sort order, as it does for common
// words in a large store, so that tests check that plan on little data.
func WalkTextAlways(s *Store) { s.walkFrom = 0 }
