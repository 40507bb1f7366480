package gazetteer

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// BuildReport summarises a build: what each source contributed and what could not be joined.
type BuildReport struct {
	Places     int            // places written
	Keys       int            // folded names indexed
	Countries  int            // countries
	Admins     int            // admin1 + admin2 units
	BySource   map[string]int // places per source
	Unmatched  map[string]int // records whose admin unit could not be joined, per source
	Approx     int            // places whose admin codes come from the nearest coded place
	OutputSize int64          // bytes written, when known
}

func (r BuildReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d places, %d keys, %d countries, %d admin units, %d bytes\n", r.Places, r.Keys, r.Countries, r.Admins, r.OutputSize)
	for _, m := range []struct {
		name string
		m    map[string]int
	}{{"source", r.BySource}, {"unmatched admin", r.Unmatched}} {
		ks := make([]string, 0, len(m.m))
		for k := range m.m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			fmt.Fprintf(&b, "  %s %-28s %d\n", m.name, k, m.m[k])
		}
	}
	if r.Approx > 0 {
		fmt.Fprintf(&b, "  admin codes from nearest coded place: %d\n", r.Approx)
	}
	return b.String()
}

// Full GeoNames country dumps the default set is built from (../shared/data/geonames/XX.txt.gz).
// The first seven are in ../shared; Nigeria's and Mozambique's are read when someone adds them
// there (CC BY 4.0 like the rest), since cities500 alone misses their villages, forests and lakes.
// (A function, not a variable: the package keeps no mutable state.)
func dumpCountries() []string { return []string{"ML", "BF", "NE", "CM", "SN", "CI", "MR", "NG", "MZ"} }

// builder accumulates the default set from ../shared.
type builder struct {
	shared    string
	log       *slog.Logger
	countries []Country
	aliases   map[string]string // folded alias → ISO2
	admins    adminUnits        // "CC.a1", "CC.a1.a2"
	// adminCode maps "CC|folded name" → admin1 code and "CC.a1|folded name" → admin2 code.
	adminCode map[string]string
	adminList map[string][]adminName // "CC" → admin1 units, "CC.a1" → its admin2 units (fuzzy joins)
	a1ByGeoID map[int64]string       // GeoNames id of an ADM1 → "CC.a1"
	centre    map[string]bool        // admin keys whose coordinates come from a feature, not a mean
	places    []Place
	seen      map[int64]bool
	// coded holds the places that took their codes from the same place in a coded source: no
	// nearer-seat guess may override them.
	coded map[int64]bool
	// dumped holds the countries whose full GeoNames dump was read: cities500 and Natural Earth
	// add nothing for them.
	dumped map[string]bool
	report BuildReport
}

func newBuilder(sharedDir string) *builder {
	return &builder{shared: sharedDir, log: slog.Default(), aliases: map[string]string{},
		admins: adminUnits{}, adminCode: map[string]string{}, adminList: map[string][]adminName{}, a1ByGeoID: map[int64]string{},
		centre: map[string]bool{}, seen: map[int64]bool{}, coded: map[int64]bool{}, dumped: map[string]bool{},
		report: BuildReport{BySource: map[string]int{}, Unmatched: map[string]int{}}}
}

func (b *builder) path(rel ...string) string {
	return filepath.Join(append([]string{b.shared, "data"}, rel...)...)
}

// source finds an optional input file, compressed or not ("XX.txt.gz" or "XX.txt"); a missing one
// is noted in the report and skipped, so that a partial shared folder still builds.
func (b *builder) source(rel ...string) (string, bool) {
	p := b.path(rel...)
	alt := strings.TrimSuffix(p, ".gz")
	if alt == p {
		alt = p + ".gz"
	}
	for _, c := range []string{p, alt} {
		if _, err := os.Stat(c); err == nil {
			return c, true
		}
	}
	b.report.Unmatched["missing "+filepath.Join(rel...)]++
	return "", false
}

