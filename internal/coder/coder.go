// Package coder turns one document into its events: it finds the sentences that report something ACLED
// codes (event mentions), groups the mentions of one event (same date, place and action), tells fresh
// news from recollections and running totals, and codes each event's date, place, actors, type and toll
// with the sentence behind every field.
package coder

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/actor"
	"github.com/sitrep-dev/sitrep/internal/classify"
	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
	"github.com/sitrep-dev/sitrep/internal/geoparse"
	"github.com/sitrep-dev/sitrep/internal/segment"
	"github.com/sitrep-dev/sitrep/internal/timex"
	"github.com/sitrep-dev/sitrep/internal/toll"
)

// StaleAfter is how old an event may be, against the article's publication, and still be news: older
// events an article mentions are recollections, kept as background.
const StaleAfter = 60 * 24 * time.Hour

// datelineReach is how far (in bytes) a date standing in its own sentence may be from the event
// sentence it dates.
const datelineReach = 200

// Coder codes documents. It is safe for concurrent use once built.
type Coder struct {
	triggers *triggerSet
	gaz      *gazetteer.Gazetteer
	geo      *geoparse.Parser
	actors   *actor.Dictionary
	model    *classify.Model
}

// New builds a coder from its parts.
func New(g *gazetteer.Gazetteer, actors *actor.Dictionary, model *classify.Model) (*Coder, error) {
	ts, err := loadTriggers(triggersTSV)
	if err != nil {
		return nil, err
	}
	geo, err := geoparse.New(g)
	if err != nil {
		return nil, fmt.Errorf("place parser: %w", err)
	}
	return &Coder{triggers: ts, gaz: g, geo: geo, actors: actors, model: model}, nil
}

// Default builds a coder from the embedded gazetteer, actor dictionary and event-type model.
func Default() (*Coder, error) {
	g, err := gazetteer.Default()
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	return WithGazetteer(g)
}

// WithGazetteer builds a coder from g (the default with a user's imported places on top) and the
// embedded actor dictionary and event-type model.
func WithGazetteer(g *gazetteer.Gazetteer) (*Coder, error) {
	d, err := actor.Default()
	if err != nil {
		return nil, fmt.Errorf("load actor dictionary: %w", err)
	}
	m, err := classify.Default()
	if err != nil {
		return nil, fmt.Errorf("load event-type model: %w", err)
	}
	return New(g, d, m)
}

// sentence is one sentence with what was found in it.
type sentence struct {
	seg     segment.Sentence
	text    string
	hits    []hit
	classes map[string]bool
	times   []timex.Expr
	figures []toll.Figure
	actors  []actor.Mention
	// place is where the sentence itself says something happened (nil when it names no place).
	place *geoparse.Location
	// tollOnly: a sentence with no event words, only a toll of the event told before it.
	tollOnly bool
	// fresh: the sentence dates what it reports to now (an event or report time); past: only to
	// before (a year, "since 2017", an event months old), so what it reports is background.
	fresh, past bool
}

// group is the mentions of one event inside the document.
type group struct {
	sents      []*sentence
	background bool
	date       *timex.Expr
	place      *geoparse.Location
	placeSent  *sentence
	classes    map[string]bool
	// distinct is the kind of action that opened the group as an event of its own beside another
	// ("remote": a drone strike after the battle), "" for a group opened otherwise.
	distinct string
	// docSents are all the document's event sentences, for what the event's own do not say.
	docSents []*sentence
}

// distinctClasses are kinds of action that, appearing beside another, are another event (a drone
// strike after a battle, an abduction beside an attack).
var distinctClasses = []string{"remote", "abduction", "protest", "riot"}

