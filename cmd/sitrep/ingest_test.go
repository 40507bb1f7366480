package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/monitor"
	"github.com/sitrep-dev/sitrep/internal/queue"
)

// TestIngestQueue: `sitrep ingest --queue` stores no document and codes nothing; it queues one code
// job per document (once, however often it is run), and a `sitrep worker` then stores exactly the
// events a direct ingest of the same inputs stores, on SQLite and on PostgreSQL.
func TestIngestQueue(t *testing.T) {
	rss := fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss")
	jsonl := fixtures.Path(t, "fixtures", "seeds", "articles.jsonl")
	ref := filepath.Join(t.TempDir(), "direct.db")
	if code, out, stderr := sitrep(t, nil, "ingest", "--quiet", "--db", ref, rss, jsonl); code != 0 {
		t.Fatalf("direct ingest: exit %d\n%s%s", code, out, stderr)
	}
	want := storedEvents(t, ref)
	if len(want) == 0 {
		t.Fatal("the direct ingest stored no events")
	}

	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "queued.db") }},
		{"postgres", func(t *testing.T) string { return pg.NewDatabase(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.db(t)
			// The feed's items and the records are different inputs (their own IDs) even where they
			// carry the same article: all 24 are queued, and the worker recognises the repeats.
			code, out, stderr := sitrep(t, nil, "ingest", "--queue", "--quiet", "--db", db, rss, jsonl)
			if code != 0 || out != "documents: 24 queued, 0 already queued, 0 failed\n" {
				t.Fatalf("ingest --queue: exit %d, %q\n%s", code, out, stderr)
			}
			code, out, stderr = sitrep(t, nil, "ingest", "--queue", "--quiet", "--db", db, jsonl, rss)
			if code != 0 || out != "documents: 0 queued, 24 already queued, 0 failed\n" {
				t.Fatalf("second ingest --queue: exit %d, %q\n%s", code, out, stderr)
			}
			if docs, events := storeCounts(t, db); docs != 0 || events != 0 {
				t.Fatalf("ingest --queue stored %d documents and %d events itself", docs, events)
			}
			if c := jobCounts(t, db); c[queue.Available] != 24 || len(c) != 1 {
				t.Fatalf("code jobs by state %v, want 24 available", c)
			}

			// One worker slot claims the jobs in the order they were queued, which is the direct
			// ingest's order: the same events under the same ids.
			runWorkerUntilDrained(t, db, 24)
			if c := jobCounts(t, db); c[queue.Done] != 24 || len(c) != 1 {
				t.Errorf("code jobs by state %v, want 24 done", c)
			}
			wantDocs, _ := storeCounts(t, ref)
			if docs, _ := storeCounts(t, db); docs != wantDocs {
				t.Errorf("%d documents stored, want %d as by the direct ingest", docs, wantDocs)
			}
			got := storedEvents(t, db)
			if d := diffEvents(want, got, false); d != "" {
				t.Errorf("queued ingest differs from the direct ingest:\n%s", d)
			}
		})
	}
}

func TestIngestQueueErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "e.db")
	// A bad record fails alone; the good one is queued.
	in := `{"id": "a1", "outlet": "Example", "published": "2024-05-02T10:00:00Z", "text": "Gunmen attacked a village near Mopti on Tuesday."}
{"id": "a2", "published": "not a time", "text": ""}
`
	code, out, stderr := sitrep(t, strings.NewReader(in), "ingest", "--queue", "--quiet", "--db", db, "-")
	if code != 1 || out != "documents: 1 queued, 0 already queued, 1 failed\n" || !strings.Contains(stderr, "sitrep ingest:") {
		t.Errorf("exit %d, %q, stderr %q", code, out, stderr)
	}
	if c := jobCounts(t, db); c[queue.Available] != 1 {
		t.Errorf("code jobs by state %v, want 1 available", c)
	}
}

