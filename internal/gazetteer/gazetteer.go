// Package gazetteer is sitrep's place index: GeoNames and other openly licensed place data
// (Natural Earth, Nigerian ward points, Somali villages, OpenStreetMap place nodes) folded into a
// compact, embedded index that answers "which places bear this name?", "which admin units is a
// place in, named the way ACLED names them?" and "what is the nearest known place to a point?".
//
// The default set is built from ../shared by `sitrep gazetteer build` (or `go generate`) into
// data/*.bin.gz and embedded; analysts can overlay their own places (GeoNames dumps or the custom
// CSV format documented in README.md) with Add.
package gazetteer

import (
	"sort"
	"strings"
)

// Place is one named location.
type Place struct {
	ID         int64  // GeoNames id; places from other sources get negative ids, stable across builds
	Name       string // display name as the source spells it (UTF-8)
	Lat, Lon   float64
	Class      byte   // GeoNames feature class: 'P' populated, 'A' admin, 'S' spot, 'H', 'T', 'L', 'V', 'R', 'U'
	Code       string // feature code: PPL, PPLA, PPLA2, PPLC, PPLX, ADM1, ADM2, ADM3, PCLI ...
	Country    string // ISO 3166-1 alpha-2
	Admin1     string // admin1 code (GeoNames code space, e.g. "55" for Gao in ML)
	Admin2     string // admin2 code
	Population int64
	Source     string // "geonames", "osm", "naturalearth", "custom", ...
	// AltNames holds the place's other (Latin-script) names, comma-separated, as the source
	// spells them; Lookup finds the place under each of them.
	AltNames string
}

// OSMNode returns the OpenStreetMap node id a place came from, if it came from one.
func (p Place) OSMNode() (int64, bool) {
	if p.Source != "osm" || -p.ID < idOSMNode || -p.ID >= idOSMWay {
		return 0, false
	}
	return -p.ID - idOSMNode, true
}

// Country is a country as ACLED names it.
type Country struct {
	ISO2, ISO3 string
	Numeric    int
	Name       string // ACLED style, e.g. "Ivory Coast", "Democratic Republic of Congo"
	Region     string // ACLED region: "Western Africa", ...
	Capital    string
	Lat, Lon   float64 // capital
}

// Gazetteer is a compact in-memory index of places. It is safe for concurrent reads; Add must not
// run concurrently with other calls.
type Gazetteer struct {
	layers     []*layer // overlays first (most recent Add first), then the default layers
	overlays   int      // how many leading layers came from Add
	countries  map[string]Country
	byName     map[string]string // folded country name/alias → ISO2
	admins     adminUnits        // "CC.a1" and "CC.a1.a2" → admin unit (Name ACLED-style)
	splitFrom  map[string]string // "CC.a1" of a newer admin1 → the admin1 code it was split from
	soleAdmin2 map[string]string // "CC.a1" → its admin2 code, for admin1 units with exactly one
	maxTokens  int
	// replaced holds the default places an import duplicates, under the folded name they share:
	// Lookup of that name returns the import instead.
	replaced map[replacedKey]bool
}

type replacedKey struct {
	name string // folded
	id   int64
}

// layer is one loaded data file (or one Add call): places plus a sorted folded-name index and a
// coarse grid for Nearest.
type layer struct {
	places []Place
	keys   []string // sorted, unique folded names
	post   []uint32 // post[i]..post[i+1] index ids for keys[i]
	ids    []int32  // place indexes
	grid   map[int32][]int32
	hashes []uint64 // open-addressing set of key hashes: most Has calls miss, and miss fast
}

func keyHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h | 1 // never 0, the empty slot
}

func (l *layer) buildHashes() {
	size := 1
	for size < 2*len(l.keys) {
		size <<= 1
	}
	l.hashes = make([]uint64, size)
	mask := uint64(size - 1)
	for _, k := range l.keys {
		h := keyHash(k)
		for i := h & mask; ; i = (i + 1) & mask {
			if l.hashes[i] == 0 {
				l.hashes[i] = h
				break
			}
		}
	}
}

// mayHave is false when the layer certainly lacks the key.
func (l *layer) mayHave(folded string) bool {
	if len(l.hashes) == 0 {
		return true
	}
	h := keyHash(folded)
	mask := uint64(len(l.hashes) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch l.hashes[i] {
		case 0:
			return false
		case h:
			return true
		}
	}
}

func (l *layer) find(folded string) (int, bool) {
	if !l.mayHave(folded) {
		return 0, false
	}
	i := sort.SearchStrings(l.keys, folded)
	return i, i < len(l.keys) && l.keys[i] == folded
}