// Build reads the openly licensed place data under sharedDir (../shared) and writes the main
// default file (GeoNames CC BY 4.0, Natural Earth public domain, Nigerian ward points MIT, Somali
// villages CC0) in the compact format. OpenStreetMap places go to their own file: see BuildOSM.
func Build(ctx context.Context, sharedDir string, w io.Writer) (BuildReport, error) {
	b := newBuilder(sharedDir)
	if err := b.buildMain(ctx); err != nil {
		return b.report, err
	}
	cw := &countingWriter{w: w}
	keys, err := encodeKeys(cw, b.dataset())
	if err != nil {
		return b.report, err
	}
	b.finishReport(keys, cw.n)
	return b.report, nil
}

// BuildFiles writes both default files into dir: MainFile (as Build) and OSMFile (as BuildOSM),
// reading the sources once.
func BuildFiles(ctx context.Context, sharedDir, dir string) (main, osm BuildReport, err error) {
	b := newBuilder(sharedDir)
	if err := b.buildMain(ctx); err != nil {
		return b.report, osm, err
	}
	keys, size, err := writeFile(filepath.Join(dir, MainFile), b.dataset())
	if err != nil {
		return b.report, osm, err
	}
	b.finishReport(keys, size)
	main = b.report
	osmPlaces, osm, err := b.buildOSM(ctx)
	if err != nil {
		return main, osm, err
	}
	osm.Keys, osm.OutputSize, err = writeFile(filepath.Join(dir, OSMFile), dataset{places: osmPlaces})
	return main, osm, err
}

// writeFile encodes ds into path (through a temporary file, so a failed build leaves the old file).
func writeFile(path string, ds dataset) (keys int, size int64, err error) {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return 0, 0, err
	}
	cw := &countingWriter{w: f}
	keys, err = encodeKeys(cw, ds)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return 0, 0, err
	}
	return keys, cw.n, os.Rename(tmp, path)
}

func (b *builder) finishReport(keys int, size int64) {
	b.report.Places = len(b.places)
	b.report.Countries = len(b.countries)
	b.report.Admins = len(b.admins)
	b.report.Keys = keys
	b.report.OutputSize = size
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (b *builder) dataset() dataset {
	return dataset{places: b.places, countries: b.countries, admins: b.admins, aliases: b.aliases}
}

func (b *builder) buildMain(ctx context.Context) error {
	steps := []struct {
		name string
		fn   func() error
	}{
		{"countryInfo", b.readCountries},
		{"admin codes", b.readAdminCodes},
		{"country dumps", b.readDumps},
		{"cities500", b.readCities500},
		{"natural earth", b.readNaturalEarth},
		{"nigeria wards", b.readNigeriaWards},
		{"somalia villages", b.readSomalia},
	}
	for _, s := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.fn(); err != nil {
			return fmt.Errorf("gazetteer build: %s: %w", s.name, err)
		}
	}
	b.fillAdmins(b.places, b.places)
	b.adminCentres()
	return nil
}

// fillAdmins gives places whose admin1 code is missing or unknown (GeoNames "00", BF's
// provisional "x24" codes, sources without codes) the admin codes of the same place in a coded
// source of ref, else those of the ref places around them (see codesNear), counted in the report.
func (b *builder) fillAdmins(places, ref []Place) {
	known1 := make([]bool, len(ref))
	known2 := make([]bool, len(ref))
	for i := range ref {
		known1[i] = b.admins.has1(&ref[i])
		known2[i] = known1[i] && b.admins.has2(&ref[i])
	}
	l := &layer{places: ref}
	l.buildGrid()
	for i := range places {
		p := &places[i]
		if p.Class == 'A' && (p.Code == "ADM1" || p.Code == "PCLI") {
			continue
		}
		if !b.admins.has1(p) {
			// The same place from a coded source (OSM's Maputo node beside GeoNames' Maputo):
			// its codes, not those of whatever village lies nearest (in Matola, another province).
			name := Fold(p.Name)
			if j := l.nearestIndex(p.Lat, p.Lon, samePlaceKm, func(j int32) bool {
				return known1[j] && ref[j].Country == p.Country && Fold(ref[j].Name) == name
			}); j >= 0 {
				p.Admin1, p.Admin2 = ref[j].Admin1, ref[j].Admin2
				b.report.Approx++
				b.coded[p.ID] = true
				continue
			}
		}
		b.report.Approx += b.admins.codesNear([]*layer{l}, p,
			func(_ *layer, j int32) bool { return known1[j] }, func(_ *layer, j int32) bool { return known2[j] })
	}
}

