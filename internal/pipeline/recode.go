package pipeline

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// RecodeResult says what a re-code did.
type RecodeResult struct {
	Documents int // documents coded
	Events    int // events built from the documents' reports
	Unchanged int // events whose record and mentions did not change (not written; timestamp kept)
	Changed   int // events kept under their id with a changed record
	New       int // events under a newly allocated id
	Merged    int // old events whose reports now sit in another event; their ids resolve to it
	Deleted   int // old events no report supports any more
}

// recodeBatch is how many documents are read per transaction before they are coded.
const recodeBatch = 64

// Recode re-runs the pipeline's coder over every stored document and rebuilds the coded events from
// the new reports, as ingesting the documents afresh in their original order would, while keeping
// event ids, analyst edits and aliases:
//
//   - Clustering: the reports are placed, document by document in storage order, into an empty
//     scratch store by the same rule as Ingest, so the events depend only on the documents, their
//     order and the coder (not on what the store held before, nor on edits, which apply on top).
//     That is what makes a second re-code agree with the first; the price is that an edit which
//     steered later reports when they arrived (a corrected place or type, a rejected event, which
//     no fresh report merges into) does not steer them in a re-code.
//   - Ids: each rebuilt event takes the id of the old event it shares the most with: first the
//     reports paired with the old event's (same document; the same report, else the best dedup
//     match; a report told outright before any recollection), then the documents in common; the
//     oldest id wins ties and an id goes to one event only. An event that shares nothing gets a new, never-used id.
//   - An old event whose id no rebuilt event took is merged away into the event that holds the most
//     of its reports (its id, and the aliases of it, resolve there and its edits apply there), or
//     deleted when no report of it remains. Events stored without mentions (imports) are left alone.
//   - Timestamps: an event whose re-derived record (edits applied) is unchanged but for the timestamp
//     keeps its old timestamp and is not rewritten, so re-coding twice changes nothing at all and the
//     exports are byte-identical; a changed event gets the time of the re-code.
//
// Coding runs outside any transaction, in batches; the rebuild itself is one transaction, so an
// interrupted re-code leaves the store as it was, and documents stored meanwhile are coded inside it.
// The scratch clustering holds every report in memory.
func (p *Pipeline) Recode(ctx context.Context) (RecodeResult, error) {
	return p.recode(ctx, false)
}

// RecodeDryRun says what Recode would do, doing all of it in a transaction that it then rolls
// back: the store is left as it was.
func (p *Pipeline) RecodeDryRun(ctx context.Context) (RecodeResult, error) {
	return p.recode(ctx, true)
}

// errDryRun rolls back the rebuild of a dry run.
var errDryRun = errors.New("dry run")

func (p *Pipeline) recode(ctx context.Context, dryRun bool) (RecodeResult, error) {
	if p.coder == nil {
		return RecodeResult{}, fmt.Errorf("recode: no coder")
	}
	var ids []string
	err := p.store.Update(ctx, func(tx Tx) error {
		var err error
		ids, err = tx.DocumentIDs(ctx)
		return err
	})
	if err != nil {
		return RecodeResult{}, fmt.Errorf("recode: list documents: %w", err)
	}
	coded := make(map[string][]event.Event, len(ids))
	for start := 0; start < len(ids); start += recodeBatch {
		batch := ids[start:min(start+recodeBatch, len(ids))]
		docs := make([]document.Document, 0, len(batch))
		err := p.store.Update(ctx, func(tx Tx) error {
			docs = docs[:0]
			for _, id := range batch {
				d, err := tx.Document(ctx, id)
				if err != nil {
					return err
				}
				docs = append(docs, d)
			}
			return nil
		})
		if err != nil {
			return RecodeResult{}, fmt.Errorf("recode: read documents: %w", err)
		}
		for _, d := range docs {
			evs, err := p.coder.Code(ctx, d)
			if err != nil {
				return RecodeResult{}, fmt.Errorf("recode: code document %s: %w", d.ID, err)
			}
			coded[d.ID] = evs
		}
	}
	var res RecodeResult
	err = p.store.Update(ctx, func(tx Tx) error {
		var err error
		res, err = p.rebuild(ctx, tx, coded)
		if err == nil && dryRun {
			return errDryRun
		}
		return err
	})
	if dryRun && errors.Is(err, errDryRun) {
		return res, nil
	}
	if err != nil {
		return RecodeResult{}, fmt.Errorf("recode: %w", err)
	}
	return res, nil
}

