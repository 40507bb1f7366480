package timex

import (
	"sort"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/fixtures/acleddev"
	"github.com/sitrep-dev/sitrep/internal/segment"
)

// DocumentDate is what the coder does for a one-event document: Choose over Find of all sentences.
func documentDate(text string, ref Ref) Expr {
	var all []Expr
	for _, s := range segment.Sentences(text) {
		all = append(all, Find(text, s, ref)...)
	}
	return Choose(all, ref)
}

// TestACLEDDates measures the event date read from ACLED's notes against the coded event_date.
func TestACLEDDates(t *testing.T) {
	docs, rows := acleddev.Docs(t), acleddev.RowsByID(t, "event_date", "time_precision")
	type tally struct{ n, ok int }
	by := map[string]*tally{}
	total := tally{}
	add := func(k string, ok bool) {
		if by[k] == nil {
			by[k] = &tally{}
		}
		by[k].n++
		if ok {
			by[k].ok++
		}
	}
	var misses []string
	for _, d := range docs {
		row, found := rows[d.ID]
		if !found {
			continue
		}
		e := documentDate(d.Text, Ref{Published: d.Published, Known: true})
		got := e.Day.Format("2006-01-02")
		ok := got == row.EventDate
		total.n++
		if ok {
			total.ok++
		} else if len(misses) < 40 {
			misses = append(misses, row.EventDate+" got "+got+" p"+row.TimePrecision+" pub "+d.Published.Format("2006-01-02")+": "+d.Text[:min(len(d.Text), 110)])
		}
		add("country "+row.Country, ok)
		add("type "+row.EventType, ok)
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-45s %5d  %.1f%%", k, by[k].n, 100*float64(by[k].ok)/float64(by[k].n))
	}
	if testing.Verbose() {
		for _, m := range misses {
			t.Log("miss:", m)
		}
	}
	rate := float64(total.ok) / float64(total.n)
	t.Logf("date exact: %d/%d = %.2f%%", total.ok, total.n, 100*rate)
	if rate < 0.95 {
		t.Errorf("date exact %.2f%% below the 95%% floor", 100*rate)
	}
}
