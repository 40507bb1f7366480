package gazetteer

import "math"

// The spatial index is a grid of cells gridStep degrees wide; searches visit rings of cells
// outwards from the query point until no unvisited cell can hold anything nearer.
const (
	gridStep     = 0.25
	cellsPerDeg  = 4 // 1 / gridStep
	maxRings     = 20 * cellsPerDeg
	kmPerDegree  = 111.195
	cellKeyWidth = 360*cellsPerDeg + 1
)

func cellOf(lat, lon float64) (int32, int32) {
	return int32(math.Floor(lat * cellsPerDeg)), int32(math.Floor(lon * cellsPerDeg))
}

func cellKey(la, lo int32) int32 {
	lo = ((lo+180*cellsPerDeg)%(360*cellsPerDeg)+360*cellsPerDeg)%(360*cellsPerDeg) - 180*cellsPerDeg
	return (la+90*cellsPerDeg)*cellKeyWidth + lo + 180*cellsPerDeg
}

func (l *layer) buildGrid() {
	l.grid = make(map[int32][]int32, 1<<14)
	for i := range l.places {
		la, lo := cellOf(l.places[i].Lat, l.places[i].Lon)
		k := cellKey(la, lo)
		l.grid[k] = append(l.grid[k], int32(i))
	}
}

// ringBoundKm is a lower bound on the distance from (lat, ·) to any cell of ring r.
func ringBoundKm(lat float64, r int32) float64 {
	if r <= 1 {
		return 0
	}
	// Longitude degrees shrink towards the poles: use the cosine at the ring's far edge.
	c := math.Max(0.05, math.Cos(math.Min(89, math.Abs(lat)+float64(r)*gridStep)*math.Pi/180))
	return float64(r-1) * gridStep * kmPerDegree * c
}

// search visits, ring by ring, the places of every layer in cells around (lat, lon) and calls
// visit(layer, index, km) for those nearer than bound(), which may shrink as the search goes.
func (g *Gazetteer) search(layers []*layer, lat, lon float64, bound func() float64, visit func(l *layer, i int32, d float64)) {
	la0, lo0 := cellOf(lat, lon)
	for ring := int32(0); ring <= maxRings; ring++ {
		if ringBoundKm(lat, ring) > bound() {
			return
		}
		for dla := -ring; dla <= ring; dla++ {
			la := la0 + dla
			if la < -90*cellsPerDeg || la >= 90*cellsPerDeg {
				continue
			}
			step := int32(1)
			if dla != -ring && dla != ring {
				step = 2 * ring // inner rows: only the two edge cells belong to this ring
			}
			for dlo := -ring; dlo <= ring; dlo += max(step, 1) {
				k := cellKey(la, lo0+dlo)
				for _, l := range layers {
					for _, i := range l.grid[k] {
						p := &l.places[i]
						// Cheap latitude test before the trigonometry.
						if math.Abs(p.Lat-lat)*kmPerDegree > bound() {
							continue
						}
						if d := DistanceKm(lat, lon, p.Lat, p.Lon); d <= bound() {
							visit(l, i, d)
						}
					}
				}
			}
		}
	}
}

// Nearest returns the place closest to (lat, lon), restricted to a country (ISO2; "" for any)
// and to places the filter accepts (nil accepts all), with its distance in km. It searches up to
// about 20° away (ok is false when nothing qualifies).
func (g *Gazetteer) Nearest(lat, lon float64, country string, filter func(Place) bool) (Place, float64, bool) {
	return g.nearest(lat, lon, country, filter, math.Inf(1))
}

// NearestWithin is Nearest limited to maxKm: cheap when nothing lies that close.
func (g *Gazetteer) NearestWithin(lat, lon, maxKm float64, country string, filter func(Place) bool) (Place, float64, bool) {
	return g.nearest(lat, lon, country, filter, maxKm)
}

// nearest is Nearest limited to maxKm.
func (g *Gazetteer) nearest(lat, lon float64, country string, filter func(Place) bool, maxKm float64) (Place, float64, bool) {
	var best *Place
	bestD := maxKm
	g.search(g.layers, lat, lon, func() float64 { return bestD }, func(l *layer, i int32, d float64) {
		p := &l.places[i]
		if d >= bestD && best != nil || country != "" && p.Country != country {
			return
		}
		if filter != nil && !filter(*p) {
			return
		}
		best, bestD = p, d
	})
	if best == nil {
		return Place{}, 0, false
	}
	return *best, bestD, true
}

// nearestIndex is the index of the layer's place nearest to (lat, lon) within maxKm that ok
// accepts, or -1: the build-time variant of Nearest, without copying places.
func (l *layer) nearestIndex(lat, lon, maxKm float64, ok func(int32) bool) int32 {
	if near := kNearest([]*layer{l}, lat, lon, maxKm, 1, func(_ *layer, i int32) bool { return ok(i) }); len(near) > 0 {
		return near[0].i
	}
	return -1
}

// layerPlace is one place of a layer, found by a search.
type layerPlace struct {
	l *layer
	i int32
	d float64
}

func (c layerPlace) place() *Place { return &c.l.places[c.i] }

// kNearest returns up to k places of layers nearest to (lat, lon) within maxKm that ok accepts,
// nearest first.
func kNearest(layers []*layer, lat, lon, maxKm float64, k int, ok func(*layer, int32) bool) []layerPlace {
	best := make([]layerPlace, 0, k)
	bound := func() float64 {
		if len(best) < k {
			return maxKm
		}
		return best[len(best)-1].d
	}
	g := &Gazetteer{}
	g.search(layers, lat, lon, bound, func(l *layer, i int32, d float64) {
		if len(best) == k && d >= best[k-1].d || !ok(l, i) {
			return
		}
		j := len(best)
		if j < k {
			best = append(best, layerPlace{})
		} else {
			j--
		}
		for j > 0 && best[j-1].d > d {
			best[j] = best[j-1]
			j--
		}
		best[j] = layerPlace{l, i, d}
	})
	return best
}

// DistanceKm is the great-circle distance between two points.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
