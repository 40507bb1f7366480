package gazetteer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
)

// The compact format is a gzip stream of:
//
//	magic "SITREPGZ" version(1 byte)
//	uvarint maxTokens
//	strings: uvarint n, n × string         — interned feature codes, countries, admin codes, sources
//	countries: uvarint n, n × country
//	aliases: uvarint n, n × (folded name, ISO2)
//	admins: uvarint n, n × (string key, place)
//	places: uvarint n, n × place           — sorted by id, ids delta-coded
//	index: uvarint n, n × (uvarint shared-prefix, string suffix, uvarint count, count × uvarint delta)
//
// A string is uvarint length + bytes; coordinates are zig-zag varints of 1e-5 degrees (~1 m).
// The index is stored ready-made so that loading does not fold or sort anything.
const (
	magic         = "SITREPGZ"
	formatVersion = 1
	coordScale    = 1e5
	maxCount      = 1 << 26 // bound on any decoded count, against corrupt input
)

var errCorrupt = errors.New("gazetteer: corrupt data")

type encoder struct {
	w     *bufio.Writer
	strs  map[string]uint64
	buf   [binary.MaxVarintLen64]byte
	err   error
	order []string
}

func (e *encoder) uvarint(v uint64) {
	n := binary.PutUvarint(e.buf[:], v)
	e.write(e.buf[:n])
}
func (e *encoder) varint(v int64) {
	n := binary.PutVarint(e.buf[:], v)
	e.write(e.buf[:n])
}
func (e *encoder) write(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}
func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.write([]byte(s))
}
func (e *encoder) intern(s string) { e.uvarint(e.strs[s]) }
func (e *encoder) coord(f float64) { e.varint(int64(math.Round(f * coordScale))) }

func (e *encoder) place(p *Place, prevID int64) {
	e.varint(p.ID - prevID)
	e.str(p.Name)
	e.str(p.AltNames)
	e.coord(p.Lat)
	e.coord(p.Lon)
	e.write([]byte{p.Class})
	e.intern(p.Code)
	e.intern(p.Country)
	e.intern(p.Admin1)
	e.intern(p.Admin2)
	if p.Population < 0 {
		p.Population = 0
	}
	e.uvarint(uint64(p.Population))
	e.intern(p.Source)
}

// dataset is the content of one compact file.
type dataset struct {
	places    []Place
	countries []Country
	aliases   map[string]string // folded country name/alias → ISO2
	admins    map[string]Place
}

// encode writes ds in the compact format. Places are sorted by id (stable output for the same input).
func encode(w io.Writer, ds dataset) error {
	_, err := encodeKeys(w, ds)
	return err
}

