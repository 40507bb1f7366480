package geoparse

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// token is a run of letters and digits, the unit the gazetteer counts names in.
type token struct {
	start, end int
	fold       string
	upper      bool // starts with an upper-case letter
	allUpper   bool // every letter upper case (an acronym or a shouted headline)
	sentStart  bool // first word of a sentence (or a line)
}

func tokenize(text string) []token {
	var toks []token
	in := false
	var cur token
	letters, uppers := 0, 0
	flush := func(end int) {
		cur.end = end
		cur.fold = gazetteer.Fold(text[cur.start:end])
		cur.allUpper = letters >= 2 && uppers == letters
		toks = append(toks, cur)
	}
	for i, r := range text {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn)
		// "7km": a number glued to its unit is two words, so that "km from" cues match.
		if in && word && unicode.IsLetter(r) && i > 0 && text[i-1] >= '0' && text[i-1] <= '9' {
			flush(i)
			in = false
		}
		switch {
		case word && !in:
			in = true
			cur = token{start: i, upper: unicode.IsUpper(r), sentStart: sentenceStartBefore(text, i)}
			letters, uppers = 0, 0
		case !word && in:
			in = false
			flush(i)
		}
		if word && unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				uppers++
			}
		}
	}
	if in {
		flush(len(text))
	}
	return toks
}

// sentenceStartBefore reports whether the word at i begins a sentence: only spaces, quotes and
// brackets lie between it and the previous sentence end or line break.
func sentenceStartBefore(text string, i int) bool {
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:i])
		switch {
		case r == '\n' || r == '.' || r == '!' || r == '?' || r == ':' || r == '–' || r == '—':
			return true
		case unicode.IsSpace(r) || strings.ContainsRune("\"'“”‘’«»([", r):
			i -= n
		default:
			return false
		}
	}
	return true
}

// datedName returns the length in tokens of a place name made of a date at token i, "24 de Março",
// "25 de Setembro", else 0.
func datedName(text string, toks []token, i int) int {
	if i+2 >= len(toks) || toks[i+1].fold != "de" || !toks[i+2].upper || !portugueseMonths[toks[i+2].fold] {
		return 0
	}
	day, err := strconv.Atoi(toks[i].fold)
	if err != nil || day < 1 || day > 31 || text[toks[i].end:toks[i+1].start] != " " || text[toks[i+1].end:toks[i+2].start] != " " {
		return 0
	}
	return 3
}

var portugueseMonths = map[string]bool{"janeiro": true, "fevereiro": true, "marco": true, "abril": true, "maio": true, "junho": true,
	"julho": true, "agosto": true, "setembro": true, "outubro": true, "novembro": true, "dezembro": true}

// joinable reports whether the characters between two tokens keep them in one name: a single space,
// a hyphen or an apostrophe ("Tin-Zaouatene", "N'Djamena", "Mocimboa da Praia"), never a comma,
// full stop or line break.
func joinable(gap string) bool {
	if gap == "" || len(gap) > 4 {
		return false
	}
	spaces := 0
	for _, r := range gap {
		switch r {
		case ' ', '\u00a0':
			spaces++
		case '-', '\'', '’', '‐', '‑':
		default:
			return false
		}
	}
	return spaces <= 2
}

// particles may appear in lower case inside a multi-word place name.
var particles = map[string]bool{"da": true, "de": true, "do": true, "dos": true, "das": true, "du": true, "des": true, "la": true, "le": true, "el": true, "al": true, "n": true, "i": true, "ag": true, "ou": true, "wa": true, "of": true, "sur": true, "en": true, "e": true}

// strongCue labels pin a following capitalised name as a place even when the gazetteer does not
// know it.
var strongCue = map[string]bool{"village of": true, "town of": true, "locality of": true, "city of": true, "neighbourhood of": true}

// raw is a recognised span before resolution.
type raw struct {
	i, j     int // token range [i, j)
	country  gazetteer.Country
	isCtry   bool
	known    bool     // the gazetteer has the name
	near     []string // or, instead, these folded names one edit away (a misspelling)
	before   *cue
	after    *cue
	paren    []string // folded qualifiers in the parentheses right after the name
	parenRaw []string // the same as written
	inParen  int      // index+1 of the mention this one qualifies ("Kadji (Gao, Gao)"), 0 if none
	demonym  bool
	border   bool // a country named as a border ("near the Niger border", "border with Niger")
	dateline bool // "Bamako, Mali –" or "APA - Bamako (Mali)": where the story was filed
	within   int  // index+1 of the mention that contains this one ("Faladie district of Bamako"), 0 if none
	// nearTo is the index+1 of the mention this one is said to lie near ("Tonou, near Dioungani",
	// "Bilia, four kilometers south of Ayorou"), 0 if none; nearKm the distance given, if any.
	nearTo int
	nearKm float64
	// landmark is set for an institution the event took place at ("the National Assembly"), and
	// unit is then the index+1 of the state named before it, 0 if none.
	landmark *landmark
	unit     int
}

