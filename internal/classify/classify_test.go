package classify

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

var update = flag.Bool("update", false, "rewrite golden files")

func defaultModel(t testing.TB) *Model {
	t.Helper()
	m, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return m
}

func TestDefaultPredict(t *testing.T) {
	m := defaultModel(t)
	tests := []struct {
		text, typ, sub string // sub "" means any sub-type of typ
	}{
		{"A drone strike hit a jihadist camp near the village on Tuesday, killing six fighters.", event.ExplosionsRemote, "Air/drone strike"},
		{"The air force carried out airstrikes on militant hideouts in the forest.", event.ExplosionsRemote, "Air/drone strike"},
		{"Two soldiers were killed when their vehicle hit an IED on the road to the town.", event.ExplosionsRemote, "Remote explosive/landmine/IED"},
		{"A roadside bomb exploded under a minibus, killing four passengers.", event.ExplosionsRemote, "Remote explosive/landmine/IED"},
		{"Hundreds of traders held a peaceful protest in front of the governor's office against new taxes.", event.Protests, "Peaceful protest"},
		{"Residents staged a demonstration in the capital to demand better roads.", event.Protests, "Peaceful protest"},
		{"Gunmen abducted twelve farmers from their fields and took them to an unknown destination.", event.ViolenceCivilians, "Abduction/forced disappearance"},
		{"Bandits kidnapped a village head and his two sons in a night raid.", event.ViolenceCivilians, "Abduction/forced disappearance"},
		{"Soldiers clashed with jihadist militants near the town; ten militants and two soldiers were killed.", event.Battles, "Armed clash"},
		{"Armed men stormed the village and shot dead seven villagers.", event.ViolenceCivilians, "Attack"},
		{"Gunmen attacked the village, killing eleven civilians and burning houses.", event.ViolenceCivilians, "Attack"},
		{"Militants looted shops and burned granaries in the village before leaving.", event.StrategicDevelopment, "Looting/property destruction"},
		{"Police arrested five suspected members of the group during a search operation.", event.StrategicDevelopment, "Arrests"},
		{"An angry mob lynched a suspected thief at the market.", event.Riots, "Mob violence"},
		{"Rioters burnt tyres and clashed with police, who fired tear gas.", event.Riots, "Violent demonstration"},
	}
	for _, tt := range tests {
		p := m.Predict(tt.text)
		if p.EventType != tt.typ || (tt.sub != "" && p.SubEventType != tt.sub) {
			t.Errorf("Predict(%q) = %s / %s (%.2f), want %s / %s", tt.text, p.EventType, p.SubEventType, p.Confidence, tt.typ, tt.sub)
		}
		if event.TypeOf(p.SubEventType) != p.EventType {
			t.Errorf("Predict(%q): sub-type %q is not of type %q", tt.text, p.SubEventType, p.EventType)
		}
		sum := 0.0
		for _, v := range p.TypeScores {
			sum += v
		}
		if len(p.TypeScores) != 6 || sum < 0.999 || sum > 1.001 || p.Confidence != p.TypeScores[p.EventType] {
			t.Errorf("Predict(%q): scores %v do not form a distribution with confidence %v", tt.text, p.TypeScores, p.Confidence)
		}
	}
}

