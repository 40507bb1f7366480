package timex

import (
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
	var tally acleddev.Tally
	var misses []string
	for _, d := range docs {
		row, found := rows[d.ID]
		if !found {
			continue
		}
		e := documentDate(d.Text, Ref{Published: d.Published, Known: true})
		// Scored as score.py scores an event: its date_start when it lasted several days, else its date.
		day := e.Day
		if e.Lasted && !e.From.IsZero() {
			day = e.From
		}
		got := day.Format("2006-01-02")
		ok := got == row.EventDate
		tally.Add(row, ok)
		if !ok && len(misses) < 40 {
			misses = append(misses, row.EventDate+" got "+got+" p"+row.TimePrecision+" pub "+d.Published.Format("2006-01-02")+": "+d.Text[:min(len(d.Text), 110)])
		}
	}
	tally.Log(t)
	if testing.Verbose() {
		for _, m := range misses {
			t.Log("miss:", m)
		}
	}
	rate := tally.Rate()
	t.Logf("date exact: %d/%d = %.2f%%", tally.OK, tally.N, 100*rate)
	if rate < 0.95 {
		t.Errorf("date exact %.2f%% below the 95%% floor", 100*rate)
	}
}
