package evaluate

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// seedFields are the checks made on each found event, in score.py's order.
func seedFields() []string {
	return []string{"event_type", "sub_event_type", "actor1", "fatalities", "date", "location", "admin1", "sources"}
}

// SeedSummary has exactly the keys, denominators and rounding of score.py's seeds summary, so the
// two can be compared line for line.
type SeedSummary struct {
	GoldRequired int     `json:"gold_required"`
	Found        int     `json:"found"`
	Recall       float64 `json:"recall"`
	Predictions  int     `json:"predictions"`
	Precision    float64 `json:"precision"`
	Duplicates   int     `json:"duplicates"`
	// FieldAccuracy is over the found required events.
	FieldAccuracy map[string]float64 `json:"field_accuracy"`
	// Missed lists the ids of required gold events no prediction matched.
	Missed []string `json:"missed"`
}

// SeedReport is the result of scoring predictions against gold events.
type SeedReport struct {
	Summary SeedSummary `json:"summary"`
	// GoldEvents counts every gold event (required, optional and background).
	GoldEvents     int `json:"gold_events"`
	GoldOptional   int `json:"gold_optional"`
	GoldBackground int `json:"gold_background"`
	// BackgroundPredictions were marked background by the coder: not claimed as fresh, not scored.
	BackgroundPredictions int `json:"background_predictions"`
	// TruePositives (matches with a non-background gold event) over ScoredPredictions is the precision;
	// predictions matching background gold, or extra ones compatible with optional or background gold,
	// are left out of ScoredPredictions.
	TruePositives     int            `json:"true_positives"`
	ScoredPredictions int            `json:"scored_predictions"`
	FieldHits         map[string]int `json:"field_hits"`
	// Matches pairs gold events with predictions, in gold order.
	Matches []SeedMatch `json:"matches"`
	// MissedEvents are the required gold events without a match.
	MissedEvents []GoldBrief `json:"missed_events"`
	// Unmatched are the scored predictions left without a gold event, in input order.
	Unmatched []UnmatchedPrediction `json:"unmatched"`
}

// SeedMatch is one gold event and the prediction matched to it.
type SeedMatch struct {
	Gold string `json:"gold"`
	// Kind is required, optional or background; only required matches count in field accuracy.
	Kind string `json:"kind"`
	// Score is the candidate score that won the greedy assignment (1 + place 2|1 + type 1 + actor 1).
	Score  int       `json:"score"`
	Pred   PredBrief `json:"pred"`
	Misses []string  `json:"misses"`
	// Wrong says, for each missed field, what the prediction has and what the gold event accepts.
	Wrong []FieldDiff `json:"wrong,omitempty"`
}

// FieldDiff is one wrong field of a match.
type FieldDiff struct {
	Field string `json:"field"`
	Got   string `json:"got"`
	Want  string `json:"want"`
}

// Unmatched prediction reasons.
const (
	// ReasonDuplicate: compatible only with required gold events that another prediction took.
	ReasonDuplicate = "duplicate"
	// ReasonExtra: compatible with an optional or background gold event; not penalised.
	ReasonExtra = "extra"
	// ReasonSpurious: compatible with no gold event at all.
	ReasonSpurious = "spurious"
)

// UnmatchedPrediction is a prediction the assignment left without a gold event.
type UnmatchedPrediction struct {
	Pred       PredBrief `json:"pred"`
	Reason     string    `json:"reason"`
	Compatible []string  `json:"compatible,omitempty"`
}

// PredBrief is what a report shows of a prediction.
type PredBrief struct {
	// Index is the prediction's 1-based position in the input (its line in an events file).
	Index        int      `json:"index"`
	EventDate    string   `json:"event_date"`
	DateStart    string   `json:"date_start,omitempty"`
	DateEnd      string   `json:"date_end,omitempty"`
	EventType    string   `json:"event_type"`
	SubEventType string   `json:"sub_event_type"`
	Actor1       string   `json:"actor1"`
	Actor2       string   `json:"actor2"`
	Country      string   `json:"country"`
	Admin1       string   `json:"admin1"`
	Location     string   `json:"location"`
	Fatalities   int      `json:"fatalities"`
	Sources      []string `json:"sources"`
}

func briefOf(index int, e *event.Event) PredBrief {
	return PredBrief{Index: index, EventDate: e.EventDate, DateStart: e.DateStart, DateEnd: e.DateEnd,
		EventType: e.EventType, SubEventType: e.SubEventType, Actor1: e.Actor1, Actor2: e.Actor2,
		Country: e.Country, Admin1: e.Admin1, Location: e.Location, Fatalities: e.Fatalities,
		Sources: sourceIDs(e)}
}

