package gazetteer

import (
	"embed"
	"fmt"
	"sync"
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

// Default loads the embedded default gazetteer: GeoNames and open admin data plus the
// OpenStreetMap place layer. Each call decodes afresh (there is no package-level cache): callers
// keep the result. The two files are decoded concurrently.
func Default() (*Gazetteer, error) {
	names := []string{MainFile, OSMFile}
	type result struct {
		d   decoded
		err error
	}
	res := make([]result, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := dataFS.ReadFile("data/" + name)
			if err != nil {
				res[i].err = fmt.Errorf("gazetteer: embedded %s: %w", name, err)
				return
			}
			res[i].d, err = decodeBytes(b)
			if err != nil {
				res[i].err = fmt.Errorf("gazetteer: embedded %s: %w", name, err)
			}
		}()
	}
	wg.Wait()
	g := newGazetteer()
	for _, r := range res {
		if r.err != nil {
			return nil, r.err
		}
		g.merge(r.d)
	}
	return g, nil
}