// newLayer indexes places under their folded names and alternate names.
func newLayer(places []Place) *layer {
	type kv struct {
		k string
		i int32
	}
	var pairs []kv
	for i := range places {
		seen := map[string]bool{}
		for _, n := range placeNames(places[i]) {
			k := Fold(n)
			if k == "" || seen[k] {
				continue
			}
			seen[k] = true
			pairs = append(pairs, kv{k, int32(i)})
		}
	}
	sort.Slice(pairs, func(a, b int) bool {
		if pairs[a].k != pairs[b].k {
			return pairs[a].k < pairs[b].k
		}
		return pairs[a].i < pairs[b].i
	})
	l := &layer{places: places, post: []uint32{0}}
	for _, p := range pairs {
		if len(l.keys) == 0 || l.keys[len(l.keys)-1] != p.k {
			if len(l.keys) > 0 {
				l.post = append(l.post, uint32(len(l.ids)))
			}
			l.keys = append(l.keys, p.k)
		}
		l.ids = append(l.ids, p.i)
	}
	if len(l.keys) > 0 {
		l.post = append(l.post, uint32(len(l.ids)))
	}
	l.buildGrid()
	l.buildHashes()
	return l
}

// placeNames lists the display name and alternate names of a place.
func placeNames(p Place) []string {
	names := []string{p.Name}
	if p.AltNames != "" {
		names = append(names, strings.Split(p.AltNames, ",")...)
	}
	return names
}

func (l *layer) maxTokens() int {
	m := 0
	for i := range l.places {
		for _, n := range placeNames(l.places[i]) {
			if t := Tokens(n); t > m {
				m = t
			}
		}
	}
	return m
}

// Lookup returns every place whose folded name or alternate name equals Fold(name), places added
// with Add first. An import replaces the default places it duplicates (see Add); default places
// elsewhere under the same name stay candidates: a village list that holds a hamlet called Maputo
// must not hide the capital.
func (g *Gazetteer) Lookup(name string) []Place {
	k := Fold(name)
	if k == "" {
		return nil
	}
	var out []Place
	for li, l := range g.layers {
		i, ok := l.find(k)
		if !ok {
			continue
		}
		for _, id := range l.ids[l.post[i]:l.post[i+1]] {
			p := l.places[id]
			if li >= g.overlays && g.replaced[replacedKey{k, p.ID}] {
				continue
			}
			out = append(out, p)
		}
	}
	return out
}

// replaceDuplicates marks the default places that imported places duplicate (the same GeoNames
// id, or the same name within samePlaceKm in the same country, an admin unit only by a unit) as
// replaced under the names they share, and gives the imports what those places know and they do
// not: an analyst's coordinates for Boulkessi win over the gazetteer's.
func (g *Gazetteer) replaceDuplicates(places []Place) {
	defaults := g.layers[g.overlays:]
	for i := range places {
		p := &places[i]
		for _, n := range placeNames(*p) {
			k := Fold(n)
			for _, l := range defaults {
				li, ok := l.find(k)
				if !ok {
					continue
				}
				for _, id := range l.ids[l.post[li]:l.post[li+1]] {
					q := l.places[id]
					if q.ID != p.ID && (q.Country != p.Country || q.Class == 'A' && p.Class != 'A' || DistanceKm(q.Lat, q.Lon, p.Lat, p.Lon) >= samePlaceKm) {
						continue // another place; a district named after its seat is not the seat
					}
					key := replacedKey{k, q.ID}
					if g.replaced[key] {
						continue // the first import that duplicates q replaces it
					}
					enrich(p, q)
					if g.replaced == nil {
						g.replaced = map[replacedKey]bool{}
					}
					g.replaced[key] = true
				}
			}
		}
	}
}

// enrich gives an imported place what the default place it replaces knows and it does not: a
// settlement list's plain "Pemba" row is still the provincial capital of 200,000 people.
func enrich(imp *Place, def Place) {
	if imp.Class != def.Class {
		return // a camp beside a town is not the town
	}
	if imp.Population == 0 {
		imp.Population = def.Population
	}
	if seatRank(def.Code) > seatRank(imp.Code) {
		imp.Code = def.Code
	}
}

// seatRank orders populated-place codes by the seat they mark.
func seatRank(code string) int {
	switch code {
	case "PPLC":
		return 5
	case "PPLA":
		return 4
	case "PPLA2":
		return 3
	case "PPLA3", "PPLA4":
		return 2
	case "PPL":
		return 1
	}
	return 0
}

// Has reports whether some place bears this already folded name: the fast membership test used
// while scanning text for n-grams.
func (g *Gazetteer) Has(folded string) bool {
	for _, l := range g.layers {
		if _, ok := l.find(folded); ok {
			return true
		}
	}
	return false
}

