package toll

import (
	_ "embed"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/segment"
)

// Figure is one casualty figure read from a sentence. Offsets are bytes into the document text.
//
// Value is the conservative reading of the phrase, as ACLED codes it: "at least 21" → 21,
// "more than 20" → 20, "about 20" / "nearly 20" / "some 20" → 20, "up to 30" → 30 (the only figure
// given; Reconcile still prefers any lower credible report), "fewer than 10" → 9, a range "7-9" or
// "between 3 and 5" → its low end, a vague word → its lexicon value (data/vague.tsv).
type Figure struct {
	Start, End  int
	Text        string
	Kind        string // killed, wounded, abducted, captured, missing, destroyed, casualties
	Value       int
	Low, High   int
	Qualifier   string // "at least", "more than", "over", "about", "nearly", "up to", "between", ""...
	Vague       bool   // value from a vague word of the lexicon
	Victim      string // head noun as written: "soldiers", "civilians", "people", "martyrs", ""
	VictimClass string // civilian, military, police, militant, unknown
	Aggregate   bool   // a running total ("2,600 killed since 2017", "thousands have been killed")
	Negated     bool   // "no casualties", "no one was killed": Value 0
	// Part marks a figure that is a subset of the one before it ("21 martyrs including one
	// civilian", "of whom five were children"): never added to it.
	Part bool
	// Joined marks a figure listed with the one before it in one statement ("20 troops and one
	// civilian"): other people, added to it.
	Joined bool
	// Additional marks more people on top of those already counted ("another 5", "three others",
	// "three militants were also killed"): added, never a competing count.
	Additional bool
	// Background marks a killing the sentence recalls as the cause of something else ("protested
	// the killing of three youths"): an earlier event, not this one's toll.
	Background bool
}

//go:embed data/kinds.tsv
var kindsData string

// kindLex holds the casualty words by side; built once, read-only afterwards.
type kindLex struct {
	left, right, noun map[string]string
	maxLen            int
}

var kinds = sync.OnceValue(func() *kindLex {
	k := &kindLex{left: map[string]string{}, right: map[string]string{}, noun: map[string]string{}}
	eachRow(kindsData, func(f []string) {
		if len(f) < 3 {
			return
		}
		switch f[2] {
		case "left":
			k.left[f[0]] = f[1]
		case "right":
			k.right[f[0]] = f[1]
		case "both":
			k.left[f[0]] = f[1]
			k.right[f[0]] = f[1]
		case "noun":
			k.noun[f[0]] = f[1]
		}
		k.maxLen = max(k.maxLen, len(strings.Fields(f[0])))
	})
	return k
})

// qualifiers before a number, longest first where they share words. The value is the canonical form.
var qualifiers = map[string]string{
	"at least": "at least", "more than": "more than", "over": "over", "about": "about", "around": "around",
	"nearly": "nearly", "almost": "almost", "up to": "up to", "some": "some", "roughly": "roughly",
	"approximately": "approximately", "approx": "approximately", "an estimated": "about", "estimated": "about",
	"no fewer than": "at least", "no less than": "at least", "not less than": "at least", "at most": "up to",
	"less than": "fewer than", "fewer than": "fewer than", "close to": "nearly", "as many as": "up to",
	"upwards of": "more than", "between": "between", "a total of": "", "a further": "", "another": "",
	"in excess of": "more than", "well over": "over", "just over": "over", "more or less": "about",
	"at least another": "at least", "an additional": "", "a minimum of": "at least", "a maximum of": "up to",
	"plus de": "more than", "au moins": "at least", "environ": "about", "pelo menos": "at least", "mais de": "more than",
}

const maxQualifierLen = 3

// stopNP ends a noun phrase: function words, verbs and auxiliaries that follow a figure's noun.
var stopNP = map[string]bool{
	"were": true, "was": true, "have": true, "has": true, "had": true, "are": true, "is": true, "been": true,
	"in": true, "on": true, "at": true, "during": true, "from": true, "by": true, "near": true, "after": true,
	"who": true, "that": true, "which": true, "whom": true, "and": true, "or": true, "but": true, "while": true,
	"when": true, "as": true, "to": true, "with": true, "for": true, "into": true, "including": true,
	"among": true, "of": true, "the": true, "a": true, "an": true, "their": true, "his": true, "her": true,
	"its": true, "this": true, "these": true, "those": true, "said": true, "says": true,
	"reportedly": true, "allegedly": true, "also": true, "all": true, "both": true, "will": true, "would": true,
	"could": true, "may": true, "might": true, "be": true, "being": true, "across": true, "since": true,
	"than": true, "before": true, "inside": true, "outside": true, "under": true, "over": true, "per": true,
	"each": true, "more": true, "it": true, "they": true, "he": true, "she": true,
}

// skipRight may stand between a figure's noun and its casualty word ("were reportedly killed").
var skipRight = map[string]bool{
	"were": true, "was": true, "have": true, "has": true, "had": true, "been": true, "being": true, "are": true,
	"is": true, "be": true, "reportedly": true, "allegedly": true, "also": true, "all": true, "later": true,
	"reported": true, "confirmed": true, "believed": true, "thought": true, "feared": true, "to": true,
	"them": true, "whom": true, "who": true, "subsequently": true, "eventually": true,
	"both": true, "each": true, "presumed": true, "presumably": true, "either": true,
	"initially": true, "officially": true, "now": true, "apparently": true, "likely": true, "possibly": true,
	"probably": true, "said": true, "says": true, "say": true, "then": true,
	"instantly": true, "immediately": true, "found": true, "among": true, "went": true, "gone": true,
}

