package coder

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
)

var (
	sharedOnce  sync.Once
	sharedCoder *Coder
	sharedErr   error
)

// testCoder loads the embedded data once for the package's tests.
func testCoder(t testing.TB) *Coder {
	t.Helper()
	sharedOnce.Do(func() { sharedCoder, sharedErr = Default() })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedCoder
}

func doc(id, published, text string) document.Document {
	d := document.Document{ID: id, Text: text, Outlet: "Test Wire"}
	if published != "" {
		d.Published, _ = time.Parse(time.RFC3339, published)
	}
	d.Finish()
	return d
}

func TestOutOfScopeTextGivesNoEvent(t *testing.T) {
	c := testCoder(t)
	tests := []struct{ name, text string }{
		{"weather", "Heavy rains and floods killed 14 people in Niamey on Monday and destroyed more than 300 homes, the civil protection agency said. Forecasters expect more storms this week across the Sahel."},
		{"football", "Mali beat Senegal 2-1 in Bamako on Sunday. The striker's late attack down the left flank killed off the match, and the coach said his team fought until the last minute of the tournament game."},
		{"court case", "A court in Bamako on Tuesday sentenced a businessman to five years in prison for fraud and tax evasion. His lawyers said they would appeal the ruling."},
		{"traffic accident", "Twelve passengers died when a bus collided with a lorry near Segou on Friday, the transport ministry said, blaming the crash on speeding."},
		{"diplomacy", "The foreign ministers of Mali and Niger met in Niamey on Wednesday to discuss trade and a new road project, according to a joint statement."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := c.Code(context.Background(), doc("t", "2024-07-03T12:00:00Z", tt.text))
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if !e.Background {
					t.Errorf("coded an event from %s text: %s", tt.name, e.Notes)
				}
			}
		})
	}
}

func TestCodesOneEventWithEvidence(t *testing.T) {
	c := testCoder(t)
	// Synthetic report (not news): an attack on a named village on a weekday.
	text := "Gunmen attacked the village of Boni, east of Douentza in central Mali, on Sunday, killing nine civilians, a local official said.\n\nThe area has seen repeated raids in recent months."
	evs, err := c.Code(context.Background(), doc("boni", "2026-10-12T08:15:00Z", text))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("got %d events, want 1: %+v", len(evs), evs)
	}
	e := evs[0]
	checks := []struct{ field, got, want string }{
		{"event_date", e.EventDate, "2026-10-11"},
		{"country", e.Country, "Mali"},
		{"admin1", e.Admin1, "Mopti"},
		{"event_type", e.EventType, event.ViolenceCivilians},
		{"actor2", e.Actor2, "Civilians (Mali)"},
		{"civilian_targeting", e.CivilianTargeting, "Civilian targeting"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %q, want %q", ck.field, ck.got, ck.want)
		}
	}
	if e.Fatalities != 9 || e.TimePrecision != 1 || e.Interaction != 37 {
		t.Errorf("fatalities %d precision %d interaction %d, want 9, 1, 37", e.Fatalities, e.TimePrecision, e.Interaction)
	}
	fields := map[string]bool{}
	for _, ev := range e.Evidence {
		fields[ev.Field] = true
		if text[ev.Start:ev.End] != ev.Text || ev.SourceID != "boni" {
			t.Errorf("evidence %q does not point into the document", ev.Text)
		}
	}
	for _, f := range []string{"event_date", "location", "actor1", "fatalities", "event_type"} {
		if !fields[f] {
			t.Errorf("no evidence for %s", f)
		}
	}
}

func TestRecollectionsAreBackground(t *testing.T) {
	c := testCoder(t)
	// Synthetic: a fresh event, then an old massacre and a running total recalled.
	text := "Armed men killed four herders near Tenenkou on Tuesday, residents said.\n\n" +
		"In June 2022, more than 100 civilians were killed in the same area by jihadists.\n\n" +
		"Thousands of people have been killed in central Mali since 2015."
	evs, err := c.Code(context.Background(), doc("tk", "2024-07-03T12:00:00Z", text))
	if err != nil {
		t.Fatal(err)
	}
	fresh := 0
	for _, e := range evs {
		if e.Background {
			if e.EventDate >= "2024-01-01" || e.Confidence > backgroundConfidence {
				t.Errorf("background event dated %s with confidence %.2f", e.EventDate, e.Confidence)
			}
			continue
		}
		fresh++
		if e.EventDate != "2024-07-02" || e.Fatalities != 4 {
			t.Errorf("fresh event %s with %d dead, want 2024-07-02 with 4", e.EventDate, e.Fatalities)
		}
	}
	if fresh != 1 {
		t.Fatalf("%d fresh events, want 1: %+v", fresh, evs)
	}
}

