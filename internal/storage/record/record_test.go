package record

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

func TestSpan(t *testing.T) {
	tests := []struct{ date, start, end, wantStart, wantEnd string }{
		{"2024-03-02", "", "", "2024-03-02", "2024-03-02"},
		{"2024-03-02", "2024-03-01", "2024-03-04", "2024-03-01", "2024-03-04"},
		{"2024-03-02", "2024-03-01", "", "2024-03-01", "2024-03-02"},
		{"2024-03-02", "", "2024-03-05", "2024-03-02", "2024-03-05"},
		{"", "", "2024-03-05", "2024-03-05", "2024-03-05"},
		{"2024-03-02", "2024-03-09", "2024-03-04", "2024-03-04", "2024-03-09"},
		{"", "", "", "", ""},
	}
	for _, tc := range tests {
		s, e := Span(tc.date, tc.start, tc.end)
		if s != tc.wantStart || e != tc.wantEnd {
			t.Errorf("Span(%q, %q, %q) = %q, %q; want %q, %q", tc.date, tc.start, tc.end, s, e, tc.wantStart, tc.wantEnd)
		}
	}
}

func TestSplitEventID(t *testing.T) {
	tests := []struct {
		id     string
		prefix string
		n      int64
		ok     bool
	}{
		{"MLI12", "MLI", 12, true},
		{"NGA1", "NGA", 1, true},
		{"MLI0", "", 0, false},
		{"mli12", "", 0, false},
		{"12", "", 0, false},
		{"MLI", "", 0, false},
		{"MLI12a", "", 0, false},
		{"MLI99999999999999999999", "", 0, false},
		{"", "", 0, false},
	}
	for _, tc := range tests {
		p, n, ok := SplitEventID(tc.id)
		if p != tc.prefix || n != tc.n || ok != tc.ok {
			t.Errorf("SplitEventID(%q) = %q, %d, %v; want %q, %d, %v", tc.id, p, n, ok, tc.prefix, tc.n, tc.ok)
		}
	}
}

// FuzzSplitEventID checks that an id that splits is rebuilt from its parts (ids come from API paths
// and imported files).
func FuzzSplitEventID(f *testing.F) {
	for _, s := range []string{"MLI12", "BFA007", "X1", "", "NGA-3", "MLI99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		p, n, ok := SplitEventID(id)
		if !ok {
			return
		}
		if n <= 0 || p == "" || strings.TrimLeft(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == id {
			t.Fatalf("SplitEventID(%q) = %q, %d", id, p, n)
		}
		if !strings.HasPrefix(id, p) {
			t.Fatalf("SplitEventID(%q): prefix %q", id, p)
		}
	})
}

func TestUpdateSet(t *testing.T) {
	got := UpdateSet("event_id_cnty, event_date,\n\tcell")
	if want := "event_date = excluded.event_date, cell = excluded.cell"; got != want {
		t.Errorf("UpdateSet = %q, want %q", got, want)
	}
}

// The column list and the Go fields must stay in step, or rows would load into the wrong fields.
func TestEventColsMatchFields(t *testing.T) {
	n := strings.Count(EventCols, ",") + 1
	var e event.Event
	if len(EventArgs(&e)) != n || len(EventDest(&e)) != n {
		t.Fatalf("%d columns, %d args, %d destinations", n, len(EventArgs(&e)), len(EventDest(&e)))
	}
	if got := Prefixed("a, b"); got != "e.a, e.b" {
		t.Errorf("Prefixed = %q", got)
	}
	if !strings.HasPrefix(SelectEvents("x", "y"), "SELECT e.event_id_cnty, ") ||
		!strings.HasSuffix(SelectEvents("x", "y"), "e.fatalities_vague, x, y FROM events e ") {
		t.Errorf("SelectEvents = %q", SelectEvents("x", "y"))
	}
}

