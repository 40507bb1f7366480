// Package toll reads numbers, casualty figures and the claims behind them from article sentences, and
// reconciles competing figures into one conservative toll per event (with its low–high range), the way
// ACLED codes fatalities: the lowest credible figure, vague words at fixed values, a perpetrator's own
// claim only when nothing else exists, and never the wounded, the "casualties" or a running total.
package toll

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/vague.tsv
var vagueData string

//go:embed data/victims.tsv
var victimsData string

//go:embed data/numbers.tsv
var numbersData string

// lexicons holds the parsed data files; built once and read-only afterwards.
type lexicons struct {
	vague      map[string]int    // phrase -> value
	vagueMax   int               // longest vague phrase in words
	victims    map[string]string // noun -> class
	numbers    map[string]int    // word -> value
	numberMult map[string]bool   // multiplier words
}

var lex = sync.OnceValue(func() *lexicons {
	l := &lexicons{
		vague:      map[string]int{},
		victims:    map[string]string{},
		numbers:    map[string]int{},
		numberMult: map[string]bool{"hundred": true, "thousand": true, "million": true, "cent": true, "cents": true, "mille": true, "mil": true, "cem": true, "milhão": true, "milhões": true},
	}
	eachRow(vagueData, func(f []string) {
		if len(f) >= 2 {
			if v, err := strconv.Atoi(f[1]); err == nil {
				l.vague[f[0]] = v
				l.vagueMax = max(l.vagueMax, len(strings.Fields(f[0])))
			}
		}
	})
	eachRow(victimsData, func(f []string) {
		if len(f) >= 2 {
			l.victims[f[0]] = f[1]
		}
	})
	eachRow(numbersData, func(f []string) {
		if len(f) >= 2 {
			if v, err := strconv.Atoi(f[1]); err == nil {
				l.numbers[f[0]] = v
			}
		}
	})
	return l
})

// eachRow calls f with the tab-separated fields of each non-comment line.
func eachRow(data string, f func([]string)) {
	for _, line := range strings.Split(data, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Split(line, "\t")
		for i := range fs {
			fs[i] = strings.TrimSpace(fs[i])
		}
		f(fs)
	}
}

// VagueValue returns the lexicon value of a vague quantity ("dozens" → 12), for callers that code a
// toll from words without a figure ("killed an unknown number" → 3).
func VagueValue(phrase string) (int, bool) {
	v, ok := lex().vague[strings.ToLower(strings.Join(strings.Fields(phrase), " "))]
	return v, ok
}

// VictimClass returns the class of a victim noun ("soldiers" → "military"), "unknown" when the lexicon
// does not know it.
func VictimClass(noun string) string {
	if c, ok := victimWord(strings.ToLower(noun)); ok {
		return c
	}
	return "unknown"
}