// gapCoord joins two figures of one statement ("20 soldiers and one civilian").
var gapCoord = map[string]bool{"and": true, ",": true, "as well as": true, "plus": true, ", and": true, "along with": true, "while": true, "with": true, "and another": true, ", while": true}

// gapPart makes the second figure a subset of the first.
var gapPart = map[string]bool{"including": true, "among them": true, "of whom": true, "among whom": true, ", including": true, "of them": true, ", among them": true, ", of whom": true, "among": true, "including at least": true}

// singularIrregular nouns are plural without a final s.
var pluralIrregular = map[string]bool{"people": true, "men": true, "women": true, "children": true, "police": true,
	"personnel": true, "militiamen": true, "policemen": true, "servicemen": true, "herdsmen": true,
	"fishermen": true, "gunmen": true, "military": true, "militia": true, "elderly": true, "displaced": true, "customs": true}

type figTok struct {
	f         Figure
	qs, qe    int    // token span of the quantity
	ne        int    // token index after the noun phrase
	kindSide  string // "left", "right", "noun", ""
	single    bool   // an article + singular noun ("a soldier")
	pronoun   bool   // "him", "he": one person already named
	nounFound bool
}

// Figures returns the casualty figures of one sentence, in text order.
func Figures(text string, s segment.Sentence) []Figure {
	if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
		return nil
	}
	toks := tokenize(text, s.Start, s.End, true)
	kl := kinds()
	var figs []figTok
	for i := 0; i < len(toks); i++ {
		ft, ok := quantityAt(toks, i)
		if !ok {
			continue
		}
		if i > 0 && (toks[i-1].w == "no" || toks[i-1].w == "not") {
			continue // "no one was killed" is read as a negation
		}
		if ft.pronoun {
			w := toks[i].w
			plural := w == "them" || w == "they" || w == "those"
			if plural {
				// "abducted six men and executed them": the people of the last figure before it.
				var prev *figTok
				for p := len(figs) - 1; p >= 0; p-- {
					if figs[p].nounFound && figs[p].f.Value > 0 && figs[p].f.Kind != "killed" {
						prev = &figs[p]
						break
					}
				}
				if prev == nil {
					continue
				}
				ft.f.Value, ft.f.Low, ft.f.High = prev.f.Value, prev.f.Low, prev.f.High
				ft.f.Victim, ft.f.VictimClass, ft.f.Vague = prev.f.Victim, prev.f.VictimClass, prev.f.Vague
			}
			if w == "he" || w == "she" || w == "they" || w == "those" {
				// "those arrested were found dead": skip the participle after "those".
				start := ft.ne
				if w == "those" && start < len(toks) && strings.HasSuffix(toks[start].w, "ed") {
					start++
				}
				if n, k := rightKind(toks, start, kl, false); n > 0 {
					ft.f.Kind, ft.kindSide, ft.ne = k, "right", start+n
					figs = append(figs, ft)
				}
			} else if n, k := matchEnding(toks, i, kl.left, kl.maxLen); n > 0 {
				ft.f.Kind, ft.kindSide = k, "left"
				figs = append(figs, ft)
			}
			continue
		}
		nounPhrase(toks, &ft)
		if ft.ne < 0 {
			continue // an article with no person noun after it
		}
		if ft.single && strings.EqualFold(ft.f.Victim, "couple") {
			ft.f.Value, ft.f.Low, ft.f.High = 2, 2, 2 // "the couple was shot dead": two people
		}
		if ft.single && ft.ne < len(toks) && speechVerb[toks[ft.ne].w] {
			continue // "…, a local official said": who speaks, not who died
		}
		// Partitive: "some of the victims", "three of them": a subset of the people counted before
		// it in the sentence ("one of the drivers" alone is one person).
		if ft.f.Value < 12 && partitive(toks, ft.qe) && slices.ContainsFunc(figs, func(p figTok) bool {
			return (knownVictim(p.f.Victim) || p.f.Kind != "") && (genericVictim[strings.ToLower(ft.f.Victim)] || strings.EqualFold(p.f.Victim, ft.f.Victim))
		}) {
			ft.f.Part = true
		}
		// Kind: a casualty noun, else the words after the noun, else the words before the figure.
		if k, ok := kl.noun[strings.ToLower(ft.f.Victim)]; ok {
			ft.f.Kind, ft.kindSide = k, "noun"
		}
		// A head outside the lexicon after an article ("the vehicle") must meet its verb directly.
		guess := ft.single && !knownVictim(ft.f.Victim)
		if n, k := rightKind(toks, ft.ne, kl, !guess); n > 0 {
			// "One of the wounded later succumbed": the verb says what became of them.
			if ft.kindSide == "" || k == "casualties" || ft.f.Kind == "casualties" || (k == "killed" && ft.f.Kind == "wounded") {
				ft.f.Kind, ft.kindSide = k, "right"
			}
			ft.ne += n
		}
		if (ft.kindSide == "noun" || ft.kindSide == "right") && (ft.f.Kind == "captured" || ft.f.Kind == "abducted") {
			// "shot dead one prisoner", "executed a hostage": the verb says what became of them.
			if n, k := matchEnding(toks, ft.qs, kl.left, kl.maxLen); n > 0 && k == "killed" && !attempted(toks, ft.qs-n) {
				ft.f.Kind, ft.kindSide = k, "left"
			}
		}
		if ft.kindSide == "" {
			if n, k := matchEnding(toks, ft.qs, kl.left, kl.maxLen); n > 0 && !attempted(toks, ft.qs-n) {
				ft.f.Kind, ft.kindSide = k, "left"
				if k == "killed" && (toks[ft.qs-1].w == "lost" || toks[ft.qs-1].w == "losing") && !ft.nounFound {
					ft.f.Kind, ft.kindSide = "", "" // "lost 5 vehicles"
				}
				if ft.single && strings.HasPrefix(toks[ft.qs-1].w, "neutrali") && !knownVictim(ft.f.Victim) {
					ft.f.Kind, ft.kindSide = "", "" // "neutralised an IED"
				}
			} else if q := ft.qs; q >= 3 && toks[q-2].w == "and" && (strings.HasSuffix(toks[q-1].w, "ed") || strings.HasSuffix(toks[q-1].w, "nt")) {
				// "killed and mutilated 3 people", "lynched and burnt three people": the casualty
				// verb before "and" has the same object.
				if n, k := matchEnding(toks, q-2, kl.left, kl.maxLen); n > 0 && k == "killed" {
					ft.f.Kind, ft.kindSide = k, "left"
				}
			}
		}
		if ft.single && !knownVictim(ft.f.Victim) && ft.f.Kind != "killed" && ft.f.Kind != "wounded" && ft.f.Kind != "abducted" {
			continue // "captured the city", "burned the house": not people
		}
		if ft.f.VictimClass == "animal" {
			continue // "killed three cows"
		}
		if ft.kindSide == "" && (!ft.nounFound || (ft.single && VictimClass(ft.f.Victim) == "unknown" && !knownVictim(ft.f.Victim))) {
			continue // nothing to share a casualty word with
		}
		figs = append(figs, ft)
		i = max(i, ft.ne-1)
	}
	coordinate(toks, figs)
	sub := text[s.Start:s.End]
	var out []Figure
	for _, ft := range figs {
		f := ft.f
		if f.Kind == "" {
			continue
		}
		if f.Kind == "destroyed" && f.VictimClass != "unknown" && ft.nounFound {
			continue // "burning 3 civilians"? leave people out of property counts
		}
		if f.Kind == "killed" && survivedRE.MatchString(text[toks[ft.qs].start:toks[max(ft.qe, ft.ne)-1].end]) {
			continue // "two elders narrowly escape death": they lived
		}
		endTok := max(ft.qe, ft.ne) - 1
		f.Start, f.End = toks[ft.qs].start, toks[endTok].end
		f.Text = text[f.Start:f.End]
		f.Aggregate = isAggregate(text, s, f)
		if f.Part && !slices.ContainsFunc(out, func(p Figure) bool { return p.Kind == f.Kind }) {
			// "ambushed three policemen and killed one of them", "abducted five, three of whom were
			// killed": a subset of people no figure of its kind counts is the count itself.
			f.Part = false
		}
		f.Additional = f.Additional || additionalRE.MatchString(f.Text)
		prefix := text[s.Start:f.Start]
		f.Background = (protestRE.MatchString(prefix) ||
			backgroundRE.MatchString(prefix) && ft.kindSide == "left" && strings.HasSuffix(words(toks, max(ft.qs-2, 0), ft.qs), "of")) &&
			!ownActionRE.MatchString(prefix) ||
			pastPerfectRE.MatchString(prefix)
		out = append(out, f)
	}
	out = append(out, negations(text, s, sub)...)
	if !slices.ContainsFunc(out, func(f Figure) bool { return f.Kind == "killed" }) {
		// "The APC State Treasurer, Moses Adeoye was killed", "A chairman of the union is
		// assassinated": one person, whoever the words before the verb name.
		if m := singleVictimRE.FindStringSubmatchIndex(sub); m != nil && !strings.Contains(strings.ToLower(sub[m[2]:m[3]]), " and ") {
			f := Figure{Start: s.Start + m[2], End: s.Start + m[1], Kind: "killed", Value: 1, Low: 1, High: 1, VictimClass: "unknown"}
			f.Text = text[f.Start:f.End]
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b Figure) int { return a.Start - b.Start })
	return out
}