// MaxTokens is the length, in tokens (runs of letters and digits, see Tokens), of the longest
// indexed name.
func (g *Gazetteer) MaxTokens() int { return g.maxTokens }

// Len is the number of places across all layers.
func (g *Gazetteer) Len() int {
	n := 0
	for _, l := range g.layers {
		n += len(l.places)
	}
	return n
}

// Units returns the places of every layer that are a country's first- or second-order admin units.
func (g *Gazetteer) Units(country string) []Place {
	var us []Place
	for _, l := range g.layers {
		for i := range l.places {
			if q := &l.places[i]; q.Country == country && (q.Code == "ADM1" || q.Code == "ADM2") {
				us = append(us, *q)
			}
		}
	}
	return us
}

// Add overlays places (imports) on the gazetteer: they are indexed under their names and
// alternate names, and replace the default places they duplicate (see replaceDuplicates).
func (g *Gazetteer) Add(places []Place) {
	if len(places) == 0 {
		return
	}
	places = append([]Place(nil), places...)
	g.resolveAdmins(places)
	g.replaceDuplicates(places)
	l := newLayer(places)
	g.layers = append([]*layer{l}, g.layers...)
	g.overlays++
	if t := l.maxTokens(); t > g.maxTokens {
		g.maxTokens = t
	}
}

// resolveAdmins turns admin1/admin2 given as names (custom CSVs let analysts write "Mopti") into
// the codes the gazetteer uses. Units left blank or unknown are taken from the coordinates (see
// codesNear): a village list without admin columns must still agree with "X (Macomia)".
func (g *Gazetteer) resolveAdmins(places []Place) {
	var byName map[string]string // "CC|folded admin1 name" and "CC.a1|folded admin2 name" → code
	for i := range places {
		p := &places[i]
		if g.admins.has1(p) && g.admins.has2(p) {
			continue
		}
		if byName == nil {
			byName = map[string]string{}
			// Two units may share a name: the lower code wins, whatever the map's order.
			set := func(k, code string) {
				if c, ok := byName[k]; !ok || code < c {
					byName[k] = code
				}
			}
			for k, a := range g.admins {
				parts := strings.Split(k, ".")
				if len(parts) == 2 {
					set(parts[0]+"|"+Fold(a.Name), parts[1])
				} else if len(parts) == 3 {
					set(parts[0]+"."+parts[1]+"|"+Fold(a.Name), parts[2])
				}
			}
		}
		if !g.admins.has1(p) {
			if c, ok := byName[p.Country+"|"+Fold(p.Admin1)]; ok {
				p.Admin1 = c
			}
		}
		if !g.admins.has2(p) {
			if c, ok := byName[p.Country+"."+p.Admin1+"|"+Fold(p.Admin2)]; ok {
				p.Admin2 = c
			}
		}
		// Units left blank or unknown: those of the default places around it.
		g.admins.codesNear(g.layers[g.overlays:], p,
			func(l *layer, i int32) bool { return g.admins.has1(&l.places[i]) },
			func(l *layer, i int32) bool { return g.admins.has2(&l.places[i]) })
	}
}

// adminUnits holds admin units by key: "CC.a1" and "CC.a1.a2".
type adminUnits map[string]Place

// has1 reports whether p's admin1 code names a known unit.
func (u adminUnits) has1(p *Place) bool {
	_, ok := u[adminKey(p.Country, p.Admin1)]
	return p.Admin1 != "" && ok
}

// has2 reports whether p's admin1 and admin2 codes name a known unit.
func (u adminUnits) has2(p *Place) bool {
	_, ok := u[adminKey(p.Country, p.Admin1, p.Admin2)]
	return p.Admin2 != "" && ok
}

// codesNear gives p the admin codes it lacks from the places of layers around it in its country:
// admin1 (with its admin2) by a vote of the five nearest within 200 km whose admin1 is known
// (coded1), so that one mis-coded neighbour does not decide, then admin2 from the nearest within
// 25 km in its admin1 whose admin2 is known (coded2). An approximation near borders; it returns
// how many of the two it gave.
func (u adminUnits) codesNear(layers []*layer, p *Place, coded1, coded2 func(*layer, int32) bool) int {
	n := 0
	if !u.has1(p) {
		near := kNearest(layers, p.Lat, p.Lon, 200, 5, func(l *layer, i int32) bool {
			return l.places[i].Country == p.Country && coded1(l, i)
		})
		if j := vote(len(near), func(j int) string { return near[j].place().Admin1 }); j >= 0 {
			q := near[j].place()
			p.Admin1, p.Admin2 = q.Admin1, q.Admin2
			n++
		}
	}
	if u.has1(p) && !u.has2(p) {
		near := kNearest(layers, p.Lat, p.Lon, 25, 1, func(l *layer, i int32) bool {
			q := &l.places[i]
			return q.Country == p.Country && q.Admin1 == p.Admin1 && coded2(l, i)
		})
		if len(near) == 1 {
			p.Admin2 = near[0].place().Admin2
			n++
		}
	}
	return n
}