// Code returns the document's events. Each carries the document as its only source; event_id_cnty holds
// the ISO3 code of its country, for the store to number.
func (c *Coder) Code(ctx context.Context, doc document.Document) ([]event.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ref, gdoc, groups := c.analyse(doc)
	var out []coded
	for _, g := range groups {
		ev, ok := c.codeGroup(doc, ref, gdoc, g)
		if ok {
			markRecalled(doc, groups, g, &ev)
			out = append(out, coded{ev: ev, distinct: g.distinct != "", told: len(g.sents)})
		}
	}
	return mergeSameEvent(out), nil
}

// coded is one group's event, remembering whether segmentation opened the group as an event apart
// and in how many sentences the document tells it.
type coded struct {
	ev       event.Event
	distinct bool
	told     int
}

// analyse finds the document's event sentences and groups them into events.
func (c *Coder) analyse(doc document.Document) (timex.Ref, *geoparse.Doc, []*group) {
	text := doc.Text
	ref := timex.Ref{Published: doc.Published, Known: doc.HasPublished(), Approx: doc.PublishedApprox}
	gdoc := c.geo.Parse(text, geoparse.Hints{Title: doc.Title})

	var sents []*sentence
	var datelines []timex.Expr
	var lead *timex.Expr
	for n, seg := range segment.Sentences(text) {
		s := &sentence{seg: seg, text: text[seg.Start:seg.End], hits: c.triggers.find(text, seg.Start, seg.End), classes: map[string]bool{}}
		if len(s.hits) == 0 {
			// A date standing alone ("01 January.", a dateline) dates the report that follows it.
			for _, t := range timex.Find(text, seg, ref) {
				if t.Kind == timex.EventTime && !t.Since {
					datelines = append(datelines, t)
					// A bare date line on the publication day is the page's own date, not the event's.
					bare := len(strings.Fields(s.text)) <= 6
					pubDay := ref.Known && t.Day.Format(time.DateOnly) == ref.Published.UTC().Format(time.DateOnly)
					if n == 0 && lead == nil && t.Precision <= 2 && !t.Lasted && !(bare && pubDay) {
						lead = &datelines[len(datelines)-1]
					}
				}
			}
			// A toll standing alone ("One death reported.") counts for the event told before it.
			if fs := toll.Figures(text, seg); len(sents) > 0 && hasKilled(fs) {
				s.figures, s.tollOnly = fs, true
				s.actors = c.actors.Find(text, seg.Start, seg.End)
				sents = append(sents, s)
			}
			continue
		}
		for _, h := range s.hits {
			s.classes[h.class] = true
		}
		s.times = timex.Find(text, seg, ref)
		s.figures = toll.Figures(text, seg)
		s.actors = c.actors.Find(text, seg.Start, seg.End)
		s.place = c.sentencePlace(gdoc, seg, s.times)
		for _, t := range s.times {
			switch {
			case t.Since:
				s.past = true
			case t.Kind == timex.Past:
				s.past = true
			case ref.Known && ref.Published.Sub(t.To) > StaleAfter:
				s.past = true
			default:
				s.fresh = true
			}
		}
		if s.past && s.fresh {
			// "In 2012 … and on Sunday …": the fresh report wins; its figures tell totals apart.
			s.past = false
		}
		if s.past && !s.fresh && len(sents) == 0 && datedJustBefore(datelines, s, ref) {
			// "06 July. Students demonstrated … ahead of the election on September 22", "12 February.
			// Protesters demanded the bodies of relatives burnt last year": the date line dates the
			// report; the old date inside the sentence is what it is about.
			s.past = false
		}
		if !s.fresh && !s.past && allAggregate(s.figures) {
			s.past = true
		}
		sents = append(sents, s)
	}

	groups := c.group(sents)
	for _, g := range groups {
		g.docSents = sents
	}
	if lead != nil {
		// The report's lead dates its first event ("19 June. Workers went on strike … following a
		// protest on June 17"; "On 28 October, French forces conducted an operation … thirty were
		// killed during operations between October 24 and 29"), unless the event's own date lies
		// days away from it.
		for _, g := range groups {
			if g.background || len(g.sents) == 0 {
				continue
			}
			if g.date == nil || nearDay(*g.date, *lead) {
				g.date = lead
			}
			break
		}
	}
	for _, g := range groups {
		if g.date != nil || g.background || len(g.sents) == 0 {
			continue
		}
		// The nearest date written just before the event's first sentence.
		first := g.sents[0].seg.Start
		for i := len(datelines) - 1; i >= 0; i-- {
			d := datelines[i]
			if d.End <= first && first-d.End <= datelineReach {
				g.date = &datelines[i]
				break
			}
		}
	}
	return ref, gdoc, groups
}

