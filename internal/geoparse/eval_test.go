package geoparse

import (
	"bufio"
	"context"
	"encoding/json"
	"hash/fnv"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/fixtures/acleddev"
)

// floors are the least each country must reach on the ACLED dev records (percent of records):
// admin1 right and coordinates within 25 km. They sit slightly below the measured figures so that
// a regression fails.
var floors = map[string]struct{ admin1, km25 float64 }{
	"Mali":         {92.9, 80.4},
	"Burkina Faso": {93.8, 86.6},
	"Niger":        {95.7, 80.4},
	"Nigeria":      {93.0, 77.9},
	"Mozambique":   {93.8, 74.3},
}

const countryFloor = 97.1 // all countries, country right

// logStats logs one line of figures for a country (or "ALL").
func logStats(t *testing.T, label string, s *EvalStats) {
	t.Helper()
	t.Logf("%-14s n=%4d located %5.1f%%  country %5.1f%%  admin1 %5.1f%%  <=25km %5.1f%% (gazetteer's ceiling %5.1f%%)", label, s.N, s.Pct(s.Located), s.Pct(s.Country), s.Pct(s.Admin1), s.Pct(s.Within25), s.Pct(s.Reachable))
}

func TestACLEDLocations(t *testing.T) {
	holdout, _ := strconv.Atoi(os.Getenv("GEOPARSE_HOLDOUT"))
	rep := acledReport(t, parser(t), holdout)
	for _, c := range rep.Countries() {
		s := rep.ByCountry[c]
		if s.N < 10 {
			continue
		}
		logStats(t, c, s)
	}
	a := rep.All
	logStats(t, "ALL", &a)
	for c, f := range floors {
		s := rep.ByCountry[c]
		if s == nil {
			t.Errorf("%s: no records", c)
			continue
		}
		if s.Pct(s.Admin1) < f.admin1 {
			t.Errorf("%s: admin1 right %.1f%% < floor %.1f%%", c, s.Pct(s.Admin1), f.admin1)
		}
		if s.Pct(s.Within25) < f.km25 {
			t.Errorf("%s: within 25 km %.1f%% < floor %.1f%%", c, s.Pct(s.Within25), f.km25)
		}
	}
	if a.Pct(a.Country) < countryFloor {
		t.Errorf("all: country right %.1f%% < floor %.1f%%", a.Pct(a.Country), countryFloor)
	}
}

// acledReport locates the ACLED dev documents with p; with holdout > 0 only the fold that
// "go run ./gen -holdout n" left out of the word models. $GEOPARSE_MISSES (a country, or "all")
// logs the records located wrongly, for error analysis.
func acledReport(t *testing.T, p *Parser, holdout int) *EvalReport {
	t.Helper()
	docs, err := os.Open(fixtures.Path(t, "eval", "acled-dev-docs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer docs.Close()
	rows, err := os.Open(fixtures.Path(t, "eval", "acled-dev.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var in io.Reader = docs
	if holdout > 0 {
		in = holdoutDocs(t, docs, holdout)
	}
	rep, err := EvaluateACLED(context.Background(), p, in, rows)
	if err != nil {
		t.Fatal(err)
	}
	if c := os.Getenv("GEOPARSE_MISSES"); c != "" {
		for _, m := range rep.Misses {
			if m.Country == c || c == "all" {
				reach := "unreachable"
				if m.Reachable {
					reach = "reachable"
				}
				t.Logf("MISS %s %s %s|%s|%s got %s|%s|%s %.0fkm :: %s", m.ID, reach, m.WantCountry, m.WantAdmin1, m.WantLocation, m.GotCountry, m.GotAdmin1, m.GotName, m.Km, m.Text)
			}
		}
	}
	return rep
}

func holdoutDocs(t *testing.T, r io.Reader, n int) io.Reader {
	var b strings.Builder
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var d struct{ ID string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		h := fnv.New32a()
		h.Write([]byte(d.ID))
		if h.Sum32()%uint32(n) == 0 {
			b.Write(sc.Bytes())
			b.WriteByte('\n')
		}
	}
	return strings.NewReader(b.String())
}

func BenchmarkParse(b *testing.B) {
	p := parser(b)
	var texts []string
	for _, d := range acleddev.Docs(b) {
		if len(texts) == 1000 {
			break
		}
		texts = append(texts, d.Text)
	}
	b.ResetTimer()
	n := 0
	for b.Loop() {
		t := texts[n%len(texts)]
		p.Parse(t, Hints{}).Locate(0, len(t))
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
}
