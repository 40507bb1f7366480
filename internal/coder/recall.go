package coder

import (
	"regexp"
	"time"

	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// recallAge is how long before the article's publication an event must have ended for the article to
// recall it rather than report it: a report of last week's fighting is news, one of an event weeks
// old that the article mentions beside its own story is a recollection.
const recallAge = 7 * 24 * time.Hour

// recallWordRE matches words that place an event before the one the article is about ("yet another
// recent victory", "the earlier defeat", "in the wake of the ambush").
var recallWordRE = regexp.MustCompile(`(?i)\b(?:recent(?:ly)?|earlier|previous(?:ly)?|prior|yet\s+another|in\s+the\s+wake\s+of)\b`)

// markRecalled marks an event the document only recalls in passing, with evidence of field
// dedup.RecalledField on the sentence that dates it (or its first), so that the pipeline adds the
// document to the sources of the event it recalls without letting its vague words vote on that
// event's fields (see dedup.Corroborates). Nothing else of the event changes: a recollection that
// matches no stored event is kept as coded.
//
// A group is a recollection when all of these hold:
//   - it is news, not background (an old event or a running total is background already);
//   - the document is about something else: another of its events is told in more sentences;
//   - it is dated only approximately (a week, a month: time precision 2 or 3), to at least recallAge
//     before the publication;
//   - it has no toll of its own (a recalled event is named, its dead are not counted again);
//   - its words say so: typed Strategic developments although a word of violence names it (the
//     battle is named, "the defeat of the army", not told, so the classifier found no act), or a word
//     that sets it before the article's story ("recent", "earlier", "yet another", ...).
func markRecalled(doc document.Document, groups []*group, g *group, ev *event.Event) {
	if g.background || ev.Background || !doc.HasPublished() || len(g.sents) == 0 {
		return
	}
	main := false
	for _, o := range groups {
		if o != g && !o.background && len(o.sents) > len(g.sents) {
			main = true
		}
	}
	if !main || ev.TimePrecision < 2 {
		return
	}
	_, end, ok := dedup.Span(*ev)
	if !ok || doc.Published.Sub(end) < recallAge {
		return
	}
	cue := ev.EventType == event.StrategicDevelopment && (g.classes["armed"] || g.classes["remote"])
	for _, s := range g.sents {
		if hasToll(s.figures) {
			return
		}
		if recallWordRE.MatchString(s.text) {
			cue = true
		}
	}
	if !cue {
		return
	}
	at := g.sents[0]
	if g.date != nil {
		if s, ok := sentenceAt(g, g.date.Start); ok {
			at = s
		}
	}
	ev.Evidence = append(ev.Evidence, evidence(doc, dedup.RecalledField, at.seg))
}