// recognize scans the tokens for place names: longest gazetteer match first at each capitalised
// token, filtered by the stoplist, the ordinary-word list and the context.
func (p *Parser) recognize(text string, toks []token) []raw {
	var out []raw
	for i := 0; i < len(toks); {
		t := toks[i]
		if n := datedName(text, toks, i); n > 0 {
			// "19 de Outubro village (Quissanga, Cabo Delgado)": Mozambican villages named
			// after a date, a place where the context says so.
			bc, j := p.cueBefore(toks, i, text), i+n
			known := p.g.Has(gazetteer.Fold(text[t.start:toks[j-1].end]))
			ac := p.cueAfter(toks, j, text)
			if known || bc != nil && bc.role == "event" || ac != nil && ac.role == "event" || qualifiedByParen(text, toks, j) {
				out = append(out, raw{i: i, j: j, known: known, before: bc, after: ac})
				i = j
				continue
			}
		}
		if !t.upper {
			i++
			continue
		}
		bc := p.cueBefore(toks, i, text)
		n, r, consumed := p.matchAt(text, toks, i, bc)
		skip := 0
		if n == 0 && consumed == 0 && settlementPrefix[t.fold] && i+1 < len(toks) && toks[i+1].upper && joinable(text[t.end:toks[i+1].start]) {
			// "Tse Chiata", "Mararraban Kunini": a word for a compound or a junction before a
			// place's name, which the gazetteer knows without it.
			if pn, pr, _ := p.matchAt(text, toks, i+1, bc); pn > 0 && !pr.isCtry {
				n, r, skip = pn, pr, 1
			}
		}
		if n > 0 && !r.isCtry && describesPlace(toks, i, n) {
			i += n // "the Idoma village of Omusu": a people's name describing the village
			continue
		}
		if n > 0 {
			r.before = bc
			r.after = p.cueAfter(toks, r.j, text)
			out = append(out, r)
			i += skip + n
			continue
		}
		if consumed > 0 {
			i += consumed
			continue
		}
		// A capitalised name right after "the village of", or followed by its admin units in
		// brackets, is a place even if the gazetteer does not know it.
		if !p.common[t.fold] && !p.stop[t.fold] && !t.allUpper {
			j := i + 1
			// A unit word closes the name: "Tafawa LGA" is Tafawa, an LGA.
			for j < len(toks) && j-i < 4 && toks[j].upper && joinable(text[toks[j-1].end:toks[j].start]) && !p.cueAfter(toks, j, text).namesUnit() {
				j++
			}
			ordinary := false
			for k := i; k < j; k++ {
				if _, isCountry := p.g.CountryByName(text[toks[k].start:toks[k].end]); isCountry || p.common[toks[k].fold] {
					ordinary = true
				}
			}
			// "in Islamist attacks": a capitalised adjective before a common noun is no place.
			adjective := j < len(toks) && !toks[j].upper && joinable(text[toks[j-1].end:toks[j].start]) && p.cueAfter(toks, j, text) == nil
			if !ordinary && (bc != nil && (strongCue[bc.label] || bc.role == "event" && !t.sentStart && !adjective) || qualifiedByParen(text, toks, j) || p.qualifiedByUnit(text, toks, j)) {
				out = append(out, raw{i: i, j: j, before: bc, after: p.cueAfter(toks, j, text)})
				i = j
				continue
			}
		}
		i++
	}
	out = p.findLandmarks(text, toks, out)
	out = p.linkParens(text, toks, out)
	p.linkCommaQualifiers(text, toks, out)
	linkContainers(text, toks, out)
	linkAnaphoricUnits(text, toks, out)
	linkNear(text, toks, out)
	shareListCues(text, toks, out)
	for k := range out {
		if out[k].isCtry {
			out[k].border = isBorderRef(text, toks, out[k])
			// "Benin civilians", "Chad troops": a nationality, like a demonym.
			name := gazetteer.Fold(text[toks[out[k].i].start:toks[out[k].j-1].end])
			if j := out[k].j; j < len(toks) && nationals[toks[j].fold] && text[toks[j-1].end:toks[j].start] == " " && name == gazetteer.Fold(out[k].country.Name) {
				out[k].demonym = true
			}
		}
	}
	for k := range out {
		out[k].dateline = isDateline(text, toks, out[k])
	}
	return out
}

// shareListCues spreads cues over a list of names: a cue that puts the first elsewhere than the
// event ("active in Zamfara and Katsina states", "fled to Gao and Kidal") holds for all, and a plural unit
// word after the last ("Zamfara and Katsina states") makes every one such a unit.
func shareListCues(text string, toks []token, rs []raw) {
	listed := func(a, b raw) bool {
		if a.isCtry || b.isCtry || a.inParen > 0 || b.inParen > 0 || len(a.paren) > 0 {
			return false
		}
		gap := text[toks[a.j-1].end:toks[b.i].start]
		switch strings.TrimSpace(gap) {
		case ",", "and", "or", ", and", ", or":
			return true
		}
		return false
	}
	for k := 1; k < len(rs); k++ {
		// Only a cue that rules names out spreads: the first name of an event list already
		// ranks first.
		if rs[k].before == nil && rs[k-1].before != nil && rs[k-1].before.role == "away" && listed(rs[k-1], rs[k]) {
			rs[k].before = rs[k-1].before
		}
	}
	for k := len(rs) - 2; k >= 0; k-- {
		next := rs[k+1].after
		if rs[k].after == nil && next != nil && isPluralUnit(next) && listed(rs[k], rs[k+1]) {
			rs[k].after = next
		}
	}
}

// isPluralUnit reports whether an after-cue is a plural unit word ("states", "regions").
func isPluralUnit(c *cue) bool {
	if !c.namesUnit() {
		return false
	}
	last := c.words[len(c.words)-1]
	return strings.HasSuffix(last, "s")
}

// isBorderRef reports whether a country is named as a border or a road's end: "the Niger border",
// "border with Niger", "Somalia border town", "border of Mali and Niger", "the Kiunga-Somalia road". An event told that way is beside the
// country, usually on the other side.
func isBorderRef(text string, toks []token, r raw) bool {
	if r.j < len(toks) && (toks[r.j].fold == "border" || toks[r.j].fold == "borders" || toks[r.j].fold == "frontier" || toks[r.j].fold == "road" || toks[r.j].fold == "highway") &&
		!strings.ContainsAny(text[toks[r.j-1].end:toks[r.j].start], ".,;\n()") {
		return true
	}
	// Up to four words back: "border with", "the border between Mali and", "borders of".
	for k := r.i - 1; k >= 0 && k >= r.i-4; k-- {
		if strings.ContainsAny(text[toks[k].end:toks[k+1].start], ".;\n()") {
			return false
		}
		switch toks[k].fold {
		case "border", "borders", "frontier":
			return true
		case "with", "between", "of", "the", "and", "to", "across":
			continue
		}
		if !toks[k].upper {
			return false // a capitalised word may be the other country: "between Mali and Niger"
		}
	}
	return false
}

