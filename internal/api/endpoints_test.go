package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
)

// hostile is article text written to run script if any client ever treats it as HTML.
const hostile = `Residents said <script>alert("x")</script> gunmen came at dawn. <img src=x onerror=alert(1)> & fled.`

// evidenceStore holds one event whose notes, claims and evidence quote a hostile document, one event
// merged into it, and a background event.
func evidenceStore(t *testing.T, open opener) (http.Handler, event.Event) {
	t.Helper()
	doc := document.Document{ID: "doc-x", URL: "https://example.org/x", Outlet: "Example Wire",
		Title: `Attack <b onmouseover=alert(2)>`, Text: hostile, Origin: "/home/someone/private/feed.xml"}
	start := strings.Index(hostile, "<script>")
	e := testEvents(1)[0]
	e.EventIDCnty = "MLI7"
	e.Notes = "Quoted: " + hostile
	e.Sources = []event.Source{{ID: "doc-x", URL: doc.URL, Outlet: doc.Outlet, Title: doc.Title}}
	e.Claims = []event.Claim{{By: "residents", Figure: 3, Kind: "killed", Text: hostile, Source: "doc-x", Start: 0, End: len(hostile)}}
	e.Evidence = []event.Evidence{{Field: "actor1", SourceID: "doc-x", Start: start, End: len(hostile), Text: hostile[start:]}}
	merged := e
	merged.EventIDCnty = "MLI8"
	s := open(t, []document.Document{doc}, []event.Event{e, merged})
	ctx := context.Background()
	if err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.MergeAway(ctx, "MLI8", "MLI7") }); err != nil {
		t.Fatal(err)
	}
	return api.New(s, api.Options{Logger: quiet}), e
}

func TestEventDetail(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		h, want := evidenceStore(t, open)
		r := do(t, h, "/api/events/MLI7")
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var got event.Event
		if err := json.Unmarshal(r.body, &got); err != nil {
			t.Fatal(err)
		}
		if got.EventIDCnty != "MLI7" || len(got.Sources) != 1 || len(got.Claims) != 1 || len(got.Evidence) != 1 {
			t.Fatalf("got %+v", got)
		}
		if got.Evidence[0] != want.Evidence[0] || got.Claims[0] != want.Claims[0] || got.Notes != want.Notes {
			t.Errorf("evidence/claims/notes changed on the way:\n%+v\n%+v", got, want)
		}
		// A merged-away id redirects to its survivor.
		r = do(t, h, "/api/events/MLI8")
		if r.status != http.StatusMovedPermanently || r.header.Get("Location") != "/api/events/MLI7" {
			t.Errorf("merged-away id: %d Location %q", r.status, r.header.Get("Location"))
		}
		// The list holds the survivor only.
		if p := getPage(t, h, "/api/events?background=true"); !slices.Equal(ids(p.Events), []string{"MLI7"}) {
			t.Errorf("list after merge: %v", ids(p.Events))
		}
	})
}

func TestDocument(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		h, e := evidenceStore(t, open)
		r := do(t, h, "/api/documents/doc-x")
		if r.status != http.StatusOK {
			t.Fatalf("%d %s", r.status, r.body)
		}
		var d struct {
			ID, URL, Outlet, Title, Text string
			Origin                       *string
		}
		if err := json.Unmarshal(r.body, &d); err != nil {
			t.Fatal(err)
		}
		if d.Text != hostile || d.ID != "doc-x" || d.Outlet != "Example Wire" {
			t.Errorf("document %+v", d)
		}
		if strings.Contains(string(r.body), "/home/someone") {
			t.Error("the document's origin (a path on the ingesting machine) is exposed")
		}
		// Evidence offsets point into the served text.
		ev := e.Evidence[0]
		if d.Text[ev.Start:ev.End] != ev.Text {
			t.Errorf("evidence %d:%d is %q in the served text, want %q", ev.Start, ev.End, d.Text[ev.Start:ev.End], ev.Text)
		}
	})
}

