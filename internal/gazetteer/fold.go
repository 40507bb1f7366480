package gazetteer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns the index key of a place name: lower case, Latin diacritics stripped, and every
// character that is not a letter or digit (spaces, hyphens, apostrophes, dots...) removed, so that
// spelling variants of one name meet: Fold("Ti-n-Zaouâtene") == Fold("Tinzaouatene"),
// Fold("Faladié") == Fold("Faladie"). Letters of other scripts are lower-cased and kept.
func Fold(s string) string {
	// Fast path: already folded ASCII (the common case for index lookups of n-grams).
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				b.WriteByte(c)
			case c >= 'A' && c <= 'Z':
				b.WriteByte(c + 'a' - 'A')
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		// Lower case first, so a capital that foldRune does not list ('Ɑ') meets its small letter.
		r = unicode.ToLower(r)
		if f := foldRune(r); f != "" {
			b.WriteString(f)
			continue
		}
		switch {
		case unicode.In(r, unicode.Mn, unicode.Me):
			// combining accents of decomposed text: drop
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Tokens counts the name's tokens as the index sees them: runs of letters and digits. MaxTokens
// is measured in the same unit.
func Tokens(s string) int {
	n, in := 0, false
	for _, r := range s {
		word := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn)
		if word && !in {
			n++
		}
		in = word
	}
	return n
}

// foldRune maps precomposed Latin letters (Latin-1, Extended-A/B, the Vietnamese and other
// Extended Additional forms common in African place names) to their ASCII base letters.
func foldRune(r rune) string {
	if r < 0xC0 {
		return ""
	}
	switch r {
	case 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'à', 'á', 'â', 'ã', 'ä', 'å', 'Ā', 'ā', 'Ă', 'ă', 'Ą', 'ą',
		'Ǎ', 'ǎ', 'Ǻ', 'ǻ', 'Ȁ', 'ȁ', 'Ȃ', 'ȃ', 'Ạ', 'ạ', 'Ả', 'ả', 'Ấ', 'ấ', 'Ầ', 'ầ', 'Ậ', 'ậ', 'Ắ', 'ắ', 'Ằ', 'ằ', 'ɑ':
		return "a"
	case 'Æ', 'æ', 'Ǽ', 'ǽ':
		return "ae"
	case 'Ç', 'ç', 'Ć', 'ć', 'Ĉ', 'ĉ', 'Ċ', 'ċ', 'Č', 'č', 'Ƈ', 'ƈ':
		return "c"
	case 'Ð', 'ð', 'Ď', 'ď', 'Đ', 'đ', 'Ɗ', 'ɗ', 'Ḍ', 'ḍ':
		return "d"
	case 'È', 'É', 'Ê', 'Ë', 'è', 'é', 'ê', 'ë', 'Ē', 'ē', 'Ĕ', 'ĕ', 'Ė', 'ė', 'Ę', 'ę', 'Ě', 'ě',
		'Ȅ', 'ȅ', 'Ȇ', 'ȇ', 'Ẹ', 'ẹ', 'Ẻ', 'ẻ', 'Ẽ', 'ẽ', 'Ế', 'ế', 'Ề', 'ề', 'Ệ', 'ệ', 'Ɛ', 'ɛ', 'Ǝ', 'ǝ', 'Ə', 'ə':
		return "e"
	case 'Ĝ', 'ĝ', 'Ğ', 'ğ', 'Ġ', 'ġ', 'Ģ', 'ģ', 'Ǧ', 'ǧ', 'Ɠ', 'ɠ':
		return "g"
	case 'Ĥ', 'ĥ', 'Ħ', 'ħ', 'Ḥ', 'ḥ':
		return "h"
	case 'Ì', 'Í', 'Î', 'Ï', 'ì', 'í', 'î', 'ï', 'Ĩ', 'ĩ', 'Ī', 'ī', 'Ĭ', 'ĭ', 'Į', 'į', 'İ', 'ı',
		'Ǐ', 'ǐ', 'Ȉ', 'ȉ', 'Ȋ', 'ȋ', 'Ị', 'ị', 'Ỉ', 'ỉ', 'Ɨ', 'ɨ':
		return "i"
	case 'Ĳ', 'ĳ':
		return "ij"
	case 'Ĵ', 'ĵ', 'ǰ':
		return "j"
	case 'Ķ', 'ķ', 'Ƙ', 'ƙ', 'Ǩ', 'ǩ':
		return "k"
	case 'Ĺ', 'ĺ', 'Ļ', 'ļ', 'Ľ', 'ľ', 'Ŀ', 'ŀ', 'Ł', 'ł':
		return "l"
	case 'Ñ', 'ñ', 'Ń', 'ń', 'Ņ', 'ņ', 'Ň', 'ň', 'ŉ', 'Ŋ', 'ŋ', 'Ǹ', 'ǹ', 'Ɲ', 'ɲ':
		return "n"
	case 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', 'Ø', 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'Ō', 'ō', 'Ŏ', 'ŏ', 'Ő', 'ő',
		'Ơ', 'ơ', 'Ǒ', 'ǒ', 'Ǿ', 'ǿ', 'Ȍ', 'ȍ', 'Ȏ', 'ȏ', 'Ọ', 'ọ', 'Ỏ', 'ỏ', 'Ố', 'ố', 'Ồ', 'ồ', 'Ộ', 'ộ', 'Ɔ', 'ɔ':
		return "o"
	case 'Œ', 'œ':
		return "oe"
	case 'Ŕ', 'ŕ', 'Ŗ', 'ŗ', 'Ř', 'ř', 'Ȑ', 'ȑ', 'Ȓ', 'ȓ':
		return "r"
	case 'Ś', 'ś', 'Ŝ', 'ŝ', 'Ş', 'ş', 'Š', 'š', 'Ș', 'ș', 'Ṣ', 'ṣ', 'ſ':
		return "s"
	case 'ß', 'ẞ':
		return "ss"
	case 'Ţ', 'ţ', 'Ť', 'ť', 'Ŧ', 'ŧ', 'Ț', 'ț', 'Ṭ', 'ṭ':
		return "t"
	case 'Þ', 'þ':
		return "th"
	case 'Ù', 'Ú', 'Û', 'Ü', 'ù', 'ú', 'û', 'ü', 'Ũ', 'ũ', 'Ū', 'ū', 'Ŭ', 'ŭ', 'Ů', 'ů', 'Ű', 'ű', 'Ų', 'ų',
		'Ư', 'ư', 'Ǔ', 'ǔ', 'Ǖ', 'ǖ', 'Ǘ', 'ǘ', 'Ǚ', 'ǚ', 'Ǜ', 'ǜ', 'Ȕ', 'ȕ', 'Ȗ', 'ȗ', 'Ụ', 'ụ', 'Ủ', 'ủ':
		return "u"
	case 'Ŵ', 'ŵ', 'Ẁ', 'ẁ', 'Ẃ', 'ẃ', 'Ẅ', 'ẅ':
		return "w"
	case 'Ý', 'ý', 'ÿ', 'Ÿ', 'Ŷ', 'ŷ', 'Ƴ', 'ƴ', 'Ỳ', 'ỳ', 'Ỹ', 'ỹ':
		return "y"
	case 'Ź', 'ź', 'Ż', 'ż', 'Ž', 'ž', 'Ƶ', 'ƶ':
		return "z"
	}
	return ""
}

// isLatinName reports whether an alternate name is written in Latin script (plus digits and
// punctuation): other scripts are dropped from the default set to keep it compact.
func isLatinName(s string) bool {
	letters := 0
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				letters++
			}
		case unicode.Is(unicode.Latin, r):
			letters++
		case unicode.IsLetter(r):
			return false
		}
	}
	return letters > 0
}
