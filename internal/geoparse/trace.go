package geoparse

// Trace is why a text was placed where it was: the story's country evidence, every place name with
// its context and the candidate chosen for it, and the location picked. It is what an analyst reads
// to trust or correct a location (`sitrep gazetteer explain`).
type Trace struct {
	Focus     string   // ISO2 of the story's country, "" if none
	Countries []string // countries with evidence, strongest first
	Mentions  []MentionTrace
	Location  Location
	Located   bool
}

// MentionTrace is one place name of a Trace.
type MentionTrace struct {
	Mention
	Before, After string   // context cues around the name ("village of", "district"), if any
	Qualifiers    []string // units bracketed after it, folded ("koro", "mopti")
	Candidates    int      // gazetteer places under the name (and its respellings, when tried)
	Respelt       bool     // the place chosen is a respelling of the name
	Score         float64  // the chosen candidate's score
	EventScore    float64  // how likely the name is where the event happened
}

// Trace explains the document's place resolution and where Locate puts an event told in
// text[start:end].
func (d *Doc) Trace(start, end int) Trace {
	t := Trace{Focus: d.focus, Countries: d.sortedVotes()}
	for i := range d.ms {
		m := &d.ms[i]
		mt := MentionTrace{Mention: m.Mention, Qualifiers: m.r.paren, Candidates: len(m.cands), Respelt: m.variant, Score: m.score}
		if m.r.before != nil {
			mt.Before = m.r.before.label
		}
		if m.r.after != nil {
			mt.After = m.r.after.label
		}
		if m.Kind != "country" {
			mt.EventScore = d.eventScore(i)
		}
		t.Mentions = append(t.Mentions, mt)
	}
	t.Location, t.Located = d.Locate(start, end)
	return t
}
