// Package pipeline carries one document from reading to stored events: it recognises documents seen
// before, codes the new ones, and places each coded event into the store, merging it with the stored
// event it reports (see internal/dedup). All of one document's changes happen in one transaction.
package pipeline

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// Coder turns one document into its events, each naming the document among its sources.
type Coder interface {
	Code(ctx context.Context, doc document.Document) ([]event.Event, error)
}

// Pipeline ingests documents into a store.
type Pipeline struct {
	store Store
	coder Coder
	now   func() time.Time
}

// New returns a pipeline; now may be nil (time.Now).
func New(store Store, coder Coder, now func() time.Time) *Pipeline {
	if now == nil {
		now = time.Now
	}
	return &Pipeline{store: store, coder: coder, now: now}
}

// Result says what ingesting one document did.
type Result struct {
	DocumentID    string
	Known         bool   // the document was stored before (same URL, GUID or content hash)
	KnownAs       string // the stored document's ID when Known
	EventsNew     int
	EventsUpdated int
	Events        []string // ids of the events the document's reports went into
}

// Ingest stores doc once and places its events. Coding runs before the transaction so that the store
// is locked only for the short write.
func (p *Pipeline) Ingest(ctx context.Context, doc document.Document) (Result, error) {
	res := Result{DocumentID: doc.ID}
	var known bool
	// A cheap look first: a known document is not coded again.
	err := p.store.Update(ctx, func(tx Tx) error {
		id, ok, err := tx.KnownDocument(ctx, doc)
		res.KnownAs, known = id, ok
		return err
	})
	if err != nil {
		return res, fmt.Errorf("look up document %s: %w", doc.ID, err)
	}
	if known {
		res.Known = true
		return res, nil
	}
	events, err := p.coder.Code(ctx, doc)
	if err != nil {
		return res, fmt.Errorf("code document %s: %w", doc.ID, err)
	}
	err = p.store.Update(ctx, func(tx Tx) error {
		// Checked again inside the write: another worker may have stored it meanwhile.
		id, ok, err := tx.KnownDocument(ctx, doc)
		if err != nil {
			return err
		}
		if ok {
			res.Known, res.KnownAs = true, id
			return nil
		}
		if err := tx.PutDocument(ctx, doc); err != nil {
			return err
		}
		res.EventsNew, res.EventsUpdated, res.Events = 0, 0, nil
		for i, ev := range events {
			id, isNew, err := p.place(ctx, tx, Mention{DocumentID: doc.ID, Index: i, Event: ev})
			if err != nil {
				return err
			}
			if isNew {
				res.EventsNew++
			} else {
				res.EventsUpdated++
			}
			res.Events = append(res.Events, id)
		}
		return nil
	})
	if err != nil {
		return Result{DocumentID: doc.ID}, fmt.Errorf("store document %s: %w", doc.ID, err)
	}
	return res, nil
}

