package classify

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// lexicon is the cue lexicon of data/cues.tsv: phrases grouped in categories.
type lexicon struct {
	phrases []phrase
	cats    []string // distinct categories, sorted
}

type phrase struct {
	cat   string
	words []pattern
}

type pattern struct {
	word   string
	prefix bool // "abduct*": any word starting with word; a lone "*" matches any word
}

func (p pattern) matches(tok string) bool {
	if p.prefix {
		return strings.HasPrefix(tok, p.word)
	}
	return tok == p.word
}

// parseLexicon reads "category<TAB>phrase" lines; '#' starts a comment line.
func parseLexicon(r io.Reader) (*lexicon, error) {
	lx := &lexicon{}
	cats := map[string]bool{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cat, text, ok := strings.Cut(line, "\t")
		cat, text = strings.TrimSpace(cat), strings.TrimSpace(text)
		if !ok || cat == "" || text == "" {
			return nil, fmt.Errorf("cue lexicon line %d: want category<TAB>phrase", n)
		}
		var ph phrase
		ph.cat = cat
		for _, w := range strings.Fields(text) {
			p := pattern{}
			if strings.HasSuffix(w, "*") {
				p.prefix = true
				w = strings.TrimSuffix(w, "*")
			}
			// Words go through the same tokenizer as the text, so "sit-in" becomes "sit in".
			toks := tokenize(w)
			if len(toks) == 0 && !p.prefix {
				return nil, fmt.Errorf("cue lexicon line %d: empty word in %q", n, text)
			}
			for i, t := range toks {
				ph.words = append(ph.words, pattern{word: t, prefix: p.prefix && i == len(toks)-1})
			}
			if len(toks) == 0 {
				ph.words = append(ph.words, p) // lone "*"
			}
		}
		lx.phrases = append(lx.phrases, ph)
		cats[cat] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading cue lexicon: %w", err)
	}
	for c := range cats {
		lx.cats = append(lx.cats, c)
	}
	sort.Strings(lx.cats)
	return lx, nil
}

// match returns the categories with at least one phrase in toks, in lexicon order of first phrase.
func (lx *lexicon) match(toks []string) []string {
	if lx == nil {
		return nil
	}
	var out []string
	found := map[string]bool{}
	for _, ph := range lx.phrases {
		if found[ph.cat] {
			continue
		}
		if containsPhrase(toks, ph.words) {
			found[ph.cat] = true
			out = append(out, ph.cat)
		}
	}
	return out
}

// onlyIntended reports whether every phrase of category cat in toks is an aim: a verb after "to"
// ("to retake the town", "to fully retake").
func (lx *lexicon) onlyIntended(toks []string, cat string) bool {
	found := false
	for _, ph := range lx.phrases {
		if ph.cat != cat {
			continue
		}
		n := len(ph.words)
		for i := 0; i+n <= len(toks); i++ {
			ok := true
			for j, w := range ph.words {
				if !w.matches(toks[i+j]) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			found = true
			to := -1
			switch {
			case i >= 1 && toks[i-1] == "to":
				to = i - 1
			case i >= 2 && toks[i-2] == "to":
				to = i - 2
			}
			if to < 0 {
				return false
			}
			// "managed to retake", "was able to retake": done, not aimed at.
			if to >= 1 && (toks[to-1] == "managed" || toks[to-1] == "succeeded") {
				return false
			}
			if to >= 2 && toks[to-1] == "able" && (toks[to-2] == "was" || toks[to-2] == "were") {
				return false
			}
		}
	}
	return found
}

func containsPhrase(toks []string, words []pattern) bool {
	n := len(words)
	for i := 0; i+n <= len(toks); i++ {
		ok := true
		for j, w := range words {
			if !w.matches(toks[i+j]) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}
