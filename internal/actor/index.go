package actor

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"time"
)

//go:embed data/aliases.tsv data/generic.tsv data/eras.tsv data/renames.tsv data/nationality.tsv
var handFiles embed.FS

// cand is one actor a surface form can stand for.
type cand struct {
	name  string // era-slotted for state forces
	inter int
	scope string    // ACLED country the form means this actor in; "" anywhere
	since time.Time // hand-written meanings that hold from a date on (zero: always)
	hand  bool
	n     int // events seen (learned forms)
}

// form is one surface form of the index (folded words joined by spaces).
type form struct {
	key     string
	acronym bool   // every alias giving this key was in capitals: match capitals only
	generic string // class of a generic word ("military"); "" for names
	cands   []cand
}

type index struct {
	forms    map[string]*form
	maxWords int
	// first maps a form's first word to the most words a form starting with it has, so that scan
	// tries only the lengths that can match.
	first map[string]int
}

func newIndex() *index { return &index{forms: map[string]*form{}, first: map[string]int{}} }

func (x *index) get(alias string) *form {
	key := normKey(alias)
	if key == "" {
		return nil
	}
	f := x.forms[key]
	if f == nil {
		f = &form{key: key, acronym: true}
		x.forms[key] = f
		n := strings.Count(key, " ") + 1
		if n > x.maxWords {
			x.maxWords = n
		}
		w, _, _ := strings.Cut(key, " ")
		if n > x.first[w] {
			x.first[w] = n
		}
	}
	if !isAcronym(alias) {
		f.acronym = false
	}
	return f
}

func (x *index) addNamed(alias string, c cand) {
	if f := x.get(alias); f != nil {
		for _, old := range f.cands {
			if old.name == c.name && old.scope == c.scope && old.hand == c.hand && old.since.Equal(c.since) {
				return
			}
		}
		f.cands = append(f.cands, c)
	}
}

func (x *index) addGeneric(term, class string) {
	if f := x.get(term); f != nil && f.generic == "" {
		f.generic = class
	}
}

type match struct {
	i, j int // token range
	form *form
}

// scan finds forms in the tokens, longest first, left to right, without overlaps.
func (x *index) scan(toks []token) []match {
	var out []match
	var b strings.Builder
	for i := 0; i < len(toks); {
		best := match{}
		for n := min(x.first[toks[i].norm], len(toks)-i); n >= 1; n-- {
			b.Reset()
			for k := i; k < i+n; k++ {
				if k > i {
					b.WriteByte(' ')
				}
				b.WriteString(toks[k].norm)
			}
			f := x.forms[b.String()]
			if f == nil {
				continue
			}
			if f.acronym && !allUpper(toks[i:i+n]) {
				continue
			}
			best = match{i: i, j: i + n, form: f}
			break
		}
		if best.form == nil {
			i++
			continue
		}
		out = append(out, best)
		i = best.j
	}
	return out
}

func allUpper(toks []token) bool {
	for _, t := range toks {
		if !t.upper {
			return false
		}
	}
	return true
}

// handData is the hand-written part of the dictionary (data/*.tsv).
type handData struct {
	aliases     []handAlias
	generic     [][2]string // term, class
	eras        []Era
	renames     map[string][]rename
	nationality map[string]string // folded key → ACLED country
}

type handAlias struct {
	canonical string
	inter     int
	scope     string
	since     time.Time
	aliases   []string
}

type rename struct {
	to   string
	from time.Time
}

func readTSV(name string, fields int, each func(f []string) error) error {
	b, err := handFiles.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Split(s, "\t")
		if len(f) != fields {
			return fmt.Errorf("%s:%d: want %d tab-separated fields, have %d", name, line, fields, len(f))
		}
		if err := each(f); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
	return sc.Err()
}

func loadHand() (*handData, error) {
	h := &handData{renames: map[string][]rename{}, nationality: map[string]string{}}
	err := readTSV("data/aliases.tsv", 4, func(f []string) error {
		inter, err := strconv.Atoi(f[1])
		if err != nil || inter < 1 || inter > 8 {
			return fmt.Errorf("bad inter code %q", f[1])
		}
		scope, sinceText, dated := strings.Cut(f[2], "@")
		if scope == "-" {
			scope = ""
		}
		var since time.Time
		if dated {
			if since = parseDay(sinceText); since.IsZero() {
				return fmt.Errorf("bad date in scope %q", f[2])
			}
		}
		h.aliases = append(h.aliases, handAlias{canonical: slotState(f[0]), inter: inter, scope: scope, since: since, aliases: append(strings.Split(f[3], "|"), f[0])})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := readTSV("data/generic.tsv", 2, func(f []string) error {
		h.generic = append(h.generic, [2]string{f[0], f[1]})
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readTSV("data/eras.tsv", 4, func(f []string) error {
		if parseDay(f[3]).IsZero() {
			return fmt.Errorf("bad date %q", f[3])
		}
		h.eras = append(h.eras, Era{Country: f[0], Kind: f[1], Label: f[2], First: f[3]})
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readTSV("data/renames.tsv", 3, func(f []string) error {
		d := parseDay(f[2])
		if d.IsZero() {
			return fmt.Errorf("bad date %q", f[2])
		}
		h.renames[f[0]] = append(h.renames[f[0]], rename{to: f[1], from: d})
		return nil
	}); err != nil {
		return nil, err
	}
	if err := readTSV("data/nationality.tsv", 2, func(f []string) error {
		h.nationality[normKey(f[0])] = f[1]
		return nil
	}); err != nil {
		return nil, err
	}
	return h, nil
}

// addTo puts the hand-written names and generic words into an index.
func (h *handData) addTo(x *index) {
	for _, a := range h.aliases {
		for _, al := range a.aliases {
			x.addNamed(al, cand{name: a.canonical, inter: a.inter, scope: a.scope, since: a.since, hand: true})
		}
	}
	for _, g := range h.generic {
		x.addGeneric(g[0], g[1])
	}
}