// survivedRE: words inside a figure that say its people lived.
var survivedRE = regexp.MustCompile(`(?i)\b(?:escape[ds]?|escaping|survived?|survives|surviving)\b`)

// singleVictimRE reads a sentence that opens with one person named at length and says they were killed.
var singleVictimRE = regexp.MustCompile(`^(?:\d{1,2}\s+[A-Z][a-z]+[.:]\s+)?((?:An?|The)\s[^.;:]{1,80}?)\s+(?:is|was|has\s+been)\s+(?:reportedly\s+|allegedly\s+|later\s+)?(?:killed|assassinated|murdered|shot\s+dead|beheaded|executed|lynched|shot\s+and\s+killed|(?:stabbed|hacked|beaten|burned|burnt)\s+to\s+death)\b`)

// quantityAt reads a quantity starting at toks[i]: an optional qualifier, then a number, a range or a
// vague word; or an article before a singular noun.
func quantityAt(toks []tok, i int) (figTok, bool) {
	ft := figTok{qs: i}
	j := i
	qual := ""
	additional := false
	// "the two occupants", "its four occupants", "his two sons": the determiner starts the figure.
	if singleDet[toks[i].w] && i+1 < len(toks) {
		if _, _, n := numberAt(toks, i+1); n > 0 && toks[i+1].w != "a" && toks[i+1].w != "an" {
			j = i + 1
		}
	}
	if n, q := matchAt(toks, j, qualifiers, maxQualifierLen); n > 0 {
		qual = q
		if qual == "" {
			qual = "-" // a known but meaningless qualifier: keep it in the span
		}
		switch toks[j].w {
		case "another", "a", "an":
			additional = toks[j].w == "another" || words(toks, j, j+2) == "a further" || words(toks, j, j+2) == "an additional"
		}
		j += n
	}
	// Pronouns: "killed him", "he died".
	switch toks[i].w {
	case "him", "her", "he", "she", "them", "they", "those":
		if toks[i].w == "her" && i+1 < len(toks) && !toks[i+1].punct && !stopNP[toks[i+1].w] {
			break // "her child": a determiner
		}
		if qual == "" {
			return figTok{qs: i, qe: i + 1, ne: i + 1, pronoun: true, f: Figure{Value: 1, Low: 1, High: 1, VictimClass: "unknown"}}, true
		}
	}
	if j >= len(toks) {
		return ft, false
	}
	low, high, n := numberAt(toks, j)
	if n > 0 && j+n+1 < len(toks) && (toks[j+n].w == "years" || toks[j+n].w == "year") && toks[j+n+1].w == "old" {
		// "a three years old girl": an age, not a count.
		if qual == "" && singleDet[toks[i].w] {
			ft, ok := articleAt(i)
			ft.qe, ft.ne = j+n+2, j+n+2
			return ft, ok
		}
		return ft, false
	}
	vague := false
	if n == 0 {
		if qual != "" && qual != "-" && qual != "some" {
			return ft, false // "over the weekend", "about the attack"
		}
		if qual == "some" {
			j = i // "some" is then the vague word itself
		}
		m, v := matchVague(toks, j)
		if m == 0 {
			if qual == "" && singleDet[toks[i].w] {
				return articleAt(i)
			}
			return ft, false
		}
		qual = ""
		low, high, n, vague = v, v, m, true
	}
	j += n
	// Vague words and round numbers take "of": "dozens of civilians", "hundreds of people".
	// Partitives take it too: "one of the drivers", "three of them".
	if j+1 < len(toks) && toks[j].w == "of" {
		switch nw := toks[j+1].w; {
		case vague || low >= 100:
			j++
			if toks[j].w == "the" {
				j++
			}
		case nw == "the" || nw == "them" || nw == "whom" || nw == "their" || nw == "his" || nw == "those" || nw == "these":
			j += 2
		}
	}
	if qual == "-" {
		qual = ""
	}
	ft.qe = j
	ft.ne = j
	ft.f = Figure{Qualifier: qual, Vague: vague, Low: low, High: high, Value: low, VictimClass: "unknown", Additional: additional}
	switch qual {
	case "fewer than":
		ft.f.Value, ft.f.High, ft.f.Low = max(low-1, 0), max(low-1, 0), 1
	case "up to":
		ft.f.Low = 1
	}
	return ft, true
}