func TestNoPublicationTimeNeverGuessesADay(t *testing.T) {
	c := testCoder(t)
	text := "Gunmen attacked the village of Boni near Douentza on Sunday, killing nine civilians, a local official said."
	evs, err := c.Code(context.Background(), doc("np", "", text))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.TimePrecision == 1 {
			t.Errorf("dated %s to the day without a publication time", e.EventDate)
		}
	}
}

func TestTwoEventsInOneArticle(t *testing.T) {
	c := testCoder(t)
	// Synthetic: an attack on one day and place, a second on the next day elsewhere.
	text := "JNIM fighters attacked an army base in Boulkessi on Sunday, killing more than 30 soldiers, sources said.\n\n" +
		"On Monday, JNIM also attacked military positions in Timbuktu, residents said."
	evs, err := c.Code(context.Background(), doc("two", "2025-06-03T12:00:00Z", text))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range evs {
		if !e.Background {
			got[e.EventDate] = e.Location
		}
	}
	if len(got) != 2 || got["2025-06-01"] == "" || got["2025-06-02"] == "" {
		t.Fatalf("events by date = %v, want one on 2025-06-01 and one on 2025-06-02", got)
	}
}

// TestEventSegmentation: hand-written stories in the style of the seeds, each with the events a
// careful coder finds in it (type, date, toll), in any order.
func TestEventSegmentation(t *testing.T) {
	c := testCoder(t)
	type want struct {
		typ, date string
		fat       int
	}
	tests := []struct {
		name, published, text string
		want                  []want
	}{
		{
			"drone strike reported after the battle", "2024-08-02T09:00:00Z",
			"Rebels in northern Mali said Thursday they killed 40 soldiers in three days of fighting that began on July 25 at an army camp at Tinzaouatene.\n\n" +
				"The rebel alliance said they had lost nine men in the fighting.\n\n" +
				"The rebels on Thursday claimed over 20 civilians of Nigerien, Sudanese, and Chadian origin had been killed in drone attacks by Burkina Faso.\n\n" +
				"The Malian army on Tuesday said it had staged air attacks in the Tinzaouatene region following the fighting.\n\n" +
				"The army admitted it had suffered a large number of deaths during fighting in the north last week.",
			[]want{{event.Battles, "2024-07-26", 9}, {event.ExplosionsRemote, "2024-07-30", 20}},
		},
		{
			"a convoy ambush told inside the story of a siege", "2021-03-29T12:00:00Z",
			"Insurgents stormed the town of Palma on Wednesday and took control of it on Friday after two days of fighting with the army.\n\n" +
				"Witnesses said many bodies lay in the streets of Palma.\n\n" +
				"The insurgents had besieged the town from three sides, firing machine guns.\n\n" +
				"A convoy of trucks escaping from the town came under fire by the insurgents, killing at least 9 people, while others fled to Pemba.\n\n" +
				"A local official said a teacher was killed in the attack on a hotel in Palma.",
			[]want{{event.Battles, "2021-03-24", 10}, {event.ViolenceCivilians, "2021-03-24", 9}},
		},
		{
			"a vehicle burnt in a short report is a detail of the attack", "2019-07-26T12:00:00Z",
			"On 28 April 2020, insurgents attacked the village of Nagulue. A military vehicle was burnt and a person was killed.",
			[]want{{event.ViolenceCivilians, "2019-07-25", 1}},
		},
		{
			"a toll standing alone counts", "2018-05-04T12:00:00Z",
			"On 2 May 2018, two militias clashed in Mokwa. One death reported.",
			[]want{{event.Battles, "2018-05-02", 1}},
		},
		{
			"an undated lead and the dated account of the same place are one event", "2024-09-24T05:00:00Z",
			"The attack on the capital Bamako by JNIM marks a sobering milestone.\n\n" +
				"Gunfire and explosions echoed through Bamako on the morning of September 17, when JNIM fighters attacked the gendarmerie school.",
			[]want{{event.Battles, "2024-09-17", 0}},
		},
		{
			"the report's lead dates its event", "2019-06-22T12:00:00Z",
			"19 June. Railway workers went on strike over unpaid wages, following a protest on June 17. Police cleared the camp with tear gas and the workers pelted them with stones.",
			[]want{{event.Riots, "2019-06-19", 0}},
		},
		{
			"a bare date line on the publication day is the page's date", "2024-09-24T12:00:00Z",
			"24 September 2024\n\nGunmen killed four villagers near Boni on Sunday, residents said.",
			[]want{{event.ViolenceCivilians, "2024-09-22", 4}},
		},
		{
			"the dead of an earlier capture are not the counter-offensive's", "2021-03-29T12:00:00Z",
			"The ministry announced that its forces began Sunday an operation to retake the town of Palma from militants, who had taken control of it after attacks that killed dozens.\n\n" +
				"The spokesman confirmed the killing of dozens of civilians at the hands of the militants.",
			[]want{{event.Battles, "2021-03-28", 0}},
		},
		{
			"the death a riot is about is not its toll", "2020-03-10T12:00:00Z",
			"On 9 March 2020, students burnt and looted shops and barricaded roads with bonfires in Makutano over the murder of a student on the previous day.",
			[]want{{event.Riots, "2020-03-09", 0}},
		},
		{
			"the killing a mob avenges is not its toll", "2021-09-16T12:00:00Z",
			"On 15 September 2021, motorcycle taxi operators set ablaze a trailer belonging to a man suspected to have killed two people in Muranga town.",
			[]want{{event.Riots, "2021-09-15", 0}},
		},
		{
			"a claim the report doubts counts for nothing", "2020-12-02T12:00:00Z",
			"On 1 December 2020, militants ambushed an army patrol near Ngouboua. According to the militants' news agency, 30 soldiers were killed, however, this could not be independently verified.",
			[]want{{event.Battles, "2020-12-01", 0}},
		},
		{
			"a claim no other report corroborates counts for nothing", "2020-03-08T12:00:00Z",
			"On 7 March 2020, militants reportedly killed six soldiers east of Bourem, according to a claim by the group. No other reports corroborated the claim.",
			[]want{{event.Battles, "2020-03-07", 0}},
		},
		{
			"a killing dated years back is not the event's", "2019-03-04T12:00:00Z",
			"On 3 March 2019, gunmen abducted a civilian close to the late mayor assassinated in April 2018 near Djibo.",
			[]want{{event.ViolenceCivilians, "2019-03-03", 0}},
		},
		{
			"a date line dates the report whose sentence names an old date", "2018-07-08T12:00:00Z",
			"06 July. Students and traders demonstrated in Osogbo to protest the marginalisation of their district ahead of the election on September 22.",
			[]want{{event.Protests, "2018-07-06", 0}},
		},
		{
			"a date line does not make a recollection news", "2018-07-08T12:00:00Z",
			"06 July. In 2012, militants occupied the town of Gao and killed dozens.",
			nil,
		},
		{
			"a soldier's death in the attack is no new incident", "2024-07-03T12:00:00Z",
			"Jihadists attacked an army post near Boni on Monday, killing three soldiers, the army said.\n\n" +
				"A vehicle of the army was destroyed and a driver was killed in the attack.",
			[]want{{event.Battles, "2024-07-01", 4}},
		},
		{
			"a raid that kills and abducts is one event", "2021-06-04T12:00:00Z",
			"On 3 June 2021, unknown gunmen raided the village of Kagarko in Kaduna state. Two guards were killed and five abducted.",
			[]want{{event.ViolenceCivilians, "2021-06-03", 2}},
		},
		{
			"the killing a peaceful protest denounces is not its toll", "2020-12-26T12:00:00Z",
			"On 23 December 2020, hundreds of students marched peacefully in Kisii town to demand justice for a trader who was killed by police last week.",
			[]want{{event.Protests, "2020-12-23", 0}},
		},
		{
			"the same attackers' bomb is part of their attack", "2018-10-11T12:00:00Z",
			"On October 10, about twenty militants attacked a school in Lafey. The militants then threw an explosive device into the staff quarters, killing two teachers.",
			[]want{{event.ViolenceCivilians, "2018-10-10", 2}},
		},
		{
			"explosives seized after a raid are no bombing of their own", "2020-09-12T12:00:00Z",
			"On 11 September 2020, the army dismantled a militant base near Djibo. Two militants were killed, and explosives and weapons were seized.",
			[]want{{event.Battles, "2020-09-11", 2}},
		},
		{
			"rockets fired in the assault are part of it", "2020-03-17T12:00:00Z",
			"On 16 March 2020, militants attacked an army post near Boni. Soldiers responded and clashed with the militants. At least seven people were killed as the militants fired rockets.",
			[]want{{event.Battles, "2020-03-16", 7}},
		},
		{
			"the toll of the operation told after a recollection", "2018-03-13T12:00:00Z",
			"On 11 March, French and Malian forces carried out operations against militants near Menaka. The militants had seized a vehicle in an earlier attack in Tongo Tongo back in October. Seven militants were killed in the operation.",
			[]want{{event.Battles, "2018-03-11", 7}},
		},
		{
			"hostages taken in the fighting stay in the battle", "2024-08-02T09:00:00Z",
			"Separatist rebels said they fought the Malian army for two days from July 25 near Tinzaouatene.\n\n" +
				"The rebels said they had taken seven soldiers hostage and lost four men in the fighting.",
			[]want{{event.Battles, "2024-07-25", 4}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := c.Code(context.Background(), doc("seg", tt.published, tt.text))
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, e := range evs {
				if !e.Background {
					got = append(got, want{e.EventType, e.EventDate, e.Fatalities})
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("events %+v, want %+v", got, tt.want)
			}
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Errorf("no event %+v among %+v", w, got)
				}
			}
		})
	}
}

