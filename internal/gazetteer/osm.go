package gazetteer

import (
	"context"
	"io"
	"strconv"
	"strings"
)

// OpenStreetMap place-node extracts (2019) under ../shared/data/places/osm_obiwanlansi_geodata_2019.
var osmCountries = []struct{ cc, file string }{
	{"BF", "osm_places_BF.tsv"}, {"CD", "osm_places_CD.tsv.gz"}, {"ML", "osm_places_ML.tsv.gz"},
	{"MZ", "osm_places_MZ.tsv"}, {"NE", "osm_places_NE.tsv.gz"}, {"NG", "osm_places_NG.tsv.gz"},
	{"SO", "osm_places_SO.tsv"}, {"TD", "osm_places_TD.tsv.gz"},
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
	if err := encode(cw, dataset{places: places}); err != nil {
		return rep, err
	}
	rep.OutputSize = cw.n
	return rep, nil
}

func (b *builder) buildOSM(ctx context.Context) ([]Place, BuildReport, error) {
	rep := BuildReport{BySource: map[string]int{}, Unmatched: map[string]int{}}
	coded := &Gazetteer{layers: []*layer{newLayer(b.places)}}
	hasAdmin := func(p Place) bool { return p.Admin1 != "" && p.Admin1 != "00" }
	var out []Place
	seen := map[int64]bool{}
	add := func(p Place, pip1, pip2 string) {
		if seen[p.ID] {
			return
		}
		seen[p.ID] = true
		if pip1 != "" {
			p.Admin1, p.Admin2 = b.codeNames(p.Country, pip1, pip2)
			if p.Admin1 == "" {
				rep.Unmatched["osm-pip-"+p.Country]++
			}
		}
		if p.Admin1 == "" {
			if n, d, ok := coded.Nearest(p.Lat, p.Lon, p.Country, hasAdmin); ok && d < 150 {
				p.Admin1, p.Admin2 = n.Admin1, n.Admin2
				rep.Approx++
			} else {
				rep.Unmatched["osm-nearest-"+p.Country]++
			}
		}
		out = append(out, p)
		rep.BySource[p.Source+"-"+p.Country]++
	}
	for _, oc := range osmCountries {
		if err := ctx.Err(); err != nil {
			return nil, rep, err
		}
		err := readTSV(b.path("places", "osm_obiwanlansi_geodata_2019", oc.file), func(r map[string]string) error {
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
	err := readTSV(b.path("places", "spatialworks_mozambique", "moz_hotosm_populated_places.tsv"), func(r map[string]string) error {
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
	if err != nil {
		return nil, rep, err
	}
	rep.Places = len(out)
	rep.Keys = len(newLayer(out).keys)
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
