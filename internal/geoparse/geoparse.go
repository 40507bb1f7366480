// Package geoparse finds the places an article names, resolves each to a gazetteer entry using the
// whole story as context (focus country, co-mentioned admin units, distances between places), and
// picks the location of an event described in some of its sentences, with ACLED's geo_precision.
//
// Recognition is gazetteer driven: capitalised word sequences that the gazetteer knows become place
// mentions, unless a stoplist (days, agencies, armed groups, leaders' names), the learned list of
// ordinary words or the context (a title before, a surname after) says otherwise. Cue phrases
// ("the village of", "near", "X district", "in X (Y, Z)") tell what kind of unit a name is, how
// precisely it locates an event, and whether it is where the event happened at all ("fled to X").
package geoparse

import (
	"bufio"
	"embed"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

//go:embed data/*.txt data/*.tsv.gz
var dataFS embed.FS

// Hints is what the caller knows about a document beyond its text.
type Hints struct {
	Country string // ISO2 of the feed or outlet, optional
	Title   string
}

// Mention is one place name in the text and the place it was resolved to.
type Mention struct {
	Start, End int    // byte offsets of the name in the text
	Text       string // the name as written
	Cue        string // the context cue: "village of", "near", "district", "in", "paren", ...
	Place      gazetteer.Place
	Resolved   bool
	Kind       string // "place", "admin1", "admin2", "country"
}

// Location is where an event happened, in the event record's terms.
type Location struct {
	Country, ISO3, Region, Admin1, Admin2, Admin3, Name string

	ISO          int
	Lat, Lon     float64
	GeoPrecision int
	GeonameID    int64
	Start, End   int // evidence span (the mention) in the text
}

// cue is one context phrase from data/cues.txt.
type cue struct {
	label string
	prec  int
	role  string // event, away, ref, admin1, admin2, admin3
	words []string
}

// namesUnit reports whether the cue names an admin unit ("district", "LGA of", "region"); nil
// names none.
func (c *cue) namesUnit() bool {
	return c != nil && (c.role == "admin1" || c.role == "admin2" || c.role == "admin3")
}

// Parser recognises and resolves place mentions. It is safe for concurrent use.
type Parser struct {
	g         *gazetteer.Gazetteer
	stop      map[string]bool // folded names and phrases that are never places
	common    map[string]bool // folded ordinary words
	before    []cue           // longest first
	after     []cue           // longest first
	landmarks []landmark      // longest first
	titles    map[string]bool // folded words that precede a person's name
	african   map[string]bool // ISO2 of the countries sitrep covers first
	words     *wordModel      // country evidence from the story's other words
	a1words   *wordModel      // admin1 evidence from them
	maxToken  int
	seats     sync.Map // unit → its capital or seat, found once (the gazetteer, imports added, is fixed before New)
	// unitLists holds each country's admin units (see units), gathered once.
	unitLists sync.Map
}

// New builds a parser over a gazetteer.
func New(g *gazetteer.Gazetteer) (*Parser, error) {
	if g == nil {
		return nil, fmt.Errorf("geoparse: nil gazetteer")
	}
	p := &Parser{g: g, maxToken: g.MaxTokens()}
	if p.maxToken < 1 {
		p.maxToken = 1
	}
	if p.maxToken > 8 {
		p.maxToken = 8 // longer names are organisations' full titles, never worth the scan
	}
	var err error
	if p.stop, err = loadSet("data/stoplist.txt"); err != nil {
		return nil, err
	}
	if p.common, err = loadSet("data/common.txt"); err != nil {
		return nil, err
	}
	p.titles = map[string]bool{}
	for _, t := range []string{"president", "general", "gen", "colonel", "col", "captain", "capt", "lieutenant", "lt", "commander", "minister", "governor", "mayor", "chief", "imam", "sheikh", "emir", "prefect", "mr", "mrs", "ms", "dr", "sergeant", "major", "senator", "king", "prince", "pope", "saint"} {
		p.titles[t] = true
	}
	p.african = map[string]bool{}
	for _, c := range g.Countries() {
		if strings.HasSuffix(c.Region, "Africa") {
			p.african[c.ISO2] = true
		}
	}
	if err := p.loadCues(); err != nil {
		return nil, err
	}
	if p.words, err = loadWordModel("data/country-words.tsv.gz", countryLabel(g), 2000); err != nil {
		return nil, err
	}
	if p.a1words, err = loadWordModel("data/admin1-words.tsv.gz", admin1Label(g), a1Smoothing); err != nil {
		return nil, err
	}
	return p, nil
}

// loadSet reads a one-entry-a-line data file into a set of folded keys.
func loadSet(name string) (map[string]bool, error) {
	f, err := dataFS.Open(name)
	if err != nil {
		return nil, fmt.Errorf("geoparse: open %s: %w", name, err)
	}
	defer f.Close()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k := gazetteer.Fold(line); k != "" {
			set[k] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("geoparse: read %s: %w", name, err)
	}
	return set, nil
}

func (p *Parser) loadCues() error {
	const name = "data/cues.txt"
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("geoparse: read %s: %w", name, err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) != 5 {
			return fmt.Errorf("geoparse: %s:%d: want 5 fields, got %d", name, i+1, len(f))
		}
		prec, err := strconv.Atoi(f[3])
		if err != nil {
			return fmt.Errorf("geoparse: %s:%d: precision: %w", name, i+1, err)
		}
		var words []string
		for _, w := range strings.Fields(f[1]) {
			words = append(words, gazetteer.Fold(w))
		}
		c := cue{label: f[2], prec: prec, role: f[4], words: words}
		switch f[0] {
		case "before":
			p.before = append(p.before, c)
		case "after":
			p.after = append(p.after, c)
		case "landmark":
			p.landmarks = append(p.landmarks, landmark{words: words, seat: f[4]})
		default:
			return fmt.Errorf("geoparse: %s:%d: side %q", name, i+1, f[0])
		}
	}
	longestFirst := func(cs []cue) {
		sort.SliceStable(cs, func(i, j int) bool { return len(cs[i].words) > len(cs[j].words) })
	}
	longestFirst(p.before)
	longestFirst(p.after)
	sort.SliceStable(p.landmarks, func(i, j int) bool { return len(p.landmarks[i].words) > len(p.landmarks[j].words) })
	return nil
}
