package gazetteer

import (
	"bytes"
	"embed"
	"fmt"
)

//go:generate go run ./cmd/gazbuild -o data

// Default data files (see data/README.md). The main file is CC BY 4.0 (GeoNames) with public
// domain, MIT and CC0 additions; the OpenStreetMap file is ODbL 1.0 and kept separate.
const (
	MainFile = "gazetteer.bin.gz"
	OSMFile  = "osm-places.bin.gz"
)

//go:embed data
var dataFS embed.FS

// Default loads the embedded default gazetteer: GeoNames and open admin data, overlaid with the
// OpenStreetMap place layer. Each call decodes afresh (there is no package-level cache): callers
// keep the result.
func Default() (*Gazetteer, error) {
	g := newGazetteer()
	for _, name := range []string{MainFile, OSMFile} {
		b, err := dataFS.ReadFile("data/" + name)
		if err != nil {
			return nil, fmt.Errorf("gazetteer: embedded %s: %w", name, err)
		}
		if err := g.load(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("gazetteer: embedded %s: %w", name, err)
		}
	}
	return g, nil
}
