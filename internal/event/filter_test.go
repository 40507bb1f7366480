package event

import "testing"

func TestFilterMatch(t *testing.T) {
	e := Event{
		EventDate: "2025-03-02", Country: "Côte d'Ivoire", Admin1: "Savanes", EventType: Battles,
		SubEventType: "Armed clash", Actor1: "Military Forces of Cote d'Ivoire (2011-)",
		Actor2: "JNIM: Group for Support of Islam and Muslims", AssocActor2: "Wagner Group",
		Latitude: 9.5, Longitude: -5.6, GeoPrecision: 1, Fatalities: 4, CivilianTargeting: "",
	}
	bg := e
	bg.Background = true
	unlocated := e
	unlocated.Latitude, unlocated.Longitude, unlocated.GeoPrecision = 0, 0, 0
	yes, no := true, false
	box := &BBox{MinLon: -6, MinLat: 9, MaxLon: -5.6, MaxLat: 10}
	tests := []struct {
		name string
		f    Filter
		e    Event
		want bool
	}{
		{"empty filter", Filter{}, e, true},
		{"background hidden", Filter{}, bg, false},
		{"background asked for", Filter{IncludeBackground: true}, bg, true},
		{"country folds case", Filter{Country: " CÔTE D'IVOIRE "}, e, true},
		{"country is not a prefix", Filter{Country: "Côte"}, e, false},
		{"admin1", Filter{Admin1: "savanes"}, e, true},
		{"admin1 other", Filter{Admin1: "Poro"}, e, false},
		{"event type", Filter{EventType: "battles"}, e, true},
		{"sub-event type", Filter{SubEventType: "Attack"}, e, false},
		{"actor substring of actor2", Filter{Actor: "jnim"}, e, true},
		{"actor in assoc_actor_2", Filter{Actor: "WAGNER"}, e, true},
		{"actor absent", Filter{Actor: "Boko"}, e, false},
		{"since same day", Filter{Since: "2025-03-02"}, e, true},
		{"since later", Filter{Since: "2025-03-03"}, e, false},
		{"until earlier", Filter{Until: "2025-03-01"}, e, false},
		{"bbox edge included", Filter{BBox: box}, e, true},
		{"bbox outside", Filter{BBox: &BBox{MinLon: 0, MinLat: 0, MaxLon: 1, MaxLat: 1}}, e, false},
		{"bbox never holds unlocated", Filter{BBox: &BBox{MinLon: -1, MinLat: -1, MaxLon: 1, MaxLat: 1}}, unlocated, false},
		{"min fatalities met", Filter{MinFatalities: 4}, e, true},
		{"min fatalities not met", Filter{MinFatalities: 5}, e, false},
		{"civilian targeting true", Filter{CivilianTargeting: &yes}, e, false},
		{"civilian targeting false", Filter{CivilianTargeting: &no}, e, true},
		{"text is left to stores", Filter{Text: "anything"}, e, true},
	}
	for _, tc := range tests {
		if got := tc.f.Match(tc.e); got != tc.want {
			t.Errorf("%s: Match = %v, want %v", tc.name, got, tc.want)
		}
	}
}
