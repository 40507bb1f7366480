package toll

import (
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/segment"
	"github.com/sitrep-dev/sitrep/internal/timex"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"21", 21, true}, {"2,600", 2600, true}, {"1.5 million", 1500000, true}, {"eleven", 11, true},
		{"twenty-one", 21, true}, {"Twenty", 20, true}, {"a dozen", 12, true}, {"two hundred and fifty", 250, true},
		{"one hundred", 100, true}, {"3 thousand", 3000, true}, {"vingt et un", 21, true}, {"quatre-vingts", 80, true},
		{"soixante-dix", 70, true}, {"vinte e um", 21, true}, {"1.5", 0, false}, {"", 0, false}, {"dozens", 0, false},
		{"a", 0, false}, {"and", 0, false}, {"seven", 7, true}, {"700,000", 700000, true}, {"several", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseNumber(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// fig is the part of a Figure a table test checks.
type fig struct {
	kind  string
	value int
	class string
	flags string // letters: v vague, a aggregate, n negated, p part, j joined, d additional, b background
}

func flagsOf(f Figure) string {
	var b strings.Builder
	for _, x := range []struct {
		on bool
		c  byte
	}{{f.Vague, 'v'}, {f.Aggregate, 'a'}, {f.Negated, 'n'}, {f.Part, 'p'}, {f.Joined, 'j'}, {f.Additional, 'd'}, {f.Background, 'b'}} {
		if x.on {
			b.WriteByte(x.c)
		}
	}
	return b.String()
}

func TestFigures(t *testing.T) {
	tests := []struct {
		in   string
		want []fig
	}{
		{"Gunmen killed at least 21 civilians in the village.", []fig{{"killed", 21, "civilian", ""}}},
		{"The provisional toll is 18 dead and 21 wounded.", []fig{{"killed", 18, "unknown", ""}, {"wounded", 21, "unknown", ""}}},
		{"An armed group killed 20 troops and one civilian on Tuesday.", []fig{{"killed", 20, "military", ""}, {"killed", 1, "civilian", "j"}}},
		{"The attack left 21 martyrs including one civilian and nine injured.", []fig{{"killed", 21, "unknown", ""}, {"killed", 1, "civilian", "p"}, {"wounded", 9, "unknown", ""}}},
		{"Eleven people were killed in the attack.", []fig{{"killed", 11, "unknown", ""}}},
		{"The spokesman confirmed the killing of dozens of civilians.", []fig{{"killed", 12, "civilian", "v"}}},
		{"Several people were killed when the bus hit a mine.", []fig{{"killed", 3, "unknown", "v"}}},
		{"Air strikes killed an unknown number of militants.", []fig{{"killed", 3, "militant", "v"}}},
		{"No one was killed in the attack.", []fig{{"killed", 0, "unknown", "n"}}},
		{"The army said there were no casualties.", []fig{{"killed", 0, "unknown", "n"}}},
		{"About 30 troops, either dead or seriously injured, were evacuated.", []fig{{"casualties", 30, "military", ""}}},
		{"The group said it killed or wounded over 100 soldiers.", []fig{{"casualties", 100, "military", ""}}},
		{"More than 2,600 people have been killed in the region since 2017.", []fig{{"killed", 2600, "unknown", "a"}}},
		{"Thousands have been killed and hundreds of thousands displaced.", []fig{{"killed", 1000, "unknown", "va"}}},
		{"Militants abducted 12 women and killed three men.", []fig{{"abducted", 12, "civilian", ""}, {"killed", 3, "unknown", ""}}},
		{"Between 3 and 5 militants were killed in the raid.", []fig{{"killed", 3, "militant", ""}}},
		{"Police shot dead a suspected robber in the market.", []fig{{"killed", 1, "unknown", ""}}},
		{"A soldier was killed and two others were wounded.", []fig{{"killed", 1, "military", ""}, {"wounded", 2, "unknown", "d"}}},
		{"Residents protested against the killing of three youths by police.", []fig{{"killed", 3, "civilian", "b"}}},
		{"Gunmen killed 4 people, abducted 1, and burned the vehicles.", []fig{{"killed", 4, "unknown", ""}, {"abducted", 1, "unknown", ""}}},
		{"The soldiers rescued 200 civilians near the border.", nil},
		{"The camp lies 20 km from the town and was attacked at 5 am in 2019.", nil},
		{"Three militants were also killed.", []fig{{"killed", 3, "militant", "d"}}},
		{"The separatists said they had lost nine men in the fighting.", []fig{{"killed", 9, "unknown", ""}}},
		{"They took seven soldiers hostage.", []fig{{"abducted", 7, "military", ""}}},
		{"Gunmen attacked the village, killing a mother and her child.", []fig{{"killed", 1, "civilian", ""}, {"killed", 1, "civilian", "j"}}},
		{"Police shot and killed a 23 year-old student.", []fig{{"killed", 1, "civilian", ""}}},
		{"A suspected thief is attacked and killed by a mob.", []fig{{"killed", 1, "unknown", ""}}},
		{"Militants stopped three trucks and executed one of the drivers.", []fig{{"killed", 1, "civilian", ""}}},
		{"An ex-member of the party was killed by gunmen.", []fig{{"killed", 1, "unknown", ""}}},
		{"The army began an operation to retake the town from the militants, who had seized it after attacks that killed 12 people.", []fig{{"killed", 12, "unknown", "b"}}},
		{"Police arrested a man, who had stabbed his neighbour to death.", []fig{{"killed", 1, "civilian", "b"}}},
		{"A couple on a motorbike was killed by an IED.", []fig{{"killed", 2, "unknown", "v"}}},
		{"An unidentified number of soldiers were killed.", []fig{{"killed", 3, "military", "v"}}},
		{"Three policemen attached to the state command have reportedly been killed by assailants.", []fig{{"killed", 3, "police", ""}}},
		{"Militants killed and mutilated 3 people in the village.", []fig{{"killed", 3, "unknown", ""}}},
		{"The party's state treasurer, John Doe was killed by unidentified armed men at his home.", []fig{{"killed", 1, "unknown", ""}}},
		{"A chairman of the workers' union is assassinated by unknown gunmen.", []fig{{"killed", 1, "unknown", ""}}},
		{"The convoy was attacked near the town.", nil},
		{"Witnesses confirmed the beheading of at least 8 people.", []fig{{"killed", 8, "unknown", ""}}},
		{"A boundary dispute between two communities has claimed six lives.", []fig{{"killed", 6, "unknown", ""}}},
		{"A mob attempted to lynch a suspected thief before police intervened.", nil},
		{"The leader threatened to openly kill a rival politician.", nil},
		{"Armed men killed a three years old girl and injured 7 others.", []fig{{"killed", 1, "civilian", ""}, {"wounded", 7, "unknown", "d"}}},
		{"Militants killed one man in the village, while two others went missing.", []fig{{"killed", 1, "unknown", ""}, {"missing", 2, "unknown", "d"}}},
		{"Transport workers rioted over the death of a colleague, killing two police officers.", []fig{{"killed", 1, "unknown", "b"}, {"killed", 2, "police", ""}}},
		{"A police officer was shot dead at his home in the town.", []fig{{"killed", 1, "police", ""}}},
		{"Residents demonstrated after police shot dead a man at a checkpoint.", []fig{{"killed", 1, "unknown", "b"}}},
		{"During a protest, police fired on protesters, killing two of them.", []fig{{"killed", 2, "unknown", ""}}},
		{"Militiamen abducted six men and executed them.", []fig{{"abducted", 6, "unknown", ""}, {"killed", 6, "unknown", ""}}},
		{"Soldiers arrested 15 villagers; those arrested were later found dead.", []fig{{"killed", 15, "civilian", ""}}},
		{"Gunmen killed the two occupants of the car.", []fig{{"killed", 2, "unknown", ""}}},
		{"The driver, his assistant and one of the passengers were killed.", []fig{{"killed", 1, "civilian", ""}, {"killed", 1, "civilian", "j"}, {"killed", 1, "civilian", "j"}}},
		{"Rebels claimed over 50 civilians of Nigerien, Sudanese, and Chadian origin had been killed in drone attacks.", []fig{{"killed", 50, "civilian", ""}}},
		{"Two people were kidnapped and one is missing.", []fig{{"abducted", 2, "unknown", ""}, {"missing", 1, "unknown", ""}}},
		{"A mob burned to death a young man in the city.", []fig{{"killed", 1, "unknown", ""}}},
		{"Unknown individuals decapitated a traditional healer in the town.", []fig{{"killed", 1, "unknown", ""}}},
		{"Several demonstrators were wounded, with one demonstrator later succumbing to his wounds.", []fig{{"wounded", 3, "civilian", "v"}, {"killed", 1, "civilian", ""}}},
		{"A mob attacks and nearly kills a man in the market.", nil},
		{"Militiamen hacked to death five men in the village.", []fig{{"killed", 5, "unknown", ""}}},
		{"Guards shot dead one prisoner and wounded five others.", []fig{{"killed", 1, "unknown", ""}, {"wounded", 5, "unknown", "d"}}},
		{"Gunmen killed a policeman and a bystander at the market.", []fig{{"killed", 1, "police", ""}, {"killed", 1, "civilian", "j"}}},
		{"Gunmen attacked a vehicle, killing a leader of the faction and his driver.", []fig{{"killed", 1, "unknown", ""}, {"killed", 1, "civilian", "j"}}},
		{"Three people including a man, a woman, and a girl were killed.", []fig{{"killed", 3, "unknown", ""}}},
		{"Two elders narrowly escape death after they were attacked over witchcraft claims.", nil},
		{"Four individuals were shot and wounded.", []fig{{"wounded", 4, "unknown", ""}}},
		{"Forces raided a camp, 15 presumed Katiba Macina (JNIM) militants killed.", []fig{{"killed", 15, "militant", ""}}},
		{"Gunmen attacked the village, at least 35 villagers including children were killed.", []fig{{"killed", 35, "civilian", ""}}},
		{"Militants ambushed three policemen on their way home and killed one of them.", []fig{{"killed", 1, "unknown", ""}}},
		{"Villagers nearly lynched a pastor before police intervened.", nil},
	}
	for _, tt := range tests {
		got := Figures(tt.in, segment.Sentence{Start: 0, End: len(tt.in)})
		if len(got) != len(tt.want) {
			t.Errorf("%q: got %d figures %+v, want %d", tt.in, len(got), got, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			g := got[i]
			if g.Kind != w.kind || g.Value != w.value || g.VictimClass != w.class || flagsOf(g) != w.flags {
				t.Errorf("%q figure %d: got %s %d %s %q (%q), want %s %d %s %q", tt.in, i, g.Kind, g.Value, g.VictimClass, flagsOf(g), g.Text, w.kind, w.value, w.class, w.flags)
			}
			if g.Text != tt.in[g.Start:g.End] {
				t.Errorf("%q: figure text %q does not match its offsets", tt.in, g.Text)
			}
		}
	}
}

func TestAttribute(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Gunmen killed 20 troops on Tuesday, the defense ministry said.", "the defense ministry"},
		{"According to a police source, 10 people died.", "a police source"},
		{"Residents told AFP that five people were killed.", "Residents"},
		{"JNIM claimed it killed 50 soldiers.", "JNIM"},
		{"The governor of Gao announced that eleven people died.", "The governor of Gao"},
		{"“We killed many of them,” a separatist spokesman said.", "a separatist spokesman"},
		{"Separatists said they lost nine men.", "Separatists"},
		{"Another official, who spoke overnight, said about 20 people had been killed.", "Another official"},
		{"The army on Monday said it suffered heavy losses.", "The army"},
		{"The Framework for Azawad (CSP-DPA) alliance said 30 were airlifted.", "The Framework for Azawad (CSP-DPA) alliance"},
		{"A local official and a former worker told AFP that 15 were killed.", "A local official and a former worker"},
		{"Gunmen attacked a hotel in 2016, with no casualties reported among the staff.", ""},
		{"A man is killed over witchcraft claims.", ""},
		{"It said 20 were killed.", ""},
		{"Twenty people were killed.", ""},
	}
	for _, tt := range tests {
		c, ok := Attribute(tt.in, segment.Sentence{Start: 0, End: len(tt.in)})
		if c.Text != tt.want || ok != (tt.want != "") {
			t.Errorf("Attribute(%q) = %q, %v; want %q", tt.in, c.Text, ok, tt.want)
		}
		if ok && c.Text != tt.in[c.Start:c.End] {
			t.Errorf("%q: claimant text does not match offsets", tt.in)
		}
	}
}

func rep(kind string, v int, class string, mods ...string) Report {
	r := Report{Figure: Figure{Kind: kind, Value: v, Low: v, High: v, VictimClass: class}}
	for _, m := range mods {
		switch m {
		case "perp":
			r.ByPerpetrator = true
		case "agg":
			r.Figure.Aggregate = true
		case "part":
			r.Figure.Part = true
		case "joined":
			r.Figure.Joined = true
		case "more":
			r.Figure.Additional = true
		case "neg":
			r.Figure.Negated = true
		case "vague":
			r.Figure.Vague = true
		}
	}
	return r
}

func TestReconcile(t *testing.T) {
	tests := []struct {
		name            string
		in              []Report
		best, low, high int
	}{
		{"competing", []Report{rep("killed", 21, "civilian"), rep("killed", 20, "unknown"), rep("killed", 20, "unknown")}, 20, 20, 21},
		{"groups summed", []Report{rep("killed", 20, "military"), rep("killed", 1, "civilian", "joined")}, 21, 21, 21},
		{"subset not added", []Report{rep("killed", 20, "military"), rep("killed", 1, "civilian", "joined"), rep("killed", 21, "unknown"), rep("killed", 1, "civilian", "part")}, 21, 21, 21},
		{"perpetrator only when alone", []Report{rep("killed", 55, "unknown", "perp"), rep("killed", 12, "civilian")}, 12, 12, 12},
		{"perpetrator alone", []Report{rep("killed", 55, "unknown", "perp")}, 55, 55, 55},
		{"wounded never", []Report{rep("killed", 18, "unknown"), rep("wounded", 21, "unknown", "joined")}, 18, 18, 18},
		{"casualties never", []Report{rep("casualties", 70, "unknown")}, 0, 0, 0},
		{"aggregate never", []Report{rep("killed", 2600, "unknown", "agg"), rep("killed", 7, "unknown")}, 7, 7, 7},
		{"additional adds", []Report{rep("killed", 1, "military"), rep("killed", 6, "militant", "joined"), rep("killed", 3, "militant", "more")}, 10, 10, 10},
		{"negated is zero", []Report{rep("killed", 0, "unknown", "neg")}, 0, 0, 0},
		{"lowest credible", []Report{rep("killed", 19, "unknown"), rep("killed", 18, "unknown"), rep("killed", 19, "civilian")}, 18, 18, 19},
		{"vague only when nothing precise", []Report{rep("killed", 3, "civilian", "vague"), rep("killed", 7, "civilian")}, 7, 7, 7},
		{"precise total beats vague groups", []Report{rep("killed", 12, "civilian", "vague"), rep("killed", 15, "unknown")}, 15, 15, 15},
		{"two vague: the larger", []Report{rep("killed", 12, "civilian", "vague"), rep("killed", 10, "unknown", "vague")}, 12, 10, 12},
		{"one named victim is one of the many", []Report{rep("killed", 10, "unknown", "vague"), rep("killed", 1, "civilian")}, 10, 1, 10},
		{"one of dozens in a group", []Report{rep("killed", 12, "civilian", "vague"), rep("killed", 1, "civilian")}, 12, 12, 12},
		{"a precise count of a vague word stands", []Report{rep("killed", 12, "civilian", "vague"), rep("killed", 7, "civilian")}, 7, 7, 7},
		{"an unknown number beside a count adds nothing", []Report{rep("killed", 30, "militant"), rep("killed", 3, "military", "vague", "joined")}, 30, 30, 30},
		{"nothing", nil, 0, 0, 0},
	}
	for _, tt := range tests {
		got := Reconcile(tt.in)
		if got.Best != tt.best || got.Low != tt.low || got.High != tt.high {
			t.Errorf("%s: got %+v, want best %d low %d high %d", tt.name, got, tt.best, tt.low, tt.high)
		}
		for _, i := range got.Used {
			if i < 0 || i >= len(tt.in) {
				t.Errorf("%s: Used index %d out of range", tt.name, i)
			}
		}
	}
}

type seedArticle struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

func readSeeds(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, a := range fixtures.JSONL[seedArticle](t, "fixtures", "seeds", "articles.jsonl") {
		out[a.ID] = a.Text
	}
	return out
}

// TestSeedTolls reconciles the figures of the seed sentences that report each gold event (selected by
// words of the sentence, as a coder would after placing them) and checks the toll. Sentences whose
// claimant did the killing are marked as perpetrator claims, as the coder does from actors.
func TestSeedTolls(t *testing.T) {
	seeds := readSeeds(t)
	tests := []struct {
		name     string
		articles []string
		with     []string // a sentence is used when it contains one of these
		without  []string // and none of these
		perp     []string // figures of sentences containing these are the killer's own claims
		best     int
		low      int
		high     int
	}{
		{"Djiguibombo", []string{"defensepost-suspected-jihadist-attack-central-mali"}, []string{"killed"}, nil, nil, 20, 20, 21},
		{"Diallassagou", []string{"defensepost-civilians-killed-central-mali"}, []string{"Diallassagou", "dead", "toll", "farmers", "civilians"}, []string{"June 2022"}, nil, 18, 18, 19},
		{"Kadji", []string{"apa-kadji-gao-eis"}, []string{"Kadji", "eleven"}, nil, nil, 11, 11, 11},
		{"Tassia", []string{"defensepost-western-niger-attack"}, []string{""}, nil, []string{"several dozen"}, 21, 21, 21},
		{"Boulikessi", []string{"mali-boulikessi-timbuktu-jnim"}, []string{""}, nil, nil, 30, 30, 30},
		{"Palma", []string{"rearguard-isis-claims-palma", "mz-army-retake-palma-translated"}, []string{"Palma", "dozens"}, []string{"convoy", "Times"}, []string{"terrorist network"}, 12, 10, 12},
		{"Palma claim alone", []string{"rearguard-isis-claims-palma"}, []string{"55"}, nil, []string{"terrorist network"}, 55, 55, 55},
		{"Tinzaouatene", []string{"defensepost-mali-separatists-kill-wagner-government-fighters", "defensepost-mali-separatists-victory-algeria-border", "defensepost-mali-army-losses-north"},
			[]string{"Tinzaouatene", "Wagner", "killed", "lost"}, []string{"drone"}, []string{"they killed", "JNIM said it killed", "Separatist rebels"}, 7, 7, 9},
	}
	for _, tt := range tests {
		var reps []Report
		for _, id := range tt.articles {
			text, ok := seeds[id]
			if !ok {
				t.Fatalf("%s: no seed article %s", tt.name, id)
			}
			for _, s := range segment.Sentences(text) {
				st := s.Text(text)
				if !containsAny(st, tt.with) || containsAny(st, tt.without) {
					continue
				}
				c, _ := Attribute(text, s)
				for _, f := range Figures(text, s) {
					reps = append(reps, Report{Figure: f, By: c.Text, ByPerpetrator: containsAny(st, tt.perp)})
				}
			}
		}
		got := Reconcile(reps)
		if got.Best != tt.best || got.Low != tt.low || got.High != tt.high {
			t.Errorf("%s: got %+v, want best %d low %d high %d", tt.name, got, tt.best, tt.low, tt.high)
			for _, r := range reps {
				t.Logf("  %s %d %s %q perp=%v agg=%v part=%v joined=%v", r.Figure.Kind, r.Figure.Value, r.Figure.VictimClass, r.Figure.Text, r.ByPerpetrator, r.Figure.Aggregate, r.Figure.Part, r.Figure.Joined)
			}
		}
	}
}

// TestSeedAggregates: the running totals of the seeds are flagged.
func TestSeedAggregates(t *testing.T) {
	seeds := readSeeds(t)
	want := []string{"2,600", "400 soldiers", "hundreds of civilians", "Thousands"}
	found := map[string]bool{}
	for _, text := range seeds {
		for _, s := range segment.Sentences(text) {
			for _, f := range Figures(text, s) {
				for _, w := range want {
					if strings.Contains(f.Text, w) && f.Kind == "killed" {
						found[w] = true
						if !f.Aggregate {
							t.Errorf("%q not flagged as a running total", f.Text)
						}
					}
				}
			}
		}
	}
	for _, w := range want {
		if !found[w] {
			t.Errorf("no killed figure %q found in the seeds", w)
		}
	}
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"21", "2,600", "twenty-one", "a dozen", "1.5 million", "vingt et un", "9999999999999", "and and"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := ParseNumber(s)
		if ok && n < 0 {
			t.Fatalf("ParseNumber(%q) = %d", s, n)
		}
	})
}

