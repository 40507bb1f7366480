package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
)

// place is where a test event happens.
type place struct {
	country, iso3, admin1, location string
	lat, lon                        float64
}

var places = []place{
	{"Mali", "MLI", "Mopti", "Sofara", 14.0167, -4.25},
	{"Mali", "MLI", "Segou", "Niono", 14.25, -5.99},
	{"Burkina Faso", "BFA", "Sahel", "Djibo", 14.10, -1.63},
	{"Niger", "NER", "Tillaberi", "Ayorou", 14.73, 0.92},
	{"Mozambique", "MOZ", "Cabo Delgado", "Mocimboa da Praia", -11.35, 40.35},
	{"Nigeria", "NGA", "Borno", "Damboa", 11.15, 12.76},
	{"Mali", "MLI", "Mopti", "", 0, 0}, // not located
}

var actorPairs = [][2]string{
	{"Military Forces of Mali (2021-)", "JNIM: Group for Support of Islam and Muslims"},
	{"Islamic State (Sahel)", "Civilians (Niger)"},
	{"Islamic State (Mozambique)", "Military Forces of Mozambique (2025-)"},
	{"Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", "Civilians (Nigeria)"},
	{"Unidentified Armed Group (Burkina Faso)", ""},
}

var typePairs = [][2]string{
	{event.Battles, "Armed clash"},
	{event.ViolenceCivilians, "Attack"},
	{event.ExplosionsRemote, "Remote explosive/landmine/IED"},
	{event.ViolenceCivilians, "Abduction/forced disappearance"},
	{event.StrategicDevelopment, "Looting/property destruction"},
}

// testEvents builds n varied events deterministically: every filter has events on both sides.
func testEvents(n int) []event.Event {
	var out []event.Event
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		p := places[i%len(places)]
		a := actorPairs[i*3%len(actorPairs)]
		t := typePairs[i*7%len(typePairs)]
		day := start.AddDate(0, 0, i*37%90).Format(time.DateOnly)
		e := event.Event{
			EventIDCnty: fmt.Sprintf("%s%d", p.iso3, i+1), EventDate: day, Year: 2025, TimePrecision: 1,
			DisorderType: event.DisorderType(t[0]), EventType: t[0], SubEventType: t[1],
			Actor1: a[0], Actor2: a[1], Country: p.country, Admin1: p.admin1, Location: p.location,
			Latitude: p.lat, Longitude: p.lon, Fatalities: i * 13 % 25, Status: event.StatusAuto,
			Background: i%11 == 10,
		}
		if p.lat != 0 {
			e.GeoPrecision = 1
		}
		if strings.HasPrefix(a[1], "Civilians") {
			e.CivilianTargeting = event.CivilianTargetingValue
		}
		if i%4 == 0 {
			e.AssocActor1 = "Wagner Group"
		}
		e.Notes = event.Notes(e)
		out = append(out, e)
	}
	return out
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t testing.TB, h http.Handler, target string) response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	return response{rec.Code, rec.Result().Header, body}
}

type page struct {
	Events []event.Event `json:"events"`
	Next   string        `json:"next"`
}

func getPage(t testing.TB, h http.Handler, target string) page {
	t.Helper()
	r := do(t, h, target)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("GET %s: Content-Type %q", target, ct)
	}
	var p page
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("GET %s: %v in %s", target, err, r.body)
	}
	return p
}

func ids(evs []event.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.EventIDCnty
	}
	return out
}

// expected lists the ids f.Match selects, newest first as the API sorts by default.
func expected(events []event.Event, f event.Filter) []string {
	var sel []event.Event
	for _, e := range events {
		if f.Match(e) {
			sel = append(sel, e)
		}
	}
	slices.SortFunc(sel, func(a, b event.Event) int {
		if c := strings.Compare(b.EventDate, a.EventDate); c != 0 {
			return c
		}
		return strings.Compare(b.EventIDCnty, a.EventIDCnty)
	})
	return ids(sel)
}

func boolp(b bool) *bool { return &b }