// TestHostileTextStaysInert: markup from articles reaches clients escaped inside JSON, never as
// markup, and every response carries the CSP and nosniff headers.
func TestHostileTextStaysInert(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		h, _ := evidenceStore(t, open)
		for _, target := range []string{"/api/events", "/api/events/MLI7", "/api/documents/doc-x", "/api/events.geojson", "/api/stats", "/api/nothing", "/healthz"} {
			r := do(t, h, target)
			body := string(r.body)
			for _, bad := range []string{"<script", "<img", "<b ", "</script"} {
				if strings.Contains(body, bad) {
					t.Errorf("GET %s: body contains raw %q", target, bad)
				}
			}
			if target == "/api/events/MLI7" && (!strings.Contains(body, `\u003cscript\u003e`) || !strings.Contains(body, "onerror=alert(1)")) {
				t.Errorf("GET %s: hostile text not kept (escaped): %s", target, body)
			}
			if got := r.header.Get("Content-Security-Policy"); got != api.ContentSecurityPolicy {
				t.Errorf("GET %s: CSP %q", target, got)
			}
			if !strings.Contains(api.ContentSecurityPolicy, "script-src 'self'") || strings.Contains(api.ContentSecurityPolicy, "unsafe-inline") {
				t.Errorf("CSP allows inline script or style: %s", api.ContentSecurityPolicy)
			}
			if r.header.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("GET %s: no nosniff", target)
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/") {
				t.Errorf("GET %s: Content-Type %q", target, ct)
			}
		}
		// The decoded JSON gives the article's text back unchanged.
		var got event.Event
		if err := json.Unmarshal(do(t, h, "/api/events/MLI7").body, &got); err != nil || got.Claims[0].Text != hostile {
			t.Errorf("claim text after decoding: %q (%v)", got.Claims[0].Text, err)
		}
	})
}

func TestStaticMount(t *testing.T) {
	static := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>dashboard</title>"))
	})
	h := api.New(openStore(t, nil, nil), api.Options{Static: static, Logger: quiet})
	r := do(t, h, "/")
	if r.status != 200 || !strings.Contains(string(r.body), "dashboard") || r.header.Get("Content-Security-Policy") != api.ContentSecurityPolicy {
		t.Errorf("GET /: %d %q CSP %q", r.status, r.body, r.header.Get("Content-Security-Policy"))
	}
	// The API keeps its paths.
	if r := do(t, h, "/api/nothing"); r.status != 404 || !strings.Contains(string(r.body), `"error"`) {
		t.Errorf("GET /api/nothing with a static handler: %d %s", r.status, r.body)
	}
}

func TestCSV(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		events := testEvents(60)
		h := api.New(open(t, nil, events), api.Options{Logger: quiet})
		for _, tc := range []struct {
			query string
			f     event.Filter
			ext   bool
		}{
			{"", event.Filter{}, false},
			{"country=Niger&background=true", event.Filter{Country: "Niger", IncludeBackground: true}, false},
			{"event_type=Battles&extensions=true", event.Filter{EventType: event.Battles}, true},
			{"country=Atlantis", event.Filter{Country: "Atlantis"}, false},
		} {
			r := do(t, h, "/api/events.csv?"+tc.query)
			if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
				!strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
				t.Fatalf("%s: %d %v %s", tc.query, r.status, r.header, r.body)
			}
			rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", tc.query, err)
			}
			wantCols := len(event.Columns)
			if tc.ext {
				wantCols += 12
			}
			if !slices.Equal(rows[0][:len(event.Columns)], event.Columns) || len(rows[0]) != wantCols {
				t.Errorf("%s: header %v", tc.query, rows[0])
			}
			var got []string
			for _, row := range rows[1:] {
				got = append(got, row[0])
			}
			want := expected(events, tc.f)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: rows %v, want %v", tc.query, got, want)
			}
		}
	})
}

func TestGeoJSON(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		events := testEvents(60)
		h := api.New(open(t, nil, events), api.Options{Logger: quiet})
		r := do(t, h, "/api/events.geojson?country=mali")
		if r.status != 200 || r.header.Get("Content-Type") != "application/geo+json" {
			t.Fatalf("%d %v %s", r.status, r.header, r.body)
		}
		var fc struct {
			Type     string
			Features []struct {
				Geometry *struct {
					Type        string
					Coordinates []float64
				}
				Properties struct {
					EventIDCnty string `json:"event_id_cnty"`
					Country     string
				}
			}
		}
		if err := json.Unmarshal(r.body, &fc); err != nil {
			t.Fatal(err)
		}
		if fc.Type != "FeatureCollection" || len(fc.Features) != len(expected(events, event.Filter{Country: "Mali"})) {
			t.Fatalf("%s with %d features", fc.Type, len(fc.Features))
		}
		located := 0
		for _, f := range fc.Features {
			if f.Properties.Country != "Mali" {
				t.Errorf("feature %s in %s", f.Properties.EventIDCnty, f.Properties.Country)
			}
			if f.Geometry != nil {
				located++
				if lon := f.Geometry.Coordinates[0]; lon > -3 || lon < -7 {
					t.Errorf("feature %s at lon %v: coordinates not [lon, lat]", f.Properties.EventIDCnty, lon)
				}
			}
		}
		if located == 0 || located == len(fc.Features) {
			t.Errorf("%d of %d features located; test data has both kinds", located, len(fc.Features))
		}
		// An empty selection is still a valid collection.
		r = do(t, h, "/api/events.geojson?country=Atlantis")
		if err := json.Unmarshal(r.body, &fc); err != nil || len(fc.Features) != 0 {
			t.Errorf("empty GeoJSON %s: %v", r.body, err)
		}
	})
}

