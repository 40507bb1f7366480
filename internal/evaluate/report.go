package evaluate

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// errWriter keeps the first write error so the report code can print freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// table writes one aligned table through a tabwriter and reports its error to e.
func (e *errWriter) table(rows [][]string) {
	if e.err != nil {
		return
	}
	tw := tabwriter.NewWriter(e.w, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		if _, err := fmt.Fprintln(tw, "  "+strings.Join(r, "\t")); err != nil {
			e.err = err
			return
		}
	}
	e.err = tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func dateSpan(p PredBrief) string {
	if p.DateStart != "" && p.DateEnd != "" && p.DateStart != p.DateEnd {
		return p.DateStart + ".." + p.DateEnd
	}
	return orDash(p.EventDate)
}

func place(p PredBrief) string {
	parts := []string{orDash(p.Location), orDash(p.Admin1), orDash(p.Country)}
	return strings.Join(parts, ", ")
}

// WriteText writes the report as plain-text tables: the headline figures, field accuracy, every
// match with the fields it got wrong, the missed gold events and the unmatched predictions.
func (r SeedReport) WriteText(w io.Writer) error {
	e := &errWriter{w: w}
	s := r.Summary
	e.printf("Seed gold evaluation\n")
	e.table([][]string{
		{"gold events", fmt.Sprint(r.GoldEvents), fmt.Sprintf("%d required, %d optional, %d background", s.GoldRequired, r.GoldOptional, r.GoldBackground)},
		{"predictions", fmt.Sprint(s.Predictions), fmt.Sprintf("scored; %d more marked background by the coder, not scored", r.BackgroundPredictions)},
		{"recall", fmt.Sprintf("%.3f", s.Recall), fmt.Sprintf("%d of %d required events found", s.Found, s.GoldRequired)},
		{"precision", fmt.Sprintf("%.3f", s.Precision), fmt.Sprintf("%d matching gold of %d scored predictions", r.TruePositives, r.ScoredPredictions)},
		{"duplicates", fmt.Sprint(s.Duplicates), "extra predictions of required events"},
	})
	e.printf("\nField accuracy over the %d found events\n", s.Found)
	rows := [][]string{}
	for _, f := range seedFields() {
		rows = append(rows, []string{f, fmt.Sprintf("%.3f", s.FieldAccuracy[f]), fmt.Sprintf("%d/%d", r.FieldHits[f], s.Found)})
	}
	e.table(rows)

	e.printf("\nMatches (%d)\n", len(r.Matches))
	if len(r.Matches) > 0 {
		rows = [][]string{{"GOLD", "KIND", "SCORE", "PRED", "DATE", "TYPE", "PLACE", "FAT", "WRONG"}}
		for _, m := range r.Matches {
			rows = append(rows, []string{m.Gold, m.Kind, fmt.Sprint(m.Score), fmt.Sprintf("#%d", m.Pred.Index),
				dateSpan(m.Pred), orDash(m.Pred.EventType), place(m.Pred), fmt.Sprint(m.Pred.Fatalities),
				orDash(strings.Join(m.Misses, " "))})
		}
		e.table(rows)
		var wrong [][]string
		for _, m := range r.Matches {
			for _, d := range m.Wrong {
				wrong = append(wrong, []string{m.Gold, fmt.Sprintf("#%d", m.Pred.Index), d.Field, orDash(d.Got), d.Want})
			}
		}
		if len(wrong) > 0 {
			e.printf("\nWrong fields of the matches\n")
			e.table(append([][]string{{"GOLD", "PRED", "FIELD", "GOT", "WANT"}}, wrong...))
		}
	}

	e.printf("\nMissed required events (%d)\n", len(r.MissedEvents))
	if len(r.MissedEvents) > 0 {
		rows = [][]string{{"GOLD", "DATES", "TYPE", "PLACE", "REPORTED IN"}}
		for _, g := range r.MissedEvents {
			rows = append(rows, []string{g.ID, g.DateMin + ".." + g.DateMax, orDash(strings.Join(g.EventType, " | ")),
				fmt.Sprintf("%s, %s, %s", orDash(strings.Join(g.Location, " | ")), orDash(g.Admin1), g.Country),
				strings.Join(g.ReportedIn, " ")})
		}
		e.table(rows)
	}

	e.printf("\nUnmatched predictions (%d)\n", len(r.Unmatched))
	if len(r.Unmatched) > 0 {
		rows = [][]string{{"PRED", "REASON", "DATE", "TYPE", "PLACE", "ACTOR1", "FAT", "COMPATIBLE"}}
		for _, u := range r.Unmatched {
			rows = append(rows, []string{fmt.Sprintf("#%d", u.Pred.Index), u.Reason, dateSpan(u.Pred),
				orDash(u.Pred.EventType), place(u.Pred), orDash(u.Pred.Actor1), fmt.Sprint(u.Pred.Fatalities),
				orDash(strings.Join(u.Compatible, " "))})
		}
		e.table(rows)
	}
	return e.err
}

// typeCodes are short column labels for the confusion matrix.
func typeCode(t string) string {
	switch t {
	case event.Battles:
		return "BAT"
	case event.ExplosionsRemote:
		return "ERV"
	case event.ViolenceCivilians:
		return "VAC"
	case event.Protests:
		return "PRO"
	case event.Riots:
		return "RIO"
	case event.StrategicDevelopment:
		return "SD"
	case OtherType:
		return "OTHER"
	case NotDetected:
		return "NONE"
	}
	return t
}

// acledShort are the column labels of the per-group tables, in acledKeys order.
func acledShort() []string {
	return []string{"DET", "TYPE", "SUB", "DATE", "FAT", "CTRY", "ADM1", "LOC25", "ACT1", "ACT2"}
}

func groupTable(title string, gs []ACLEDGroup) [][]string {
	rows := [][]string{append([]string{title, "ROWS"}, acledShort()...)}
	for _, g := range gs {
		row := []string{g.Name, fmt.Sprint(g.Rows)}
		for _, k := range acledKeys() {
			if k == "actor2" && g.RowsWithActor2 == 0 {
				row = append(row, "-")
				continue
			}
			row = append(row, fmt.Sprintf("%.3f", g.Rates[k]))
		}
		rows = append(rows, row)
	}
	return rows
}

// WriteText writes the report as plain-text tables: overall figures, the figures per country and per
// ACLED event type, and the event type confusion matrix.
func (r ACLEDReport) WriteText(w io.Writer) error {
	e := &errWriter{w: w}
	a := r.All
	e.printf("ACLED evaluation: %d rows (%d with an actor2)\n", a.Rows, a.RowsWithActor2)
	rows := [][]string{{"FIGURE", "RATE", "HITS"}}
	for _, k := range acledKeys() {
		n := a.Rows
		if k == "actor2" {
			n = a.RowsWithActor2
		}
		rows = append(rows, []string{k, fmt.Sprintf("%.3f", a.Rates[k]), fmt.Sprintf("%d/%d", a.Hits[k], n)})
	}
	e.table(rows)
	e.printf("\nBy country\n")
	e.table(groupTable("COUNTRY", r.ByCountry))
	e.printf("\nBy ACLED event type\n")
	e.table(groupTable("EVENT TYPE", r.ByType))

	c := r.Confusion
	e.printf("\nEvent type confusion (rows: ACLED; columns: sitrep)\n")
	head := []string{"ACLED \\ sitrep"}
	for _, p := range c.Pred {
		head = append(head, typeCode(p))
	}
	rows = [][]string{append(head, "ROWS")}
	for i, g := range c.Gold {
		row := []string{g}
		total := 0
		for _, n := range c.Counts[i] {
			row = append(row, fmt.Sprint(n))
			total += n
		}
		rows = append(rows, append(row, fmt.Sprint(total)))
	}
	e.table(rows)
	var legend []string
	for _, p := range c.Pred {
		if code := typeCode(p); code != p {
			legend = append(legend, code+" = "+p)
		}
	}
	if len(legend) > 0 {
		e.printf("  %s\n", strings.Join(legend, "; "))
	}
	return e.err
}

// WriteWrong lists up to max rows (all when max <= 0) that missed the figure field (one of
// detected, event_type, sub_event_type, date, fatalities, country, admin1, location_25km, actor1,
// actor2), with what sitrep has, what ACLED has and the start of the record's notes.
func (r ACLEDReport) WriteWrong(w io.Writer, field string, max int) error {
	if !slices.Contains(acledKeys(), field) {
		return fmt.Errorf("no figure %q (known: %s)", field, strings.Join(acledKeys(), ", "))
	}
	var rows [][]string
	total := 0
	for _, res := range r.Results {
		if !slices.Contains(res.Misses, field) {
			continue
		}
		total++
		if max > 0 && len(rows) >= max {
			continue
		}
		var got, want string
		for _, d := range res.Wrong {
			if d.Field == field {
				got, want = orDash(d.Got), orDash(d.Want)
			}
		}
		notes := []rune(strings.Join(strings.Fields(res.Notes), " "))
		if len(notes) > 100 {
			notes = append(notes[:99], '…')
		}
		rows = append(rows, []string{res.ID, res.Country, got, want, string(notes)})
	}
	e := &errWriter{w: w}
	e.printf("\nRows with %s wrong: %d of %d", field, total, len(r.Results))
	if len(rows) < total {
		e.printf(" (the first %d)", len(rows))
	}
	e.printf("\n")
	if len(rows) > 0 {
		e.table(append([][]string{{"ID", "COUNTRY", "SITREP", "ACLED", "NOTES"}}, rows...))
	}
	return e.err
}