// numberAt reads a number or a range at toks[j]: "21", "2,600", "1.5 million", "twenty-one", "two
// hundred and fifty", "3-5", "7 to 9", "3 or 4". It returns the low and high values and the tokens used.
func numberAt(toks []tok, j int) (low, high, n int) {
	t := toks[j]
	if t.punct {
		return 0, 0, 0
	}
	r, _ := utf8.DecodeRuneInString(t.w)
	if unicode.IsDigit(r) {
		// A digit range in one token: "3-5".
		if a, b, ok := strings.Cut(t.w, "-"); ok {
			x, ok1 := ParseNumber(a)
			y, ok2 := ParseNumber(b)
			if ok1 && ok2 && y >= x {
				return x, y, 1
			}
			return 0, 0, 0
		}
		if looksLikeYearOrTime(toks, j) {
			return 0, 0, 0
		}
		v, ok := ParseNumber(t.w)
		if !ok {
			return 0, 0, 0
		}
		n = 1
		if j+1 < len(toks) {
			switch toks[j+1].w {
			case "million", "thousand", "hundred":
				if v2, ok := ParseNumber(t.w + " " + toks[j+1].w); ok {
					v, n = v2, 2
				}
			}
		}
		low, high = v, v
	} else {
		// Longest run of number words that parses.
		l := lex()
		k := j
		for k < len(toks) && k-j < 8 {
			w := toks[k].w
			if _, ok := l.numbers[w]; ok {
				k++
				continue
			}
			if strings.Contains(w, "-") {
				if _, ok := ParseNumber(w); ok {
					k++
					continue
				}
			}
			if (w == "and" || w == "et" || w == "e") && k > j && k+1 < len(toks) {
				if _, ok := l.numbers[toks[k+1].w]; ok && l.numbers[toks[k-1].w] >= 100 {
					k++
					continue
				}
			}
			break
		}
		for ; k > j; k-- {
			phrase := words(toks, j, k)
			if phrase == "a" || phrase == "an" || phrase == "un" || phrase == "une" || phrase == "um" || phrase == "uma" {
				continue
			}
			if v, ok := ParseNumber(phrase); ok {
				low, high, n = v, v, k-j
				break
			}
		}
		if n == 0 {
			return 0, 0, 0
		}
	}
	// "7 to 9", "3 or 4", "between 3 and 5".
	if e := j + n; e+1 < len(toks) {
		switch toks[e].w {
		case "to", "or", "and", "-", "–":
			h2, _, m := numberAt(toks, e+1)
			if m > 0 && h2 > low && h2 < low*20+20 {
				if toks[e].w != "and" || (j > 0 && toks[j-1].w == "between") {
					return low, h2, n + 1 + m
				}
			}
		}
	}
	return low, high, n
}

