package dedup

import (
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// Corroborating mentions.
//
// An article often recalls in passing a recent event it is not about ("yet another victory, after the
// defeat of the army at X toward the end of July"). An analyst counts such an article among the
// event's sources, since it reports it, but does not let its vague words change the event's fields.
// The coder marks such a report with evidence of field RecalledField (the sentence that recalls it);
// the pipeline then adds it to the stored event it fits best (Corroborates) as a corroborating
// mention, and Merge takes its sources, evidence and claims but none of its fields.

// RecalledField is the evidence field that marks a source as only recalling the event in passing:
// its span is the sentence that recalls it.
const RecalledField = "recalled"

// Recalled reports whether every source of e only recalls it in passing: a per-document report the
// coder marked, or a stored event built from such reports alone. An event that any source reports
// outright is not recalled (Merge drops the mark of a source that also reports it outright).
func Recalled(e event.Event) bool {
	if len(e.Sources) == 0 {
		return false
	}
	for _, s := range e.Sources {
		if !recalledBy(e, s.ID) {
			return false
		}
	}
	return true
}

func recalledBy(e event.Event, sourceID string) bool {
	for _, ev := range e.Evidence {
		if ev.Field == RecalledField && ev.SourceID == sourceID {
			return true
		}
	}
	return false
}

// Corroborates scores how well a recollection r fits a report s of a stored event; ok is false when
// r cannot be a mention of it. A recollection's type and actors are the vague words of a passing
// clause ("the humiliating defeat of Malian and Russian troops"), so unlike Match they do not gate:
// place and time do.
//
// Gates: the same country; neither background; the place as Match's (same place, ≤ MaxKm, or the same
// region at coarse precision); the dates overlapping or within the precisions' slack. Scoring: location
// as Match (same place +2, ≤ 10 km +1.5, ≤ 25 km +1, coarse +0.5); dates overlapping +1, within the
// slack +0.5; the same event type +1, else the same disorder type +0.5; a shared named actor +1; the
// same initiator +0.5. The pair needs MinScore: a bare same-place, same-time pair passes; a place
// 20 km off or a region needs agreement on type or actors too. Every pair Match accepts is accepted,
// with at least Match's score, so marking a report as recalled never leaves it apart from an event
// it would have joined.
func Corroborates(r, s event.Event) (score float64, ok bool) {
	if r.Background || s.Background {
		return 0, false
	}
	score, ok = corroboration(r, s)
	if ms, matched := Match(r, s); matched {
		return max(score, ms), true
	}
	return score, ok
}

func corroboration(r, s event.Event) (score float64, ok bool) {
	if !strings.EqualFold(r.Country, s.Country) || r.Country == "" {
		return 0, false
	}
	score, ok = placeScore(r, s)
	if !ok {
		return 0, false
	}
	rf, rt, okR := Span(r)
	sf, st, okS := Span(s)
	if !okR || !okS {
		return 0, false
	}
	slack := max(slackDays(r.TimePrecision), slackDays(s.TimePrecision))
	switch {
	case !rf.After(st) && !sf.After(rt):
		score += 1
	case !rf.AddDate(0, 0, -slack).After(st) && !sf.AddDate(0, 0, -slack).After(rt):
		score += 0.5
	default:
		return 0, false
	}
	switch {
	case r.EventType != "" && r.EventType == s.EventType:
		score++
	case r.DisorderType != "" && r.DisorderType == s.DisorderType:
		score += 0.5
	}
	nr, ns := namedActors(r), namedActors(s)
	for n := range nr {
		if ns[n] {
			score++
			break
		}
	}
	if r.Actor1 != "" && ActorKey(r.Actor1) == ActorKey(s.Actor1) {
		score += 0.5
	}
	return score, score >= MinScore
}

// CorroborationWindow returns the date range in which stored events may hold corroborating mentions
// that would fit e: twice Window's reach, since a recollection may lie a coarse slack from e and its
// present event another slack beyond it.
func CorroborationWindow(e event.Event) (from, to string, ok bool) {
	f, t, ok := Span(e)
	if !ok {
		return "", "", false
	}
	s := 2 * slackDays(3)
	return f.AddDate(0, 0, -s).Format(time.DateOnly), t.AddDate(0, 0, s).Format(time.DateOnly), true
}