func TestStats(t *testing.T) {
	eachStore(t, func(t *testing.T, open opener) {
		events := testEvents(90)
		h := api.New(open(t, nil, events), api.Options{Logger: quiet})
		type stats struct {
			Events, Fatalities int
			Bucket             string
			Buckets            []struct {
				Start              string
				Events, Fatalities int
				ByType             map[string]int `json:"by_type"`
			}
			ByType []struct {
				EventType          string `json:"event_type"`
				Events, Fatalities int
			} `json:"by_type"`
		}
		for _, tc := range []struct {
			query string
			f     event.Filter
		}{
			{"", event.Filter{}},
			{"bucket=week", event.Filter{}},
			{"bucket=day&country=Nigeria&background=true", event.Filter{Country: "Nigeria", IncludeBackground: true}},
			{"bucket=week&civilian_targeting=true", event.Filter{CivilianTargeting: boolp(true)}},
		} {
			r := do(t, h, "/api/stats?"+tc.query)
			var st stats
			if err := json.Unmarshal(r.body, &st); err != nil || r.status != 200 {
				t.Fatalf("%s: %d %s %v", tc.query, r.status, r.body, err)
			}
			week := strings.Contains(tc.query, "week")
			wantBuckets := map[string]int{}
			wantDead := map[string]int{}
			wantTypes := map[string]int{}
			total, dead := 0, 0
			for _, e := range events {
				if !tc.f.Match(e) {
					continue
				}
				b := e.EventDate
				if week {
					b = monday(t, b)
				}
				wantBuckets[b]++
				wantDead[b] += e.Fatalities
				wantTypes[e.EventType]++
				total++
				dead += e.Fatalities
			}
			if st.Events != total || st.Fatalities != dead || total == 0 {
				t.Errorf("%s: totals %d events %d dead, want %d %d", tc.query, st.Events, st.Fatalities, total, dead)
			}
			if len(st.Buckets) != len(wantBuckets) {
				t.Errorf("%s: %d buckets, want %d", tc.query, len(st.Buckets), len(wantBuckets))
			}
			for i, b := range st.Buckets {
				if wantBuckets[b.Start] != b.Events || wantDead[b.Start] != b.Fatalities {
					t.Errorf("%s: bucket %s has %d events %d dead, want %d %d", tc.query, b.Start, b.Events, b.Fatalities, wantBuckets[b.Start], wantDead[b.Start])
				}
				if i > 0 && b.Start <= st.Buckets[i-1].Start {
					t.Errorf("%s: buckets out of order at %s", tc.query, b.Start)
				}
				n := 0
				for _, c := range b.ByType {
					n += c
				}
				if n != b.Events {
					t.Errorf("%s: bucket %s by_type sums to %d, want %d", tc.query, b.Start, n, b.Events)
				}
			}
			for i, c := range st.ByType {
				if wantTypes[c.EventType] != c.Events {
					t.Errorf("%s: %s has %d events, want %d", tc.query, c.EventType, c.Events, wantTypes[c.EventType])
				}
				if i > 0 && c.Events > st.ByType[i-1].Events {
					t.Errorf("%s: by_type not most first", tc.query)
				}
			}
		}
	})
}

// monday is the Monday of date's ISO week, computed with Go's calendar rather than SQLite's.
func monday(t *testing.T, date string) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)).Format(time.DateOnly)
}

func TestHealthAndOpenAPI(t *testing.T) {
	h := api.New(openStore(t, nil, nil), api.Options{Logger: quiet})
	if r := do(t, h, "/healthz"); r.status != 200 || !strings.Contains(string(r.body), `"ok"`) {
		t.Errorf("healthz: %d %s", r.status, r.body)
	}
	r := do(t, h, "/api/openapi.json")
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				Ref  string `json:"$ref"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil || r.status != 200 {
		t.Fatalf("openapi.json: %d %v", r.status, err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	// Every endpoint the handler serves is described.
	for _, p := range []string{"/api/events", "/api/events/{id}", "/api/events.csv", "/api/events.geojson",
		"/api/documents/{id}", "/api/stats", "/api/openapi.json", "/healthz"} {
		if _, ok := doc.Paths[p]["get"]; !ok {
			t.Errorf("openapi.json does not describe GET %s", p)
		}
	}
	// Every parameter /api/events accepts is documented.
	var names []string
	for _, prm := range doc.Paths["/api/events"]["get"].Parameters {
		names = append(names, prm.Name, strings.TrimPrefix(prm.Ref, "#/components/parameters/"))
	}
	for _, want := range []string{"country", "admin1", "event_type", "sub_event_type", "actor", "since", "until",
		"bbox", "min_fatalities", "civilian_targeting", "q", "background", "limit", "cursor", "sort"} {
		if !slices.Contains(names, want) {
			t.Errorf("openapi.json: /api/events parameter %s undocumented", want)
		}
	}
}
