// Package segment splits an article's clean text into sentences and clauses, as byte spans into the
// text, so that every later stage (dates, tolls, places, actors) can point its evidence at the exact
// sentence it read. It is written for news prose: abbreviations, initials, decimals, quotes glued to
// the next sentence and headline lines without a full stop.
package segment

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Sentence is a byte span of the text: text[Start:End], trimmed of surrounding space.
type Sentence struct{ Start, End int }

// Text returns the sentence's text.
func (s Sentence) Text(text string) string { return text[s.Start:s.End] }

//go:embed data/abbreviations.txt
var abbrevData string

type abbrevKind uint8

const (
	abbrNever abbrevKind = iota + 1 // never ends a sentence (Gen., Col.)
	abbrEnd                         // ends one when a capitalised word follows (a.m., U.S.)
	abbrNum                         // an abbreviation only before a number (No. 5)
)

// abbrevs parses the embedded list once; the map is read-only afterwards.
var abbrevs = sync.OnceValue(func() map[string]abbrevKind {
	m := map[string]abbrevKind{}
	for _, line := range strings.Split(abbrevData, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		k := abbrNever
		if len(f) > 1 {
			switch f[1] {
			case "end":
				k = abbrEnd
			case "num":
				k = abbrNum
			}
		}
		m[strings.ToLower(f[0])] = k
	}
	return m
})

// Sentences splits text into sentences. A paragraph break always ends a sentence; a single line break
// ends one unless the line plainly runs on (it ends in a lower-case word or a comma and the next line
// starts in lower case), so headlines and page furniture lines stand alone.
func Sentences(text string) []Sentence {
	var out []Sentence
	start := 0
	emit := func(end int) {
		if s, ok := trim(text, start, end); ok {
			out = append(out, s)
		}
		start = end
	}
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\n':
			if lineBreakEnds(text, i) {
				emit(i)
			}
			i++
		case c == '.' || c == '!' || c == '?' || strings.HasPrefix(text[i:], "…"):
			end, ok := terminal(text, i)
			if ok {
				emit(end)
				i = end
				continue
			}
			if c == '.' || c == '!' || c == '?' {
				i++
			} else {
				i += len("…")
			}
		default:
			i++
		}
	}
	emit(len(text))
	return out
}

// lineBreakEnds reports whether the line break at i ends a sentence.
func lineBreakEnds(text string, i int) bool {
	// Blank line: paragraph break.
	j := i + 1
	for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
		j++
	}
	if j >= len(text) || text[j] == '\n' {
		return true
	}
	k := i - 1
	for k >= 0 && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r') {
		k--
	}
	if k < 0 {
		return true
	}
	prev, _ := utf8.DecodeLastRuneInString(text[:k+1])
	next, _ := utf8.DecodeRuneInString(text[j:])
	if !(unicode.IsLower(prev) || prev == ',' || prev == ';' || prev == '-') {
		return true
	}
	if unicode.IsLower(next) || unicode.IsDigit(next) {
		return false
	}
	// A line that stops on a function word ("the village of\nKadji") runs on.
	switch strings.ToLower(wordBefore(text, k+1)) {
	case "of", "the", "a", "an", "to", "and", "by", "from", "with", "at", "near", "on", "for", "that", "said":
		return false
	}
	return true
}

// closers may follow a sentence-final mark and still belong to the sentence.
func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', ')', ']', '»', '*':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '(', '[', '«', '—', '-', '–':
		return true
	}
	return false
}

// terminal decides whether the mark at i ends a sentence and returns where the sentence ends (after the
// mark and any closing quotes).
func terminal(text string, i int) (int, bool) {
	mark := text[i]
	markLen := 1
	if strings.HasPrefix(text[i:], "…") {
		mark, markLen = '.', len("…")
	}
	end := i + markLen
	// Runs of marks ("?!", "...") end together.
	for end < len(text) && (text[end] == '.' || text[end] == '!' || text[end] == '?') {
		end++
	}
	for end < len(text) {
		r, n := utf8.DecodeRuneInString(text[end:])
		if !isCloser(r) {
			break
		}
		end += n
	}
	if end >= len(text) {
		return end, true
	}
	next, _ := utf8.DecodeRuneInString(text[end:])
	glued := !unicode.IsSpace(next)
	if mark == '.' && markLen == 1 && end == i+1 {
		if !periodEnds(text, i, end, glued) {
			return 0, false
		}
	}
	if glued {
		// No space after the mark: a sentence ends only where a capitalised word starts right away
		// (`anonymity.Volleys`, `airport.”Bamako`); "1.5", "e.g.x", "Reuters.com" do not.
		if !startsSentence(text[end:]) {
			return 0, false
		}
		prev, _ := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsLetter(prev) && !isCloser(prev) {
			return 0, false
		}
		// Need a real word before the mark, not an initialism ("U.S.Army").
		w := wordBefore(text, i)
		if utf8.RuneCountInString(w) < 2 || strings.Contains(w, ".") {
			return 0, false
		}
		return end, true
	}
	// Followed by space: what comes next must be able to start a sentence.
	j := end
	for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
		j++
	}
	if j >= len(text) || text[j] == '\n' {
		return end, true
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	if unicode.IsLower(r) {
		return 0, false
	}
	return end, true
}

