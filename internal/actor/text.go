package actor

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of the text, folded for matching, with its byte span in the original text.
type token struct {
	start, end int
	norm       string // lowercase, accents removed, inner apostrophes dropped
	upper      bool   // every letter of the original is upper case (acronyms: JNIM, MSA)
	title      bool   // the original starts with a capital
}

// foldRune lowercases and strips the accents the press of the region uses (French, Portuguese), so
// that "État" and "Etat", "Jama’at" and "Jamaat" meet.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā':
		return 'a'
	case 'ç', 'ć', 'č':
		return 'c'
	case 'è', 'é', 'ê', 'ë', 'ē':
		return 'e'
	case 'ì', 'í', 'î', 'ï', 'ī':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō':
		return 'o'
	case 'ù', 'ú', 'û', 'ü', 'ū':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	}
	return r
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == '‘' || r == 'ʼ' || r == '`' }

// tokenize splits text[start:end] into words. Letters and digits make words; an apostrophe between
// two letters is dropped (Jama'at → jamaat); anything else separates words (al-Islam → al islam).
func tokenize(text string, start, end int) []token {
	var toks []token
	var b strings.Builder
	tokStart := -1
	upper, hasLetter := true, false
	flush := func(at int) {
		if tokStart >= 0 {
			first, _ := utf8.DecodeRuneInString(text[tokStart:at])
			toks = append(toks, token{start: tokStart, end: at, norm: b.String(), upper: upper && hasLetter, title: unicode.IsUpper(first)})
		}
		b.Reset()
		tokStart = -1
		upper, hasLetter = true, false
	}
	for i := start; i < end; {
		r, size := utf8.DecodeRuneInString(text[i:end])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if tokStart < 0 {
				tokStart = i
			}
			if unicode.IsLetter(r) {
				hasLetter = true
				if !unicode.IsUpper(r) {
					upper = false
				}
			}
			b.WriteRune(foldRune(r))
		case isApostrophe(r) && tokStart >= 0 && i+size < end:
			// Keep the word going only when a letter follows: "Jama'at" is one word, "soldiers'" ends.
			next, _ := utf8.DecodeRuneInString(text[i+size : end])
			if !unicode.IsLetter(next) {
				flush(i)
			}
		default:
			flush(i)
		}
		i += size
	}
	flush(end)
	return toks
}

// normKey folds a phrase into the key the index uses: its words joined by single spaces.
func normKey(s string) string {
	toks := tokenize(s, 0, len(s))
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.norm
	}
	return strings.Join(parts, " ")
}

// isAcronym reports whether an alias is written in capitals (JNIM, MSA): such aliases only match text
// in capitals, so that "and", "apc" or "msa" in running text do not become actors.
func isAcronym(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return letters >= 2 && letters <= 8
}