// encodeKeys is encode reporting the number of index keys written.
func encodeKeys(w io.Writer, ds dataset) (int, error) {
	places := append([]Place(nil), ds.places...)
	sort.SliceStable(places, func(i, j int) bool { return places[i].ID < places[j].ID })
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	e := &encoder{w: bufio.NewWriterSize(zw, 1<<16), strs: map[string]uint64{}}
	add := func(s string) {
		if _, ok := e.strs[s]; !ok {
			e.strs[s] = uint64(len(e.order))
			e.order = append(e.order, s)
		}
	}
	adminKeys := make([]string, 0, len(ds.admins))
	for k := range ds.admins {
		adminKeys = append(adminKeys, k)
	}
	sort.Strings(adminKeys)
	all := append([]Place(nil), places...)
	for _, k := range adminKeys {
		all = append(all, ds.admins[k])
	}
	for i := range all {
		p := &all[i]
		add(p.Code)
		add(p.Country)
		add(p.Admin1)
		add(p.Admin2)
		add(p.Source)
	}
	l := newLayer(places)
	e.write([]byte(magic))
	e.write([]byte{formatVersion})
	e.uvarint(uint64(l.maxTokens()))
	e.uvarint(uint64(len(e.order)))
	for _, s := range e.order {
		e.str(s)
	}
	e.uvarint(uint64(len(ds.countries)))
	for _, c := range ds.countries {
		e.str(c.ISO2)
		e.str(c.ISO3)
		e.uvarint(uint64(max(c.Numeric, 0)))
		e.str(c.Name)
		e.str(c.Region)
		e.str(c.Capital)
		e.coord(c.Lat)
		e.coord(c.Lon)
	}
	aliasKeys := make([]string, 0, len(ds.aliases))
	for k := range ds.aliases {
		aliasKeys = append(aliasKeys, k)
	}
	sort.Strings(aliasKeys)
	e.uvarint(uint64(len(aliasKeys)))
	for _, k := range aliasKeys {
		e.str(k)
		e.str(ds.aliases[k])
	}
	e.uvarint(uint64(len(adminKeys)))
	for _, k := range adminKeys {
		p := ds.admins[k]
		e.str(k)
		e.place(&p, 0)
	}
	e.uvarint(uint64(len(places)))
	prev := int64(0)
	for i := range places {
		e.place(&places[i], prev)
		prev = places[i].ID
	}
	e.uvarint(uint64(len(l.keys)))
	prevKey := ""
	for i, k := range l.keys {
		n := 0
		for n < len(k) && n < len(prevKey) && k[n] == prevKey[n] {
			n++
		}
		e.uvarint(uint64(n))
		e.str(k[n:])
		prevKey = k
		ids := l.ids[l.post[i]:l.post[i+1]]
		e.uvarint(uint64(len(ids)))
		last := int32(0)
		for _, id := range ids {
			e.uvarint(uint64(id - last))
			last = id
		}
	}
	if e.err != nil {
		return 0, fmt.Errorf("gazetteer: encode: %w", e.err)
	}
	if err := e.w.Flush(); err != nil {
		return 0, fmt.Errorf("gazetteer: encode: %w", err)
	}
	if err := zw.Close(); err != nil {
		return 0, fmt.Errorf("gazetteer: encode: %w", err)
	}
	return len(l.keys), nil
}

// decoder reads from the whole decompressed file held as one string: decoded strings are
// substrings of it, so loading allocates almost nothing per place.
type decoder struct {
	buf  string
	off  int
	strs []string
	err  error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}
func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if d.off >= len(d.buf) {
			d.fail(io.ErrUnexpectedEOF)
			return 0
		}
		c := d.buf[d.off]
		d.off++
		if shift == 63 && c > 1 {
			d.fail(errCorrupt)
			return 0
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
}
func (d *decoder) varint() int64 {
	u := d.uvarint()
	x := int64(u >> 1)
	if u&1 != 0 {
		x = ^x
	}
	return x
}

// count reads a length or number of items: each item takes at least a byte, so a count beyond
// the bytes left is corrupt (and must not size an allocation).
func (d *decoder) count() int {
	v := d.uvarint()
	if v > maxCount || v > uint64(len(d.buf)-d.off) {
		d.fail(errCorrupt)
		return 0
	}
	return int(v)
}
func (d *decoder) str() string {
	n := d.count()
	if d.err != nil || n == 0 {
		return ""
	}
	if n > len(d.buf)-d.off {
		d.fail(io.ErrUnexpectedEOF)
		return ""
	}
	s := d.buf[d.off : d.off+n]
	d.off += n
	return s
}
func (d *decoder) intern() string {
	i := d.uvarint()
	if i >= uint64(len(d.strs)) {
		d.fail(errCorrupt)
		return ""
	}
	return d.strs[i]
}
func (d *decoder) coord() float64 { return float64(d.varint()) / coordScale }
func (d *decoder) byte1() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.buf) {
		d.fail(io.ErrUnexpectedEOF)
		return 0
	}
	d.off++
	return d.buf[d.off-1]
}

func (d *decoder) place(prevID int64) Place {
	var p Place
	p.ID = prevID + d.varint()
	p.Name = d.str()
	p.AltNames = d.str()
	p.Lat = d.coord()
	p.Lon = d.coord()
	p.Class = d.byte1()
	p.Code = d.intern()
	p.Country = d.intern()
	p.Admin1 = d.intern()
	p.Admin2 = d.intern()
	p.Population = int64(d.uvarint() & math.MaxInt64)
	p.Source = d.intern()
	return p
}

