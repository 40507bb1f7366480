// Package synthetic generates a realistic stream of coded reports for benchmarks and load tests:
// places drawn from the gazetteer's populated places in the Sahel, Lake Chad and Cabo Delgado, dates
// over two years, ACLED actors and types, and several outlets reporting some of the same events.
// Nothing in it is real news.
package synthetic

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// Place is a populated place events can happen at.
type Place struct {
	Name, Country, ISO3, Admin1, Admin2 string
	Lat, Lon                            float64
	ID                                  int64
}

// Places picks up to n populated places (GeoNames class P) of the given countries from the gazetteer.
func Places(g *gazetteer.Gazetteer, countries []string, n int) []Place {
	var out []Place
	perCountry := max(1, n/len(countries))
	for _, cc := range countries {
		c, ok := g.Country(cc)
		if !ok {
			continue
		}
		got := 0
		// A grid walk over the country's neighbourhood finds its places through the spatial index.
		for dlat := -6.0; dlat <= 6 && got < perCountry; dlat += 0.5 {
			for dlon := -6.0; dlon <= 6 && got < perCountry; dlon += 0.5 {
				p, km, ok := g.Nearest(c.Lat+dlat, c.Lon+dlon, cc, func(p gazetteer.Place) bool { return p.Class == 'P' })
				if !ok || km > 40 {
					continue
				}
				a1, a2 := g.AdminNames(p)
				out = append(out, Place{Name: p.Name, Country: c.Name, ISO3: c.ISO3, Admin1: a1, Admin2: a2, Lat: p.Lat, Lon: p.Lon, ID: p.ID})
				got++
			}
		}
	}
	return out
}

var (
	// actors act where they do in reality (ISO3 codes; empty: anywhere), so that the coder, which
	// weighs a named group's country, places the stream's reports as it would real ones.
	actors = []struct {
		name      string
		inter     int
		countries string
	}{
		{"JNIM: Group for Support of Islam and Muslims", 2, "MLI BFA NER"}, {"Islamic State (Sahel)", 2, "MLI BFA NER"},
		{"Islamic State West Africa Province (ISWAP)", 2, "NGA NER"}, {"Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", 2, "NGA NER"},
		{"Unidentified Armed Group", 3, ""}, {"Islamic State (Mozambique)", 2, "MOZ"},
	}
	types = []struct{ typ, sub string }{
		{event.Battles, "Armed clash"}, {event.ViolenceCivilians, "Attack"},
		{event.ExplosionsRemote, "Remote explosive/landmine/IED"}, {event.ViolenceCivilians, "Abduction/forced disappearance"},
		{event.ExplosionsRemote, "Air/drone strike"},
	}
	outlets = []string{"Sample Wire", "Sample Daily", "Sample Radio", "Sample Post", "Sample Monitor"}
)

// Stream yields synthetic documents and the reports coded from them. Each underlying event is reported
// by one to three outlets, days apart, so deduplication has real work.
type Stream struct {
	rng    *rand.Rand
	places []Place
	start  time.Time
	days   int
	n      int
	queue  []Item
}

// Item is one synthetic document with the event coded from it.
type Item struct {
	Doc    document.Document
	Report event.Event
}

// NewStream returns a deterministic stream over places, with events spread over days from start.
func NewStream(seed uint64, places []Place, start time.Time, days int) *Stream {
	return &Stream{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), places: places, start: start, days: days}
}

// Next returns the next document of the stream.
func (s *Stream) Next() Item {
	if len(s.queue) == 0 {
		s.queue = s.event()
	}
	it := s.queue[0]
	s.queue = s.queue[1:]
	return it
}

func (s *Stream) event() []Item {
	p := s.places[s.rng.IntN(len(s.places))]
	day := s.start.AddDate(0, 0, s.rng.IntN(s.days))
	a := actors[s.rng.IntN(len(actors))]
	for a.countries != "" && !strings.Contains(a.countries, p.ISO3) {
		a = actors[s.rng.IntN(len(actors))]
	}
	t := types[s.rng.IntN(len(types))]
	dead := s.rng.IntN(30)
	reports := 1 + s.rng.IntN(3)
	var out []Item
	for r := 0; r < reports; r++ {
		s.n++
		outlet := outlets[(s.n+r)%len(outlets)]
		pub := day.Add(time.Duration(6+s.rng.IntN(60)) * time.Hour)
		id := fmt.Sprintf("synthetic-%d", s.n)
		doc := document.Document{ID: id, URL: "https://example.org/synthetic/" + id, Outlet: outlet, Published: pub,
			Text: fmt.Sprintf("SAMPLE DATA %d: %s attacked %s on %s.", s.n, a.name, p.Name, day.Format(time.DateOnly))}
		doc.Finish()
		name1 := a.name
		if a.inter == 3 {
			name1 = "Unidentified Armed Group (" + p.Country + ")"
		}
		ev := event.Event{
			EventIDCnty: p.ISO3, EventDate: day.Format(time.DateOnly), Year: day.Year(), TimePrecision: 1,
			DisorderType: event.DisorderType(t.typ), EventType: t.typ, SubEventType: t.sub,
			Actor1: name1, Inter1: a.inter, Actor2: "Civilians (" + p.Country + ")", Inter2: 7,
			Country: p.Country, Admin1: p.Admin1, Admin2: p.Admin2, Location: p.Name, Latitude: p.Lat, Longitude: p.Lon,
			GeoPrecision: 1, GeonameID: p.ID, Source: outlet, Fatalities: max(0, dead-r), FatalitiesLow: max(0, dead-r), FatalitiesHigh: dead,
			Confidence: 0.7, Status: event.StatusAuto,
			Sources:  []event.Source{{ID: id, URL: doc.URL, Outlet: outlet, Published: pub.Format(time.RFC3339)}},
			Evidence: []event.Evidence{{Field: "event_type", SourceID: id, Start: 0, End: len(doc.Text), Text: doc.Text}},
		}
		ev.Interaction = event.Interaction(ev.Inter1, ev.Inter2)
		out = append(out, Item{Doc: doc, Report: ev})
	}
	return out
}
