package evaluate

import (
	"github.com/sitrep-dev/sitrep/internal/event"
)

// Hand-made, fictional test sets: each event exercises one matching rule (see the comments), and
// seeds_test.go and acled_test.go state the figures they must give.

func synthGold() []GoldEvent {
	return []GoldEvent{
		{ID: "G1", ReportedIn: StringList{"a1", "a2"}, DateMin: "2024-03-10", DateMax: "2024-03-10",
			EventType: StringList{"Battles"}, SubEventType: StringList{"Armed clash"},
			Actor1: StringList{"JNIM", "Jama'at Nusrat al-Islam wal-Muslimin"}, Actor2: StringList{"Military Forces of Mali"},
			Country: "Mali", Admin1: "Mopti", Location: StringList{"Koro", "Koroh"}, FatalitiesMin: 5, FatalitiesMax: 7},
		{ID: "G2", ReportedIn: StringList{"a3"}, DateMin: "2024-04-01", DateMax: "2024-04-02",
			EventType: StringList{"Violence against civilians"}, SubEventType: StringList{"Attack"},
			Actor1: StringList{"Unidentified Armed Group (Niger)"}, Actor2: StringList{"Civilians (Niger)"},
			Country: "Niger", Admin1: "Tillabéri", Location: StringList{"Téra"}, FatalitiesMin: 10, FatalitiesMax: 12},
		{ID: "G3", ReportedIn: StringList{"a2"}, DateMin: "2024-03-12", DateMax: "2024-03-12",
			EventType: StringList{"Battles"}, SubEventType: StringList{"Armed clash"},
			Actor1: StringList{"Military Forces of Mali"}, Country: "Mali", Admin1: "Mopti",
			Location: StringList{"Sevare"}, FatalitiesMin: 0, FatalitiesMax: 3, Optional: true},
		{ID: "G4", ReportedIn: StringList{"a3"}, DateMin: "2019-01-01", DateMax: "2019-12-31",
			EventType: StringList{"Battles"}, SubEventType: StringList{"Armed clash"},
			Actor1: StringList{"Islamic State Sahel Province"}, Country: "Mali", Admin1: "Gao",
			Location: StringList{"Ansongo"}, FatalitiesMin: 0, FatalitiesMax: 100, Background: true},
		{ID: "G5", ReportedIn: StringList{"a4"}, DateMin: "2021-08-08", DateMax: "2021-08-08",
			EventType: StringList{"Battles"}, SubEventType: StringList{"Government regains territory"},
			Actor1: StringList{"Military Forces of Rwanda"}, Country: "Mozambique", Admin1: "Cabo Delgado",
			Location: StringList{"Mocimboa da Praia"}, FatalitiesMin: 0, FatalitiesMax: 0},
		{ID: "G6", ReportedIn: StringList{"a5"}, DateMin: "2023-05-05", DateMax: "2023-05-05",
			EventType: StringList{"Explosions/Remote violence"}, SubEventType: StringList{"Remote explosive/landmine/IED"},
			Actor1: StringList{"Islamic State Sahel Province"}, Country: "Burkina Faso", Admin1: "Sahel",
			Location: StringList{"Djibo"}, FatalitiesMin: 1, FatalitiesMax: 3},
	}
}

func synthArticles() []ArticleRef {
	return []ArticleRef{
		{ID: "a1", URL: "https://example.org/a1"}, {ID: "a2"}, {ID: "a3", URL: "https://example.org/a3"},
		{ID: "a4"}, {ID: "a5", URL: "https://example.org/a5"},
	}
}

func src(ids ...string) []event.Source {
	var out []event.Source
	for _, id := range ids {
		if len(id) > 4 && id[:4] == "http" {
			out = append(out, event.Source{URL: id})
		} else {
			out = append(out, event.Source{ID: id})
		}
	}
	return out
}

