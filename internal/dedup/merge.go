package dedup

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// Merge derives one event from the reports (per-document events) of it. It depends only on the
// reports, not on their arrival order, so re-ingesting in any order gives the same record. The id,
// timestamp and status are the caller's.
//
// Reports that only recall the event in passing (Recalled) corroborate it: their sources, outlets,
// evidence and claims join the record, but they do not vote on its type, actors, date, place, toll,
// tags or confidence, unless every report is such a recollection. A source's recollection mark is
// dropped when another of its reports tells the event outright.
func Merge(reports []event.Event) event.Event {
	if len(reports) == 0 {
		return event.Event{}
	}
	all := slices.Clone(reports)
	byPublication := func(a, b event.Event) int {
		return cmp.Or(cmp.Compare(firstPublished(a), firstPublished(b)), cmp.Compare(firstSource(a), firstSource(b)))
	}
	slices.SortStableFunc(all, byPublication)
	rs := slices.DeleteFunc(slices.Clone(all), Recalled)
	if len(rs) == 0 {
		rs = all
	}
	out := rs[0]
	out.Claims, out.Sources, out.Evidence = nil, nil, nil

	// Location: the most precise placement.
	loc := slices.MinFunc(rs, func(a, b event.Event) int {
		return cmp.Compare(precisionRank(a.GeoPrecision), precisionRank(b.GeoPrecision))
	})
	copyLocation(&out, loc)

	// Date: the most precise report's day; the span widened to what the dated reports support.
	when := slices.MinFunc(rs, func(a, b event.Event) int {
		return cmp.Compare(precisionRank(a.TimePrecision), precisionRank(b.TimePrecision))
	})
	out.EventDate, out.Year, out.TimePrecision = when.EventDate, when.Year, when.TimePrecision
	out.DateStart, out.DateEnd = when.DateStart, when.DateEnd
	var start, end time.Time
	for _, r := range rs {
		if r.TimePrecision > when.TimePrecision {
			continue
		}
		f, t, ok := Span(r)
		if !ok {
			continue
		}
		if start.IsZero() || f.Before(start) {
			start = f
		}
		if end.IsZero() || t.After(end) {
			end = t
		}
	}
	if !start.IsZero() && !start.Equal(end) {
		out.DateStart, out.DateEnd = start.Format(time.DateOnly), end.Format(time.DateOnly)
	}

	// Type: a vote weighted by each report's confidence.
	out.EventType = vote(rs, func(r event.Event) string { return r.EventType })
	var sameType []event.Event
	for _, r := range rs {
		if r.EventType == out.EventType {
			sameType = append(sameType, r)
		}
	}
	out.SubEventType = vote(sameType, func(r event.Event) string { return r.SubEventType })
	out.DisorderType = event.DisorderType(out.EventType)

	// Actors: the report that names them most specifically.
	// Actors: the report whose named groups most reports agree on (five outlets naming the CSP-DPA
	// outweigh one analysis naming JNIM); among equals one of the chosen type, then one with a target.
	named := map[string]int{}
	for _, r := range rs {
		for n := range namedActors(r) {
			named[n]++
		}
	}
	support := func(r event.Event) int {
		n := 0
		for k := range namedActors(r) {
			n += named[k]
		}
		return n
	}
	act := slices.MaxFunc(rs, func(a, b event.Event) int {
		return cmp.Or(cmp.Compare(support(a), support(b)),
			cmp.Compare(boolInt(a.EventType == out.EventType), boolInt(b.EventType == out.EventType)),
			cmp.Compare(boolInt(a.Actor2 != ""), boolInt(b.Actor2 != "")))
	})
	out.Actor1, out.Inter1, out.Actor2, out.Inter2 = act.Actor1, act.Inter1, act.Actor2, act.Inter2
	out.Interaction = event.Interaction(out.Inter1, out.Inter2)
	out.CivilianTargeting = act.CivilianTargeting
	// An actor is never associated with itself nor with its enemy: one outlet's "the army and
	// Wagner" (Wagner associated with the army) is no ally of the separatists when another outlet's
	// separatists-against-Wagner report gives the actors.
	out.AssocActor1 = unionList(rs, func(r event.Event) string { return r.AssocActor1 }, out.Actor1, out.Actor2)
	out.AssocActor2 = unionList(rs, func(r event.Event) string { return r.AssocActor2 }, out.Actor1, out.Actor2)
	out.Tags = unionList(rs, func(r event.Event) string { return r.Tags })

	// Toll: the conservative figure across the reports that give one (a precise figure over a vague
	// word's fixed value); low/high span them all.
	out.Fatalities, out.FatalitiesLow, out.FatalitiesHigh, out.FatalitiesVague = 0, 0, 0, false
	precise := slices.ContainsFunc(rs, func(r event.Event) bool { return hasToll(r) && !r.FatalitiesVague })
	first := true
	for _, r := range rs {
		if !hasToll(r) {
			continue
		}
		if first {
			out.FatalitiesLow, out.FatalitiesHigh = r.FatalitiesLow, r.FatalitiesHigh
		} else {
			out.FatalitiesLow = min(out.FatalitiesLow, r.FatalitiesLow)
			out.FatalitiesHigh = max(out.FatalitiesHigh, r.FatalitiesHigh)
		}
		first = false
		if precise && r.FatalitiesVague {
			continue
		}
		if out.Fatalities == 0 || r.Fatalities < out.Fatalities {
			out.Fatalities = r.Fatalities
		}
	}
	out.FatalitiesVague = !precise && !first
	out.FatalitiesLow = min(out.FatalitiesLow, out.Fatalities)
	out.FatalitiesHigh = max(out.FatalitiesHigh, out.Fatalities)

	// Provenance: every source, claim and evidence span, the corroborating reports' too.
	seenSrc := map[string]bool{}
	seenClaim := map[event.Claim]bool{}
	seenEv := map[event.Evidence]bool{}
	// Sources that tell the event outright lose any recollection mark another of their reports has.
	outright := map[string]bool{}
	for _, r := range rs {
		if !Recalled(r) {
			for _, s := range r.Sources {
				outright[s.ID] = true
			}
		}
	}
	var outlets, scales []string
	for _, r := range all {
		for _, s := range r.Sources {
			if !seenSrc[s.ID] {
				seenSrc[s.ID] = true
				out.Sources = append(out.Sources, s)
			}
		}
		for _, c := range r.Claims {
			if !seenClaim[c] {
				seenClaim[c] = true
				out.Claims = append(out.Claims, c)
			}
		}
		for _, e := range r.Evidence {
			if e.Field == RecalledField && outright[e.SourceID] {
				continue
			}
			if !seenEv[e] {
				seenEv[e] = true
				out.Evidence = append(out.Evidence, e)
			}
		}
		outlets = appendSplit(outlets, r.Source)
		scales = appendSplit(scales, r.SourceScale)
	}
	notBackground := 1.0
	for _, r := range rs {
		notBackground *= 1 - r.Confidence
	}
	out.Source = strings.Join(outlets, "; ")
	out.SourceScale = strings.Join(scales, "-")
	// Independent reports raise confidence that the event is real.
	out.Confidence = float64(int((1-notBackground)*1000+0.5)) / 1000
	out.Background = rs[0].Background
	out.Notes = event.Notes(out)
	out.FillEmpty()
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hasToll reports whether a report gave a death toll at all (a report silent on deaths is not a zero).
func hasToll(r event.Event) bool {
	if r.Fatalities > 0 || r.FatalitiesHigh > 0 {
		return true
	}
	for _, e := range r.Evidence {
		if e.Field == "fatalities" {
			return true
		}
	}
	return false
}

func copyLocation(dst *event.Event, src event.Event) {
	dst.ISO, dst.Region, dst.Country = src.ISO, src.Region, src.Country
	dst.Admin1, dst.Admin2, dst.Admin3, dst.Location = src.Admin1, src.Admin2, src.Admin3, src.Location
	dst.Latitude, dst.Longitude, dst.GeoPrecision, dst.GeonameID = src.Latitude, src.Longitude, src.GeoPrecision, src.GeonameID
}

// precisionRank orders precision codes best first; 0 (unknown) is worst.
func precisionRank(p int) int {
	if p == 0 {
		return 99
	}
	return p
}

func vote(rs []event.Event, key func(event.Event) string) string {
	w := map[string]float64{}
	var order []string
	for _, r := range rs {
		k := key(r)
		if k == "" {
			continue
		}
		if _, ok := w[k]; !ok {
			order = append(order, k)
		}
		w[k] += 0.1 + r.Confidence
	}
	best := ""
	for _, k := range order {
		if best == "" || w[k] > w[best] {
			best = k
		}
	}
	return best
}

func unionList(rs []event.Event, field func(event.Event) string, exclude ...string) string {
	var out []string
	for _, r := range rs {
		out = appendSplit(out, field(r))
	}
	out = slices.DeleteFunc(out, func(s string) bool {
		return slices.ContainsFunc(exclude, func(x string) bool { return x != "" && ActorKey(s) == ActorKey(x) })
	})
	return strings.Join(out, "; ")
}

// appendSplit adds the "; "-separated items of s that list lacks.
func appendSplit(list []string, s string) []string {
	for _, p := range strings.Split(s, ";") {
		p = strings.TrimSpace(p)
		if p != "" && !slices.Contains(list, p) {
			list = append(list, p)
		}
	}
	return list
}

func firstPublished(e event.Event) string {
	best := ""
	for _, s := range e.Sources {
		if best == "" || (s.Published != "" && s.Published < best) {
			best = s.Published
		}
	}
	return best
}

func firstSource(e event.Event) string {
	if len(e.Sources) == 0 {
		return ""
	}
	return e.Sources[0].ID
}

// Older reports whether id a was allocated before id b (same country prefix, smaller number): the
// oldest id survives a merge.
func Older(a, b string) bool {
	na, pa := splitID(a)
	nb, pb := splitID(b)
	if pa != pb {
		return a < b
	}
	return na < nb
}

func splitID(id string) (int, string) {
	i := strings.IndexFunc(id, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return 0, id
	}
	n, _ := strconv.Atoi(id[i:])
	return n, id[:i]
}
