package event

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEditNormalize(t *testing.T) {
	tests := []struct {
		field, value       string
		wantField, wantVal string
		wantErr            bool
	}{
		{"event_type", "battles", "event_type", Battles, false},
		{"Event_Type", " violence against civilians ", "event_type", ViolenceCivilians, false},
		{"event_type", "Massacre", "", "", true},
		{"sub_event_type", "armed clash", "sub_event_type", "Armed clash", false},
		{"sub_event_type", "Ambush", "", "", true},
		{"fatalities", " 12 ", "fatalities", "12", false},
		{"fatalities", "-1", "", "", true},
		{"fatalities", "twelve", "", "", true},
		{"event_date", "2024-09-17", "event_date", "2024-09-17", false},
		{"date", "2024-9-17", "", "", true},
		{"event_date", "2024-02-30", "", "", true},
		{"lat", "14.5", "latitude", "14.5", false},
		{"lon", "-181", "", "", true},
		{"longitude", "NaN", "", "", true},
		{"geo_precision", "2", "geo_precision", "2", false},
		{"geo_precision", "4", "", "", true},
		{"status", "Reviewed", "status", StatusReviewed, false},
		{"status", "done", "", "", true},
		{"not_event", "TRUE", FieldNotEvent, "true", false},
		{"background", "maybe", "", "", true},
		{"actor1", "", "", "", true},
		{"actor2", "", "actor2", "", false},
		{"assoc_actor1", "Wagner Group", "assoc_actor_1", "Wagner Group", false},
		{"country", "Mali", "", "", true},
		{"event_id_cnty", "MLI1", "", "", true},
	}
	for _, tc := range tests {
		e := Edit{Field: tc.field, Value: tc.value}
		err := e.Normalize()
		if (err != nil) != tc.wantErr {
			t.Errorf("%s=%q: err %v, want error %v", tc.field, tc.value, err, tc.wantErr)
			continue
		}
		if err == nil && (e.Field != tc.wantField || e.Value != tc.wantVal) {
			t.Errorf("%s=%q normalized to %s=%q, want %s=%q", tc.field, tc.value, e.Field, e.Value, tc.wantField, tc.wantVal)
		}
	}
}

func coded() Event {
	return Event{
		EventIDCnty: "MLI7", EventDate: "2024-09-17", Year: 2024, TimePrecision: 2,
		DateStart: "2024-09-16", DateEnd: "2024-09-18",
		DisorderType: PoliticalViolence, EventType: Battles, SubEventType: "Armed clash",
		Actor1: "Military Forces of Mali (2021-)", Actor2: "JNIM: Group for Support of Islam and Muslims",
		Country: "Mali", Location: "Bamako", Admin1: "Bamako", Latitude: 12.65, Longitude: -8, GeoPrecision: 1,
		Fatalities: 70, FatalitiesLow: 70, FatalitiesHigh: 77, FatalitiesVague: true, Status: StatusAuto,
		Sources:  []Source{{ID: "doc-1"}},
		Evidence: []Evidence{{Field: "fatalities", SourceID: "doc-1", Start: 3, End: 20, Text: "at least 70 died"}, {Field: "location", SourceID: "doc-1", Text: "Bamako"}},
	}
}

