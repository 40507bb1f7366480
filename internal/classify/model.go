// Package classify assigns ACLED event types and sub-event types to event descriptions. A learned model
// (multinomial logistic regression over hashed word unigrams, bigrams, stems and cue-lexicon features,
// trained on ACLED summaries by `sitrep train`) gives probabilities; Decide combines them with the
// decisive cues the model cannot see in the words (who was targeted, whether protesters or rioters
// were there) and with the cue lexicon of data/cues.tsv for the sub-event type.
package classify

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/sitrep-dev/sitrep/internal/event"
)

//go:embed data/cues.tsv
var cuesTSV []byte

//go:embed data/model.json.gz
var modelGz []byte

// Cues are what the coder knows from actor resolution, which the words alone may not settle. The zero
// value means nothing is known.
type Cues struct {
	CivilianTarget bool // the target is civilians (actor2 = Civilians)
	ArmedTarget    bool // the target is an organised armed group or state forces
	Protest, Riot  bool // protesters / rioters present
	// Remote: the coder told this event apart from another by its means at a distance (a drone
	// strike reported after a battle): when the text names such means, the type is Explosions/Remote
	// violence whoever the target.
	Remote bool
}

func (c Cues) any() bool { return c.CivilianTarget || c.ArmedTarget || c.Protest || c.Riot || c.Remote }

// Prediction is the event type and sub-event type chosen for a text.
type Prediction struct {
	EventType, SubEventType string
	Confidence              float64            // probability of the chosen type
	TypeScores              map[string]float64 // probabilities per event type
	SubConfidence           float64            // probability of the chosen sub-event type within its type
}

// Model is a trained event-type classifier. It is safe for concurrent use.
type Model struct {
	buckets uint32
	types   []string // event types, the type head's classes
	subs    []string // sub-event types, the sub head's classes
	subOf   []int    // index in types of each sub's type
	typeW   *table
	subW    *table
	lex     *lexicon
}

// table holds one softmax head's weights: rows of k class weights for the buckets that kept any.
type table struct {
	k    int
	rows map[uint32]int32 // bucket → offset in w
	w    []float32
}

func (t *table) probs(feats []uint32, out []float64) {
	clear(out)
	val := featureValue(len(feats))
	for _, f := range feats {
		off, ok := t.rows[f]
		if !ok {
			continue
		}
		for c := 0; c < t.k; c++ {
			out[c] += float64(t.w[int(off)+c]) * val
		}
	}
	softmax(out)
}

// featureValue is each present feature's value: binary features scaled to unit length, so long and
// short texts give scores on the same scale.
func featureValue(n int) float64 {
	if n == 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(n))
}

func softmax(s []float64) {
	mx := math.Inf(-1)
	for _, v := range s {
		mx = max(mx, v)
	}
	sum := 0.0
	for i, v := range s {
		s[i] = math.Exp(v - mx)
		sum += s[i]
	}
	for i := range s {
		s[i] /= sum
	}
}

// Default returns the model embedded in the binary (data/model.json.gz).
func Default() (*Model, error) {
	m, err := Load(bytes.NewReader(modelGz))
	if err != nil {
		return nil, fmt.Errorf("embedded classify model: %w", err)
	}
	return m, nil
}

// Predict classifies a text from its words alone.
func (m *Model) Predict(text string) Prediction {
	pt, ps := m.scores(text)
	return m.choose(pt, ps)
}

func (m *Model) scores(text string) (pt, ps []float64) {
	feats := m.features(text)
	pt = make([]float64, len(m.types))
	ps = make([]float64, len(m.subs))
	m.typeW.probs(feats, pt)
	m.subW.probs(feats, ps)
	return pt, ps
}

// choose picks the most probable type, then the most probable sub-event type of that type.
func (m *Model) choose(pt, ps []float64) Prediction {
	t := argmax(pt)
	p := Prediction{EventType: m.types[t], Confidence: pt[t], TypeScores: make(map[string]float64, len(m.types))}
	for i, name := range m.types {
		p.TypeScores[name] = pt[i]
	}
	best, sum := -1, 0.0
	for s := range m.subs {
		if m.subOf[s] != t {
			continue
		}
		sum += ps[s]
		if best < 0 || ps[s] > ps[best] {
			best = s
		}
	}
	if best >= 0 {
		p.SubEventType = m.subs[best]
		if sum > 0 {
			p.SubConfidence = ps[best] / sum
		}
	}
	return p
}

func argmax(v []float64) int {
	b := 0
	for i := range v {
		if v[i] > v[b] {
			b = i
		}
	}
	return b
}

