package actor

import (
	"fmt"
	"hash/fnv"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/fixtures/acleddev"
)

// scoreNorm normalises a name as ../shared/tools/score.py does: accents folded, lower case, ACLED's
// era suffixes dropped, non-alphanumerics to spaces.
var eraSuffixRe = regexp.MustCompile(`\(\d{4}-(\d{4})?\)`)

func scoreNorm(s string) string {
	var b strings.Builder
	for _, r := range strings.ReplaceAll(s, "’", "'") {
		b.WriteRune(foldRune(r))
	}
	s = eraSuffixRe.ReplaceAllString(b.String(), "")
	var o strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			o.WriteRune(r)
		} else {
			o.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(o.String()), " ")
}

// scoreMatch is score.py's actor_match: equal, or one contains the other (the contained one at least
// four characters long).
func scoreMatch(pred []string, gold string) bool {
	g := scoreNorm(gold)
	for _, p := range pred {
		a := scoreNorm(p)
		if a == "" || g == "" {
			continue
		}
		if a == g || (len(g) >= 4 && strings.Contains(a, g)) || (len(a) >= 4 && strings.Contains(g, a)) {
			return true
		}
	}
	return false
}

type evalRow struct {
	row       acledRow
	eventType string
	text      string
}

func loadEval(t testing.TB) []evalRow {
	t.Helper()
	texts := map[string]string{}
	for _, d := range acleddev.Docs(t) {
		texts[d.ID] = d.Text
	}
	var out []evalRow
	for _, r := range acleddev.Rows(t, learnColumns()...) {
		if txt, ok := texts[r.EventIDCnty]; ok {
			out = append(out, evalRow{row: learnRow(r), eventType: r.EventType, text: txt})
		}
	}
	return out
}

func heldOut(id string) bool {
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()%5 == 0
}

type tally struct{ n, ok int }

func (t tally) String() string {
	return fmt.Sprintf("%5.1f%% of %d", 100*float64(t.ok)/float64(max(t.n, 1)), t.n)
}

// scoreCast runs Cast over the rows and returns the share of rows whose actor pair is right as the
// scorer counts it, logging figures per country and per event type.
func scoreCast(t *testing.T, d *Dictionary, rows []evalRow, withType bool, dump *os.File) float64 {
	t.Helper()
	var all tally
	byCountry, byType := map[string]*tally{}, map[string]*tally{}
	for _, r := range rows {
		c := Context{Country: r.row.country, Date: r.row.date}
		if withType {
			c.EventType = r.eventType
		}
		got := d.Cast(r.text, 0, len(r.text), c)
		pred := []string{got.Actor1.Name, got.Actor2.Name}
		ok := len(r.row.actors[0]) > 0 && scoreMatch(pred, r.row.actors[0][0])
		if len(r.row.actors[2]) > 0 {
			ok = ok && scoreMatch(pred, r.row.actors[2][0])
		}
		for _, tl := range []*tally{&all, get(byCountry, r.row.country), get(byType, r.eventType)} {
			tl.n++
			if ok {
				tl.ok++
			}
		}
		if dump != nil && !ok {
			a2 := ""
			if len(r.row.actors[2]) > 0 {
				a2 = r.row.actors[2][0]
			}
			fmt.Fprintf(dump, "%s | %s | gold: %s || %s | got: %s || %s\n    %s\n", r.row.country, r.eventType, r.row.actors[0][0], a2, got.Actor1.Name, got.Actor2.Name, r.text)
		}
	}
	logTallies(t, "country", byCountry, 20)
	logTallies(t, "event type", byType, 0)
	return float64(all.ok) / float64(max(all.n, 1))
}

func get(m map[string]*tally, k string) *tally {
	if m[k] == nil {
		m[k] = &tally{}
	}
	return m[k]
}

func logTallies(t *testing.T, what string, m map[string]*tally, minN int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]].n > m[keys[j]].n })
	for _, k := range keys {
		if m[k].n >= minN {
			t.Logf("  %s %-28s %s", what, k, m[k])
		}
	}
}

// TestACLEDActorPairs measures Cast on the ACLED development records: each record's notes as one
// document, with the record's country and date as context, the pair {actor1, actor2} compared
// unordered as ../shared/tools/score.py compares it.
func TestACLEDActorPairs(t *testing.T) {
	rows := loadEval(t)
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	var dump *os.File
	if p := os.Getenv("SITREP_ACTOR_DUMP"); p != "" {
		if dump, err = os.Create(p); err != nil {
			t.Fatal(err)
		}
		defer dump.Close()
	}
	start := time.Now()
	acc := scoreCast(t, d, rows, false, dump)
	t.Logf("actor pair right (no event type given): %.1f%% of %d records (%v)", 100*acc, len(rows), time.Since(start).Round(time.Millisecond))
	accT := scoreCast(t, d, rows, true, nil)
	t.Logf("actor pair right (ACLED event type given): %.1f%%", 100*accT)
	if acc < 0.74 {
		t.Errorf("actor pair accuracy %.1f%% is below the floor of 74%%", 100*acc)
	}
}

// TestACLEDActorPairsHeldOut learns the model on 80% of the records and scores the other 20%, to
// check that what is learned generalises.
func TestACLEDActorPairsHeldOut(t *testing.T) {
	rows := loadEval(t)
	f, err := os.Open(fixtures.Path(t, "eval", "acled-dev.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := Learn(f, "acled-dev.csv (80%)", func(id string) bool { return !heldOut(id) })
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(m)
	if err != nil {
		t.Fatal(err)
	}
	var test []evalRow
	for _, r := range rows {
		if heldOut(r.row.id) {
			test = append(test, r)
		}
	}
	acc := scoreCast(t, d, test, false, nil)
	t.Logf("held-out actor pair right: %.1f%% of %d records (model learned on %d)", 100*acc, len(test), m.Rows)
	if acc < 0.72 {
		t.Errorf("held-out actor pair accuracy %.1f%% is below the floor of 72%%", 100*acc)
	}
}
