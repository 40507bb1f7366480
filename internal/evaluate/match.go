package evaluate

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/event"
	"golang.org/x/text/unicode/norm"
)

// The helpers in this file mirror ../shared/tools/score.py function by function (norm, day, acled_day,
// source_ids, pred_dates, actor_match, loc_match, haversine, round): the team's figures must agree
// with the independent scorer on the same predictions, so their quirks are kept on purpose.

var (
	eraSuffix = regexp.MustCompile(`\(\p{Nd}{4}-(\p{Nd}{4})?\)`)
)

// normName folds a name for comparison as score.py's norm does: compatibility decomposition without
// combining marks, lower case, ACLED's '(2021-)' era suffixes removed, every run of characters other
// than a-z and 0-9 made one space.
func normName(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		d := norm.NFKD.String(s)
		var b strings.Builder
		b.Grow(len(d))
		for i := 0; i < len(d); {
			p := norm.NFKD.PropertiesString(d[i:])
			n := max(p.Size(), 1)
			// unicodedata.combining is the canonical combining class, not the Mn category.
			if p.CCC() == 0 {
				b.WriteString(d[i:min(i+n, len(d))])
			}
			i += n
		}
		s = b.String()
	}
	if strings.IndexByte(s, '(') >= 0 {
		s = eraSuffix.ReplaceAllString(s, "")
	}
	// Lower-case ASCII and make every other run one space. No character left by the decomposition
	// lower-cases into ASCII, and every byte of a multi-byte character is >= 0x80, so working on bytes
	// gives what Python's lower() and [^a-z0-9]+ give on characters.
	out := make([]byte, 0, len(s))
	gap := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') {
			if gap && len(out) > 0 {
				out = append(out, ' ')
			}
			gap = false
			out = append(out, c)
			continue
		}
		gap = true
	}
	return string(out)
}

// normSet folds every name of a list.
func normSet(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[normName(n)] = true
	}
	return m
}

// Python strptime patterns (Lib/_strptime.py), anchored because strptime refuses unconverted data.
const (
	reY  = `(\d\d\d\d)`
	reM  = `(1[0-2]|0[1-9]|[1-9])`
	reD  = `(3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])`
	reB  = `(september|february|november|december|january|october|august|march|april|june|july|may)`
	reBb = `(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)`
	reY2 = `(\d\d)`
	reWS = `[\s\p{Z}]+`
)

// dateFormat is one strptime format: a pattern and the order of its year, month and day groups.
type dateFormat struct {
	re    *regexp.Regexp
	order string // y four-digit year, Y two-digit year, m month number, b month name, d day
}

func strptime(pattern, order string) dateFormat {
	return dateFormat{re: regexp.MustCompile(`(?i)^` + pattern + `$`), order: order}
}

var (
	fmtISO      = strptime(reY+`-`+reM+`-`+reD, "ymd")   // %Y-%m-%d
	fmtDayMonth = strptime(reD+reWS+reB+reWS+reY, "dby") // %d %B %Y
	fmtDashed   = strptime(reD+`-`+reB+`-`+reY, "dby")   // %d-%B-%Y
	fmtSlashDMY = strptime(reD+`/`+reM+`/`+reY, "dmy")   // %d/%m/%Y
	fmtSlashMDY = strptime(reM+`/`+reD+`/`+reY, "mdy")   // %m/%d/%Y
	fmtShort    = strptime(reD+`-`+reBb+`-`+reY2, "dbY") // %d-%b-%y
)

// dayFormats are score.py day()'s formats, in its order.
func dayFormats() []dateFormat { return []dateFormat{fmtISO, fmtDayMonth, fmtDashed} }

// acledFormats are score.py acled_day()'s formats, in its order.
func acledFormats() []dateFormat {
	return []dateFormat{fmtISO, fmtDayMonth, fmtDashed, fmtSlashDMY, fmtSlashMDY, fmtShort}
}

// months are the English month abbreviations, three letters each.
const months = "janfebmaraprmayjunjulaugsepoctnovdec"

