package timex

import (
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/segment"
)

func mustTime(t testing.TB, s string) time.Time {
	t.Helper()
	p, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func find1(text string, ref Ref) []Expr {
	return Find(text, segment.Sentence{Start: 0, End: len(text)}, ref)
}

// TestFind checks single sentences (hand-written, in the style of the seeds and of ACLED notes).
func TestFind(t *testing.T) {
	tests := []struct {
		pub  string
		in   string
		text string // the expression expected (first one of kind)
		kind Kind
		day  string
		from string
		to   string
		prec int
	}{
		{"2024-09-17T10:09:21Z", "Gunmen attacked a police base early Tuesday in the capital.", "early Tuesday", EventTime, "2024-09-17", "2024-09-17", "2024-09-17", 1},
		{"2024-07-03T12:31:38Z", "An attack killed more than 20 civilians on Monday, two officials said.", "on Monday", EventTime, "2024-07-01", "2024-07-01", "2024-07-01", 1},
		{"2024-07-03T12:31:38Z", "“At least 21 civilians have been killed,” an official said on Wednesday.", "on Wednesday", ReportTime, "2024-07-03", "", "", 1},
		{"2024-05-27T09:30:36Z", "Jihadists killed 18 civilians, numerous sources told AFP on Sunday.", "on Sunday", ReportTime, "2024-05-26", "", "", 1},
		{"2022-11-23T12:00:00Z", "Speaking on national television on Tuesday, the governor said eleven people were killed.", "on Tuesday", ReportTime, "2022-11-22", "", "", 1},
		{"2022-11-23T12:00:00Z", "On Monday November 21, the village of Kadji was attacked.", "On Monday November 21", EventTime, "2022-11-21", "", "", 1},
		{"2024-08-02T09:06:22Z", "The separatists said Thursday they killed 84 fighters in three days of intense fighting that began on July 25 at a camp.", "on July 25", EventTime, "2024-07-26", "2024-07-25", "2024-07-27", 2},
		{"2024-08-02T09:06:22Z", "The separatists said Thursday they killed 84 fighters in three days of intense fighting that began on July 25 at a camp.", "Thursday", ReportTime, "2024-08-01", "", "", 1},
		{"2024-08-02T09:06:22Z", "Rebels said they killed dozens of fighters near the border at the end of July.", "at the end of July", EventTime, "2024-07-28", "2024-07-25", "2024-07-31", 2},
		{"2024-07-29T07:39:28Z", "The army had begun rearguard action between Friday and Saturday.", "between Friday and Saturday", EventTime, "2024-07-26", "2024-07-26", "2024-07-27", 2},
		{"2024-07-29T07:39:28Z", "A coalition on Sunday claimed a major victory over the army.", "on Sunday", ReportTime, "2024-07-28", "", "", 1},
		{"2024-07-30T04:40:47Z", "It suffered a large number of deaths during fighting in the north last week.", "last week", EventTime, "2024-07-25", "2024-07-22", "2024-07-28", 2},
		{"2024-05-27T09:30:36Z", "In June 2022, more than 130 civilians were killed in the same village.", "In June 2022", Past, "2022-06-15", "2022-06-01", "2022-06-30", 3},
		{"2022-11-23T12:00:00Z", "In 2012, the group occupied the city.", "In 2012", Past, "", "", "", 0},
		{"2022-11-23T12:00:00Z", "In July, the group occupied the village for 48 hours.", "In July", Past, "2022-07-15", "2022-07-01", "2022-07-31", 3},
		{"2021-03-30T12:00:00Z", "The violence has killed 2,600 people in the region since 2017.", "since 2017", Past, "", "", "", 0},
		{"2025-06-03T12:00:00Z", "More than 400 soldiers were killed since the beginning of last month.", "since the beginning of last month", Past, "", "", "", 3},
		{"2025-06-03T12:00:00Z", "More than 30 soldiers were killed in Sunday’s assault.", "Sunday’s", EventTime, "2025-06-01", "", "", 1},
		{"2021-03-29T12:00:00Z", "The town fell to the attackers on Friday evening.", "on Friday", EventTime, "2021-03-26", "", "", 1},
		{"2021-03-29T12:00:00Z", "Forces began Sunday an operation to retake the town.", "Sunday", EventTime, "2021-03-28", "", "", 1},
		{"2020-04-30T12:00:00Z", "On 28 April 2020, residents held a sit-in.", "On 28 April 2020", EventTime, "2020-04-28", "", "", 1},
		{"2020-05-05T12:00:00Z", "Around 4 May 2020 (as reported), the army opened fire.", "Around 4 May 2020", EventTime, "2020-05-04", "2020-05-04", "2020-05-04", 2},
		{"2018-09-05T12:00:00Z", "On or before September 4th, police fired on a crowd.", "On or before September 4th", EventTime, "2018-09-04", "2018-09-04", "2018-09-04", 2},
		{"2020-03-05T12:00:00Z", "Between 1 and 3 March 2020, forces conducted an operation.", "Between 1 and 3 March 2020", EventTime, "2020-03-02", "2020-03-01", "2020-03-03", 2},
		// A day named without a year a day after publication is this week's, not a year old.
		{"2018-09-24T12:00:00Z", "On September 25th, two militias clashed near the river.", "On September 25th", EventTime, "2018-09-25", "", "", 1},
		// Three days or more ahead, it is last year's.
		{"2019-01-08T12:00:00Z", "On January 12, militants attacked an army position.", "On January 12", Past, "2018-01-12", "", "", 1},
		{"2020-03-12T12:00:00Z", "During the week of 7 March 2020, gunmen raided farms.", "During the week of 7 March 2020", EventTime, "2020-03-10", "2020-03-07", "2020-03-13", 2},
		{"2020-04-02T12:00:00Z", "In March 2020, militants burned a school.", "In March 2020", EventTime, "2020-03-15", "2020-03-01", "2020-03-31", 3},
		{"2018-03-11T12:00:00Z", "On March 9, presumed militants attacked forest guards.", "On March 9", EventTime, "2018-03-09", "", "", 1},
		{"2019-01-02T12:00:00Z", "On December 30, gunmen abducted two women.", "On December 30", EventTime, "2018-12-30", "", "", 1},
		{"2018-01-16T12:00:00Z", "15 January, on or about. Militias attacked two communities.", "15 January", EventTime, "2018-01-15", "2018-01-15", "2018-01-15", 2},
		{"2024-09-18T04:54:07Z", "Gunmen attacked the camp on 17/09/2024.", "on 17/09/2024", EventTime, "2024-09-17", "", "", 1},
		{"2024-09-18T04:54:07Z", "Gunmen struck yesterday near the airport.", "yesterday", EventTime, "2024-09-17", "", "", 1},
		{"2024-09-18T04:54:07Z", "Gunmen struck this morning near the airport.", "this morning", EventTime, "2024-09-18", "", "", 1},
		{"2024-09-18T04:54:07Z", "Fighting erupted in mid-September near the town.", "in mid-September", EventTime, "2024-09-15", "2024-09-11", "2024-09-20", 2},
		{"2024-09-18T04:54:07Z", "Militants attacked the camp last year.", "last year", Past, "", "", "", 0},
		{"2024-09-18T04:54:07Z", "The region has been ravaged over the past decade.", "over the past decade", Past, "", "", "", 0},
		{"2024-09-18T04:54:07Z", "It may attack again; we march on.", "", EventTime, "", "", "", 0},
		{"2024-09-16T12:00:00+02:00", "Gunmen struck on Monday.", "on Monday", EventTime, "2024-09-16", "", "", 1},
		{"2018-02-17T12:00:00Z", "15/02, gunmen attacked a school.", "15/02", EventTime, "2018-02-15", "", "", 1},
		{"2019-01-19T12:00:00Z", "15-16 January: militants attacked a hotel.", "15-16 January", EventTime, "2019-01-16", "2019-01-15", "2019-01-16", 2},
		{"2020-03-27T12:00:00Z", "Overnight between 22 and 23 March 2020, militants burned a school.", "Overnight between 22 and 23 March 2020", EventTime, "2020-03-22", "2020-03-22", "2020-03-23", 2},
		{"2019-10-30T12:00:00Z", "On Otober 27, militants attacked a checkpoint.", "On Otober 27", EventTime, "2019-10-27", "", "", 1},
		{"2024-09-18T04:54:07Z", "A plume of smoke rose on Sept. 17, 2024, over the city.", "on Sept. 17, 2024", EventTime, "2024-09-17", "", "", 1},
		{"2024-09-18T04:54:07Z", "Militants struck earlier this month near the town.", "earlier this month", EventTime, "2024-09-09", "2024-09-01", "2024-09-18", 3},
		{"2024-09-18T04:54:07Z", "The group attacked the base a year ago.", "a year ago", Past, "", "", "", 0},
		{"2024-09-18T04:54:07Z", "Militants attacked the base last month.", "last month", EventTime, "2024-08-15", "2024-08-01", "2024-08-31", 3},
		{"2024-09-18T04:54:07Z", "Clashes erupted this week in the north.", "this week", EventTime, "2024-09-17", "2024-09-16", "2024-09-18", 2},
		{"2024-08-02T09:00:00Z", "The rebels said they fought the army for two days from July 25 near the border.", "July 25", EventTime, "2024-07-25", "2024-07-25", "2024-07-25", 1},
		{"2024-07-30T12:00:00Z", "Fighting raged from 25 to 27 July near the border.", "from 25 to 27 July", EventTime, "2024-07-26", "2024-07-25", "2024-07-27", 2},
		{"2024-07-30T12:00:00Z", "Monday's attack killed ten people.", "Monday's", EventTime, "2024-07-29", "", "", 1},
		{"2024-07-30T12:00:00Z", "Three days of mourning will begin on Wednesday.", "on Wednesday", Future, "2024-07-31", "", "", 1},
		{"2024-07-29T07:39:28Z", "Rebels struck overnight Saturday to Sunday.", "overnight Saturday to Sunday", EventTime, "2024-07-27", "2024-07-27", "2024-07-28", 2},
	}
	for _, tt := range tests {
		ref := Ref{Published: mustTime(t, tt.pub), Known: true}
		got := find1(tt.in, ref)
		if tt.text == "" {
			if len(got) != 0 {
				t.Errorf("%q: want no expression, got %+v", tt.in, got)
			}
			continue
		}
		var e *Expr
		for i := range got {
			if got[i].Text == tt.text {
				e = &got[i]
				break
			}
		}
		if e == nil {
			t.Errorf("%q: no expression %q in %+v", tt.in, tt.text, got)
			continue
		}
		if e.Kind != tt.kind {
			t.Errorf("%q: %q kind %v, want %v", tt.in, tt.text, e.Kind, tt.kind)
		}
		if tt.kind == Past && tt.prec == 0 {
			if e.Precision != 0 {
				t.Errorf("%q: precision %d, want 0", tt.in, e.Precision)
			}
			continue
		}
		if d := e.Day.Format(time.DateOnly); tt.day != "" && d != tt.day {
			t.Errorf("%q: day %s, want %s", tt.in, d, tt.day)
		}
		if tt.from != "" && (e.From.Format(time.DateOnly) != tt.from || e.To.Format(time.DateOnly) != tt.to) {
			t.Errorf("%q: span %s..%s, want %s..%s", tt.in, e.From.Format(time.DateOnly), e.To.Format(time.DateOnly), tt.from, tt.to)
		}
		if e.Precision != tt.prec {
			t.Errorf("%q: precision %d, want %d", tt.in, e.Precision, tt.prec)
		}
		if e.Text != tt.in[e.Start:e.End] {
			t.Errorf("%q: text %q does not match offsets", tt.in, e.Text)
		}
	}
}

func TestChoose(t *testing.T) {
	pub := mustTime(t, "2024-05-27T09:30:36Z")
	ref := Ref{Published: pub, Known: true}
	// Only a report time: widened to the day before it.
	e := Choose(find1("Jihadists killed 18 civilians, sources told AFP on Sunday.", ref), ref)
	if e.Precision != 2 || e.Day.Format(time.DateOnly) != "2024-05-26" || e.From.Format(time.DateOnly) != "2024-05-25" {
		t.Errorf("report only: %+v", e)
	}
	// Several report times: the first report bounds the event.
	late := Ref{Published: mustTime(t, "2024-08-02T09:06:22Z"), Known: true}
	e = Choose(find1("The rebels said on Thursday that drone strikes killed 50 civilians. The army said on Tuesday it had staged air strikes.", late), late)
	if e.Precision != 2 || e.Day.Format(time.DateOnly) != "2024-07-30" {
		t.Errorf("earliest report: %+v", e)
	}
	// Nothing: the day before publication, precision 2.
	e = Choose(nil, ref)
	if e.Precision != 2 || e.Day.Format(time.DateOnly) != "2024-05-26" {
		t.Errorf("nothing: %+v", e)
	}
	// Past and aggregates never become the event date.
	e = Choose(find1("In June 2022, 130 civilians were killed; 2,600 have died since 2017.", ref), ref)
	if e.Precision != 2 || e.Day.Format(time.DateOnly) != "2024-05-26" {
		t.Errorf("past only: %+v", e)
	}
	// Event time wins over an earlier report time.
	e = Choose(find1("Officials said on Monday that gunmen attacked on Saturday.", ref), ref)
	if e.Day.Format(time.DateOnly) != "2024-05-25" || e.Precision != 1 {
		t.Errorf("event after report: %+v", e)
	}
	// Unknown publication: no guessed day.
	unk := Ref{}
	e = Choose(find1("Gunmen attacked on Sunday.", unk), unk)
	if !e.Day.IsZero() || e.Precision != 3 {
		t.Errorf("unknown publication: %+v", e)
	}
	e = Choose(find1("On 28 April 2020, gunmen attacked.", unk), unk)
	if e.Day.Format(time.DateOnly) != "2020-04-28" {
		t.Errorf("unknown publication, explicit date: %+v", e)
	}
	// An approximate publication time widens relative days.
	apx := Ref{Published: pub, Known: true, Approx: true}
	e = Choose(find1("Gunmen attacked on Sunday.", apx), apx)
	if e.Precision != 2 || e.Day.Format(time.DateOnly) != "2024-05-26" {
		t.Errorf("approximate publication: %+v", e)
	}
}

type seedArticle struct {
	ID        string `json:"id"`
	Published string `json:"published"`
	Text      string `json:"text"`
}

type goldEvent struct {
	ReportedIn []string `json:"reported_in"`
	DateMin    string   `json:"date_min"`
	DateMax    string   `json:"date_max"`
	Location   []string `json:"location"`
	Background bool     `json:"background"`
}

// TestSeedGoldDates: for each article of a required gold event, Choose over the article's lead (its
// first three full sentences), the sentences naming the event's place and the sentence after each must
// give a day inside one of the gold windows of that article and place (an article may report several
// events at one place); a span of precision 2 or 3 has to overlap the window.
func TestSeedGoldDates(t *testing.T) {
	arts := map[string]seedArticle{}
	for _, a := range fixtures.JSONL[seedArticle](t, "fixtures", "seeds", "articles.jsonl") {
		arts[a.ID] = a
	}
	golds := fixtures.JSONL[goldEvent](t, "fixtures", "seeds", "gold-events.jsonl")
	names := func(txt string, g goldEvent) bool {
		for _, loc := range g.Location {
			if strings.Contains(txt, loc) {
				return true
			}
		}
		return false
	}
	inWindow := func(id, d string, txt func(goldEvent) bool) bool {
		for _, g := range golds {
			for _, r := range g.ReportedIn {
				if r == id && txt(g) && d >= g.DateMin && d <= g.DateMax {
					return true
				}
			}
		}
		return false
	}
	checked := 0
	for _, g := range golds {
		if g.Background {
			continue
		}
		for _, id := range g.ReportedIn {
			a := arts[id]
			ref := Ref{Published: mustTime(t, a.Published), Known: true}
			var exprs []Expr
			lead, named, after := 0, false, false
			for _, s := range segment.Sentences(a.Text) {
				txt := s.Text(a.Text)
				isLead := lead < 3 && len(txt) > 60
				if isLead {
					lead++
				}
				has := names(txt, g)
				if !has && !isLead && !after {
					continue
				}
				named = named || has
				after = has // the sentence after one naming the place continues its story
				exprs = append(exprs, Find(a.Text, s, ref)...)
			}
			if !named {
				continue
			}
			e := Choose(exprs, ref)
			d := e.Day.Format(time.DateOnly)
			checked++
			ok := inWindow(id, d, func(o goldEvent) bool { return o.Location[0] == g.Location[0] })
			if e.Precision >= 2 { // a span only has to overlap the window
				ok = ok || (e.From.Format(time.DateOnly) <= g.DateMax && e.To.Format(time.DateOnly) >= g.DateMin)
			}
			if !ok {
				t.Errorf("%s %v: chose %s (%q, %v) outside %s..%s", id, g.Location[0], d, e.Text, e.Kind, g.DateMin, g.DateMax)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d article/event pairs checked", checked)
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"On Monday November 21, x", "between 1 and 3 March 2020", "since 2017", "overnight Saturday to Sunday", "31/02/2024", "On 31 February", "9999-99-99", "mid-May last week"} {
		f.Add(s, int64(1719800000), true)
	}
	f.Fuzz(func(t *testing.T, s string, unix int64, known bool) {
		ref := Ref{Published: time.Unix(unix%4e9, 0).UTC(), Known: known}
		prev := 0
		for _, sen := range segment.Sentences(s) {
			ex := Find(s, sen, ref)
			for _, e := range ex {
				if e.Start < sen.Start || e.End > sen.End || e.Start > e.End || e.Start < prev {
					t.Fatalf("bad span %d..%d in sentence %v of %q", e.Start, e.End, sen, s)
				}
				prev = e.Start
				if e.From.After(e.To) {
					t.Fatalf("From after To: %+v", e)
				}
			}
			prev = 0
			_ = Choose(ex, ref)
		}
	})
}

func BenchmarkFind(b *testing.B) {
	arts := fixtures.JSONL[seedArticle](b, "fixtures", "seeds", "articles.jsonl")
	ref := Ref{Published: time.Date(2024, 7, 3, 12, 0, 0, 0, time.UTC), Known: true}
	b.ResetTimer()
	for b.Loop() {
		for _, a := range arts {
			for _, s := range segment.Sentences(a.Text) {
				Find(a.Text, s, ref)
			}
		}
	}
}

// TestLasted: only a stated duration makes a span the event lasted; an approximate date keeps its
// uncertainty in the precision.
func TestLasted(t *testing.T) {
	ref := Ref{Published: mustTime(t, "2024-09-18T04:54:07Z"), Known: true}
	tests := []struct {
		text   string
		lasted bool
	}{
		{"Rebels said they fought for three days of intense fighting that began on September 10 near the camp.", true},
		{"Fighting erupted in mid-September near the town.", false},
		{"Around 12 September 2024, gunmen attacked the village.", false},
		{"During the week of 9 September 2024, gunmen raided farms.", false},
		{"Gunmen attacked the camp on 17/09/2024.", false},
	}
	for _, tt := range tests {
		es := find1(tt.text, ref)
		if len(es) == 0 {
			t.Errorf("%q: no date found", tt.text)
			continue
		}
		if es[0].Lasted != tt.lasted {
			t.Errorf("%q: Lasted = %v, want %v (%+v)", tt.text, es[0].Lasted, tt.lasted, es[0])
		}
	}
}
