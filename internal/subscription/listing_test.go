package subscription

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestStateAndStatus(t *testing.T) {
	polled := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		f      Feed
		state  string
		status string
	}{
		{Feed{}, StateNew, "new"},
		{Feed{LastPolled: polled, LastStatus: 200}, StateOK, "ok (200)"},
		{Feed{LastPolled: polled, LastStatus: 304}, StateOK, "ok (304)"},
		{Feed{LastPolled: polled, Failures: 3, LastError: "timeout"}, StateFailing, "failing (3): timeout"},
		{Feed{Failures: 1, LastError: "dial tcp: refused"}, StateFailing, "failing (1): dial tcp: refused"},
		{Feed{LastPolled: polled, Failures: 10, LastError: "404", DisabledReason: "10 failures: 404"}, StateDisabled, "disabled: 10 failures: 404"},
	}
	for _, tt := range tests {
		if got := tt.f.State(); got != tt.state {
			t.Errorf("%+v State = %q, want %q", tt.f, got, tt.state)
		}
		if got := tt.f.Status(); got != tt.status {
			t.Errorf("%+v Status = %q, want %q", tt.f, got, tt.status)
		}
	}
}

func TestListingJSON(t *testing.T) {
	f, err := New("https://example.org/rss", "Ex", 90*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	f.ID = 7
	f.Created = time.Date(2026, 5, 1, 11, 0, 0, 0, time.FixedZone("WAT", 3600))
	js, err := json.Marshal(f.Listing())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":7,"url":"https://example.org/rss","name":"Ex","interval":"1m30s","interval_seconds":90,` +
		`"created":"2026-05-01T10:00:00Z","state":"new","failures":0,"items":0}`
	if string(js) != want {
		t.Errorf("JSON\n got %s\nwant %s", js, want)
	}
	f.LastPolled = f.Created.Add(time.Minute)
	f.NextPoll = f.LastPolled.Add(f.Interval)
	f.LastStatus = 200
	js, _ = json.Marshal(f.Listing())
	for _, part := range []string{`"last_polled":"2026-05-01T10:01:00Z"`, `"next_poll":"2026-05-01T10:02:30Z"`, `"state":"ok"`, `"last_status":200`} {
		if !strings.Contains(string(js), part) {
			t.Errorf("JSON %s lacks %s", js, part)
		}
	}
	// The interval reads back as the duration it is.
	d, err := time.ParseDuration(f.Listing().Interval)
	if err != nil || d != f.Interval {
		t.Errorf("interval %q parses to %v, %v", f.Listing().Interval, d, err)
	}
}
