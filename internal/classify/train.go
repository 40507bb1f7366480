package classify

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// Example is one labelled text. SubEventType may be empty (the type head still learns from it);
// Cues are what actor resolution would give the coder, used only to measure Decide.
type Example struct {
	Text, EventType, SubEventType string
	Cues                          Cues
}

// Options control training. The zero value of a field means its default.
type Options struct {
	Buckets   uint32  // hashed feature space size (default 1<<18)
	Epochs    int     // passes over the data (default 20)
	LearnRate float64 // initial SGD step (default 1)
	L2        float64 // L2 regularisation per example (default 1e-7)
	Seed      uint64  // shuffling seed (default 1)
}

func (o Options) withDefaults() Options {
	if o.Buckets == 0 {
		o.Buckets = 1 << 18
	}
	if o.Epochs == 0 {
		o.Epochs = 20
	}
	if o.LearnRate == 0 {
		o.LearnRate = 1
	}
	if o.L2 == 0 {
		o.L2 = 1e-7
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Train fits the type head on every example with a known event type and the sub-type head on every
// example with a known sub-event type. Training is deterministic for given examples and options.
func Train(examples []Example, opts Options) *Model {
	opts = opts.withDefaults()
	subs := make([]string, 0, 24)
	for _, t := range event.EventTypes {
		subs = append(subs, event.SubEventTypes[t]...)
	}
	m, err := newModel(opts.Buckets, slices.Clone(event.EventTypes), subs)
	if err != nil {
		panic(err) // the embedded lexicon and the taxonomy are part of the build
	}
	var tx, sx [][]uint32
	var ty, sy []int
	for _, ex := range examples {
		t := slices.Index(m.types, ex.EventType)
		if t < 0 {
			continue
		}
		f := m.features(ex.Text)
		tx, ty = append(tx, f), append(ty, t)
		if s := slices.Index(m.subs, ex.SubEventType); s >= 0 && m.subOf[s] == t {
			sx, sy = append(sx, f), append(sy, s)
		}
	}
	m.typeW = sgd(tx, ty, len(m.types), opts, 1)
	m.subW = sgd(sx, sy, len(m.subs), opts, 2)
	return m
}

// sgd fits multinomial logistic regression by stochastic gradient descent with L2 regularisation
// (weights kept as scale·v so that the decay costs nothing per step), then prunes and quantises the
// weights exactly as Save stores them, so that what is measured is what ships.
func sgd(xs [][]uint32, ys []int, k int, o Options, stream uint64) *table {
	n := int(o.Buckets) * k
	v := make([]float64, n)
	scale := 1.0
	rng := rand.New(rand.NewPCG(o.Seed, stream))
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	p := make([]float64, k)
	t := 0
	for range o.Epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			lr := o.LearnRate / (1 + o.LearnRate*o.L2*float64(t))
			t++
			x, val := xs[i], featureValue(len(xs[i]))
			clear(p)
			for _, f := range x {
				base := int(f) * k
				for c := range k {
					p[c] += v[base+c]
				}
			}
			for c := range p {
				p[c] *= scale * val
			}
			softmax(p)
			scale *= 1 - lr*o.L2
			for c := range k {
				g := p[c]
				if c == ys[i] {
					g--
				}
				if math.Abs(g) < 1e-9 {
					continue
				}
				step := lr * g * val / scale
				for _, f := range x {
					v[int(f)*k+c] -= step
				}
			}
			if scale < 1e-6 {
				for j := range v {
					v[j] *= scale
				}
				scale = 1
			}
		}
	}
	tb := &table{k: k, rows: map[uint32]int32{}}
	for b := 0; b < int(o.Buckets); b++ {
		row := v[b*k : (b+1)*k]
		keep := false
		for _, w := range row {
			keep = keep || math.Abs(w*scale) >= quantum/2
		}
		if !keep {
			continue
		}
		tb.rows[uint32(b)] = int32(len(tb.w))
		for _, w := range row {
			tb.w = append(tb.w, float32(math.Round(w*scale/quantum)*quantum))
		}
	}
	return tb
}
