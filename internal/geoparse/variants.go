package geoparse

import (
	"slices"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// variants lists spellings of a folded name that transliteration commonly produces for the same
// West African place: a vowel dropped or swapped ("Boulikessi"/"Boulkessi"), French and English
// renderings ("ou"/"u"/"w", "dj"/"j", "tch"/"ch"), doubled letters and a final "e". The parser
// probes the gazetteer with them only when the exact name fails the story.
func variants(f string) []string {
	seen := map[string]bool{f: true}
	var out []string
	add := func(v string) {
		if len(v) >= 4 && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	isVowel := func(b byte) bool { return strings.IndexByte("aeiouy", b) >= 0 }
	for i := 1; i < len(f); i++ {
		if isVowel(f[i]) {
			add(f[:i] + f[i+1:])
			for _, v := range "aeiou" {
				if byte(v) != f[i] {
					add(f[:i] + string(v) + f[i+1:])
				}
			}
		} else if i > 0 && !isVowel(f[i-1]) && i+1 < len(f) {
			// Insert a vowel into a consonant cluster: "Boulkessi" -> "Boulikessi".
			for _, v := range "aeiou" {
				add(f[:i] + string(v) + f[i:])
			}
		}
		if f[i] == f[i-1] {
			add(f[:i] + f[i+1:])
		}
	}
	for i := 0; i+1 < len(f); i++ {
		if f[i] != f[i+1] {
			add(f[:i] + string(f[i+1]) + string(f[i]) + f[i+2:]) // "Kastina" for Katsina
		}
	}
	for _, r := range [][2]string{{"ou", "u"}, {"u", "ou"}, {"w", "ou"}, {"ou", "w"}, {"dj", "j"}, {"j", "dj"}, {"tch", "ch"}, {"ch", "tch"}, {"y", "i"}, {"i", "y"}, {"kh", "k"}, {"gh", "g"}, {"sh", "ch"}, {"ch", "sh"}, {"c", "k"}, {"k", "c"}} {
		for i := strings.Index(f, r[0]); i >= 0; {
			add(f[:i] + r[1] + f[i+len(r[0]):])
			j := strings.Index(f[i+1:], r[0])
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	if strings.HasSuffix(f, "e") {
		add(f[:len(f)-1])
	} else {
		add(f + "e")
	}
	return out
}

// addUnitRespellings gives a name the text calls a district or state ("Magadali Local Government
// Area", "Isiala Mbala LGA", "Tafawa LGA") that no such unit of the story's country bears the
// units spelt closely: one letter off in a short name, two in a long one, or a longer name that
// starts with it (Tafawa Balewa). Unit names are few, so a misspelling seldom lands on another.
func (d *Doc) addUnitRespellings() {
	if d.focus == "" {
		return
	}
	for i := range d.ms {
		m := &d.ms[i]
		a := m.r.after
		if m.Kind == "country" || a == nil || a.role != "admin1" && a.role != "admin2" || len(m.folded) < 4 {
			continue
		}
		if slices.ContainsFunc(m.cands, func(c gazetteer.Place) bool { return c.Country == d.focus && unitNamedAs(m, c) }) {
			continue
		}
		for _, u := range d.p.units(d.focus) {
			if unitNamedAs(m, u) && unitRespelt(m.folded, gazetteer.Fold(u.Name)) {
				m.cands = append(m.cands, u) // after the names as written: a respelling
			}
		}
	}
}

// unitRespelt reports whether f, a unit's name as a text spells it, may stand for the unit named
// u (both folded).
func unitRespelt(f, u string) bool {
	if len(f) >= 5 && len(u) >= len(f)+3 && strings.HasPrefix(u, f) {
		return true // the first word of a longer name (folding drops the space)
	}
	limit := 1
	if len(f) >= 7 {
		limit = 2
	}
	return gazetteer.EditDistance(f, u, limit+1) <= limit
}

// units returns the first- and second-order admin units of a country, gathered once per parser.
func (p *Parser) units(country string) []gazetteer.Place {
	if us, ok := p.unitLists.Load(country); ok {
		return us.([]gazetteer.Place)
	}
	us := p.g.Units(country)
	p.unitLists.Store(country, us)
	return us
}