// Country returns a country by ISO 3166-1 alpha-2 code.
func (g *Gazetteer) Country(iso2 string) (Country, bool) {
	c, ok := g.countries[strings.ToUpper(iso2)]
	return c, ok
}

// CountryByName resolves a country name, ACLED name, ISO2/ISO3 code, common alias ("DRC",
// "Côte d'Ivoire") or demonym ("Malian", "Nigerien") to its country.
func (g *Gazetteer) CountryByName(name string) (Country, bool) {
	k := Fold(name)
	if iso, ok := g.byName[k]; ok {
		return g.Country(iso)
	}
	if len(name) == 2 || len(name) == 3 {
		if iso, ok := g.byName["#"+strings.ToUpper(name)]; ok {
			return g.Country(iso)
		}
	}
	return Country{}, false
}

// Countries lists all known countries sorted by ISO2.
func (g *Gazetteer) Countries() []Country {
	out := make([]Country, 0, len(g.countries))
	for _, c := range g.countries {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ISO2 < out[j].ISO2 })
	return out
}

func adminKey(parts ...string) string { return strings.Join(parts, ".") }

// Admin1 returns the first-level admin unit (country ISO2, GeoNames admin1 code): Name is the
// ACLED-style name, Lat/Lon its centre (the GeoNames ADM1 feature, else Natural Earth's label
// point or the mean of the unit's places).
func (g *Gazetteer) Admin1(country, code string) (Place, bool) {
	p, ok := g.admins[adminKey(strings.ToUpper(country), code)]
	return p, ok
}

// Admin2 returns the second-level admin unit, as Admin1 does.
func (g *Gazetteer) Admin2(country, admin1, code string) (Place, bool) {
	p, ok := g.admins[adminKey(strings.ToUpper(country), admin1, code)]
	return p, ok
}

// AdminNames returns the ACLED-style names of the place's admin1 and admin2 units ("Tillaberi",
// "Segou", "Cabo Delgado", "Borno"); empty where unknown.
//
// A place whose source gives no admin2 (most GeoNames villages, Natural Earth, many OSM nodes)
// takes the admin2 of its nearest neighbour within 15 km in the same admin1, or in an admin1 split
// from it (a village coded Gao in an old dump, next to villages of the Ménaka region, is in Ménaka).
func (g *Gazetteer) AdminNames(p Place) (admin1, admin2 string) {
	a1, a2 := g.AdminCodes(p)
	if a, ok := g.Admin1(p.Country, a1); ok {
		admin1 = a.Name
	}
	if a, ok := g.Admin2(p.Country, a1, a2); ok && a2 != "" {
		admin2 = a.Name
	}
	return admin1, admin2
}

// AdminCodes returns the admin1 and admin2 codes AdminNames names: the place's own, or for admin2
// (and a split admin1) its neighbour's.
func (g *Gazetteer) AdminCodes(p Place) (admin1, admin2 string) {
	a1, a2 := p.Admin1, p.Admin2
	if _, ok := g.admins[adminKey(p.Country, a1, a2)]; !ok && a1 != "" {
		var n Place
		found := false
		if p.Code != "ADM1" {
			n, _, found = g.nearest(p.Lat, p.Lon, p.Country, func(q Place) bool {
				if q.Admin2 == "" || q.Admin1 != a1 && g.splitFrom[adminKey(q.Country, q.Admin1)] != a1 {
					return false
				}
				_, known := g.admins[adminKey(q.Country, q.Admin1, q.Admin2)]
				return known
			}, 15)
		}
		if found {
			a1, a2 = n.Admin1, n.Admin2
		} else if sole, ok := g.soleAdmin2[adminKey(p.Country, a1)]; ok {
			a2 = sole // Bamako, Niamey: a capital district with one admin2
		}
	}
	return a1, a2
}

// newGazetteer returns an empty gazetteer with the package's hand-written admin history.
func newGazetteer() *Gazetteer {
	g := &Gazetteer{countries: map[string]Country{}, byName: map[string]string{}, admins: adminUnits{},
		splitFrom: map[string]string{}, soleAdmin2: map[string]string{}}
	// The table is embedded and tiny; a read error would be a broken build, caught by tests.
	_ = readEmbeddedTSV("data/admin-splits.tsv", func(f []string) {
		if len(f) >= 2 {
			g.splitFrom[f[0]] = f[1]
		}
	})
	return g
}