// datedJustBefore reports whether a fresh date standing alone ends just before the sentence and the
// sentence's own dates of the past come after its opening words ("In 2012, …" opens a recollection).
func datedJustBefore(datelines []timex.Expr, s *sentence, ref timex.Ref) bool {
	if len(datelines) == 0 {
		return false
	}
	d := datelines[len(datelines)-1]
	if d.End > s.seg.Start || s.seg.Start-d.End > datelineReach || (ref.Known && ref.Published.Sub(d.To) > StaleAfter) {
		return false
	}
	for _, t := range s.times {
		if t.Start < s.seg.Start+20 {
			return false
		}
	}
	return true
}

// nearDay reports whether the lead's day lies in the expression's span or within three days of its day.
func nearDay(e, lead timex.Expr) bool {
	d := lead.Day
	if !d.Before(e.From) && !d.After(e.To) {
		return true
	}
	gap := e.Day.Sub(d)
	return gap <= 3*24*time.Hour && gap >= -3*24*time.Hour
}

func allAggregate(fs []toll.Figure) bool {
	if len(fs) == 0 {
		return false
	}
	for _, f := range fs {
		if !f.Aggregate {
			return false
		}
	}
	return true
}

func hasToll(fs []toll.Figure) bool {
	for _, f := range fs {
		if !f.Aggregate && (f.Kind == "killed" || f.Kind == "wounded" || f.Kind == "abducted") {
			return true
		}
	}
	return false
}

