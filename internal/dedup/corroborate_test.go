package dedup

import (
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
)

const (
	armyMali = "Military Forces of Mali (2021-)"
	cspDPA   = "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development"
	jnimName = "JNIM: Group for Support of Islam and Muslims"
)

// recalled marks a report as the coder marks a passing recollection.
func recalled(r event.Event) event.Event {
	r.Evidence = append(r.Evidence, event.Evidence{Field: RecalledField, SourceID: r.Sources[0].ID, Text: "the defeat at Tinzaouatene toward the end of July"})
	return r
}

func recollectionOf(doc, date string, precision int, loc string, lat, lon float64) event.Event {
	r := report(doc, date, loc, lat, lon, event.StrategicDevelopment, "Military Forces of Russia (2000-)", jnimName, 0)
	r.SubEventType, r.DisorderType, r.TimePrecision = "Change to group/activity", event.StrategicDevelopment, precision
	r.Confidence = 0.7
	return recalled(r)
}

func TestCorroborates(t *testing.T) {
	battle := report("afp", "2024-07-25", "Tinzaouatene", 19.95, 2.97, event.Battles, cspDPA, armyMali, 7)
	battle.DisorderType = event.PoliticalViolence
	coarse := recollectionOf("x", "2024-07-28", 2, "Kidal", 18.44, 1.41)
	coarse.GeoPrecision = 3
	tests := []struct {
		name string
		r    event.Event
		want bool
	}{
		{"the same place, the end of July", recollectionOf("x", "2024-07-28", 2, "Tinzaouatene", 19.95, 2.97), true},
		{"a village 8 km off", recollectionOf("x", "2024-07-25", 2, "In-Tahaka", 19.98, 3.04), true},
		{"another place 120 km off", recollectionOf("x", "2024-07-28", 2, "Abeibara", 19.12, 1.75), false},
		{"the same place two months before", recollectionOf("x", "2024-05-28", 2, "Tinzaouatene", 19.95, 2.97), false},
		{"the same place a week after, to the day", recollectionOf("x", "2024-08-02", 1, "Tinzaouatene", 19.95, 2.97), false},
		{"only the region, with nothing else in common", coarse, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, ok := Corroborates(tt.r, battle)
			if ok != tt.want {
				t.Errorf("Corroborates = %v (score %.1f), want %v", ok, score, tt.want)
			}
			if _, match := Match(tt.r, battle); match {
				t.Errorf("Match accepts the recollection: the test pair proves nothing about Corroborates")
			}
		})
	}
	bg := recollectionOf("x", "2024-07-28", 2, "Tinzaouatene", 19.95, 2.97)
	bg.Background = true
	if _, ok := Corroborates(bg, battle); ok {
		t.Error("a background report corroborates a fresh event")
	}
}

// TestCorroboratesAcceptsWhatMatchDoes: marking a report as recalled never leaves it apart from an
// event the dedup rule would have merged it with.
func TestCorroboratesAcceptsWhatMatchDoes(t *testing.T) {
	pairs := [][2]event.Event{
		{report("a", "2024-07-25", "Tinzaouatene", 19.95, 2.95, event.Battles, cspDPA, armyMali, 7),
			report("b", "2024-07-26", "Tin Zaouatene", 19.95, 2.95, event.Battles, cspDPA, armyMali, 131)},
		{report("a", "2024-09-17", "Bamako", 12.65, -8.0, event.Battles, "Unidentified Armed Group (Mali)", armyMali, 0),
			report("b", "2024-09-17", "Bamako", 12.65, -8.0, event.Battles, jnimName, armyMali, 0)},
	}
	for _, p := range pairs {
		ms, ok := Match(p[0], p[1])
		if !ok {
			t.Fatalf("Match rejects %s/%s", p[0].Location, p[1].Location)
		}
		cs, ok := Corroborates(recalled(p[0]), p[1])
		if !ok || cs < ms {
			t.Errorf("%s: Corroborates %.1f %v, Match %.1f", p[0].Location, cs, ok, ms)
		}
	}
}