func TestEventsFilters(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		events := testEvents(120)
		h := api.New(open(t, nil, events), api.Options{Logger: quiet})
		tests := []struct {
			query string
			want  event.Filter
			// min is a floor on the number of matches, so that a filter cannot pass by selecting nothing.
			min int
		}{
			{"", event.Filter{}, 100},
			{"background=true", event.Filter{IncludeBackground: true}, 120},
			{"background=false", event.Filter{}, 100},
			{"country=mali", event.Filter{Country: "Mali"}, 30},
			{"country=BURKINA%20FASO", event.Filter{Country: "Burkina Faso"}, 10},
			{"country=Mal", event.Filter{Country: "Mal"}, 0},
			{"admin1=mopti", event.Filter{Admin1: "Mopti"}, 20},
			{"admin1=Cabo+Delgado&country=Mozambique", event.Filter{Admin1: "Cabo Delgado", Country: "Mozambique"}, 10},
			{"event_type=Battles", event.Filter{EventType: event.Battles}, 15},
			{"event_type=violence+against+civilians", event.Filter{EventType: event.ViolenceCivilians}, 30},
			{"sub_event_type=Attack", event.Filter{SubEventType: "Attack"}, 15},
			{"actor=jnim", event.Filter{Actor: "JNIM"}, 15},
			{"actor=Wagner", event.Filter{Actor: "Wagner"}, 20}, // assoc_actor_1 only
			{"actor=civilians+(nigeria)", event.Filter{Actor: "Civilians (Nigeria)"}, 15},
			{"actor=50%25", event.Filter{Actor: "50%"}, 0}, // LIKE wildcards are literal
			{"actor=_", event.Filter{Actor: "_"}, 0},
			{"since=2025-02-01", event.Filter{Since: "2025-02-01"}, 30},
			{"until=2025-01-15", event.Filter{Until: "2025-01-15"}, 10},
			{"since=2025-01-10&until=2025-01-10", event.Filter{Since: "2025-01-10", Until: "2025-01-10"}, 1},
			{"bbox=-6,13,-4,15", event.Filter{BBox: &event.BBox{MinLon: -6, MinLat: 13, MaxLon: -4, MaxLat: 15}}, 25},
			{"bbox=-4.25,14.0167,-4.25,14.0167", event.Filter{BBox: &event.BBox{MinLon: -4.25, MinLat: 14.0167, MaxLon: -4.25, MaxLat: 14.0167}}, 10}, // edges included
			{"bbox=-1,-1,1,1", event.Filter{BBox: &event.BBox{MinLon: -1, MinLat: -1, MaxLon: 1, MaxLat: 1}}, 0},                                      // unlocated events are not at 0,0
			{"bbox=30,-20,50,0", event.Filter{BBox: &event.BBox{MinLon: 30, MinLat: -20, MaxLon: 50, MaxLat: 0}}, 10},
			{"min_fatalities=20", event.Filter{MinFatalities: 20}, 10},
			{"min_fatalities=0", event.Filter{}, 100},
			{"civilian_targeting=true", event.Filter{CivilianTargeting: boolp(true)}, 30},
			{"civilian_targeting=false", event.Filter{CivilianTargeting: boolp(false)}, 30},
			{"country=Mali&event_type=Battles&min_fatalities=5&since=2025-01-05&background=true",
				event.Filter{Country: "Mali", EventType: event.Battles, MinFatalities: 5, Since: "2025-01-05", IncludeBackground: true}, 1},
		}
		for _, tc := range tests {
			t.Run(tc.query, func(t *testing.T) {
				want := expected(events, tc.want)
				if len(want) < tc.min {
					t.Fatalf("test data: %d events match, want at least %d", len(want), tc.min)
				}
				if tc.min == 0 && len(want) != 0 {
					t.Fatalf("test data: %d events match, want none", len(want))
				}
				p := getPage(t, h, "/api/events?limit=1000&"+tc.query)
				if got := ids(p.Events); !slices.Equal(got, want) {
					t.Errorf("got %d events %v\nwant %d %v", len(got), got, len(want), want)
				}
				if p.Next != "" {
					t.Errorf("next = %q on the only page", p.Next)
				}
			})
		}
	})
}

func TestEventsFullText(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		events := testEvents(30)
		docs := []document.Document{
			{ID: "doc-a", URL: "https://example.org/a", Title: "Attaque près de Kéniéba", Text: "Des hommes armés ont attaqué le marché de Niono mardi."},
			{ID: "doc-b", URL: "https://example.org/b", Title: "Ambush", Text: "Gunmen ambushed a convoy of traders on the road to Djibo."},
		}
		events[0].Sources = []event.Source{{ID: "doc-a"}}
		events[1].Sources = []event.Source{{ID: "doc-b"}, {ID: "doc-a"}}
		events[2].Sources = []event.Source{{ID: "doc-b"}}
		h := api.New(open(t, docs, events), api.Options{Logger: quiet})
		tests := []struct {
			q    string
			want []string // ids, any order
		}{
			{"convoy traders", []string{events[1].EventIDCnty, events[2].EventIDCnty}},
			{"MARCHE", []string{events[0].EventIDCnty, events[1].EventIDCnty}},  // case and accents ignored
			{"KENIEBA", []string{events[0].EventIDCnty, events[1].EventIDCnty}}, // in the title
			{"ambus*", []string{events[1].EventIDCnty, events[2].EventIDCnty}},
			{"convoy marché", nil}, // every word in one text
			{`"NEAR" OR convoy`, nil},
			{"fatalities Sofara", expectedNotes(events, "fatalities", "Sofara")},
		}
		for _, tc := range tests {
			p := getPage(t, h, "/api/events?background=true&q="+url.QueryEscape(tc.q))
			got := ids(p.Events)
			slices.Sort(got)
			slices.Sort(tc.want)
			if !slices.Equal(got, tc.want) {
				t.Errorf("q=%q: got %v, want %v", tc.q, got, tc.want)
			}
		}
	})
}

