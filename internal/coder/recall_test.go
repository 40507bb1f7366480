package coder

import (
	"context"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/dedup"
)

// TestRecalledInPassing: an article about one attack that recalls another recent event in a clause
// marks that event as recalled; the same words told as the article's story, with their own toll, or
// days before publication, are reports.
func TestRecalledInPassing(t *testing.T) {
	const story = "Gunmen attacked an army post in Boni on Sunday, killing five soldiers, the army said. " +
		"The assailants stormed the post at dawn and set fire to two vehicles. " +
		"The fighting lasted for two hours before the attackers fled on motorbikes. " +
		"The army said it had sent reinforcements to the area. "
	tests := []struct {
		name      string
		published string
		text      string
		want      bool // the Tessalit event is marked as recalled
	}{
		{"recalled in an analysis of another attack", "2024-09-24T10:00:00Z",
			story + "The attack is yet another recent victory for JNIM, after the defeat of Malian and Russian troops in Tessalit toward the end of July.", true},
		{"the article's own story", "2024-09-24T10:00:00Z",
			"The defeat of Malian and Russian troops by JNIM in Tessalit toward the end of July was a recent blow to the junta.", false},
		{"recalled with a toll of its own", "2024-09-24T10:00:00Z",
			story + "The attack is yet another recent victory for JNIM, after the defeat of Malian troops in Tessalit toward the end of July, where 40 soldiers were killed.", false},
		{"last week's event is news", "2024-08-01T10:00:00Z",
			story + "The attack is yet another recent victory for JNIM, after the defeat of Malian and Russian troops in Tessalit toward the end of July.", false},
	}
	c := testCoder(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := c.Code(context.Background(), doc("d", tt.published, tt.text))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, e := range evs {
				if e.Location != "Tessalit" {
					if dedup.Recalled(e) {
						t.Errorf("%s event at %s marked as recalled", e.EventType, e.Location)
					}
					continue
				}
				found = true
				if got := dedup.Recalled(e); got != tt.want {
					t.Errorf("Tessalit event (%s, %s, precision %d, toll %d) recalled = %v, want %v",
						e.EventType, e.EventDate, e.TimePrecision, e.Fatalities, got, tt.want)
				}
				if tt.want {
					for _, ev := range e.Evidence {
						if ev.Field == dedup.RecalledField && !strings.Contains(ev.Text, "Tessalit") {
							t.Errorf("recalled evidence %q is not the sentence that recalls it", ev.Text)
						}
					}
				}
			}
			if !found {
				var got []string
				for _, e := range evs {
					got = append(got, e.EventType+" at "+e.Location+" "+e.EventDate)
				}
				t.Fatalf("no event at Tessalit: %v", got)
			}
		})
	}
}

// FuzzRecalledInPassing: whatever follows a story, an event marked as recalled is a recent one the
// document is not about, approximately dated weeks before publication, with no toll, and its mark
// is a sentence of the text.
func FuzzRecalledInPassing(f *testing.F) {
	for _, s := range []string{
		"The attack is yet another recent victory for JNIM, after the defeat of Malian troops in Tessalit toward the end of July.",
		"Earlier, in early August, fighting near Kidal had forced the army to withdraw.",
		"The defeat in Tessalit last month, where 40 soldiers were killed, was recent.",
		"",
	} {
		f.Add(s)
	}
	const story = "Gunmen attacked an army post in Boni on Sunday, killing five soldiers, the army said. " +
		"The assailants stormed the post at dawn and set fire to two vehicles. " +
		"The fighting lasted for two hours before the attackers fled on motorbikes. "
	c := testCoder(f)
	f.Fuzz(func(t *testing.T, tail string) {
		d := doc("fz", "2024-09-24T10:00:00Z", story+tail)
		evs, err := c.Code(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if !dedup.Recalled(e) {
				continue
			}
			if e.Background || e.TimePrecision < 2 || e.Fatalities > 0 || len(evs) < 2 {
				t.Errorf("recalled event: background %v, precision %d, toll %d, %d events in the document",
					e.Background, e.TimePrecision, e.Fatalities, len(evs))
			}
			if _, end, ok := dedup.Span(e); !ok || d.Published.Sub(end) < recallAge {
				t.Errorf("recalled event of %s, published %s", e.EventDate, d.Published)
			}
			for _, ev := range e.Evidence {
				if ev.Field == dedup.RecalledField && (ev.Start < 0 || ev.End > len(d.Text) || ev.Start > ev.End || d.Text[ev.Start:ev.End] != ev.Text) {
					t.Fatalf("recalled evidence %+v outside the text", ev)
				}
			}
		}
	})
}
