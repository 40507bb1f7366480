package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// maxEditBody bounds a PATCH /api/events/{id} body: a few fields and a note.
const maxEditBody = 64 << 10

// The body keys of PATCH /api/events/{id} that are not event fields: who made the edit and why.
const (
	editByKey   = "edited_by"
	editNoteKey = "edit_note"
)

// eventByID routes /api/events/{id}: GET reads the event, PATCH (behind a token) records analyst
// edits of it.
func (s *server) eventByID() http.Handler {
	return methods(map[string]http.Handler{
		http.MethodGet:   endpoint(bounded(s.event)),
		http.MethodPatch: s.writeAccess(endpoint(bounded(s.patchEvent))),
	})
}

// EditReader lists the analyst edits of an event; both SQL stores implement it. A store without it
// answers GET /api/events/{id}/edits with 404.
type EditReader interface {
	// EventEdits returns the id the event goes by now (a merged-away id resolves to its survivor)
	// and every edit that applies to it, oldest first.
	EventEdits(ctx context.Context, id string) (string, []event.Edit, error)
}

// editHistory is the answer to GET /api/events/{id}/edits.
type editHistory struct {
	EventID string       `json:"event_id"`
	Edits   []event.Edit `json:"edits"`
}

// eventEdits lists the edits of an event: who changed which field to what, when and why.
func (s *server) eventEdits(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return badRequest("events/{id}/edits takes no parameters")
	}
	er, ok := s.store.(EditReader)
	if !ok {
		return &httpError{http.StatusNotFound, "this server's store keeps no edits"}
	}
	id := r.PathValue("id")
	survivor, edits, err := er.EventEdits(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) {
		return &httpError{http.StatusNotFound, fmt.Sprintf("event %q not found", id)}
	}
	if err != nil {
		return err
	}
	if edits == nil {
		edits = []event.Edit{}
	}
	writeJSON(w, http.StatusOK, editHistory{EventID: survivor, Edits: edits})
	return nil
}

// editResponse is the answer to a PATCH: the event as now stored and every edit that applies to it.
type editResponse struct {
	Event event.Event  `json:"event"`
	Edits []event.Edit `json:"edits"`
}

// patchEvent stores the edits of a JSON object of fields ({"fatalities": 12, "status": "reviewed"})
// through the pipeline, which re-derives the event with them; the edits then hold through later
// merges and re-codes. All fields are checked before any is stored.
func (s *server) patchEvent(w http.ResponseWriter, r *http.Request) error {
	if len(r.URL.Query()) > 0 {
		return badRequest("PATCH events/{id} takes no parameters")
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(strings.ToLower(ct), "application/json") {
		return &httpError{http.StatusUnsupportedMediaType, "body: want application/json"}
	}
	ps, ok := s.store.(pipeline.Store)
	if !ok {
		return &httpError{http.StatusMethodNotAllowed, "this server's store does not take edits"}
	}
	changes, err := parseEditRequest(r.Body)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	ev, edits, err := pipeline.New(ps, nil, nil).Edit(r.Context(), id, changes)
	switch {
	case errors.Is(err, pipeline.ErrInvalidEdit):
		return badRequest("%s", strings.TrimPrefix(errors.Unwrap(err).Error(), "invalid edit: "))
	case errors.Is(err, storage.ErrNotFound):
		return &httpError{http.StatusNotFound, fmt.Sprintf("event %q not found", id)}
	case err != nil:
		return err
	}
	s.log.InfoContext(r.Context(), "event edited", "id", ev.EventIDCnty, "fields", len(changes))
	ev.FillEmpty()
	if edits == nil {
		edits = []event.Edit{}
	}
	writeJSON(w, http.StatusOK, editResponse{Event: ev, Edits: edits})
	return nil
}

// parseEditRequest reads a JSON object of editable fields (values as strings, numbers, booleans or
// null for empty), plus edited_by and edit_note, into edits in the order of event.EditFields.
func parseEditRequest(body io.Reader) ([]event.Edit, error) {
	data, err := io.ReadAll(io.LimitReader(body, maxEditBody+1))
	if err != nil {
		return nil, badRequest("reading the body: %v", err)
	}
	if len(data) > maxEditBody {
		return nil, &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("body larger than %d bytes", maxEditBody)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, badRequest("body: want a JSON object of fields, e.g. {\"fatalities\": 12, %q: \"ana\"}", editByKey)
	}
	if dec.More() {
		return nil, badRequest("body: one JSON object only")
	}
	var by, note string
	for key, dst := range map[string]*string{editByKey: &by, editNoteKey: &note} {
		v, ok := obj[key]
		if !ok {
			continue
		}
		s, isString := v.(string)
		if !isString && v != nil {
			return nil, badRequest("%s: want a string", key)
		}
		*dst = s
		delete(obj, key)
	}
	if len(obj) == 0 {
		return nil, badRequest("body: no field to change (editable: %s)", strings.Join(event.EditFields, ", "))
	}
	changes := make([]event.Edit, 0, len(obj))
	for key, v := range obj {
		var value string
		switch x := v.(type) {
		case nil:
		case string:
			value = x
		case json.Number:
			value = x.String()
		case bool:
			value = fmt.Sprint(x)
		default:
			return nil, badRequest("%s: want a string, a number, a boolean or null", key)
		}
		e := event.Edit{Field: key, Value: value, By: by, Note: note}
		if err := e.Normalize(); err != nil {
			return nil, badRequest("%v", err)
		}
		if slices.ContainsFunc(changes, func(c event.Edit) bool { return c.Field == e.Field }) {
			return nil, badRequest("%s given twice", e.Field)
		}
		changes = append(changes, e)
	}
	slices.SortFunc(changes, func(a, b event.Edit) int {
		return slices.Index(event.EditFields, a.Field) - slices.Index(event.EditFields, b.Field)
	})
	return changes, nil
}