// isDateline reports whether a mention is a dateline: at the start of a line and followed by a
// dash, or by a country and a dash ("Bamako, Mali –", "BAMAKO (Reuters) -").
func isDateline(text string, toks []token, r raw) bool {
	start := toks[r.i].start
	ls := strings.LastIndexByte(text[:start], '\n') + 1
	pre := strings.TrimSpace(text[ls:start])
	if pre != "" && !strings.HasSuffix(pre, "-") && !strings.HasSuffix(pre, "–") {
		return false
	}
	rest := text[toks[r.j-1].end:]
	if len(rest) > 60 {
		rest = rest[:60]
	}
	if i := strings.IndexAny(rest, "\n.;"); i >= 0 {
		rest = rest[:i]
	}
	for _, dash := range []string{" –", " —", " - ", "–", "—"} {
		if k := strings.Index(rest, dash); k >= 0 && k < 30 {
			return true
		}
	}
	return false
}

// matchAt tries the longest name starting at token i. It returns the number of tokens of an
// accepted mention, or consumed > 0 when a stoplisted phrase covers them.
func (p *Parser) matchAt(text string, toks []token, i int, bc *cue) (n int, r raw, consumed int) {
	maxN := min(p.maxToken, len(toks)-i)
	// How far the name can extend: tokens joined by spaces/hyphens, capitalised or particles.
	lim := 1
	for lim < maxN {
		// A slash joins the halves of a district's double name ("Ohaji/Egbema", "Katsina/Ala")
		// only when the gazetteer knows them whole: "Fufore/Jada road" names two towns.
		if gap := text[toks[i+lim-1].end:toks[i+lim].start]; !joinable(gap) && (gap != "/" || !p.g.Has(gazetteer.Fold(text[toks[i].start:toks[i+lim].end]))) {
			break
		}
		nt := toks[i+lim]
		if !nt.upper && !particles[nt.fold] && !elided(text, toks, i+lim) {
			break
		}
		lim++
	}
	for n := lim; n >= 1; n-- {
		last := toks[i+n-1]
		if !last.upper && !unicode.IsDigit(rune(text[last.start])) && !elided(text, toks, i+n-1) {
			continue
		}
		span := text[toks[i].start:last.end]
		f := gazetteer.Fold(span)
		if p.stop[f] && !p.bracketedUnit(text, toks, i, n) { // "(Lower Manya Krobo, Eastern)": a region in brackets
			return 0, raw{}, n
		}
		if n == 1 && toks[i].allUpper && len(f) <= 5 {
			// Acronyms (JNIM, LGA, AFP) are not place names; a country code is not a mention either.
			continue
		}
		if c, ok := p.g.CountryByName(span); ok && !(n == 1 && len(f) <= 3) {
			return n, raw{i: i, j: i + n, country: c, isCtry: true, demonym: !p.g.Has(f)}, 0
		}
		if !p.g.Has(f) {
			continue
		}
		// A Tamasheq "place of" prefix ("Tin-Hamma", "In-Tillit", "Ti-n-Essako", "Tin Korazeyna")
		// is no place on its own when the gazetteer lacks the whole name.
		// So is a Tiv or Hausa word for a compound hyphenated to a name ("Tse-Dzungwe").
		if n == 1 && n < lim && (tamasheqPrefix[f] && toks[i+n].upper || (tamasheqPrefix[f] || settlementPrefix[f]) && text[last.end:toks[i+n].start] == "-") {
			continue
		}
		if truncated(text, toks, i, n) || !p.plausible(text, toks, i, n, bc) {
			continue
		}
		if p.pieceOfCompound(text, toks, i, n) {
			continue
		}
		if n < lim && text[last.end:toks[i+n].start] == "-" {
			// "Tor-Dunga" is one misspelt name (Tor Donga), not the village Tor.
			if m, keys := p.nearMatch(text, toks, i, lim, bc); m > n {
				return m, raw{i: i, j: i + m, known: true, near: keys}, 0
			}
		}
		return n, raw{i: i, j: i + n, known: true}, 0
	}
	if n, keys := p.nearMatch(text, toks, i, lim, bc); n > 0 {
		return n, raw{i: i, j: i + n, known: true, near: keys}, 0
	}
	return 0, raw{}, 0
}

// nearMatch looks for a misspelt place name at token i, the longest first: a name the gazetteer
// lacks but knows one edit away ("Mocimbo Da Praia", "Kastina Ala", "Nariobi"). Only where the
// context announces a place (a cue before or after it, or brackets around or after it), since many
// names of people and things lie one letter from some hamlet.
func (p *Parser) nearMatch(text string, toks []token, i, lim int, bc *cue) (int, []string) {
	if toks[i].allUpper || toks[i].sentStart && bc == nil {
		return 0, nil
	}
	bracketed := bracketed(text, toks[i].start)
	for n := lim; n >= 1; n-- {
		last := toks[i+n-1]
		if !last.upper {
			continue
		}
		// Never a piece of a hyphenated or apostrophised word: "Koulbel" of "Koulbel-Alpha".
		if n < lim && strings.TrimSpace(text[last.end:toks[i+n].start]) != "" {
			continue
		}
		f := gazetteer.Fold(text[toks[i].start:last.end])
		if len(f) < gazetteer.FuzzyMinLen || p.stop[f] || p.common[f] {
			continue
		}
		if _, ok := p.g.CountryByName(text[toks[i].start:last.end]); ok {
			continue
		}
		ac := p.cueAfter(toks, i+n, text)
		parenAfter := i+n < len(toks) && strings.TrimSpace(text[last.end:toks[i+n].start]) == "("
		if !(bc != nil && bc.role != "away" || ac != nil || parenAfter || bracketed) {
			continue
		}
		if !p.plausible(text, toks, i, n, bc) {
			continue
		}
		if keys := p.g.Near(f); len(keys) > 0 {
			return n, keys
		}
	}
	return 0, nil
}

