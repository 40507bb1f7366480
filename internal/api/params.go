package api

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// filterParams are the query parameters every event endpoint accepts.
func filterParams() []string {
	return []string{
		"country", "admin1", "event_type", "sub_event_type", "actor", "since", "until", "bbox",
		"min_fatalities", "civilian_targeting", "q", "background",
	}
}

// The parameter sets of each endpoint; anything else is rejected, so that a misspelt filter is
// reported rather than silently ignored.
func listParams() []string    { return append([]string{"limit", "cursor", "sort"}, filterParams()...) }
func statsParams() []string   { return append([]string{"bucket"}, filterParams()...) }
func csvParams() []string     { return append([]string{"extensions"}, filterParams()...) }
func geojsonParams() []string { return filterParams() }

// maxTextParam bounds free-text parameters; longer ones are not searches anyone types.
const maxTextParam = 500

// params is a parsed query string.
type params struct {
	filter      event.Filter
	limit       int
	cursor      string
	sort        storage.Sort
	bucket      string
	extensions  bool
	fingerprint string // of the filter and sort, so a cursor is only used with the query it came from
}

// parseParams reads and checks the query parameters allowed (a subset of listParams, statsParams...).
// Errors name the parameter and what was wanted, e.g. "since: want YYYY-MM-DD".
func parseParams(v url.Values, allowed []string) (params, error) {
	p := params{limit: DefaultLimit, sort: storage.SortDate, bucket: "day"}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			return p, badRequest("unknown parameter %q (allowed: %s)", k, strings.Join(allowed, ", "))
		}
		if len(v[k]) > 1 {
			return p, badRequest("%s: given %d times, want once", k, len(v[k]))
		}
	}
	str := func(k string) (string, error) {
		s := strings.TrimSpace(v.Get(k))
		if !utf8.ValidString(s) {
			return "", badRequest("%s: not valid UTF-8", k)
		}
		if len(s) > maxTextParam {
			return "", badRequest("%s: longer than %d bytes", k, maxTextParam)
		}
		return s, nil
	}
	boolean := func(k string) (*bool, error) {
		s, err := str(k)
		if err != nil || s == "" {
			return nil, err
		}
		b, err := strconv.ParseBool(s)
		if err != nil || (s != "true" && s != "false") {
			return nil, badRequest("%s: want true or false", k)
		}
		return &b, nil
	}
	var err error
	f := &p.filter
	for _, t := range []struct {
		k   string
		dst *string
	}{
		{"country", &f.Country}, {"admin1", &f.Admin1}, {"event_type", &f.EventType},
		{"sub_event_type", &f.SubEventType}, {"actor", &f.Actor}, {"q", &f.Text},
		{"since", &f.Since}, {"until", &f.Until}, {"cursor", &p.cursor},
	} {
		if *t.dst, err = str(t.k); err != nil {
			return p, err
		}
	}
	for k, d := range map[string]string{"since": f.Since, "until": f.Until} {
		if d != "" {
			if _, err := time.Parse(time.DateOnly, d); err != nil {
				return p, badRequest("%s: want YYYY-MM-DD, got %q", k, d)
			}
		}
	}
	if f.Since != "" && f.Until != "" && f.Since > f.Until {
		return p, badRequest("since %s is after until %s", f.Since, f.Until)
	}
	if t := f.EventType; t != "" && !knownType(t) {
		return p, badRequest("event_type: %q is not an ACLED event type (want one of: %s)", t, strings.Join(event.EventTypes, ", "))
	}
	if t := f.SubEventType; t != "" && !knownSubType(t) {
		return p, badRequest("sub_event_type: %q is not an ACLED sub-event type", t)
	}
	if s := v.Get("bbox"); s != "" {
		if f.BBox, err = parseBBox(s); err != nil {
			return p, err
		}
	}
	if s := v.Get("min_fatalities"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return p, badRequest("min_fatalities: want a whole number ≥ 0, got %q", s)
		}
		f.MinFatalities = n
	}
	if f.CivilianTargeting, err = boolean("civilian_targeting"); err != nil {
		return p, err
	}
	bg, err := boolean("background")
	if err != nil {
		return p, err
	}
	f.IncludeBackground = bg != nil && *bg
	ext, err := boolean("extensions")
	if err != nil {
		return p, err
	}
	p.extensions = ext != nil && *ext
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxLimit {
			return p, badRequest("limit: want a whole number from 1 to %d, got %q", MaxLimit, s)
		}
		p.limit = n
	}
	switch s := v.Get("sort"); s {
	case "", "date":
	case "fatalities":
		p.sort = storage.SortFatalities
	default:
		return p, badRequest("sort: want date or fatalities, got %q", s)
	}
	switch s := v.Get("bucket"); s {
	case "", "day":
	case "week":
		p.bucket = "week"
	default:
		return p, badRequest("bucket: want day or week, got %q", s)
	}
	p.fingerprint = fingerprint(v)
	return p, nil
}

