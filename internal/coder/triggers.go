package coder

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed data/triggers.tsv
var triggersTSV []byte

// trigger is one lexicon entry: a phrase of lowercase words, the last may end in * (any ending).
type trigger struct {
	words []string
	class string
}

// triggerSet finds event trigger phrases in sentences.
type triggerSet struct {
	byFirst map[string][]trigger // exact first word
	prefix  []trigger            // first word is a prefix pattern
}

func loadTriggers(data []byte) (*triggerSet, error) {
	ts := &triggerSet{byFirst: map[string][]trigger{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		phrase, class, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("triggers line %d: want phrase<TAB>class", n)
		}
		t := trigger{words: strings.Fields(phrase), class: strings.TrimSpace(class)}
		if len(t.words) == 1 && strings.HasSuffix(t.words[0], "*") {
			ts.prefix = append(ts.prefix, t)
			continue
		}
		ts.byFirst[t.words[0]] = append(ts.byFirst[t.words[0]], t)
	}
	return ts, sc.Err()
}

// hit is a trigger found in text.
type hit struct {
	start, end int
	class      string
}

type word struct {
	start, end int
	lower      string
}

func words(text string, start, end int) []word {
	var out []word
	i := start
	for i < end {
		r, sz := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			i += sz
			continue
		}
		j := i
		for j < end {
			r, sz := utf8.DecodeRuneInString(text[j:])
			if !isWordRune(r) {
				break
			}
			j += sz
		}
		out = append(out, word{start: i, end: j, lower: strings.ToLower(text[i:j])})
		i = j
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' }

func matchWord(pattern, w string) bool {
	if p, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(w, p)
	}
	return pattern == w
}

// find returns the trigger phrases in text[start:end].
func (ts *triggerSet) find(text string, start, end int) []hit {
	ws := words(text, start, end)
	var out []hit
	for i, w := range ws {
		cands := ts.byFirst[w.lower]
		for _, t := range ts.prefix {
			if matchWord(t.words[0], w.lower) {
				cands = append(cands, t)
			}
		}
		// Multi-word phrases whose first word is a pattern ("drone strike*") are keyed by the exact
		// first word, so they are in byFirst already.
		for _, t := range cands {
			if i+len(t.words) > len(ws) {
				continue
			}
			ok := true
			for k, p := range t.words {
				if !matchWord(p, ws[i+k].lower) {
					ok = false
					break
				}
			}
			if ok {
				out = append(out, hit{start: w.start, end: ws[i+len(t.words)-1].end, class: t.class})
			}
		}
	}
	return out
}