func TestApplyEdits(t *testing.T) {
	at := time.Date(2024, 9, 20, 8, 0, 0, 0, time.UTC)
	ed := func(seq int64, field, value string) Edit {
		return Edit{Seq: seq, EventID: "MLI7", Field: field, Value: value, By: "ana", At: at, Note: "checked"}
	}
	t.Run("no edits", func(t *testing.T) {
		ev := coded()
		if got := ApplyEdits(ev, nil); got.Notes != "" || len(got.Evidence) != 2 {
			t.Errorf("ApplyEdits with no edits changed the event: %+v", got)
		}
	})
	t.Run("latest wins whatever the slice order", func(t *testing.T) {
		got := ApplyEdits(coded(), []Edit{ed(5, "fatalities", "80"), ed(2, "fatalities", "60")})
		if got.Fatalities != 80 || got.FatalitiesLow != 70 || got.FatalitiesHigh != 80 || got.FatalitiesVague {
			t.Errorf("fatalities %d [%d, %d] vague %v, want 80 [70, 80] not vague", got.Fatalities, got.FatalitiesLow, got.FatalitiesHigh, got.FatalitiesVague)
		}
		var marks []string
		for _, e := range got.Evidence {
			if e.Field == "fatalities" {
				marks = append(marks, e.SourceID)
			}
		}
		if strings.Join(marks, ",") != "edit:5" {
			t.Errorf("fatalities evidence %v, want only the edit's (edit:5)", marks)
		}
		if !strings.Contains(got.Notes, "80 fatalities") {
			t.Errorf("notes not rewritten with the edited toll: %q", got.Notes)
		}
	})
	t.Run("sub-event type sets its event type", func(t *testing.T) {
		got := ApplyEdits(coded(), []Edit{ed(1, "sub_event_type", "Attack")})
		if got.EventType != ViolenceCivilians || got.DisorderType != PoliticalViolence || CheckEdited(got) != nil {
			t.Errorf("type %q / %q", got.EventType, got.SubEventType)
		}
	})
	t.Run("event type alone falls back to its first sub-event type", func(t *testing.T) {
		got := ApplyEdits(coded(), []Edit{ed(1, "event_type", Protests)})
		if got.SubEventType != "Peaceful protest" || got.DisorderType != Demonstrations {
			t.Errorf("type %q / %q / %q", got.DisorderType, got.EventType, got.SubEventType)
		}
	})
	t.Run("date widens the span and is day-precise", func(t *testing.T) {
		got := ApplyEdits(coded(), []Edit{ed(1, "event_date", "2024-09-20")})
		if got.EventDate != "2024-09-20" || got.DateEnd != "2024-09-20" || got.DateStart != "2024-09-16" || got.TimePrecision != 1 || got.Year != 2024 {
			t.Errorf("date %s [%s, %s] precision %d", got.EventDate, got.DateStart, got.DateEnd, got.TimePrecision)
		}
	})
	t.Run("not an event hides it; taking it back restores", func(t *testing.T) {
		got := ApplyEdits(coded(), []Edit{ed(1, FieldNotEvent, "true"), ed(2, "status", StatusReviewed)})
		if got.Status != StatusNotEvent || !got.Background || (Filter{}).Match(got) {
			t.Errorf("rejected event: status %q background %v", got.Status, got.Background)
		}
		back := ApplyEdits(coded(), []Edit{ed(1, FieldNotEvent, "true"), ed(2, FieldNotEvent, "false")})
		if back.Status != StatusAuto || back.Background {
			t.Errorf("rejection taken back: status %q background %v", back.Status, back.Background)
		}
	})
	t.Run("notes edit kept verbatim", func(t *testing.T) {
		got := ApplyEdits(coded(), []Edit{ed(1, "notes", "Analyst summary."), ed(2, "fatalities", "3")})
		if got.Notes != "Analyst summary." {
			t.Errorf("notes %q", got.Notes)
		}
	})
	t.Run("reapplying is stable", func(t *testing.T) {
		edits := []Edit{ed(1, "location", "Kati"), ed(2, "lat", "12.74"), ed(3, "geo_precision", "2")}
		once := ApplyEdits(coded(), edits)
		twice := ApplyEdits(once, edits)
		if len(once.Evidence) != len(twice.Evidence) || once.Notes != twice.Notes || twice.Latitude != 12.74 {
			t.Errorf("applying twice differs: %+v vs %+v", once.Evidence, twice.Evidence)
		}
	})
}

func TestCheckEdited(t *testing.T) {
	e := coded()
	e.SubEventType = "Attack"
	if err := CheckEdited(e); !errors.Is(err, ErrTypeMismatch) {
		t.Errorf("CheckEdited(Battles/Attack) = %v, want ErrTypeMismatch", err)
	}
	if err := CheckEdited(coded()); err != nil {
		t.Errorf("CheckEdited(coded) = %v", err)
	}
}

// FuzzEditNormalize: any field and value from the command line or the API either is refused or
// normalizes to a value that normalizes to itself and applies without breaking the taxonomy.
func FuzzEditNormalize(f *testing.F) {
	for _, s := range [][2]string{{"fatalities", "12"}, {"sub_event_type", "armed clash"}, {"lat", "-0.5e1"},
		{"event_date", "2024-09-17"}, {"status", "REVIEWED"}, {"notes", "x\x00y"}, {"event_type", "riots"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, field, value string) {
		e := Edit{Seq: 1, Field: field, Value: value}
		if err := e.Normalize(); err != nil {
			return
		}
		again := e
		if err := again.Normalize(); err != nil || again != e {
			t.Fatalf("normalized %s=%q does not normalize to itself: %v %q", e.Field, e.Value, err, again.Value)
		}
		got := ApplyEdits(coded(), []Edit{e})
		if e.Field == "event_type" || e.Field == "sub_event_type" {
			if err := CheckEdited(got); err != nil {
				t.Fatalf("%s=%q: %v", e.Field, e.Value, err)
			}
		}
	})
}