// samePlaceKm is how far apart two sources may put one place under one name.
const samePlaceKm = 10

// vote returns the first (nearest) of indexes 0..n-1 whose key is the most frequent, or -1.
func vote(n int, key func(int) string) int {
	count := map[string]int{}
	bestN, best := 0, -1
	for i := range n {
		count[key(i)]++
	}
	for i := range n {
		if c := count[key(i)]; c > bestN {
			bestN, best = c, i
		}
	}
	return best
}

// maxNameTokens drops the few features whose primary name is a sentence ("The Most Noble and
// Most Loyal City of ..."): nobody writes them in news, and they would set MaxTokens.
const maxNameTokens = 10

func (b *builder) addPlace(p Place) {
	if b.seen[p.ID] || Tokens(p.Name) > maxNameTokens {
		return
	}
	b.seen[p.ID] = true
	b.places = append(b.places, p)
	b.report.BySource[p.Source]++
}

// readTSV calls fn for every data row of a tab-separated file with a header row (plain or .gz),
// with the row as a column-name → value map.
func readTSV(path string, fn func(row map[string]string) error) error {
	rc, err := openMaybeCompressed(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var head []string
	row := map[string]string{}
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if head == nil {
			head = strings.Split(strings.TrimPrefix(line, "\ufeff"), "\t")
			continue
		}
		if line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		clear(row)
		for i, h := range head {
			if i < len(f) {
				row[h] = f[i]
			}
		}
		if err := fn(row); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// readCountries reads countryInfo.txt and applies ACLED's country names and regions.
func (b *builder) readCountries() error {
	acled := map[string][2]string{}
	if err := readEmbeddedTSV("data/countries-acled.tsv", func(f []string) {
		if len(f) >= 3 {
			acled[f[0]] = [2]string{f[1], f[2]}
		}
	}); err != nil {
		return err
	}
	continentRegion := map[string]string{"EU": "Europe", "SA": "South America", "OC": "Oceania",
		"NA": "Caribbean", "AS": "Middle East", "AF": "", "AN": "Antarctica"}
	f, err := os.Open(b.path("geonames", "countryInfo.txt"))
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) < 9 || len(c[0]) != 2 {
			continue
		}
		num, _ := strconv.Atoi(c[2])
		ct := Country{ISO2: c[0], ISO3: c[1], Numeric: num, Name: c[4], Capital: c[5], Region: continentRegion[c[8]]}
		if a, ok := acled[ct.ISO2]; ok {
			if a[0] != "" {
				ct.Name = a[0]
			}
			if a[1] != "" {
				ct.Region = a[1]
			}
		}
		b.countries = append(b.countries, ct)
		b.aliases[Fold(c[4])] = ct.ISO2
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return readEmbeddedTSV("data/country-aliases.tsv", func(f []string) {
		if len(f) >= 2 {
			for _, a := range strings.Split(f[1], "|") {
				b.aliases[Fold(a)] = f[0]
			}
		}
	})
}

// readEmbeddedTSV reads one of the package's hand-written tables (comment lines start with '#').
func readEmbeddedTSV(name string, fn func([]string)) error {
	data, err := dataFS.ReadFile(name)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		fn(strings.Split(line, "\t"))
	}
	return nil
}

// readAdminCodes reads admin1CodesASCII.txt and admin2Codes.txt into ACLED-style admin names.
func (b *builder) readAdminCodes() error {
	over := map[string]string{}
	if err := readEmbeddedTSV("data/admin-acled.tsv", func(f []string) {
		if len(f) >= 2 {
			over[f[0]] = f[1]
		}
	}); err != nil {
		return err
	}
	read := func(file string, level int) error {
		f, err := os.Open(b.path("geonames", file))
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			c := strings.Split(sc.Text(), "\t")
			if len(c) < 4 {
				continue
			}
			key := c[0]
			parts := strings.Split(key, ".")
			if len(parts) != level+1 {
				continue
			}
			gid, _ := strconv.ParseInt(c[3], 10, 64)
			name := acledAdminName(c[2])
			if name == "" {
				name = acledAdminName(c[1])
			}
			if o, ok := over[key]; ok {
				name = o
			}
			p := Place{ID: gid, Name: name, Class: 'A', Code: fmt.Sprintf("ADM%d", level), Country: parts[0],
				Admin1: parts[1], Source: "geonames"}
			if level == 2 {
				p.Admin2 = parts[2]
			}
			b.admins[key] = p
			b.addAdminName(p, c[1], c[2], name)
			if level == 1 && gid > 0 {
				b.a1ByGeoID[gid] = key
			}
		}
		return sc.Err()
	}
	if err := read("admin1CodesASCII.txt", 1); err != nil {
		return err
	}
	return read("admin2Codes.txt", 2)
}

