package evaluate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// StringList is a gold field that may be written as one string or a list of accepted values.
type StringList []string

// UnmarshalJSON accepts a string, a list of strings or null.
func (l *StringList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*l = nil
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = StringList{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*l = ss
	return nil
}

// GoldEvent is one line of a gold events file (../shared/fixtures/seeds/gold-events.jsonl): an event a
// careful human coder finds, with the accepted values of each field.
type GoldEvent struct {
	ID string `json:"id"`
	// ReportedIn names the article ids that report the event; all must be among a match's sources.
	ReportedIn StringList `json:"reported_in"`
	// DateMin..DateMax is the accepted window for the event's date (YYYY-MM-DD).
	DateMin      string     `json:"date_min"`
	DateMax      string     `json:"date_max"`
	EventType    StringList `json:"event_type"`
	SubEventType StringList `json:"sub_event_type"`
	// Actor1 and Actor2 list accepted names, the canonical one first.
	Actor1   StringList `json:"actor1"`
	Actor2   StringList `json:"actor2"`
	Country  string     `json:"country"`
	Admin1   string     `json:"admin1"`
	Location StringList `json:"location"`
	// FatalitiesMin..FatalitiesMax is the accepted range of the best fatality figure.
	FatalitiesMin int `json:"fatalities_min"`
	FatalitiesMax int `json:"fatalities_max"`
	// Background marks an event the articles only recall: neither required nor penalised.
	Background bool `json:"background"`
	// Optional marks an event a system may fold into another one.
	Optional bool   `json:"optional,omitempty"`
	Notes    string `json:"notes,omitempty"`
}

// required reports whether a system must find the event.
func (g *GoldEvent) required() bool { return !g.Background && !g.Optional }

// ArticleRef is what the seed scorer needs of an article: sources may name it by id or by url.
type ArticleRef struct {
	ID  string `json:"id"`
	URL string `json:"url,omitempty"`
}

// maxLine bounds one JSON line (a long article's text).
const maxLine = 64 << 20

// eachLine calls fn with every non-blank line of r and its 1-based number.
func eachLine(r io.Reader, fn func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("after line %d: %w", n, err)
	}
	return nil
}

// ReadGold reads a gold events file (JSON lines). Each event needs an id, a valid date window, a
// country and its fatality range, since every match and field rule uses them.
func ReadGold(r io.Reader) ([]GoldEvent, error) {
	var out []GoldEvent
	err := eachLine(r, func(n int, line []byte) error {
		var g GoldEvent
		if err := json.Unmarshal(line, &g); err != nil {
			return fmt.Errorf("gold event: %w", err)
		}
		var presence struct {
			Min *json.RawMessage `json:"fatalities_min"`
			Max *json.RawMessage `json:"fatalities_max"`
		}
		_ = json.Unmarshal(line, &presence) // cannot fail: the same line decoded above
		switch {
		case g.ID == "":
			return errors.New("gold event without an id")
		case g.Country == "":
			return fmt.Errorf("gold event %s: no country", g.ID)
		case presence.Min == nil || presence.Max == nil:
			return fmt.Errorf("gold event %s: fatalities_min and fatalities_max are required", g.ID)
		case g.FatalitiesMin > g.FatalitiesMax:
			return fmt.Errorf("gold event %s: fatalities_min %d > fatalities_max %d", g.ID, g.FatalitiesMin, g.FatalitiesMax)
		}
		d0, ok0 := parseDay(g.DateMin)
		d1, ok1 := parseDay(g.DateMax)
		if !ok0 || !ok1 {
			return fmt.Errorf("gold event %s: date window %q..%q is not two YYYY-MM-DD dates", g.ID, g.DateMin, g.DateMax)
		}
		if d1.Before(d0) {
			return fmt.Errorf("gold event %s: date_max %s before date_min %s", g.ID, g.DateMax, g.DateMin)
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read gold events: %w", err)
	}
	return out, nil
}

// ReadArticles reads the id and url of every article of an articles file (JSON lines, as
// ../shared/fixtures/seeds/articles.jsonl); the text is not needed to score.
func ReadArticles(r io.Reader) ([]ArticleRef, error) {
	var out []ArticleRef
	err := eachLine(r, func(n int, line []byte) error {
		var a struct {
			ID  string  `json:"id"`
			URL *string `json:"url"`
		}
		if err := json.Unmarshal(line, &a); err != nil {
			return fmt.Errorf("article: %w", err)
		}
		if a.ID == "" {
			return errors.New("article without an id")
		}
		ref := ArticleRef{ID: a.ID}
		if a.URL != nil {
			ref.URL = *a.URL
		}
		out = append(out, ref)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read articles: %w", err)
	}
	return out, nil
}

// ACLEDDoc is one ACLED record as an input document (../shared/eval/acled-dev-docs.jsonl): its id is
// the record's event_id_cnty and its text the record's notes without ACLED's coder remarks.
type ACLEDDoc struct {
	ID        string    `json:"id"`
	Published time.Time `json:"published"`
	Text      string    `json:"text"`
}

// ReadACLEDDocs reads ACLED records as documents (JSON lines), for measures that join each document
// with its record.
func ReadACLEDDocs(r io.Reader) ([]ACLEDDoc, error) {
	var out []ACLEDDoc
	err := eachLine(r, func(n int, line []byte) error {
		var d ACLEDDoc
		if err := json.Unmarshal(line, &d); err != nil {
			return fmt.Errorf("document: %w", err)
		}
		if d.ID == "" {
			return errors.New("document without an id")
		}
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read ACLED documents: %w", err)
	}
	return out, nil
}

// ReadEvents reads predictions: one event record a line, as `sitrep extract` and `sitrep export
// --format jsonl` write them. Like score.py it also takes sources written as plain ids, the keys
// document_id and link in a source, and document_id or source_id on the event itself.
func ReadEvents(r io.Reader) ([]event.Event, error) {
	var out []event.Event
	err := eachLine(r, func(n int, line []byte) error {
		var in struct {
			event.Event
			Sources    []json.RawMessage `json:"sources"` // shadows Event.Sources
			DocumentID string            `json:"document_id"`
			SourceID   string            `json:"source_id"`
		}
		if err := json.Unmarshal(line, &in); err != nil {
			return fmt.Errorf("event: %w", err)
		}
		e := in.Event
		for _, raw := range in.Sources {
			srcs, err := decodeSource(raw)
			if err != nil {
				return fmt.Errorf("event source: %w", err)
			}
			e.Sources = append(e.Sources, srcs...)
		}
		for _, id := range []string{in.DocumentID, in.SourceID} {
			if id != "" {
				e.Sources = append(e.Sources, event.Source{ID: id})
			}
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return out, nil
}

// decodeSource reads one source: a plain id, or an object naming it by id, document_id, url or link.
func decodeSource(raw json.RawMessage) ([]event.Source, error) {
	var id string
	if json.Unmarshal(raw, &id) == nil {
		if id == "" {
			return nil, nil
		}
		return []event.Source{{ID: id}}, nil
	}
	var s struct {
		event.Source
		DocumentID string `json:"document_id"`
		Link       string `json:"link"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	out := []event.Source{s.Source}
	if s.DocumentID != "" {
		out = append(out, event.Source{ID: s.DocumentID})
	}
	if s.Link != "" {
		out = append(out, event.Source{URL: s.Link})
	}
	return out, nil
}

// WriteEvents writes events one JSON object a line, the format ReadEvents and score.py read.
func WriteEvents(w io.Writer, events []event.Event) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return fmt.Errorf("write event %d: %w", i+1, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write events: %w", err)
	}
	return nil
}