// place merges one report into the stored event it describes, or stores it as a new event. Every
// stored event it matches is merged into one: the oldest id survives and the others resolve to it.
//
// A report the coder marked as only recalling the event in passing (Mention.Corroborating) joins the
// stored event it fits best as a corroborating mention (see hostFor), never bridging two events;
// failing one, it is placed as any report would be, among the events built from recollections alone.
// A report told outright never merges into such an event by the dedup rule: instead, once the event
// it lands in is known, every corroborating mention nearby that fits it better than where it sits
// moves to it (rehome), and an event left without mentions is merged with it. Where a recollection
// ends up thus depends on the events, not on the order the reports arrived in.
func (p *Pipeline) place(ctx context.Context, tx Tx, m Mention) (id string, isNew bool, err error) {
	ev := m.Event
	var cands []Stored
	if from, to, ok := dedup.CorroborationWindow(ev); ok {
		// One look-up serves the dedup rule and the corroborations: its window is the wider.
		if cands, err = tx.NearbyEvents(ctx, dedup.Neighbourhood(ev.Latitude, ev.Longitude), from, to); err != nil {
			return "", false, fmt.Errorf("find candidate events: %w", err)
		}
	}
	corroborating := m.Corroborating()
	var pool []Stored // the events the dedup rule may merge the report with
	for _, c := range cands {
		if hasDocument(c, m.DocumentID) {
			// The coder split this document's reports on purpose (two sites, two days).
			continue
		}
		if corroborating == recollectionsOnly(c) {
			pool = append(pool, c)
		}
	}
	if corroborating {
		if host, ok := hostFor(m, cands); ok {
			s := Stored{Mentions: append(slices.Clone(host.Mentions), m)}
			// The host's fields do not change, but its sources, evidence and claims do.
			if s.Event, err = p.derive(ctx, tx, host.Event.EventIDCnty, s.Mentions, host.Event); err != nil {
				return "", false, err
			}
			return s.Event.EventIDCnty, false, tx.SaveEvent(ctx, s, dedup.Cell(s.Event.Latitude, s.Event.Longitude))
		}
	}
	var matched []scored
	for _, c := range pool {
		if score, ok := bestMatch(ev, c); ok {
			matched = append(matched, scored{c, score})
		}
	}
	// The best candidate first; others it bridges to join only when they share no document with
	// what is already joined, since one document's events are distinct by construction.
	slices.SortStableFunc(matched, func(a, b scored) int {
		switch {
		case a.score != b.score:
			return cmp.Compare(b.score, a.score)
		case dedup.Older(a.s.Event.EventIDCnty, b.s.Event.EventIDCnty):
			return -1
		}
		return 1
	})
	var joined []Stored
	reports := []event.Event{ev}
	for _, c := range matched {
		if slices.ContainsFunc(joined, func(j Stored) bool { return shareDocument(j, c.s) }) {
			continue
		}
		// A bridge must not date the joined event further apart than one event can be.
		if with := append(slices.Clone(reports), reportsOf(c.s.Mentions)...); dedup.Spread(with) {
			joined = append(joined, c.s)
			reports = with
		}
	}
	mentions := []Mention{m}
	for _, j := range joined {
		mentions = append(mentions, j.Mentions...)
	}
	var moved []Mention
	if !corroborating {
		var emptied []Stored
		if moved, emptied, err = p.rehome(ctx, tx, mentions, cands, joined); err != nil {
			return "", false, err
		}
		joined = append(joined, emptied...)
	}
	if len(joined) == 0 {
		mentions = append(mentions, moved...)
		id, err := tx.NewEventID(ctx, iso3Of(ev))
		if err != nil {
			return "", false, fmt.Errorf("allocate event id: %w", err)
		}
		s := Stored{Mentions: mentions}
		// A fresh id has no edits yet.
		s.Event = p.deriveWith(id, s.Mentions, event.Event{}, nil)
		return id, true, tx.SaveEvent(ctx, s, dedup.Cell(s.Event.Latitude, s.Event.Longitude))
	}
	slices.SortFunc(joined, func(a, b Stored) int {
		if dedup.Older(a.Event.EventIDCnty, b.Event.EventIDCnty) {
			return -1
		}
		return 1
	})
	survivor := joined[0]
	// The mentions of the joined events, oldest event first, then the report, then what moved to it.
	mentions = slices.Clone(survivor.Mentions)
	for _, other := range joined[1:] {
		mentions = append(mentions, other.Mentions...)
		if err := tx.MergeAway(ctx, other.Event.EventIDCnty, survivor.Event.EventIDCnty); err != nil {
			return "", false, fmt.Errorf("merge %s into %s: %w", other.Event.EventIDCnty, survivor.Event.EventIDCnty, err)
		}
	}
	mentions = append(mentions, m)
	for _, x := range moved {
		if !slices.ContainsFunc(mentions, func(o Mention) bool { return sameMention(o, x) }) {
			mentions = append(mentions, x)
		}
	}
	s := Stored{Mentions: mentions}
	// The edits of the events merged away above now belong to the survivor and apply with its own.
	if s.Event, err = p.derive(ctx, tx, survivor.Event.EventIDCnty, mentions, survivor.Event); err != nil {
		return "", false, err
	}
	return s.Event.EventIDCnty, false, tx.SaveEvent(ctx, s, dedup.Cell(s.Event.Latitude, s.Event.Longitude))
}

