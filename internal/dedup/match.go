// Package dedup decides whether a newly coded report describes an event already stored and merges the
// reports of one event into one record with all their sources, claims and evidence.
//
// Candidates come from the store's place/time index (the grid cells of Cell and the date window of
// Window), never from a scan. Each candidate gets a score from location, date, type, actors and toll
// agreement; the thresholds are documented on Match.
//
// A report that only recalls an event in passing (Recalled) is matched by place and time alone
// (Corroborates) and corroborates the event: Merge takes its sources, evidence and claims, not its
// fields.
package dedup

import (
	"regexp"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// Decision thresholds. A pair must pass every gate (country, distance, date, type and actor
// compatibility, background) and score at least MinScore.
const (
	// MaxKm is the farthest two village-level reports of one event may be placed apart.
	MaxKm = 25.0
	// MaxKmCoarse applies when either report is placed only to a district or region (geo_precision 3):
	// they must then also share admin1.
	MaxKmCoarse = 150.0
	// MinScore is the score a candidate needs to be the same event.
	MinScore = 2.5
)

// Match scores how likely a and b report the same event; ok is false when a gate fails (a report
// placed only in a country must share the day, the type and a named actor). Scoring:
// location (same place +2, ≤10 km +1.5, ≤25 km +1, same region at coarse precision +0.5), date (same day
// +1.5 when both know the day, overlapping spans +1, within the precisions' slack +0.5: an approximate
// date that falls on the other's day is no more than that), type (same +1, same sub-type +0.5,
// another political-violence type 0 and only when both are dated to the same day), a shared named actor
// +1, the same initiator (actor1) +0.5, tolls within a factor of two +0.5.
func Match(a, b event.Event) (score float64, ok bool) {
	if a.Background != b.Background {
		return 0, false // a recalled event never merges into a fresh one
	}
	if !strings.EqualFold(a.Country, b.Country) || a.Country == "" {
		return 0, false
	}
	// Location. A report placed only in a country is no evidence of place: it joins another only on
	// the same day, with the same type and a named actor in common (checked below), or every attack
	// of a group somewhere in that country that week would become one event.
	countryOnly := countryLevel(a) || countryLevel(b)
	if countryOnly {
		if a.EventDate != b.EventDate || a.TimePrecision != 1 || b.TimePrecision != 1 || a.EventType != b.EventType {
			return 0, false
		}
	} else {
		place, ok := placeScore(a, b)
		if !ok {
			return 0, false
		}
		score += place
	}
	// Date.
	af, at, okA := Span(a)
	bf, bt, okB := Span(b)
	if !okA || !okB {
		return 0, false
	}
	slack := max(slackDays(a.TimePrecision), slackDays(b.TimePrecision))
	switch {
	case a.EventDate == b.EventDate && a.TimePrecision == 1 && b.TimePrecision == 1:
		score += 1.5
	case a.EventDate == b.EventDate && a.DateStart == "" && b.DateStart == "":
		score += 0.5
	case !af.After(bt) && !bf.After(at):
		score += 1
	case !af.AddDate(0, 0, -slack).After(bt) && !bf.AddDate(0, 0, -slack).After(at):
		score += 0.5
	default:
		return 0, false
	}
	// Type.
	switch {
	case a.EventType == b.EventType:
		score += 1
		if a.SubEventType == b.SubEventType {
			score += 0.5
		}
	case compatibleTypes(a.EventType, b.EventType):
		// Differently typed reports must be dated to the same day: a drone strike days after a
		// battle at the same place is another event, and a report dated only "this week" cannot say
		// which of them it is.
		if a.EventDate != b.EventDate || a.TimePrecision != 1 || b.TimePrecision != 1 {
			return 0, false
		}
	default:
		return 0, false
	}
	// Actors: two different named groups are two events (a JNIM convoy ambush beside a CSP-DPA battle).
	na, nb := namedActors(a), namedActors(b)
	if countryOnly && (len(na) == 0 || len(nb) == 0) {
		return 0, false
	}
	if len(na) > 0 && len(nb) > 0 {
		shared := false
		for n := range na {
			if nb[n] {
				shared = true
			}
		}
		if !shared {
			return 0, false
		}
		score++
	}
	if a.Actor1 != "" && ActorKey(a.Actor1) == ActorKey(b.Actor1) {
		// The same side acted: a capture told by the attackers' claim and by the army's account of
		// the town's fall, not the army's counter-offensive days later.
		score += 0.5
	}
	if a.Fatalities > 0 && b.Fatalities > 0 {
		lo, hi := min(a.Fatalities, b.Fatalities), max(a.Fatalities, b.Fatalities)
		if hi <= 2*lo {
			score += 0.5
		}
	}
	return score, score >= MinScore
}

// compatibleTypes reports whether two reports may describe one event although typed differently: the
// political-violence types often are (one outlet's clash is another's attack), the demonstration types
// too; strategic developments only match themselves.
func compatibleTypes(a, b string) bool {
	return event.DisorderType(a) == event.DisorderType(b) && event.DisorderType(a) != "Strategic developments"
}

var eraSuffix = regexp.MustCompile(`\s*\(\d{4}-(\d{4})?\)\s*$`)

// ActorKey normalises an actor name for comparison: ACLED's era suffixes dropped, case folded.
func ActorKey(name string) string {
	return strings.ToLower(strings.TrimSpace(eraSuffix.ReplaceAllString(name, "")))
}

// namedActors returns the specific non-state groups of an event. State forces, civilians, protesters
// and unidentified groups say nothing about which of two attacks a report describes.
func namedActors(e event.Event) map[string]bool {
	out := map[string]bool{}
	for _, n := range []string{e.Actor1, e.Actor2} {
		k := ActorKey(n)
		if k == "" || isGenericActor(k) {
			continue
		}
		out[k] = true
	}
	return out
}

func isGenericActor(k string) bool {
	for _, p := range []string{"military forces of", "police forces of", "civilians", "unidentified", "protesters", "rioters", "government of"} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// countryLevel reports whether e is placed only in its country (the coder's fallback: the country's
// centre at precision 3, no admin unit).
func countryLevel(e event.Event) bool {
	return e.GeoPrecision >= 3 && e.Admin1 == ""
}

// placeScore scores where two reports are: the same place +2, ≤10 km +1.5, ≤25 km +1, the same
// admin1 within MaxKmCoarse when either is placed only to a district or region +0.5; ok is false
// when they are too far apart.
func placeScore(a, b event.Event) (float64, bool) {
	d := gazetteer.DistanceKm(a.Latitude, a.Longitude, b.Latitude, b.Longitude)
	switch {
	case (a.GeonameID != 0 && a.GeonameID == b.GeonameID) || (a.Location != "" && strings.EqualFold(a.Location, b.Location)):
		return 2, true
	case a.GeoPrecision >= 3 || b.GeoPrecision >= 3:
		return 0.5, d <= MaxKmCoarse && strings.EqualFold(a.Admin1, b.Admin1)
	case d <= 10:
		return 1.5, true
	case d <= MaxKm:
		return 1, true
	}
	return 0, false
}
