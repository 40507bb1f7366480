package toll

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tok is one word or punctuation mark of a sentence, with byte offsets into the document text.
type tok struct {
	start, end int
	w          string // lower case
	raw        string
	punct      bool
}

func isQuote(r rune) bool {
	switch r {
	case '"', '“', '”', '«', '»', '‘':
		return true
	}
	return false
}

// tokenize splits text[start:end] into words and punctuation. Inner ",", "." join digits ("2,600",
// "1.5"); inner "-", "'" and "’" join words ("twenty-one", "Russia’s"). Quotation marks are dropped
// when dropQuotes is set: a figure reads the same inside or outside quotes.
func tokenize(text string, start, end int, dropQuotes bool) []tok {
	var out []tok
	i := start
	for i < end {
		r, n := utf8.DecodeRuneInString(text[i:end])
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			j := i + n
			for j < end {
				r2, n2 := utf8.DecodeRuneInString(text[j:end])
				if unicode.IsLetter(r2) || unicode.IsDigit(r2) {
					j += n2
					continue
				}
				if j+n2 < end {
					prev, _ := utf8.DecodeLastRuneInString(text[i:j])
					next, _ := utf8.DecodeRuneInString(text[j+n2 : end])
					joinDigits := (r2 == ',' || r2 == '.') && unicode.IsDigit(prev) && unicode.IsDigit(next)
					joinWords := (r2 == '-' || r2 == '\'' || r2 == '’') && (unicode.IsLetter(next) || unicode.IsDigit(next)) && (unicode.IsLetter(prev) || unicode.IsDigit(prev))
					if joinDigits || joinWords {
						j += n2
						continue
					}
				}
				break
			}
			raw := text[i:j]
			out = append(out, tok{start: i, end: j, w: strings.ToLower(raw), raw: raw})
			i = j
		case unicode.IsSpace(r):
			i += n
		case r == '’' || r == '\'':
			i += n // stray apostrophes carry nothing
		case isQuote(r) && dropQuotes:
			i += n
		default:
			raw := text[i : i+n]
			out = append(out, tok{start: i, end: i + n, w: raw, raw: raw, punct: true})
			i += n
		}
	}
	return out
}

// words returns the lower-case words of toks[i:j].
func words(toks []tok, i, j int) string {
	var b strings.Builder
	for k := i; k < j && k < len(toks); k++ {
		if k > i {
			b.WriteByte(' ')
		}
		b.WriteString(toks[k].w)
	}
	return b.String()
}

// matchAt returns the number of tokens of the longest phrase of set that starts at toks[i].
func matchAt(toks []tok, i int, set map[string]string, maxLen int) (int, string) {
	for n := min(maxLen, len(toks)-i); n >= 1; n-- {
		if v, ok := set[words(toks, i, i+n)]; ok {
			return n, v
		}
	}
	return 0, ""
}

// matchEnding returns the number of tokens of the longest phrase of set that ends just before toks[i].
func matchEnding(toks []tok, i int, set map[string]string, maxLen int) (int, string) {
	for n := min(maxLen, i); n >= 1; n-- {
		if v, ok := set[words(toks, i-n, i)]; ok {
			return n, v
		}
	}
	return 0, ""
}
