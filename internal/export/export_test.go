package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// events are invented but realistic: a fully coded, merged event; a day-span battle with a perpetrator
// claim; a sparse event that was never located; a background recollection.
func events() []event.Event {
	return []event.Event{
		{
			EventIDCnty: "MLI1042", EventDate: "2025-03-02", Year: 2025, TimePrecision: 1,
			DisorderType: event.PoliticalViolence, EventType: event.ViolenceCivilians, SubEventType: "Attack",
			Actor1: "Unidentified Armed Group (Mali)", Actor2: "Civilians (Mali)", AssocActor2: "Farmers (Mali); Women (Mali)",
			Inter1: 3, Inter2: 7, Interaction: 37, CivilianTargeting: "Civilian targeting",
			ISO: 466, Region: "Western Africa", Country: "Mali", Admin1: "Segou", Admin2: "Niono", Admin3: "Dogofry",
			Location: "Dounzara", Latitude: 14.35941, Longitude: -5.99205, GeoPrecision: 1,
			Source: "Sahel Monitor; Radio Kayira", SourceScale: "National-International",
			Notes:      "On 2 March 2025, gunmen on motorbikes killed 12 villagers in Dounzara (Niono, Segou), including a \"village chief\"; the army said at least 10 died.\nHomes were burned.",
			Fatalities: 10, Tags: "women targeted: girls", Timestamp: 1741075200,
			DateStart: "2025-03-02", DateEnd: "2025-03-02", FatalitiesLow: 10, FatalitiesHigh: 12,
			Claims: []event.Claim{
				{By: "local official", Figure: 12, Kind: "killed", Of: "villagers", Text: "Gunmen killed 12 villagers, a local official said.", Source: "doc-1", Start: 0, End: 51},
				{By: "Military Forces of Mali (2021-)", Figure: 10, Kind: "killed", Text: "The army said at least 10 people died.", Source: "doc-2", Start: 120, End: 158},
			},
			Sources: []event.Source{
				{ID: "doc-1", URL: "https://example.org/news/dounzara?id=1&lang=en", Outlet: "Sahel Monitor", Title: "Gunmen kill 12 <live>", Published: "2025-03-03T09:30:00Z", Language: "en"},
				{ID: "doc-2", URL: "https://example.fr/b", Outlet: "Radio Kayira", Title: "Attaque à Dounzara", Published: "2025-03-03", Language: "fr"},
			},
			Evidence: []event.Evidence{
				{Field: "event_date", SourceID: "doc-1", Start: 0, End: 51, Text: "Gunmen killed 12 villagers on Sunday, a local official said."},
				{Field: "fatalities", SourceID: "doc-2", Start: 120, End: 158, Text: "L'armée a fait état d'au moins 10 morts."},
			},
			GeonameID: 2453348, Confidence: 0.8125, Status: event.StatusAuto,
		},
		{
			EventIDCnty: "MOZ88", EventDate: "2024-07-26", Year: 2024, TimePrecision: 2,
			DisorderType: event.PoliticalViolence, EventType: event.Battles, SubEventType: "Armed clash",
			Actor1: "Islamic State (Mozambique)", Actor2: "Military Forces of Mozambique (1975-)", AssocActor2: "Military Forces of Rwanda (2000-)",
			Inter1: 2, Inter2: 1, Interaction: 12,
			ISO: 508, Region: "Eastern Africa", Country: "Mozambique", Admin1: "Cabo Delgado", Admin2: "Macomia",
			Location: "Chai", Latitude: -11.9, Longitude: 40.2, GeoPrecision: 2,
			Source: "Cabo Ligado", SourceScale: "Subnational",
			Notes:      "Between 25 and 27 July 2024, insurgents clashed with Mozambican and Rwandan forces near Chai (Macomia, Cabo Delgado). Dozens were killed; Islamic State claimed 20 soldiers killed.",
			Fatalities: 12, FatalitiesVague: true, Timestamp: 1722124800,
			DateStart: "2024-07-25", DateEnd: "2024-07-27", FatalitiesLow: 12, FatalitiesHigh: 20,
			Claims: []event.Claim{
				{By: "Islamic State (Mozambique)", Figure: 20, Kind: "killed", Of: "soldiers", Text: "IS claimed it killed 20 soldiers.", Source: "doc-7", Start: 300, End: 333},
			},
			Sources:    []event.Source{{ID: "doc-7", Outlet: "Cabo Ligado", Language: "en"}},
			Confidence: 0.55, Status: event.StatusReviewed,
		},
		{
			EventIDCnty: "NER5", EventDate: "2025-01-15", Year: 2025, TimePrecision: 3,
			DisorderType: "Strategic developments", EventType: event.StrategicDevelopment, SubEventType: "Arrests",
			Actor1: "Police Forces of Niger (2023-)", Inter1: 1, Interaction: 10,
			ISO: 562, Region: "Western Africa", Country: "Niger",
			Source: "Actu Niger", SourceScale: "National",
			Notes:      "In mid-January 2025, police arrested dozens of people, somewhere in Niger.",
			Fatalities: 0, FatalitiesVague: false,
			Status: event.StatusAuto, Confidence: 0.3,
		},
		{
			EventIDCnty: "NIR12", EventDate: "2022-06-05", Year: 2022, TimePrecision: 1,
			DisorderType: event.PoliticalViolence, EventType: event.ExplosionsRemote, SubEventType: "Remote explosive/landmine/IED",
			Actor1: "Unidentified Armed Group (Nigeria)", Actor2: "Civilians (Nigeria)", Inter1: 3, Inter2: 7, Interaction: 37,
			ISO: 566, Region: "Western Africa", Country: "Nigeria", Admin1: "Borno", Admin2: "Konduga",
			Location: "Konduga", Latitude: 11.65, Longitude: 13.4167, GeoPrecision: 1,
			Source: "Daily Lake", SourceScale: "National",
			Notes:      "Recalled: on 5 June 2022, an IED killed 5 people at a market in Konduga.",
			Fatalities: 5, Timestamp: 1654400000, FatalitiesLow: 5, FatalitiesHigh: 5,
			Confidence: 0.2, Status: event.StatusAuto, Background: true,
		},
	}
}