// expectedNotes lists events whose notes contain every word.
func expectedNotes(events []event.Event, words ...string) []string {
	var out []string
	for _, e := range events {
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(strings.ToLower(e.Notes), strings.ToLower(w))
		}
		if ok {
			out = append(out, e.EventIDCnty)
		}
	}
	if len(out) == 0 {
		panic("expectedNotes: test data has no match")
	}
	return out
}

func TestPagination(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		events := testEvents(137)
		h := api.New(open(t, nil, events), api.Options{Logger: quiet})
		for _, query := range []string{"", "sort=fatalities", "country=Mali&sort=date", "background=true&sort=fatalities"} {
			t.Run(query, func(t *testing.T) {
				all := getPage(t, h, "/api/events?limit=1000&"+query).Events
				var got []event.Event
				pages := 0
				target := "/api/events?limit=7&" + query
				for {
					p := getPage(t, h, target)
					pages++
					got = append(got, p.Events...)
					if p.Next == "" {
						break
					}
					if len(p.Events) != 7 {
						t.Fatalf("page %d has %d events but a next cursor", pages, len(p.Events))
					}
					target = "/api/events?limit=7&" + query + "&cursor=" + url.QueryEscape(p.Next)
					if pages > 100 {
						t.Fatal("pagination does not end")
					}
				}
				if !slices.Equal(ids(got), ids(all)) {
					t.Errorf("pages gave %v\nwant %v", ids(got), ids(all))
				}
				seen := map[string]bool{}
				for _, e := range got {
					if seen[e.EventIDCnty] {
						t.Errorf("%s listed twice", e.EventIDCnty)
					}
					seen[e.EventIDCnty] = true
				}
				if want := len(expected(events, event.Filter{IncludeBackground: strings.Contains(query, "background"),
					Country: map[bool]string{true: "Mali"}[strings.Contains(query, "Mali")]})); len(got) != want {
					t.Errorf("%d events over %d pages, want %d", len(got), pages, want)
				}
				sorted := slices.IsSortedFunc(got, func(a, b event.Event) int {
					if strings.Contains(query, "fatalities") && a.Fatalities != b.Fatalities {
						return b.Fatalities - a.Fatalities
					}
					return strings.Compare(b.EventDate, a.EventDate)
				})
				if !sorted {
					t.Errorf("events out of order: %v", ids(got))
				}
			})
		}
	})
}

func TestDefaultLimit(t *testing.T) {
	h := api.New(openStore(t, nil, testEvents(250)), api.Options{Logger: quiet})
	p := getPage(t, h, "/api/events")
	if len(p.Events) != api.DefaultLimit || p.Next == "" {
		t.Errorf("default page: %d events, next %q; want %d and a cursor", len(p.Events), p.Next, api.DefaultLimit)
	}
}

