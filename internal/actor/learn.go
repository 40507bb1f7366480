package actor

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/evaluate"
)

// Model is what sitrep learns from ACLED records: the actor names ACLED uses per country with their
// inter codes and the dates they were seen, the regime eras of state forces, which name ACLED codes
// when a note uses a given word in a given country (links), and which groups ACLED codes as
// associated with a parent group (Katiba Macina with JNIM). It is the content of data/learned.json.gz.
type Model struct {
	Source  string         `json:"source"`
	Rows    int            `json:"rows"`
	Actors  []LearnedActor `json:"actors"`
	Eras    []Era          `json:"eras"`
	Links   []Link         `json:"links"`
	Parents []Parent       `json:"parents"`
	// Crowds are groups ACLED mostly codes alongside protesters or rioters (parties' supporters,
	// unions): named in a demonstration, they join the crowd rather than fight.
	Crowds []string `json:"crowds"`
}

// LearnedActor is one ACLED name as seen in one country's events (state names keep their era).
type LearnedActor struct {
	Name    string `json:"name"`
	Country string `json:"country"`
	Inter   int    `json:"inter"`
	N       int    `json:"n"`
	First   string `json:"first"`
	Last    string `json:"last"`
}

// Era is one regime era of a country's state forces ("Military Forces of Mali (2013-2020)"), with the
// first and last event dates it was seen on.
type Era struct {
	Country string `json:"country"`
	Kind    string `json:"kind"`
	Label   string `json:"label"`
	First   string `json:"first"`
	Last    string `json:"last"`
	N       int    `json:"n"`
}

// Link says that of Of notes from Country that use the words Key, N were coded with actor Name (state
// names era-free). Keys starting with "#" aggregate a generic class ("#military").
type Link struct {
	Key     string `json:"key"`
	Country string `json:"country"`
	Name    string `json:"name"`
	N       int    `json:"n"`
	Of      int    `json:"of"`
	First   string `json:"first"`
	Last    string `json:"last"`
}

// Parent says that of Of events naming Name, N coded it as associated with Parent as main actor;
// Years gives the same per year, since ACLED's practice changes (Katiba Macina became an actor of
// its own in 2020).
type Parent struct {
	Name   string       `json:"name"`
	Parent string       `json:"parent"`
	N      int          `json:"n"`
	Of     int          `json:"of"`
	Years  []ParentYear `json:"years"`
}

// ParentYear is one year of a Parent relation.
type ParentYear struct {
	Year int `json:"year"`
	N    int `json:"n"`
	Of   int `json:"of"`
}

// acledRow is the part of an ACLED record the learner reads.
type acledRow struct {
	id, country, notes string
	date               time.Time
	actors             [4][]string // actor1, assoc1, actor2, assoc2
	inter              [2]int
}

// learnColumns are the ACLED columns the learner reads besides event_id_cnty.
func learnColumns() []string {
	return []string{"event_date", "country", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "inter1", "inter2", "notes"}
}

// readACLED reads ACLED records (CSV with ACLED's header), keeping those keep accepts (nil keeps all).
func readACLED(r io.Reader, keep func(id string) bool) ([]acledRow, error) {
	recs, err := evaluate.ReadACLEDWith(r, learnColumns()...)
	if err != nil {
		return nil, err
	}
	var rows []acledRow
	for _, rec := range recs {
		if keep == nil || keep(rec.EventIDCnty) {
			rows = append(rows, learnRow(rec))
		}
	}
	return rows, nil
}

