// Package timex finds date expressions in an article's sentences and resolves them against the
// article's publication time, so that "on Sunday" in a Monday article becomes the Sunday before, and
// tells event dates apart from the dates things were said on and from recollections of the past.
package timex

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/segment"
)

// Ref is what dates are resolved against.
type Ref struct {
	Published time.Time
	Known     bool // false: no publication time at all
	Approx    bool // Published is a stand-in (file time, day-only estimate)
}

// Kind says what a date expression dates.
type Kind int

const (
	// EventTime dates something that happened in the news being reported.
	EventTime Kind = iota
	// ReportTime dates when something was said or reported ("told AFP on Sunday").
	ReportTime
	// Past dates a recollection clearly before the current news ("in 2012", "last year").
	Past
	// Future dates something announced ahead ("mourning will begin on Wednesday"): never an event
	// date.
	Future
)

func (k Kind) String() string {
	switch k {
	case EventTime:
		return "event"
	case ReportTime:
		return "report"
	case Past:
		return "past"
	case Future:
		return "future"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Expr is one resolved date expression. Offsets are bytes into the document text.
type Expr struct {
	Start, End int
	Text       string
	Kind       Kind
	Day        time.Time // resolved day (UTC midnight); for precision 2/3 the middle of the span
	From, To   time.Time // covered span (From==To==Day for precision 1)
	Precision  int       // 1 day, 2 week or few-day span, 3 month; 0 year-or-coarser (Past only)
	Since      bool      // "since 2017": the start of a running total, not an event date
	// Lasted: From..To is how long the event went on ("three days of fighting that began on July
	// 25"), to be kept as its date_start/date_end; otherwise the span is only how uncertain Day is
	// ("mid-October", "the week of July 9"), which the precision says.
	Lasted bool
}

// pastGap is how far before publication a month must lie for "in June" to be a recollection.
const pastGap = 60 * 24 * time.Hour

const day = 24 * time.Hour

// ctx carries the resolution anchor of one call.
type ctx struct {
	ref Ref
	pub time.Time // publication day, UTC midnight, in the publication's own calendar
}

func newCtx(ref Ref) ctx {
	c := ctx{ref: ref}
	if ref.Known && !ref.Published.IsZero() {
		p := ref.Published // its own zone, or UTC
		c.pub = time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC)
	} else {
		c.ref.Known = false
	}
	return c
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func lastDay(y int, m time.Month) int { return date(y, m+1, 0).Day() }

// span builds an expression covering from..to with Day at the (floor) middle.
func span(from, to time.Time, prec int) Expr {
	if to.Before(from) {
		from, to = to, from
	}
	days := int(to.Sub(from) / day)
	return Expr{Day: from.AddDate(0, 0, days/2), From: from, To: to, Precision: prec}
}

func single(d time.Time) Expr { return Expr{Day: d, From: d, To: d, Precision: 1} }

// Regular expression pieces. Month and weekday names must be capitalised in the text; that is checked
// on the match (the patterns are case-insensitive so that "On"/"on" both work).
const (
	monRE  = `(jan(?:uary)?|feb(?:ruary|raury|uary|urary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|setember|oct(?:ober)?|otober|nov(?:ember)?|dec(?:ember)?|janvier|février|fevereiro|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre)\.?`
	dayRE  = `(\d{1,2})(?:st|nd|rd|th|er)?`
	yearRE = `((?:19|20)\d{2})`
	wdRE   = `(monday|tuesday|wednesday|thursday|friday|saturday|sunday)`
	toRE   = `\s*(?:and|to|until|till|through|-|–|—|au|à)\s*`
	wdPre  = `(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+(?:the\s+)?)?`
)

var months = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
	"janvier": 1, "février": 2, "fevereiro": 2, "mars": 3, "avril": 4, "juin": 6, "juillet": 7, "août": 8,
	"septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "otober": 10, "setember": 9,
}

func month(s string) (time.Month, bool) {
	s = strings.ToLower(strings.TrimSuffix(s, "."))
	if m, ok := months[s]; ok {
		return m, true
	}
	if len(s) >= 3 {
		if m, ok := months[s[:3]]; ok {
			return m, true
		}
	}
	return 0, false
}

var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

var smallNumbers = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "a": 1, "an": 1, "several": 3, "few": 3, "a few": 3,
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// capitalised reports whether a name matched case-insensitively is written with a capital, as month
// and weekday names are in English ("may" the verb, "march" the verb are not months).
func capitalised(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// rule is one pattern with its resolver. resolve gets the submatch strings (nil-safe) and returns the
// expression without offsets; ok=false drops the match.
type rule struct {
	re      *regexp.Regexp
	resolve func(c ctx, g []string) (Expr, bool)
	need    func(lower string) bool // a cheap test that the sentence can match at all
}

// approxPrefix matches the hedges that make a named day approximate.
const approxPrefix = `(?:(on\s+or\s+(?:around|about|before|after)|around|about|circa|approximately|by|(?:during\s+)?the\s+week\s+(?:of|beginning|starting)(?:\s+on)?|on)\s+)?`

// rules are tried in order; overlapping matches keep the longest (then the earliest rule).
var rules = needs(buildRules())

// buildRules compiles the patterns; they are read-only afterwards.
func buildRules() []rule {
	mk := func(p string, f func(c ctx, g []string) (Expr, bool)) rule {
		return rule{re: regexp.MustCompile(`(?i)` + p), resolve: f}
	}
	return []rule{
		// Spans with month names: "between 1 and 3 March 2020", "from 25 to 27 July", "17-19 March",
		// "overnight between 22 and 23 March 2020".
		mk(`\b(overnight\s+|(?:on\s+)?the\s+night\s+of\s+)?(?:(?:between|from)\s+(?:the\s+)?)?`+dayRE+toRE+`(?:the\s+)?`+dayRE+`\s+(?:of\s+)?`+monRE+`(?:,?\s+`+yearRE+`)?\b`,
			func(c ctx, g []string) (Expr, bool) {
				m, ok := month(g[4])
				if !ok || !capitalised(g[4]) {
					return Expr{}, false
				}
				return daySpan(c, g[5], m, atoi(g[2]), m, atoi(g[3]), g[1] != "")
			}),
		mk(`\b(overnight\s+)?(?:(?:between|from)\s+)?`+monRE+`\s+`+dayRE+toRE+`(?:`+monRE+`\s+)?`+dayRE+`(?:,?\s+`+yearRE+`)?\b`,
			func(c ctx, g []string) (Expr, bool) {
				m1, ok := month(g[2])
				if !ok || !capitalised(g[2]) {
					return Expr{}, false
				}
				m2 := m1
				if g[4] != "" {
					if m2, ok = month(g[4]); !ok {
						return Expr{}, false
					}
				}
				return daySpan(c, g[6], m1, atoi(g[3]), m2, atoi(g[5]), g[1] != "")
			}),
		mk(`\b(overnight\s+)?(?:(?:between|from)\s+)?`+dayRE+`\s+`+monRE+toRE+dayRE+`\s+`+monRE+`(?:,?\s+`+yearRE+`)?\b`,
			func(c ctx, g []string) (Expr, bool) {
				m1, ok1 := month(g[3])
				m2, ok2 := month(g[5])
				if !ok1 || !ok2 || !capitalised(g[3]) {
					return Expr{}, false
				}
				return daySpan(c, g[6], m1, atoi(g[2]), m2, atoi(g[4]), g[1] != "")
			}),
		// Full dates: "17 September 2024", "September 17, 2024", "Oct 7th 2019", with optional hedge
		// and weekday: "On or around 14 June 2019", "Monday 21 November 2022".
		mk(`\b`+approxPrefix+wdPre+dayRE+`\s+(?:of\s+)?`+monRE+`,?\s+`+yearRE+`\b`,
			func(c ctx, g []string) (Expr, bool) {
				return named(c, g[1], g[4], g[2], g[3])
			}),
		mk(`\b`+approxPrefix+wdPre+monRE+`\s+`+dayRE+`(?:,\s*|\s+)`+yearRE+`\b`,
			func(c ctx, g []string) (Expr, bool) {
				return named(c, g[1], g[4], g[3], g[2])
			}),
		mk(`\b`+approxPrefix+`(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b`,
			func(c ctx, g []string) (Expr, bool) {
				d, mo := atoi(g[2]), atoi(g[3])
				if mo > 12 && d <= 12 { // month-first writing
					d, mo = mo, d
				}
				return hedge(c, g[1], atoi(g[4]), time.Month(mo), d)
			}),
		// Day and month in figures without a year: "15/02", "on or before 29/01".
		mk(`\b`+approxPrefix+`(\d{1,2})/(\d{1,2})\b(?:[^/\d]|$)`,
			func(c ctx, g []string) (Expr, bool) {
				d, mo := atoi(g[2]), atoi(g[3])
				if mo < 1 || mo > 12 {
					return Expr{}, false
				}
				y, ok := yearFor(c, time.Month(mo), d)
				if !ok {
					return Expr{}, false
				}
				return hedge(c, g[1], y, time.Month(mo), d)
			}),
		mk(`\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b`,
			func(c ctx, g []string) (Expr, bool) {
				return hedge(c, "", atoi(g[1]), time.Month(atoi(g[2])), atoi(g[3]))
			}),
		// Day and month without a year: "On March 7", "15 January", "Sept. 17".
		mk(`\b`+approxPrefix+wdPre+dayRE+`\s+(?:of\s+)?`+monRE+`\b`,
			func(c ctx, g []string) (Expr, bool) {
				return named(c, g[1], "", g[2], g[3])
			}),
		mk(`\b`+approxPrefix+wdPre+monRE+`\s+`+dayRE+`\b`,
			func(c ctx, g []string) (Expr, bool) {
				return named(c, g[1], "", g[3], g[2])
			}),
		// Parts of months and months: "mid-October", "at the end of July", "in March 2020", "in July",
		// "during the month of October 2019", "since March".
		mk(`\b(since|in|during|from|until|by|of|on|throughout|at|last|this|early|late)?\s*(?:the\s+)?(?:(early|mid|late|the\s+(?:beginning|start|end|middle)\s+of|(?:beginning|start|end|middle)\s+of)[-\s]*)?(?:the\s+month\s+of\s+)?`+monRE+`(?:,?\s+`+yearRE+`)?\b(\s+\d{1,2}\b)?`,
			func(c ctx, g []string) (Expr, bool) {
				m, ok := month(g[3])
				if !ok || !capitalised(g[3]) || g[5] != "" {
					// "from July 25" names a day: the day rules read it.
					return Expr{}, false
				}
				if g[1] == "" && g[2] == "" && g[4] == "" {
					return Expr{}, false // a bare month name is too often something else ("May")
				}
				return monthExpr(c, strings.ToLower(g[1]), strings.ToLower(g[2]), m, g[4])
			}),
		// Years: "in 2012", "since 2017", "in early 2020".
		mk(`\b(in|since|until|from|by|during|before|after|between|of|late|early|mid)[-\s]+(?:(?:early|late|mid)[-\s]*)?`+yearRE+`\b`,
			func(c ctx, g []string) (Expr, bool) {
				y := atoi(g[2])
				if c.ref.Known && y >= c.pub.Year() {
					if strings.EqualFold(g[1], "since") && c.ref.Known && y == c.pub.Year() {
						e := span(date(y, 1, 1), c.pub, 3)
						e.Since = true
						return e, true
					}
					return Expr{}, false
				}
				e := span(date(y, 1, 1), date(y, 12, 31), 0)
				e.Since = strings.EqualFold(g[1], "since")
				return e, true
			}),
		// Weekday spans: "overnight Saturday to Sunday", "between Friday and Saturday".
		mk(`\b(overnight|(?:on\s+)?the\s+night|between|from)\s+(?:of\s+|from\s+|between\s+)?`+wdRE+toRE+`(?:into\s+)?`+wdRE+`\b`,
			func(c ctx, g []string) (Expr, bool) {
				if !capitalised(g[2]) || !c.ref.Known {
					return Expr{}, false
				}
				d2 := weekday(c, weekdays[strings.ToLower(g[3])], "")
				w1 := weekdays[strings.ToLower(g[2])]
				back := (int(d2.Weekday()) - int(w1) + 7) % 7
				d1 := d2.AddDate(0, 0, -back)
				return approx(c, span(d1, d2, 2)), true
			}),
		// Weekdays: "on Sunday", "early Tuesday", "Monday's attack", "on Friday evening", "last Monday".
		mk(`\b(?:(last|this\s+past|past|this|early|late|on|until|since)\s+)?(?:(?:on\s+)?the\s+(?:morning|afternoon|evening|night)\s+of\s+)?`+wdRE+`(?:'s|’s)?\b`,
			func(c ctx, g []string) (Expr, bool) {
				if !capitalised(g[2]) || !c.ref.Known {
					return Expr{}, false
				}
				mod := strings.ToLower(g[1])
				e := single(weekday(c, weekdays[strings.ToLower(g[2])], mod))
				if mod == "since" {
					e.Since = true
				}
				return approx(c, e), true
			}),
		// Relative days and weeks.
		mk(`\b(?:the\s+day\s+before\s+yesterday|yesterday|today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+today|last\s+night|(?:late\s+)?on\s+the\s+eve)\b`,
			func(c ctx, g []string) (Expr, bool) {
				if !c.ref.Known {
					return Expr{}, false
				}
				s := strings.ToLower(strings.Join(strings.Fields(g[0]), " "))
				back := 0
				switch {
				case strings.HasPrefix(s, "the day before"):
					back = 2
				case s == "yesterday" || s == "last night":
					back = 1
				case strings.Contains(s, "eve"):
					return Expr{}, false // the eve of what? needs an anchor
				}
				return approx(c, single(c.pub.AddDate(0, 0, -back))), true
			}),
		mk(`\b(a|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+(days?|weeks?|months?|years?|decades?)\s+ago\b`,
			func(c ctx, g []string) (Expr, bool) {
				if !c.ref.Known {
					return Expr{}, false
				}
				n, ok := smallNumbers[strings.ToLower(g[1])]
				if !ok {
					n = atoi(g[1])
				}
				switch u := strings.ToLower(strings.TrimSuffix(strings.ToLower(g[2]), "s")); u {
				case "day":
					return approx(c, single(c.pub.AddDate(0, 0, -n))), true
				case "week":
					d := c.pub.AddDate(0, 0, -7*n)
					return span(d.AddDate(0, 0, -3), d.AddDate(0, 0, 3), 2), true
				case "month":
					d := c.pub.AddDate(0, -n, 0)
					e := span(date(d.Year(), d.Month(), 1), date(d.Year(), d.Month(), lastDay(d.Year(), d.Month())), 3)
					return e, true
				default:
					yrs := n
					if u == "decade" {
						yrs = 10 * n
					}
					d := c.pub.AddDate(-yrs, 0, 0)
					return span(date(d.Year(), 1, 1), date(d.Year(), 12, 31), 0), true
				}
			}),
		mk(`\b(?:(since)\s+(?:the\s+)?(?:beginning|start)\s+of\s+|(earlier|later)\s+)?(last|this|next|the\s+past|the\s+previous)\s+(week|weekend|month|year)\b`,
			func(c ctx, g []string) (Expr, bool) {
				if !c.ref.Known {
					return Expr{}, false
				}
				return periodExpr(c, strings.ToLower(g[1]), strings.ToLower(strings.Fields(g[3])[0]), strings.ToLower(g[4]))
			}),
		mk(`\b(?:at|over|during)\s+the\s+weekend\b`,
			func(c ctx, g []string) (Expr, bool) {
				if !c.ref.Known {
					return Expr{}, false
				}
				return periodExpr(c, "", "last", "weekend")
			}),
		mk(`\b(?:in\s+recent\s+days|in\s+the\s+(?:past|last)\s+(?:few|two|three|couple\s+of)\s+days|recently)\b`,
			func(c ctx, g []string) (Expr, bool) {
				if !c.ref.Known {
					return Expr{}, false
				}
				return approx(c, span(c.pub.AddDate(0, 0, -6), c.pub, 2)), true
			}),
		// Coarse past: "over the past decade", "in recent years", "for years", "since independence".
		mk(`\b(?:(?:over|in|during|for)\s+the\s+(?:past|last)\s+(?:(?:two|three|four|five|six|seven|eight|nine|ten|several|few|\d+)\s+)?(?:and\s+a\s+half\s+)?(?:decades?|years)|in\s+recent\s+(?:years|decades)|for\s+(?:(?:almost|nearly|over|more\s+than)\s+)?(?:a\s+decade|years|decades)|since\s+independence)\b`,
			func(c ctx, g []string) (Expr, bool) {
				if !c.ref.Known {
					return Expr{}, false
				}
				d := c.pub.AddDate(-10, 0, 0)
				e := span(date(d.Year(), 1, 1), c.pub, 0)
				e.Since = true
				return e, true
			}),
	}
}

// approx widens a relative day when the publication time is itself an estimate.
func approx(c ctx, e Expr) Expr {
	if c.ref.Approx && e.Precision < 2 {
		e = span(e.Day.AddDate(0, 0, -3), e.Day.AddDate(0, 0, 3), 2)
	}
	return e
}

// needs attaches the cheap pre-tests to the rules, by the words each rule cannot match without.
func needs(rs []rule) []rule {
	hasMonth := func(l string) bool {
		for _, m := range monthHints {
			if strings.Contains(l, m) {
				return true
			}
		}
		return false
	}
	hasDigit := func(l string) bool { return strings.ContainsAny(l, "0123456789") }
	any := func(words ...string) func(string) bool {
		return func(l string) bool {
			for _, w := range words {
				if strings.Contains(l, w) {
					return true
				}
			}
			return false
		}
	}
	kinds := []func(string) bool{
		hasMonth, hasMonth, hasMonth, // spans with month names
		hasMonth, hasMonth, // full dates
		hasDigit, hasDigit, hasDigit, // figures: dd/mm/yyyy, dd/mm, yyyy-mm-dd
		hasMonth, hasMonth, // day and month
		hasMonth,                            // months
		any("19", "20"),                     // years
		any("day"),                          // weekday spans
		any("day"),                          // weekdays
		any("day", "night", "this ", "eve"), // relative days
		any(" ago"),
		any("week", "month", "year"),
		any("weekend"),
		any("recent"),
		any("year", "decade", "independence"),
	}
	if len(kinds) != len(rs) {
		panic("timex: rule pre-tests out of step with the rules")
	}
	for i := range rs {
		rs[i].need = kinds[i]
	}
	return rs
}

// monthHints are the beginnings of every month name the rules know.
var monthHints = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "set", "oct", "otober", "nov", "dec", "avr", "juil", "août", "déc", "fév", "fev"}

// weekday resolves a weekday name: the most recent such day not after publication ("last": strictly
// before it).
func weekday(c ctx, w time.Weekday, mod string) time.Time {
	back := (int(c.pub.Weekday()) - int(w) + 7) % 7
	if back == 0 && (mod == "last" || mod == "past" || strings.HasPrefix(mod, "this past")) {
		back = 7
	}
	return c.pub.AddDate(0, 0, -back)
}

// futureSlack is how far after the publication day a day named without a year may lie and still be
// this year's: a report stamped a day early ("On September 25" published on the 24th, a span "December
// 11-12" published on the 11th) is about this week, not about the same day a year ago.
const futureSlack = 2 * 24 * time.Hour

// yearFor picks the year of a day named without one: the most recent such date not after publication
// (give or take futureSlack).
func yearFor(c ctx, m time.Month, d int) (int, bool) {
	if !c.ref.Known {
		return 0, false
	}
	y := c.pub.Year()
	if date(y, m, d).Sub(c.pub) > futureSlack {
		y--
	}
	return y, true
}

func validDay(y int, m time.Month, d int) bool {
	return m >= 1 && m <= 12 && d >= 1 && d <= lastDay(y, m)
}

// named resolves a day with a month name and an optional year and hedge.
func named(c ctx, hedgeWord, yearS, dayS, monS string) (Expr, bool) {
	m, ok := month(monS)
	if !ok || !capitalised(monS) {
		return Expr{}, false
	}
	d := atoi(dayS)
	var y int
	if yearS != "" {
		y = atoi(yearS)
	} else if y, ok = yearFor(c, m, d); !ok {
		return Expr{}, false
	}
	return hedge(c, hedgeWord, y, m, d)
}

// hedge builds a named day, widened by an "around"/"on or before"/"week of" hedge.
func hedge(c ctx, h string, y int, m time.Month, d int) (Expr, bool) {
	if !validDay(y, m, d) {
		return Expr{}, false
	}
	t := date(y, m, d)
	h = strings.ToLower(strings.Join(strings.Fields(h), " "))
	switch {
	case h == "" || h == "on":
		return single(t), true
	case strings.Contains(h, "week"):
		return span(t, t.AddDate(0, 0, 6), 2), true
	default:
		// "Around", "on or before", "on or after": ACLED keeps the named day as the event's date and
		// says it is approximate by the precision, not by a span that would start days earlier.
		return Expr{Day: t, From: t, To: t, Precision: 2}, true
	}
}

// daySpan resolves "between 1 and 3 March" (Day in the middle); an overnight span belongs to the
// night's first day, a two-day one to its second.
func daySpan(c ctx, yearS string, m1 time.Month, d1 int, m2 time.Month, d2 int, overnight bool) (Expr, bool) {
	var y2 int
	var ok bool
	if yearS != "" {
		y2 = atoi(yearS)
	} else if y2, ok = yearFor(c, m2, d2); !ok {
		return Expr{}, false
	}
	y1 := y2
	if m1 > m2 {
		y1--
	}
	if !validDay(y1, m1, d1) || !validDay(y2, m2, d2) {
		return Expr{}, false
	}
	from, to := date(y1, m1, d1), date(y2, m2, d2)
	if to.Before(from) || to.Sub(from) > 62*day {
		return Expr{}, false
	}
	if from.Equal(to) {
		return single(from), true
	}
	prec := 2
	if to.Sub(from) > 31*day {
		prec = 3
	}
	e := span(from, to, prec)
	switch {
	case overnight:
		e.Day = from
	case to.Sub(from) == day:
		e.Day = to // "11-12 March", "on 18 and 19 September": ACLED dates two-day events on the second day
	}
	return e, true
}

// monthExpr resolves "in July", "mid-October", "at the end of July", "in March 2020", "since March".
func monthExpr(c ctx, prep, part string, m time.Month, yearS string) (Expr, bool) {
	var y int
	if yearS != "" {
		y = atoi(yearS)
	} else {
		if !c.ref.Known {
			return Expr{}, false
		}
		y = c.pub.Year()
		if m > c.pub.Month() {
			y--
		}
	}
	if prep == "last" {
		if !c.ref.Known {
			return Expr{}, false
		}
		y = c.pub.Year()
		if m >= c.pub.Month() {
			y--
		}
	}
	last := lastDay(y, m)
	if part == "" && (prep == "early" || prep == "late") {
		part = prep
	}
	part = strings.Join(strings.Fields(strings.TrimPrefix(part, "the ")), " ")
	var e Expr
	switch {
	case part == "early" || strings.HasPrefix(part, "beginning") || strings.HasPrefix(part, "start"):
		e = span(date(y, m, 1), date(y, m, 10), 2)
	case part == "mid" || strings.HasPrefix(part, "middle"):
		e = span(date(y, m, 11), date(y, m, 20), 2)
		e.Day = date(y, m, 15)
	case part == "late" || strings.HasPrefix(part, "end"):
		e = span(date(y, m, last-6), date(y, m, last), 2)
	default:
		e = span(date(y, m, 1), date(y, m, last), 3)
		e.Day = date(y, m, 15)
	}
	if prep == "since" {
		e.Since = true
		if c.ref.Known {
			e.To = c.pub
			e.Precision = 3
		}
	}
	return e, true
}

// periodExpr resolves "last week", "this week", "earlier this month", "last month", "last year",
// "since the beginning of last month", "the past week".
func periodExpr(c ctx, since, which, unit string) (Expr, bool) {
	p := c.pub
	monday := p.AddDate(0, 0, -((int(p.Weekday()) + 6) % 7))
	var e Expr
	switch unit {
	case "week":
		switch which {
		case "last", "previous":
			e = span(monday.AddDate(0, 0, -7), monday.AddDate(0, 0, -1), 2)
		case "this":
			e = span(monday, p, 2)
		case "the":
			e = span(p.AddDate(0, 0, -7), p, 2) // the past week
		default:
			return Expr{}, false
		}
	case "weekend":
		sat := p.AddDate(0, 0, -((int(p.Weekday()) + 1) % 7))
		if which == "last" && p.Weekday() == time.Saturday {
			sat = sat.AddDate(0, 0, -7)
		}
		sun := sat.AddDate(0, 0, 1)
		if sun.After(p) {
			sun = p
		}
		e = span(sat, sun, 2)
	case "month":
		switch which {
		case "last", "previous", "the":
			m := date(p.Year(), p.Month()-1, 1)
			e = span(m, date(m.Year(), m.Month(), lastDay(m.Year(), m.Month())), 3)
			e.Day = date(m.Year(), m.Month(), 15)
		case "this":
			e = span(date(p.Year(), p.Month(), 1), p, 3)
		default:
			return Expr{}, false
		}
	case "year":
		switch which {
		case "last", "previous", "the":
			e = span(date(p.Year()-1, 1, 1), date(p.Year()-1, 12, 31), 0)
		case "this":
			e = span(date(p.Year(), 1, 1), p, 3)
			e.Since = true
		default:
			return Expr{}, false
		}
	}
	if since != "" {
		e.Since = true
		e.To = p
	}
	return approx(c, e), true
}

// match is a candidate expression in sentence coordinates.
type match struct {
	start, end int
	rule       int
	e          Expr
}

// Find returns the date expressions of one sentence, resolved against ref, in text order.
func Find(text string, s segment.Sentence, ref Ref) []Expr {
	if s.Start < 0 || s.End > len(text) || s.Start >= s.End {
		return nil
	}
	c := newCtx(ref)
	sub := text[s.Start:s.End]
	lower := strings.ToLower(sub)
	var ms []match
	for ri, r := range rules {
		if !r.need(lower) {
			continue
		}
		for _, loc := range r.re.FindAllStringSubmatchIndex(sub, -1) {
			g := make([]string, len(loc)/2)
			for k := range g {
				if loc[2*k] >= 0 {
					g[k] = sub[loc[2*k]:loc[2*k+1]]
				}
			}
			e, ok := r.resolve(c, g)
			if !ok {
				continue
			}
			ms = append(ms, match{loc[0], loc[1], ri, e})
		}
	}
	// Longest first, then earliest rule; drop any match overlapping a kept one.
	sort.SliceStable(ms, func(i, j int) bool {
		li, lj := ms[i].end-ms[i].start, ms[j].end-ms[j].start
		if li != lj {
			return li > lj
		}
		return ms[i].rule < ms[j].rule
	})
	var kept []match
	for _, m := range ms {
		overlap := false
		for _, k := range kept {
			if m.start < k.end && k.start < m.end {
				overlap = true
				break
			}
		}
		if !overlap {
			kept = append(kept, m)
		}
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].start < kept[j].start })
	out := make([]Expr, 0, len(kept))
	for _, m := range kept {
		e := m.e
		start, end := trimWords(sub, m.start, m.end)
		e.Start, e.End = s.Start+start, s.Start+end
		e.Text = text[e.Start:e.End]
		e = suffixHedge(sub, m.end, e)
		e.Kind = kindOf(c, sub, start, end, e)
		if e.Kind == Future && e.Precision == 1 && e.Day.Before(c.pub) && weekdayRE.MatchString(e.Text) {
			// "will begin on Wednesday": the coming Wednesday, not the last one.
			e.Day = e.Day.AddDate(0, 0, 7)
			e.From, e.To = e.Day, e.Day
		}
		out = append(out, e)
	}
	stretch(sub, kept, out)
	return out
}