// adminName is one folded name of an admin unit, for fuzzy joins.
type adminName struct{ folded, code string }

// addAdminName makes an admin unit findable by its names when joining other sources.
func (b *builder) addAdminName(p Place, names ...string) {
	for _, n := range names {
		for _, v := range []string{n, acledAdminName(n)} {
			k := Fold(v)
			if k == "" {
				continue
			}
			if p.Code == "ADM1" {
				b.adminList[p.Country] = append(b.adminList[p.Country], adminName{k, p.Admin1})
			} else {
				b.adminList[p.Country+"."+p.Admin1] = append(b.adminList[p.Country+"."+p.Admin1], adminName{k, p.Admin2})
			}
			if p.Code == "ADM1" {
				b.adminCode[p.Country+"|"+k] = p.Admin1
			} else {
				b.adminCode[p.Country+"."+p.Admin1+"|"+k] = p.Admin2
				// Country-wide name → key, emptied when two units share the name.
				ck := p.Country + "|2|" + k
				key := adminKey(p.Country, p.Admin1, p.Admin2)
				if old, ok := b.adminCode[ck]; ok && old != key {
					key = ""
				}
				b.adminCode[ck] = key
			}
		}
	}
}

// adminSuffixes are the suffixes ACLED leaves off admin unit names.
func adminSuffixes() []string {
	return []string{" Region", " Province", " State", " Governorate", " County", " District",
		" Department", " Prefecture", " Cercle", " Local Government Area", " LGA", " Division", " Municipality", " Commune", " (city)"}
}

// adminPrefixes are longest first, so that "Province de la " wins over "Province de ".
func adminPrefixes() []string {
	return []string{"Province de la ", "Province de l'", "Departement de ", "Departement du ",
		"Departement d'", "Prefecture de ", "Province des ", "Province of ", "Province de ", "Province du ",
		"Region of ", "Region de ", "Region du ", "Commune de ", "District de ", "Cercle d' ", "Cercle de ",
		"Wilaya de ", "Cercle d'", "Cercled'", "Wilaya d'", "Circunscricao da ", "Circunscricao de ",
		"Circunscricao do ", "Distrito da ", "Distrito de ", "Distrito do ", "Concelho da ", "Concelho de ", "Concelho do ", "Commune of "}
}

// acledAdminName turns a GeoNames admin name into ACLED's style: ASCII, without "Region",
// "Province", "State", "Cercle de"... affixes.
func acledAdminName(s string) string {
	s = asciiName(strings.TrimSpace(s))
	suffixes, prefixes := adminSuffixes(), adminPrefixes()
	for changed := true; changed; {
		changed = false
		for _, suf := range suffixes {
			if len(s) > len(suf) && strings.EqualFold(s[len(s)-len(suf):], suf) {
				s = strings.TrimSpace(s[:len(s)-len(suf)])
				changed = true
			}
		}
		for _, pre := range prefixes {
			if len(s) > len(pre) && strings.EqualFold(s[:len(pre)], pre) {
				s = strings.TrimSpace(s[len(pre):])
				changed = true
			}
		}
	}
	s = strings.ReplaceAll(s, " - ", "-") // "Tharaka - Nithi"
	// "Murang'A", "Jema'A": GeoNames' title case capitalises after an apostrophe inside a word;
	// ACLED does not (but keeps "N'Djamena", "N'Guigmi", whose apostrophe follows a capital).
	if i := strings.IndexByte(s, '\''); i > 0 && i+1 < len(s) && s[i-1] >= 'a' && s[i-1] <= 'z' && s[i+1] >= 'A' && s[i+1] <= 'Z' {
		s = s[:i+1] + strings.ToLower(s[i+1:i+2]) + s[i+2:]
	}
	return s
}