// looksLikeYearOrTime rejects digits that are years, times, or part of a date or a measure.
func looksLikeYearOrTime(toks []tok, j int) bool {
	w := toks[j].w
	if len(w) == 4 && (strings.HasPrefix(w, "19") || strings.HasPrefix(w, "20")) {
		return true
	}
	if j+1 < len(toks) && strings.HasPrefix(toks[j+1].w, "year") {
		return true // "60 year-old woman", "12 years"
	}
	if j+1 < len(toks) {
		switch toks[j+1].w {
		case ":", "am", "pm", "a.m", "p.m", "km", "kilometres", "kilometers", "miles", "kms", "percent", "%", "per", "years", "year",
			"january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
			"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sept", "sep", "oct", "nov", "dec", "hours", "days", "weeks", "months",
			"minutes", "metres", "meters", "kilograms", "kg", "tonnes", "tons", "billion", "dollars", "euros", "cfa", "francs", "gmt", "h", "st", "nd", "rd", "th":
			return true
		}
	}
	if j > 0 {
		switch toks[j-1].w {
		case "$", "€", "£", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
			"november", "december", "no", "number", "base", "route", "road", "highway", "aged", "age", "kilometre", "km":
			return true
		}
	}
	return false
}

// matchVague returns the tokens and value of the longest vague quantity at toks[j].
func matchVague(toks []tok, j int) (int, int) {
	l := lex()
	for n := min(l.vagueMax, len(toks)-j); n >= 1; n-- {
		if v, ok := l.vague[words(toks, j, j+n)]; ok {
			return n, v
		}
	}
	return 0, 0
}

// singleDet are determiners that, before a singular person noun next to a casualty word, count one.
var singleDet = map[string]bool{"a": true, "an": true, "the": true, "his": true, "her": true, "their": true, "its": true}

// attemptVerbs before "to" make the casualty word after it an aim or a threat ("attempted to lynch a
// thief", "threatened to kill the chief"), not a casualty.
var attemptVerbs = map[string]bool{"attempted": true, "attempting": true, "attempt": true, "tried": true, "trying": true,
	"try": true, "threatened": true, "threatening": true, "threaten": true, "planned": true, "planning": true,
	"plotted": true, "wanted": true, "sought": true, "vowed": true, "intended": true, "failed": true}

// attempted reports an attempt verb and "to", or "nearly", just before toks[k].
func attempted(toks []tok, k int) bool {
	if k >= 1 && (toks[k-1].w == "nearly" || toks[k-1].w == "almost") {
		return true // "a mob nearly lynched a pastor": he lived
	}
	if k >= 3 && strings.HasSuffix(toks[k-1].w, "ly") && toks[k-2].w == "to" {
		k-- // "threatened to openly kill"
	}
	if k < 2 || toks[k-1].w != "to" {
		return false
	}
	return attemptVerbs[toks[k-2].w] || (k >= 3 && attemptVerbs[toks[k-3].w])
}

// articleAt reads "a soldier", "the village chief", "his driver": one person, once nounPhrase has
// found a singular person noun.
func articleAt(i int) (figTok, bool) {
	ft := figTok{qs: i, qe: i + 1, ne: i + 1, single: true}
	ft.f = Figure{Value: 1, Low: 1, High: 1, VictimClass: "unknown"}
	return ft, true
}

// genericVictim nouns after a partitive refer back to people already counted ("some of the victims").
var genericVictim = map[string]bool{"": true, "victims": true, "dead": true, "people": true, "bodies": true, "casualties": true,
	"deaths": true, "persons": true, "wounded": true, "injured": true}

// partitive reports whether the quantity ending at toks[qe] is "N of the/them/whom ...".
func partitive(toks []tok, qe int) bool {
	if qe < 2 || toks[qe-2].w != "of" {
		return false
	}
	switch toks[qe-1].w {
	case "the", "them", "whom", "those", "these", "their", "his":
		return true
	}
	return false
}

// knownVictim reports whether a head noun is in the victim lexicon.
func knownVictim(w string) bool {
	_, ok := victimWord(strings.ToLower(w))
	return ok
}

// victimWord looks a word up in the victim lexicon, trying the part after a hyphen ("ex-member").
func victimWord(w string) (string, bool) {
	l := lex()
	if c, ok := l.victims[w]; ok {
		return c, true
	}
	if i := strings.LastIndexByte(w, '-'); i >= 0 && i+1 < len(w) {
		c, ok := l.victims[w[i+1:]]
		return c, ok
	}
	return "", false
}

