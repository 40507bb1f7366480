package gazetteer

import (
	"context"
	"io"
	"sort"
	"strconv"
	"strings"
)

// OpenStreetMap place-node extracts (2019) under ../shared/data/places/osm_obiwanlansi_geodata_2019.
func osmCountries() []struct{ cc, file string } {
	return []struct{ cc, file string }{
		{"BF", "osm_places_BF.tsv"}, {"CD", "osm_places_CD.tsv.gz"}, {"ML", "osm_places_ML.tsv.gz"},
		{"MZ", "osm_places_MZ.tsv"}, {"NE", "osm_places_NE.tsv.gz"}, {"NG", "osm_places_NG.tsv.gz"},
		{"SO", "osm_places_SO.tsv"}, {"TD", "osm_places_TD.tsv.gz"},
	}
}

// BuildOSM writes the OpenStreetMap place layer (ODbL 1.0, "© OpenStreetMap contributors") in
// the compact format: the 2019 place-node extracts and HOT's Mozambique populated places. Admin
// codes come from the extracts' point-in-polygon columns where present (ML, NE, NG, SO), else from
// the nearest GeoNames/Natural Earth-coded place of the same country (an approximation near
// borders).
func BuildOSM(ctx context.Context, sharedDir string, w io.Writer) (BuildReport, error) {
	b := newBuilder(sharedDir)
	if err := b.buildMain(ctx); err != nil {
		return b.report, err
	}
	places, rep, err := b.buildOSM(ctx)
	if err != nil {
		return rep, err
	}
	cw := &countingWriter{w: w}
	if rep.Keys, err = encodeKeys(cw, dataset{places: places}); err != nil {
		return rep, err
	}
	rep.OutputSize = cw.n
	return rep, nil
}

func (b *builder) buildOSM(ctx context.Context) ([]Place, BuildReport, error) {
	rep := BuildReport{BySource: map[string]int{}, Unmatched: map[string]int{}}
	var out []Place
	seen := map[int64]bool{}
	add := func(p Place, pip1, pip2 string) {
		if seen[p.ID] || Tokens(p.Name) > maxNameTokens {
			return
		}
		seen[p.ID] = true
		if pip1 != "" {
			p.Admin1, p.Admin2 = b.codeNames(p.Country, pip1, pip2)
			if p.Admin1 == "" {
				rep.Unmatched["osm-pip-"+p.Country]++
			}
		}
		out = append(out, p)
		rep.BySource[p.Source+"-"+p.Country]++
	}
	for _, oc := range osmCountries() {
		if err := ctx.Err(); err != nil {
			return nil, rep, err
		}
		path, ok := b.source("places", "osm_obiwanlansi_geodata_2019", oc.file)
		if !ok {
			continue
		}
		err := readTSV(path, func(r map[string]string) error {
			name := strings.TrimSpace(r["name"])
			if name == "" {
				return nil
			}
			lat, lon, err := parseLatLon(r["lat"], r["lon"])
			if err != nil {
				rep.Unmatched["osm-coords"]++
				return nil
			}
			id, err := strconv.ParseInt(r["osm_node_id"], 10, 64)
			if err != nil || id <= 0 {
				return nil
			}
			p := Place{ID: -(idOSMNode + id%idOSMNode), Name: name, Lat: lat, Lon: lon, Country: oc.cc, Source: "osm"}
			p.Class, p.Code = osmKind(r["place"])
			p.Population, _ = strconv.ParseInt(strings.TrimSpace(r["population"]), 10, 64)
			p.Population = max(p.Population, 0)
			p.AltNames = altNames(name, []string{r["name_en"], r["name_de"]})
			add(p, r["pip_admin1"], r["pip_admin2"])
			return nil
		})
		if err != nil {
			return nil, rep, err
		}
	}
	hot, ok := b.source("places", "spatialworks_mozambique", "moz_hotosm_populated_places.tsv")
	err := readTSV(hot, func(r map[string]string) error {
		name := strings.TrimSpace(r["name"])
		if name == "" {
			return nil
		}
		lat, lon, err := parseLatLon(r["lat"], r["lon"])
		if err != nil {
			rep.Unmatched["hotosm-coords"]++
			return nil
		}
		id, err := strconv.ParseInt(r["osm_id"], 10, 64)
		if err != nil {
			return nil
		}
		// HOT exports write ways and relations with their OSM id (relations negative); keep the
		// id blocks apart so that a way never takes a node's id.
		base := int64(idOSMNode)
		switch {
		case id < 0:
			base, id = idOSMRelation, -id
		case r["geom_type"] != "POINT":
			base = idOSMWay
		}
		p := Place{ID: -(base + id%idOSMNode), Name: name, Lat: lat, Lon: lon, Country: "MZ", Source: "osm"}
		p.Class, p.Code = osmKind(r["place"])
		p.Population, _ = strconv.ParseInt(strings.TrimSpace(r["population"]), 10, 64)
		p.Population = max(p.Population, 0)
		add(p, "", "")
		return nil
	})
	if ok && err != nil {
		return nil, rep, err
	}
	// Nodes without point-in-polygon admin codes take those of their nearest coded neighbours.
	approx := b.report.Approx
	b.fillAdmins(out, append(append([]Place(nil), b.places...), out...))
	rep.Approx = b.report.Approx - approx
	// Where GeoNames has neither a full dump nor polygons (MZ, TD, CD), districts are mostly named
	// after their seat: the seats found among all places split the country into nearest-seat
	// cells, which give admin2 and, where most districts have a seat, admin1 too.
	seatCC := seatCountries()
	units := map[string]int{}
	for k := range b.admins {
		if seatCC[k[:2]] && strings.Count(k, ".") == 2 {
			units[k[:2]]++
		}
	}
	// Two rounds: the nearest-neighbour admin1 of a sparse country is often wrong near province
	// borders (Chibabava voted into Manica), which hides the seat of its own district; the first
	// round's seats recode the country, and the second finds the seats that hid.
	var seats *layer
	seated := map[int64]bool{}
	for range 2 {
		all := append(append([]Place(nil), b.places...), out...)
		seats = b.seatLayer(all, seatCC)
		dense := map[string]bool{}
		for cc, n := range seatCount(seats) {
			dense[cc] = 2*n >= units[cc]
		}
		for i := range out {
			p := &out[i]
			if !seatCC[p.Country] || b.coded[p.ID] {
				continue
			}
			j := seats.nearestIndex(p.Lat, p.Lon, 120, func(j int32) bool {
				s := &seats.places[j]
				return s.Country == p.Country && (dense[p.Country] || s.Admin1 == p.Admin1)
			})
			if j >= 0 {
				p.Admin1, p.Admin2 = seats.places[j].Admin1, seats.places[j].Admin2
				seated[p.ID] = true
			}
		}
	}
	for cc, n := range seatCount(seats) {
		rep.BySource["admin2-seats-"+cc] = n
	}
	for _, p := range out {
		if seated[p.ID] {
			rep.BySource["admin-from-seat-"+p.Country]++
		}
	}
	// The located districts themselves become places: ACLED often names a district ("Meluco",
	// "Cahora Bassa") as the location.
	for _, s := range seats.places {
		if !seen[s.ID] {
			seen[s.ID] = true
			out = append(out, s)
			rep.BySource["osm-district-"+s.Country]++
		}
	}
	for _, p := range out {
		if !b.admins.has1(&p) {
			rep.Unmatched["osm-admin1-"+p.Country]++
		}
	}
	rep.Places = len(out)
	return out, rep, nil
}