// runWorkerUntilDrained runs `sitrep worker --workers 1` in this process until n code jobs are done
// (or failed), then stops it as SIGTERM would and checks that it stopped cleanly.
func runWorkerUntilDrained(t *testing.T, db string, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stderr monitorLog
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &stderr, getenv: func(string) string { return "" }, logger: newDiscardLogger()}
	done := make(chan int, 1)
	go func() { done <- run(ctx, env, []string{"worker", "--db", db, "--workers", "1"}) }()
	deadline := time.After(3 * time.Minute)
	for {
		c := jobCounts(t, db)
		if c[queue.Done]+c[queue.Failed] >= n {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("worker exited early with %d:\n%s", code, stderr.String())
		case <-deadline:
			t.Fatalf("jobs %v: not drained within 3 minutes:\n%s", c, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("worker exit %d:\n%s", code, stderr.String())
	}
}

// jobCounts returns the code jobs of the store db names, by state.
func jobCounts(t *testing.T, db string) map[queue.State]int {
	t.Helper()
	st, err := openStore(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	q, err := queueOf(st)
	if err != nil {
		t.Fatal(err)
	}
	c, err := q.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for kind := range c {
		if kind != monitor.KindCode {
			t.Fatalf("unexpected %q jobs: %v", kind, c)
		}
	}
	out := map[queue.State]int{}
	for s, k := range c[monitor.KindCode] {
		if k > 0 {
			out[s] = k
		}
	}
	return out
}

func storeCounts(t *testing.T, db string) (docs, events int) {
	t.Helper()
	st, err := openStore(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	docs, events, err = st.Counts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return docs, events
}

// storedEvents returns every stored event (background ones too) in id order.
func storedEvents(t *testing.T, db string) []event.Event {
	t.Helper()
	st, err := openStore(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var out []event.Event
	err = st.Events(t.Context(), event.Filter{IncludeBackground: true}, func(e event.Event) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out, func(a, b event.Event) int { return strings.Compare(a.EventIDCnty, b.EventIDCnty) })
	return out
}

// sourceKey lists the documents an event was coded from.
func sourceKey(e event.Event) string {
	ids := make([]string, len(e.Sources))
	for i, s := range e.Sources {
		ids[i] = s.ID
	}
	slices.Sort(ids)
	return strings.Join(ids, " ")
}

// diffEvents describes how got differs from want, "" when it does not. The timestamp (when the row
// was last written) is ignored. With anyIDs, events are matched by their content rather than their
// ids (workers side by side create events in another order, and so number them differently), and the
// ids must only be the same set.
func diffEvents(want, got []event.Event, anyIDs bool) string {
	var b strings.Builder
	if len(want) != len(got) {
		fmt.Fprintf(&b, "%d events, want %d\n", len(got), len(want))
	}
	if anyIDs {
		if wantIDs, gotIDs := idsOf(want), idsOf(got); !slices.Equal(wantIDs, gotIDs) {
			fmt.Fprintf(&b, "event ids %v, want %v\n", gotIDs, wantIDs)
		}
		content := func(e event.Event) string {
			e.EventIDCnty, e.Timestamp = "", 0
			j, _ := json.Marshal(eventFields(e)) // sorted keys, evidence and claims as sets
			return string(j)
		}
		left := map[string][]event.Event{}
		for _, e := range got {
			k := content(e)
			left[k] = append(left[k], e)
		}
		for _, w := range want {
			k := content(w)
			if len(left[k]) == 0 {
				fmt.Fprintf(&b, "missing event like %s\n", describe(w))
				continue
			}
			left[k] = left[k][1:]
		}
		for _, es := range left {
			for _, e := range es {
				fmt.Fprintf(&b, "unexpected event %s\n", describe(e))
			}
		}
		return b.String()
	}
	byID := map[string]event.Event{}
	for _, e := range got {
		byID[e.EventIDCnty] = e
	}
	for _, w := range want {
		g, ok := byID[w.EventIDCnty]
		if !ok {
			fmt.Fprintf(&b, "missing event %s\n", describe(w))
			continue
		}
		delete(byID, w.EventIDCnty)
		g.Timestamp = w.Timestamp
		if fields := diffFields(w, g); len(fields) > 0 {
			fmt.Fprintf(&b, "event %s differs in %s\n", describe(w), strings.Join(fields, ", "))
		}
	}
	for _, e := range byID {
		fmt.Fprintf(&b, "unexpected event %s\n", describe(e))
	}
	return b.String()
}

// describe names an event briefly for a test failure.
func describe(e event.Event) string {
	return fmt.Sprintf("%s (%s %s at %s, sources %s)", e.EventIDCnty, e.EventDate, e.SubEventType, e.Location, sourceKey(e))
}

// diffFields names the fields in which two events differ. Evidence and claims are compared as sets:
// the coder lists them in no fixed order.
func diffFields(a, b event.Event) []string {
	am, bm := eventFields(a), eventFields(b)
	var out []string
	for k, av := range am {
		if !bytes.Equal(av, bm[k]) {
			out = append(out, k)
		}
	}
	for k := range bm {
		if _, ok := am[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func eventFields(e event.Event) map[string]json.RawMessage {
	e.Evidence = slices.Clone(e.Evidence)
	slices.SortFunc(e.Evidence, func(a, b event.Evidence) int {
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
	e.Claims = slices.Clone(e.Claims)
	slices.SortFunc(e.Claims, func(a, b event.Claim) int {
		return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
	})
	j, _ := json.Marshal(e)
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(j, &raw)
	return raw
}

func idsOf(events []event.Event) []string {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.EventIDCnty
	}
	slices.Sort(ids)
	return ids
}