// nounPhrase reads the victim noun after the quantity: up to four modifiers, then a head noun ("84
// Wagner fighters", "47 Malian soldiers", "three police officers", "five youths"). The head is the
// lexicon noun when there is one, else the last word of the phrase, of class "unknown".
func nounPhrase(toks []tok, ft *figTok) {
	l := lex()
	kl := kinds()
	j := ft.qe
	head, headIdx, last := "", -1, -1
	modClass := ""
	limit := j + 5
	for k := j; k < len(toks) && k < limit; k++ {
		t := toks[k]
		if t.punct && t.w == "(" && headIdx < 0 {
			// A bracketed name inside the phrase ("15 presumed Katiba Macina (JNIM) militants"):
			// skip it, the head noun comes after.
			if m := closeBracket(toks, k); m > 0 {
				limit += m - k + 1
				k = m
				continue
			}
		}
		if t.punct {
			break
		}
		if _, isKind := kl.right[t.w]; isKind && headIdx >= 0 {
			break // "seven soldiers hostage": the casualty word after the head
		}
		if c, ok := victimWord(t.w); ok {
			if mc := l.victims[strings.ToLower(head)]; head != "" && headIdx == k-1 && modClass == "" && (mc == "police" || mc == "military" || mc == "civilian" || mc == "militant") {
				modClass = mc
			}
			head, headIdx = t.raw, k
			if (c == "police" || c == "military" || c == "civilian") && modClass == "" {
				modClass = c
			}
			continue
		}
		if stopNP[t.w] {
			// "troops or fighters", "fighters and soldiers": a second noun joined to the head
			// belongs to the same phrase.
			if (t.w == "or" || t.w == "and") && headIdx == k-1 && k+1 < len(toks) {
				if _, ok := l.victims[toks[k+1].w]; ok {
					head, headIdx = toks[k+1].raw, k+1
					k++
					continue
				}
			}
			break
		}
		if _, ok := kl.right[t.w]; ok && kl.noun[t.w] == "" {
			break // "18 dead", "21 wounded"
		}
		if _, ok := kl.left[t.w]; ok {
			break // "gunmen killed", "militants abducted"
		}
		if _, isNum := l.numbers[t.w]; isNum {
			break
		}
		r, _ := utf8.DecodeRuneInString(t.w)
		age := k+1 < len(toks) && strings.HasPrefix(toks[k+1].w, "year") // "a 10 year old child"
		if unicode.IsDigit(r) && !strings.Contains(t.w, "-") && !age {
			break // another number; "12-year-old" is a modifier
		}
		if len(t.w) > 4 && (strings.HasSuffix(t.w, "ed") || strings.HasSuffix(t.w, "ing")) &&
			(k+1 >= len(toks) || toks[k+1].punct || stopNP[toks[k+1].w]) {
			break // a verb ends the phrase: "the clash resulted in", "a bomb detonated on"
		}
		last = k
	}
	if headIdx < 0 && last >= j {
		head, headIdx = toks[last].raw, last
	}
	if headIdx < 0 {
		ft.ne = ft.qe
		if ft.single {
			ft.ne = -1
		}
		return
	}
	hw := strings.ToLower(head)
	if ft.single && (hw == "death" || hw == "casualty" || hw == "fatality" || hw == "toll") {
		ft.ne = -1 // "the death toll of 19": the number comes later
		return
	}
	if ft.single && ((strings.HasSuffix(hw, "s") && !strings.HasSuffix(hw, "ss")) || pluralIrregular[hw]) {
		ft.ne = -1 // "the attackers": a plural after an article is no count
		return
	}
	ft.nounFound = true
	ft.f.Victim = head
	ft.f.VictimClass = VictimClass(head)
	if (ft.f.VictimClass == "unknown" || hw == "officers" || hw == "officer" || hw == "agents" || hw == "agent" || hw == "members" || hw == "member") && modClass != "" {
		ft.f.VictimClass = modClass
	}
	ft.ne = headIdx + 1
}

// closeBracket returns the index of the ")" closing the "(" at toks[k] within four words, or -1.
func closeBracket(toks []tok, k int) int {
	for m := k + 1; m < len(toks) && m <= k+5; m++ {
		if toks[m].w == ")" {
			return m
		}
		if toks[m].punct {
			return -1
		}
	}
	return -1
}

// rightKind finds a casualty word after the noun phrase, across auxiliaries ("were reportedly
// killed") and a short "from ..." phrase ("15 fighters from the Wagner group killed or arrested").
func rightKind(toks []tok, j int, kl *kindLex, allowSkip bool) (int, string) {
	if j < 0 || j >= len(toks) {
		return 0, ""
	}
	k := j
	skippedFrom := false
	for steps := 0; k < len(toks) && steps < 7; steps++ {
		if n, kind := matchAt(toks, k, kl.right, kl.maxLen); n > 0 {
			// "gunmen killed 3 people", "militants, abducted 1": an active verb with its own
			// object is another clause, not this figure's fate.
			if k+n < len(toks) && startsObject(toks, k+n) {
				return 0, ""
			}
			return k + n - j, kind
		}
		w := toks[k].w
		switch {
		case w == "(":
			// A parenthesis between the noun and its verb: "four civilians (three men and a
			// woman) were killed".
			m := k + 1
			for m < len(toks) && toks[m].w != ")" && m-k < 15 {
				m++
			}
			if m >= len(toks) {
				return 0, ""
			}
			k = m + 1
		case w == ",":
			if k+1 < len(toks) && (toks[k+1].w == "either" || toks[k+1].w == "all" || toks[k+1].w == "both" || toks[k+1].w == "mostly") {
				k++
				continue
			}
			// ", including a student and a driver, were killed": skip the inserted phrase.
			if k+1 < len(toks) && (toks[k+1].w == "including" || toks[k+1].w == "among" || toks[k+1].w == "mostly" || toks[k+1].w == "most") {
				m := k + 1
				for m < len(toks) && toks[m].w != "," && m-k < 12 {
					m++
				}
				if m >= len(toks) {
					return 0, ""
				}
				k = m + 1
				continue
			}
			return 0, ""
		case skipRight[w]:
			k++
		case w == "including" && !skippedFrom:
			// "at least 35 villagers including children were killed": a short inserted subset.
			skippedFrom = true
			found := false
			// A number or "and" inside makes it a figure of its own ("21 martyrs including one
			// civilian and nine injured").
			// A list of single people may stand there too ("three people including a man, a
			// woman, and a girl were killed").
			for m := k + 1; m < len(toks) && m <= k+12 && (!toks[m].punct || toks[m].w == ","); m++ {
				w := toks[m].w
				if w == "and" && !(m+1 < len(toks) && (toks[m+1].w == "a" || toks[m+1].w == "an")) {
					break
				}
				if _, isNum := lex().numbers[w]; (isNum && w != "a" && w != "an") || unicode.IsDigit(rune(w[0])) {
					break
				}
				if n, _ := matchAt(toks, m, kl.right, kl.maxLen); n > 0 {
					k, found = m, true
					break
				}
			}
			if !found {
				return 0, ""
			}
		case strings.HasSuffix(w, "ed") && k+1 < len(toks) && toks[k+1].w == "and":
			k += 2 // "attacked and killed", "beaten and killed"
		case postModifier[w] && !skippedFrom:
			// Skip "from <up to 8 words>" when a casualty word follows it; a list of names may have
			// commas in it ("50 civilians of Nigerien, Sudanese and Chadian origin were killed").
			skippedFrom = true
			// Up to 8 words; the commas and "and" of a list and the auxiliaries before the casualty
			// word ("had been killed") do not count.
			for m, n := k+1, 0; m < len(toks) && n <= 8 && m <= k+16 && allowSkip; m++ {
				if toks[m].w == "," && m+1 < len(toks) && !startsObject(toks, m+1) && !toks[m+1].punct {
					continue
				}
				if toks[m].w != "and" && !skipRight[toks[m].w] {
					n++
				}
				// "on a motorbike", "in a car": an article right after the preposition is its object.
				article := m == k+1 && (toks[m].w == "a" || toks[m].w == "an")
				if toks[m].punct || startsObject(toks, m) && !article && toks[m].w != "the" && toks[m].w != "his" && toks[m].w != "her" && toks[m].w != "their" && toks[m].w != "its" {
					break // another figure: its casualty word is its own
				}
				if n, _ := matchAt(toks, m, kl.right, kl.maxLen); n > 0 {
					k = m
					break
				}
			}
			if postModifier[toks[k].w] {
				return 0, ""
			}
		default:
			return 0, ""
		}
	}
	return 0, ""
}

