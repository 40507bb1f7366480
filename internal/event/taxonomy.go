package event

// The ACLED taxonomy: event types, their sub-event types and the disorder type each belongs to.
const (
	Battles              = "Battles"
	ExplosionsRemote     = "Explosions/Remote violence"
	ViolenceCivilians    = "Violence against civilians"
	Protests             = "Protests"
	Riots                = "Riots"
	StrategicDevelopment = "Strategic developments"

	PoliticalViolence = "Political violence"
	Demonstrations    = "Demonstrations"
)

// SubEventTypes lists each event type's sub-event types as ACLED names them.
var SubEventTypes = map[string][]string{
	Battles:              {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
	ExplosionsRemote:     {"Chemical weapon", "Air/drone strike", "Suicide bomb", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"},
	ViolenceCivilians:    {"Sexual violence", "Attack", "Abduction/forced disappearance"},
	Protests:             {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
	Riots:                {"Violent demonstration", "Mob violence"},
	StrategicDevelopment: {"Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use", "Headquarters or base established", "Looting/property destruction", "Non-violent transfer of territory", "Other"},
}

// EventTypes in ACLED's order.
var EventTypes = []string{Battles, ExplosionsRemote, ViolenceCivilians, Protests, Riots, StrategicDevelopment}

// TypeOf returns the event type a sub-event type belongs to, or "".
func TypeOf(subEventType string) string {
	for t, subs := range SubEventTypes {
		for _, s := range subs {
			if s == subEventType {
				return t
			}
		}
	}
	return ""
}

// DisorderType returns ACLED's disorder type for an event type. Excessive force against protesters is
// coded by ACLED as political violence and demonstrations both; sitrep keeps the first.
func DisorderType(eventType string) string {
	switch eventType {
	case Protests, Riots:
		return Demonstrations
	case StrategicDevelopment:
		return "Strategic developments"
	case "":
		return ""
	}
	return PoliticalViolence
}