func TestSaveEventCalls(t *testing.T) {
	ev := event.Event{
		EventIDCnty: "MLI7", EventDate: "2024-03-02", Country: "Mali",
		Sources:  []event.Source{{ID: "d1"}, {ID: "d2"}},
		Claims:   []event.Claim{{By: "army", Figure: 3}},
		Evidence: []event.Evidence{{Field: "location", SourceID: "d1", Text: "near Sofara"}},
	}
	calls, err := SaveEventCalls(pipeline.Stored{Event: ev, Mentions: []pipeline.Mention{{DocumentID: "d1", Index: 2, Event: ev}}}, 42)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range calls {
		got = append(got, fmt.Sprintf("%d/%s", c.Stmt, c.What))
	}
	want := []string{
		fmt.Sprintf("%d/", UpsertEvent),
		fmt.Sprintf("%d/clear child rows", ClearSources), fmt.Sprintf("%d/clear child rows", ClearClaims),
		fmt.Sprintf("%d/clear child rows", ClearEvidence), fmt.Sprintf("%d/clear child rows", ClearMentions),
		fmt.Sprintf("%d/source 0", PutSource), fmt.Sprintf("%d/source 1", PutSource),
		fmt.Sprintf("%d/claim 0", PutClaim), fmt.Sprintf("%d/evidence 0", PutEvidence),
		fmt.Sprintf("%d/mention 0", PutMention), fmt.Sprintf("%d/", DropAlias), fmt.Sprintf("%d/counter", BumpCounter),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("calls %v, want %v", got, want)
	}
	up := calls[0].Args
	if n := strings.Count(SpanCols, ",") + 1; len(up) != n {
		t.Fatalf("upsert has %d args for %d columns", len(up), n)
	}
	if tail := up[len(up)-4:]; !reflect.DeepEqual(tail, []any{"mali", int64(42), "2024-03-02", "2024-03-02"}) {
		t.Errorf("derived columns %v", tail)
	}
	if a := calls[len(calls)-1].Args; !reflect.DeepEqual(a, []any{"MLI", int64(7)}) {
		t.Errorf("counter args %v", a)
	}
	if a := calls[9].Args; a[0] != "d1" || a[1] != 2 || a[2] != "MLI7" || a[3] != 0 || !strings.Contains(a[4].(string), `"event_id_cnty":"MLI7"`) {
		t.Errorf("mention args %v", a)
	}

	if _, err := SaveEventCalls(pipeline.Stored{}, 0); err == nil {
		t.Error("no error for an event without id")
	}
	// An id that is not letters and a number does not touch the counters.
	calls, err = SaveEventCalls(pipeline.Stored{Event: event.Event{EventIDCnty: "import-1"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if last := calls[len(calls)-1].Stmt; last != DropAlias {
		t.Errorf("last statement %d, want DropAlias", last)
	}
}

// row is a Scanner over fixed values, assigned by type.
type row struct {
	vals []any
	err  error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	if len(dest) != len(r.vals) {
		return fmt.Errorf("%d destinations for %d values", len(dest), len(r.vals))
	}
	for i, d := range dest {
		if r.vals[i] == nil {
			continue
		}
		reflect.ValueOf(d).Elem().Set(reflect.ValueOf(r.vals[i]))
	}
	return nil
}

func TestScanEvent(t *testing.T) {
	n := strings.Count(EventCols, ",") + 1
	var ev event.Event
	ev.EventIDCnty, ev.Fatalities = "NGA3", 5
	vals := make([]any, 0, n+4)
	for _, a := range EventArgs(&ev) {
		vals = append(vals, a)
	}
	src := `[{"id":"d1","url":"https://example.org/a"}]`
	empty := "[]"
	mentions := `[{"document_id":"d1","index":1,"event":{"event_id_cnty":"NGA3"}}]`
	vals = append(vals, &src, (*string)(nil), &empty, &mentions)
	s, err := ScanEvent(row{vals: vals}, true)
	if err != nil {
		t.Fatal(err)
	}
	if s.Event.EventIDCnty != "NGA3" || s.Event.Fatalities != 5 {
		t.Errorf("event %+v", s.Event)
	}
	if len(s.Event.Sources) != 1 || s.Event.Sources[0].URL != "https://example.org/a" {
		t.Errorf("sources %+v", s.Event.Sources)
	}
	if s.Event.Claims != nil || s.Event.Evidence != nil {
		t.Errorf("empty lists read as %#v, %#v; want nil", s.Event.Claims, s.Event.Evidence)
	}
	if len(s.Mentions) != 1 || s.Mentions[0].Index != 1 || s.Mentions[0].Event.EventIDCnty != "NGA3" {
		t.Errorf("mentions %+v", s.Mentions)
	}
	bad := "[{"
	vals[n] = &bad
	if _, err := ScanEvent(row{vals: vals}, true); err == nil || !strings.Contains(err.Error(), "sources of NGA3") {
		t.Errorf("bad JSON: %v", err)
	}
}

func TestScanDocument(t *testing.T) {
	_, err := ScanDocument(row{err: fmt.Errorf("driver: %w", sql.ErrNoRows)}, "doc-9")
	if !errors.Is(err, storage.ErrNotFound) || !strings.Contains(err.Error(), `"doc-9"`) {
		t.Errorf("missing document: %v", err)
	}
	vals := []any{"doc-1", "", "", "", "", "en", "2024-03-02T10:00:00+01:00", false, "", "h", "text", ""}
	d, err := ScanDocument(row{vals: vals}, "doc-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, off := d.Published.Zone(); off != 3600 || !d.FetchedAt.IsZero() {
		t.Errorf("published %v, fetched %v", d.Published, d.FetchedAt)
	}
	// The stored form keeps the offset and reads back the same.
	if args := DocumentArgs(d); args[6] != "2024-03-02T10:00:00+01:00" || args[8] != "" {
		t.Errorf("stored times %v, %v", args[6], args[8])
	}
	vals[6] = "yesterday"
	if _, err := ScanDocument(row{vals: vals}, "doc-1"); err == nil {
		t.Error("no error for a malformed time")
	}
}

func TestPlaceSetArgs(t *testing.T) {
	if _, err := PlaceSetArgs("", []byte("x")); err == nil {
		t.Error("no error for an empty name")
	}
	args, err := PlaceSetArgs("mali", nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := args[1].([]byte); !ok || b == nil {
		t.Errorf("nil data stored as %#v, want an empty slice", args[1])
	}
}

// fakeConn records calls and answers queries from a map of alias → survivor.
type fakeConn struct {
	aliases map[string]string
	events  map[string]bool
	calls   []Call
}

func (c *fakeConn) QueryRow(ctx context.Context, st Stmt, args ...any) Scanner {
	if st != AliasOf {
		return row{err: errors.New("unexpected query")}
	}
	if s, ok := c.aliases[args[0].(string)]; ok {
		return row{vals: []any{s}}
	}
	return row{err: sql.ErrNoRows}
}

func (c *fakeConn) Query(ctx context.Context, fn func(Rows) error, st Stmt, args ...any) error {
	return errors.New("unexpected query")
}

func (c *fakeConn) Exec(ctx context.Context, calls ...Call) (int64, error) {
	c.calls = append(c.calls, calls...)
	if calls[0].Stmt == DeleteEvent {
		if c.events[calls[0].Args[0].(string)] {
			return 1, nil
		}
		return 0, nil
	}
	return int64(len(calls)), nil
}

func TestMergeAway(t *testing.T) {
	tests := []struct {
		name, id, survivor string
		wantErr            string
		wantAlias          []any
	}{
		{"direct", "MLI2", "MLI1", "", []any{"MLI2", "MLI1"}},
		{"through an alias", "MLI3", "MLI2", "", []any{"MLI3", "MLI1"}},
		{"into itself", "MLI1", "MLI1", "into itself", nil},
		{"into its own alias", "MLI1", "MLI2", "into itself", nil},
		{"missing", "MLI9", "MLI1", "not found", nil},
		{"empty", "", "MLI1", "empty id", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &fakeConn{aliases: map[string]string{"MLI2": "MLI1"}, events: map[string]bool{"MLI1": true, "MLI2": true, "MLI3": true}}
			tx := &Tx{Conn: c, Name: "test"}
			err := tx.MergeAway(t.Context(), tc.id, tc.survivor)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "test: ") {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.calls) != 3 || c.calls[1].Stmt != PutAlias || !reflect.DeepEqual(c.calls[1].Args, tc.wantAlias) ||
				c.calls[2].Stmt != RepointAliases || !reflect.DeepEqual(c.calls[2].Args, []any{tc.wantAlias[1], tc.id}) {
				t.Errorf("calls %+v", c.calls)
			}
		})
	}
}

// rows serves fixed rows.
type rows struct {
	rows []row
	cur  int
	err  error
}

func (r *rows) Next() bool {
	r.cur++
	return r.cur <= len(r.rows)
}
func (r *rows) Scan(dest ...any) error { return r.rows[r.cur-1].Scan(dest...) }
func (r *rows) Err() error             { return r.err }

func TestScanOneEvent(t *testing.T) {
	var ev event.Event
	ev.EventIDCnty = "BFA2"
	vals := append(EventArgs(&ev), (*string)(nil), (*string)(nil), (*string)(nil))
	got, err := ScanOneEvent(&rows{rows: []row{{vals: vals}}}, "BFA1")
	if err != nil || got.EventIDCnty != "BFA2" {
		t.Errorf("got %q, %v", got.EventIDCnty, err)
	}
	if _, err := ScanOneEvent(&rows{}, "BFA1"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("no row: %v, want ErrNotFound", err)
	}
	boom := errors.New("connection lost")
	if _, err := ScanOneEvent(&rows{err: boom}, "BFA1"); !errors.Is(err, boom) || errors.Is(err, storage.ErrNotFound) {
		t.Errorf("failed walk: %v", err)
	}
}

func TestCheckDates(t *testing.T) {
	tests := []struct {
		f    event.Filter
		want bool
	}{
		{event.Filter{}, true},
		{event.Filter{Since: "2024-03-01", Until: "2024-12-31"}, true},
		{event.Filter{Since: "2024-3-1"}, false},
		{event.Filter{Until: "2024-02-30"}, false},
		{event.Filter{Until: "yesterday"}, false},
	}
	for _, tc := range tests {
		if err := CheckDates(tc.f); (err == nil) != tc.want {
			t.Errorf("CheckDates(%q, %q) = %v", tc.f.Since, tc.f.Until, err)
		}
	}
}
