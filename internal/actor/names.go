package actor

import (
	"regexp"
	"strings"
	"time"
)

// eraRe splits ACLED's state names: "Military Forces of Mali (2013-2020) Gendarmerie" → kind
// "Military Forces", country "Mali", era "(2013-2020)", branch " Gendarmerie".
var eraRe = regexp.MustCompile(`^(Military Forces|Police Forces|Government) of (.+?) (\(\d{4}-(?:\d{4})?\))(.*)$`)

// stateRe matches a state name written without its era ("Military Forces of Mali").
var stateRe = regexp.MustCompile(`^(Military Forces|Police Forces|Government) of (.+)$`)

// eraSlot stands for the era in names kept era-free; Resolve fills it from the event's date.
const eraSlot = "(*)"

// stripEra replaces the era of a state name with eraSlot and reports kind and country; other names
// come back unchanged with empty kind.
func stripEra(name string) (plain, kind, country, era string) {
	m := eraRe.FindStringSubmatch(name)
	if m == nil {
		return name, "", "", ""
	}
	return m[1] + " of " + m[2] + " " + eraSlot + m[4], m[1], m[2], m[3]
}

// slotState gives a hand-written state name ("Military Forces of Mali") its era slot.
func slotState(name string) string {
	if strings.Contains(name, eraSlot) || eraRe.MatchString(name) {
		return name
	}
	if m := stateRe.FindStringSubmatch(name); m != nil {
		return name + " " + eraSlot
	}
	return name
}

// stateOf returns kind and country of an era-slotted state name.
func stateOf(name string) (kind, country string) {
	i := strings.Index(name, " "+eraSlot)
	if i < 0 {
		return "", ""
	}
	m := stateRe.FindStringSubmatch(name[:i])
	if m == nil {
		return "", ""
	}
	return m[1], strings.TrimPrefix(m[2], "the ")
}

// genericClassName reports names ACLED builds from a class and a country (Civilians (Mali),
// Unidentified Armed Group (Niger), Protesters (Kenya)): they are produced from generic words, never
// matched as names.
func genericClassName(name string) bool {
	for _, p := range []string{"Civilians (", "Protesters (", "Rioters (", "Unidentified ", "Military Forces of ", "Police Forces of ", "Government of "} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// parseDay reads ACLED's and our YYYY-MM-DD dates.
func parseDay(s string) time.Time {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t
}

func dayString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// interOfName guesses the inter code of a name never seen as actor1/actor2 from its form.
func interOfName(name string) int {
	switch {
	case strings.HasPrefix(name, "Military Forces"), strings.HasPrefix(name, "Police Forces"), strings.HasPrefix(name, "Government of "):
		return 1
	case strings.HasPrefix(name, "Civilians"):
		return 7
	case strings.HasPrefix(name, "Protesters"):
		return 6
	case strings.HasPrefix(name, "Rioters"):
		return 5
	case strings.Contains(name, "Ethnic Militia"), strings.Contains(name, "Communal Militia"), strings.Contains(name, "Clan Militia"):
		return 4
	case strings.HasPrefix(name, "Unidentified Armed Group"):
		return 3
	}
	return 0
}

// derivedForms lists the surface forms a learned ACLED name is written with in news text:
// "JNIM: Group for Support of Islam and Muslims" → "JNIM", "Group for Support of Islam and Muslims";
// "Fulani Ethnic Militia (Nigeria)" → "Fulani militia", "Fulani militiamen", ...
func derivedForms(name string, countries map[string]bool) []string {
	if genericClassName(name) || strings.Contains(name, " and/or ") || strings.HasPrefix(name, "Former ") || strings.HasPrefix(name, "Mutiny of ") {
		return nil
	}
	base := name
	if i := strings.LastIndex(base, " ("); i > 0 && strings.HasSuffix(base, ")") {
		inner := base[i+2 : len(base)-1]
		if countries[inner] || eraLabelRe.MatchString("("+inner+")") || inner == "International" {
			base = base[:i]
		}
	}
	for _, kind := range []string{" Ethnic Militia", " Communal Militia", " Clan Militia", " Cult Militia"} {
		if strings.HasSuffix(base, kind) {
			x := strings.TrimSuffix(base, kind)
			if strings.HasPrefix(x, "Unidentified") {
				return nil
			}
			forms := []string{base, x + " militia", x + " militias", x + " militiamen", x + kind}
			if kind == " Ethnic Militia" {
				// News names an ethnic militia by its people: "Fulanis attacked", "Fulani herdsmen".
				for _, w := range []string{"", "s", " community", " communities", " herdsmen", " herders", " gunmen", " fighters", " militants", " attackers", " assailants", " youths", " vigilantes"} {
					forms = append(forms, x+w)
				}
			}
			return forms
		}
	}
	for _, kind := range []string{" Ethnic Group", " Communal Group", " Clan Group", " Group", "Workers"} {
		if strings.HasSuffix(base, kind) {
			return nil
		}
	}
	if countries[base] || len(base) < 3 {
		return nil
	}
	var out []string
	if i := strings.Index(base, ": "); i > 0 {
		abbr, long := base[:i], base[i+2:]
		if len(abbr) >= 3 || isAcronym(abbr) {
			out = append(out, abbr)
		}
		out = append(out, long)
		return out
	}
	// Names made of one plain word and a qualifier (Pastoralists (Mali), Women (International)) are
	// classes of people, not groups.
	if !strings.Contains(base, " ") && !isAcronym(base) && base != name {
		return nil
	}
	return append(out, base)
}

var eraLabelRe = regexp.MustCompile(`^\(\d{4}-(?:\d{4})?\)$`)
