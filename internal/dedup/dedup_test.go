package dedup

import (
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// report builds a per-document event as the coder would.
func report(doc, date, loc string, lat, lon float64, typ, a1, a2 string, fat int) event.Event {
	return event.Event{
		EventDate: date, TimePrecision: 1, Country: "Mali", Admin1: "Kidal", Location: loc,
		Latitude: lat, Longitude: lon, GeoPrecision: 1, EventType: typ, SubEventType: "Armed clash",
		Actor1: a1, Actor2: a2, Fatalities: fat, FatalitiesLow: fat, FatalitiesHigh: fat, Confidence: 0.8,
		Sources: []event.Source{{ID: doc, Published: date + "T10:00:00Z"}},
	}
}

// countryOnly is e placed only in its country, as the coder places a report that names no place.
func countryOnly(e event.Event) event.Event {
	e.Admin1, e.Admin2, e.Location, e.GeoPrecision = "", "", e.Country, 3
	return e
}

// TestSpread: however each pair agrees, the reports of one event stay within a day or so of each
// other (more when one of them tells a longer span).
func TestSpread(t *testing.T) {
	day := func(d string, precision int) event.Event {
		return event.Event{EventDate: d, TimePrecision: precision}
	}
	span := func(from, to string) event.Event {
		return event.Event{EventDate: from, DateStart: from, DateEnd: to, TimePrecision: 1}
	}
	tests := []struct {
		name    string
		reports []event.Event
		want    bool
	}{
		{"one report", []event.Event{day("2024-07-25", 1)}, true},
		{"a day apart", []event.Event{day("2024-07-25", 1), day("2024-07-26", 1)}, true},
		{"a chain of days", []event.Event{day("2024-07-25", 1), day("2024-07-26", 1), day("2024-07-27", 1)}, false},
		{"within a three-day battle", []event.Event{span("2024-07-25", "2024-07-27"), day("2024-07-25", 1), day("2024-07-28", 1)}, true},
		{"beyond it", []event.Event{span("2024-07-25", "2024-07-27"), day("2024-07-29", 1)}, false},
		{"a week-precision report allows its slack", []event.Event{day("2024-07-25", 2), day("2024-07-29", 1)}, true},
		{"a month-precision report does not widen the others", []event.Event{day("2024-07-15", 3), day("2024-07-01", 1), day("2024-07-20", 1)}, false},
	}
	for _, tt := range tests {
		if got := Spread(tt.reports); got != tt.want {
			t.Errorf("%s: Spread = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMatchHardPairs(t *testing.T) {
	const army = "Military Forces of Mali (2021-)"
	tests := []struct {
		name string
		a, b event.Event
		want bool
	}{
		{"same battle, other spelling and toll",
			report("a", "2024-07-25", "Tinzaouatene", 19.95, 2.95, event.Battles, "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development", army, 7),
			report("b", "2024-07-26", "Tin Zaouatene", 19.95, 2.95, event.Battles, "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development", army, 131), true},
		{"different named groups at one place are two events",
			report("a", "2024-07-27", "Tinzaouatene", 19.95, 2.95, event.Battles, "JNIM: Group for Support of Islam and Muslims", army, 60),
			report("b", "2024-07-27", "Tinzaouatene", 19.95, 2.95, event.Battles, "CSP-DPA: Permanent Strategic Framework for Peace, Security and Development", army, 7), false},
		{"unidentified gunmen and a named group can be one event",
			report("a", "2024-09-17", "Bamako", 12.65, -8.0, event.Battles, "Unidentified Armed Group (Mali)", army, 0),
			report("b", "2024-09-17", "Bamako", 12.65, -8.0, event.Battles, "JNIM: Group for Support of Islam and Muslims", army, 0), true},
		{"too far apart",
			report("a", "2024-07-01", "Djiguibombo", 14.5, -3.5, event.ViolenceCivilians, "Unidentified Armed Group (Mali)", "Civilians (Mali)", 20),
			report("b", "2024-07-01", "Diallassagou", 13.9, -3.0, event.ViolenceCivilians, "Unidentified Armed Group (Mali)", "Civilians (Mali)", 20), false},
		{"a week apart at day precision",
			report("a", "2024-07-01", "Djiguibombo", 14.5, -3.5, event.ViolenceCivilians, "Unidentified Armed Group (Mali)", "Civilians (Mali)", 20),
			report("b", "2024-07-08", "Djiguibombo", 14.5, -3.5, event.ViolenceCivilians, "Unidentified Armed Group (Mali)", "Civilians (Mali)", 20), false},
		{"reports placed only in the country, days apart, are two events",
			countryOnly(report("a", "2024-07-01", "Mali", 17, -4, event.Battles, "JNIM: Group for Support of Islam and Muslims", army, 5)),
			countryOnly(report("b", "2024-07-02", "Mali", 17, -4, event.Battles, "JNIM: Group for Support of Islam and Muslims", army, 5)), false},
		{"reports placed only in the country, same day, type and group, are one",
			countryOnly(report("a", "2024-07-01", "Mali", 17, -4, event.Battles, "JNIM: Group for Support of Islam and Muslims", army, 5)),
			countryOnly(report("b", "2024-07-01", "Mali", 17, -4, event.Battles, "JNIM: Group for Support of Islam and Muslims", army, 6)), true},
		{"a country-level report and a village one need a named group in common",
			countryOnly(report("a", "2024-07-01", "Mali", 17, -4, event.Battles, "Unidentified Armed Group (Mali)", army, 5)),
			report("b", "2024-07-01", "Tessit", 15.2, 0.97, event.Battles, "Unidentified Armed Group (Mali)", army, 5), false},
		{"protest and battle never merge",
			report("a", "2024-07-01", "Bamako", 12.65, -8.0, event.Protests, "Protesters (Mali)", "", 0),
			report("b", "2024-07-01", "Bamako", 12.65, -8.0, event.Battles, "Unidentified Armed Group (Mali)", army, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := Match(tt.a, tt.b)
			if got != tt.want {
				t.Errorf("Match = %v, want %v", got, tt.want)
			}
			if _, back := Match(tt.b, tt.a); back != got {
				t.Errorf("Match is not symmetric")
			}
		})
	}
}

func TestRecalledEventNeverMergesIntoFreshOne(t *testing.T) {
	a := report("a", "2024-05-26", "Diallassagou", 13.9, -3.0, event.ViolenceCivilians, "Unidentified Armed Group (Mali)", "Civilians (Mali)", 18)
	b := a
	b.Background = true
	b.Sources = []event.Source{{ID: "b"}}
	if _, ok := Match(a, b); ok {
		t.Fatal("a background report merged into a fresh event")
	}
}

func TestMergeIsOrderIndependentAndConservative(t *testing.T) {
	r1 := report("a", "2024-07-01", "Djiguibombo", 14.5, -3.5, event.ViolenceCivilians, "Unidentified Armed Group (Mali)", "Civilians (Mali)", 21)
	r1.Evidence = []event.Evidence{{Field: "fatalities", SourceID: "a"}}
	r2 := report("b", "2024-07-01", "Djiguibombo", 14.5, -3.5, event.ViolenceCivilians, "JNIM: Group for Support of Islam and Muslims", "Civilians (Mali)", 20)
	r2.Evidence = []event.Evidence{{Field: "fatalities", SourceID: "b"}}
	r3 := report("c", "2024-07-01", "Djiguibombo", 14.5, -3.5, event.ViolenceCivilians, "Unidentified Armed Group (Mali)", "Civilians (Mali)", 0)
	m1 := Merge([]event.Event{r1, r2, r3})
	m2 := Merge([]event.Event{r3, r2, r1})
	if m1.Notes != m2.Notes || m1.Fatalities != m2.Fatalities || len(m1.Sources) != len(m2.Sources) {
		t.Fatalf("merge depends on order:\n%+v\n%+v", m1, m2)
	}
	if m1.Fatalities != 20 || m1.FatalitiesLow != 20 || m1.FatalitiesHigh != 21 {
		t.Errorf("toll = %d (%d-%d), want 20 (20-21): a report silent on deaths is not a zero", m1.Fatalities, m1.FatalitiesLow, m1.FatalitiesHigh)
	}
	if len(m1.Sources) != 3 {
		t.Errorf("sources = %d, want 3", len(m1.Sources))
	}
	if m1.Actor1 != "JNIM: Group for Support of Islam and Muslims" {
		t.Errorf("actor1 = %q, want the named group", m1.Actor1)
	}
}

func TestMergeWidensSpan(t *testing.T) {
	a := report("a", "2024-07-25", "Tinzaouatene", 19.95, 2.95, event.Battles, "X", "Y", 0)
	b := report("b", "2024-07-26", "Tinzaouatene", 19.95, 2.95, event.Battles, "X", "Y", 0)
	b.DateStart, b.DateEnd = "2024-07-25", "2024-07-27"
	m := Merge([]event.Event{a, b})
	if m.DateStart != "2024-07-25" || m.DateEnd != "2024-07-27" {
		t.Errorf("span = %s..%s, want 2024-07-25..2024-07-27", m.DateStart, m.DateEnd)
	}
}

func TestNeighbourhoodCoversNearbyPoints(t *testing.T) {
	// Two points 20 km apart across a cell border must share a looked-up cell.
	lat, lon := 12.499, -8.0
	cells := Neighbourhood(lat, lon)
	c := Cell(12.68, -8.0)
	found := false
	for _, x := range cells {
		if x == c {
			found = true
		}
	}
	if !found {
		t.Fatalf("cell %d of a point 20 km away not in neighbourhood %v", c, cells)
	}
}

func TestOlder(t *testing.T) {
	if !Older("MLI7", "MLI12") || Older("MLI12", "MLI7") {
		t.Fatal("ids must compare by number")
	}
}

// TestMatchPrefersTheCaptureOverTheCounterOffensive: the attackers' claim of a town's capture, dated
// only by its report, belongs with the army's account of the town's fall two days earlier, not with the
// army's counter-offensive that happens to fall on the report's day.
func TestMatchPrefersTheCaptureOverTheCounterOffensive(t *testing.T) {
	const isis, army = "Islamic State Central Africa Province (Mozambique)", "Military Forces of Mozambique (1990-)"
	claim := report("claim", "2021-03-28", "Palma", -10.77, 40.47, event.Battles, isis, "", 55)
	claim.TimePrecision = 2
	fall := report("fall", "2021-03-26", "Palma", -10.77, 40.47, event.Battles, isis, army, 12)
	counter := report("counter", "2021-03-28", "Palma", -10.77, 40.47, event.Battles, army, isis, 0)
	sf, okF := Match(claim, fall)
	sc, okC := Match(claim, counter)
	if !okF || !okC {
		t.Fatalf("both are candidates: fall %v (%.1f), counter-offensive %v (%.1f)", okF, sf, okC, sc)
	}
	if sf <= sc {
		t.Errorf("the claim scores %.1f with the town's fall and %.1f with the counter-offensive", sf, sc)
	}
}
