package classify

import (
	"hash/fnv"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ACLED coder remarks. Real news carries none of them, and some (a leading "Looting:") give the label
// away, so they are removed before training and before prediction alike.
var (
	// "Other: On 19 January ...", "Non-violent activity: ...", "Property destruction: ...".
	reLeadLabel = regexp.MustCompile(`^\s*[A-Z][a-z]+(?:[ -][a-z]+){0,3}:\s+`)
	// "[size=dozens]", "[coded separately]", "[coded: Mora]".
	reBracketRemark = regexp.MustCompile(`\s*\[(?:size\s*=|[^\]]*\bcoded\b)[^\]]*\]`)
	// "(coded as military)", "(coded as X at geoprecision 2)".
	reParenRemark = regexp.MustCompile(`\s*\([^()]*\b(?:coded|geo-?precision)\b[^()]*\)`)
	// ", coded as the military forces," inside a sentence that says something else too.
	reCodedAsForces = regexp.MustCompile(`,\s*coded as (?:the )?(?:military|police|state)(?: forces)?(?: of [A-Z][a-z]+)?,?`)
	// ", coded to Jakiri (Jakiri, Bui, Nord-Ouest)".
	reCodedTo = regexp.MustCompile(`,\s*coded (?:close )?to [^,.(;]*(?:\([^)]*\))?`)
	// ", fatalities split between events" inside a sentence.
	reSplitClause = regexp.MustCompile(`(?i),?\s*\(?fatalities (?:were )?split (?:between|over|across|among)[^,.;)]*\)?`)
	// A sentence that is only a coder remark: "Location coded to ...", "Fatalities coded as 3.".
	reRemarkSentence = regexp.MustCompile(`(?i)\bcoded\b|\bgeo-?precision\b`)
)

// StripRemarks removes ACLED coder remarks ("Other:", "[size=...]", "(coded as ...)", "Location coded
// to ...") from a text. Text without remarks comes back unchanged apart from surrounding space.
func StripRemarks(text string) string {
	s := reLeadLabel.ReplaceAllString(text, "")
	s = reBracketRemark.ReplaceAllString(s, "")
	s = reParenRemark.ReplaceAllString(s, "")
	s = reCodedAsForces.ReplaceAllString(s, "")
	s = reCodedTo.ReplaceAllString(s, "")
	s = reSplitClause.ReplaceAllString(s, "")
	if !reRemarkSentence.MatchString(s) {
		return strings.TrimSpace(s)
	}
	var b strings.Builder
	for _, sent := range splitSentences(s) {
		if reRemarkSentence.MatchString(sent) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.TrimSpace(sent))
	}
	return b.String()
}

// splitSentences cuts after '.', '!' or '?' followed by space and an upper-case letter or digit. It is
// deliberately simple: it only has to isolate coder remarks, which are whole sentences.
func splitSentences(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t') {
			j++
		}
		if j == i+1 || j >= len(s) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(s[j:])
		if unicode.IsUpper(r) || unicode.IsDigit(r) {
			out = append(out, s[start:i+1])
			start = j
			i = j - 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// tokenize lowercases the text and splits it into words of letters and digits; any word holding a
// digit becomes "0" so that dates and tolls do not each become their own feature.
func tokenize(text string) []string {
	var toks []string
	var b strings.Builder
	digit := false
	flush := func() {
		if b.Len() == 0 {
			return
		}
		if digit {
			toks = append(toks, "0")
		} else {
			toks = append(toks, b.String())
		}
		b.Reset()
		digit = false
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r):
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsDigit(r):
			b.WriteRune(r)
			digit = true
		case r == '\'' || r == '’':
			// "group's" stays one word without the apostrophe.
		default:
			flush()
		}
	}
	flush()
	return toks
}

// featureHasher turns feature strings into bucket indices (the hashing trick keeps the model a fixed
// size whatever the vocabulary).
type featureHasher struct {
	buckets uint32
}

func (h featureHasher) index(parts ...string) uint32 {
	f := fnv.New32a()
	for i, p := range parts {
		if i > 0 {
			f.Write([]byte{0})
		}
		f.Write([]byte(p))
	}
	return f.Sum32() % h.buckets
}

// stemLen is the prefix length of the stem feature that lets "abducted", "abduction" and "abducting"
// share weight.
const stemLen = 6

// features returns the distinct bucket indices of a text: a bias, word unigrams, bigrams, stems and
// the cue lexicon categories found in it.
func (m *Model) features(text string) []uint32 {
	toks := tokenize(StripRemarks(text))
	h := featureHasher{m.buckets}
	seen := make(map[uint32]bool, 3*len(toks)+8)
	out := make([]uint32, 0, 3*len(toks)+8)
	add := func(i uint32) {
		if !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	add(h.index("bias"))
	prev := "<s>"
	for _, t := range toks {
		add(h.index("u", t))
		add(h.index("b", prev, t))
		if n := utf8.RuneCountInString(t); n > stemLen {
			add(h.index("p", string([]rune(t)[:stemLen])))
		}
		prev = t
	}
	for _, c := range m.lex.match(toks) {
		add(h.index("x", c))
	}
	return out
}
