package timex

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/segment"
)

type acledDoc struct {
	ID        string    `json:"id"`
	Published time.Time `json:"published"`
	Text      string    `json:"text"`
}

type acledRow struct {
	date, country, eventType, precision string
}

// readACLED joins the development documents with their ACLED rows.
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
		rows[rec[col["event_id_cnty"]]] = acledRow{rec[col["event_date"]], rec[col["country"]], rec[col["event_type"]], rec[col["time_precision"]]}
	}
	return docs, rows
}

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
	docs, rows := readACLED(t)
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
		ok := got == row.date
		total.n++
		if ok {
			total.ok++
		} else if len(misses) < 40 {
			misses = append(misses, row.date+" got "+got+" p"+row.precision+" pub "+d.Published.Format("2006-01-02")+": "+d.Text[:min(len(d.Text), 110)])
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