// startsObject reports whether toks[k] starts a noun phrase object: a number, a determiner.
func startsObject(toks []tok, k int) bool {
	w := toks[k].w
	switch w {
	case "at", "over", "about", "around", "nearly", "more":
		// Qualifiers start an object only before a number ("killed at least 5"); otherwise they are
		// a place or a time ("shot dead at his home", "killed over the weekend").
		n := k + 1
		if n < len(toks) && (toks[n].w == "least" || toks[n].w == "than") {
			n++
		}
		if n >= len(toks) {
			return false
		}
		r, _ := utf8.DecodeRuneInString(toks[n].w)
		_, isNum := ParseNumber(toks[n].w)
		return unicode.IsDigit(r) || isNum || toks[n].w == "a" || toks[n].w == "dozens" || toks[n].w == "hundreds" || toks[n].w == "scores"
	}
	switch w {
	case "a", "an", "the", "his", "her", "their", "its", "two", "several", "some", "many", "dozens", "scores", "hundreds", "at", "more", "over", "about", "nearly", "around", "one", "another", "other", "others", "all", "them", "him":
		return true
	}
	r, _ := utf8.DecodeRuneInString(w)
	if unicode.IsDigit(r) {
		return true
	}
	_, isNum := ParseNumber(w)
	return isNum
}

// speechVerb words after "a/an NOUN" make the noun phrase a claimant.
var speechVerb = map[string]bool{"said": true, "says": true, "told": true, "added": true, "reported": true,
	"confirmed": true, "stated": true, "explained": true, "claimed": true, "announced": true, "declared": true}

// postModifier words start a phrase that may stand between a figure's noun and its casualty word
// ("15 fighters from the Wagner group killed", "two children travelling on a cart were killed").
var postModifier = map[string]bool{"from": true, "of": true, "in": true, "at": true, "travelling": true, "traveling": true,
	"riding": true, "working": true, "living": true, "aboard": true, "on": true, "belonging": true, "aged": true, "near": true,
	"attached": true, "stationed": true, "deployed": true, "assigned": true, "based": true}

// coordinate shares casualty words across coordinated figures and marks subsets.
// ofThenAnd reports a gap that finishes the first figure's noun with a short "of" phrase before "and"
// ("a leader of the faction and his driver").
func ofThenAnd(gap string) bool {
	f := strings.Fields(gap)
	return len(f) >= 3 && len(f) <= 6 && f[0] == "of" && f[len(f)-1] == "and" && !strings.ContainsAny(gap, ",;")
}

func coordinate(toks []tok, figs []figTok) {
	for pass := 0; pass < 2; pass++ {
		for i := 0; i+1 < len(figs); i++ {
			a, b := &figs[i], &figs[i+1]
			if a.ne < 0 || b.qs < a.ne {
				continue
			}
			gap := words(toks, a.ne, b.qs)
			switch {
			case gapPart[gap]:
				b.f.Part = true
				if (b.kindSide == "" || b.kindSide == "left") && a.f.Kind != "" {
					b.f.Kind, b.kindSide = a.f.Kind, "part"
				}
				// "three civilians including an elder were killed": the verb is the whole phrase's.
				if a.kindSide == "" && (b.kindSide == "right" || b.kindSide == "coord-right") {
					a.f.Kind, a.kindSide = b.f.Kind, "coord-right"
				}
			case gapCoord[gap] || ofThenAnd(gap):
				if b.kindSide == "" && (a.kindSide == "left" || a.kindSide == "coord-left") {
					b.f.Kind, b.kindSide = a.f.Kind, "coord-left"
				}
				if a.kindSide == "" && (b.kindSide == "right" || b.kindSide == "coord-right") {
					a.f.Kind, a.kindSide = b.f.Kind, "coord-right"
				}
				if a.f.Kind != "" && a.f.Kind == b.f.Kind {
					b.f.Joined = true
					// "including a man, a woman and a girl": the whole list is the subset.
					b.f.Part = b.f.Part || a.f.Part
				}
			}
		}
	}
}