// startsLower reports whether s begins, after spaces, with a lower-case letter.
func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, " "))
	return unicode.IsLower(r)
}

// bracketed reports whether byte offset at opens an item of a bracketed list: "(Tera, Tillaberi)".
func bracketed(text string, at int) bool {
	before := strings.TrimRight(text[:at], " ")
	return strings.HasSuffix(before, "(") || strings.HasSuffix(before, ",") && strings.LastIndexByte(before, '(') > strings.LastIndexByte(before, ')')
}

// bracketedUnit reports whether the n tokens at i are an item of a bracketed list that names an
// admin unit or its seat: in "Tchelol Bolol (Say, Tillaberi)", Say is a department, not the verb.
func (p *Parser) bracketedUnit(text string, toks []token, i, n int) bool {
	if !bracketed(text, toks[i].start) {
		return false
	}
	for _, c := range p.g.Lookup(text[toks[i].start:toks[i+n-1].end]) {
		switch c.Code {
		case "ADM1", "ADM2", "ADM3", "PPLC", "PPLA", "PPLA2", "PPLA3":
			return true // a unit, or the seat that names it
		}
	}
	return false
}

// tamasheqPrefix are the Tamasheq toponym prefixes ("place of"): Tin-, In-, Ti-, Tan-.
var tamasheqPrefix = map[string]bool{"tin": true, "in": true, "ti": true, "tan": true}

// apostropheBefore reports whether token k is glued to the one before it by an apostrophe.
func apostropheBefore(text string, toks []token, k int) bool {
	if k <= 0 || k >= len(toks) {
		return false
	}
	gap := text[toks[k-1].end:toks[k].start]
	return gap == "'" || gap == "’"
}

// elided reports whether token k is the lower-case rest of a word split by an apostrophe, "a" of
// "Jema'a", not a possessive "s".
func elided(text string, toks []token, k int) bool {
	return !toks[k].upper && toks[k].fold != "s" && apostropheBefore(text, toks, k)
}

// truncated reports whether the tokens are only part of a word joined by an apostrophe
// ("Jama" of "Jama'a"), other than a possessive 's.
func truncated(text string, toks []token, i, n int) bool {
	if j := i + n; apostropheBefore(text, toks, j) && toks[j].fold != "s" {
		return true
	}
	return apostropheBefore(text, toks, i) && len(toks[i-1].fold) > 2
}

// plausible applies the context filters to a gazetteer match of n tokens at i.
func (p *Parser) plausible(text string, toks []token, i, n int, bc *cue) bool {
	strong := bc != nil && strongCue[bc.label] || bc.namesUnit()
	ac := p.cueAfter(toks, i+n, text)
	adminAfter := ac.namesUnit()
	allCommon := true
	for k := i; k < i+n; k++ {
		if !p.common[toks[k].fold] && !particles[toks[k].fold] {
			allCommon = false
		}
	}
	if allCommon && !strong && !adminAfter && !p.bracketedUnit(text, toks, i, n) {
		return false
	}
	if strong || adminAfter {
		return true
	}
	// Inside a run of capitalised words on both sides it is a word of a name ("Multinational
	// Joint Task Force", "Ministry of Defence Mali"), not a place.
	if k := i + n; i > 0 && k < len(toks) && toks[i-1].upper && !toks[i-1].sentStart && toks[k].upper &&
		text[toks[i-1].end:toks[i].start] == " " && text[toks[k-1].end:toks[k].start] == " " && p.cueAfter(toks, k, text) == nil {
		return false
	}
	// A word before a number is a road marker or a unit's number: "Mile 12", "Sector 4" (but a
	// bracketed commune may be numbered: "(Dougoutene 2, Koro)").
	if k := i + n; k < len(toks) && unicode.IsDigit(rune(text[toks[k].start])) && text[toks[k-1].end:toks[k].start] == " " && !bracketed(text, toks[i].start) {
		return false
	}
	// A title before the name makes it a person: "President Bazoum", "General Tiani".
	if i > 0 && p.titles[toks[i-1].fold] && joinable(text[toks[i-1].end:toks[i].start]) {
		return false
	}
	// So does naming: "identified (only) as Ahmad", "a man named Musa".
	if i > 0 && !strings.ContainsAny(text[toks[i-1].end:toks[i].start], ".,;\n()") {
		switch prev := toks[i-1].fold; {
		case prev == "named" || prev == "nicknamed":
			return false
		case prev == "as" && i > 1 && (toks[i-2].fold == "identified" || i > 2 && toks[i-2].fold == "only" && toks[i-3].fold == "identified"):
			return false
		}
	}
	// A capitalised neighbour that is not part of the name makes it part of a person's or an
	// organisation's name: "Assimi Goita", "Amadou Kouffa", "Gao Football Club".
	if k := i + n; k < len(toks) && toks[k].upper && !toks[k].allUpper && !p.common[toks[k].fold] && !facilities[toks[k].fold] &&
		!settlementParts[toks[k].fold] && !p.compassPart(text, toks, k) && text[toks[k-1].end:toks[k].start] == " " && p.cueAfter(toks, k, text) == nil {
		return false
	}
	if i > 0 && toks[i-1].upper && !toks[i-1].allUpper && !toks[i-1].sentStart && !p.common[toks[i-1].fold] &&
		!settlementPrefix[toks[i-1].fold] && text[toks[i-1].end:toks[i].start] == " " {
		return false
	}
	return true
}

