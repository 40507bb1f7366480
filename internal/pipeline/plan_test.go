package pipeline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// report is a mention "doc#idx" of a small Malian event at loc.
func report(ref, loc string) Mention {
	doc, idx, _ := strings.Cut(ref, "#")
	var i int
	fmt.Sscan(idx, &i)
	return Mention{DocumentID: doc, Index: i, Event: event.Event{
		EventIDCnty: "MLI", EventDate: "2025-03-10", TimePrecision: 1, EventType: event.Battles,
		SubEventType: "Armed clash", Country: "Mali", Location: loc, Latitude: 14, Longitude: -5, GeoPrecision: 1,
	}}
}

func stored(id string, ms ...Mention) Stored {
	return Stored{Event: event.Event{EventIDCnty: id}, Mentions: ms}
}

// TestPlan: which old id each rebuilt event takes, and where the others go.
func TestPlan(t *testing.T) {
	tests := []struct {
		name  string
		old   []Stored
		fresh []Stored
		want  string // per rebuilt event its old id or "new"; then per old event left: its successor or "gone"
	}{
		{
			name:  "unchanged",
			old:   []Stored{stored("MLI1", report("a#0", "Gao")), stored("MLI2", report("b#0", "Kidal"), report("c#0", "Kidal"))},
			fresh: []Stored{stored("MLI1", report("a#0", "Gao")), stored("MLI2", report("b#0", "Kidal"), report("c#0", "Kidal"))},
			want:  "MLI1 MLI2 |",
		},
		{
			name: "ids do not follow the scratch numbering",
			old:  []Stored{stored("MLI7", report("a#0", "Gao")), stored("MLI3", report("b#0", "Kidal"))},
			// The scratch store numbered them the other way round.
			fresh: []Stored{stored("MLI1", report("b#0", "Kidal")), stored("MLI2", report("a#0", "Gao"))},
			want:  "MLI3 MLI7 |",
		},
		{
			name:  "split: the first part keeps the id, the other is new",
			old:   []Stored{stored("MLI4", report("a#0", "Gao"), report("b#0", "Gao"))},
			fresh: []Stored{stored("MLI1", report("a#0", "Gao")), stored("MLI2", report("b#0", "Gao"))},
			want:  "MLI4 new |",
		},
		{
			name:  "merge: the oldest id survives, the other resolves to it",
			old:   []Stored{stored("MLI9", report("b#0", "Gao")), stored("MLI10", report("a#0", "Gao"))},
			fresh: []Stored{stored("MLI1", report("a#0", "Gao"), report("b#0", "Gao"))},
			want:  "MLI9 | MLI10>0",
		},
		{
			name:  "a report re-indexed by the new coder still pairs with its old self",
			old:   []Stored{stored("MLI1", report("a#0", "Gao")), stored("MLI2", report("a#1", "Kidal"))},
			fresh: []Stored{stored("MLI1", report("a#0", "Kidal"))},
			want:  "MLI2 | MLI1>0",
		},
		{
			name:  "dropped: nothing of it remains",
			old:   []Stored{stored("MLI1", report("a#0", "Gao")), stored("MLI2", report("b#0", "Kidal"))},
			fresh: []Stored{stored("MLI1", report("a#0", "Gao"))},
			want:  "MLI1 | MLI2>gone",
		},
		{
			name:  "the event holding more of an old one's reports takes its id",
			old:   []Stored{stored("MLI1", report("a#0", "Gao"), report("b#0", "Gao"), report("c#0", "Gao"))},
			fresh: []Stored{stored("MLI1", report("a#0", "Gao")), stored("MLI2", report("b#0", "Gao"), report("c#0", "Gao"))},
			want:  "new MLI1 |",
		},
	}
	for _, tc := range tests {
		pl := plan(tc.old, tc.fresh)
		var parts []string
		final := make([]string, len(tc.fresh))
		for f, o := range pl.idOf {
			final[f] = fmt.Sprintf("NEW%d", f)
			if o >= 0 {
				final[f] = tc.old[o].Event.EventIDCnty
				parts = append(parts, final[f])
			} else {
				parts = append(parts, "new")
			}
		}
		parts = append(parts, "|")
		for o, s := range tc.old {
			if pl.taken[o] {
				continue
			}
			if succ := pl.successor(o, final); succ >= 0 {
				parts = append(parts, fmt.Sprintf("%s>%d", s.Event.EventIDCnty, succ))
			} else {
				parts = append(parts, s.Event.EventIDCnty+">gone")
			}
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