// decode reads one compact file into a dataset and its ready-made layer.
func decode(r io.Reader) (dataset, *layer, int, error) {
	return decodeSized(r, 0)
}

// decodeSized decodes with a hint of the uncompressed size (the gzip trailer's ISIZE), which
// spares the buffer's regrowth.
func decodeSized(r io.Reader, size int) (dataset, *layer, int, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return dataset{}, nil, 0, fmt.Errorf("gazetteer: %w", err)
	}
	defer zr.Close()
	var sb strings.Builder
	if size > 0 && size < 1<<30 {
		sb.Grow(size + 1)
	}
	if _, err := io.Copy(&sb, zr); err != nil {
		return dataset{}, nil, 0, fmt.Errorf("gazetteer: %w", err)
	}
	d := &decoder{buf: sb.String()}
	if !strings.HasPrefix(d.buf, magic) || len(d.buf) <= len(magic) {
		return dataset{}, nil, 0, fmt.Errorf("gazetteer: not a gazetteer file: %w", errCorrupt)
	}
	if v := d.buf[len(magic)]; v != formatVersion {
		return dataset{}, nil, 0, fmt.Errorf("gazetteer: format version %d, want %d", v, formatVersion)
	}
	d.off = len(magic) + 1
	maxTok := d.count()
	n := d.count()
	for i := 0; i < n && d.err == nil; i++ {
		d.strs = append(d.strs, d.str())
	}
	var ds dataset
	n = d.count()
	for i := 0; i < n && d.err == nil; i++ {
		var c Country
		c.ISO2 = d.str()
		c.ISO3 = d.str()
		c.Numeric = int(d.uvarint() & 0xffff)
		c.Name = d.str()
		c.Region = d.str()
		c.Capital = d.str()
		c.Lat = d.coord()
		c.Lon = d.coord()
		ds.countries = append(ds.countries, c)
	}
	n = d.count()
	ds.aliases = make(map[string]string, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.str()
		ds.aliases[k] = d.str()
	}
	n = d.count()
	ds.admins = make(map[string]Place, n)
	for i := 0; i < n && d.err == nil; i++ {
		k := d.str()
		ds.admins[k] = d.place(0)
	}
	n = d.count()
	if d.err == nil {
		ds.places = make([]Place, 0, n)
	}
	prev := int64(0)
	for i := 0; i < n && d.err == nil; i++ {
		p := d.place(prev)
		prev = p.ID
		ds.places = append(ds.places, p)
	}
	l := &layer{places: ds.places, post: []uint32{0}}
	n = d.count()
	if d.err == nil {
		l.keys = make([]string, 0, n)
		l.post = make([]uint32, 1, n+1)
	}
	// Keys are rebuilt into one arena so that they cost one allocation, not one each.
	// Capacity hints (keys average ~10 bytes, ~1.3 places each) spare most regrowth copies.
	arena := make([]byte, 0, n*12)
	type span struct{ off, n int }
	spans := make([]span, 0, n)
	l.ids = make([]int32, 0, n+n/2)
	last := span{}
	for i := 0; i < n && d.err == nil; i++ {
		shared := int(min(d.uvarint(), maxCount))
		suffix := d.str()
		if shared > last.n {
			d.fail(errCorrupt)
			break
		}
		off := len(arena)
		arena = append(arena, arena[last.off:last.off+shared]...)
		arena = append(arena, suffix...)
		cur := span{off, len(arena) - off}
		if i > 0 && bytes.Compare(arena[cur.off:], arena[last.off:last.off+last.n]) <= 0 {
			d.fail(errCorrupt) // keys must be sorted and unique for binary search
			break
		}
		spans = append(spans, cur)
		last = cur
		c := d.count()
		id := int32(0)
		for j := 0; j < c && d.err == nil; j++ {
			id += int32(d.uvarint() & math.MaxInt32)
			if id < 0 || int(id) >= len(ds.places) {
				d.fail(errCorrupt)
				break
			}
			l.ids = append(l.ids, id)
		}
		l.post = append(l.post, uint32(len(l.ids)))
	}
	if d.err != nil {
		return dataset{}, nil, 0, fmt.Errorf("gazetteer: decode: %w", d.err)
	}
	if d.off != len(d.buf) {
		return dataset{}, nil, 0, fmt.Errorf("gazetteer: decode: trailing data: %w", errCorrupt)
	}
	all := string(arena)
	for _, sp := range spans {
		l.keys = append(l.keys, all[sp.off:sp.off+sp.n])
	}
	l.buildGrid()
	l.buildHashes()
	return ds, l, maxTok, nil
}

