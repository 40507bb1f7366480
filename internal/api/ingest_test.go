package api_test

import (
	"context"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/coder"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// TestCodedArticleThroughAPI ingests hand-written articles with the real coder and pipeline, then
// follows what the dashboard does: list, open the event, fetch each source and find every evidence
// span at its offsets in the served text.
func TestCodedArticleThroughAPI(t *testing.T) {
	cd, err := coder.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "coded.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	p := pipeline.New(store, cd, nil)
	published := time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)
	for _, d := range []document.Document{
		{URL: "https://example.org/mopti-attack", Outlet: "Example Wire", Title: "Gunmen kill villagers in central Mali",
			Published: published, Language: "en",
			Text: "Gunmen killed 12 civilians in the village of Ogossagou in Mali's Mopti region on Sunday, a local official said.\n\n" +
				"Residents said <script>alert(1)</script> the attackers arrived on motorbikes and burned granaries."},
		{URL: "https://example.org/ied", Outlet: "Example Wire", Title: "Soldiers killed by roadside bomb in Niger",
			Published: published, Language: "en",
			Text: "Four soldiers were killed when their vehicle struck an improvised explosive device near Ayorou in Niger's Tillaberi region on Monday, the defence ministry said."},
	} {
		d.Finish()
		if _, err := p.Ingest(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	h := api.New(store, api.Options{Logger: quiet})
	list := getPage(t, h, "/api/events")
	if len(list.Events) == 0 {
		t.Fatal("the coder found no event in the articles")
	}
	found := map[string]bool{}
	for _, e := range list.Events {
		found[e.Country] = true
		r := do(t, h, "/api/events/"+url.PathEscape(e.EventIDCnty))
		var full struct {
			Evidence []struct {
				SourceID string `json:"source_id"`
				Start    int
				End      int
				Text     string
			}
		}
		if err := json.Unmarshal(r.body, &full); err != nil || r.status != 200 {
			t.Fatalf("event %s: %d %v", e.EventIDCnty, r.status, err)
		}
		if len(full.Evidence) == 0 {
			t.Errorf("event %s has no evidence", e.EventIDCnty)
		}
		for _, ev := range full.Evidence {
			r := do(t, h, "/api/documents/"+url.PathEscape(ev.SourceID))
			var doc struct{ Text string }
			if err := json.Unmarshal(r.body, &doc); err != nil || r.status != 200 {
				t.Fatalf("document %s: %d %v", ev.SourceID, r.status, err)
			}
			if ev.Start < 0 || ev.End > len(doc.Text) || ev.Start > ev.End || doc.Text[ev.Start:ev.End] != ev.Text {
				t.Errorf("event %s: evidence %q not at %d:%d of %s", e.EventIDCnty, ev.Text, ev.Start, ev.End, ev.SourceID)
			}
		}
	}
	if !found["Mali"] || !found["Niger"] {
		t.Errorf("events in %v, want Mali and Niger", found)
	}
	// Filters work on coded events too.
	if p := getPage(t, h, "/api/events?country=niger&q=explosive"); len(p.Events) == 0 || p.Events[0].Country != "Niger" {
		t.Errorf("country=niger&q=explosive: %v", ids(p.Events))
	}
	if p := getPage(t, h, "/api/events?q=granaries"); len(p.Events) == 0 || !strings.EqualFold(p.Events[0].Country, "Mali") {
		t.Errorf("q=granaries (in the source text only): %v", ids(p.Events))
	}
}
