package toll

import (
	"math"
	"regexp"
	"strconv"
	"strings"
)

var digitsRE = regexp.MustCompile(`^(\d{1,3}(?:[,\x{00a0} ]\d{3})+|\d+)(?:\.(\d+))?(?:\s*(million|thousand|hundred|dozen|m|k))?$`)

// ParseNumber reads a cardinal number written in digits ("21", "2,600", "1.5 million") or words
// ("eleven", "twenty-one", "a dozen", "two hundred and fifty", French "vingt et un", Portuguese
// "vinte e um"). A fraction without a multiplier ("1.5") is not a count and fails.
func ParseNumber(s string) (n int, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimRight(s, ".,;:")
	if s == "" || len(s) > 80 {
		return 0, false
	}
	if m := digitsRE.FindStringSubmatch(s); m != nil {
		whole := strings.NewReplacer(",", "", "\u00a0", "", " ", "").Replace(m[1])
		v, err := strconv.ParseFloat(whole+"."+m[2]+"0", 64)
		if err != nil {
			return 0, false
		}
		mult := 1.0
		switch m[3] {
		case "million", "m":
			mult = 1e6
		case "thousand", "k":
			mult = 1e3
		case "hundred":
			mult = 100
		case "dozen":
			mult = 12
		}
		v *= mult
		if m[2] != "" && v != math.Trunc(v) || v > 1e10 {
			return 0, false
		}
		return int(v), true
	}
	return parseWords(s)
}

// parseWords reads a number written in words.
func parseWords(s string) (int, bool) {
	l := lex()
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '\u00a0' })
	total, current, seen := 0, 0, false
	for i, w := range words {
		switch w {
		case "and", "et", "e":
			if i == 0 || i == len(words)-1 {
				return 0, false
			}
			continue
		}
		v, ok := l.numbers[w]
		if !ok {
			return 0, false
		}
		switch {
		case w == "dozen":
			current = max(current, 1) * 12
		case w == "hundred" || w == "cent" || w == "cents" || w == "cem" || w == "cento":
			if w == "cento" {
				current += 100
			} else {
				current = max(current, 1) * 100
			}
		case v >= 1000:
			total += max(current, 1) * v
			current = 0
		case (w == "vingt" || w == "vingts") && current >= 2 && current <= 4: // quatre-vingt(s)
			current *= 20
		case (w == "a" || w == "an" || w == "un" || w == "une" || w == "um" || w == "uma") && i < len(words)-1:
			current += 1
		default:
			if (w == "a" || w == "an") && i == len(words)-1 {
				return 0, false
			}
			current += v
		}
		seen = true
	}
	if !seen {
		return 0, false
	}
	return total + current, true
}