// settlementPrefix words name what kind of settlement the following name is: a Tiv compound
// ("Tse"), a Hausa junction ("Mararraba") or village ("Kauyen").
var settlementPrefix = map[string]bool{"tse": true, "mararraba": true, "mararraban": true, "mararrabar": true, "kauyen": true}

// settlementParts follow a village's name to tell apart its old and new sites or its quarters
// ("Diaca Velha", "Aldeia Nova", "Haguaye Peul", "Karidjo Kouara"): the name before them is the
// village's, not a person's.
var settlementParts = map[string]bool{"velha": true, "velho": true, "nova": true, "novo": true, "sede": true,
	"peul": true, "peulh": true, "kouara": true, "koira": true, "koara": true}

// compassPart reports whether token k is a compass word naming a part of the place before it,
// "Boki East": not the rest of a district's name the gazetteer lacks ("Akoko South LGA", "Isoko
// South Local Government Area"), whose first word may name a namesake elsewhere.
func (p *Parser) compassPart(text string, toks []token, k int) bool {
	if !compassParts[toks[k].fold] {
		return false
	}
	return !p.cueAfter(toks, k+1, text).namesUnit()
}

var compassParts = map[string]bool{"north": true, "south": true, "east": true, "west": true, "central": true}

// facilities are the words of an institution or site named after its town ("Ibadan University",
// "Maiduguri Teaching Hospital", "Kano Airport"): the town is a place there, unlike a person's
// surname after a given name.
var facilities = map[string]bool{"university": true, "polytechnic": true, "college": true, "airport": true, "prison": true,
	"market": true, "stadium": true, "barracks": true, "hospital": true, "teaching": true, "specialist": true, "general": true,
	"mosque": true, "cathedral": true, "central": true, "motor": true, "bridge": true, "junction": true, "highway": true,
	"expressway": true, "refinery": true, "port": true, "garrison": true, "cantonment": true, "township": true, "metropolis": true,
	"national": true, "school": true, "grammar": true, "secondary": true, "high": true, "police": true, "prisons": true, "palace": true}

// cueBefore finds the cue phrase ending right before token i (an article "the" may sit between).
// A name cue ("the town of") may itself follow a relational one ("60 km from the town of X",
// "fled to the village of X"): the relation decides the role and precision.
func (p *Parser) cueBefore(toks []token, i int, text string) *cue {
	c, at := p.cueEnding(toks, i, text)
	if c == nil || !strongCue[c.label] {
		return c
	}
	if outer, _ := p.cueEnding(toks, at, text); outer != nil && outer.role != "event" || outer != nil && outer.prec > c.prec {
		return outer
	}
	return c
}

// cueEnding finds the longest cue whose words end right before token i, skipping one "the", and
// returns it with the index of its first token.
func (p *Parser) cueEnding(toks []token, i int, text string) (*cue, int) {
	for skip := 0; skip <= 1; skip++ {
		end := i - skip
		if skip == 1 && (i-1 < 0 || i-1 >= len(toks) || toks[i-1].fold != "the") {
			continue
		}
		for ci := range p.before {
			c := &p.before[ci]
			k := len(c.words)
			if end-k < 0 {
				continue
			}
			ok := true
			for w := 0; w < k; w++ {
				tk := toks[end-k+w]
				if tk.fold != c.words[w] {
					ok = false
					break
				}
				// The cue must not straddle a sentence end: "...in. Gao".
				if w > 0 && strings.ContainsAny(text[toks[end-k+w-1].end:tk.start], ".;\n") {
					ok = false
					break
				}
			}
			// A cue word glued to the word before by an apostrophe ("Jama'at") is not a word.
			if ok && apostropheBefore(text, toks, end-k) {
				ok = false
			}
			if ok && i < len(toks) && !strings.ContainsAny(text[toks[end-1].end:toks[i].start], ".,;\n()") {
				return c, end - k
			}
		}
	}
	return nil, i
}

// cueAfter finds the cue phrase starting at token j.
func (p *Parser) cueAfter(toks []token, j int, text string) *cue {
	if j <= 0 || j >= len(toks) {
		return nil
	}
	if strings.ContainsAny(text[toks[j-1].end:toks[j].start], ".,;\n()") {
		return nil
	}
	for ci := range p.after {
		if c := &p.after[ci]; wordsAt(toks, j, c.words) {
			return c
		}
	}
	return nil
}

// wordsAt reports whether the tokens from k on are the folded words.
func wordsAt(toks []token, k int, words []string) bool {
	if k+len(words) > len(toks) {
		return false
	}
	for w, word := range words {
		if toks[k+w].fold != word {
			return false
		}
	}
	return true
}

// containerWords may stand between a place and the larger place it lies in: "Faladie district of
// Bamako", "Kadji, commune of Gounzoureye", "Gidan Goga of Maradun LGA", "Tassia in the Tillaberi
// region".
var containerWords = map[string]bool{"district": true, "neighbourhood": true, "neighborhood": true, "quarter": true, "suburb": true, "area": true, "commune": true, "village": true, "town": true, "locality": true, "part": true, "a": true, "the": true, "rural": true, "urban": true, "municipality": true, "department": true, "of": true, "in": true, "cercle": true, "circle": true, "province": true, "capital": true, "barracks": true, "community": true, "chiefdom": true, "emirate": true, "clan": true, "market": true}

