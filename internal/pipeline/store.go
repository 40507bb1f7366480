package pipeline

import (
	"context"

	"github.com/sitrep-dev/sitrep/internal/dedup"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// Store is what the pipeline needs from storage. Every change for one document happens inside one
// Update call, so a crash leaves either all of a document's work or none of it.
type Store interface {
	Update(ctx context.Context, fn func(tx Tx) error) error
}

// Tx is one transaction on the store.
type Tx interface {
	// KnownDocument reports the ID of a stored document with the same URL, GUID or content hash.
	KnownDocument(ctx context.Context, d document.Document) (id string, known bool, err error)
	// PutDocument stores a new document.
	PutDocument(ctx context.Context, d document.Document) error
	// Document returns a stored document by ID.
	Document(ctx context.Context, id string) (document.Document, error)

	// NearbyEvents returns the stored events (not merged away) whose indexed cell is one of cells and
	// whose [date_start, date_end] overlaps [from, to] (YYYY-MM-DD), with their mentions.
	NearbyEvents(ctx context.Context, cells []int64, from, to string) ([]Stored, error)
	// NewEventID allocates a never-used event_id_cnty for the ISO3 country code (e.g. MLI12).
	NewEventID(ctx context.Context, iso3 string) (string, error)
	// SaveEvent inserts or replaces an event (keyed by EventIDCnty) with its sources, claims,
	// evidence and mentions, indexed under cell.
	SaveEvent(ctx context.Context, s Stored, cell int64) error
	// MergeAway deletes event id and makes it resolve to survivor from now on.
	MergeAway(ctx context.Context, id, survivor string) error
	// MentionsOf returns the stored mentions coded from one document.
	MentionsOf(ctx context.Context, documentID string) ([]Mention, error)

	// StoredEvent returns a live event with its mentions; an id merged away gives the event that
	// absorbed it. A missing id gives an error wrapping storage.ErrNotFound.
	StoredEvent(ctx context.Context, id string) (Stored, error)
	// AllEvents returns every live event (background included) with its mentions, in id order. A
	// store may lock writers out until the transaction ends (a re-code rebuilds from it).
	AllEvents(ctx context.Context) ([]Stored, error)
	// DeleteEvent deletes a live event and its mentions (its id is never allocated again).
	DeleteEvent(ctx context.Context, id string) error
	// DocumentIDs returns the ids of every stored document in the order they were stored.
	DocumentIDs(ctx context.Context) ([]string, error)

	// AddEdit stores an analyst edit (EventID, Field, Value, By, At, Note) and returns its Seq, which
	// is larger than that of every edit stored before.
	AddEdit(ctx context.Context, e event.Edit) (seq int64, err error)
	// Edits returns the edits of event id and of the ids merged into it, in Seq order.
	Edits(ctx context.Context, id string) ([]event.Edit, error)
}

// Stored is an event with the per-document mentions it was built from.
type Stored struct {
	Event    event.Event
	Mentions []Mention
}

// Mention is one event as coded from one document, before merging; merged events are re-derived from
// their mentions, which is what makes re-coding idempotent.
type Mention struct {
	DocumentID string      `json:"document_id"`
	Index      int         `json:"index"` // position among the document's events
	Event      event.Event `json:"event"`
}

// Corroborating reports whether the mention only recalls its event in passing (the coder marked it,
// see dedup.Recalled): it adds its document to the event's sources, evidence and claims, but does not
// vote on the event's fields.
func (m Mention) Corroborating() bool {
	return dedup.Recalled(m.Event)
}
