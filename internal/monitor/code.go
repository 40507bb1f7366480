package monitor

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/queue"
)

// codePayload is a code job's input: a finished document.
type codePayload struct {
	Doc   document.Document `json:"doc"`
	Found time.Time         `json:"found,omitzero"` // when it entered the queue
}

// CodeJob makes a "code" job for a document read elsewhere (sitrep ingest --queue, benchmarks), keyed
// by the document's ID so that it is queued once. doc must be finished (document.Finish).
func CodeJob(doc document.Document, now time.Time) (queue.Job, error) {
	if doc.ID == "" {
		return queue.Job{}, fmt.Errorf("code job: document has no ID (not finished)")
	}
	payload, err := json.Marshal(codePayload{Doc: doc, Found: now})
	if err != nil {
		return queue.Job{}, fmt.Errorf("code job payload: %w", err)
	}
	return queue.Job{Kind: KindCode, Key: doc.ID, Payload: payload}, nil
}

// HandleCode runs a code job: the document in the payload is ingested.
func (m *Monitor) HandleCode(ctx context.Context, job queue.Job) error {
	var p codePayload
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return queue.Permanent(fmt.Errorf("code job payload: %w", err))
	}
	if p.Doc.ID == "" || p.Doc.ContentHash == "" {
		p.Doc.Finish()
	}
	return m.ingest(ctx, p.Doc, p.Found, m.log.With("job", job.ID))
}

// ingest stores a document through the pipeline and reports what it did. A document stored before
// (a retried job whose first run committed) is reported as known and coded no further.
func (m *Monitor) ingest(ctx context.Context, doc document.Document, found time.Time, log *slog.Logger) error {
	res, err := m.o.Ingester.Ingest(ctx, doc)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	m.o.Observer.DocumentStored(res.Known)
	if res.Known {
		log.Info("document already stored", "document", doc.ID, "known_as", res.KnownAs, "url", doc.URL)
		return nil
	}
	m.o.Observer.EventsCoded(res.EventsNew, res.EventsUpdated)
	if !found.IsZero() {
		m.o.Observer.CodingLatency(m.o.Now().Sub(found))
	}
	log.Info("document stored", "document", doc.ID, "url", doc.URL, "events_new", res.EventsNew, "events_updated", res.EventsUpdated)
	return nil
}