// osmKind maps OSM place=* values to GeoNames feature class and code.
func osmKind(v string) (byte, string) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "city", "town", "village", "hamlet", "isolated_dwelling", "farm", "allotments":
		return 'P', "PPL"
	case "suburb", "neighbourhood", "quarter", "city_block", "borough":
		return 'P', "PPLX"
	case "locality", "plot", "square":
		return 'L', "LCTY"
	case "island", "islet":
		return 'T', "ISL"
	case "state", "province", "region":
		return 'A', "ADM1"
	case "county", "district", "municipality":
		return 'A', "ADM2"
	}
	return 'P', "PPL"
}

// seatCountries are the countries whose OSM nodes take admin codes from the nearest district seat.
func seatCountries() map[string]bool { return map[string]bool{"MZ": true, "TD": true, "CD": true} }

// seatLayer locates admin2 units of the given countries by the place that bears their name (the
// district seat: "Macomia" for Macomia district) among populated places already coded in the
// unit's admin1, the most populous first; the layer's places carry the unit's codes.
func (b *builder) seatLayer(all []Place, countries map[string]bool) *layer {
	byName := map[string][]int{}
	for i := range all {
		if countries[all[i].Country] && all[i].Class == 'P' {
			k := all[i].Country + "|" + Fold(all[i].Name)
			byName[k] = append(byName[k], i)
		}
	}
	keys := make([]string, 0)
	for k := range b.admins {
		if countries[k[:2]] && strings.Count(k, ".") == 2 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var seats []Place
	for _, k := range keys {
		a := b.admins[k]
		// "Cidade de Pemba" is seated in Pemba.
		names := []string{a.Name, strings.TrimPrefix(strings.TrimPrefix(a.Name, "Cidade de "), "Cidade De ")}
		best, bestScore := -1, int64(-1)
		for _, n := range names {
			for _, i := range byName[a.Country+"|"+Fold(n)] {
				p := &all[i]
				if p.Admin1 != a.Admin1 {
					continue // a namesake in another province
				}
				score := p.Population + 1
				if score > bestScore || score == bestScore && p.ID < all[best].ID {
					best, bestScore = i, score
				}
			}
		}
		if best < 0 {
			continue
		}
		s := all[best]
		// The GeoNames admin2 id, positioned by its seat (from OSM or GeoNames).
		seats = append(seats, Place{ID: a.ID, Name: a.Name, Lat: s.Lat, Lon: s.Lon, Class: 'A', Code: "ADM2",
			Country: a.Country, Admin1: a.Admin1, Admin2: a.Admin2, Source: "osm"})
	}
	l := &layer{places: seats}
	l.buildGrid()
	return l
}

func seatCount(l *layer) map[string]int {
	n := map[string]int{}
	for _, p := range l.places {
		n[p.Country]++
	}
	return n
}
