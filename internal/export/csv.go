package export

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// ExtensionColumns are the sitrep columns CSV adds after event.Columns when Options.Extensions is set.
// claims, sources and evidence hold JSON arrays.
var ExtensionColumns = []string{
	"date_start", "date_end", "fatalities_low", "fatalities_high", "fatalities_vague", "geonameid",
	"confidence", "status", "background", "claims", "sources", "evidence",
}

// CSVWriter writes ACLED-style CSV: the header is event.Columns in ACLED's order, coordinates have at
// most 4 decimals, integers are plain, text is quoted only where needed (RFC 4180, as Python's csv
// module and ACLED's own tools read it).
type CSVWriter struct {
	w      *csv.Writer
	ext    bool
	header bool // written
	closed bool
	row    []string
}

// CSV returns a CSV writer on w. The header is written with the first event, or by Close.
func CSV(w io.Writer, opts Options) *CSVWriter {
	n := len(event.Columns)
	if opts.Extensions {
		n += len(ExtensionColumns)
	}
	return &CSVWriter{w: csv.NewWriter(w), ext: opts.Extensions, row: make([]string, 0, n)}
}

func (c *CSVWriter) writeHeader() error {
	if c.header {
		return nil
	}
	c.header = true
	h := append(c.row[:0], event.Columns...)
	if c.ext {
		h = append(h, ExtensionColumns...)
	}
	if err := c.w.Write(h); err != nil {
		return fmt.Errorf("export: csv header: %w", err)
	}
	return nil
}

// Write writes one event as a row.
func (c *CSVWriter) Write(e event.Event) error {
	if c.closed {
		return ErrClosed
	}
	if err := c.writeHeader(); err != nil {
		return err
	}
	row, err := c.format(e)
	if err != nil {
		return err
	}
	if err := c.w.Write(row); err != nil {
		return fmt.Errorf("export: csv row %s: %w", e.EventIDCnty, err)
	}
	return nil
}

func (c *CSVWriter) format(e event.Event) ([]string, error) {
	lat, lon := "", ""
	if HasCoordinates(e) {
		lat, lon = formatCoord(e.Latitude), formatCoord(e.Longitude)
	}
	itoa := strconv.Itoa
	row := append(c.row[:0],
		e.EventIDCnty, e.EventDate, itoa(e.Year), itoa(e.TimePrecision), e.DisorderType, e.EventType,
		e.SubEventType, e.Actor1, e.AssocActor1, itoa(e.Inter1), e.Actor2, e.AssocActor2, itoa(e.Inter2),
		itoa(e.Interaction), e.CivilianTargeting, itoa(e.ISO), e.Region, e.Country, e.Admin1, e.Admin2,
		e.Admin3, e.Location, lat, lon, itoa(e.GeoPrecision), e.Source, e.SourceScale, e.Notes,
		itoa(e.Fatalities), e.Tags, strconv.FormatInt(e.Timestamp, 10),
	)
	if !c.ext {
		return row, nil
	}
	geonameid := ""
	if e.GeonameID != 0 {
		geonameid = strconv.FormatInt(e.GeonameID, 10)
	}
	j := forJSON(e)
	claims, err := json.Marshal(j.Claims)
	if err != nil {
		return nil, fmt.Errorf("export: claims of %s: %w", e.EventIDCnty, err)
	}
	sources, err := json.Marshal(j.Sources)
	if err != nil {
		return nil, fmt.Errorf("export: sources of %s: %w", e.EventIDCnty, err)
	}
	evidence, err := json.Marshal(j.Evidence)
	if err != nil {
		return nil, fmt.Errorf("export: evidence of %s: %w", e.EventIDCnty, err)
	}
	return append(row,
		e.DateStart, e.DateEnd, itoa(e.FatalitiesLow), itoa(e.FatalitiesHigh),
		strconv.FormatBool(e.FatalitiesVague), geonameid,
		formatCoord(e.Confidence), e.Status, strconv.FormatBool(e.Background),
		string(claims), string(sources), string(evidence),
	), nil
}

// Flush writes buffered rows to the underlying writer.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("export: csv: %w", err)
	}
	return nil
}

// Close writes the header if no event was written, and flushes.
func (c *CSVWriter) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if err := c.writeHeader(); err != nil {
		return err
	}
	return c.Flush()
}