func synthPreds() []event.Event {
	return []event.Event{
		// 1: G1 by every field, but the tie at score 5 goes to the later prediction: a duplicate.
		{EventDate: "2024-03-10", EventType: "Battles", SubEventType: "Armed clash", Actor1: "JNIM",
			Country: "Mali", Admin1: "Mopti", Location: "Koroh", Fatalities: 6, Sources: src("a1")},
		// 2: G1; actor by containment, sources by url and by id.
		{EventDate: "2024-03-10", EventType: "Battles", SubEventType: "Armed clash",
			Actor1: "JNIM: Group for Support of Islam and Muslims", Actor2: "Military Forces of Mali (2021-)",
			Country: "Mali", Admin1: "Mopti", Location: "Koro", Fatalities: 5, Sources: src("https://example.org/a1", "a2")},
		// 3: the optional G3, a day after its window (candidates allow a day either side).
		{EventDate: "2024-03-13", EventType: "Battles", SubEventType: "Armed clash", Actor1: "Military Forces of Mali",
			Country: "Mali", Admin1: "Mopti", Location: "Sevare", Fatalities: 1, Sources: src("a2")},
		// 4: marked background by the coder: not scored although it fits G2.
		{EventDate: "2024-04-01", EventType: "Violence against civilians", SubEventType: "Attack",
			Actor1: "Unidentified Armed Group (Niger)", Country: "Niger", Admin1: "Tillaberi", Location: "Tera",
			Fatalities: 11, Sources: src("a3"), Background: true},
		// 5: G2 with its accents folded, a day late and the wrong sub-event type.
		{EventDate: "2024-04-03", EventType: "Violence against civilians", SubEventType: "Abduction/forced disappearance",
			Actor1: "Unidentified Armed Group (Niger)", Actor2: "Civilians (Niger)", Country: "NIGER", Admin1: "Tillaberi",
			Location: "TERA", Fatalities: 11, Sources: src("https://example.org/a3")},
		// 6: the background G4 at its old date: neither a hit nor a false positive.
		{EventDate: "2019-06-01", EventType: "Battles", SubEventType: "Armed clash", Actor1: "Islamic State Sahel Province",
			Country: "Mali", Admin1: "Gao", Location: "Ansongo", Fatalities: 0, Sources: src("a3")},
		// 7: nothing like it in the gold: spurious.
		{EventDate: "2024-01-01", EventType: "Riots", SubEventType: "Mob violence", Actor1: "Rioters (Chad)",
			Country: "Chad", Admin1: "Lac", Location: "Bol", Fatalities: 0, Sources: src("a9")},
		// 8: G6 by admin1 only, a day late, a span, no actor1, sources unknown.
		{EventDate: "2023-05-06", DateStart: "2023-05-05", DateEnd: "2023-05-06", EventType: "Explosions/Remote violence",
			SubEventType: "Remote explosive/landmine/IED", Actor2: "Civilians (Burkina Faso)",
			Country: "Burkina Faso", Admin1: "Sahel", Location: "Djibo town", Fatalities: 0, Sources: src("https://example.org/other")},
		// 9: also fits the optional G3, which prediction 3 took: an extra, not penalised.
		{EventDate: "2024-03-12", EventType: "Battles", SubEventType: "Armed clash", Actor1: "Unknown",
			Country: "Mali", Admin1: "Mopti", Location: "Sevare", Fatalities: 0, Sources: src("a2")},
	}
}