func write(t *testing.T, f Format, opts Options, evs []event.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(&buf, f, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if err := w.Write(e); err != nil {
			t.Fatalf("Write(%s): %v", e.EventIDCnty, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := w.Write(evs[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("Write after Close: %v, want ErrClosed", err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		file   string
		format Format
		opts   Options
	}{
		{"events.csv", FormatCSV, Options{}},
		{"events-extensions.csv", FormatCSV, Options{Extensions: true}},
		{"events.jsonl", FormatJSONL, Options{}},
		{"events.geojson", FormatGeoJSON, Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			got := write(t, tc.format, tc.opts, events())
			golden.Bytes(t, filepath.Join("testdata", tc.file), got, *update)
		})
	}
}

func TestEmptyExports(t *testing.T) {
	for _, f := range Formats() {
		var buf bytes.Buffer
		w, err := New(&buf, f, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		switch f {
		case FormatCSV:
			if got := buf.String(); got != strings.Join(event.Columns, ",")+"\n" {
				t.Errorf("empty CSV = %q, want the header alone", got)
			}
		case FormatJSONL:
			if buf.Len() != 0 {
				t.Errorf("empty JSON lines = %q", buf.String())
			}
		case FormatGeoJSON:
			checkGeoJSON(t, buf.Bytes(), nil)
		}
	}
}

// TestCSVReadable reads the export back the way ACLED users do (encoding/csv behaves like Python's csv
// module on RFC 4180 input): header, row count and the awkward notes survive.
func TestCSVReadable(t *testing.T) {
	evs := events()
	for _, ext := range []bool{false, true} {
		out := write(t, FormatCSV, Options{Extensions: ext}, evs)
		r := csv.NewReader(bytes.NewReader(out))
		recs, err := r.ReadAll() // also checks every row has the header's field count
		if err != nil {
			t.Fatalf("extensions=%v: %v", ext, err)
		}
		wantHeader := event.Columns
		if ext {
			wantHeader = append(slices.Clone(event.Columns), ExtensionColumns...)
		}
		if !slices.Equal(recs[0], wantHeader) {
			t.Errorf("header = %v", recs[0])
		}
		if len(recs)-1 != len(evs) {
			t.Fatalf("%d rows, want %d", len(recs)-1, len(evs))
		}
		col := func(rec []string, name string) string { return rec[slices.Index(recs[0], name)] }
		for i, e := range evs {
			rec := recs[i+1]
			if got := col(rec, "notes"); got != e.Notes {
				t.Errorf("notes read back as %q, want %q", got, e.Notes)
			}
			if got := col(rec, "fatalities"); got != strconv.Itoa(e.Fatalities) {
				t.Errorf("fatalities %q", got)
			}
		}
		// Coordinates as ACLED writes them; none for an unlocated event.
		if got := col(recs[1], "latitude") + "," + col(recs[1], "longitude"); got != "14.3594,-5.9921" {
			t.Errorf("coordinates %s", got)
		}
		if got := col(recs[2], "latitude") + "," + col(recs[2], "longitude"); got != "-11.9,40.2" {
			t.Errorf("coordinates %s", got)
		}
		if got := col(recs[3], "latitude") + col(recs[3], "longitude"); got != "" {
			t.Errorf("unlocated event has coordinates %q", got)
		}
		if ext {
			var claims []event.Claim
			if err := json.Unmarshal([]byte(col(recs[1], "claims")), &claims); err != nil || !reflect.DeepEqual(claims, evs[0].Claims) {
				t.Errorf("claims column = %q (%v)", col(recs[1], "claims"), err)
			}
			if got := col(recs[3], "evidence"); got != "[]" {
				t.Errorf("empty evidence column = %q, want []", got)
			}
			if got := col(recs[4], "background"); got != "true" {
				t.Errorf("background column = %q", got)
			}
			if got := col(recs[3], "geonameid"); got != "" {
				t.Errorf("unknown geonameid written as %q", got)
			}
		}
	}
}

// TestACLEDRows writes real ACLED records through the CSV writer and reads them back: every column
// must come out as ACLED wrote it (coordinates to ACLED's 4 decimals).
func TestACLEDRows(t *testing.T) {
	path := fixtures.Path(t, "eval", "acled-dev.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(header[:len(event.Columns)], event.Columns) {
		t.Fatalf("ACLED header %v does not start with event.Columns", header)
	}
	var orig [][]string
	var evs []event.Event
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		e, err := parseACLED(rec[:len(event.Columns)])
		if err != nil {
			t.Fatalf("%s: %v", rec[0], err)
		}
		orig = append(orig, rec[:len(event.Columns)])
		evs = append(evs, e)
	}
	if len(evs) < 100 {
		t.Fatalf("only %d ACLED rows read", len(evs))
	}
	out := write(t, FormatCSV, Options{}, evs)
	got, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(orig)+1 {
		t.Fatalf("%d rows written, want %d", len(got)-1, len(orig))
	}
	bad := 0
	for i, want := range orig {
		for j, name := range event.Columns {
			g, w := got[i+1][j], want[j]
			if name == "latitude" || name == "longitude" {
				gf, err1 := strconv.ParseFloat(g, 64)
				wf, err2 := strconv.ParseFloat(w, 64)
				if err1 == nil && err2 == nil && math.Abs(gf-wf) < 0.00005 && len(g) <= len(w) {
					continue
				}
			}
			if g != w {
				bad++
				if bad <= 10 {
					t.Errorf("%s %s: wrote %q, ACLED has %q", want[0], name, g, w)
				}
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d fields differ from ACLED's own export", bad)
	}
}

func parseACLED(rec []string) (event.Event, error) {
	var e event.Event
	var errs []error
	atoi := func(s string) int {
		n, err := strconv.Atoi(s)
		errs = append(errs, err)
		return n
	}
	atof := func(s string) float64 {
		v, err := strconv.ParseFloat(s, 64)
		errs = append(errs, err)
		return v
	}
	ts, err := strconv.ParseInt(rec[30], 10, 64)
	errs = append(errs, err)
	e = event.Event{
		EventIDCnty: rec[0], EventDate: rec[1], Year: atoi(rec[2]), TimePrecision: atoi(rec[3]),
		DisorderType: rec[4], EventType: rec[5], SubEventType: rec[6], Actor1: rec[7], AssocActor1: rec[8],
		Inter1: atoi(rec[9]), Actor2: rec[10], AssocActor2: rec[11], Inter2: atoi(rec[12]), Interaction: atoi(rec[13]),
		CivilianTargeting: rec[14], ISO: atoi(rec[15]), Region: rec[16], Country: rec[17], Admin1: rec[18],
		Admin2: rec[19], Admin3: rec[20], Location: rec[21], Latitude: atof(rec[22]), Longitude: atof(rec[23]),
		GeoPrecision: atoi(rec[24]), Source: rec[25], SourceScale: rec[26], Notes: rec[27],
		Fatalities: atoi(rec[28]), Tags: rec[29], Timestamp: ts,
	}
	return e, errors.Join(errs...)
}

func TestJSONL(t *testing.T) {
	evs := events()
	out := write(t, FormatJSONL, Options{}, evs)
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(evs) {
		t.Fatalf("%d lines, want %d", len(lines), len(evs))
	}
	for i, line := range lines {
		var got event.Event
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if want := forJSON(evs[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("line %d:\n got %+v\nwant %+v", i+1, got, want)
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatal(err)
		}
		for _, c := range append(slices.Clone(event.Columns), "claims", "sources", "evidence", "confidence", "status") {
			if _, ok := raw[c]; !ok {
				t.Errorf("line %d lacks %q", i+1, c)
			}
		}
		if _, ok := raw["claims"].([]any); !ok {
			t.Errorf("line %d: claims = %v, want an array", i+1, raw["claims"])
		}
	}
}

// checkGeoJSON decodes a FeatureCollection and checks it against RFC 7946; want are the events it must
// hold, in order.
func checkGeoJSON(t *testing.T, b []byte, want []event.Event) {
	t.Helper()
	var fc map[string]json.RawMessage
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	var typ string
	if err := json.Unmarshal(fc["type"], &typ); err != nil || typ != "FeatureCollection" {
		t.Fatalf("type = %s", fc["type"])
	}
	if _, ok := fc["crs"]; ok {
		t.Errorf("RFC 7946 has no crs member")
	}
	var features []map[string]json.RawMessage
	if err := json.Unmarshal(fc["features"], &features); err != nil || features == nil {
		t.Fatalf("features = %s (%v)", fc["features"], err)
	}
	if len(features) != len(want) {
		t.Fatalf("%d features, want %d", len(features), len(want))
	}
	for i, f := range features {
		e := want[i]
		if string(f["type"]) != `"Feature"` {
			t.Errorf("feature %d type = %s", i, f["type"])
		}
		var id string
		if err := json.Unmarshal(f["id"], &id); err != nil || id != e.EventIDCnty {
			t.Errorf("feature %d id = %s", i, f["id"])
		}
		geom, ok := f["geometry"]
		if !ok {
			t.Errorf("feature %d has no geometry member (must be present, null when unlocated)", i)
		}
		if !HasCoordinates(e) {
			if string(geom) != "null" {
				t.Errorf("%s is unlocated but has geometry %s", e.EventIDCnty, geom)
			}
		} else {
			var g struct {
				Type        string    `json:"type"`
				Coordinates []float64 `json:"coordinates"`
			}
			if err := json.Unmarshal(geom, &g); err != nil || g.Type != "Point" || len(g.Coordinates) != 2 {
				t.Fatalf("%s geometry = %s", e.EventIDCnty, geom)
			}
			lon, lat := g.Coordinates[0], g.Coordinates[1]
			if lon < -180 || lon > 180 || lat < -90 || lat > 90 {
				t.Errorf("%s coordinates out of range: %v", e.EventIDCnty, g.Coordinates)
			}
			if math.Abs(lon-e.Longitude) > 0.00005 || math.Abs(lat-e.Latitude) > 0.00005 {
				t.Errorf("%s coordinates %v, want [%v, %v] (longitude first)", e.EventIDCnty, g.Coordinates, e.Longitude, e.Latitude)
			}
		}
		var props event.Event
		if err := json.Unmarshal(f["properties"], &props); err != nil {
			t.Fatalf("%s properties: %v", e.EventIDCnty, err)
		}
		if props.EventIDCnty != e.EventIDCnty || props.Notes != e.Notes || len(props.Claims) != len(e.Claims) {
			t.Errorf("%s properties = %+v", e.EventIDCnty, props)
		}
	}
}

func TestGeoJSON(t *testing.T) {
	evs := events()
	checkGeoJSON(t, write(t, FormatGeoJSON, Options{}, evs), evs)
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"csv", FormatCSV, true},
		{"CSV", FormatCSV, true},
		{" jsonl ", FormatJSONL, true},
		{"ndjson", FormatJSONL, true},
		{"GeoJSON", FormatGeoJSON, true},
		{"json", "", false},
		{"", "", false},
		{"xlsx", "", false},
	}
	for _, tc := range tests {
		got, err := ParseFormat(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseFormat(%q) = %q, %v", tc.in, got, err)
		}
	}
	if _, err := New(io.Discard, Format("xml"), Options{}); err == nil {
		t.Errorf("New with an unknown format succeeded")
	}
	for _, f := range Formats() {
		if back, err := ParseFormat(string(f)); err != nil || back != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, back, err)
		}
		if f.ContentType() == "application/octet-stream" || !strings.HasPrefix(f.Ext(), ".") {
			t.Errorf("%s: content type %q, extension %q", f, f.ContentType(), f.Ext())
		}
	}
}

func FuzzParseFormat(f *testing.F) {
	for _, s := range []string{"csv", "JSONL", "geojson", "", "ndjson ", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseFormat(s)
		if err != nil {
			return
		}
		if !slices.Contains(Formats(), got) {
			t.Fatalf("ParseFormat(%q) = %q, not a known format", s, got)
		}
	})
}

// FuzzExport writes events carrying article text (anything a page may hold) in every format and reads
// each back: CSV fields must survive encoding/csv, JSON must stay valid.
func FuzzExport(f *testing.F) {
	f.Add("On 2 March, gunmen killed 12 in \"Dounzara\", a local official said.\nMore.", "Civilians (Mali)", 14.35941, -5.99205, 1)
	f.Add("a,b\r\nc", "", 0.0, 0.0, 0)
	f.Add("\xff\xfe<script>&", "JNIM", 91.0, 200.0, 2)
	f.Fuzz(func(t *testing.T, notes, actor string, lat, lon float64, precision int) {
		if math.IsNaN(lat) || math.IsInf(lat, 0) || math.IsNaN(lon) || math.IsInf(lon, 0) {
			return // not a coordinate any geocoder returns; JSON cannot carry it
		}
		e := events()[0]
		e.Notes, e.Actor1, e.Latitude, e.Longitude, e.GeoPrecision = notes, actor, lat, lon, precision
		e.Evidence[0].Text = notes
		for _, ext := range []bool{false, true} {
			out := write(t, FormatCSV, Options{Extensions: ext}, []event.Event{e})
			recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatalf("CSV unreadable: %v\n%q", err, out)
			}
			if len(recs) != 2 || len(recs[1]) != len(recs[0]) {
				t.Fatalf("CSV has %d records", len(recs))
			}
			// encoding/csv (like Python's) turns \r\n inside a quoted field into \n.
			norm := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
			if got := recs[1][slices.Index(event.Columns, "notes")]; got != norm(notes) {
				t.Fatalf("notes %q read back as %q", notes, got)
			}
			if got := recs[1][slices.Index(event.Columns, "actor1")]; got != norm(actor) {
				t.Fatalf("actor %q read back as %q", actor, got)
			}
		}
		for _, format := range []Format{FormatJSONL, FormatGeoJSON} {
			out := write(t, format, Options{}, []event.Event{e})
			if !json.Valid(bytes.TrimSpace(out)) {
				t.Fatalf("%s output is not valid JSON:\n%s", format, out)
			}
		}
		var fc struct {
			Features []struct {
				Geometry *struct{ Coordinates []float64 } `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(write(t, FormatGeoJSON, Options{}, []event.Event{e}), &fc); err != nil || len(fc.Features) != 1 {
			t.Fatalf("GeoJSON: %v", err)
		}
		if g := fc.Features[0].Geometry; g != nil {
			if lon, lat := g.Coordinates[0], g.Coordinates[1]; lon < -180 || lon > 180 || lat < -90 || lat > 90 {
				t.Fatalf("GeoJSON point out of range: %v", g.Coordinates)
			}
		}
	})
}

// TestCSVCoversEvent fails when event.Event gains a field that CSV with extensions would drop.
func TestCSVCoversEvent(t *testing.T) {
	cols := append(slices.Clone(event.Columns), ExtensionColumns...)
	typ := reflect.TypeFor[event.Event]()
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if !slices.Contains(cols, name) {
			t.Errorf("event.Event.%s (%q) has no CSV column", typ.Field(i).Name, name)
		}
	}
	if len(cols) != typ.NumField() {
		t.Errorf("%d CSV columns for %d event fields", len(cols), typ.NumField())
	}
}

func BenchmarkWriters(b *testing.B) {
	e := events()[0]
	for _, f := range Formats() {
		b.Run(string(f), func(b *testing.B) {
			w, err := New(io.Discard, f, Options{Extensions: true})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := w.Write(e); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		})
	}
}