func TestDecideCues(t *testing.T) {
	m := defaultModel(t)
	tests := []struct {
		name, text string
		cues       Cues
		typ, sub   string
	}{
		{"civilian target rules out a battle", "Armed men attacked the village of Kolo and fought with the residents; four were killed.",
			Cues{CivilianTarget: true}, event.ViolenceCivilians, "Attack"},
		{"armed target rules out violence against civilians", "Gunmen attacked a checkpoint of the gendarmerie and killed three.",
			Cues{ArmedTarget: true}, event.Battles, "Armed clash"},
		{"remote means on civilians stay remote violence", "A drone strike hit a wedding party, killing ten villagers.",
			Cues{CivilianTarget: true}, event.ExplosionsRemote, "Air/drone strike"},
		{"IED against soldiers", "An IED exploded as an army patrol passed, killing two soldiers.",
			Cues{ArmedTarget: true}, event.ExplosionsRemote, "Remote explosive/landmine/IED"},
		{"shelling", "Rebels shelled the army base with mortars and artillery.",
			Cues{ArmedTarget: true}, event.ExplosionsRemote, "Shelling/artillery/missile attack"},
		{"protesters present", "A crowd gathered at the town hall over the killing of a trader.",
			Cues{Protest: true}, event.Protests, ""},
		{"rioters present", "A crowd gathered at the town hall over the killing of a trader.",
			Cues{Riot: true}, event.Riots, ""},
		{"kidnapping", "Gunmen kidnapped the pastor of the church.",
			Cues{CivilianTarget: true}, event.ViolenceCivilians, "Abduction/forced disappearance"},
		{"rape", "Soldiers raped two women in the village.",
			Cues{CivilianTarget: true}, event.ViolenceCivilians, "Sexual violence"},
		{"army retakes a town", "The army retook control of the town from the jihadists after heavy fighting.",
			Cues{ArmedTarget: true}, event.Battles, "Government regains territory"},
		{"a drone strike told apart from the battle before it", "The rebels said drone attacks on Thursday killed 30 civilians after three days of fighting with the army around the camp.",
			Cues{ArmedTarget: true, Remote: true}, event.ExplosionsRemote, "Air/drone strike"},
		{"remote cue without remote means decides nothing", "The rebels said they fought the army for three days around the camp.",
			Cues{ArmedTarget: true, Remote: true}, event.Battles, ""},
		{"an operation to retake a town is no town regained", "Government forces have not yet been able to retake the town, which fell in the hands of the attackers after two days of clashes.",
			Cues{ArmedTarget: true}, event.Battles, "Armed clash"},
		{"managed to retake is a town regained", "The army managed to retake the town from the jihadists after heavy fighting.",
			Cues{ArmedTarget: true}, event.Battles, "Government regains territory"},
		{"rebels seize a town", "Rebels seized control of the town after the soldiers withdrew under fire.",
			Cues{ArmedTarget: true}, event.Battles, "Non-state actor overtakes territory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := m.Decide(tt.text, tt.cues)
			if p.EventType != tt.typ || (tt.sub != "" && p.SubEventType != tt.sub) {
				t.Errorf("Decide(%q, %+v) = %s / %s, want %s / %s", tt.text, tt.cues, p.EventType, p.SubEventType, tt.typ, tt.sub)
			}
		})
	}
	// Without cues Decide must agree with Predict on the type unless the text names remote means.
	text := "Residents staged a demonstration in the capital to demand better roads."
	if d, p := m.Decide(text, Cues{}), m.Predict(text); d.EventType != p.EventType {
		t.Errorf("Decide without cues = %s, Predict = %s", d.EventType, p.EventType)
	}
}

// syntheticExamples is a small hand-written training set.
func syntheticExamples() []Example {
	var out []Example
	places := []string{"Kolo", "Dara", "Sabon Gari", "Tessit", "Mocimboa"}
	for i, p := range places {
		n := strings.Repeat("x", i)
		out = append(out,
			Example{Text: "Soldiers clashed with militants near " + p + n, EventType: event.Battles, SubEventType: "Armed clash"},
			Example{Text: "A drone strike hit a camp in " + p, EventType: event.ExplosionsRemote, SubEventType: "Air/drone strike"},
			Example{Text: "Gunmen killed villagers in " + p, EventType: event.ViolenceCivilians, SubEventType: "Attack"},
			Example{Text: "Traders protested peacefully in " + p, EventType: event.Protests, SubEventType: "Peaceful protest"},
			Example{Text: "A mob lynched a thief in " + p, EventType: event.Riots, SubEventType: "Mob violence"},
			Example{Text: "Militants looted shops in " + p, EventType: event.StrategicDevelopment},
		)
	}
	return out
}

