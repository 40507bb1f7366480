package gazetteer

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/fixtures/acleddev"
)

// acledRow is the part of an ACLED record the gazetteer is measured on.
type acledRow struct {
	country, region, iso, admin1, admin2, location string
	lat, lon                                       float64
}

// readACLED reads the development records that have coordinates.
func readACLED(t testing.TB) []acledRow {
	t.Helper()
	var rows []acledRow
	for _, r := range acleddev.Rows(t, "country", "region", "iso", "admin1", "admin2", "location", "latitude", "longitude") {
		lat, err1 := strconv.ParseFloat(r.Latitude, 64)
		lon, err2 := strconv.ParseFloat(r.Longitude, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		rows = append(rows, acledRow{country: r.Country, region: r.Region, iso: r.ISO, admin1: r.Admin1,
			admin2: r.Admin2, location: r.Location, lat: lat, lon: lon})
	}
	return rows
}

// GeoStats is the gazetteer's agreement with ACLED for one country.
type geoStats struct {
	rows, covered, a1Agree, a2Agree, a2Known int
	mismatch                                 map[string]int
	names                                    map[string]map[string]int // admin key → ACLED name → records
}

// measureACLED finds, for each ACLED record, the nearest place of the same (folded) name in the
// record's country; within 25 km it counts as covered and its admin names are compared.
func measureACLED(g *Gazetteer, rows []acledRow) map[string]*geoStats {
	out := map[string]*geoStats{}
	for _, r := range rows {
		c, ok := g.CountryByName(r.country)
		if !ok {
			continue
		}
		s := out[c.ISO2]
		if s == nil {
			s = &geoStats{mismatch: map[string]int{}, names: map[string]map[string]int{}}
			out[c.ISO2] = s
		}
		s.rows++
		best, bestD := Place{}, 1e9
		for _, p := range g.Lookup(r.location) {
			if p.Country != c.ISO2 {
				continue
			}
			if d := DistanceKm(r.lat, r.lon, p.Lat, p.Lon); d < bestD {
				best, bestD = p, d
			}
		}
		if bestD > 25 {
			if bestD < 1e9 {
				s.mismatch[fmt.Sprintf("~far %s (%.0f km)", r.location, bestD)]++
			} else {
				s.mismatch["~missing "+r.location]++
			}
			continue
		}
		s.covered++
		a1, a2 := g.AdminNames(best)
		c1, c2 := g.AdminCodes(best)
		note := func(key, name string) {
			if s.names[key] == nil {
				s.names[key] = map[string]int{}
			}
			s.names[key][name]++
		}
		note(adminKey(best.Country, c1), r.admin1)
		if a1 == r.admin1 && c2 != "" {
			note(adminKey(best.Country, c1, c2), r.admin2)
		}
		if a1 == r.admin1 {
			s.a1Agree++
		} else {
			s.mismatch[fmt.Sprintf("%s.%s %q→%q (%s)", best.Country, best.Admin1, a1, r.admin1, r.location)]++
		}
		if r.admin2 != "" {
			s.a2Known++
			if a2 == r.admin2 {
				s.a2Agree++
			} else if a1 == r.admin1 {
				s.mismatch[fmt.Sprintf("%s.%s.%s %q→%q", best.Country, best.Admin1, best.Admin2, a2, r.admin2)]++
			}
		}
	}
	return out
}

// TestACLEDAdminAgreement measures, for the ACLED development records of the focus countries, the
// coverage ceiling for geocoding (share of records whose location is in the gazetteer within 25
// km of ACLED's point) and how often AdminNames agrees with ACLED's admin1/admin2 for those places.
func TestACLEDAdminAgreement(t *testing.T) {
	rows := readACLED(t)
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	stats := measureACLED(g, rows)
	focus := []string{"ML", "BF", "NE", "NG", "MZ"}
	var tot geoStats
	for _, cc := range focus {
		s := stats[cc]
		if s == nil || s.rows == 0 {
			t.Errorf("no ACLED rows for %s", cc)
			continue
		}
		tot.rows += s.rows
		tot.covered += s.covered
		tot.a1Agree += s.a1Agree
		tot.a2Agree += s.a2Agree
		tot.a2Known += s.a2Known
		t.Logf("%s: %d rows, coverage (name within 25 km) %.1f%%, admin1 agreement %.1f%%, admin2 agreement %.1f%%",
			cc, s.rows, pct(s.covered, s.rows), pct(s.a1Agree, s.covered), pct(s.a2Agree, s.a2Known))
		if testing.Verbose() {
			type kv struct {
				k string
				n int
			}
			var ms []kv
			for k, n := range s.mismatch {
				ms = append(ms, kv{k, n})
			}
			sort.Slice(ms, func(i, j int) bool { return ms[i].n > ms[j].n || ms[i].n == ms[j].n && ms[i].k < ms[j].k })
			// admin1 mismatches first (their key has one dot), then admin2 ones.
			for _, level := range []int{1, 2, 0} {
				shown := 0
				for _, m := range ms {
					key, _, _ := strings.Cut(m.k, " ")
					if (strings.Count(key, ".") == level || level == 0 && key[0] == '~') && shown < 10 {
						t.Logf("    %4d %s", m.n, m.k)
						shown++
					}
				}
			}
		}
	}
	t.Logf("focus countries: %d rows, coverage %.1f%%, admin1 agreement %.1f%%, admin2 agreement %.1f%%",
		tot.rows, pct(tot.covered, tot.rows), pct(tot.a1Agree, tot.covered), pct(tot.a2Agree, tot.a2Known))
	for _, cc := range focus {
		if s := stats[cc]; s != nil && pct(s.a1Agree, s.covered) < 95 {
			t.Errorf("%s: admin1 agreement %.1f%%, want ≥ 95%%", cc, pct(s.a1Agree, s.covered))
		}
	}
	if pct(tot.covered, tot.rows) < 60 {
		t.Errorf("coverage %.1f%%, want ≥ 60%%", pct(tot.covered, tot.rows))
	}
	if os.Getenv("SITREP_SUGGEST_ADMIN") != "" {
		suggestAdminNames(t, g, stats)
	}
	var others []string
	for cc, s := range stats {
		if !strings.Contains(strings.Join(focus, ","), cc) && s.rows >= 20 {
			others = append(others, fmt.Sprintf("%s %d rows cov %.0f%% a1 %.0f%%", cc, s.rows, pct(s.covered, s.rows), pct(s.a1Agree, s.covered)))
		}
	}
	sort.Strings(others)
	t.Logf("other countries: %s", strings.Join(others, "; "))
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

// suggestAdminNames prints admin-acled.tsv lines: units whose name ACLED spells differently in
// most of the records placed in them, when the two spellings are close (so that a record placed in
// the wrong unit does not rename the unit).
func suggestAdminNames(t *testing.T, g *Gazetteer, stats map[string]*geoStats) {
	var lines []string
	for _, s := range stats {
		for key, names := range s.names {
			total, top, topN := 0, "", 0
			for n, c := range names {
				total += c
				if c > topN || c == topN && n < top {
					top, topN = n, c
				}
			}
			parts := strings.Split(key, ".")
			var ours string
			if len(parts) == 2 {
				p, _ := g.Admin1(parts[0], parts[1])
				ours = p.Name
			} else {
				p, _ := g.Admin2(parts[0], parts[1], parts[2])
				ours = p.Name
			}
			if top == ours || top == "" || 2*topN <= total {
				continue
			}
			fo, ft := Fold(ours), Fold(top)
			if fo == ft || EditDistance(fo, ft, 4) < 4 || strings.Contains(fo, ft) || strings.Contains(ft, fo) {
				lines = append(lines, fmt.Sprintf("%s\t%s\t# was %q, %d/%d records", key, top, ours, topN, total))
			}
		}
	}
	sort.Strings(lines)
	t.Logf("suggested admin-acled.tsv lines:\n%s", strings.Join(lines, "\n"))
}

// TestACLEDCountries checks that every country of the ACLED records resolves by its ACLED name to
// a country with that name, ACLED's region and numeric code.
func TestACLEDCountries(t *testing.T) {
	rows := readACLED(t)
	g, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.country] {
			continue
		}
		seen[r.country] = true
		c, ok := g.CountryByName(r.country)
		if !ok {
			t.Errorf("CountryByName(%q) not found", r.country)
			continue
		}
		if c.Name != r.country || c.Region != r.region || strconv.Itoa(c.Numeric) != r.iso {
			t.Errorf("CountryByName(%q) = %s %q %q %d; ACLED says region %q, iso %s", r.country, c.ISO2, c.Name, c.Region, c.Numeric, r.region, r.iso)
		}
	}
}