// monthAbbrevEnd: the full stop ends an abbreviated month ("Sept.") and belongs to the expression.
func monthAbbrevEnd(s string) bool {
	i := strings.LastIndexAny(s, " ")
	_, ok := month(strings.TrimSuffix(s[i+1:], "."))
	return ok && len(s[i+1:]) <= 6
}

// trimWords drops leading spaces and trailing punctuation a pattern may have eaten.
func trimWords(sub string, a, b int) (int, int) {
	for a < b && sub[a] == ' ' {
		a++
	}
	for b > a && strings.IndexByte(" ,;:)(.", sub[b-1]) >= 0 && (sub[b-1] != '.' || !monthAbbrevEnd(sub[a:b])) {
		b--
	}
	return a, b
}

var suffixHedgeRE = regexp.MustCompile(`^\s*[,(]?\s*(?:on\s+or\s+(?:about|around)|or\s+around|or\s+about|approximately)\b`)

// suffixHedge makes "15 January, on or about" and "09 September (or around)" approximate.
func suffixHedge(sub string, end int, e Expr) Expr {
	if e.Precision == 1 && suffixHedgeRE.MatchString(sub[end:]) {
		// The named day stays the date (as ACLED codes it); the precision says it is approximate.
		e.Precision = 2
	}
	return e
}