var (
	additionalRE = regexp.MustCompile(`(?i)\b(?:others?|also|another|further|additional)\b`)
	backgroundRE = regexp.MustCompile(`(?i)\b(?:protest\w*|demonstrat\w*|march(?:ed|ing)|riot\w*|reaction|response|denounc\w*|condemn\w*|justice|outrage\w*|anger\w*|mourn\w*|avenge\w*|retaliat\w*|revenge|following|after)\b[^.;]{0,80}$`)
	// A killing named after a protest word is what the protest was about ("residents demonstrated
	// after police shot a man", "demanding justice for a student killed by police").
	protestRE = regexp.MustCompile(`(?i)\b(?:protest(?:ed|ing|s)?|demonstrat(?:ed|ing|ions?)|riot(?:ed|ing|s)?|march(?:ed|es)?|mourn\w*|outrage\w*|denounc\w*|condemn\w*|sit-in)\b[^.;]{0,60}?\b(?:after|over|following|against|about|denouncing|to\s+denounce|in\s+(?:reaction|response)\s+to|justice\s+for)\b[^.;]{0,80}$`)
	// "…riot over a colleague's death, killing two officers": a participle after a comma is the
	// event's own action, whatever cause came before it.
	ownActionRE = regexp.MustCompile(`(?i),\s*(?:killing|leaving|shooting|wounding|injuring)\s+[^,;.]{0,40}$`)
	// A relative clause in the past perfect tells what had happened before the sentence's event ("to
	// retake the town from militants, who had taken control of it after attacks that killed dozens").
	pastPerfectRE = regexp.MustCompile(`(?i),\s*(?:who|which)\s+had\s+(?:been\s+)?\w+(?:ed|en|t)\b[^.;,]{0,60}$`)
	aggregateRE   = regexp.MustCompile(`(?i)\b(?:since|so\s+far|to\s+date|over\s+the\s+(?:past|last)|in\s+(?:the\s+)?(?:past|last)\s+(?:few\s+)?(?:years|months|decades?)|this\s+year|in\s+recent\s+(?:years|months)|over\s+the\s+years|in\s+total|altogether|cumulative|overall\s+toll)\b`)
	notAggRE      = regexp.MustCompile(`(?i)\b(?:deadliest|worst|largest|biggest|first|heaviest|bloodiest|highest|most)\b[^.;]{0,60}\bsince\b`)
	perfectRE     = regexp.MustCompile(`(?i)^\s*(?:have|has)\s+(?:been\s+)?(?:killed|died|dead|lost)`)
)

// isAggregate: a running total, not one event's toll.
func isAggregate(text string, s segment.Sentence, f Figure) bool {
	for _, c := range segment.Clauses(text, s) {
		if f.Start >= c.Start && f.Start < c.End {
			clause := text[c.Start:c.End]
			after := text[f.Start:s.End]
			if (aggregateRE.MatchString(clause) || aggregateRE.MatchString(after)) && !notAggRE.MatchString(clause) {
				return true
			}
		}
	}
	// "Thousands have been killed": a vague hundreds-or-more with a perfect tense.
	if f.Vague && f.Value >= 100 {
		rest := text[f.End:s.End]
		if perfectRE.MatchString(rest) || strings.Contains(strings.ToLower(f.Text), "have been") {
			return true
		}
	}
	return false
}

var negRE = regexp.MustCompile(`(?i)\b(?:(no\s+(?:one|body)|nobody|none)\s+(?:\w+\s+){0,2}?(?:was|were|had\s+been|has\s+been|have\s+been)\s+(?:\w+\s+)?(killed|hurt|injured|wounded|harmed|kidnapped|abducted)|no\s+(?:human\s+)?(casualties|casualty|fatalities|fatality|deaths|death|loss(?:es)?\s+of\s+(?:human\s+)?li(?:fe|ves)|injuries|injury|victims|one\s+died)|without\s+(?:any\s+)?(casualties|loss\s+of\s+life|fatalities|injuries)|(?:did\s+not|didn't)\s+(?:cause|result\s+in|lead\s+to)\s+(?:any\s+)?(casualties|deaths|fatalities|injuries)|no\s+(?:\w+\s+){0,2}?(?:were|was)\s+(killed|injured|wounded|hurt))\b`)

// negations reads "no casualties", "no one was killed", "no fatalities": figures of zero.
func negations(text string, s segment.Sentence, sub string) []Figure {
	var out []Figure
	for _, m := range negRE.FindAllStringSubmatchIndex(sub, -1) {
		word := ""
		for g := 2; g+1 < len(m); g += 2 {
			if m[g] >= 0 && g != 2 {
				word = strings.ToLower(sub[m[g]:m[g+1]])
			}
		}
		kind := "killed"
		switch {
		case strings.HasPrefix(word, "injur") || word == "hurt" || word == "wounded" || word == "harmed":
			kind = "wounded"
		case word == "kidnapped" || word == "abducted":
			kind = "abducted"
		}
		f := Figure{Start: s.Start + m[0], End: s.Start + m[1], Kind: kind, Negated: true, VictimClass: "unknown"}
		f.Text = text[f.Start:f.End]
		out = append(out, f)
	}
	return out
}