// Serialised form: weights quantised to integers (w = q*Quantum), flat indices (bucket*k + class)
// delta-coded; both as base64 varint streams, which decode far faster than JSON number arrays.
type modelFile struct {
	Version int        `json:"version"`
	Buckets uint32     `json:"buckets"`
	Quantum float64    `json:"quantum"`
	Types   []string   `json:"types"`
	Subs    []string   `json:"subs"`
	TypeW   sparseFile `json:"type_weights"`
	SubW    sparseFile `json:"sub_weights"`
}

type sparseFile struct {
	N     int    `json:"n"`     // number of weights
	Delta []byte `json:"delta"` // uvarint gaps between successive flat indices
	Q     []byte `json:"q"`     // varint quantised weights
}

const (
	fileVersion = 2
	quantum     = 1.0 / 512 // weights closer to zero than half of this are pruned
)

// Save writes the model as gzip-compressed JSON.
func (m *Model) Save(w io.Writer) error {
	f := modelFile{Version: fileVersion, Buckets: m.buckets, Quantum: quantum, Types: m.types, Subs: m.subs,
		TypeW: m.typeW.file(), SubW: m.subW.file()}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("saving classify model: %w", err)
	}
	if err := json.NewEncoder(zw).Encode(&f); err != nil {
		return fmt.Errorf("saving classify model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("saving classify model: %w", err)
	}
	return nil
}

func (t *table) file() sparseFile {
	buckets := make([]uint32, 0, len(t.rows))
	for b := range t.rows {
		buckets = append(buckets, b)
	}
	slices.Sort(buckets)
	var f sparseFile
	var last uint64
	for _, b := range buckets {
		off := t.rows[b]
		for c := 0; c < t.k; c++ {
			q := int32(math.Round(float64(t.w[int(off)+c]) / quantum))
			if q == 0 {
				continue
			}
			idx := uint64(b)*uint64(t.k) + uint64(c)
			f.Delta = binary.AppendUvarint(f.Delta, idx-last)
			f.Q = binary.AppendVarint(f.Q, int64(q))
			f.N++
			last = idx
		}
	}
	return f
}

// Load reads a model written by Save.
func Load(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("loading classify model: %w", err)
	}
	defer zr.Close()
	var f modelFile
	if err := json.NewDecoder(zr).Decode(&f); err != nil {
		return nil, fmt.Errorf("loading classify model: %w", err)
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("loading classify model: version %d, want %d", f.Version, fileVersion)
	}
	if f.Buckets == 0 || len(f.Types) == 0 || len(f.Subs) == 0 {
		return nil, errors.New("loading classify model: empty header")
	}
	m, err := newModel(f.Buckets, f.Types, f.Subs)
	if err != nil {
		return nil, fmt.Errorf("loading classify model: %w", err)
	}
	if m.typeW, err = f.TypeW.table(len(f.Types), f.Buckets, f.Quantum); err != nil {
		return nil, fmt.Errorf("loading classify model type weights: %w", err)
	}
	if m.subW, err = f.SubW.table(len(f.Subs), f.Buckets, f.Quantum); err != nil {
		return nil, fmt.Errorf("loading classify model sub-type weights: %w", err)
	}
	return m, nil
}

func (f sparseFile) table(k int, buckets uint32, quant float64) (*table, error) {
	t := &table{k: k, rows: map[uint32]int32{}}
	var idx uint64
	delta, qs := f.Delta, f.Q
	for range f.N {
		d, n := binary.Uvarint(delta)
		if n <= 0 {
			return nil, errors.New("truncated index stream")
		}
		delta = delta[n:]
		q, n := binary.Varint(qs)
		if n <= 0 {
			return nil, errors.New("truncated weight stream")
		}
		qs = qs[n:]
		idx += d
		b, c := idx/uint64(k), int(idx%uint64(k))
		if b >= uint64(buckets) {
			return nil, fmt.Errorf("index %d out of range", idx)
		}
		off, ok := t.rows[uint32(b)]
		if !ok {
			off = int32(len(t.w))
			t.rows[uint32(b)] = off
			t.w = append(t.w, make([]float32, k)...)
		}
		t.w[int(off)+c] = float32(float64(q) * quant)
	}
	if len(delta) != 0 || len(qs) != 0 {
		return nil, errors.New("trailing bytes after the weights")
	}
	return t, nil
}

// newModel sets up a model's classes and lexicon; the weights are filled in by the caller.
func newModel(buckets uint32, types, subs []string) (*Model, error) {
	lx, err := parseLexicon(bytes.NewReader(cuesTSV))
	if err != nil {
		return nil, err
	}
	m := &Model{buckets: buckets, types: types, subs: subs, subOf: make([]int, len(subs)), lex: lx}
	for i, s := range subs {
		m.subOf[i] = slices.Index(types, event.TypeOf(s))
		if m.subOf[i] < 0 {
			return nil, fmt.Errorf("sub-event type %q has no known event type", s)
		}
	}
	return m, nil
}
