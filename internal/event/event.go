// Package event defines the sitrep event record: ACLED's columns plus the extensions automated coding
// owes its users (sources, claims, evidence, confidence). See ../shared/docs/event-schema.md.
package event

// Event is one event: one type of violence at one place on one day (or span) between the same actors.
// The JSON names are the schema's; CSV export writes Columns in order.
type Event struct {
	EventIDCnty       string  `json:"event_id_cnty"`
	EventDate         string  `json:"event_date"`
	Year              int     `json:"year"`
	TimePrecision     int     `json:"time_precision"`
	DisorderType      string  `json:"disorder_type"`
	EventType         string  `json:"event_type"`
	SubEventType      string  `json:"sub_event_type"`
	Actor1            string  `json:"actor1"`
	AssocActor1       string  `json:"assoc_actor_1"`
	Inter1            int     `json:"inter1"`
	Actor2            string  `json:"actor2"`
	AssocActor2       string  `json:"assoc_actor_2"`
	Inter2            int     `json:"inter2"`
	Interaction       int     `json:"interaction"`
	CivilianTargeting string  `json:"civilian_targeting"`
	ISO               int     `json:"iso"`
	Region            string  `json:"region"`
	Country           string  `json:"country"`
	Admin1            string  `json:"admin1"`
	Admin2            string  `json:"admin2"`
	Admin3            string  `json:"admin3"`
	Location          string  `json:"location"`
	Latitude          float64 `json:"latitude"`
	Longitude         float64 `json:"longitude"`
	GeoPrecision      int     `json:"geo_precision"`
	Source            string  `json:"source"`
	SourceScale       string  `json:"source_scale"`
	Notes             string  `json:"notes"`
	Fatalities        int     `json:"fatalities"`
	Tags              string  `json:"tags"`
	Timestamp         int64   `json:"timestamp"`

	// sitrep extensions.
	DateStart      string `json:"date_start,omitempty"`
	DateEnd        string `json:"date_end,omitempty"`
	FatalitiesLow  int    `json:"fatalities_low"`
	FatalitiesHigh int    `json:"fatalities_high"`
	// FatalitiesVague is set when the toll comes only from a vague word ("dozens", "many") read with
	// the lexicon's fixed value; a precise figure from another report is preferred when merging.
	FatalitiesVague bool       `json:"fatalities_vague,omitempty"`
	Claims          []Claim    `json:"claims"`
	Sources         []Source   `json:"sources"`
	Evidence        []Evidence `json:"evidence"`
	GeonameID       int64      `json:"geonameid,omitempty"`
	Confidence      float64    `json:"confidence"`
	Status          string     `json:"status"`
	// Background marks an event the article only recalls (an old attack, an aggregate toll): kept with
	// low confidence, left out of exports and the API unless asked for.
	Background bool `json:"background,omitempty"`
}

// Claim is one figure a party asserted, kept whether or not it became the toll.
type Claim struct {
	By     string `json:"by"`
	Figure int    `json:"figure"`
	// Kind is killed, wounded, abducted, captured, missing or destroyed.
	Kind string `json:"kind"`
	Of   string `json:"of,omitempty"`
	Text string `json:"text"`
	// Source is the document ID the claim was read in.
	Source string `json:"source"`
	// Start and End are byte offsets of Text in that document's clean text.
	Start int `json:"start"`
	End   int `json:"end"`
}

// Source is one article that reports the event.
type Source struct {
	ID        string `json:"id"`
	URL       string `json:"url,omitempty"`
	Outlet    string `json:"outlet,omitempty"`
	Title     string `json:"title,omitempty"`
	Published string `json:"published,omitempty"`
	Language  string `json:"language,omitempty"`
}

// Evidence ties a coded field to the sentence it came from.
type Evidence struct {
	Field    string `json:"field"`
	SourceID string `json:"source_id"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Text     string `json:"text"`
}

// Status values.
const (
	StatusAuto     = "auto"
	StatusReviewed = "reviewed"
)

// Columns are ACLED's CSV columns, in ACLED's order.
var Columns = []string{
	"event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
	"sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
	"interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
	"location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
	"fatalities", "tags", "timestamp",
}

// Interaction is ACLED's two-digit interaction code: the two inter codes, smaller first (a lone actor
// gives e.g. 10 for state forces alone).
func Interaction(inter1, inter2 int) int {
	if inter2 != 0 && inter2 < inter1 {
		inter1, inter2 = inter2, inter1
	}
	if inter1 == 0 {
		return inter2 * 10
	}
	return inter1*10 + inter2
}

// FillEmpty makes the list fields empty lists rather than null, as JSON consumers expect.
func (e *Event) FillEmpty() {
	if e.Claims == nil {
		e.Claims = []Claim{}
	}
	if e.Sources == nil {
		e.Sources = []Source{}
	}
	if e.Evidence == nil {
		e.Evidence = []Evidence{}
	}
}
