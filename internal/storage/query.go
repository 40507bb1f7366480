package storage

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// The API's read requests and answers, shared by every store that serves it (SQLite and PostgreSQL),
// so the API depends on none of them.

// Sort is an order the API lists events in; both are newest first among equals.
type Sort string

// The sort orders.
const (
	SortDate       Sort = "date"       // event_date descending, then event_id_cnty descending
	SortFatalities Sort = "fatalities" // fatalities descending, then as SortDate
)

// Key is an event's position in a sort order: a page starts strictly after the Key of the previous
// page's last event (keyset pagination), so pages never skip or repeat events as others are added.
type Key struct {
	Fatalities int    `json:"f,omitempty"` // used by SortFatalities only
	Date       string `json:"d"`
	ID         string `json:"i"`
}

// KeyOf is e's Key in sort order s.
func KeyOf(e event.Event, s Sort) Key {
	k := Key{Date: e.EventDate, ID: e.EventIDCnty}
	if s == SortFatalities {
		k.Fatalities = e.Fatalities
	}
	return k
}

// Query asks for one page of events.
type Query struct {
	Filter event.Filter
	Sort   Sort // "" is SortDate
	Limit  int  // 1 or more
	After  *Key // nil for the first page
}

// Bucket is one period of the timeline.
type Bucket struct {
	Start      string         `json:"start"` // YYYY-MM-DD: the day, or the Monday of the week
	Events     int            `json:"events"`
	Fatalities int            `json:"fatalities"`
	ByType     map[string]int `json:"by_type"` // events per event type
}

// TypeCount is the total of one event type.
type TypeCount struct {
	EventType  string `json:"event_type"`
	Events     int    `json:"events"`
	Fatalities int    `json:"fatalities"`
}

// Stats are the counts behind the dashboard's timeline and legend.
type Stats struct {
	Events     int         `json:"events"`
	Fatalities int         `json:"fatalities"`
	Buckets    []Bucket    `json:"buckets"` // oldest first; periods without events are left out
	ByType     []TypeCount `json:"by_type"` // most events first
	Bucket     string      `json:"bucket"`  // "day" or "week"
}

// StatsBuilder folds per-day, per-type counts (in day order) into Stats, so that every store
// buckets and orders alike.
type StatsBuilder struct {
	st    Stats
	week  bool
	types map[string]int // index in st.ByType
}

// NewStatsBuilder starts the Stats of a timeline in buckets of "day" or "week" (ISO weeks, starting
// on Monday); any other bucket is a bad query.
func NewStatsBuilder(bucket string) (*StatsBuilder, error) {
	switch bucket {
	case "day", "week":
	default:
		return nil, BadQuery("bucket %q: want day or week", bucket)
	}
	return &StatsBuilder{
		st:    Stats{Buckets: []Bucket{}, ByType: []TypeCount{}, Bucket: bucket},
		week:  bucket == "week",
		types: map[string]int{},
	}, nil
}

// Add counts n events of type typ with dead fatalities on day (YYYY-MM-DD). Days must come in
// ascending order.
func (b *StatsBuilder) Add(day, typ string, n, dead int) {
	p := day
	if m, err := monday(day); b.week && err == nil {
		p = m
	} // a malformed stored date keeps its own bucket rather than failing the timeline
	st := &b.st
	if len(st.Buckets) == 0 || st.Buckets[len(st.Buckets)-1].Start != p {
		st.Buckets = append(st.Buckets, Bucket{Start: p, ByType: map[string]int{}})
	}
	bk := &st.Buckets[len(st.Buckets)-1]
	bk.Events += n
	bk.Fatalities += dead
	bk.ByType[typ] += n
	i, ok := b.types[typ]
	if !ok {
		i = len(st.ByType)
		b.types[typ] = i
		st.ByType = append(st.ByType, TypeCount{EventType: typ})
	}
	st.ByType[i].Events += n
	st.ByType[i].Fatalities += dead
	st.Events += n
	st.Fatalities += dead
}

// Stats returns what was added, the types ordered by most events, then by name.
func (b *StatsBuilder) Stats() Stats {
	tc := b.st.ByType
	for i := 1; i < len(tc); i++ { // a handful of types: insertion sort, stable
		for j := i; j > 0 && (tc[j].Events > tc[j-1].Events ||
			tc[j].Events == tc[j-1].Events && tc[j].EventType < tc[j-1].EventType); j-- {
			tc[j], tc[j-1] = tc[j-1], tc[j]
		}
	}
	return b.st
}

// monday returns the Monday starting the ISO week of a YYYY-MM-DD date.
func monday(date string) (string, error) {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return "", err
	}
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)).Format(time.DateOnly), nil
}

// ErrBadQuery is returned (wrapped, with what was wrong) for a filter or query a store cannot run:
// a malformed date, a full-text query without words, an unknown sort.
var ErrBadQuery = errors.New("bad query")

// QueryError is a bad query: errors.Is(err, ErrBadQuery) holds, and Reason is what was wrong, fit
// to show the user who asked ("q \"--\": no words to search for").
type QueryError struct {
	Reason string
}

func (e *QueryError) Error() string { return ErrBadQuery.Error() + ": " + e.Reason }

// Is makes a QueryError an ErrBadQuery.
func (e *QueryError) Is(target error) bool { return target == ErrBadQuery }

// BadQuery returns a *QueryError with the formatted reason.
func BadQuery(format string, a ...any) error {
	return &QueryError{Reason: fmt.Sprintf(format, a...)}
}

// Term is one word of a full-text query (Filter.Text).
type Term struct {
	Word   string // letters, digits and combining marks, as typed
	Prefix bool   // typed with a trailing *: matches words that start with Word
}

// MaxTerms is the most words a full-text query may hold.
const MaxTerms = 32

// SearchTerms splits what a user typed into the words every match must contain (any order; stores
// ignore case and diacritics). Anything but letters, digits and combining marks separates words, so
// no search syntax in the input has an effect; a word ending in * matches as a prefix.
func SearchTerms(text string) ([]Term, error) {
	var terms []Term
	var word strings.Builder
	flush := func(prefix bool) {
		if word.Len() == 0 {
			return
		}
		terms = append(terms, Term{Word: word.String(), Prefix: prefix})
		word.Reset()
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			word.WriteRune(r)
		case r == '*':
			flush(true)
		default:
			flush(false)
		}
	}
	flush(false)
	if len(terms) == 0 {
		return nil, BadQuery("q %q: no words to search for", text)
	}
	if len(terms) > MaxTerms {
		return nil, BadQuery("q: %d words, at most %d", len(terms), MaxTerms)
	}
	return terms, nil
}