// startsSentence: the string starts with an opening quote or an upper-case letter followed by a
// lower-case one (a word, not an initialism).
func startsSentence(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	if isOpener(r) {
		r, n = utf8.DecodeRuneInString(s[n:])
		return unicode.IsUpper(r) || unicode.IsDigit(r)
	}
	if !unicode.IsUpper(r) {
		return false
	}
	r2, _ := utf8.DecodeRuneInString(s[n:])
	return unicode.IsLower(r2)
}

// wordBefore returns the token (letters, digits and inner full stops) that ends at i.
func wordBefore(text string, i int) string {
	j := i
	for j > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:j])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '\'' || r == '’' {
			j -= n
			continue
		}
		break
	}
	return strings.Trim(text[j:i], ".'’")
}

// periodEnds decides whether the single full stop at i (end is just after it) ends a sentence.
func periodEnds(text string, i, end int, glued bool) bool {
	prev, _ := utf8.DecodeLastRuneInString(text[:i])
	next, _ := utf8.DecodeRuneInString(text[end:])
	if unicode.IsDigit(prev) && unicode.IsDigit(next) {
		return false // decimal or time 1.5, 10.30
	}
	w := wordBefore(text, i)
	if w == "" {
		return true
	}
	// Next word after spaces, to judge abbreviations.
	j := end
	for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	nr, _ := utf8.DecodeRuneInString(text[j:])
	nextCap := unicode.IsUpper(nr) || isOpener(nr)
	// Single capital letter: an initial ("J. Smith", "Ibrahim M. Diallo").
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			return false
		}
	}
	if k, ok := abbrevs()[strings.ToLower(w)]; ok {
		switch k {
		case abbrNever:
			return false
		case abbrEnd:
			return nextCap && !glued
		case abbrNum:
			return !unicode.IsDigit(nr)
		}
	}
	// Dotted initialisms not in the list (U.S.A., A.Q.I.M.) behave like "end" abbreviations.
	if strings.Contains(w, ".") {
		return nextCap && !glued
	}
	return true
}

// trim returns text[start:end] without surrounding space, and false when nothing is left.
func trim(text string, start, end int) (Sentence, bool) {
	for start < end {
		r, n := utf8.DecodeRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		start += n
	}
	for end > start {
		r, n := utf8.DecodeLastRuneInString(text[start:end])
		if !unicode.IsSpace(r) {
			break
		}
		end -= n
	}
	return Sentence{start, end}, end > start
}

// clauseCues are the words that, after a comma, start a new clause with its own subject or event
// ("..., while others fled", "..., but the army said ..."). "and" alone is too often a list.
var clauseCues = []string{
	"while ", "whereas ", "but ", "and then ", "then ", "although ", "though ", "before ",
	"after which ", "and later ", "and the next day ", "as well as ", "and on ",
}

// Clauses splits one sentence into clauses: at semicolons and at commas before a clause cue. Best
// effort: a sentence with no such boundary is returned whole.
func Clauses(text string, s Sentence) []Sentence {
	if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
		return nil
	}
	var out []Sentence
	start := s.Start
	emit := func(end int) {
		if c, ok := trim(text, start, end); ok {
			out = append(out, c)
		}
	}
	for i := s.Start; i < s.End; i++ {
		switch text[i] {
		case ';':
			emit(i)
			start = i + 1
		case ',':
			rest := text[i+1 : s.End]
			rest = strings.TrimLeft(rest, " ")
			lower := strings.ToLower(rest[:min(len(rest), 24)])
			for _, cue := range clauseCues {
				if strings.HasPrefix(lower, cue) {
					emit(i)
					start = i + 1
					break
				}
			}
		}
	}
	emit(s.End)
	return out
}