// EncodePlaces encodes places (an imported place set) in the compact format, index included.
func EncodePlaces(places []Place) []byte {
	var b bytes.Buffer
	if err := encode(&b, dataset{places: places}); err != nil {
		// Writing to a bytes.Buffer cannot fail; an error here is a programming error.
		panic(err)
	}
	return b.Bytes()
}

// DecodePlaces decodes a place set written by EncodePlaces (or any compact file's places).
func DecodePlaces(b []byte) ([]Place, error) {
	ds, _, _, err := decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return ds.places, nil
}

// Load reads a gazetteer in the project's compact format (as written by Build or EncodePlaces).
func Load(r io.Reader) (*Gazetteer, error) {
	g := newGazetteer()
	var err error
	if br, ok := r.(*bytes.Reader); ok {
		// Whole file in memory: size the buffer from the gzip trailer.
		b := make([]byte, br.Len())
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, err
		}
		var d decoded
		if d, err = decodeBytes(b); err == nil {
			g.merge(d)
		}
	} else {
		err = g.load(r)
	}
	if err != nil {
		return nil, err
	}
	return g, nil
}

// decoded is one compact file, decoded.
type decoded struct {
	ds     dataset
	l      *layer
	maxTok int
}

// decodeBytes decodes a whole compact file held in memory; its gzip trailer gives the content size.
func decodeBytes(b []byte) (decoded, error) {
	size := 0
	if len(b) > 18 {
		size = int(binary.LittleEndian.Uint32(b[len(b)-4:]))
	}
	ds, l, maxTok, err := decodeSized(bytes.NewReader(b), size)
	return decoded{ds, l, maxTok}, err
}

// load adds one compact file's layer (below the layers already loaded) and its countries and admins.
func (g *Gazetteer) load(r io.Reader) error {
	ds, l, maxTok, err := decode(r)
	if err != nil {
		return err
	}
	g.merge(decoded{ds, l, maxTok})
	return nil
}

// merge adds a decoded file's layer below the layers already there, and its countries and admins.
func (g *Gazetteer) merge(d decoded) {
	ds := d.ds
	g.layers = append(g.layers, d.l)
	g.maxTokens = max(g.maxTokens, d.maxTok)
	for _, c := range ds.countries {
		g.countries[c.ISO2] = c
	}
	for k, p := range ds.admins {
		g.admins[k] = p
	}
	if len(ds.admins) > 0 {
		g.indexSoleAdmin2()
	}
	for k, iso := range ds.aliases {
		g.byName[k] = iso
	}
	for _, c := range ds.countries {
		g.byName[Fold(c.Name)] = c.ISO2
		g.byName["#"+c.ISO2] = c.ISO2
		g.byName["#"+c.ISO3] = c.ISO2
	}
}

// indexSoleAdmin2 notes the admin1 units that hold a single admin2 unit.
func (g *Gazetteer) indexSoleAdmin2() {
	n := map[string]int{}
	clear(g.soleAdmin2)
	for _, p := range g.admins {
		if p.Admin2 != "" && p.Code == "ADM2" {
			a1 := adminKey(p.Country, p.Admin1)
			n[a1]++
			g.soleAdmin2[a1] = p.Admin2
		}
	}
	for a1, c := range n {
		if c != 1 {
			delete(g.soleAdmin2, a1)
		}
	}
}