type scored struct {
	s     Stored
	score float64
}

// hostFor picks the stored event a recollection corroborates: of the candidates told outright by
// another document that it fits (dedup.Corroborates), the best by fit (see better).
func hostFor(m Mention, cands []Stored) (Stored, bool) {
	var best Stored
	var bestFit fit
	found := false
	for _, c := range cands {
		if hasDocument(c, m.DocumentID) || recollectionsOnly(c) {
			continue
		}
		if f, ok := fitOf(m.Event, c.Event, c.Mentions); ok && (!found || f.better(bestFit)) {
			best, bestFit, found = c, f, true
		}
	}
	return best, found
}

// rehome moves to the event being built from mentions (the new report and the events it joined)
// every corroborating mention of the other candidates that fits it better than its present event;
// it returns the mentions that move and the candidates left without any mention, which the caller
// merges with the event. A recollection thus ends where it fits best whatever the order of
// arrival: an event's fit for a recollection only grows as reports join it, and each time one
// does, the recollections around are offered the move.
func (p *Pipeline) rehome(ctx context.Context, tx Tx, mentions []Mention, cands, joined []Stored) ([]Mention, []Stored, error) {
	mentions = slices.Clone(mentions)
	var emptied []Stored
	var movedAll []Mention
	for _, y := range cands {
		if slices.ContainsFunc(joined, func(j Stored) bool { return j.Event.EventIDCnty == y.Event.EventIDCnty }) {
			continue
		}
		var kept, moved []Mention
		for _, c := range y.Mentions {
			if !c.Corroborating() || slices.ContainsFunc(mentions, func(x Mention) bool { return x.DocumentID == c.DocumentID }) {
				kept = append(kept, c)
				continue
			}
			here, ok := fitOf(c.Event, event.Event{}, mentions)
			if !ok {
				kept = append(kept, c)
				continue
			}
			if there, ok := fitOf(c.Event, y.Event, y.Mentions); ok && !here.better(there) {
				kept = append(kept, c)
				continue
			}
			moved = append(moved, c)
			mentions = append(mentions, c)
			movedAll = append(movedAll, c)
		}
		switch {
		case len(moved) == 0:
		case len(kept) == 0:
			emptied = append(emptied, y)
		default:
			s := Stored{Mentions: kept}
			var err error
			if s.Event, err = p.derive(ctx, tx, y.Event.EventIDCnty, kept, y.Event); err != nil {
				return nil, nil, err
			}
			if err := tx.SaveEvent(ctx, s, dedup.Cell(s.Event.Latitude, s.Event.Longitude)); err != nil {
				return nil, nil, err
			}
		}
	}
	return movedAll, emptied, nil
}

// fit is how well a recollection fits an event: the best dedup.Corroborates score against the
// event's reports told outright, then how many documents tell it outright, then (a tie broken the
// same way whatever the order of arrival) the smallest of their ids and that document's report.
// Each part only improves as reports join the event.
type fit struct {
	score      float64
	docs       int
	firstDoc   string
	firstIndex int
}

func (f fit) better(g fit) bool {
	switch {
	case f.score != g.score:
		return f.score > g.score
	case f.docs != g.docs:
		return f.docs > g.docs
	case f.firstDoc != g.firstDoc:
		return f.firstDoc < g.firstDoc
	}
	return f.firstIndex < g.firstIndex
}

