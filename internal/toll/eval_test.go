package toll

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"sort"
	"strconv"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/segment"
)

type acledDoc struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

type acledRow struct {
	fatalities         int
	country, eventType string
}

func readACLED(t testing.TB) ([]acledDoc, map[string]acledRow) {
	t.Helper()
	f, err := os.Open(fixtures.Path(t, "eval", "acled-dev-docs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []acledDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var d acledDoc
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	cf, err := os.Open(fixtures.Path(t, "eval", "acled-dev.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer cf.Close()
	r := csv.NewReader(cf)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	rows := map[string]acledRow{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.Atoi(rec[col["fatalities"]])
		if err != nil {
			t.Fatalf("fatalities %q: %v", rec[col["fatalities"]], err)
		}
		rows[rec[col["event_id_cnty"]]] = acledRow{n, rec[col["country"]], rec[col["event_type"]]}
	}
	return docs, rows
}

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
	docs, rows := readACLED(t)
	type tally struct{ n, ok int }
	by := map[string]*tally{}
	add := func(k string, ok bool) {
		if by[k] == nil {
			by[k] = &tally{}
		}
		by[k].n++
		if ok {
			by[k].ok++
		}
	}
	total := tally{}
	var misses []string
	for _, d := range docs {
		row, found := rows[d.ID]
		if !found {
			continue
		}
		tl, _ := documentToll(d.Text)
		ok := tl.Best == row.fatalities
		total.n++
		if ok {
			total.ok++
		} else if len(misses) < 3000 {
			misses = append(misses, strconv.Itoa(row.fatalities)+" got "+strconv.Itoa(tl.Best)+": "+d.Text)
		}
		add("country "+row.country, ok)
		add("type "+row.eventType, ok)
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%-45s %5d  %.1f%%", k, by[k].n, 100*float64(by[k].ok)/float64(by[k].n))
	}
	if os.Getenv("TOLL_MISSES") != "" {
		for _, m := range misses {
			t.Log("miss:", m)
		}
	}
	rate := float64(total.ok) / float64(total.n)
	t.Logf("fatalities exact: %d/%d = %.2f%%", total.ok, total.n, 100*rate)
	if rate < 0.87 {
		t.Errorf("fatalities exact %.2f%% below the floor", 100*rate)
	}
}
