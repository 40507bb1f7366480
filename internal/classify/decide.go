package classify

import (
	"slices"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// Lexicon categories that name a sub-event type: when one is in the text, Decide favours that sub-type
// within the chosen type.
var categorySub = map[string]string{
	"air":          "Air/drone strike",
	"ied":          "Remote explosive/landmine/IED",
	"suicide":      "Suicide bomb",
	"shelling":     "Shelling/artillery/missile attack",
	"grenade":      "Grenade",
	"chemical":     "Chemical weapon",
	"abduction":    "Abduction/forced disappearance",
	"sexual":       "Sexual violence",
	"seize":        "Non-state actor overtakes territory",
	"retake":       "Government regains territory",
	"arrest":       "Arrests",
	"looting":      "Looting/property destruction",
	"defuse":       "Disrupted weapons use",
	"agreement":    "Agreement",
	"base":         "Headquarters or base established",
	"intervention": "Protest with intervention",
	"excessive":    "Excessive force against protesters",
	"mob":          "Mob violence",
}

// remoteCategories are the means of violence at a distance: with one of them, an attack on civilians
// or on an armed group stays Explosions/Remote violence.
var remoteCategories = []string{"air", "ied", "suicide", "shelling", "grenade", "chemical"}

// Weights of the decision rules, chosen by cross-validation on the ACLED development records.
const (
	// excluded is the factor on a type the cues rule out (not zero: the cues may be wrong).
	excluded = 0.02
	// subBoost multiplies the probability of a sub-type whose lexicon category is in the text.
	subBoost = 4.0
)

// Decide classifies a text from its words and the cues the coder knows from actor resolution:
// rioters → Riots; protesters → Protests; civilians as the only target rule out Battles and Protests
// (an attack on civilians is Violence against civilians unless by remote means); an armed target rules
// out Violence against civilians (armed against armed is a Battle unless by remote means). Within the
// type, a sub-event type named by the cue lexicon ("drone" → Air/drone strike, "kidnapped" →
// Abduction/forced disappearance, "retook" → Government regains territory...) is favoured.
func (m *Model) Decide(text string, c Cues) Prediction {
	pt, ps := m.scores(text)
	cats := m.lex.match(tokenize(StripRemarks(text)))
	m.applyCues(pt, cats, c)
	for _, cat := range cats {
		if sub, ok := categorySub[cat]; ok {
			if i := slices.Index(m.subs, sub); i >= 0 {
				ps[i] *= subBoost
			}
		}
	}
	return m.choose(pt, ps)
}

func (m *Model) applyCues(pt []float64, cats []string, c Cues) {
	if !c.any() {
		return
	}
	allowed := map[string]bool{}
	for _, t := range m.types {
		allowed[t] = true
	}
	only := func(ts ...string) {
		for t := range allowed {
			allowed[t] = slices.Contains(ts, t)
		}
	}
	remote := false
	for _, cat := range cats {
		remote = remote || slices.Contains(remoteCategories, cat)
	}
	switch {
	case c.Riot && c.Protest:
		only(event.Riots, event.Protests)
	case c.Riot:
		only(event.Riots)
	case c.Protest:
		only(event.Protests)
	case c.CivilianTarget && !c.ArmedTarget:
		allowed[event.Battles] = false
		allowed[event.Protests] = false
		if !remote {
			allowed[event.ExplosionsRemote] = false
		}
	case c.ArmedTarget && !c.CivilianTarget:
		allowed[event.ViolenceCivilians] = false
		allowed[event.Protests] = false
		allowed[event.Riots] = false
		if !remote {
			allowed[event.ExplosionsRemote] = false
		}
	}
	sum := 0.0
	for i, t := range m.types {
		if !allowed[t] {
			pt[i] *= excluded
		}
		sum += pt[i]
	}
	for i := range pt {
		pt[i] /= sum
	}
}
