package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/storage/storetest"
)

// TestAPISuite checks the API's reads (Page, Matching, Stats) against the suite the SQLite store
// answers to, so both give the same results for the same events and filters.
func TestAPISuite(t *testing.T) {
	storetest.RunAPI(t, func(t *testing.T) storetest.APIStore { return open(t, postgres.Options{MaxConns: 4}) })
}

// TestAPISuiteWalkingText runs the suite with every full-text page walking the sort order (the plan
// for common words in a large store): the same results.
func TestAPISuiteWalkingText(t *testing.T) {
	storetest.RunAPI(t, func(t *testing.T) storetest.APIStore {
		s := open(t, postgres.Options{MaxConns: 4})
		postgres.WalkTextAlways(s)
		return s
	})
}

// FuzzTextSearch searches the same events on PostgreSQL (with both plans) and SQLite with whatever is
// typed: no store may fail on it other than with a bad query, both plans find the same events, and
// for text in ASCII and French accented letters (where FTS5's unicode61 tokenizer and sitrep_words
// cut and fold alike) both stores find the same events.
func FuzzTextSearch(f *testing.F) {
	for _, s := range []string{"ambush", "SEGOU attaq*", `"market" OR x`, "l’armée", "d*", "Djenné", "'", "\\", ":*",
		"a & b | !c", "12", "x\x00y", "ŒUVRE", "ß", "e\u0301"} {
		f.Add(s)
	}
	ctx := context.Background()
	pg := open(f, postgres.Options{MaxConns: 2})
	walking := open(f, postgres.Options{MaxConns: 2}) // the plan for common words, always
	postgres.WalkTextAlways(walking)
	lite, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { lite.Close() })
	notes := []string{"Gunmen attacked the market at Ségou.", "Soldiers were ambushed near Djenné; 12 killed.",
		"L’armée a repoussé l'attaque (Mopti).", "Drone strike — a camp hit.", "Nothing to see."}
	for _, s := range []pipeline.Store{pg, walking, lite} {
		err := s.Update(ctx, func(tx pipeline.Tx) error {
			d := document.Document{ID: "d-1", Title: "Attaque à Dounzara", Text: "Des hommes armés ont attaqué le marché."}
			d.ContentHash = document.HashText(d.Text)
			if err := tx.PutDocument(ctx, d); err != nil {
				return err
			}
			for i, n := range notes {
				e := event.Event{EventIDCnty: fmt.Sprintf("MLI%d", i+1), EventDate: "2025-03-02", Country: "Mali", Notes: n}
				if i == 4 {
					e.Sources = []event.Source{{ID: "d-1"}}
				}
				if err := tx.SaveEvent(ctx, pipeline.Stored{Event: e}, 1); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		q := storage.Query{Filter: event.Filter{Text: text}, Limit: 10}
		got, _, err := pg.Page(ctx, q)
		if err != nil && !errors.Is(err, storage.ErrBadQuery) {
			t.Fatalf("postgres: Page(q=%q): %v", text, err)
		}
		walked, _, werr := walking.Page(ctx, q)
		if (err == nil) != (werr == nil) || !slices.Equal(eventIDs(got), eventIDs(walked)) {
			t.Fatalf("Page(q=%q): %v %v gathering, %v %v walking", text, eventIDs(got), err, eventIDs(walked), werr)
		}
		want, _, lerr := lite.Page(ctx, q)
		if lerr != nil && !errors.Is(lerr, storage.ErrBadQuery) {
			t.Fatalf("sqlite: Page(q=%q): %v", text, lerr)
		}
		if strings.ContainsFunc(text, func(r rune) bool {
			return r >= utf8.RuneSelf && !strings.ContainsRune("àâçéèêëîïôûùüÀÂÇÉÈÊËÎÏÔÛÙÜ", r)
		}) {
			return // outside the letters both stores fold alike
		}
		if (err == nil) != (lerr == nil) {
			t.Fatalf("Page(q=%q): postgres %v, sqlite %v", text, err, lerr)
		}
		if g, w := eventIDs(got), eventIDs(want); !slices.Equal(g, w) {
			t.Fatalf("Page(q=%q): postgres %v, sqlite %v", text, g, w)
		}
	})
}

func eventIDs(evs []event.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.EventIDCnty)
	}
	return out
}

// TestHugeTextIndexed: a text with more distinct words than a tsvector holds, and a word longer than a
// lexeme may be, is stored all the same (an ingest must never fail on PostgreSQL's limits), and its
// first words stay searchable.
func TestHugeTextIndexed(t *testing.T) {
	ctx := waitFor(t)
	s := open(t, postgres.Options{MaxConns: 2})
	var b strings.Builder
	b.WriteString("Dounzara " + strings.Repeat("x", 3000) + " ")
	for i := range 40_000 {
		fmt.Fprintf(&b, "w%029d ", i) // 40,000 distinct 30-byte words: 1.2 MB of lexemes
	}
	b.WriteString("Kidal")
	d := document.Document{ID: "d-huge", Title: "Huge", Text: b.String()}
	d.ContentHash = document.HashText(d.Text)
	err := s.Update(ctx, func(tx pipeline.Tx) error {
		if err := tx.PutDocument(ctx, d); err != nil {
			return err
		}
		e := event.Event{EventIDCnty: "MLI1", EventDate: "2025-03-02", Country: "Mali", Notes: strings.Repeat("y", 5000),
			Sources: []event.Source{{ID: d.ID}}}
		return tx.SaveEvent(ctx, pipeline.Stored{Event: e}, 1)
	})
	if err != nil {
		t.Fatalf("storing a huge document: %v", err)
	}
	for q, want := range map[string]int{"dounzara": 1, "w00000000000000000000000000001": 1, "nowhere": 0} {
		got, _, err := s.Page(ctx, storage.Query{Filter: event.Filter{Text: q}, Limit: 5})
		if err != nil || len(got) != want {
			t.Errorf("q=%s: %d events, %v; want %d", q, len(got), err, want)
		}
	}
}