func TestTrainDeterministic(t *testing.T) {
	opts := Options{Buckets: 1 << 12, Epochs: 5, Seed: 7}
	save := func(m *Model) []byte {
		var b bytes.Buffer
		if err := m.Save(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b := save(Train(syntheticExamples(), opts)), save(Train(syntheticExamples(), opts))
	if !bytes.Equal(a, b) {
		t.Fatal("two trainings with the same seed gave different weights")
	}
	opts.Seed = 8
	if c := save(Train(syntheticExamples(), opts)); bytes.Equal(a, c) {
		t.Error("a different seed gave identical weights: the seed is not used")
	}
}

func TestTrainLearnsAndRoundTrips(t *testing.T) {
	m := Train(syntheticExamples(), Options{Buckets: 1 << 12, Epochs: 10})
	if p := m.Predict("A drone strike hit a camp in Gao"); p.EventType != event.ExplosionsRemote {
		t.Errorf("synthetic model: drone strike → %s", p.EventType)
	}
	// Looting examples had no sub-type label: the sub head never saw them, but the type head did.
	if p := m.Predict("Militants looted shops in Gao"); p.EventType != event.StrategicDevelopment {
		t.Errorf("synthetic model: looting → %s", p.EventType)
	}
	var b bytes.Buffer
	if err := m.Save(&b); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(&b)
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range syntheticExamples() {
		p1, p2 := m.Predict(ex.Text), m2.Predict(ex.Text)
		if p1.EventType != p2.EventType || p1.SubEventType != p2.SubEventType || p1.Confidence != p2.Confidence {
			t.Errorf("%q: before save %+v, after load %+v", ex.Text, p1, p2)
		}
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	for _, in := range []string{"", "not gzip", "\x1f\x8b\x08\x00\x00\x00\x00\x00"} {
		if _, err := Load(strings.NewReader(in)); err == nil {
			t.Errorf("Load(%q) succeeded", in)
		}
	}
}

func TestStripRemarksGolden(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "remarks.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(string(in), "\n"), "\n") {
		b.WriteString(line + "\n=> " + StripRemarks(line) + "\n\n")
	}
	golden := filepath.Join("testdata", "remarks.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("StripRemarks output differs from %s (run with -update to inspect):\n%s", golden, b.String())
	}
	for _, tt := range []struct{ in, want string }{
		{"Looting: On 3 May, gunmen looted shops in Kolo.", "On 3 May, gunmen looted shops in Kolo."},
		{"On 3 May, protesters marched in Kolo. [size=dozens]", "On 3 May, protesters marched in Kolo."},
		{"Soldiers (coded as military) clashed with rebels. Location coded to Kolo (Kolo, Mopti).", "Soldiers clashed with rebels."},
		{"Gunmen killed five, fatalities split between events.", "Gunmen killed five."},
		{"Rebels retook the town.", "Rebels retook the town."},
	} {
		if got := StripRemarks(tt.in); got != tt.want {
			t.Errorf("StripRemarks(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenizeAndLexicon(t *testing.T) {
	got := strings.Join(tokenize("On 12 May, JNIM's fighters set-off an I.E.D. near Kolo-2"), " ")
	if want := "on 0 may jnims fighters set off an i e d near kolo 0"; got != want {
		t.Errorf("tokenize = %q, want %q", got, want)
	}
	lx, err := parseLexicon(strings.NewReader("# c\nair\tdrone*\nied\troadside bomb*\nsuicide\tdetonated * vest\n"))
	if err != nil {
		t.Fatal(err)
	}
	cats := lx.match(tokenize("Drones and a roadside bombing; he detonated his vest."))
	if strings.Join(cats, ",") != "air,ied,suicide" {
		t.Errorf("match = %v", cats)
	}
	if _, err := parseLexicon(strings.NewReader("no tab here\n")); err == nil {
		t.Error("parseLexicon accepted a line without a tab")
	}
}

// TestCrossValidateACLED trains on the ACLED development records (3 folds, few passes) and checks
// held-out accuracy floors a little below what full training reaches.
func TestCrossValidateACLED(t *testing.T) {
	if testing.Short() {
		t.Skip("trains three models on the ACLED records")
	}
	_ = fixtures.Path(t, "eval", "acled-dev.csv")
	root, _ := fixtures.Root()
	dev, extra, err := LoadShared(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(dev) < 5000 || len(extra) < 10000 {
		t.Fatalf("read %d development and %d extra examples; want the whole files", len(dev), len(extra))
	}
	rep := CrossValidate(dev, extra, 3, Options{Buckets: 1 << 17, Epochs: 5})
	var b strings.Builder
	if err := rep.Write(&b); err != nil {
		t.Fatal(err)
	}
	t.Log(b.String())
	checks := []struct {
		name       string
		got, floor float64
	}{
		{"Predict event_type", rep.Predict.TypeAccuracy, 0.86},
		{"Predict sub_event_type", rep.Predict.SubAccuracy, 0.82},
		{"Decide event_type", rep.Decide.TypeAccuracy, 0.94},
		{"Decide sub_event_type", rep.Decide.SubAccuracy, 0.90},
	}
	for _, c := range checks {
		if c.got < c.floor {
			t.Errorf("%s accuracy %.3f below %.2f", c.name, c.got, c.floor)
		}
	}
	if rep.Decide.TypeAccuracy < rep.Predict.TypeAccuracy || rep.Decide.SubAccuracy < rep.Predict.SubAccuracy {
		t.Errorf("Decide (%.3f/%.3f) does worse than Predict (%.3f/%.3f)", rep.Decide.TypeAccuracy,
			rep.Decide.SubAccuracy, rep.Predict.TypeAccuracy, rep.Predict.SubAccuracy)
	}
}

func FuzzPredict(f *testing.F) {
	m := defaultModel(f)
	for _, s := range []string{"", "Other: [size=", "(coded", "A drone strike hit Kolo.", "\xff\xfe", "On 3 May. . . ", strings.Repeat("ab ", 100)} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, cueBits uint8) {
		c := Cues{CivilianTarget: cueBits&1 != 0, ArmedTarget: cueBits&2 != 0, Protest: cueBits&4 != 0, Riot: cueBits&8 != 0}
		for _, p := range []Prediction{m.Predict(text), m.Decide(text, c)} {
			if event.TypeOf(p.SubEventType) != p.EventType || p.Confidence < 0 || p.Confidence > 1 {
				t.Fatalf("%q: bad prediction %+v", text, p)
			}
		}
	})
}

func FuzzStripRemarks(f *testing.F) {
	for _, s := range []string{"", "Looting: x", "a (coded as b) c. Location coded to d.", "[size=", ". A. b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := StripRemarks(s)
		if len(out) > len(s)+1 {
			t.Fatalf("StripRemarks grew %q to %q", s, out)
		}
	})
}

func BenchmarkPredict(b *testing.B) {
	m := defaultModel(b)
	text := "On 12 May 2021, suspected JNIM militants attacked a gendarmerie post in Kolo (Mopti), killing three gendarmes; the army retook the post the next day after air support."
	b.ReportAllocs()
	for b.Loop() {
		m.Predict(text)
	}
}

func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestGoldNotes classifies the notes a human coder wrote for the seed articles' gold events: text in
// a different hand from ACLED's.
func TestGoldNotes(t *testing.T) {
	path := fixtures.Path(t, "fixtures", "seeds", "gold-events.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := defaultModel(t)
	n, ok := 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var g struct {
			EventType    json.RawMessage `json:"event_type"`
			SubEventType json.RawMessage `json:"sub_event_type"`
			Background   bool            `json:"background"`
			Notes        string          `json:"notes"`
		}
		if err := json.Unmarshal([]byte(line), &g); err != nil {
			t.Fatal(err)
		}
		if g.Background {
			continue
		}
		types, subs := oneOrMany(t, g.EventType), oneOrMany(t, g.SubEventType)
		p := m.Predict(g.Notes)
		n++
		if slices.Contains(types, p.EventType) && slices.Contains(subs, p.SubEventType) {
			ok++
		} else {
			t.Logf("%s / %s, want %v / %v: %.80s", p.EventType, p.SubEventType, types, subs, g.Notes)
		}
	}
	if n < 10 || float64(ok) < 0.75*float64(n) {
		t.Errorf("%d of %d gold notes classified right; want at least 75%%", ok, n)
	}
}

func oneOrMany(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var many []string
	if err := json.Unmarshal(raw, &many); err == nil {
		return many
	}
	var one string
	if err := json.Unmarshal(raw, &one); err != nil {
		t.Fatalf("neither string nor list: %s", raw)
	}
	return []string{one}
}
