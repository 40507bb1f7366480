package gazetteer

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ParseGeoNames parses a GeoNames dump (geoname table: 19 tab-separated columns, no header, as in
// XX.txt, cities500.txt, allCountries.txt). Alternate names are kept when written in Latin script,
// deduplicated by folded form; airport-style codes (all capitals, up to 4 letters) are dropped.
func ParseGeoNames(r io.Reader) ([]Place, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var out []Place
	for line := 1; ; line++ {
		s, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return out, fmt.Errorf("geonames line %d: %w", line, err)
		}
		if s == "" && err != nil {
			return out, nil
		}
		s = strings.TrimRight(s, "\r\n")
		if s == "" || s[0] == '#' {
			if err != nil {
				return out, nil
			}
			continue
		}
		p, perr := parseGeoNamesLine(s)
		if perr != nil {
			return out, fmt.Errorf("geonames line %d: %w", line, perr)
		}
		out = append(out, p)
		if err != nil {
			return out, nil
		}
	}
}

func parseGeoNamesLine(s string) (Place, error) {
	f := strings.Split(s, "\t")
	if len(f) < 15 {
		return Place{}, fmt.Errorf("%d columns, want 19", len(f))
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return Place{}, fmt.Errorf("geonameid %q: %w", f[0], err)
	}
	lat, lon, err := parseLatLon(f[4], f[5])
	if err != nil {
		return Place{}, err
	}
	p := Place{ID: id, Name: strings.TrimSpace(f[1]), Lat: lat, Lon: lon, Code: f[7],
		Country: strings.ToUpper(f[8]), Admin1: f[10], Admin2: f[11], Source: "geonames"}
	if p.Name == "" {
		return Place{}, errors.New("empty name")
	}
	if f[6] != "" {
		p.Class = f[6][0]
	}
	if f[14] != "" {
		if pop, err := strconv.ParseInt(f[14], 10, 64); err == nil && pop > 0 {
			p.Population = pop
		}
	}
	p.AltNames = altNames(p.Name, append([]string{f[2]}, strings.Split(f[3], ",")...))
	return p, nil
}

func parseLatLon(la, lo string) (float64, float64, error) {
	lat, err := strconv.ParseFloat(strings.TrimSpace(la), 64)
	if err != nil {
		return 0, 0, fmt.Errorf("latitude %q: %w", la, err)
	}
	lon, err := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	if err != nil {
		return 0, 0, fmt.Errorf("longitude %q: %w", lo, err)
	}
	if math.IsNaN(lat) || math.IsNaN(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return 0, 0, fmt.Errorf("coordinates out of range: %v, %v", lat, lon)
	}
	return lat, lon, nil
}

// maxAltTokens bounds the length of kept alternate names, in tokens.
const maxAltTokens = 6

// altNames filters and joins alternate names: Latin script only, one per folded form, not the
// primary name's folded form, no codes.
func altNames(name string, alts []string) string {
	seen := map[string]bool{Fold(name): true}
	var keep []string
	for _, a := range alts {
		a = strings.TrimSpace(strings.ReplaceAll(a, ",", " "))
		// Long alternates are mostly transliterations ("sheng an dong ni ao ...") that only
		// lengthen the n-grams a recogniser must try.
		if a == "" || len(a) > 120 || Tokens(a) > maxAltTokens || !isLatinName(a) || isCode(a) {
			continue
		}
		k := Fold(a)
		if k == "" || seen[k] {
			continue
		}
		seen[k] = true
		keep = append(keep, a)
	}
	return strings.Join(keep, ",")
}

