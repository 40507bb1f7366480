package geoparse

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// wordModel is a word-by-label model (naive Bayes with Dirichlet smoothing towards the overall
// word frequency) learned from ACLED summaries: the words of a story other than its places
// ("Koglweogo", "LGA", "boda boda", "Dozo", party names) say which country, and which admin1
// unit, it is about. Labels are ISO2 codes or "ISO2|folded admin1".
type wordModel struct {
	countries []string             // labels, index = column
	logLR     map[string][]float64 // word -> per-label log(P(w|c)/P(w))
}

// loadWordModel reads a word-count file written by ./gen. label maps the file's label (an ACLED
// country name, or "country|admin1") to the model's; smoothing is the Dirichlet prior mass, which
// keeps a label with few documents close to the overall word frequency instead of being decided
// by a handful of notes.
func loadWordModel(name string, label func(string) string, smoothing float64) (*wordModel, error) {
	f, err := dataFS.Open(name)
	if err != nil {
		return nil, fmt.Errorf("geoparse: open %s: %w", name, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("geoparse: %s: %w", name, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	m := &wordModel{logLR: map[string][]float64{}}
	col := map[string]int{}
	var totals []float64
	var all float64
	type row struct {
		w  string
		nc map[int]float64
	}
	var rows []row
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		parse := func(kv string) (string, float64, error) {
			i := strings.LastIndexByte(kv, ':')
			if i < 0 {
				return "", 0, fmt.Errorf("bad field %q", kv)
			}
			n, err := strconv.ParseFloat(kv[i+1:], 64)
			return kv[:i], n, err
		}
		if fields[0] == "*" {
			for _, kv := range fields[1:] {
				c, n, err := parse(kv)
				if err != nil {
					return nil, fmt.Errorf("geoparse: %s: %w", name, err)
				}
				col[c] = len(m.countries)
				m.countries = append(m.countries, label(c))
				totals = append(totals, n)
				all += n
			}
			continue
		}
		r := row{w: fields[0], nc: map[int]float64{}}
		for _, kv := range fields[1:] {
			c, n, err := parse(kv)
			if err != nil {
				return nil, fmt.Errorf("geoparse: %s: %w", name, err)
			}
			if k, ok := col[c]; ok {
				r.nc[k] = n
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("geoparse: read %s: %w", name, err)
	}
	for _, r := range rows {
		var n float64
		for _, v := range r.nc {
			n += v
		}
		pw := n / all
		lr := make([]float64, len(m.countries))
		for k := range m.countries {
			pwc := (r.nc[k] + smoothing*pw) / (totals[k] + smoothing)
			lr[k] = math.Log(pwc / pw)
		}
		m.logLR[r.w] = lr
	}
	return m, nil
}

// countryLabel maps an ACLED country name to its ISO2 code.
func countryLabel(g *gazetteer.Gazetteer) func(string) string {
	return func(name string) string {
		if c, ok := g.CountryByName(name); ok {
			return c.ISO2
		}
		return name
	}
}

// admin1Label maps "country|admin1" to "ISO2|folded admin1".
func admin1Label(g *gazetteer.Gazetteer) func(string) string {
	return func(s string) string {
		c, a, _ := strings.Cut(s, "|")
		return countryLabel(g)(c) + "|" + gazetteer.Fold(a)
	}
}

// posterior returns each label's probability given the text's distinct words (uniform prior);
// a temperature above 1 flattens it, for models whose labels have few documents each.
func (m *wordModel) posterior(text string, temp float64) map[string]float64 {
	if m == nil || len(m.countries) == 0 {
		return nil
	}
	score := make([]float64, len(m.countries))
	seen := map[string]bool{}
	n := 0
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		w := gazetteer.Fold(f)
		if len(w) < 2 || seen[w] {
			continue
		}
		seen[w] = true
		lr, ok := m.logLR[w]
		if !ok {
			continue
		}
		n++
		for k, v := range lr {
			score[k] += v
		}
	}
	if n == 0 {
		return nil
	}
	top := math.Inf(-1)
	for _, s := range score {
		top = max(top, s)
	}
	var z float64
	for _, s := range score {
		z += math.Exp((s - top) / temp)
	}
	out := map[string]float64{}
	for k, s := range score {
		if p := math.Exp((s-top)/temp) / z; p > 0.01 {
			out[m.countries[k]] += p
		}
	}
	return out
}