// asciiName strips diacritics but keeps case, spaces and punctuation ("Ségou" → "Segou").
func asciiName(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r < 0x80:
			sb.WriteRune(r)
		case r == '’' || r == 'ʼ' || r == '‘':
			sb.WriteByte('\'')
		default:
			f := foldRune(r)
			if f == "" {
				continue
			}
			if strings.ToUpper(string(r)) == string(r) {
				f = strings.ToUpper(f[:1]) + f[1:]
			}
			sb.WriteString(f)
		}
	}
	return sb.String()
}

// readDumps reads the full GeoNames country dumps; their ADM1/ADM2 features give admin centres.
func (b *builder) readDumps() error {
	for _, cc := range dumpCountries() {
		path, ok := b.source("geonames", cc+".txt.gz")
		if !ok {
			continue
		}
		places, err := ReadGeoNamesFile(path)
		if err != nil {
			return err
		}
		b.dumped[cc] = true
		for _, p := range places {
			b.addPlace(p)
			var key string
			switch p.Code {
			case "ADM1":
				key = b.a1ByGeoID[p.ID]
				if key == "" {
					key = adminKey(p.Country, p.Admin1)
				}
			case "ADM2":
				key = adminKey(p.Country, p.Admin1, p.Admin2)
			}
			if a, ok := b.admins[key]; ok && key != "" && (a.ID == p.ID || a.ID == 0 || !b.centre[key]) {
				a.Lat, a.Lon = p.Lat, p.Lon
				b.centre[key] = true
				b.admins[key] = a
			}
		}
	}
	return nil
}

// readCities500 adds GeoNames' worldwide towns for countries without a full dump.
func (b *builder) readCities500() error {
	path, ok := b.source("geonames", "cities500.txt.gz")
	if !ok {
		return nil
	}
	places, err := ReadGeoNamesFile(path)
	if err != nil {
		return err
	}
	for _, p := range places {
		if !b.dumped[p.Country] {
			b.addPlace(p)
		}
	}
	// Capitals: the country's PPLC.
	capitals := map[string]Place{}
	for _, p := range b.places {
		if p.Code == "PPLC" {
			if c, ok := capitals[p.Country]; !ok || p.Population > c.Population {
				capitals[p.Country] = p
			}
		}
	}
	for i := range b.countries {
		if c, ok := capitals[b.countries[i].ISO2]; ok {
			b.countries[i].Lat, b.countries[i].Lon = c.Lat, c.Lon
		}
	}
	return nil
}

// readNaturalEarth adds admin-1 units of countries without a full GeoNames dump (label points) and
// gives every admin1 without a GeoNames ADM1 feature its centre.
func (b *builder) readNaturalEarth() error {
	path, ok := b.source("places", "natural_earth_admin1", "ne_10m_admin_1_states_provinces.csv.gz")
	if !ok {
		return nil
	}
	rc, err := openMaybeCompressed(path)
	if err != nil {
		return err
	}
	defer rc.Close()
	cr := csv.NewReader(rc)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		cc := get(rec, "iso_a2")
		if len(cc) != 2 || cc == "-1" {
			continue
		}
		lat, lon, err := parseLatLon(get(rec, "latitude"), get(rec, "longitude"))
		if err != nil {
			continue
		}
		gid, _ := strconv.ParseInt(get(rec, "gn_id"), 10, 64)
		key := b.a1ByGeoID[gid]
		if key == "" {
			if code, ok := b.adminCode[cc+"|"+Fold(get(rec, "name"))]; ok {
				key = adminKey(cc, code)
			}
		}
		if key == "" {
			b.report.Unmatched["naturalearth"]++
		}
		if a, ok := b.admins[key]; ok && !b.centre[key] {
			a.Lat, a.Lon = lat, lon
			b.centre[key] = true
			b.admins[key] = a
		}
		if b.dumped[cc] {
			continue
		}
		neID, _ := strconv.ParseInt(get(rec, "ne_id"), 10, 64)
		p := Place{Name: get(rec, "name"), Lat: lat, Lon: lon, Class: 'A', Code: "ADM1", Country: cc, Source: "naturalearth"}
		if neID > 0 {
			p.ID = -(idNaturalEarth + neID%idNaturalEarth)
		} else {
			p.ID = stableID(idNaturalEarth, cc, p.Name)
		}
		if key != "" {
			p.Admin1 = strings.Split(key, ".")[1]
		}
		var alts []string
		alts = append(alts, strings.Split(get(rec, "name_alt"), "|")...)
		for _, c := range []string{"name_en", "name_fr", "name_pt", "name_local", "gn_name", "woe_name"} {
			alts = append(alts, get(rec, c))
		}
		p.AltNames = altNames(p.Name, alts)
		b.addPlace(p)
	}
}

