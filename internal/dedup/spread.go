package dedup

import "github.com/sitrep-dev/sitrep/internal/event"

// Spread reports whether reports, taken as one event, are dated closely enough to be one: the precise
// reports (day or week precision; recollections aside) may spread beyond the longest span any one of
// them gives ("three days of fighting from 25 July") by no more than their coarsest slack. Match
// judges pairs; without this bound on the whole, each report a day after the last could join, and an
// event would grow until it absorbed weeks of a region's violence.
func Spread(reports []event.Event) bool {
	first, span, longest, slack := true, 0, 0, 0
	var lo, hi int
	for _, r := range reports {
		if r.TimePrecision > 2 || Recalled(r) {
			continue
		}
		from, to, ok := Span(r)
		if !ok {
			continue
		}
		f, t := int(from.Unix()/86400), int(to.Unix()/86400)
		if first || f < lo {
			lo = f
		}
		if first || t > hi {
			hi = t
		}
		first = false
		longest = max(longest, t-f)
		slack = max(slack, slackDays(r.TimePrecision))
	}
	if !first {
		span = hi - lo
	}
	return span <= longest+slack
}
