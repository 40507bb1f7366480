package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

// TestRecodeAndEdit: after ingesting the seeds, recode changes nothing (a byte-identical export);
// an edit shows in the export and survives a recode; bad edits are usage errors.
func TestRecodeAndEdit(t *testing.T) {
	jsonl := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	db := filepath.Join(t.TempDir(), "s.db")
	if code, out, stderr := sitrep(t, nil, "recode", "--db", db); code != 1 || !strings.Contains(stderr, "run 'sitrep ingest' first") {
		t.Errorf("recode of a missing database: exit %d %q %q", code, out, stderr)
	}
	if code, out, stderr := sitrep(t, nil, "ingest", "--db", db, jsonl); code != 0 {
		t.Fatalf("ingest: exit %d %s%s", code, out, stderr)
	}
	export := func() string {
		t.Helper()
		code, out, stderr := sitrep(t, nil, "export", "--db", db, "--format", "jsonl", "--include-background")
		if code != 0 {
			t.Fatalf("export: exit %d %s", code, stderr)
		}
		return out
	}
	before := export()
	code, out, stderr := sitrep(t, nil, "recode", "--db", db, "--dry-run")
	if code != 0 || !strings.Contains(out, "0 would be merged away") || !strings.Contains(out, "dry run: nothing was changed") {
		t.Fatalf("recode --dry-run: exit %d %q %s", code, out, stderr)
	}
	code, out, stderr = sitrep(t, nil, "recode", "--db", db)
	if code != 0 || !strings.HasPrefix(out, "documents: 14 re-coded; events: ") || !strings.Contains(out, " 0 changed, 0 new), 0 merged away, 0 deleted") {
		t.Fatalf("recode: exit %d %q %s", code, out, stderr)
	}
	if after := export(); after != before {
		t.Fatalf("recode changed the export")
	}
	var first event.Event
	if err := json.Unmarshal([]byte(strings.SplitN(before, "\n", 2)[0]), &first); err != nil {
		t.Fatal(err)
	}
	id := first.EventIDCnty
	code, out, stderr = sitrep(t, nil, "edit", "--db", db, id, "fatalities=7", "lat=12.5", "--by", "ana", "--note", "checked")
	if code != 0 || !strings.Contains(out, id+`: fatalities="7" (edit 1 by ana)`) || !strings.Contains(out, id+`: latitude="12.5" (edit 2 by ana)`) {
		t.Fatalf("edit: exit %d %q %s", code, out, stderr)
	}
	edited := func(when string) {
		t.Helper()
		code, out, stderr := sitrep(t, nil, "edit", "--db", db, "--json", id, "status=reviewed")
		if code != 0 {
			t.Fatalf("%s: edit --json: exit %d %s", when, code, stderr)
		}
		var got struct {
			Event event.Event  `json:"event"`
			Edits []event.Edit `json:"edits"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%s: %v in %q", when, err, out)
		}
		if got.Event.Fatalities != 7 || got.Event.Latitude != 12.5 || got.Event.Status != event.StatusReviewed || len(got.Edits) < 3 || got.Edits[0].Note != "checked" {
			t.Errorf("%s: fatalities %d lat %v status %s, %d edits", when, got.Event.Fatalities, got.Event.Latitude, got.Event.Status, len(got.Edits))
		}
	}
	edited("after the edit")
	if code, out, stderr := sitrep(t, nil, "recode", "--db", db); code != 0 || !strings.Contains(out, "0 new") {
		t.Fatalf("recode after the edit: exit %d %q %s", code, out, stderr)
	}
	edited("after a recode")
	code, out, stderr = sitrep(t, nil, "edit", "--db", db, id)
	if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(out, "\t"+id+"\tfatalities=\"7\"\tana\tchecked\n") {
		t.Errorf("edit %s (history): exit %d %q %s", id, code, out, stderr)
	}
	for _, args := range [][]string{
		{},
		{id, "fatalities"},
		{id, "fatalities=many"},
		{id, "colour=red"},
		{id, "fatalities=1", "fatalities=2"},
		{id, "event_type=Protests"},
	} {
		if code, _, stderr := sitrep(t, nil, append([]string{"edit", "--db", db}, args...)...); code != 2 {
			t.Errorf("edit %v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
	if code, _, stderr := sitrep(t, nil, "edit", "--db", db, "XXX999", "fatalities=1"); code != 1 || !strings.Contains(stderr, "no event XXX999") {
		t.Errorf("edit of an unknown event: exit %d %q", code, stderr)
	}
}

func FuzzParseAssignments(f *testing.F) {
	for _, s := range []string{"fatalities=12", "actor2=", "notes=a=b", "=x", "lat", "EVENT_TYPE=battles"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		edits, err := parseAssignments([]string{arg})
		if err != nil {
			return
		}
		if len(edits) != 1 || event.CanonicalEditField(edits[0].Field) != edits[0].Field {
			t.Fatalf("%q parsed to %+v", arg, edits)
		}
		again, err := parseAssignments([]string{edits[0].Field + "=" + edits[0].Value})
		if err != nil || again[0] != edits[0] {
			t.Fatalf("%q: the parsed edit %+v does not parse back to itself: %+v %v", arg, edits[0], again, err)
		}
	})
}
