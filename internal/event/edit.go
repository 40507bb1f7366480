package event

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Edit is one analyst change to one field of an event. Edits are stored apart from the coded record
// and applied on top of every re-derivation of the event (a merge with a later report, a re-code), so
// neither loses them. The latest edit of a field wins.
type Edit struct {
	// Seq orders edits; the store assigns it.
	Seq int64 `json:"seq"`
	// EventID is the event as edited; after a merge it may be an alias of the event now holding it.
	EventID string    `json:"event_id"`
	Field   string    `json:"field"` // one of EditFields
	Value   string    `json:"value"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	Note    string    `json:"note,omitempty"`
}

// StatusNotEvent marks an event an analyst rejected ("not an event"): it is kept, with its sources,
// but hidden like a background event from exports and the API unless background events are asked for.
const StatusNotEvent = "not_event"

// FieldNotEvent is the edit that rejects an event (value true) or takes the rejection back (false).
const FieldNotEvent = "not_an_event"

// EditFields are the fields an analyst may edit, under the schema's JSON names.
var EditFields = []string{
	"event_type", "sub_event_type", "actor1", "assoc_actor_1", "actor2", "assoc_actor_2",
	"fatalities", "event_date", "location", "admin1", "admin2", "latitude", "longitude",
	"geo_precision", "notes", "background", "status", FieldNotEvent,
}

// editAliases are shorter or looser spellings accepted on the command line and in the API.
var editAliases = map[string]string{
	"lat": "latitude", "lon": "longitude", "lng": "longitude", "assoc_actor1": "assoc_actor_1",
	"assoc_actor2": "assoc_actor_2", "not_event": FieldNotEvent, "date": "event_date",
}

// CanonicalEditField returns the schema name of an editable field (accepting the aliases lat, lon,
// lng, assoc_actor1/2, not_event and date, in any case), or "" if the field is not editable.
func CanonicalEditField(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if a, ok := editAliases[name]; ok {
		name = a
	}
	if slices.Contains(EditFields, name) {
		return name
	}
	return ""
}

// Normalize puts the field under its schema name and the value in its canonical spelling (a taxonomy
// name in ACLED's case, a plain integer, true/false), or says why the edit is not valid.
func (e *Edit) Normalize() error {
	f := CanonicalEditField(e.Field)
	if f == "" {
		return fmt.Errorf("field %q is not editable (editable: %s)", e.Field, strings.Join(EditFields, ", "))
	}
	e.Field = f
	v := strings.TrimSpace(e.Value)
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s=%q: %s", f, e.Value, fmt.Sprintf(format, a...))
	}
	switch f {
	case "event_type":
		i := slices.IndexFunc(EventTypes, func(t string) bool { return strings.EqualFold(t, v) })
		if i < 0 {
			return bad("not an ACLED event type (%s)", strings.Join(EventTypes, "; "))
		}
		v = EventTypes[i]
	case "sub_event_type":
		found := false
		for _, t := range EventTypes {
			for _, s := range SubEventTypes[t] {
				if strings.EqualFold(s, v) {
					v, found = s, true
				}
			}
		}
		if !found {
			return bad("not an ACLED sub-event type")
		}
	case "fatalities":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return bad("want a whole number, 0 or more")
		}
		v = strconv.Itoa(n)
	case "event_date":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return bad("want a date as YYYY-MM-DD")
		}
	case "latitude", "longitude":
		x, err := strconv.ParseFloat(v, 64)
		limit := 90.0
		if f == "longitude" {
			limit = 180
		}
		if err != nil || math.IsNaN(x) || math.Abs(x) > limit {
			return bad("want decimal degrees between -%g and %g", limit, limit)
		}
		v = strconv.FormatFloat(x, 'f', -1, 64)
	case "geo_precision":
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3 {
			return bad("want 1 (exact place), 2 (near it) or 3 (the region)")
		}
		v = strconv.Itoa(n)
	case "background", FieldNotEvent:
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return bad("want true or false")
		}
		v = strconv.FormatBool(b)
	case "status":
		v = strings.ToLower(v)
		if v != StatusAuto && v != StatusReviewed {
			return bad("want %s or %s", StatusAuto, StatusReviewed)
		}
	case "actor1":
		if v == "" {
			return bad("an event needs a first actor")
		}
	}
	if strings.ContainsAny(v, "\x00") {
		return bad("contains a NUL byte")
	}
	e.Value = v
	return nil
}

// ErrTypeMismatch is returned when edits would leave a sub-event type outside its event type.
var ErrTypeMismatch = errors.New("sub_event_type does not belong to event_type")

// CheckEdited validates an event after edits: the taxonomy must hold together.
func CheckEdited(e Event) error {
	if e.SubEventType != "" && e.EventType != "" && TypeOf(e.SubEventType) != e.EventType {
		return fmt.Errorf("%w: %q is a sub-event type of %q, not of %q (edit both)",
			ErrTypeMismatch, e.SubEventType, TypeOf(e.SubEventType), e.EventType)
	}
	return nil
}

// ApplyEdits returns ev with edits applied (in Seq order; the latest edit of a field wins), the fields
// that depend on an edited one kept consistent, and each edited field's evidence replaced by the edit
// itself (source_id "edit:SEQ"), which is how an exported record shows what an analyst changed. Edits
// that do not normalize are ignored (they were checked when stored). With no edits ev is returned
// as it is.
func ApplyEdits(ev Event, edits []Edit) Event {
	if len(edits) == 0 {
		return ev
	}
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b Edit) int { return cmp.Compare(a.Seq, b.Seq) })
	last := map[string]Edit{}
	for _, e := range sorted {
		if err := e.Normalize(); err == nil {
			last[e.Field] = e
		}
	}
	if len(last) == 0 {
		return ev
	}
	ev.Claims = slices.Clone(ev.Claims)
	ev.Sources = slices.Clone(ev.Sources)
	ev.Evidence = slices.DeleteFunc(slices.Clone(ev.Evidence), func(x Evidence) bool {
		_, edited := last[x.Field]
		return edited || strings.HasPrefix(x.SourceID, EditSourcePrefix)
	})
	// A fixed order, so that dependent fixes (event type after sub-event type, rejection last) do not
	// depend on the order the edits were made in.
	for _, f := range EditFields {
		e, ok := last[f]
		if !ok {
			continue
		}
		applyEdit(&ev, e)
		ev.Evidence = append(ev.Evidence, Evidence{
			Field: f, SourceID: EditSourcePrefix + strconv.FormatInt(e.Seq, 10), Text: e.describe(),
		})
	}
	if e, ok := last["event_type"]; ok && TypeOf(ev.SubEventType) != ev.EventType {
		// A re-code changed the sub-event type under an edited event type: keep the type the analyst
		// chose and fall back to its first sub-event type rather than store an impossible pair.
		if subs := SubEventTypes[e.Value]; len(subs) > 0 {
			ev.SubEventType = subs[0]
		}
	}
	if _, ok := last["notes"]; !ok {
		ev.Notes = Notes(ev)
	}
	return ev
}

// EditSourcePrefix starts the source_id of evidence that records an analyst edit.
const EditSourcePrefix = "edit:"

func (e Edit) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s set to %q", e.Field, e.Value)
	if e.By != "" {
		b.WriteString(" by " + e.By)
	}
	if !e.At.IsZero() {
		b.WriteString(" on " + e.At.UTC().Format(time.DateOnly))
	}
	if e.Note != "" {
		b.WriteString(": " + e.Note)
	}
	return b.String()
}

func applyEdit(ev *Event, e Edit) {
	v := e.Value
	switch e.Field {
	case "event_type":
		ev.EventType = v
		ev.DisorderType = DisorderType(v)
	case "sub_event_type":
		ev.SubEventType = v
		ev.EventType = TypeOf(v)
		ev.DisorderType = DisorderType(ev.EventType)
	case "actor1":
		ev.Actor1 = v
	case "assoc_actor_1":
		ev.AssocActor1 = v
	case "actor2":
		ev.Actor2 = v
	case "assoc_actor_2":
		ev.AssocActor2 = v
	case "fatalities":
		n, _ := strconv.Atoi(v)
		ev.Fatalities = n
		// The analyst's figure is the toll; the range keeps the reports' claims but must contain it.
		ev.FatalitiesLow = min(ev.FatalitiesLow, n)
		ev.FatalitiesHigh = max(ev.FatalitiesHigh, n)
		ev.FatalitiesVague = false
	case "event_date":
		d, _ := time.Parse(time.DateOnly, v)
		ev.EventDate, ev.Year, ev.TimePrecision = v, d.Year(), 1
		if ev.DateStart != "" && v < ev.DateStart {
			ev.DateStart = v
		}
		if ev.DateEnd != "" && v > ev.DateEnd {
			ev.DateEnd = v
		}
	case "location":
		ev.Location = v
	case "admin1":
		ev.Admin1 = v
	case "admin2":
		ev.Admin2 = v
	case "latitude":
		ev.Latitude, _ = strconv.ParseFloat(v, 64)
	case "longitude":
		ev.Longitude, _ = strconv.ParseFloat(v, 64)
	case "geo_precision":
		ev.GeoPrecision, _ = strconv.Atoi(v)
	case "notes":
		ev.Notes = v
	case "background":
		ev.Background = v == "true"
	case "status":
		ev.Status = v
	case FieldNotEvent:
		if v == "true" {
			ev.Status = StatusNotEvent
			ev.Background = true
		}
	}
}