// readNigeriaWards adds Nigerian ward points (MIT) and derives each LGA's centre as the mean of its
// wards; state and LGA names give the GeoNames admin1/admin2 codes.
func (b *builder) readNigeriaWards() error {
	type acc struct {
		lat, lon float64
		n        int
		state    string
		a1, a2   string
	}
	lgas := map[string]*acc{}
	var order []string
	path, ok := b.source("places", "temikeezy_nigeria_wards", "nga_wards.tsv")
	if !ok {
		return nil
	}
	err := readTSV(path, func(r map[string]string) error {
		lat, lon, err := parseLatLon(r["lat"], r["lon"])
		if err != nil || (lat == 0 && lon == 0) {
			b.report.Unmatched["ng-ward-coords"]++
			return nil
		}
		a1, a2 := b.codeNames("NG", r["state"], r["lga"])
		if a1 == "" {
			b.report.Unmatched["ng-ward-state"]++
		} else if a2 == "" {
			b.report.Unmatched["ng-ward-lga"]++
		}
		name := strings.TrimSpace(r["ward"])
		if name == "" {
			return nil
		}
		b.addPlace(Place{ID: stableID(idNGWard, r["state"], r["lga"], name), Name: name, Lat: lat, Lon: lon,
			Class: 'A', Code: "ADM3", Country: "NG", Admin1: a1, Admin2: a2, Source: "ng-wards"})
		k := r["state"] + "|" + r["lga"]
		a := lgas[k]
		if a == nil {
			a = &acc{state: r["state"], a1: a1, a2: a2}
			lgas[k] = a
			order = append(order, k)
		}
		a.lat += lat
		a.lon += lon
		a.n++
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range order {
		a := lgas[k]
		lga := k[strings.IndexByte(k, '|')+1:]
		lat, lon := a.lat/float64(a.n), a.lon/float64(a.n)
		key := adminKey("NG", a.a1, a.a2)
		ad, coded := b.admins[key]
		coded = coded && a.a2 != ""
		// The wards file cuts long LGA names to eight letters ("IsokoSou", "Dutsin-M"): the LGA is
		// named as its admin code's unit, with the file's form kept as another name.
		name, alts := lga, ""
		if coded && ad.Name != "" && Fold(ad.Name) != Fold(lga) {
			name, alts = ad.Name, altNames(ad.Name, []string{lga})
		}
		b.addPlace(Place{ID: stableID(idNGLGA, a.state, lga), Name: name, AltNames: alts, Lat: lat, Lon: lon, Class: 'A',
			Code: "ADM2", Country: "NG", Admin1: a.a1, Admin2: a.a2, Source: "ng-wards"})
		if coded && !b.centre[key] {
			ad.Lat, ad.Lon = lat, lon
			b.centre[key] = true
			b.admins[key] = ad
		}
	}
	return nil
}

// codeNames resolves admin1/admin2 names of a country to GeoNames codes ("" where unknown).
func (b *builder) codeNames(cc, admin1, admin2 string) (string, string) {
	a1 := b.adminCode[cc+"|"+Fold(acledAdminName(admin1))]
	if a1 == "" {
		a1 = b.adminCode[cc+"|"+Fold(admin1)]
	}
	if a1 == "" {
		a1 = fuzzyAdmin(b.adminList[cc], admin1)
	}
	if a1 == "" || admin2 == "" {
		return a1, ""
	}
	a2 := b.adminCode[cc+"."+a1+"|"+Fold(acledAdminName(admin2))]
	if a2 == "" {
		a2 = b.adminCode[cc+"."+a1+"|"+Fold(admin2)]
	}
	if a2 == "" {
		a2 = fuzzyAdmin(b.adminList[cc+"."+a1], admin2)
	}
	if a2 == "" {
		// The unit may have moved to a newer admin1 (Mali's Ménaka cercle left Gao for the Ménaka
		// region): take the admin2 and its parent when the name is unique in the country.
		if key, ok := b.adminCode[cc+"|2|"+Fold(acledAdminName(admin2))]; ok && key != "" {
			parts := strings.Split(key, ".")
			return parts[1], parts[2]
		}
	}
	return a1, a2
}

// readSomalia adds Somali villages (CC0); the source already swapped its lat/lon columns back.
func (b *builder) readSomalia() error {
	path, ok := b.source("places", "spatialworks_somalia", "som_villages.tsv")
	if !ok {
		return nil
	}
	return readTSV(path, func(r map[string]string) error {
		lat, lon, err := parseLatLon(r["lat"], r["lon"])
		if err != nil || lat < -2 || lat > 12.5 || lon < 40.5 || lon > 51.5 { // outside Somalia: bad row
			b.report.Unmatched["somalia-coords"]++
			return nil
		}
		name := strings.TrimSpace(r["place_name"])
		if name == "" {
			return nil
		}
		a1, a2 := b.codeNames("SO", r["region_from_lookup"], r["district"])
		if a1 == "" {
			b.report.Unmatched["somalia-region"]++
		}
		b.addPlace(Place{ID: stableID(idSomalia, r["place_id"], name), Name: name, Lat: lat, Lon: lon,
			Class: 'P', Code: "PPL", Country: "SO", Admin1: a1, Admin2: a2, Source: "somalia-villages"})
		return nil
	})
}

// adminCentres gives admin units without a feature point the mean position of their places.
func (b *builder) adminCentres() {
	type acc struct {
		lat, lon float64
		n        int
	}
	sums := map[string]*acc{}
	for _, p := range b.places {
		if p.Admin1 == "" || p.Class != 'P' {
			continue
		}
		for _, k := range []string{adminKey(p.Country, p.Admin1), adminKey(p.Country, p.Admin1, p.Admin2)} {
			if p.Admin2 == "" && strings.Count(k, ".") == 2 {
				continue
			}
			a := sums[k]
			if a == nil {
				a = &acc{}
				sums[k] = a
			}
			a.lat += p.Lat
			a.lon += p.Lon
			a.n++
		}
	}
	for k, a := range b.admins {
		if b.centre[k] {
			continue
		}
		if s := sums[k]; s != nil {
			a.Lat, a.Lon = s.lat/float64(s.n), s.lon/float64(s.n)
			b.admins[k] = a
		}
	}
}

// fuzzyAdmin joins a spelling variant ("Nassarawa", "Middle Shabelle", "Hiraan") to the one unit
// whose folded name is within two edits, or a prefix of it ("Federal Capital" for "Federal Capital
// Territory"); "" when there is none or more than one.
func fuzzyAdmin(units []adminName, name string) string {
	k := Fold(acledAdminName(name))
	if len(k) < 5 {
		return ""
	}
	best, bestD, tie := "", 3, false
	for _, u := range units {
		d := EditDistance(k, u.folded, 3)
		if strings.HasPrefix(u.folded, k) && len(k) >= 8 || strings.HasPrefix(k, u.folded) && len(u.folded) >= 8 {
			d = min(d, 1) // a name cut short ("Koko/Bes"), or a longer form ("Calabar Municipality")
		} else if len(k) >= 6 && len(u.folded) > len(k) && EditDistance(k, u.folded[:len(k)], 2) <= 1 {
			d = min(d, 2) // cut short and misspelt: "Kontogur" for Kontagora
		}
		switch {
		case d < bestD:
			best, bestD, tie = u.code, d, false
		case d == bestD && u.code != best:
			tie = true
		}
	}
	if tie || bestD > 2 {
		return ""
	}
	return best
}

// EditDistance is the Levenshtein distance of a and b, or limit when it is at least limit.
func EditDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