func TestErrors(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		events := testEvents(20)
		h := api.New(open(t, nil, events), api.Options{Logger: quiet})
		first := getPage(t, h, "/api/events?limit=2")
		tests := []struct {
			target string
			status int
			msg    string // substring of the error
		}{
			{"/api/events?since=2025-1-1", 400, "since: want YYYY-MM-DD"},
			{"/api/events?until=yesterday", 400, "until: want YYYY-MM-DD"},
			{"/api/events?since=2025-02-30", 400, "since: want YYYY-MM-DD"},
			{"/api/events?since=2025-03-01&until=2025-02-01", 400, "is after until"},
			{"/api/events?limit=0", 400, "limit: want a whole number from 1 to 1000"},
			{"/api/events?limit=1001", 400, "limit"},
			{"/api/events?limit=ten", 400, "limit"},
			{"/api/events?sort=name", 400, "sort: want date or fatalities"},
			{"/api/events?bbox=1,2,3", 400, "bbox: want minLon,minLat,maxLon,maxLat"},
			{"/api/events?bbox=a,2,3,4", 400, "is not a number"},
			{"/api/events?bbox=10,2,3,4", 400, "minLon ≤ maxLon"},
			{"/api/events?bbox=-190,2,3,4", 400, "[-180, 180]"},
			{"/api/events?bbox=NaN,2,3,4", 400, "is not a number"},
			{"/api/events?min_fatalities=-1", 400, "min_fatalities"},
			{"/api/events?min_fatalities=1.5", 400, "min_fatalities"},
			{"/api/events?civilian_targeting=yes", 400, "civilian_targeting: want true or false"},
			{"/api/events?background=1", 400, "background: want true or false"},
			{"/api/events?event_type=Massacre", 400, "event_type"},
			{"/api/events?sub_event_type=Duel", 400, "sub_event_type"},
			{"/api/events?contry=Mali", 400, `unknown parameter "contry"`},
			{"/api/events?country=Mali&country=Niger", 400, "country: given 2 times"},
			{"/api/events?q=%2A%2A%20%22", 400, "no words"},
			{"/api/events?q=" + strings.Repeat("a", 501), 400, "q: longer than 500"},
			{"/api/events?country=%ff", 400, "not valid UTF-8"},
			{"/api/events?cursor=garbage", 400, "cursor: not a cursor"},
			{"/api/events?cursor=" + first.Next + "&country=Mali", 400, "cursor: it belongs to a query with other filters"},
			{"/api/events?cursor=" + first.Next + "&sort=fatalities", 400, "cursor: it belongs"},
			{"/api/events?bucket=day", 400, `unknown parameter "bucket"`},
			{"/api/events/NOPE1", 404, `event "NOPE1" not found`},
			{"/api/events/MLI1?x=1", 400, "takes no parameters"},
			{"/api/documents/missing", 404, `document "missing" not found`},
			{"/api/stats?bucket=month", 400, "bucket: want day or week"},
			{"/api/stats?limit=5", 400, `unknown parameter "limit"`},
			{"/api/events.csv?since=x", 400, "since: want YYYY-MM-DD"},
			{"/api/events.geojson?extensions=true", 400, `unknown parameter "extensions"`},
			{"/api/nothing", 404, "no API endpoint /api/nothing"},
			{"/", 404, "no dashboard"},
			{"/healthz?x=1", 400, "no parameters"},
		}
		for _, tc := range tests {
			r := do(t, h, tc.target)
			if r.status != tc.status {
				t.Errorf("GET %s: status %d, want %d (%s)", tc.target, r.status, tc.status, r.body)
				continue
			}
			var body struct{ Error string }
			if err := json.Unmarshal(r.body, &body); err != nil {
				t.Errorf("GET %s: error body %q is not JSON: %v", tc.target, r.body, err)
				continue
			}
			if !strings.Contains(body.Error, tc.msg) {
				t.Errorf("GET %s: error %q, want it to say %q", tc.target, body.Error, tc.msg)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", tc.target, ct)
			}
		}
		// A request whose client has gone (or that ran out of time) gets 503, not 500.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/events", nil).WithContext(ctx))
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "cancelled or timed out") {
			t.Errorf("cancelled request: %d %s", rec.Code, rec.Body)
		}
		// Methods other than GET.
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/api/events", strings.NewReader("{}")))
		if rec.Code != http.StatusMethodNotAllowed || !strings.Contains(rec.Body.String(), `"error"`) || rec.Header().Get("Allow") == "" {
			t.Errorf("POST /api/events: %d %s (Allow %q)", rec.Code, rec.Body, rec.Header().Get("Allow"))
		}
	})
}

// quiet drops the request log in tests.
var quiet = slog.New(slog.DiscardHandler)

// FuzzEventsQuery: whatever query string a client sends, /api/events and /api/stats answer 200 or a
// JSON 400, never a server error.
func FuzzEventsQuery(f *testing.F) {
	for _, s := range []string{"", "country=Mali&limit=5", "bbox=1,2,3,4", "q=%22a%22+OR+b*", "since=2025-01-01&until=2024-01-01",
		"cursor=eyJ2IjoxfQ", "limit=-1", "sort=fatalities&min_fatalities=3", "actor=%25_%5C", "civilian_targeting=true&background=true",
		"bbox=-180,-90,180,90", "q=%00", "country=%ff%fe", "a=1&a=2", "bucket=week"} {
		f.Add(s)
	}
	h := api.New(openStore(f, nil, testEvents(40)), api.Options{Logger: quiet})
	f.Fuzz(func(t *testing.T, raw string) {
		for _, path := range []string{"/api/events", "/api/stats"} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.URL.Path, req.URL.RawQuery = path, raw
			h.ServeHTTP(rec, req)
			switch rec.Code {
			case http.StatusOK, http.StatusBadRequest:
			default:
				t.Fatalf("GET %s?%s: %d %s", path, raw, rec.Code, rec.Body)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("GET %s?%s: body is not JSON: %s", path, raw, rec.Body)
			}
		}
	})
}
