package dedup

import (
	"math"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// cellDeg is the side of a grid cell in degrees (about 55 km at the equator). Candidate events are looked
// up in a cell and its eight neighbours, which covers every pair closer than one cell side.
const cellDeg = 0.5

// Cell returns the grid cell of a point: the index the store keeps events under, so that finding
// candidates never scans all events.
func Cell(lat, lon float64) int64 {
	row := int64(math.Floor((lat + 90) / cellDeg))
	col := int64(math.Floor((lon + 180) / cellDeg))
	return row*1000 + col
}

// Neighbourhood returns the cell of a point and its eight neighbours.
func Neighbourhood(lat, lon float64) []int64 {
	row := int64(math.Floor((lat + 90) / cellDeg))
	col := int64(math.Floor((lon + 180) / cellDeg))
	cols := int64(360 / cellDeg)
	out := make([]int64, 0, 9)
	for dr := int64(-1); dr <= 1; dr++ {
		for dc := int64(-1); dc <= 1; dc++ {
			c := (col + dc + cols) % cols
			out = append(out, (row+dr)*1000+c)
		}
	}
	return out
}

// slackDays is how far apart (in days) two reports' dates may be and still describe one event, by the
// coarser of their time precisions: a "last week" report may be days off a dated one.
func slackDays(precision int) int {
	switch precision {
	case 1:
		return 1
	case 2:
		return 4
	default:
		return 16
	}
}

// Span returns the day span an event covers: date_start..date_end, or event_date alone.
func Span(e event.Event) (from, to time.Time, ok bool) {
	d, err := time.Parse(time.DateOnly, e.EventDate)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	from, to = d, d
	if s, err := time.Parse(time.DateOnly, e.DateStart); err == nil && s.Before(from) {
		from = s
	}
	if s, err := time.Parse(time.DateOnly, e.DateEnd); err == nil && s.After(to) {
		to = s
	}
	return from, to, true
}

// Window returns the date range in which stored events are candidates for e.
func Window(e event.Event) (from, to string, ok bool) {
	f, t, ok := Span(e)
	if !ok {
		return "", "", false
	}
	// Candidates can be coarser than e; widen by the coarsest slack so a month-precision event stored
	// earlier is still found. The decision then applies the pair's own slack.
	s := slackDays(3)
	return f.AddDate(0, 0, -s).Format(time.DateOnly), t.AddDate(0, 0, s).Format(time.DateOnly), true
}
