package event

import "strings"

// Filter selects events for exports and the API. Zero values select everything.
type Filter struct {
	Country string // ACLED country name, case-insensitive
	Since   string // YYYY-MM-DD, inclusive, compared with event_date
	Until   string // YYYY-MM-DD, inclusive
	// IncludeBackground also returns events marked background.
	IncludeBackground bool

	// Admin1, EventType and SubEventType match their column exactly, ignoring case.
	Admin1       string
	EventType    string
	SubEventType string
	// Actor is a case-insensitive substring of actor1, actor2, assoc_actor_1 or assoc_actor_2, so
	// "JNIM" finds "JNIM: Group for Support of Islam and Muslims" and "Mali" every Malian actor.
	// Stores may fold ASCII letters only (SQLite's LIKE and NOCASE); actor names are ASCII.
	Actor string
	// BBox keeps events located inside the box (edges included); unlocated events never match.
	BBox *BBox
	// MinFatalities keeps events with at least this many fatalities (0 selects all).
	MinFatalities int
	// CivilianTargeting, when set, keeps events whose civilian_targeting column is (true) or is not
	// (false) ACLED's "Civilian targeting".
	CivilianTargeting *bool
	// Text is a full-text query over notes and the text of the event's source documents. Match cannot
	// evaluate it (source texts live in the store) and ignores it; stores do the matching.
	Text string
}

// BBox is a longitude/latitude box in degrees (WGS 84), as GeoJSON and map libraries write it.
type BBox struct {
	MinLon, MinLat, MaxLon, MaxLat float64
}

// Contains reports whether the point lies inside the box, edges included.
func (b BBox) Contains(lat, lon float64) bool {
	return lon >= b.MinLon && lon <= b.MaxLon && lat >= b.MinLat && lat <= b.MaxLat
}

// CivilianTargetingValue is ACLED's civilian_targeting value for events that target civilians.
const CivilianTargetingValue = "Civilian targeting"

// Match reports whether e passes every field of the filter except Text. Stores use it as the
// reference for their own (indexed) implementation; tests compare the two.
func (f Filter) Match(e Event) bool {
	eq := func(want, got string) bool {
		want = strings.TrimSpace(want)
		return want == "" || strings.EqualFold(want, got)
	}
	switch {
	case e.Background && !f.IncludeBackground,
		!eq(f.Country, e.Country), !eq(f.Admin1, e.Admin1),
		!eq(f.EventType, e.EventType), !eq(f.SubEventType, e.SubEventType),
		f.Since != "" && e.EventDate < f.Since,
		f.Until != "" && e.EventDate > f.Until,
		f.MinFatalities > 0 && e.Fatalities < f.MinFatalities:
		return false
	}
	if f.BBox != nil && (!located(e) || !f.BBox.Contains(e.Latitude, e.Longitude)) {
		return false
	}
	if f.CivilianTargeting != nil && *f.CivilianTargeting != (e.CivilianTargeting == CivilianTargetingValue) {
		return false
	}
	if a := strings.ToLower(strings.TrimSpace(f.Actor)); a != "" {
		found := false
		for _, s := range []string{e.Actor1, e.Actor2, e.AssocActor1, e.AssocActor2} {
			if strings.Contains(strings.ToLower(s), a) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// located mirrors export.HasCoordinates: 0,0 with geo_precision 0 means "not located".
func located(e Event) bool {
	return e.Latitude != 0 || e.Longitude != 0 || e.GeoPrecision != 0
}