// group assigns event sentences to events in reading order. A new event starts only with its own
// evidence: a date of its own that no event so far has, or a distinct kind of action (a drone strike
// after the battle) with its own place, date or toll. A sentence that names a place it shares with an
// event joins it; a sentence without date or place continues the last event; a sentence that names
// another place without a date of its own is context (where people fled, where a spokesman spoke) and
// joins the last event without moving it.
func (c *Coder) group(sents []*sentence) []*group {
	var groups []*group
	var last *group
	add := func(g *group, s *sentence) {
		g.sents = append(g.sents, s)
		// Only sentences with evidence of their own say what kind of event this is; a passing
		// "drone attacks" in a battle story must not stop a later drone strike from being its own event.
		if len(g.sents) == 1 || s.place != nil || firstEventTime(s) != nil || hasToll(s.figures) {
			for k := range s.classes {
				g.classes[k] = true
			}
		}
		if g.date == nil {
			g.date = firstEventTime(s)
		}
		if g.place == nil && s.place != nil {
			g.place, g.placeSent = s.place, s
		}
		last = g
	}
	newGroup := func(background bool) *group {
		g := &group{background: background, classes: map[string]bool{}}
		groups = append(groups, g)
		return g
	}
	for _, s := range sents {
		date := firstEventTime(s)
		if s.tollOnly {
			if last != nil {
				add(last, s)
			}
			continue
		}
		if s.past {
			if last != nil && last.background && (s.place == nil || samePlace(last.place, s.place)) {
				add(last, s)
				continue
			}
			add(newGroup(true), s)
			continue
		}
		if last == nil {
			add(newGroup(false), s)
			continue
		}
		distinct := ""
		for _, k := range distinctClasses {
			// Its own place or date; for violence at a distance its own toll too (drone strikes that
			// killed 50 after the battle). Abductions told with a toll alone ("one guard was killed
			// and three abducted") are the raid's.
			own := s.place != nil || date != nil || (k == "remote" && hasToll(s.figures) && distantStrike(s))
			if s.classes[k] && !last.classes[k] && own && !inTheFighting(s) && !sameActorGoesOn(s) {
				distinct = k
			}
		}
		if distinct != "" && last.date == nil && s.place != nil && last.place != nil && samePlace(last.place, s.place) && date != nil {
			// An undated lead ("The attack on Bamako marks a milestone") and the dated account of
			// the same place that follows it ("explosions echoed through the city on the morning of
			// September 17") are one event.
			distinct = ""
		}
		if distinct != "" {
			g := newGroup(false)
			g.distinct = distinct
			add(g, s)
			continue
		}
		if date == nil && !last.background && len(last.sents) >= 3 && opensIncident(s) {
			// "A convoy of trucks fleeing the town came under fire …, killing 7": a new incident
			// told inside the story of the last event, on its day and at its place unless it names
			// a nearby one (a place farther off is where people fled).
			prev := last
			g := newGroup(false)
			g.distinct = "incident"
			g.date = prev.date
			if s.place != nil && prev.place != nil && !samePlace(prev.place, s.place) {
				place := s.place
				s.place = nil
				add(g, s)
				s.place = place
			} else {
				add(g, s)
			}
			if g.place == nil {
				g.place, g.placeSent = prev.place, prev.placeSent
			}
			continue
		}
		if date == nil && s.place == nil {
			if last.background && inTheFighting(s) {
				// "Seven militants were killed in the operation" after a recollection ("weapons
				// seized in an earlier attack back in October") tells of the fresh event.
				if g := lastFresh(groups); g != nil {
					add(g, s)
					continue
				}
			}
			add(last, s)
			continue
		}
		// A dated sentence goes first to an event of a compatible known date, and not to one opened by
		// a kind of action the sentence does not report ("fighting last week" is the battle's, not
		// the drone strike's reported since); failing that, to the latest compatible event.
		var target *group
		if date != nil {
			for i := len(groups) - 1; i >= 0 && target == nil; i-- {
				g := groups[i]
				if g.background || g.date == nil || (g.distinct != "" && !s.classes[g.distinct]) || g.distinct == "incident" {
					continue
				}
				if compatibleDate(g.date, date) && (s.place == nil || g.place == nil || samePlace(g.place, s.place)) {
					target = g
				}
			}
		}
		for i := len(groups) - 1; i >= 0 && target == nil; i-- {
			g := groups[i]
			// An incident is told in its own sentence: a later sentence naming a place or date
			// belongs to the larger story.
			if g.background || g.distinct == "incident" {
				continue
			}
			if compatibleDate(g.date, date) && (s.place == nil || g.place == nil || samePlace(g.place, s.place)) {
				target = g
			}
		}
		switch {
		case target != nil:
			add(target, s)
		case date != nil:
			add(newGroup(false), s)
		default:
			// Another place, no date of its own: context of the last event.
			place := s.place
			s.place = nil
			add(last, s)
			s.place = place
		}
	}
	return groups
}

// distantStrikeRE: remote means used from afar, by other hands than the fighters on the ground (a drone
// or air strike, shelling after the battle). An IED, a suicide car bomb or rockets fired in the assault,
// or explosives seized after it, are part of the ground attack's story.
var distantStrikeRE = regexp.MustCompile(`^(?:drone|airstrike|air strike|air attack|aerial|bombed|bombing|bombard|shell|artillery|mortar|missile|fighter jet|strikes|carried out)`)

// distantStrike reports whether a sentence names violence from afar (see distantStrikeRE).
func distantStrike(s *sentence) bool {
	for _, h := range s.hits {
		if h.class == "remote" && distantStrikeRE.MatchString(strings.ToLower(s.text[h.start-s.seg.Start:h.end-s.seg.Start])) {
			return true
		}
	}
	return false
}