var durationRE = regexp.MustCompile(`(?i)\b(two|three|four|five|six|seven|2|3|4|5|6|7)\s+days\s+of\b|\blast(?:ed|ing)\s+(two|three|four|five|six|seven|2|3|4|5|6|7)\s+days\b`)

var startCueRE = regexp.MustCompile(`(?i)\b(?:began|begun|started|beginning|starting|broke\s+out|erupted|launched)\s+(?:\w+\s+){0,2}$`)

// stretch turns "three days of fighting that began on July 25" into the span 25-27 July.
func stretch(sub string, kept []match, out []Expr) {
	dm := durationRE.FindStringSubmatch(sub)
	if dm == nil {
		return
	}
	ns := dm[1] + dm[2]
	n, ok := smallNumbers[strings.ToLower(ns)]
	if !ok {
		n = atoi(ns)
	}
	for i := range out {
		if out[i].Precision != 1 || out[i].Kind != EventTime {
			continue
		}
		if !startCueRE.MatchString(sub[:kept[i].start]) {
			continue
		}
		from := out[i].Day
		e := span(from, from.AddDate(0, 0, n-1), 2)
		out[i].Day, out[i].From, out[i].To, out[i].Precision, out[i].Lasted = e.Day, e.From, e.To, e.Precision, true
	}
}