// isCode recognises airport and similar codes among alternate names ("BKO", "GABS").
func isCode(s string) bool {
	if len(s) > 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ReadGeoNamesFile reads a GeoNames dump from a .txt, .txt.gz or .zip file (the first .txt
// member that is not a readme).
func ReadGeoNamesFile(path string) ([]Place, error) {
	rc, err := openMaybeCompressed(path)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	places, err := ParseGeoNames(rc)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return places, nil
}

type multiCloser struct {
	io.Reader
	closers []io.Closer
}

func (m multiCloser) Close() error {
	var errs []error
	for _, c := range m.closers {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}

// openMaybeCompressed opens a plain, .gz or .zip file for reading.
func openMaybeCompressed(path string) (io.ReadCloser, error) {
	switch {
	case strings.HasSuffix(strings.ToLower(path), ".zip"):
		zr, err := zip.OpenReader(path)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		for _, f := range zr.File {
			base := strings.ToLower(filepath.Base(f.Name))
			if strings.HasSuffix(base, ".txt") && !strings.Contains(base, "readme") {
				rc, err := f.Open()
				if err != nil {
					zr.Close()
					return nil, fmt.Errorf("open %s in %s: %w", f.Name, path, err)
				}
				return multiCloser{rc, []io.Closer{rc, zr}}, nil
			}
		}
		zr.Close()
		return nil, fmt.Errorf("%s: no .txt member", path)
	default:
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		if !strings.HasSuffix(strings.ToLower(path), ".gz") {
			return f, nil
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return multiCloser{zr, []io.Closer{zr, f}}, nil
	}
}

// CustomCSVHeader is the header of the custom place CSV (see README.md).
const CustomCSVHeader = "name,alternate_names,country,admin1,admin2,latitude,longitude,kind"

// ParseCustomCSV parses the custom place CSV: columns name, alternate_names (';'-separated),
// country (ISO 3166-1 alpha-2), admin1, admin2 (GeoNames codes, or names, which Add resolves to
// codes), latitude, longitude (WGS84 decimal degrees), kind (a GeoNames feature code such as PPL
// or ADM2, or one of city, town, village, hamlet, locality, camp, neighbourhood, site; empty means
// village). The header row is optional; blank lines and lines starting with '#' are skipped.
// Ids are negative and derived from name, country and coordinates, so re-importing a file gives
// the same ids.
func ParseCustomCSV(r io.Reader) ([]Place, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	var out []Place
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("custom csv: %w", err)
		}
		if row == 1 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(rec[0], "\ufeff")), "name") {
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) < 7 {
			return out, fmt.Errorf("custom csv row %d: %d columns, want 8 (%s)", row, len(rec), CustomCSVHeader)
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		p := Place{Name: rec[0], Country: strings.ToUpper(rec[2]), Admin1: rec[3], Admin2: rec[4], Source: "custom"}
		if p.Name == "" {
			return out, fmt.Errorf("custom csv row %d: empty name", row)
		}
		if len(p.Country) != 2 {
			return out, fmt.Errorf("custom csv row %d: country %q is not an ISO 3166-1 alpha-2 code", row, rec[2])
		}
		p.Lat, p.Lon, err = parseLatLon(rec[5], rec[6])
		if err != nil {
			return out, fmt.Errorf("custom csv row %d: %w", row, err)
		}
		kind := ""
		if len(rec) > 7 {
			kind = rec[7]
		}
		p.Class, p.Code = kindCode(kind)
		p.AltNames = altNames(p.Name, strings.Split(rec[1], ";"))
		p.ID = stableID(idCustom, p.Name, p.Country, strconv.FormatFloat(p.Lat, 'f', 5, 64), strconv.FormatFloat(p.Lon, 'f', 5, 64))
		out = append(out, p)
	}
}

// kindCode maps an OSM-style place kind or a GeoNames feature code to class and code.
func kindCode(kind string) (byte, string) {
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case "", "village":
		return 'P', "PPL"
	case "city", "town":
		return 'P', "PPL"
	case "hamlet", "isolated_dwelling", "farm":
		return 'P', "PPL"
	case "locality":
		return 'L', "LCTY"
	case "camp", "idp camp", "refugee camp":
		return 'S', "CMP"
	case "neighbourhood", "neighborhood", "suburb", "quarter":
		return 'P', "PPLX"
	case "site", "base", "military base":
		return 'S', "INSM"
	}
	code := strings.ToUpper(strings.TrimSpace(kind))
	switch {
	case strings.HasPrefix(code, "PPL"):
		return 'P', code
	case strings.HasPrefix(code, "ADM"), strings.HasPrefix(code, "PCL"):
		return 'A', code
	}
	return 'S', code
}

// Id ranges of places that do not come from GeoNames: each source gets its own block of negative
// ids so they never collide; within a block the id derives from the source's own id or from a hash
// of the record's identifying fields, so that it is stable across builds.
const (
	idNaturalEarth = 1_000_000_000_000
	idNGWard       = 2_000_000_000_000
	idNGLGA        = 3_000_000_000_000
	idSomalia      = 4_000_000_000_000
	idOSMNode      = 5_000_000_000_000
	idOSMWay       = 6_000_000_000_000
	idOSMRelation  = 7_000_000_000_000
	idCustom       = 8_000_000_000_000
)

func stableID(base int64, parts ...string) int64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return -(base + int64(h.Sum64()%999_999_999_999))
}