// lastFresh returns the latest group that is not background, or nil.
func lastFresh(groups []*group) *group {
	for i := len(groups) - 1; i >= 0; i-- {
		if !groups[i].background {
			return groups[i]
		}
	}
	return nil
}

// inTheFightingRE matches a definite reference back to the violence already told ("lost nine men in
// the fighting", "during the attack"): what the sentence reports happened inside that event.
var inTheFightingRE = regexp.MustCompile(`(?i)\b(?:in|during|amid)\s+the\s+(?:fighting|attack|attacks|clash|clashes|battle|assault|siege|ambush|raid|offensive|combat|violence|confrontations?|operations?)\b`)

// inTheFighting reports whether a sentence places what it tells inside the event already told.
func inTheFighting(s *sentence) bool {
	return inTheFightingRE.MatchString(s.text)
}

// sameActorGoesOn reports a sentence whose subject refers back to who acted ("The militants then threw
// an explosive device into the staff quarters, killing two", "They also abducted …"): the same event
// goes on. A subject that only speaks ("The separatists claimed drone strikes killed 50") does not.
func sameActorGoesOn(s *sentence) bool {
	if strings.HasPrefix(s.text, "They ") {
		_, claimed := toll.Attribute(s.text, segment.Sentence{Start: 0, End: len(s.text)})
		return !claimed
	}
	if !strings.HasPrefix(s.text, "The ") || len(s.actors) == 0 {
		return false
	}
	m := s.actors[0]
	switch m.Generic {
	case "", "civilians", "protesters", "rioters", "government":
		return false
	}
	if m.Start-s.seg.Start > len("The ") {
		return false
	}
	_, claimed := toll.Attribute(s.text, segment.Sentence{Start: 0, End: len(s.text)})
	return !claimed
}

// opensIncident reports a sentence that opens with a new incident ("A convoy …", "An army patrol …")
// attacked ("came under fire", "was ambushed") with a toll of its own, outside the event already told.
// The caller asks it only inside a story already told at some length: in a short report the vehicle
// burnt is a detail of the attack.
func opensIncident(s *sentence) bool {
	ws := words(s.text, 0, len(s.text))
	if len(ws) < 3 || (ws[0].lower != "a" && ws[0].lower != "an") || !hasKilled(s.figures) || inTheFighting(s) {
		return false
	}
	head := false
	for _, h := range s.hits {
		if h.class == "incident" && h.start-s.seg.Start <= ws[min(3, len(ws)-1)].start {
			head = true
		}
	}
	return head && underAttackRE.MatchString(s.text)
}

var underAttackRE = regexp.MustCompile(`(?i)\b(?:came|come|comes|went)\s+under\s+(?:fire|attack|gunfire)|\b(?:was|were)\s+(?:ambushed|attacked|targeted|fired\s+(?:on|at|upon)|hit|struck|shelled|bombed)\b|\b(?:hit|struck|ran\s+over)\s+(?:a|an)\s+(?:mine|landmine|ied|explosive)`)

func hasKilled(fs []toll.Figure) bool {
	for _, f := range fs {
		if !f.Aggregate && !f.Negated && f.Kind == "killed" {
			return true
		}
	}
	return false
}

func firstEventTime(s *sentence) *timex.Expr {
	for i := range s.times {
		if s.times[i].Kind == timex.EventTime && !s.times[i].Since {
			return &s.times[i]
		}
	}
	return nil
}

func compatibleDate(a, b *timex.Expr) bool {
	if a == nil || b == nil {
		return true
	}
	return !a.From.After(b.To.AddDate(0, 0, 1)) && !b.From.After(a.To.AddDate(0, 0, 1))
}

// samePlace: the same named place, places within 25 km of each other (a neighbourhood of the city
// already named), or a district or region the other lies in.
func samePlace(a, b *geoparse.Location) bool {
	if a == nil || b == nil {
		return true
	}
	if a.Country != b.Country {
		return false
	}
	if a.Name == b.Name || (a.GeonameID != 0 && a.GeonameID == b.GeonameID) {
		return true
	}
	if a.GeoPrecision == 3 || b.GeoPrecision == 3 {
		return a.Admin1 == b.Admin1
	}
	return gazetteer.DistanceKm(a.Lat, a.Lon, b.Lat, b.Lon) <= 25
}

