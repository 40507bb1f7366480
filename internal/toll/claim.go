package toll

import (
	"regexp"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/segment"
)

// Claimant is who asserts the figures of a sentence ("the defense ministry", "JNIM", "a police
// source", "residents"). Offsets are bytes into the document text.
type Claimant struct {
	Start, End int
	Text       string
}

// reportVerbs introduce a claim; the subject before them (or after them, in "…,” said X") is the
// claimant.
const reportVerbs = `said|says|say|told|tells|claimed|claims|claim|announced|announces|reported|reports|stated|states|confirmed|confirms|added|declared|declares|explained|indicated|insisted|estimated|asserted|alleged|wrote|tweeted|posted|recounted|quoted|cited|admitted|acknowledged|noted|revealed|warned|counted|put\s+the\s+toll|gave\s+(?:the|a)\s+(?:death\s+)?toll|according`

var (
	accordingRE = regexp.MustCompile(`(?i)\baccording\s+to\s+([^,.;:()“”"]+)`)
	// "X said", "X told AFP", "X, a spokesman, said": subject = the words before the verb back to a
	// clause boundary.
	verbRE = regexp.MustCompile(`(?i)\b(?:` + reportVerbs + `)\b`)
	// "…,” said X" and "said X, adding": inverted order after a quote or at the end.
	invertedRE = regexp.MustCompile(`(?i)[,”"’]\s*(?:said|added|told\s+\w+|claimed|announced|stated|explained)\s+((?:the\s+|a\s+|an\s+)?[^,.;:“”"]+)`)
	// Trailing words that are not part of the subject: times, adverbs.
	subjectTailRE = regexp.MustCompile(`(?i)(?:\s+(?:on|late|early|last|this)?\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|later|also|again|earlier|previously|separately|officially|initially|in\s+a\s+statement|on\s+(?:state|national)\s+(?:television|radio|tv)|(?:on|at)\s+(?:the\s+)?weekend|had|has|have|would|was|were|who|which|it))+\s*$`)
	pronounRE     = regexp.MustCompile(`(?i)^(?:he|she|it|they|we|i|you|this|that|there|which|who|officials?\s+who)$`)
	// "its claims", "the reports": the verb form is a noun.
	nounUseRE = regexp.MustCompile(`(?i)\b(?:its|their|his|her|the|a|these|those|such|unverified|unconfirmed|conflicting|media|press|local|earlier|initial)\s+$`)
	// Negated or passive clauses are not claimants ("this figure has not been confirmed").
	notSubjectRE = regexp.MustCompile(`(?i)\b(?:not|nor|never|been|figure|number|toll|claims?)\b|^(?:known|described|seen|considered|believed|based|led|linked|speaking|citing|with|without|no|in|on|at|for|by|from|after|before)\b`)
	participleRE = regexp.MustCompile(`^(?:known|described|seen|considered|believed|based|led|linked|speaking|citing|quoted)\b`)
	verbObjectRE = regexp.MustCompile(`(?i)^\s+(?:that|to|responsibility|it|they|he|she|the|a|an|its|their|his|her|\d)`)
	clauseRE     = regexp.MustCompile(`(?i)\b(?:\w+ed|is|are|was|were|has|have|had|\d+)\b`)
	leadCutRE    = regexp.MustCompile(`(?i)^(?:.*\b(?:but|while|as|because|although|though|after|when|that|where)\s+)`)
)

// Attribute returns who asserts the figures of one sentence: "according to X", "X said", "X told
// AFP", "X claimed", "X announced", and quotes attributed after them ("…,” a police source said).
// Bare pronouns ("it said", "he added") are not claimants: the caller resolves them from the
// sentences before.
func Attribute(text string, s segment.Sentence) (Claimant, bool) {
	if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
		return Claimant{}, false
	}
	sub := text[s.Start:s.End]
	var cands []Claimant
	add := func(a, b int) {
		a, b = trimSpan(sub, a, b)
		if b <= a {
			return
		}
		c := Claimant{Start: s.Start + a, End: s.Start + b, Text: sub[a:b]}
		if pronounRE.MatchString(c.Text) || len(c.Text) > 120 || notSubjectRE.MatchString(c.Text) {
			return
		}
		cands = append(cands, c)
	}
	if m := accordingRE.FindStringSubmatchIndex(sub); m != nil {
		add(m[2], m[3])
		if len(cands) > 0 {
			return cands[0], true
		}
	}
	for _, m := range verbRE.FindAllStringIndex(sub, -1) {
		if strings.EqualFold(sub[m[0]:m[1]], "according") || nounUseRE.MatchString(sub[:m[0]]) {
			continue
		}
		// "claims", "reports" are verbs only before what is claimed ("witchcraft claims" is a noun).
		if v := strings.ToLower(sub[m[0]:m[1]]); (v == "claims" || v == "reports" || v == "claim") && !verbObjectRE.MatchString(sub[m[1]:]) {
			continue
		}
		a, b := subjectBefore(sub, m[0])
		if b > a {
			add(a, b)
			if len(cands) > 0 {
				return cands[len(cands)-1], true
			}
		}
	}
	if m := invertedRE.FindStringSubmatchIndex(sub); m != nil {
		add(m[2], m[3])
		if len(cands) > 0 {
			return cands[0], true
		}
	}
	return Claimant{}, false
}