// GoldBrief is what a report shows of a gold event.
type GoldBrief struct {
	ID         string   `json:"id"`
	DateMin    string   `json:"date_min"`
	DateMax    string   `json:"date_max"`
	EventType  []string `json:"event_type"`
	Country    string   `json:"country"`
	Admin1     string   `json:"admin1"`
	Location   []string `json:"location"`
	ReportedIn []string `json:"reported_in"`
}

func goldBrief(g *GoldEvent) GoldBrief {
	return GoldBrief{ID: g.ID, DateMin: g.DateMin, DateMax: g.DateMax, EventType: g.EventType,
		Country: g.Country, Admin1: g.Admin1, Location: g.Location, ReportedIn: g.ReportedIn}
}

func (g *GoldEvent) kind() string {
	switch {
	case g.Background:
		return "background"
	case g.Optional:
		return "optional"
	}
	return "required"
}

// scoredPred is a prediction the coder did not mark background, with its input position.
type scoredPred struct {
	index int // 1-based position in the input
	ev    *event.Event
}

// candidate is a compatible (prediction, gold) pair and its score.
type candidate struct{ score, pred, gold int }

// compat scores how well a prediction may stand for a gold event, 0 when it may not: same country,
// dates overlapping the gold window widened by a day each side, and the location (2) or at least
// admin1 (1) agreeing; the event type and an actor add a point each.
func compat(e *event.Event, g *GoldEvent) int {
	if normName(e.Country) != normName(g.Country) {
		return 0
	}
	d0, d1, ok0, ok1 := predDates(e)
	if !ok0 {
		return 0
	}
	if !ok1 {
		d1 = d0 // score.py would fail here; a one-day event is the only sensible reading
	}
	gmin, _ := parseDay(g.DateMin)
	gmax, _ := parseDay(g.DateMax)
	if d1.Before(gmin.AddDate(0, 0, -1)) || d0.After(gmax.AddDate(0, 0, 1)) {
		return 0
	}
	score := 1
	switch {
	case locMatch(e, g):
		score += 2
	case normName(e.Admin1) == normName(g.Admin1):
		score++
	default:
		return 0
	}
	if normSet(g.EventType)[normName(e.EventType)] {
		score++
	}
	if actorMatch([]string{e.Actor1, e.Actor2}, g.Actor1) {
		score++
	}
	return score
}

func locMatch(e *event.Event, g *GoldEvent) bool {
	return normSet(g.Location)[normName(e.Location)]
}

// Seeds scores predictions against gold events with score.py's rules: predictions marked background
// are set aside; every compatible pair is scored and pairs are taken greedily, best score first (ties:
// later prediction, then later gold event, first), each prediction and gold event at most once.
// articles resolve the ids and urls predictions name as sources to article ids.
func Seeds(gold []GoldEvent, articles []ArticleRef, preds []event.Event) SeedReport {
	docs := map[string]string{} // id or url -> article id
	for _, a := range articles {
		docs[a.ID] = a.ID
		if a.URL != "" {
			docs[a.URL] = a.ID
		}
	}
	var ps []scoredPred
	rep := SeedReport{GoldEvents: len(gold), FieldHits: map[string]int{}}
	for i := range preds {
		if preds[i].Background {
			rep.BackgroundPredictions++
			continue
		}
		ps = append(ps, scoredPred{index: i + 1, ev: &preds[i]})
	}

	var pairs []candidate
	for i, p := range ps {
		for j := range gold {
			if s := compat(p.ev, &gold[j]); s > 0 {
				pairs = append(pairs, candidate{s, i, j})
			}
		}
	}
	slices.SortFunc(pairs, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.pred, a.pred), cmp.Compare(b.gold, a.gold))
	})
	predToGold, goldToPred, scoreOf := map[int]int{}, map[int]int{}, map[int]int{}
	for _, c := range pairs {
		if _, ok := predToGold[c.pred]; ok {
			continue
		}
		if _, ok := goldToPred[c.gold]; ok {
			continue
		}
		predToGold[c.pred], goldToPred[c.gold], scoreOf[c.gold] = c.gold, c.pred, c.score
	}

	dup, extraOK := 0, 0
	for i, p := range ps {
		if _, ok := predToGold[i]; ok {
			continue
		}
		u := UnmatchedPrediction{Pred: briefOf(p.index, p.ev), Reason: ReasonSpurious}
		lenient := false
		for _, c := range pairs {
			if c.pred == i {
				u.Compatible = append(u.Compatible, gold[c.gold].ID)
				lenient = lenient || !gold[c.gold].required()
			}
		}
		switch {
		case lenient:
			extraOK++
			u.Reason = ReasonExtra
		case len(u.Compatible) > 0:
			dup++
			u.Reason = ReasonDuplicate
		}
		rep.Unmatched = append(rep.Unmatched, u)
	}

	required, found, matchedBackground := 0, 0, 0
	missed := []string{}
	for j := range gold {
		g := &gold[j]
		switch g.kind() {
		case "optional":
			rep.GoldOptional++
		case "background":
			rep.GoldBackground++
		}
		i, ok := goldToPred[j]
		if g.required() {
			required++
			if !ok {
				missed = append(missed, g.ID)
				rep.MissedEvents = append(rep.MissedEvents, goldBrief(g))
				continue
			}
			found++
		}
		if !ok {
			continue
		}
		if g.Background {
			matchedBackground++
		} else {
			rep.TruePositives++
		}
		checks := fieldChecks(ps[i].ev, g, docs)
		m := SeedMatch{Gold: g.ID, Kind: g.kind(), Score: scoreOf[j], Pred: briefOf(ps[i].index, ps[i].ev), Misses: []string{}}
		for _, f := range seedFields() {
			if !checks[f] {
				m.Misses = append(m.Misses, f)
				m.Wrong = append(m.Wrong, diffOf(f, ps[i].ev, g, docs))
			} else if g.required() {
				rep.FieldHits[f]++
			}
		}
		rep.Matches = append(rep.Matches, m)
	}
	rep.ScoredPredictions = len(ps) - extraOK - matchedBackground

	acc := map[string]float64{}
	for _, f := range seedFields() {
		acc[f] = ratio(rep.FieldHits[f], found)
	}
	rep.Summary = SeedSummary{GoldRequired: required, Found: found, Recall: ratio(found, required),
		Predictions: len(ps), Precision: ratio(rep.TruePositives, rep.ScoredPredictions), Duplicates: dup,
		FieldAccuracy: acc, Missed: missed}
	return rep
}

