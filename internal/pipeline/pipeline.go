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
func (p *Pipeline) place(ctx context.Context, tx Tx, m Mention) (id string, isNew bool, err error) {
	ev := m.Event
	type scored struct {
		s     Stored
		score float64
	}
	var matched []scored
	if from, to, ok := dedup.Window(ev); ok {
		cands, err := tx.NearbyEvents(ctx, dedup.Neighbourhood(ev.Latitude, ev.Longitude), from, to)
		if err != nil {
			return "", false, fmt.Errorf("find candidate events: %w", err)
		}
		for _, c := range cands {
			if hasDocument(c, m.DocumentID) {
				// The coder split this document's reports on purpose (two sites, two days).
				continue
			}
			if score, ok := bestMatch(ev, c); ok {
				matched = append(matched, scored{c, score})
			}
		}
	}
	if len(matched) == 0 {
		iso3 := iso3Of(ev)
		id, err := tx.NewEventID(ctx, iso3)
		if err != nil {
			return "", false, fmt.Errorf("allocate event id: %w", err)
		}
		s := Stored{Mentions: []Mention{m}}
		// A fresh id has no edits yet.
		s.Event = p.deriveWith(id, s.Mentions, event.Event{}, nil)
		return id, true, tx.SaveEvent(ctx, s, dedup.Cell(s.Event.Latitude, s.Event.Longitude))
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
	joined := []Stored{matched[0].s}
	for _, c := range matched[1:] {
		if !slices.ContainsFunc(joined, func(j Stored) bool { return shareDocument(j, c.s) }) {
			joined = append(joined, c.s)
		}
	}
	slices.SortFunc(joined, func(a, b Stored) int {
		if dedup.Older(a.Event.EventIDCnty, b.Event.EventIDCnty) {
			return -1
		}
		return 1
	})
	survivor := joined[0]
	mentions := slices.Clone(survivor.Mentions)
	for _, other := range joined[1:] {
		mentions = append(mentions, other.Mentions...)
		if err := tx.MergeAway(ctx, other.Event.EventIDCnty, survivor.Event.EventIDCnty); err != nil {
			return "", false, fmt.Errorf("merge %s into %s: %w", other.Event.EventIDCnty, survivor.Event.EventIDCnty, err)
		}
	}
	mentions = append(mentions, m)
	s := Stored{Mentions: mentions}
	// The edits of the events merged away above now belong to the survivor and apply with its own.
	if s.Event, err = p.derive(ctx, tx, survivor.Event.EventIDCnty, mentions, survivor.Event); err != nil {
		return "", false, err
	}
	return s.Event.EventIDCnty, false, tx.SaveEvent(ctx, s, dedup.Cell(s.Event.Latitude, s.Event.Longitude))
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
		reports := make([]event.Event, len(mentions))
		for i, m := range mentions {
			reports[i] = m.Event
		}
		ev = dedup.Merge(reports)
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
