package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// editToken accepts one secret.
type editToken string

func (e editToken) CheckToken(ctx context.Context, secret string) (bool, error) {
	return secret == string(e), nil
}

func editRequest(t *testing.T, h http.Handler, method, target, token, contentType, body string) (int, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	data, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, data
}

// TestPatchEvent: PATCH /api/events/{id} records analyst edits behind a token, checks every field,
// follows aliases, and "not an event" hides the event from lists.
func TestPatchEvent(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "edit.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	base := event.Event{EventDate: "2025-02-03", Year: 2025, TimePrecision: 1, DisorderType: event.PoliticalViolence,
		EventType: event.Battles, SubEventType: "Armed clash", Actor1: "Military Forces of Mali (2021-)",
		Actor2: "JNIM: Group for Support of Islam and Muslims", Country: "Mali", Location: "Boni",
		Latitude: 15.07, Longitude: -1.95, GeoPrecision: 1, Fatalities: 4, Status: event.StatusAuto}
	err = s.Update(ctx, func(tx pipeline.Tx) error {
		for _, id := range []string{"MLI1", "MLI2", "MLI3"} {
			e := base
			e.EventIDCnty = id
			if err := tx.SaveEvent(ctx, pipeline.Stored{Event: e}, 1); err != nil {
				return err
			}
		}
		return tx.MergeAway(ctx, "MLI3", "MLI2")
	})
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(s, api.Options{Tokens: editToken("s3cret")})
	const js = "application/json"

	if code, body := editRequest(t, h, http.MethodPatch, "/api/events/MLI1", "", js, `{"fatalities": 12}`); code != http.StatusUnauthorized {
		t.Errorf("PATCH without a token: %d %s", code, body)
	}
	if code, body := editRequest(t, h, http.MethodPatch, "/api/events/MLI1", "wrong", js, `{"fatalities": 12}`); code != http.StatusUnauthorized {
		t.Errorf("PATCH with a bad token: %d %s", code, body)
	}
	code, body := editRequest(t, h, http.MethodPatch, "/api/events/MLI1", "s3cret", js,
		`{"fatalities": 12, "status": "reviewed", "lat": "15.1", "actor2": null, "edited_by": "ana", "edit_note": "local radio"}`)
	if code != http.StatusOK {
		t.Fatalf("PATCH: %d %s", code, body)
	}
	var res struct {
		Event event.Event  `json:"event"`
		Edits []event.Edit `json:"edits"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if e := res.Event; e.Fatalities != 12 || e.Status != event.StatusReviewed || e.Latitude != 15.1 || e.Actor2 != "" {
		t.Errorf("edited event: fatalities %d status %s lat %v actor2 %q", e.Fatalities, e.Status, e.Latitude, e.Actor2)
	}
	if len(res.Edits) != 4 || res.Edits[0].By != "ana" || res.Edits[0].Note != "local radio" || res.Edits[0].EventID != "MLI1" {
		t.Errorf("edits: %+v", res.Edits)
	}
	code, body = editRequest(t, h, http.MethodGet, "/api/events/MLI1", "", "", "")
	var got event.Event
	if code != http.StatusOK || json.Unmarshal(body, &got) != nil || got.Fatalities != 12 {
		t.Errorf("GET after PATCH: %d fatalities %d", code, got.Fatalities)
	}

	for _, tc := range []struct {
		name, target, contentType, body string
		want                            int
	}{
		{"malformed value", "/api/events/MLI1", js, `{"fatalities": "many"}`, http.StatusBadRequest},
		{"unknown field", "/api/events/MLI1", js, `{"colour": "red"}`, http.StatusBadRequest},
		{"not an object", "/api/events/MLI1", js, `[1]`, http.StatusBadRequest},
		{"nothing to change", "/api/events/MLI1", js, `{"edited_by": "ana"}`, http.StatusBadRequest},
		{"nested value", "/api/events/MLI1", js, `{"notes": {"a": 1}}`, http.StatusBadRequest},
		{"two objects", "/api/events/MLI1", js, `{"notes": "a"} {"notes": "b"}`, http.StatusBadRequest},
		{"type without a fitting sub-event type", "/api/events/MLI1", js, `{"event_type": "Protests"}`, http.StatusBadRequest},
		{"unknown event", "/api/events/MLI99", js, `{"fatalities": 1}`, http.StatusNotFound},
		{"not JSON", "/api/events/MLI1", "text/plain", `fatalities=1`, http.StatusUnsupportedMediaType},
		{"too large", "/api/events/MLI1", js, `{"notes": "` + strings.Repeat("x", 70<<10) + `"}`, http.StatusRequestEntityTooLarge},
		{"parameters", "/api/events/MLI1?x=1", js, `{"fatalities": 1}`, http.StatusBadRequest},
	} {
		if code, body := editRequest(t, h, http.MethodPatch, tc.target, "s3cret", tc.contentType, tc.body); code != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, code, body, tc.want)
		}
	}
	if code, _ := editRequest(t, h, http.MethodPut, "/api/events/MLI1", "s3cret", js, `{}`); code != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d, want 405", code)
	}
	if code, _ := editRequest(t, h, http.MethodGet, "/api/events/MLI1", "", "", ""); code != http.StatusOK {
		t.Errorf("refused edits changed the event's availability: %d", code)
	}

	// An alias edits its survivor.
	code, body = editRequest(t, h, http.MethodPatch, "/api/events/MLI3", "s3cret", js, `{"sub_event_type": "Attack", "actor2": "Civilians (Mali)"}`)
	if code != http.StatusOK || json.Unmarshal(body, &res) != nil || res.Event.EventIDCnty != "MLI2" || res.Event.EventType != event.ViolenceCivilians {
		t.Errorf("PATCH of an alias: %d %s", code, body)
	}

	// The history: an alias lists its survivor's edits, its own first.
	code, body = editRequest(t, h, http.MethodGet, "/api/events/MLI3/edits", "", "", "")
	var hist struct {
		EventID string       `json:"event_id"`
		Edits   []event.Edit `json:"edits"`
	}
	if code != http.StatusOK || json.Unmarshal(body, &hist) != nil || hist.EventID != "MLI2" || len(hist.Edits) != 2 || hist.Edits[0].Field != "sub_event_type" {
		t.Errorf("GET edits of an alias: %d %s", code, body)
	}
	if code, body := editRequest(t, h, http.MethodGet, "/api/events/MLI99/edits", "", "", ""); code != http.StatusNotFound {
		t.Errorf("GET edits of an unknown event: %d %s", code, body)
	}

	// Not an event: gone from the list, still readable by id.
	if code, body := editRequest(t, h, http.MethodPatch, "/api/events/MLI2", "s3cret", js, `{"not_an_event": true}`); code != http.StatusOK {
		t.Fatalf("PATCH not_an_event: %d %s", code, body)
	}
	code, body = editRequest(t, h, http.MethodGet, "/api/events", "", "", "")
	if code != http.StatusOK || strings.Contains(string(body), `"MLI2"`) || !strings.Contains(string(body), `"MLI1"`) {
		t.Errorf("list after not_an_event: %d %s", code, body)
	}
	code, body = editRequest(t, h, http.MethodGet, "/api/events?background=true", "", "", "")
	if code != http.StatusOK || !strings.Contains(string(body), `"MLI2"`) {
		t.Errorf("list with background after not_an_event: %d %s", code, body)
	}
}