// subjectBefore returns the span of the subject ending just before the verb at v: back to a clause
// boundary (start, quote, comma closing an apposition is crossed once), cut after "but/and/that...".
func subjectBefore(sub string, v int) (int, int) {
	end := v
	// Walk back to the previous boundary.
	start := 0
	for i := v - 1; i >= 0; i-- {
		c := sub[i]
		if c == ')' {
			// A parenthesis belongs to the subject: "the ... of Azawad (CSP-DPA) alliance said".
			if j := strings.LastIndexByte(sub[:i], '('); j >= 0 {
				i = j
				continue
			}
		}
		if c == ';' || c == ':' || c == '(' || c == ')' || c == '"' {
			start = i + 1
			break
		}
		if strings.HasPrefix(sub[i:], "”") || strings.HasPrefix(sub[i:], "“") {
			start = i + len("”")
			break
		}
		if c == ',' {
			// "X, a spokesman for Y, said": a comma right before the verb closes an apposition;
			// keep the phrase after the first comma of the pair.
			start = i + 1
			if strings.TrimSpace(sub[i+1:v]) == "" {
				continue
			}
			break
		}
	}
	seg := sub[start:end]
	// "X, who spoke overnight, said" and "X, a town near Y, told AFP": the subject is X, before the
	// relative clause or apposition.
	lw := strings.ToLower(strings.TrimSpace(seg))
	if prev := strings.LastIndexByte(sub[:start], ','); start > 0 && sub[start-1] == ',' {
		p0 := strings.LastIndexAny(sub[:start-1], ",;:“”\"") + 1
		if prev >= 0 && p0 >= 0 {
			cand := strings.TrimSpace(sub[p0 : start-1])
			if strings.HasPrefix(lw, "who ") || strings.HasPrefix(lw, "which ") || participleRE.MatchString(lw) ||
				((strings.HasPrefix(lw, "a ") || strings.HasPrefix(lw, "an ")) && p0 == 0 && cand != "") {
				start, end = p0, start-1
				seg = sub[start:end]
			}
		}
	}
	// Cut leading conjunction clauses: "... but a local youth representative said".
	if loc := leadCutRE.FindStringIndex(seg); loc != nil {
		start += loc[1]
		seg = sub[start:end]
	}
	// "and": two subjects ("a local official and a former worker told AFP") unless the part before
	// it is a clause of its own ("gunmen killed 5 and the army said").
	if k := strings.LastIndex(seg, " and "); k >= 0 && clauseRE.MatchString(seg[:k]) {
		start += k + len(" and ")
		seg = sub[start:end]
	}
	if strings.HasPrefix(strings.ToLower(seg), "and ") {
		start += len("and ")
		seg = sub[start:end]
	}
	if loc := subjectTailRE.FindStringIndex(seg); loc != nil {
		end = start + loc[0]
	}
	return start, end
}

func trimSpan(s string, a, b int) (int, int) {
	for a < b && strings.ContainsRune(" \t\n,“”\"'’", rune(s[a])) {
		a++
	}
	for b > a && strings.ContainsRune(" \t\n,“”\"'’", rune(s[b-1])) {
		b--
	}
	// Multi-byte quotes.
	for _, q := range []string{"“", "”", "’", "‘"} {
		for strings.HasPrefix(s[a:b], q) {
			a += len(q)
		}
		for strings.HasSuffix(s[a:b], q) {
			b -= len(q)
		}
	}
	return a, b
}