// nameRest skips, from token j up to lim, the rest of a longer name the gazetteer matched only in
// part: capitalised words joined to the match.
func nameRest(text string, toks []token, j, lim int) int {
	for j < lim && toks[j].upper && !toks[j].allUpper && joinable(text[toks[j-1].end:toks[j].start]) {
		j++
	}
	return j
}

// linkContainers marks a mention followed, within a few container words, by "of"/"in" and another
// mention as lying inside it.
func linkContainers(text string, toks []token, rs []raw) {
	for k := 0; k+1 < len(rs); k++ {
		a, b := rs[k], rs[k+1]
		if b.isCtry || a.isCtry || b.i-a.j > 5 {
			continue
		}
		gap := text[toks[a.j-1].end:toks[b.i].start]
		if strings.ContainsAny(gap, ".;\n()") {
			continue
		}
		from := nameRest(text, toks, a.j, b.i) // "Efut Aka-Mboto in Calabar"
		ok, hasOf := true, false
		for t := from; t < b.i; t++ {
			f := toks[t].fold
			if !containerWords[f] {
				ok = false
				break
			}
			if f == "of" || f == "in" {
				hasOf = true
			}
		}
		// "Milemba neighbourhood, Mocimboa da Praia": a comma after the unit word reads as "of".
		hasOf = hasOf || b.i-a.j == 1 && strings.HasSuffix(strings.TrimSpace(gap), ",") && toks[a.j].fold != "a" && toks[a.j].fold != "the"
		if ok && hasOf {
			rs[k].within = k + 2
		}
	}
}

// describesPlace reports whether the n tokens at i are an adjective before "village of" and a
// name, "the Idoma village of Omusu", "a Fulani community of Bakin Kogi", rather than a place.
func describesPlace(toks []token, i, n int) bool {
	j := i + n
	if i == 0 || j+2 >= len(toks) || !articles[toks[i-1].fold] {
		return false
	}
	switch toks[j].fold {
	case "village", "villages", "town", "community", "communities", "settlement", "hamlet":
		return toks[j+1].fold == "of" && toks[j+2].upper
	}
	return false
}

// articles may introduce a description of a place.
var articles = map[string]bool{"the": true, "a": true, "an": true}

// linkAnaphoricUnits puts a place the text says lies "in the LGA" (or "in the state", "in the
// district") inside the last unit of that level named before it: "Udu village in the LGA" is in
// the Logo Local Government Area of the story's first sentence, not a Udu in another state.
func linkAnaphoricUnits(text string, toks []token, rs []raw) {
	for k := range rs {
		if rs[k].isCtry || rs[k].within > 0 || rs[k].inParen > 0 {
			continue
		}
		t := rs[k].j
		for t < len(toks) && t < rs[k].j+2 && containerWords[toks[t].fold] && toks[t].fold != "in" && toks[t].fold != "of" {
			t++ // "Udu village in the LGA"
		}
		if t+2 >= len(toks) || toks[t].fold != "in" || toks[t+1].fold != "the" || strings.ContainsAny(text[toks[rs[k].j-1].end:toks[t+2].start], ".;\n()") {
			continue
		}
		role := anaphoricUnits[toks[t+2].fold]
		if role == "" || t+3 < len(toks) && toks[t+3].fold == "of" {
			continue // "in the LGA of Bokkos" names its unit
		}
		for u := k - 1; u >= 0; u-- {
			if a := rs[u].after; a != nil && a.role == role && !rs[u].isCtry {
				rs[k].within = u + 1
				break
			}
		}
	}
}

// anaphoricUnits are the unit words that, after "in the", refer back to a unit named before, by
// the role of the cue that named it.
var anaphoricUnits = map[string]string{"lga": "admin2", "district": "admin2", "cercle": "admin2", "department": "admin2", "state": "admin1", "region": "admin1", "province": "admin1"}

// qualifiedByParen reports whether the name ending before token j is followed by bracketed
// capitalised names, "Tounte (Koutougou, Soum)", not an acronym "(JNIM)".
func qualifiedByParen(text string, toks []token, j int) bool {
	if j >= len(toks) {
		return false
	}
	gap := strings.TrimSpace(text[toks[j-1].end:toks[j].start])
	if gap != "(" {
		return false
	}
	return toks[j].upper && !toks[j].allUpper && len(toks[j].fold) > 3
}

// qualifiedByUnit reports whether the name ending before token j is followed by a comma and an
// admin unit named with its unit word: "Anyiin, Logo LGA", "Kakangi, Birnin Gwari district".
func (p *Parser) qualifiedByUnit(text string, toks []token, j int) bool {
	if j >= len(toks) || strings.TrimSpace(text[toks[j-1].end:toks[j].start]) != "," {
		return false
	}
	for k := j; k < len(toks) && k < j+3 && toks[k].upper; k++ {
		if k > j && !joinable(text[toks[k-1].end:toks[k].start]) {
			return false
		}
		if c := p.cueAfter(toks, k+1, text); c != nil {
			return c.namesUnit()
		}
	}
	return false
}

// unitNamed reports whether a mention's own last word is a unit word: "Soum Province", "Kaduna
// State", whose names the gazetteer holds whole.
func unitNamed(toks []token, r *raw) bool {
	if r.isCtry || r.j-r.i < 2 {
		return false
	}
	switch toks[r.j-1].fold {
	case "province", "region", "state", "district", "lga", "cercle", "department", "county", "prefecture":
		return true
	}
	return false
}

