package event

import (
	"fmt"
	"strings"
	"time"
)

// Notes writes the short plain summary of an event from its coded fields, in the manner of ACLED notes:
// "On 1 July 2024, Unidentified Armed Group (Mali) attacked civilians in Djiguibombo (Bandiagara, Mopti).
// 20 fatalities."
func Notes(e Event) string {
	var b strings.Builder
	if d, err := time.Parse(time.DateOnly, e.EventDate); err == nil {
		switch {
		case e.DateStart != "" && e.DateEnd != "" && e.DateStart != e.DateEnd:
			s, _ := time.Parse(time.DateOnly, e.DateStart)
			t, _ := time.Parse(time.DateOnly, e.DateEnd)
			fmt.Fprintf(&b, "Between %s and %s, ", s.Format("2 January"), t.Format("2 January 2006"))
		case e.TimePrecision == 3:
			fmt.Fprintf(&b, "In %s, ", d.Format("January 2006"))
		case e.TimePrecision == 2:
			fmt.Fprintf(&b, "Around %s, ", d.Format("2 January 2006"))
		default:
			fmt.Fprintf(&b, "On %s, ", d.Format("2 January 2006"))
		}
	}
	a1 := e.Actor1
	if a1 == "" {
		a1 = "an unidentified actor"
	}
	b.WriteString(a1)
	if e.AssocActor1 != "" {
		fmt.Fprintf(&b, " (with %s)", e.AssocActor1)
	}
	b.WriteString(" ")
	b.WriteString(verbPhrase(e))
	if e.Actor2 != "" {
		b.WriteString(" " + e.Actor2)
	}
	if e.Location != "" {
		b.WriteString(" ")
		if e.GeoPrecision == 2 {
			b.WriteString("near ")
		} else {
			b.WriteString("in ")
		}
		b.WriteString(e.Location)
		var units []string
		for _, u := range []string{e.Admin2, e.Admin1} {
			if u != "" && u != e.Location {
				units = append(units, u)
			}
		}
		if len(units) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(units, ", "))
		}
	} else if e.Country != "" {
		b.WriteString(" in " + e.Country)
	}
	b.WriteString(".")
	switch {
	case e.Fatalities == 1:
		b.WriteString(" 1 fatality.")
	case e.Fatalities > 1:
		fmt.Fprintf(&b, " %d fatalities.", e.Fatalities)
	}
	if len(e.Claims) > 0 {
		fmt.Fprintf(&b, " %d competing claim(s) recorded.", len(e.Claims))
	}
	return b.String()
}

func verbPhrase(e Event) string {
	switch e.SubEventType {
	case "Armed clash":
		if e.Actor2 != "" {
			return "clashed with"
		}
		return "was involved in an armed clash"
	case "Government regains territory":
		return "regained territory from"
	case "Non-state actor overtakes territory":
		return "took control of territory from"
	case "Air/drone strike":
		return "carried out an air/drone strike against"
	case "Suicide bomb":
		return "carried out a suicide bombing against"
	case "Shelling/artillery/missile attack":
		return "shelled"
	case "Remote explosive/landmine/IED":
		return "detonated an explosive device against"
	case "Grenade":
		return "threw a grenade at"
	case "Abduction/forced disappearance":
		return "abducted"
	case "Sexual violence":
		return "committed sexual violence against"
	case "Attack":
		return "attacked"
	case "Peaceful protest", "Protest with intervention", "Excessive force against protesters":
		return "demonstrated"
	case "Violent demonstration", "Mob violence":
		return "rioted"
	case "Arrests":
		return "arrested"
	case "Looting/property destruction":
		return "looted or destroyed property of"
	}
	if e.EventType != "" {
		return "was involved in an event (" + strings.ToLower(e.EventType) + ") with"
	}
	return "acted against"
}
