package api

import (
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// FuzzParseEditRequest: any body is refused with a client error or gives distinct, normalized edits.
func FuzzParseEditRequest(f *testing.F) {
	for _, s := range []string{`{"fatalities": 12, "edited_by": "ana"}`, `{"lat": 1e1, "not_event": true}`,
		`{"actor2": null}`, `{"notes": "a", "NOTES": "b"}`, `[]`, `{"status": 1}`, `{"edit_note": 3, "notes": ""}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		changes, err := parseEditRequest(strings.NewReader(body))
		if err != nil {
			if _, ok := err.(*httpError); !ok {
				t.Fatalf("%q: error %v is not a client error", body, err)
			}
			return
		}
		if len(changes) == 0 {
			t.Fatalf("%q: no edits and no error", body)
		}
		seen := map[string]bool{}
		for _, c := range changes {
			again := c
			if err := again.Normalize(); err != nil || again != c || seen[c.Field] || event.CanonicalEditField(c.Field) != c.Field {
				t.Fatalf("%q: edit %+v not normalized or repeated (%v)", body, c, err)
			}
			seen[c.Field] = true
		}
	})
}
