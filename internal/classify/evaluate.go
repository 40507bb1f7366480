package classify

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// Report holds cross-validated figures: every example is scored by a model that never saw it.
type Report struct {
	Folds, Examples, Extra int
	Predict, Decide        Scores // the model alone; the model with the examples' cues
}

// Scores are accuracy figures of one way of classifying.
type Scores struct {
	TypeAccuracy float64 // share of examples with the right event type
	SubAccuracy  float64 // share of examples with a sub-event type label that got it right
	PerType      map[string]TypeScore
	// Confusion counts gold type → predicted type.
	Confusion map[string]map[string]int
	subN      int
}

// TypeScore is the accuracy on the examples of one gold event type (recall) and the share of the
// predictions of that type that were right (precision).
type TypeScore struct {
	N                 int
	Recall, Precision float64
	SubAccuracy       float64
}

type tally struct {
	n, typeOK, subN, subOK int
	perN, perOK            map[string]int
	perSubN, perSubOK      map[string]int
	predN                  map[string]int
	conf                   map[string]map[string]int
}

func newTally() *tally {
	return &tally{perN: map[string]int{}, perOK: map[string]int{}, perSubN: map[string]int{},
		perSubOK: map[string]int{}, predN: map[string]int{}, conf: map[string]map[string]int{}}
}

func (t *tally) add(ex Example, p Prediction) {
	t.n++
	t.perN[ex.EventType]++
	t.predN[p.EventType]++
	if t.conf[ex.EventType] == nil {
		t.conf[ex.EventType] = map[string]int{}
	}
	t.conf[ex.EventType][p.EventType]++
	if p.EventType == ex.EventType {
		t.typeOK++
		t.perOK[ex.EventType]++
	}
	if ex.SubEventType != "" {
		t.subN++
		t.perSubN[ex.EventType]++
		if p.SubEventType == ex.SubEventType {
			t.subOK++
			t.perSubOK[ex.EventType]++
		}
	}
}

func (t *tally) scores() Scores {
	s := Scores{PerType: map[string]TypeScore{}, Confusion: t.conf, subN: t.subN}
	s.TypeAccuracy = ratio(t.typeOK, t.n)
	s.SubAccuracy = ratio(t.subOK, t.subN)
	for _, ty := range event.EventTypes {
		s.PerType[ty] = TypeScore{N: t.perN[ty], Recall: ratio(t.perOK[ty], t.perN[ty]),
			Precision: ratio(t.perOK[ty], t.predN[ty]), SubAccuracy: ratio(t.perSubOK[ty], t.perSubN[ty])}
	}
	return s
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// CrossValidate splits examples into folds (shuffled with opts.Seed), trains on all folds but one plus
// every extra example, and scores the held-out fold with Predict and with Decide (using each example's
// Cues). Extra examples are never scored.
func CrossValidate(examples []Example, extra []Example, folds int, opts Options) Report {
	opts = opts.withDefaults()
	if folds < 2 {
		folds = 2
	}
	fold := make([]int, len(examples))
	perm := rand.New(rand.NewPCG(opts.Seed, 99)).Perm(len(examples))
	for i, j := range perm {
		fold[j] = i % folds
	}
	pt, dt := newTally(), newTally()
	for f := range folds {
		train := make([]Example, 0, len(examples)+len(extra))
		var test []Example
		for i, ex := range examples {
			if fold[i] == f {
				test = append(test, ex)
			} else {
				train = append(train, ex)
			}
		}
		train = append(train, extra...)
		m := Train(train, opts)
		for _, ex := range test {
			pt.add(ex, m.Predict(ex.Text))
			dt.add(ex, m.Decide(ex.Text, ex.Cues))
		}
	}
	return Report{Folds: folds, Examples: len(examples), Extra: len(extra), Predict: pt.scores(), Decide: dt.scores()}
}

// Write prints the report as plain text: overall and per-type figures and the confusion matrices.
func (r Report) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d-fold cross-validation on %d examples (+%d extra examples in every training fold)\n",
		r.Folds, r.Examples, r.Extra)
	for _, part := range []struct {
		name string
		s    Scores
	}{{"Predict (text only)", r.Predict}, {"Decide (text + cues)", r.Decide}} {
		s := part.s
		fmt.Fprintf(&b, "\n%s: event_type accuracy %.1f%%, sub_event_type accuracy %.1f%% (%d labelled)\n",
			part.name, 100*s.TypeAccuracy, 100*s.SubAccuracy, s.subN)
		fmt.Fprintf(&b, "  %-28s %6s %7s %9s %7s\n", "event_type", "n", "recall", "precision", "sub acc")
		for _, t := range event.EventTypes {
			ts := s.PerType[t]
			fmt.Fprintf(&b, "  %-28s %6d %6.1f%% %8.1f%% %6.1f%%\n", t, ts.N, 100*ts.Recall, 100*ts.Precision, 100*ts.SubAccuracy)
		}
		fmt.Fprintf(&b, "  confusion (rows gold, columns predicted):\n  %-28s", "")
		for _, t := range event.EventTypes {
			fmt.Fprintf(&b, " %6s", abbrev(t))
		}
		b.WriteByte('\n')
		for _, g := range event.EventTypes {
			fmt.Fprintf(&b, "  %-28s", g)
			for _, p := range event.EventTypes {
				fmt.Fprintf(&b, " %6d", s.Confusion[g][p])
			}
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func abbrev(t string) string {
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
		return "STR"
	}
	return t
}