// Report cues: a date right after one of these (with at most a few words between, and no "that"),
// or right before a report verb, dates the saying, not the event.
var (
	reportBeforeRE = regexp.MustCompile(`(?i)\b(?:said|says|say|told|tells|announced|announces|reported|reports|claimed|claims|stated|states|declared|confirmed|confirms|added|adds|explained|speaking|spoke|tweeted|wrote|posted|published|released|quoted|cited|denied|admitted|acknowledged|warned|accused|revealed|statement|communiqué|communique|press\s+conference|news\s+conference|briefing|interview|televised\s+address)\b((?:\s+[\w’'-]+){0,4})\s*,?\s*$`)
	reportAfterRE  = regexp.MustCompile(`(?i)^\s*,?\s*(?:also\s+|again\s+|later\s+|officially\s+)?(?:said|says|told|announced|reported|claimed|stated|declared|confirmed|added|released|published|posted|denied|admitted|acknowledged|warned|issued|accused|revealed|quoted)\b`)
)

// kindOf classifies one expression by its resolved span and its neighbours in the sentence.
func kindOf(c ctx, sub string, start, end int, e Expr) Kind {
	if e.Precision == 0 {
		return Past
	}
	if e.Since && e.Precision >= 3 {
		return Past
	}
	if c.ref.Known && e.To.Before(c.pub.Add(-pastGap)) {
		return Past
	}
	// A month named on its own two or more calendar months back is a recollection ("another attack
	// in January" in a late-March article).
	if c.ref.Known && e.Precision == 3 && monthsBetween(e.To, c.pub) >= 2 {
		return Past
	}
	if c.ref.Known && e.From.After(c.pub.Add(2*day)) {
		return Future
	}
	if futureRE.MatchString(sub[:start]) {
		return Future
	}
	if m := reportBeforeRE.FindStringSubmatch(sub[:start]); m != nil {
		between := strings.ToLower(m[1])
		if !strings.Contains(" "+between+" ", " that ") && !eventWordRE.MatchString(between) {
			return ReportTime
		}
	}
	if reportAfterRE.MatchString(sub[end:]) {
		return ReportTime
	}
	return EventTime
}