// synthACLEDCSV is a small ACLED-format file of fictional records, with the columns score.py reads.
const synthACLEDCSV = `event_id_cnty,event_date,event_type,sub_event_type,actor1,actor2,country,admin1,location,latitude,longitude,notes,fatalities
MLI1,2024-03-10,Battles,Armed clash,JNIM: Group for Support of Islam and Muslims,Military Forces of Mali (2021-),Mali,Mopti,Koro,14.0667,-3.0667,"Fictional: a clash, near Koro.",5
MLI2,2024-03-11,Violence against civilians,Attack,Unidentified Armed Group (Mali),Civilians (Mali),Mali,Mopti,Bankass,14.0833,-3.5167,Fictional.,3
MLI3,2024-03-12,Explosions/Remote violence,Remote explosive/landmine/IED,Unidentified Armed Group (Mali),,Mali,Gao,Ansongo,15.6597,0.5022,Fictional.,
NER1,2024-04-01,Battles,Armed clash,Military Forces of Niger (2023-),Islamic State (Sahel),Niger,Tillaberi,Tera,14.0078,0.7531,Fictional.,10
NER2,2024-04-02,Protests,Peaceful protest,Protesters (Niger),,Niger,Niamey,Niamey,13.5137,2.1098,Fictional.,0
NER3,1 April 2024,Strategic developments,Arrests,Police Forces of Niger (2023-),Civilians (Niger),Niger,Niamey,Niamey,13.5137,2.1098,Fictional.,3.0
MLI1,2024-03-10,Battles,Armed clash,JNIM: Group for Support of Islam and Muslims,Military Forces of Mali (2021-),Mali,Mopti,Koro,14.0667,-3.0667,"Fictional: the same id again replaces the first.",4
`

func synthACLEDPreds() []event.Event {
	return []event.Event{
		// MLI1: its pair reversed (no direction), 10 km away, toll from the repeated row.
		{EventDate: "2024-03-10", EventType: "Battles", SubEventType: "Armed clash", Actor1: "Military Forces of Mali",
			Actor2: "JNIM", Country: "Mali", Admin1: "Mopti", Location: "Koro", Latitude: 14.1567, Longitude: -3.0667,
			Fatalities: 4, Sources: src("MLI1")},
		// MLI2: marked background, so the next event naming MLI2 is the one scored.
		{EventDate: "2024-03-11", EventType: "Violence against civilians", SubEventType: "Attack",
			Country: "Mali", Admin1: "Mopti", Location: "Bankass", Latitude: 14.0833, Longitude: -3.5167,
			Fatalities: 3, Sources: src("MLI2"), Background: true},
		{EventDate: "2024-03-12", DateStart: "2024-03-11", DateEnd: "2024-03-12", EventType: "Battles",
			SubEventType: "Armed clash", Actor1: "Unidentified Armed Group (Mali)", Country: "Mali", Admin1: "Segou",
			Location: "Bankass", Latitude: 14.5, Longitude: -3.5167, Fatalities: 3, Sources: src("MLI2")},
		// A second event of MLI2's document: only the first counts.
		{EventDate: "2024-03-11", EventType: "Violence against civilians", SubEventType: "Attack",
			Country: "Mali", Admin1: "Mopti", Fatalities: 3, Sources: src("MLI2")},
		// NER1: wrong type, 30 km off, actor2 by an acronym the rules cannot know.
		{EventDate: "2024-04-01", EventType: "Explosions/Remote violence", SubEventType: "Air/drone strike",
			Actor1: "Military Forces of Niger", Actor2: "ISSP", Country: "Niger", Admin1: "Tillaberi", Location: "Tera",
			Latitude: 14.2778, Longitude: 0.7531, Fatalities: 10, Sources: src("NER1")},
		// NER2: a type outside the taxonomy.
		{EventDate: "2024-04-02", EventType: "Demonstration", Country: "Niger", Admin1: "Niamey", Location: "Niamey",
			Latitude: 13.5137, Longitude: 2.1098, Actor1: "Protesters (Niger)", Sources: src("NER2")},
		// NER3: date written '1 April 2024' in the row; its toll '3.0' is not an integer.
		{EventDate: "2024-04-01", EventType: "Strategic developments", SubEventType: "Arrests",
			Actor1: "Police Forces of Niger", Actor2: "Civilians (Niger)", Country: "Niger", Admin1: "Niamey",
			Location: "Niamey", Latitude: 13.5137, Longitude: 2.1098, Fatalities: 3, Sources: src("NER3")},
		// MLI3 has no event: not detected.
	}
}
