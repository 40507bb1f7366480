package toll

import (
	"os"
	"strconv"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/fixtures/acleddev"
	"github.com/sitrep-dev/sitrep/internal/segment"
)

// documentToll is what the coder does for a one-event document: Reconcile over every figure of every
// sentence, each attributed to the sentence's claimant.
func documentToll(text string) (Toll, []Report) {
	var reps []Report
	for _, s := range segment.Sentences(text) {
		c, _ := Attribute(text, s)
		for _, f := range Figures(text, s) {
			reps = append(reps, Report{Figure: f, By: c.Text})
		}
	}
	return Reconcile(reps), reps
}

// TestACLEDFatalities measures the toll read from ACLED's notes against the coded fatalities.
func TestACLEDFatalities(t *testing.T) {
	docs, rows := acleddev.Docs(t), acleddev.RowsByID(t, "fatalities")
	var tally acleddev.Tally
	var misses []string
	for _, d := range docs {
		row, found := rows[d.ID]
		if !found {
			continue
		}
		fatalities, err := strconv.Atoi(row.Fatalities)
		if err != nil {
			t.Fatalf("fatalities %q: %v", row.Fatalities, err)
		}
		tl, _ := documentToll(d.Text)
		ok := tl.Best == fatalities
		tally.Add(row, ok)
		if !ok && len(misses) < 3000 {
			misses = append(misses, strconv.Itoa(fatalities)+" got "+strconv.Itoa(tl.Best)+": "+d.Text)
		}
	}
	tally.Log(t)
	if os.Getenv("TOLL_MISSES") != "" {
		for _, m := range misses {
			t.Log("miss:", m)
		}
	}
	rate := tally.Rate()
	t.Logf("fatalities exact: %d/%d = %.2f%%", tally.OK, tally.N, 100*rate)
	if rate < 0.87 {
		t.Errorf("fatalities exact %.2f%% below the floor", 100*rate)
	}
}