// futureRE: a verb in the future just before the date ("will begin on Wednesday", "is scheduled for").
var weekdayRE = regexp.MustCompile(`(?i)` + wdRE)

var futureRE = regexp.MustCompile(`(?i)\b(?:will|shall|is\s+to|are\s+to|scheduled|planned|due|expected\s+to|set\s+to|next)\b(?:\s+[\w’'-]+){0,3}\s*$`)

// eventWordRE: words between a report verb and a date that show the date belongs to a reported event
// ("said the attack happened on Monday").
var eventWordRE = regexp.MustCompile(`(?i)\b(?:attack\w*|kill\w*|happened|occurred|took\s+place|clash\w*|fight\w*|ambush\w*|raid\w*|killed|died|struck|began|started|was|were|had)\b`)

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
}

// Choose applies the event-date policy to the expressions of an event's sentences: the first
// EventTime expression that is not a running total's start; else the first report time widened to
// the day before it (precision 2, Day stays the report day as ACLED codes it); else the publication
// day with precision 2. Without a known
// publication time it never guesses a day: it returns the first event expression read from the text,
// or an Expr with precision 3 and a zero Day.
func Choose(exprs []Expr, ref Ref) Expr {
	for _, e := range exprs {
		if e.Kind == EventTime && !e.Since && e.Precision > 0 {
			return e
		}
	}
	c := newCtx(ref)
	if !c.ref.Known {
		return Expr{Precision: 3, Kind: EventTime}
	}
	// Of several report times, the earliest: the event happened before its first report ("the army
	// said on Tuesday …", "the rebels claimed on Thursday …").
	first := -1
	for i, e := range exprs {
		if e.Kind == ReportTime && !e.Day.IsZero() && (first < 0 || e.Day.Before(exprs[first].Day)) {
			first = i
		}
	}
	if first >= 0 {
		e := exprs[first]
		// ACLED keeps the report day itself as the date of an event known only from the report;
		// the span admits the day before ("sources told AFP on Sunday" of a Saturday night attack).
		r := e.Day
		out := Expr{Day: r, From: r.AddDate(0, 0, -1), To: r, Precision: 2}
		out.Start, out.End, out.Text, out.Kind = e.Start, e.End, e.Text, ReportTime
		return out
	}
	// Nothing dates the event: news is of the days just before it is published, most often the day
	// before (ACLED development records: the day before 98 times, the same day 93, two or three days
	// before 75 each).
	return Expr{Kind: EventTime, Day: c.pub.AddDate(0, 0, -1), From: c.pub.AddDate(0, 0, -2), To: c.pub, Precision: 2}
}
