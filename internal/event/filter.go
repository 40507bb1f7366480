package event

// Filter selects events for exports and the API. Zero values select everything.
type Filter struct {
	Country string // ACLED country name, case-insensitive
	Since   string // YYYY-MM-DD, inclusive, compared with event_date
	Until   string // YYYY-MM-DD, inclusive
	// IncludeBackground also returns events marked background.
	IncludeBackground bool
}