// learnRow is the part of an ACLED record the learner reads, with the actor lists split.
func learnRow(rec evaluate.ACLEDRow) acledRow {
	split := func(s string) []string {
		var out []string
		for _, p := range strings.Split(s, ";") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	row := acledRow{id: rec.EventIDCnty, country: rec.Country, notes: rec.Notes, date: parseDay(rec.EventDate)}
	row.actors = [4][]string{split(rec.Actor1), split(rec.AssocActor1), split(rec.Actor2), split(rec.AssocActor2)}
	row.inter[0], _ = strconv.Atoi(rec.Inter1)
	row.inter[1], _ = strconv.Atoi(rec.Inter2)
	return row
}

// Learn builds a Model from ACLED records (CSV), keeping the rows keep accepts (nil keeps all): the
// held-out check learns on part of the records and scores the rest.
func Learn(r io.Reader, source string, keep func(id string) bool) (*Model, error) {
	rows, err := readACLED(r, keep)
	if err != nil {
		return nil, err
	}
	return learnRows(rows, source)
}

type span struct {
	first, last time.Time
	n           int
}

func (s *span) add(t time.Time) {
	s.n++
	if t.IsZero() {
		return
	}
	if s.first.IsZero() || t.Before(s.first) {
		s.first = t
	}
	if t.After(s.last) {
		s.last = t
	}
}

func learnRows(rows []acledRow, source string) (*Model, error) {
	m := &Model{Source: source, Rows: len(rows)}
	type nc struct{ name, country string }
	actors := map[nc]*span{}
	inters := map[nc]map[int]int{}
	type ek struct{ country, kind, label string }
	eras := map[ek]*span{}
	countries := map[string]bool{}
	for _, r := range rows {
		countries[r.country] = true
	}
	for _, r := range rows {
		for side, names := range r.actors {
			for _, n := range names {
				k := nc{n, r.country}
				if actors[k] == nil {
					actors[k] = &span{}
				}
				actors[k].add(r.date)
				if side == 0 || side == 2 {
					if inters[k] == nil {
						inters[k] = map[int]int{}
					}
					inters[k][r.inter[side/2]]++
				}
				if _, kind, country, era := stripEra(n); kind != "" {
					e := ek{country, kind, era}
					if eras[e] == nil {
						eras[e] = &span{}
					}
					eras[e].add(r.date)
				}
			}
		}
	}
	for k, s := range actors {
		inter := 0
		best := 0
		for code, c := range inters[k] {
			if c > best || (c == best && code < inter) {
				inter, best = code, c
			}
		}
		if inter == 0 {
			inter = interOfName(k.name)
		}
		m.Actors = append(m.Actors, LearnedActor{Name: k.name, Country: k.country, Inter: inter, N: s.n, First: dayString(s.first), Last: dayString(s.last)})
	}
	sort.Slice(m.Actors, func(i, j int) bool {
		a, b := m.Actors[i], m.Actors[j]
		if a.Country != b.Country {
			return a.Country < b.Country
		}
		return a.Name < b.Name
	})
	for k, s := range eras {
		m.Eras = append(m.Eras, Era{Country: k.country, Kind: k.kind, Label: k.label, First: dayString(s.first), Last: dayString(s.last), N: s.n})
	}
	sort.Slice(m.Eras, func(i, j int) bool {
		a, b := m.Eras[i], m.Eras[j]
		if a.Country != b.Country {
			return a.Country < b.Country
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.First < b.First
	})

	// Links: which names the notes' words were coded as. The scanning index is the hand-written one
	// plus the forms of every learned name.
	hand, err := loadHand()
	if err != nil {
		return nil, err
	}
	idx := newIndex()
	hand.addTo(idx)
	for _, a := range m.Actors {
		for _, f := range derivedForms(a.Name, countries) {
			idx.addNamed(f, cand{name: a.Name, scope: a.Country, n: a.N})
		}
	}
	type lk struct{ key, country, name string }
	links := map[lk]*span{}
	of := map[[2]string]int{}
	parents := map[[2]string]int{}
	named := map[string]int{}
	type parentYear struct {
		child, parent string
		year          int
	}
	type nameYear struct {
		name string
		year int
	}
	parentYears := map[parentYear]int{}
	namedYears := map[nameYear]int{}
	crowdCount := map[string]int{}
	for _, r := range rows {
		toks := tokenize(r.notes, 0, len(r.notes))
		matches := idx.scan(toks)
		armedNamed := false
		for _, mt := range matches {
			if mt.form.generic == "" {
				armedNamed = true
			}
		}
		keys := map[string]bool{}
		for _, mt := range matches {
			g := mt.form.generic
			switch g {
			case "civilians", "protesters", "rioters":
				continue
			case "unidentified", "jihadists", "rebels", "militia":
				// What ACLED codes when a note names no group: learned only from notes that name none.
				if armedNamed {
					continue
				}
			}
			keys[mt.form.key] = true
			if g != "" {
				keys["#"+g] = true
			}
		}
		var names []string
		seen := map[string]bool{}
		for _, side := range r.actors {
			for _, n := range side {
				p, _, _, _ := stripEra(n)
				if !seen[p] {
					seen[p] = true
					names = append(names, p)
				}
			}
		}
		for k := range keys {
			of[[2]string{k, r.country}]++
			for _, n := range names {
				l := lk{k, r.country, n}
				if links[l] == nil {
					links[l] = &span{}
				}
				links[l].add(r.date)
			}
		}
		// Parents: a name coded as associated actor of a side whose main actor is another group.
		for side := 0; side < 4; side += 2 {
			for _, a := range r.actors[side+1] {
				for _, main := range r.actors[side] {
					pa, _, _, _ := stripEra(a)
					pm, _, _, _ := stripEra(main)
					if pa != pm {
						parents[[2]string{pa, pm}]++
						parentYears[parentYear{pa, pm, r.date.Year()}]++
					}
				}
			}
		}
		for _, n := range names {
			named[n]++
			namedYears[nameYear{n, r.date.Year()}]++
		}
		for side := 0; side < 4; side += 2 {
			crowdSide := false
			for _, a := range r.actors[side] {
				if strings.HasPrefix(a, "Protesters (") || strings.HasPrefix(a, "Rioters (") {
					crowdSide = true
				}
			}
			if crowdSide {
				for _, a := range r.actors[side+1] {
					crowdCount[a]++
				}
			}
		}
	}
	for n, c := range crowdCount {
		if c >= 3 && c*2 >= named[n] && !genericClassName(n) {
			m.Crowds = append(m.Crowds, n)
		}
	}
	sort.Strings(m.Crowds)
	for l, s := range links {
		total := of[[2]string{l.key, l.country}]
		// Keep what can decide a resolution: seen at least twice, for a tenth of the word's notes.
		if s.n < 2 || s.n*10 < total {
			continue
		}
		m.Links = append(m.Links, Link{Key: l.key, Country: l.country, Name: l.name, N: s.n, Of: total, First: dayString(s.first), Last: dayString(s.last)})
	}
	sort.Slice(m.Links, func(i, j int) bool {
		a, b := m.Links[i], m.Links[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Country != b.Country {
			return a.Country < b.Country
		}
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Name < b.Name
	})
	for p, c := range parents {
		if c >= 3 && c*2 >= named[p[0]] && !genericClassName(p[1]) && !genericClassName(p[0]) {
			pr := Parent{Name: p[0], Parent: p[1], N: c, Of: named[p[0]]}
			for ny, of := range namedYears {
				if ny.name == p[0] {
					pr.Years = append(pr.Years, ParentYear{Year: ny.year, N: parentYears[parentYear{p[0], p[1], ny.year}], Of: of})
				}
			}
			sort.Slice(pr.Years, func(i, j int) bool { return pr.Years[i].Year < pr.Years[j].Year })
			m.Parents = append(m.Parents, pr)
		}
	}
	sort.Slice(m.Parents, func(i, j int) bool { return m.Parents[i].Name < m.Parents[j].Name })
	return m, nil
}

// WriteModel writes a model as gzip-compressed JSON (data/learned.json.gz), byte-for-byte the same
// for the same records.
func WriteModel(w io.Writer, m *Model) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	enc := json.NewEncoder(zw)
	if err := enc.Encode(m); err != nil {
		return fmt.Errorf("encode actor model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

// ReadModel reads a model written by WriteModel.
func ReadModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("actor model: %w", err)
	}
	defer zr.Close()
	var m Model
	if err := json.NewDecoder(zr).Decode(&m); err != nil {
		return nil, fmt.Errorf("decode actor model: %w", err)
	}
	return &m, nil
}