// parse returns the date or false when the text does not fit the format or names no real day.
func (f dateFormat) parse(s string) (time.Time, bool) {
	m := f.re.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	var y, mo, d int
	for i, c := range f.order {
		v := strings.TrimSpace(m[i+1])
		switch c {
		case 'y':
			y, _ = strconv.Atoi(v)
		case 'Y': // %y: 69-99 are 1900s, 00-68 2000s
			y, _ = strconv.Atoi(v)
			if y < 69 {
				y += 2000
			} else {
				y += 1900
			}
		case 'm':
			mo, _ = strconv.Atoi(v)
		case 'b':
			mo = monthIndex(v)
		case 'd':
			d, _ = strconv.Atoi(v)
		}
	}
	if y < 1 || mo < 1 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != mo {
		return time.Time{}, false // 30 February
	}
	return t, true
}

// monthIndex is the month a full or abbreviated English name names (the pattern matched a real one).
func monthIndex(name string) int {
	name = strings.ToLower(name)
	for i := 0; i < len(months); i += 3 {
		if strings.HasPrefix(name, months[i:i+3]) {
			return i/3 + 1
		}
	}
	return 0
}

// parseDay reads a prediction's or gold event's date as score.py's day: the first ten characters in
// one of three formats.
func parseDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if r := []rune(s); len(r) > 10 {
		s = string(r[:10])
	}
	for _, f := range dayFormats() {
		if t, ok := f.parse(s); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseACLEDDay reads an ACLED event_date as score.py's acled_day.
func parseACLEDDay(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, f := range acledFormats() {
		if t, ok := f.parse(s); ok {
			return t, true
		}
	}
	return time.Time{}, false
}

// predDates is the span a prediction claims: date_start (else event_date) to date_end (else
// event_date).
func predDates(e *event.Event) (d0, d1 time.Time, ok0, ok1 bool) {
	s0, s1 := e.DateStart, e.DateEnd
	if s0 == "" {
		s0 = e.EventDate
	}
	if s1 == "" {
		s1 = e.EventDate
	}
	d0, ok0 = parseDay(s0)
	d1, ok1 = parseDay(s1)
	return d0, d1, ok0, ok1
}

// sourceIDs are the document ids and urls an event names.
func sourceIDs(e *event.Event) []string {
	var ids []string
	seen := map[string]bool{}
	for _, s := range e.Sources {
		for _, v := range []string{s.ID, s.URL} {
			if v != "" && !seen[v] {
				seen[v] = true
				ids = append(ids, v)
			}
		}
	}
	return ids
}

// actorMatch reports whether any predicted actor names any gold actor: equal after folding, or one
// contains the other when the contained name has at least four characters ("jnim" in "jnim group
// for support of islam and muslims").
func actorMatch(pred, gold []string) bool {
	var p, g []string
	for _, x := range pred {
		if x != "" {
			p = append(p, normName(x))
		}
	}
	for _, x := range gold {
		if x != "" {
			g = append(g, normName(x))
		}
	}
	for _, a := range p {
		for _, b := range g {
			if a == "" || b == "" {
				continue
			}
			if a == b || (len(b) >= 4 && strings.Contains(a, b)) || (len(a) >= 4 && strings.Contains(b, a)) {
				return true
			}
		}
	}
	return false
}

// haversine is the great-circle distance in km, in score.py's arithmetic order.
func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	la1, lo1, la2, lo2 := lat1*rad, lon1*rad, lat2*rad, lon2*rad
	sla, slo := math.Sin((la2-la1)/2), math.Sin((lo2-lo1)/2)
	h := sla*sla + math.Cos(la1)*math.Cos(la2)*(slo*slo)
	return 2 * 6371 * math.Asin(math.Sqrt(h))
}

// round3 rounds as Python's round(x, 3): correctly rounded from the exact binary value.
func round3(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 3, 64), 64)
	return v
}

// ratio is hits over n, with score.py's max(n, 1) guard, rounded to three decimals.
func ratio(hits, n int) float64 {
	return round3(float64(hits) / float64(max(n, 1)))
}
