package classify

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/event"
)

// ReadDev joins ACLED development documents (JSON lines: id, text) to their rows in the ACLED CSV
// (event_id_cnty, event_type, sub_event_type, actor2, inter1, inter2), in document order. Each
// example's Cues are derived from the row's actors the way actor resolution would give them to the
// coder: civilians as actor2, an armed actor2, protesters or rioters on either side.
func ReadDev(rows io.Reader, docs io.Reader) ([]Example, error) {
	cr := csv.NewReader(rows)
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading ACLED header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"event_id_cnty", "event_type", "sub_event_type", "actor2", "inter1", "inter2"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("ACLED CSV lacks column %q", h)
		}
	}
	labels := map[string]Example{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading ACLED rows: %w", err)
		}
		i1, i2 := rec[col["inter1"]], rec[col["inter2"]]
		labels[rec[col["event_id_cnty"]]] = Example{
			EventType:    rec[col["event_type"]],
			SubEventType: rec[col["sub_event_type"]],
			Cues: Cues{
				CivilianTarget: strings.HasPrefix(rec[col["actor2"]], "Civilians"),
				ArmedTarget:    strings.ContainsAny(i2, "12348") && len(i2) == 1,
				Protest:        i1 == "6" || i2 == "6",
				Riot:           i1 == "5" || i2 == "5",
			},
		}
	}
	var out []Example
	sc := bufio.NewScanner(docs)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<24)
	for n := 1; sc.Scan(); n++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var d struct {
			ID   string `json:"id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("ACLED documents line %d: %w", n, err)
		}
		ex, ok := labels[d.ID]
		// Records whose notes were nothing but coder remarks have no text left to classify.
		if !ok || event.TypeOf(ex.SubEventType) != ex.EventType || strings.TrimSpace(d.Text) == "" {
			continue
		}
		ex.Text = d.Text
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading ACLED documents: %w", err)
	}
	return out, nil
}

// extraSub maps the coder's leading remark in the extra records to the sub-event type it names, where
// that is unambiguous.
var extraSub = map[string]string{
	"Looting":              "Looting/property destruction",
	"Property destruction": "Looting/property destruction",
	"Defusal":              "Disrupted weapons use",
	"Weapons seizure":      "Disrupted weapons use",
	"Arrests":              "Arrests",
	"Agreement":            "Agreement",
}

// ReadExtra reads ACLED summaries labelled with the event type only (event_id_cnty, event_type,
// notes). The leading coder remark, where it names a Strategic developments sub-type ("Looting:"),
// gives the sub-event type; it is stripped from the text with the other remarks.
func ReadExtra(r io.Reader) ([]Example, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading extra ACLED header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for _, h := range []string{"event_type", "notes"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("extra ACLED CSV lacks column %q", h)
		}
	}
	var out []Example
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading extra ACLED rows: %w", err)
		}
		ex := Example{EventType: rec[col["event_type"]], Text: StripRemarks(rec[col["notes"]])}
		if _, ok := event.SubEventTypes[ex.EventType]; !ok || ex.Text == "" {
			continue
		}
		if m := reLeadLabel.FindString(rec[col["notes"]]); m != "" {
			label := strings.TrimSuffix(strings.TrimSpace(m), ":")
			if s, ok := extraSub[label]; ok && event.TypeOf(s) == ex.EventType {
				ex.SubEventType = s
			}
		}
		out = append(out, ex)
	}
	return out, nil
}

// LoadShared reads the development examples and the extra examples from the shared folder
// (eval/acled-dev.csv, eval/acled-dev-docs.jsonl, eval/acled-extra-event-type.csv).
func LoadShared(dir string) (dev, extra []Example, err error) {
	open := func(name string) (*os.File, error) {
		f, err := os.Open(filepath.Join(dir, "eval", name))
		if err != nil {
			return nil, fmt.Errorf("opening ACLED data: %w", err)
		}
		return f, nil
	}
	rows, err := open("acled-dev.csv")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	docs, err := open("acled-dev-docs.jsonl")
	if err != nil {
		return nil, nil, err
	}
	defer docs.Close()
	if dev, err = ReadDev(rows, docs); err != nil {
		return nil, nil, err
	}
	ef, err := open("acled-extra-event-type.csv")
	if err != nil {
		return nil, nil, err
	}
	defer ef.Close()
	if extra, err = ReadExtra(ef); err != nil {
		return nil, nil, err
	}
	return dev, extra, nil
}