func FuzzFigures(f *testing.F) {
	for _, s := range []string{"Gunmen killed at least 21 civilians.", "18 dead and 21 wounded", "“several dozen” of the assailants were killed", "No one was killed.", "killed him", "the death toll of 19", "3-5 between and"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, sen := range segment.Sentences(s) {
			for _, fg := range Figures(s, sen) {
				if fg.Start < sen.Start || fg.End > sen.End || fg.Start > fg.End || fg.Value < 0 {
					t.Fatalf("bad figure %+v in %q", fg, s)
				}
			}
			if c, ok := Attribute(s, sen); ok && (c.Start < sen.Start || c.End > sen.End || c.Start >= c.End) {
				t.Fatalf("bad claimant %+v in %q", c, s)
			}
		}
	})
}

// BenchmarkDocument measures what the coder runs on each sentence of a document: dates, figures and
// claimants (reported per document over the seed articles).
func BenchmarkDocument(b *testing.B) {
	seeds := readSeeds(b)
	ref := timex.Ref{Published: time.Date(2024, 7, 3, 12, 0, 0, 0, time.UTC), Known: true}
	b.ResetTimer()
	docs := 0
	for b.Loop() {
		for _, text := range seeds {
			for _, s := range segment.Sentences(text) {
				timex.Find(text, s, ref)
				Figures(text, s)
				Attribute(text, s)
			}
			docs++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(docs, 1)), "ns/doc")
}

func BenchmarkFigures(b *testing.B) {
	seeds := readSeeds(b)
	b.ResetTimer()
	for b.Loop() {
		for _, text := range seeds {
			for _, s := range segment.Sentences(text) {
				Figures(text, s)
				Attribute(text, s)
			}
		}
	}
}