// nearWords may stand between a place and the place it is said to lie near: "Bilia, four
// kilometers south of Ayorou", "Djankata, located approximately 63km southwest of Lamorde Torodi".
var nearWords = map[string]bool{"located": true, "situated": true, "lying": true, "about": true, "approximately": true,
	"approx": true, "around": true, "some": true, "roughly": true, "nearly": true, "just": true, "only": true, "the": true,
	"a": true, "few": true, "km": true, "kms": true, "kilometers": true, "kilometres": true, "kilometer": true, "kilometre": true,
	"miles": true, "mile": true, "from": true, "of": true, "near": true, "nearby": true, "outside": true, "close": true,
	"to": true, "not": true, "far": true, "away": true, "vicinity": true, "in": true, "north": true, "south": true, "east": true,
	"west": true, "northeast": true, "northwest": true, "southeast": true, "southwest": true, "village": true, "town": true,
	"city": true, "locality": true}

// numberWords are the spelt-out distances of nearWords.
var numberWords = map[string]float64{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}

// notNear are the first words of "near" cues that relate a place to a route or a pair of places,
// not to the place before them: "between", "on the road to", "axis", "around".
var notNear = map[string]bool{"between": true, "road": true, "on": true, "axis": true, "around": true}

// linkNear marks a mention followed by a relation to the next one, "X, near Y" or "X, 20 km
// north of Y": X lies near Y, which tells X's namesakes apart and locates X when the gazetteer
// does not know it.
func linkNear(text string, toks []token, rs []raw) {
	for k := 0; k+1 < len(rs); k++ {
		a, b := &rs[k], &rs[k+1]
		if a.isCtry || b.isCtry || b.before == nil || b.i-a.j > 9 || b.i == a.j {
			continue
		}
		if c := b.before; c.role != "ref" && (c.label != "near" || notNear[c.words[0]]) {
			continue
		}
		gap := text[toks[a.j-1].end:toks[b.i].start]
		if strings.HasPrefix(strings.TrimLeft(gap, " "), "(") {
			gap = strings.TrimLeft(gap, " ")[1:] // "Dianweli (near Bandiougou)"
		}
		if strings.ContainsAny(gap, ".;\n()") {
			continue
		}
		from := nameRest(text, toks, a.j, b.i) // "Tina Ani near Gossi"
		ok, km := true, 0.0
		for t := from; t < b.i; t++ {
			f := toks[t].fold
			if n, err := strconv.ParseFloat(f, 64); err == nil {
				km = n
				continue
			}
			if n, isNum := numberWords[f]; isNum {
				km = n
				continue
			}
			if !nearWords[f] {
				ok = false
				break
			}
		}
		if ok {
			a.nearTo, a.nearKm = k+2, km
		}
	}
}

// linkCommaQualifiers treats "Koro, Mopti protested" like "Koro (Mopti)": a name followed by a
// comma and an admin unit's name that does not continue a list ("Gao, Kidal and Timbuktu").
func (p *Parser) linkCommaQualifiers(text string, toks []token, rs []raw) {
	for k := 0; k+1 < len(rs); k++ {
		a, b := &rs[k], &rs[k+1]
		if a.isCtry || len(a.paren) > 0 || b.inParen > 0 || b.i != a.j {
			continue
		}
		if strings.TrimSpace(text[toks[a.j-1].end:toks[b.i].start]) != "," {
			continue
		}
		unitAfter := b.after != nil && b.after.role != "event" || unitNamed(toks, b)
		if b.j < len(toks) && !unitAfter {
			// A list goes on with a name or a conjunction; a comma before a lower-case word closes
			// the apposition instead: "in Gajiram, Borno, on Sunday".
			if toks[b.j].fold == "and" || toks[b.j].fold == "or" || toks[b.j].upper {
				continue
			}
			if next := text[toks[b.j-1].end:toks[b.j].start]; strings.Contains(next, ",") && (strings.TrimSpace(next) != "," || !startsLower(text[toks[b.j].start:])) {
				continue
			}
		}
		qualifies := b.isCtry || unitAfter
		if !qualifies && b.known {
			for _, c := range p.g.Lookup(text[toks[b.i].start:toks[b.j-1].end]) {
				if c.Code == "ADM1" || c.Code == "ADM2" {
					qualifies = true
					break
				}
			}
		}
		if qualifies {
			a.paren = append(a.paren, gazetteer.Fold(trimUnitWord(text[toks[b.i].start:toks[b.j-1].end])))
			a.parenRaw = append(a.parenRaw, text[toks[b.i].start:toks[b.j-1].end])
			if !b.isCtry {
				b.inParen = k + 1
			}
		}
	}
}

// nationals are the nouns a country's name qualifies as a nationality.
var nationals = map[string]bool{"civilians": true, "nationals": true, "citizens": true, "soldiers": true, "troops": true,
	"army": true, "forces": true, "military": true, "herders": true, "refugees": true, "migrants": true, "traders": true,
	"national": true, "government": true, "authorities": true, "police": true, "gendarmes": true, "embassy": true}

// unitWords may follow a place's name before its bracketed units.
var unitWords = map[string]bool{"village": true, "town": true, "city": true, "area": true, "community": true, "camp": true,
	"district": true, "locality": true, "neighbourhood": true, "neighborhood": true, "market": true, "ward": true,
	"island": true, "islands": true, "post": true, "hamlet": true, "settlement": true, "quarter": true, "region": true}

// trimUnitWord drops a trailing unit word from a bracketed unit: "Abadam LGA" is Abadam.
func trimUnitWord(s string) string {
	for _, w := range []string{" Local Government Area", " LGA", " L.G.A.", " State", " Region", " Province", " District", " County", " Department", " Cercle", " Commune"} {
		if len(s) > len(w) && strings.EqualFold(s[len(s)-len(w):], w) {
			return strings.TrimSpace(s[:len(s)-len(w)])
		}
	}
	return s
}