// rebuild is the transaction of Recode. It may run more than once (a store retries a transaction
// aborted by a deadlock), so it keeps nothing of a failed run but the coded reports.
func (p *Pipeline) rebuild(ctx context.Context, tx Tx, coded map[string][]event.Event) (RecodeResult, error) {
	var res RecodeResult
	// The events first: a store may lock them against writers here (PostgreSQL does), so that no
	// document is stored between the listing below and the rebuild without being in both.
	all, err := tx.AllEvents(ctx)
	if err != nil {
		return res, fmt.Errorf("read events: %w", err)
	}
	ids, err := tx.DocumentIDs(ctx)
	if err != nil {
		return res, fmt.Errorf("list documents: %w", err)
	}
	for _, id := range ids {
		if _, ok := coded[id]; ok {
			continue
		}
		// Stored after the listing outside: code it here.
		d, err := tx.Document(ctx, id)
		if err != nil {
			return res, err
		}
		if coded[id], err = p.coder.Code(ctx, d); err != nil {
			return res, fmt.Errorf("code document %s: %w", id, err)
		}
	}
	res.Documents = len(ids)

	sc := newScratch()
	for _, id := range ids {
		for i, ev := range coded[id] {
			if _, _, err := p.place(ctx, sc, Mention{DocumentID: id, Index: i, Event: ev}); err != nil {
				return res, err
			}
		}
	}
	fresh := sc.live()
	res.Events = len(fresh)

	// Events without mentions were not coded from a document: a re-code has nothing to say of them.
	old := slices.DeleteFunc(all, func(s Stored) bool { return len(s.Mentions) == 0 })
	pl := plan(old, fresh)

	final := make([]string, len(fresh))
	for f, o := range pl.idOf {
		if o >= 0 {
			final[f] = old[o].Event.EventIDCnty
			continue
		}
		if final[f], err = tx.NewEventID(ctx, idPrefix(fresh[f].Event.EventIDCnty)); err != nil {
			return res, fmt.Errorf("allocate event id: %w", err)
		}
		res.New++
	}
	for o, s := range old {
		if pl.taken[o] {
			continue
		}
		succ := pl.successor(o, final)
		if succ < 0 {
			if err := tx.DeleteEvent(ctx, s.Event.EventIDCnty); err != nil {
				return res, err
			}
			res.Deleted++
			continue
		}
		if err := tx.MergeAway(ctx, s.Event.EventIDCnty, final[succ]); err != nil {
			return res, fmt.Errorf("merge %s into %s: %w", s.Event.EventIDCnty, final[succ], err)
		}
		res.Merged++
	}
	for f, s := range fresh {
		var prev Stored
		if o := pl.idOf[f]; o >= 0 {
			prev = old[o]
		}
		ev, err := p.derive(ctx, tx, final[f], s.Mentions, prev.Event)
		if err != nil {
			return res, err
		}
		if pl.idOf[f] >= 0 {
			if sameRecord(prev.Event, ev) {
				ev.Timestamp = prev.Event.Timestamp
				if sameMentions(prev.Mentions, s.Mentions) {
					res.Unchanged++
					continue
				}
			}
			res.Changed++
		}
		if err := tx.SaveEvent(ctx, Stored{Event: ev, Mentions: s.Mentions}, dedup.Cell(ev.Latitude, ev.Longitude)); err != nil {
			return res, err
		}
	}
	return res, nil
}

// idPrefix returns the letters of a scratch id (the ISO3 code the coder gave).
func idPrefix(id string) string {
	i := strings.IndexFunc(id, func(r rune) bool { return r >= '0' && r <= '9' })
	if i <= 0 {
		return "XXX"
	}
	return id[:i]
}

// idPlan maps rebuilt events to old ones.
type idPlan struct {
	idOf  []int        // per rebuilt event, the old event whose id it takes, or -1
	taken []bool       // per old event, whether a rebuilt event took its id
	score map[pair]int // how much a rebuilt and an old event share (0: nothing)
	// sharers lists, per old event, the rebuilt events sharing anything with it.
	sharers [][]int
}

type pair struct{ fresh, old int }

// Weights of plan's score: one report paired outweighs any number of documents merely in common,
// and a report told outright outweighs any number of recollections (corroborating mentions) paired:
// an event is the reports that tell it, so it keeps its id when a recollection of it moves elsewhere.
const (
	weightReport       = 1 << 20
	weightRecollection = 1 << 10
	weightDocument     = 1
)

// pairWeight is what pairing a rebuilt report with an old one adds to plan's score.
func pairWeight(m Mention) int {
	if m.Corroborating() {
		return weightRecollection
	}
	return weightReport
}