func TestRecalled(t *testing.T) {
	r := recollectionOf("x", "2024-07-28", 2, "Tinzaouatene", 19.95, 2.97)
	b := report("afp", "2024-07-25", "Tinzaouatene", 19.95, 2.97, event.Battles, cspDPA, armyMali, 7)
	if !Recalled(r) || Recalled(b) || Recalled(event.Event{}) {
		t.Fatalf("Recalled: recollection %v, report %v, empty %v", Recalled(r), Recalled(b), Recalled(event.Event{}))
	}
	if !Recalled(Merge([]event.Event{r, recollectionOf("y", "2024-07-28", 2, "Tinzaouatene", 19.95, 2.97)})) {
		t.Error("two recollections merged are not recalled")
	}
	if Recalled(Merge([]event.Event{r, b})) {
		t.Error("a battle with a recollection among its sources counts as recalled")
	}
}

// TestMergeRecollectionDoesNotVote: a recollection adds its source, evidence and claims to the
// event, but none of its fields, whatever the order.
func TestMergeRecollectionDoesNotVote(t *testing.T) {
	b1 := report("afp", "2024-07-25", "Tinzaouatene", 19.95, 2.97, event.Battles, cspDPA, armyMali, 7)
	b1.Evidence = []event.Evidence{{Field: "fatalities", SourceID: "afp", Text: "seven killed"}}
	b2 := report("reuters", "2024-07-26", "Tinzaouatene", 19.95, 2.97, event.Battles, cspDPA, armyMali, 9)
	b2.Evidence = []event.Evidence{{Field: "fatalities", SourceID: "reuters", Text: "nine killed"}}
	r := recollectionOf("analysis", "2024-07-28", 1, "Tin Zaouatene", 19.95, 2.97)
	r.GeoPrecision = 1
	r.Claims = []event.Claim{{By: "JNIM", Figure: 50, Kind: "killed", Source: "analysis"}}
	r.Evidence = append(r.Evidence, event.Evidence{Field: "fatalities", SourceID: "analysis", Text: "JNIM says it killed 50"})
	r.FatalitiesLow, r.FatalitiesHigh, r.Fatalities = 50, 50, 50
	r.Tags = "recalled tag"

	want := Merge([]event.Event{b1, b2})
	for _, got := range []event.Event{Merge([]event.Event{b1, r, b2}), Merge([]event.Event{r, b2, b1})} {
		if got.EventType != want.EventType || got.Actor1 != want.Actor1 || got.Actor2 != want.Actor2 ||
			got.EventDate != want.EventDate || got.TimePrecision != want.TimePrecision || got.DateStart != want.DateStart ||
			got.DateEnd != want.DateEnd || got.Location != want.Location || got.Fatalities != want.Fatalities ||
			got.FatalitiesLow != want.FatalitiesLow || got.FatalitiesHigh != want.FatalitiesHigh ||
			got.Confidence != want.Confidence || got.Tags != want.Tags {
			t.Errorf("the recollection voted:\n got %+v\nwant %+v", got, want)
		}
		if len(got.Sources) != 3 || len(got.Claims) != 1 || len(got.Evidence) != len(want.Evidence)+len(r.Evidence) {
			t.Errorf("sources %d, claims %d, evidence %d: want every source, claim and evidence span", len(got.Sources), len(got.Claims), len(got.Evidence))
		}
	}

	// A source that tells the event outright elsewhere is no recollection of it.
	again := recalled(report("afp", "2024-07-25", "Tinzaouatene", 19.95, 2.97, event.Battles, cspDPA, armyMali, 0))
	for _, e := range Merge([]event.Event{b1, again}).Evidence {
		if e.Field == RecalledField {
			t.Errorf("the mark of a source that reports the event outright was kept: %+v", e)
		}
	}
}

// TestMergeAssociatesNoActorWithItsEnemy: Wagner, associated with the army in one report, is the
// separatists' enemy in the merged record, not their ally.
func TestMergeAssociatesNoActorWithItsEnemy(t *testing.T) {
	const wagner = "Wagner Group"
	a := report("a", "2024-07-25", "Tinzaouatene", 19.95, 2.97, event.Battles, cspDPA, wagner, 7)
	a.AssocActor2 = armyMali
	b := report("b", "2024-07-25", "Tinzaouatene", 19.95, 2.97, event.Battles, cspDPA, wagner, 9)
	c := report("c", "2024-07-25", "Tinzaouatene", 19.95, 2.97, event.Battles, armyMali, cspDPA, 0)
	c.AssocActor1 = wagner
	got := Merge([]event.Event{a, b, c})
	if got.Actor1 != cspDPA || got.Actor2 != wagner || got.AssocActor1 != "" || got.AssocActor2 != armyMali {
		t.Errorf("actors %q (with %q) against %q (with %q)", got.Actor1, got.AssocActor1, got.Actor2, got.AssocActor2)
	}
}