// linkParens finds "Name (A, B)" qualifiers, ACLED's "in Kadji (Gao, Gao)": the folded parts are
// kept on the outer mention and mentions inside the brackets are marked as its qualifiers. It
// returns rs without the mentions that turned out to be the rest of a longer name.
func (p *Parser) linkParens(text string, toks []token, rs []raw) []raw {
	starts := map[int]int{} // token -> mention index+1
	for k, r := range rs {
		starts[r.i] = k + 1
	}
	tail := map[int]bool{} // mentions that are the rest of the name before them
	for k := range rs {
		if tail[k] {
			continue
		}
		end := toks[rs[k].j-1].end
		j := rs[k].j
		// The rest of a longer name the gazetteer matched only in part ("Maloum-Djori (Gueskerou,
		// Diffa)", "Dan Toukouyou (Guidan Roumdji, Maradi)"): the brackets qualify the whole
		// name, even where the gazetteer knows its second word as a place of its own.
		next := -1
		for n := 0; n < 2 && j < len(toks) && toks[j].upper && !toks[j].allUpper && !unitWords[toks[j].fold] && (starts[j] == 0 || n == 0) && (text[end:toks[j].start] == "-" || text[end:toks[j].start] == " "); n++ {
			if starts[j] > 0 {
				next = starts[j] - 1 // only the first word after the match may be a mention of its own
			}
			end = toks[j].end
			j++
		}
		// A unit word may stand between: "Akuse town (Lower Manya Krobo, Eastern)".
		if j < len(toks) && unitWords[toks[j].fold] && text[end:toks[j].start] == " " {
			end = toks[j].end
		}
		after := text[end:]
		trimmed := strings.TrimLeft(after, " ")
		if !strings.HasPrefix(trimmed, "(") {
			continue
		}
		if next >= 0 {
			tail[next] = true
		}
		open := end + len(after) - len(trimmed)
		cl := strings.IndexByte(text[open:], ')')
		if cl < 0 || cl > 120 {
			continue
		}
		inner := text[open+1 : open+cl]
		// Not split on "/": Nigerian LGAs are named so ("Ohaji/Egbema", "Kolokuma/Opokuma").
		parts := strings.FieldsFunc(inner, func(r rune) bool { return r == ',' || r == ';' })
		if len(parts) > 3 || len(inner) > 60 || startsLower(inner) {
			continue // a remark in brackets ("near Bandiougou", "coordinates approx"), not admin units
		}
		for _, part := range parts {
			part = trimUnitWord(strings.TrimSpace(part))
			if f := gazetteer.Fold(part); f != "" {
				rs[k].paren = append(rs[k].paren, f)
				rs[k].parenRaw = append(rs[k].parenRaw, part)
			}
		}
		for q := k + 1; q < len(rs); q++ {
			if toks[rs[q].i].start > open+cl {
				break
			}
			if toks[rs[q].i].start > open {
				rs[q].inParen = k + 1
			}
		}
	}
	if len(tail) == 0 {
		return rs
	}
	return withoutRelinked(rs, func(k int) bool { return !tail[k] }, func(r *raw) *raw { return r })
}

// pieceOfCompound reports whether the n tokens at i are one piece of a hyphenated name whose pieces
// the gazetteer knows only far apart: "Odi-Olowo area of Lagos" is neither Odi in Delta nor
// Olowo in Ogun, and "Mbulu-Owo" no Owo. Two neighbouring places joined by a hyphen are a road
// or a pair ("Ngala-Dikwa road", "the axis Djibo-Arbinda"), and a piece
// no gazetteer knows is a quarter's or people's suffix ("Tagourou-Peulh"); a bracketed qualifier
// after the name decides among the pieces' namesakes ("Nene-Leye (Bandiagara, Mopti)").
func (p *Parser) pieceOfCompound(text string, toks []token, i, n int) bool {
	glued := func(k int) bool { // token k joined to k+1 by a hyphen, both capitalised
		return k >= 0 && k+1 < len(toks) && text[toks[k].end:toks[k+1].start] == "-" && toks[k].upper && toks[k+1].upper
	}
	if !glued(i-1) && !glued(i+n-1) {
		return false
	}
	a, b := i, i+n-1
	for glued(a - 1) {
		a--
	}
	for glued(b) {
		b++
	}
	for k := max(0, a-2); k < a; k++ {
		if compoundBefore[toks[k].fold] {
			return false
		}
	}
	if b+1 < len(toks) && strings.TrimSpace(text[toks[b].end:toks[b+1].start]) == "(" {
		return false
	}
	for k := b + 1; k < len(toks) && k <= b+3; k++ {
		if compoundAfter[toks[k].fold] {
			return false
		}
	}
	var pieces [][]gazetteer.Place
	for k := a; k <= b; k++ {
		if c := p.g.Lookup(text[toks[k].start:toks[k].end]); len(c) > 0 {
			pieces = append(pieces, c)
		}
	}
	for x := 0; x+1 < len(pieces); x++ {
		if !anyNear(pieces[x], pieces[x+1], compoundKm) {
			return true
		}
	}
	return false
}

// compoundKm is how far apart the places a hyphen joins into a road or pair may lie.
const compoundKm = 150

// compoundBefore and compoundAfter are the words around a hyphenated name that make it a route
// or a pair of places rather than one name.
var (
	compoundBefore = map[string]bool{"between": true, "axis": true, "road": true, "from": true, "route": true, "highway": true}
	compoundAfter  = map[string]bool{"road": true, "roads": true, "highway": true, "axis": true, "expressway": true, "route": true, "border": true, "corridor": true, "boundary": true, "junction": true, "stretch": true, "bridge": true, "track": true, "trunk": true}
)

// anyNear reports whether some place of as lies within km of some place of bs in the same country.
func anyNear(as, bs []gazetteer.Place, km float64) bool {
	for _, a := range as {
		for _, b := range bs {
			if a.Country == b.Country && gazetteer.DistanceKm(a.Lat, a.Lon, b.Lat, b.Lon) < km {
				return true
			}
		}
	}
	return false
}