// fieldChecks reports, field by field, whether a matched prediction codes the gold event right.
func fieldChecks(e *event.Event, g *GoldEvent, docs map[string]string) map[string]bool {
	ok := map[string]bool{}
	ok["event_type"] = normSet(g.EventType)[normName(e.EventType)]
	ok["sub_event_type"] = normSet(g.SubEventType)[normName(e.SubEventType)]
	ok["actor1"] = actorMatch([]string{e.Actor1, e.Actor2}, g.Actor1)
	ok["fatalities"] = g.FatalitiesMin <= e.Fatalities && e.Fatalities <= g.FatalitiesMax
	d0, d1, ok0, ok1 := predDates(e)
	gmin, _ := parseDay(g.DateMin)
	gmax, _ := parseDay(g.DateMax)
	// An unreadable start or end fails the check (score.py compares them as date.min and date.max).
	ok["date"] = (ok0 && !d0.Before(gmin)) && (ok1 && !d1.After(gmax))
	ok["location"] = locMatch(e, g)
	ok["admin1"] = normName(e.Admin1) == normName(g.Admin1)
	got := map[string]bool{}
	for _, sid := range sourceIDs(e) {
		if id, known := docs[sid]; known {
			got[id] = true
		}
	}
	all := true
	for _, id := range g.ReportedIn {
		all = all && got[id]
	}
	ok["sources"] = all
	return ok
}

// diffOf shows a wrong field: the prediction's value and the gold event's accepted values.
func diffOf(field string, e *event.Event, g *GoldEvent, docs map[string]string) FieldDiff {
	alt := func(l []string) string { return strings.Join(l, " | ") }
	d := FieldDiff{Field: field}
	switch field {
	case "event_type":
		d.Got, d.Want = e.EventType, alt(g.EventType)
	case "sub_event_type":
		d.Got, d.Want = e.SubEventType, alt(g.SubEventType)
	case "actor1":
		d.Got, d.Want = orDash(e.Actor1)+" / "+orDash(e.Actor2), alt(g.Actor1)
	case "fatalities":
		d.Got, d.Want = strconv.Itoa(e.Fatalities), fmt.Sprintf("%d..%d", g.FatalitiesMin, g.FatalitiesMax)
	case "date":
		d.Got, d.Want = e.EventDate, g.DateMin+".."+g.DateMax
		if e.DateStart != "" || e.DateEnd != "" {
			d.Got = e.DateStart + ".." + e.DateEnd
		}
	case "location":
		d.Got, d.Want = e.Location, alt(g.Location)
	case "admin1":
		d.Got, d.Want = e.Admin1, g.Admin1
	case "sources":
		// Show the articles named (an id and a url may name the same one) and the ones lacking.
		var got, lack []string
		has := map[string]bool{}
		for _, sid := range sourceIDs(e) {
			id, ok := docs[sid]
			if !ok {
				id = sid + " (unknown)"
			}
			if !has[id] {
				has[id] = true
				got = append(got, id)
			}
		}
		for _, id := range g.ReportedIn {
			if !has[id] {
				lack = append(lack, id)
			}
		}
		d.Got, d.Want = strings.Join(got, " "), "also "+strings.Join(lack, " ")
	}
	return d
}