// fitOf scores recollection r against an event's mentions told outright; an event stored without
// mentions (an import) is scored by its own record. ok is false when none of them admits r.
func fitOf(r event.Event, stored event.Event, mentions []Mention) (fit, bool) {
	var f fit
	found := false
	docs := map[string]bool{}
	outright := 0
	for _, m := range mentions {
		if m.Corroborating() {
			continue
		}
		outright++
		docs[m.DocumentID] = true
		if outright == 1 || m.DocumentID < f.firstDoc || (m.DocumentID == f.firstDoc && m.Index < f.firstIndex) {
			f.firstDoc, f.firstIndex = m.DocumentID, m.Index
		}
		if score, ok := dedup.Corroborates(r, m.Event); ok && (!found || score > f.score) {
			f.score, found = score, true
		}
	}
	if outright == 0 && len(mentions) == 0 && stored.EventIDCnty != "" {
		if score, ok := dedup.Corroborates(r, stored); ok {
			f.score, found = score, true
			docs[""] = true
		}
	}
	f.docs = len(docs)
	return f, found
}

// recollectionsOnly reports whether a stored event was built from corroborating mentions alone.
func recollectionsOnly(s Stored) bool {
	if len(s.Mentions) == 0 {
		return false
	}
	for _, m := range s.Mentions {
		if !m.Corroborating() {
			return false
		}
	}
	return true
}

func sameMention(a, b Mention) bool {
	return a.DocumentID == b.DocumentID && a.Index == b.Index
}

// derive re-derives an event from its mentions with the analyst edits stored for it.
func (p *Pipeline) derive(ctx context.Context, tx Tx, id string, mentions []Mention, prev event.Event) (event.Event, error) {
	edits, err := tx.Edits(ctx, id)
	if err != nil {
		return event.Event{}, fmt.Errorf("edits of %s: %w", id, err)
	}
	return p.deriveWith(id, mentions, prev, edits), nil
}

// deriveWith re-derives an event from its mentions, keeping the id and an analyst's review status,
// and applies the edits on top, so that no merge or re-code loses them. An event stored without
// mentions (an import) has only itself to derive from.
func (p *Pipeline) deriveWith(id string, mentions []Mention, prev event.Event, edits []event.Edit) event.Event {
	var ev event.Event
	if len(mentions) == 0 {
		ev = prev
	} else {
		ev = dedup.Merge(reportsOf(mentions))
		ev.Status = event.StatusAuto
		if prev.Status == event.StatusReviewed {
			ev.Status = event.StatusReviewed
		}
	}
	ev.EventIDCnty = id
	ev = event.ApplyEdits(ev, edits)
	ev.Timestamp = p.now().Unix()
	return ev
}

// bestMatch scores a report against a stored event and every report it was built from, keeping the
// best: a merged record's voted actors or widened dates should not hide a report that agrees with one
// of its sources.
func bestMatch(ev event.Event, s Stored) (float64, bool) {
	if !dedup.Spread(append(reportsOf(s.Mentions), ev)) {
		return 0, false
	}
	best, found := 0.0, false
	if score, ok := dedup.Match(ev, s.Event); ok {
		best, found = score, true
	}
	for _, m := range s.Mentions {
		if score, ok := dedup.Match(ev, m.Event); ok && (!found || score > best) {
			best, found = score, true
		}
	}
	return best, found
}

// shareDocument reports whether two stored events hold reports of one document.
func shareDocument(a, b Stored) bool {
	for _, m := range b.Mentions {
		if hasDocument(a, m.DocumentID) {
			return true
		}
	}
	return false
}

func hasDocument(s Stored, docID string) bool {
	for _, m := range s.Mentions {
		if m.DocumentID == docID {
			return true
		}
	}
	return false
}

// iso3Of returns the ISO3 prefix for an event's id; the coder sets it as the id placeholder.
func iso3Of(ev event.Event) string {
	if len(ev.EventIDCnty) == 3 {
		return ev.EventIDCnty
	}
	return "XXX"
}

// reportsOf returns the events of mentions.
func reportsOf(mentions []Mention) []event.Event {
	out := make([]event.Event, len(mentions))
	for i, m := range mentions {
		out[i] = m.Event
	}
	return out
}