// TestMainStoryFirst: a document's events come out with the one it tells in most sentences first,
// reading order among equals.
func TestMainStoryFirst(t *testing.T) {
	ev := func(date, loc string, lat float64) event.Event {
		return event.Event{EventDate: date, TimePrecision: 1, Country: "Mali", Location: loc, Latitude: lat, Longitude: -3,
			GeoPrecision: 1, EventType: event.Battles, SubEventType: "Armed clash"}
	}
	got := mergeSameEvent([]coded{
		{ev: ev("2024-07-01", "Boni", 15), told: 1},
		{ev: ev("2024-07-02", "Douentza", 14), told: 4},
		{ev: ev("2024-07-03", "Hombori", 13), told: 1},
	})
	var order []string
	for _, e := range got {
		order = append(order, e.Location)
	}
	if want := []string{"Douentza", "Boni", "Hombori"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
}

// FuzzCode: any article text codes without panicking, and every evidence span points into it.
func FuzzCode(f *testing.F) {
	for _, s := range []string{
		"A convoy of trucks came under fire, killing at least 7 people.",
		"19 June. Workers went on strike. One death reported.",
		"The militants then threw an explosive device, killing two.",
		"Rebels said on Thursday drone attacks killed 50 civilians after three days of fighting that began on July 25.",
		"",
	} {
		f.Add(s)
	}
	c := testCoder(f)
	f.Fuzz(func(t *testing.T, text string) {
		evs, err := c.Code(context.Background(), doc("fz", "2024-07-03T12:00:00Z", text))
		if err != nil {
			t.Fatal(err)
		}
		d := doc("fz", "2024-07-03T12:00:00Z", text)
		for _, e := range evs {
			for _, ev := range e.Evidence {
				if ev.Start < 0 || ev.End > len(d.Text) || ev.Start > ev.End || d.Text[ev.Start:ev.End] != ev.Text {
					t.Fatalf("evidence %+v outside the text", ev)
				}
			}
		}
	})
}

// TestDetection: hand-written one-sentence reports of the shapes the coder used to code no event for
// (present-tense headlines, crowds that clash, shells and artillery with no party named, protests about
// accidents), each with the event type a careful coder gives it; and their near misses that must stay
// no event.
func TestDetection(t *testing.T) {
	c := testCoder(t)
	tests := []struct {
		name, text string
		want       string // event type, "any" for an event of any type, "" for no event
	}{
		{"shells fell", "On 27 April 2020, indiscriminate shells fired by presumed rebel forces fell in the Sabaa district of Tripoli. No casualties reported.", event.ExplosionsRemote},
		{"artillery fire of an unknown party", "On 30 April 2020, heavy artillery fire by an unknown party was reported in Abu Salim, Tripoli. No casualties reported.", event.ExplosionsRemote},
		{"headline present tense", "28 June. Military forces neutralize 8 Boko Haram members during an operation in Monguno, Borno State.", event.Battles},
		{"an encounter", "09 July. Military forces report 15 Boko Haram fatalities following an encounter in Bama, Borno State.", event.Battles},
		{"youths clash", "On 28 April 2020, youths from the village of Koumbara clashed with villagers from Ouahigouya over a land dispute.", "any"},
		{"students assault teachers", "On 29 April 2020, striking students assaulted two teachers in Saaba.", "any"},
		{"residents stone a thief", "On 13 June 2020, residents stoned a man accused of theft in Marimanti, Tharaka-Nithi.", "any"},
		{"protest about accidents", "On 29 April 2020, residents in Kayes protested against traffic insecurity after a string of road accidents.", event.Protests},
		{"forced disappearance", "On 11 April 2020, the Malian army carried out the forced disappearance of two herders in the village of Boni.", "any"},
		{"curfew", "On 29 April 2020, the governor imposed a nightly curfew in Djibo due to insecurity.", event.StrategicDevelopment},
		{"sexual violence with no armed party", "On 29 April 2020, an aid worker was sexually assaulted by a criminal group on the road in Menaka.", event.ViolenceCivilians},
		{"a crowd loots", "On 29 April 2020, angry residents looted and destroyed a clinic in Kasipul, Homa Bay, over a land dispute.", "any"},
		{"a mine set off by accident", "On 29 April 2020, two teenagers died when they accidentally triggered an anti-personnel mine while farming in Morrumbala.", "any"},
		{"corpses found", "On 29 April 2020, five decomposed corpses were found near Tanwalbougou, presumably victims of a summary execution.", "any"},
		{"air and ground operations", "On 29 April 2020, French forces conducted air/ground operations against militants in the area of Gorom-Gorom.", event.Battles},
		{"a shell fired", "On 29 April 2020, an indiscriminate shell fired by presumed rebel forces fell in Garabulli. No casualties reported.", event.ExplosionsRemote},
		{"a kidnapping by unknown people", "On 29 April 2020, a businessman was abducted by armed people in Chimoio.", event.ViolenceCivilians},
		{"youths attack a meeting", "On 29 April 2020, a group of youths in Ouahigouya attacked a meeting of a forest protection movement and assaulted its members.", event.Riots},
		{"a village attacked by hands unnamed", "On 29 April 2020, the village of Namatil was attacked north of Macomia. Perpetrators not clear.", "any"},
		{"gun fire exchanged", "On 29 April 2020, Al Shabaab militants exchanged gun fire amongst each other near Mandera, resulting in one death.", event.Battles},
		{"the village fought back", "On 29 April 2020, militants attacked the village of Sango near Bandiagara. Village self-defense responded to the attack. Two villagers were killed.", event.Battles},
		// Near misses: no event.
		{"a gas explosion", "A gas cylinder exploded in a restaurant in Bamako on Monday, injuring three cooks, the fire service said.", ""},
		{"a planned incursion", "Pressure mounts on Malian and Russian forces should they continue their touted northern incursion toward Tinzaouaten.", ""},
		{"residents speak of the attack", "Residents said the attack had left the market town deserted, according to a local radio.", ""},
		{"a crowd at a match", "A crowd of 40,000 fans watched Mali beat Senegal in Bamako on Sunday in the football tournament.", ""},
		{"fears of kidnappings", "Parents in Kaduna on Monday said they feared more kidnappings of schoolchildren this term.", ""},
		{"a man stabs his wife", "A man stabbed his wife in Kayes on Monday during a quarrel, a neighbour said.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := c.Code(context.Background(), doc("det", "2020-05-01T12:00:00Z", tt.text))
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for _, e := range evs {
				if !e.Background {
					types = append(types, e.EventType)
				}
			}
			switch {
			case tt.want == "" && len(types) > 0:
				t.Errorf("coded %v, want no event", types)
			case tt.want == "any" && len(types) == 0:
				t.Errorf("coded no event, want one")
			case tt.want != "" && tt.want != "any" && !slices.Contains(types, tt.want):
				t.Errorf("coded %v, want a %s event", types, tt.want)
			}
		})
	}
}