func knownType(t string) bool {
	for _, et := range event.EventTypes {
		if strings.EqualFold(et, t) {
			return true
		}
	}
	return false
}

func knownSubType(t string) bool {
	for _, subs := range event.SubEventTypes {
		for _, s := range subs {
			if strings.EqualFold(s, t) {
				return true
			}
		}
	}
	return false
}

// parseBBox reads minLon,minLat,maxLon,maxLat. A box across the antimeridian (minLon > maxLon) is
// refused: no conflict sitrep codes needs one, and silently selecting nothing would mislead.
func parseBBox(s string) (*event.BBox, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, badRequest("bbox: want minLon,minLat,maxLon,maxLat, got %q", s)
	}
	var n [4]float64
	for i, part := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, badRequest("bbox: %q is not a number (want minLon,minLat,maxLon,maxLat)", part)
		}
		n[i] = x
	}
	b := event.BBox{MinLon: n[0], MinLat: n[1], MaxLon: n[2], MaxLat: n[3]}
	switch {
	case b.MinLon < -180 || b.MaxLon > 180 || b.MinLat < -90 || b.MaxLat > 90:
		return nil, badRequest("bbox: longitudes must lie in [-180, 180] and latitudes in [-90, 90]")
	case b.MinLon > b.MaxLon || b.MinLat > b.MaxLat:
		return nil, badRequest("bbox: want minLon ≤ maxLon and minLat ≤ maxLat (minLon,minLat,maxLon,maxLat)")
	}
	return &b, nil
}

// fingerprint identifies the filter and sort of a query (not its limit or cursor).
func fingerprint(v url.Values) string {
	keep := url.Values{}
	for k, vs := range v {
		if k != "limit" && k != "cursor" {
			keep[k] = vs
		}
	}
	h := sha256.Sum256([]byte(keep.Encode())) // Encode sorts by key
	return hex.EncodeToString(h[:6])
}

// cursor is what the opaque next cursor holds.
type cursor struct {
	V int         `json:"v"`
	F string      `json:"f"`
	K storage.Key `json:"k"`
}

func encodeCursor(k storage.Key, fp string) string {
	b, _ := json.Marshal(cursor{V: 1, F: fp, K: k}) // plain strings and ints: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor checks that the cursor came from a query with the same filters and sort (fp).
func decodeCursor(s, fp string) (*storage.Key, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.V != 1 || c.K.ID == "" {
		return nil, badRequest("cursor: not a cursor this API returned")
	}
	if c.F != fp {
		return nil, badRequest("cursor: it belongs to a query with other filters or sort; repeat them, or start again without cursor")
	}
	if _, err := time.Parse(time.DateOnly, c.K.Date); err != nil {
		return nil, badRequest("cursor: not a cursor this API returned")
	}
	return &c.K, nil
}