// plan decides which old id each rebuilt event takes (see Recode). It depends only on the events'
// contents and ids, so a second re-code of unchanged documents maps every event to itself.
func plan(old, fresh []Stored) idPlan {
	pl := idPlan{idOf: make([]int, len(fresh)), taken: make([]bool, len(old)), score: map[pair]int{},
		sharers: make([][]int, len(old))}
	type ref struct {
		ev int // index of the event holding the mention
		m  Mention
	}
	oldByDoc := map[string][]ref{}
	for o, s := range old {
		for _, m := range s.Mentions {
			oldByDoc[m.DocumentID] = append(oldByDoc[m.DocumentID], ref{o, m})
		}
	}
	newByDoc := map[string][]ref{}
	var docs []string
	for f, s := range fresh {
		for _, m := range s.Mentions {
			if _, ok := newByDoc[m.DocumentID]; !ok {
				docs = append(docs, m.DocumentID)
			}
			newByDoc[m.DocumentID] = append(newByDoc[m.DocumentID], ref{f, m})
		}
	}
	for _, doc := range docs {
		ns, os := newByDoc[doc], oldByDoc[doc]
		// Documents in common, once per pair of events.
		seen := map[pair]bool{}
		for _, n := range ns {
			for _, o := range os {
				k := pair{n.ev, o.ev}
				if !seen[k] {
					seen[k] = true
					if pl.score[k] == 0 {
						pl.sharers[o.ev] = append(pl.sharers[o.ev], n.ev)
					}
					pl.score[k] += weightDocument
				}
			}
		}
		// Reports paired: the same report first, then the closest remaining one by the dedup match.
		usedN, usedO := make([]bool, len(ns)), make([]bool, len(os))
		for i, n := range ns {
			for j, o := range os {
				if !usedO[j] && n.m.Index == o.m.Index && sameEvent(n.m.Event, o.m.Event) {
					usedN[i], usedO[j] = true, true
					pl.score[pair{n.ev, o.ev}] += pairWeight(n.m)
					break
				}
			}
		}
		type cand struct {
			i, j  int
			score float64
		}
		var cands []cand
		for i, n := range ns {
			for j, o := range os {
				if usedN[i] || usedO[j] {
					continue
				}
				if s, ok := dedup.Match(n.m.Event, o.m.Event); ok {
					cands = append(cands, cand{i, j, s})
				}
			}
		}
		slices.SortStableFunc(cands, func(a, b cand) int {
			return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.i, b.i), cmp.Compare(a.j, b.j))
		})
		for _, c := range cands {
			if !usedN[c.i] && !usedO[c.j] {
				usedN[c.i], usedO[c.j] = true, true
				pl.score[pair{ns[c.i].ev, os[c.j].ev}] += pairWeight(ns[c.i].m)
			}
		}
	}
	pairs := make([]pair, 0, len(pl.score))
	for k := range pl.score {
		pairs = append(pairs, k)
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := cmp.Compare(pl.score[b], pl.score[a]); c != 0 {
			return c
		}
		if ia, ib := old[a.old].Event.EventIDCnty, old[b.old].Event.EventIDCnty; ia != ib {
			if dedup.Older(ia, ib) {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.fresh, b.fresh)
	})
	for i := range pl.idOf {
		pl.idOf[i] = -1
	}
	for _, k := range pairs {
		if pl.idOf[k.fresh] < 0 && !pl.taken[k.old] {
			pl.idOf[k.fresh] = k.old
			pl.taken[k.old] = true
		}
	}
	return pl
}

// successor is the rebuilt event an old event without a taker merges into: the one sharing the
// most with it, the oldest final id on ties; -1 when none shares anything.
func (pl idPlan) successor(o int, final []string) int {
	best := -1
	for _, f := range pl.sharers[o] {
		s := pl.score[pair{f, o}]
		if best < 0 || s > pl.score[pair{best, o}] || s == pl.score[pair{best, o}] && dedup.Older(final[f], final[best]) {
			best = f
		}
	}
	return best
}

// sameRecord reports whether two events are equal but for their timestamps.
func sameRecord(a, b event.Event) bool {
	a.Timestamp, b.Timestamp = 0, 0
	a.FillEmpty()
	b.FillEmpty()
	return sameEvent(a, b)
}

// sameEvent compares events as they are stored (their JSON), so a nil and an empty list, or a value
// read back from the store, compare as the store would keep them. The order of evidence spans is
// not compared: it carries no meaning, and a coder that lists them in a varying order must not make
// a re-code rewrite (and re-timestamp) an event that did not change.
func sameEvent(a, b event.Event) bool {
	ja, errA := json.Marshal(canonical(a))
	jb, errB := json.Marshal(canonical(b))
	return errA == nil && errB == nil && string(ja) == string(jb)
}

func canonical(e event.Event) event.Event {
	e.Evidence = slices.Clone(e.Evidence)
	slices.SortStableFunc(e.Evidence, func(x, y event.Evidence) int {
		return cmp.Or(cmp.Compare(x.SourceID, y.SourceID), cmp.Compare(x.Start, y.Start), cmp.Compare(x.End, y.End),
			cmp.Compare(x.Field, y.Field), cmp.Compare(x.Text, y.Text))
	})
	return e
}

func sameMentions(a, b []Mention) bool {
	return slices.EqualFunc(a, b, func(x, y Mention) bool {
		return x.DocumentID == y.DocumentID && x.Index == y.Index && sameEvent(x.Event, y.Event)
	})
}