// mergeSameEvent folds events of one document that the deduplicator would call one event (the article
// returned to the event after talking of another): a document's events must be distinct, or storing
// them would depend on which other reports arrived first.
//
// A group that segmentation opened as an event apart (a drone strike, a convoy ambush told inside the
// story of a battle) merges only with an event of its own type: otherwise the deduplicator's tolerance
// for differently typed reports of one day would undo the segmentation.
//
// The events come out main story first: the one the document tells in most sentences, then in reading
// order. A report elsewhere of that story then finds it before a side event that shares its place.
func mergeSameEvent(evs []coded) []event.Event {
	var out []event.Event
	var apart []bool
	var told []int
	for _, c := range evs {
		e := c.ev
		merged := false
		for i := range out {
			if (c.distinct || apart[i]) && out[i].EventType != e.EventType {
				continue
			}
			if _, ok := dedup.Match(out[i], e); ok {
				id := out[i].EventIDCnty
				out[i] = dedup.Merge([]event.Event{out[i], e})
				out[i].EventIDCnty, out[i].Status = id, event.StatusAuto
				told[i] += c.told
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, e)
			apart = append(apart, c.distinct)
			told = append(told, c.told)
		}
	}
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return told[b] - told[a] })
	sorted := make([]event.Event, len(out))
	for k, i := range order {
		sorted[k] = out[i]
	}
	return sorted
}

func (c *Coder) sentenceText(doc document.Document, s *sentence) string {
	return doc.Text[s.seg.Start:s.seg.End]
}

func evidence(doc document.Document, field string, seg segment.Sentence) event.Evidence {
	return event.Evidence{Field: field, SourceID: doc.ID, Start: seg.Start, End: seg.End, Text: doc.Text[seg.Start:seg.End]}
}

// sentenceAt returns the sentence of the group containing offset pos.
func sentenceAt(g *group, pos int) (*sentence, bool) {
	for _, s := range g.sents {
		if pos >= s.seg.Start && pos < s.seg.End {
			return s, true
		}
	}
	return nil, false
}

func joinNonEmpty(parts []string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "; ")
}

// sentencePlace returns where a sentence itself places what it reports, or nil. Of several places in a
// dated sentence, the one written nearest the date is where the dated action happened ("the attack in
// Bamako … the defeat of Malian troops in Tinzaouaten toward the end of July").
func (c *Coder) sentencePlace(gdoc *geoparse.Doc, seg segment.Sentence, times []timex.Expr) *geoparse.Location {
	inside := func(l geoparse.Location) bool { return l.End > l.Start && l.Start >= seg.Start && l.End <= seg.End }
	var date *timex.Expr
	for i := range times {
		if times[i].Kind == timex.EventTime {
			date = &times[i]
			break
		}
	}
	if date != nil {
		var places []geoparse.Mention
		for _, m := range gdoc.Mentions() {
			if m.Resolved && m.Kind != "country" && m.Start >= seg.Start && m.End <= seg.End {
				places = append(places, m)
			}
		}
		if len(places) > 1 {
			best, bestGap := places[0], -1
			for _, m := range places {
				gap := min(abs(m.Start-date.End), abs(date.Start-m.End))
				if bestGap < 0 || gap < bestGap {
					best, bestGap = m, gap
				}
			}
			// The span starts a little before the mention so cue words ("near", "3 km from") count.
			start := max(seg.Start, best.Start-40)
			if loc, ok := gdoc.Locate(start, best.End); ok && inside(loc) {
				return &loc
			}
		}
	}
	if loc, ok := gdoc.Locate(seg.Start, seg.End); ok && inside(loc) {
		return &loc
	}
	return nil
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
