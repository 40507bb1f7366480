package coder

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sitrep-dev/sitrep/internal/actor"
	"github.com/sitrep-dev/sitrep/internal/classify"
	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/event"
	"github.com/sitrep-dev/sitrep/internal/geoparse"
	"github.com/sitrep-dev/sitrep/internal/timex"
	"github.com/sitrep-dev/sitrep/internal/toll"
)

// backgroundConfidence caps the confidence of recalled events: kept, never mistaken for news.
const backgroundConfidence = 0.2

// isEvent tells a group that reports something ACLED codes from talk that only uses its words: violence
// needs an armed actor or a toll; remote violence, abductions, protests and the like stand on their own;
// deaths from floods, accidents or disease are not events unless an armed actor is named.
//
// Some words settle it without an armed actor: a crowd that clashes or storms ("youths clashed with
// residents", ACLED's riots and communal clashes), artillery or an IED (only armies and armed groups use
// them), sexual violence, a curfew or state of emergency declared. A protest or riot word proper
// ("residents protested against road accidents") is an event even when the story speaks of floods or
// accidents: what people protest is no veto; nor is an accident with a mine or a grenade ("triggered a
// mine by accident"), which ACLED codes.
func isEvent(g *group) bool {
	classes := map[string]bool{}
	armedActor, toll := false, false
	var strongProtest, strongRemote, crowdViolence, measure, abducted, passiveAttack bool
	for _, s := range g.sents {
		for _, h := range s.hits {
			classes[h.class] = true
			w := strings.ToLower(s.text[h.start-s.seg.Start : h.end-s.seg.Start])
			switch h.class {
			case "protest", "riot":
				strongProtest = strongProtest || protestProperRE.MatchString(w)
			case "remote":
				strongRemote = strongRemote || !weakRemoteRE.MatchString(w)
			case "armed", "looting":
				crowdViolence = crowdViolence || (!casualtyWordRE.MatchString(w) && crowdActs(s.text[:h.start-s.seg.Start]))
				// "The village was attacked", "houses were torched": an attack by hands the report
				// cannot name, which ACLED codes all the same.
				passiveAttack = passiveAttack || passiveAttackRE.MatchString(s.text[max(0, h.start-s.seg.Start-25):h.end-s.seg.Start])
			case "strategic":
				measure = measure || measureRE.MatchString(w)
			case "abduction":
				// "a preacher was kidnapped", "abducted by armed people": a kidnapping done, by
				// whomever, is an event; "fears of kidnappings" is not.
				abducted = abducted || abductedRE.MatchString(w)
			}
		}
		for _, m := range s.actors {
			if armed(m) {
				armedActor = true
			}
		}
		for _, f := range s.figures {
			if !f.Aggregate && (f.Kind == "killed" || f.Kind == "wounded" || f.Kind == "abducted") {
				toll = true
			}
		}
	}
	if classes["nonconflict"] && !armedActor && !strongProtest && !strongRemote {
		return false
	}
	for _, c := range []string{"protest", "riot"} {
		if classes[c] {
			return true
		}
	}
	if classes["protestcue"] {
		for _, s := range g.sents {
			for _, m := range s.actors {
				if !armed(m) {
					return true
				}
			}
		}
	}
	if strongRemote || classes["sexual"] || measure || abducted {
		return true
	}
	for _, c := range []string{"remote", "abduction", "territory"} {
		if classes[c] && (armedActor || toll) {
			return true
		}
	}
	if classes["looting"] || classes["arrest"] || classes["strategic"] {
		if armedActor {
			return true
		}
	}
	if (classes["armed"] || classes["looting"]) && (crowdViolence || passiveAttack) {
		return true
	}
	return classes["armed"] && (armedActor || toll)
}

// rioterRE: crowds whose violence ACLED codes as a riot (not clans or communities, whose clashes are
// communal battles).
var rioterRE = regexp.MustCompile(`(?i)\b(?:youths?|residents|villagers|students|pupils|traders|workers|supporters|mob|locals|inhabitants|mourners|parents|worshippers|fans|activists|demonstrators|protesters|riders|drivers|operators)\b([^.;]{0,80})$`)

// rioters reports a group where a crowd acts violently ("youths attacked a conference", "a mob
// lynched a thief") and no armed or state actor is named: the caster may miss the crowd, the words do
// not.
func rioters(g *group) bool {
	found := false
	for _, s := range g.sents {
		for _, m := range s.actors {
			if armed(m) {
				return false
			}
		}
		for _, h := range s.hits {
			if h.class != "armed" && h.class != "looting" && h.class != "riot" {
				continue
			}
			w := strings.ToLower(s.text[h.start-s.seg.Start : h.end-s.seg.Start])
			if casualtyWordRE.MatchString(w) {
				continue
			}
			if m := rioterRE.FindStringSubmatch(s.text[:h.start-s.seg.Start]); m != nil && !crowdSpeaksRE.MatchString(m[1]) {
				found = true
			}
		}
	}
	return found
}

// protestProperRE: trigger words that name a demonstration or riot itself (not a crowd, tear gas or a
// boycott, which a match report or a market story may use).
var protestProperRE = regexp.MustCompile(`^(?:protest|demonstrat|sit-in|marched|went on strike|on strike|riot|rampag|took to the streets|staged a march|stage a march|held a march|peaceful march|blocked (?:the|a) road|blocked roads)`)

// weakRemoteRE: remote-violence words that accidents share (a gas explosion, prices that rocketed);
// they make an event only with an armed actor or a toll.
var weakRemoteRE = regexp.MustCompile(`^(?:explosion|exploded|detonated|rocket|blast)`)

// casualtyWordRE: armed-class words that only count harm ("killed", "injured"): floods and crashes
// use them too, so they say nothing of who acted.
var casualtyWordRE = regexp.MustCompile(`^(?:kill|killed|kills|killing|dead|died|bodies|martyrs|wounded|injured|shot|shooting|gunshot)`)

// crowdSubjectRE finds a collective civilian subject written before a fighting word ("youths from two
// villages clashed", "angry residents stormed", "supporters of the governor attacked"): a riot or a
// communal clash, which ACLED codes with no armed group. A single person ("a man stabbed his wife") is
// crime, not this.
var crowdSubjectRE = regexp.MustCompile(`(?i)\b(?:youths?|residents|villagers|students|pupils|traders|workers|miners|farmers|herders|herdsmen|supporters|community members|communities|clans|factions|mob|locals|inhabitants|mourners|parents|worshippers|fans|activists)\b([^.;]{0,80})$`)

// crowdSpeaksRE: words between a crowd and a fighting word that make the crowd witnesses or victims
// of it ("residents said the attack", "villagers fled the fighting"), not its authors.
var crowdSpeaksRE = regexp.MustCompile(`(?i)\b(?:said|say|says|told|reported|fled|flee|feared|fear|after|since|following|recalled|according)\b`)

// crowdActs reports whether the words before a fighting word end with a crowd as its subject.
func crowdActs(before string) bool {
	m := crowdSubjectRE.FindStringSubmatch(before)
	return m != nil && !crowdSpeaksRE.MatchString(m[1])
}

// passiveAttackRE ends on an attack told in the passive ("was attacked", "were set ablaze").
var passiveAttackRE = regexp.MustCompile(`(?i)\b(?:was|were|been)\s+(?:reportedly\s+|allegedly\s+)?(?:attacked|ambushed|raided|torched|set\s+ablaze|set\s+alight|burnt\s+down|burned\s+down)$`)

// abductedRE: an abduction told as done (not "kidnappings", "hostage").
var abductedRE = regexp.MustCompile(`^(?:abducted|kidnapped|kidnaped|forcibly disappeared)$`)

// measureRE: security measures a government declares that ACLED codes as strategic developments.
var measureRE = regexp.MustCompile(`^(?:curfew|state of emergency)`)

// armed reports whether an actor mention is an organised armed or state actor: who makes violence an
// event. Crowds and civilians are actors of protests and riots, or victims.
func armed(m actor.Mention) bool {
	switch m.Generic {
	case "civilians", "protesters", "rioters", "government":
		// A ministry or the authorities speaking make nothing an event.
		return false
	case "":
		return m.Actor.Inter != 5 && m.Actor.Inter != 6 && m.Actor.Inter != 7 && m.Actor.Name != ""
	}
	return true
}

// codeGroup codes one event from its sentences; ok is false when the group is not an event or cannot
// be placed even in a country.
func (c *Coder) codeGroup(doc document.Document, ref timex.Ref, gdoc *geoparse.Doc, g *group) (event.Event, bool) {
	if len(g.sents) == 0 || !isEvent(g) {
		return event.Event{}, false
	}
	anchor := g.sents[0]
	for _, s := range g.sents {
		if len(s.actors) > 0 {
			anchor = s
			break
		}
	}

	// When.
	var exprs []timex.Expr
	if g.date != nil {
		exprs = []timex.Expr{*g.date}
	} else {
		for _, s := range g.sents {
			exprs = append(exprs, s.times...)
		}
	}
	when := chooseDate(exprs, ref, g.background)

	// Where: the place the event's own sentences name, else the document's focus as the parser
	// resolves it around the anchor sentence.
	var loc geoparse.Location
	if g.place != nil {
		loc = *g.place
	} else {
		l, ok := gdoc.Locate(anchor.seg.Start, anchor.seg.End)
		if !ok {
			return event.Event{}, false
		}
		loc = l
	}

	ev := event.Event{
		EventIDCnty:   loc.ISO3,
		EventDate:     when.Day.Format(time.DateOnly),
		Year:          when.Day.Year(),
		TimePrecision: when.Precision,
		ISO:           loc.ISO,
		Region:        loc.Region,
		Country:       loc.Country,
		Admin1:        loc.Admin1,
		Admin2:        loc.Admin2,
		Admin3:        loc.Admin3,
		Location:      c.spelling(doc.Text, loc),
		Latitude:      round4(loc.Lat),
		Longitude:     round4(loc.Lon),
		GeoPrecision:  loc.GeoPrecision,
		GeonameID:     loc.GeonameID,
		Source:        doc.Outlet,
		Status:        event.StatusAuto,
		Background:    g.background,
	}
	if when.Lasted && !when.From.Equal(when.To) && !when.From.IsZero() {
		ev.DateStart, ev.DateEnd = when.From.Format(time.DateOnly), when.To.Format(time.DateOnly)
	}
	ev.Sources = []event.Source{sourceOf(doc)}
	if when.End > when.Start {
		if s, ok := sentenceAt(g, when.Start); ok {
			ev.Evidence = append(ev.Evidence, evidence(doc, "event_date", s.seg))
		}
	}
	if loc.End > loc.Start {
		if s, ok := sentenceAt(g, loc.Start); ok {
			ev.Evidence = append(ev.Evidence, evidence(doc, "location", s.seg))
		} else {
			ev.Evidence = append(ev.Evidence, event.Evidence{Field: "location", SourceID: doc.ID, Start: loc.Start, End: loc.End, Text: doc.Text[loc.Start:loc.End]})
		}
	}

	// Who.
	actx := actor.Context{Country: loc.Country, Date: when.Day}
	cast := c.actors.Cast(doc.Text, anchor.seg.Start, anchor.seg.End, actx)
	if cast.Actor1.Name == "" {
		for _, s := range g.sents {
			if s == anchor || len(s.actors) == 0 {
				continue
			}
			if cs := c.actors.Cast(doc.Text, s.seg.Start, s.seg.End, actx); cs.Actor1.Name != "" {
				cast = cs
				break
			}
		}
	}
	c.nameUnidentified(g, &cast, loc.Country, when.Day)
	ev.Actor1, ev.Inter1 = cast.Actor1.Name, cast.Actor1.Inter
	ev.Actor2, ev.Inter2 = cast.Actor2.Name, cast.Actor2.Inter
	ev.AssocActor1, ev.AssocActor2 = actorList(cast.Assoc1), actorList(cast.Assoc2)
	ev.Interaction = event.Interaction(ev.Inter1, ev.Inter2)
	// A slice, not a map: evidence comes out in the same order every run, so re-coding is idempotent.
	for _, fs := range []struct {
		field string
		span  [2]int
	}{{"actor1", cast.Actor1Span}, {"actor2", cast.Actor2Span}} {
		field, span := fs.field, fs.span
		if span[1] > span[0] {
			if s, ok := sentenceAt(g, span[0]); ok {
				ev.Evidence = append(ev.Evidence, evidence(doc, field, s.seg))
			}
		}
	}

	// What.
	var text strings.Builder
	for i, s := range g.sents {
		if i == 3 {
			break
		}
		text.WriteString(c.sentenceText(doc, s))
		text.WriteString(" ")
	}
	// Civilians the caster assumed, named nowhere in the sentence, are no evidence of whom the
	// attack targeted: the words decide ("a deadly attack … took control of part of the airport").
	assumedCivilians := cast.CivilianTarget && cast.Actor2Span == [2]int{}
	cues := classify.Cues{CivilianTarget: cast.CivilianTarget && !assumedCivilians}
	switch cast.Actor2.Inter {
	case 1, 2, 3, 4, 8:
		cues.ArmedTarget = true
	}
	if resistedRE.MatchString(text.String()) {
		// "Village self-defense responded to the attack", "Dogon militiamen repelled the assault":
		// the attacked fought back, a battle (ACLED) even when villagers died.
		cues.ArmedTarget, cues.CivilianTarget = true, false
	}
	cues.Protest = cast.Actor1.Inter == 6
	cues.Riot = cast.Actor1.Inter == 5 || rioters(g)
	cues.Remote = g.distinct == "remote"
	pred := c.model.Decide(text.String(), cues)
	pred = c.coherentType(text.String(), pred, cast)
	// Roles read better knowing the type (rioters or protesters, who attacked whom): cast again.
	actx.EventType = pred.EventType
	if again := c.actors.Cast(doc.Text, anchor.seg.Start, anchor.seg.End, actx); again.Actor1.Name != "" {
		c.nameUnidentified(g, &again, loc.Country, when.Day)
		cast = again
		ev.Actor1, ev.Inter1 = cast.Actor1.Name, cast.Actor1.Inter
		ev.Actor2, ev.Inter2 = cast.Actor2.Name, cast.Actor2.Inter
		ev.AssocActor1, ev.AssocActor2 = actorList(cast.Assoc1), actorList(cast.Assoc2)
		ev.Interaction = event.Interaction(ev.Inter1, ev.Inter2)
	}
	ev.EventType, ev.SubEventType = pred.EventType, pred.SubEventType
	ev.DisorderType = event.DisorderType(ev.EventType)
	if strings.HasPrefix(ev.Actor2, "Civilians") && ev.EventType != event.Battles {
		ev.CivilianTargeting = "Civilian targeting"
	}
	ev.Evidence = append(ev.Evidence, evidence(doc, "event_type", anchor.seg))

	// How many: every figure is a claim; the toll is the conservative reading of the credible ones.
	c.codeToll(doc, g, cast, loc, when.Day, &ev)
	if ev.EventType == event.Protests && ev.SubEventType != "Excessive force against protesters" {
		// A protest where people die is excessive force; any death a peaceful protest's story
		// tells is what it protests ("demanded justice for the killing of a trader"). The claims stay.
		ev.Fatalities, ev.FatalitiesLow, ev.FatalitiesHigh, ev.FatalitiesVague = 0, 0, 0, false
		ev.Evidence = slices.DeleteFunc(ev.Evidence, func(e event.Evidence) bool { return e.Field == "fatalities" })
	}

	conf := pred.Confidence
	if ev.GeoPrecision == 3 {
		conf *= 0.9
	}
	if ev.Actor1 == "" {
		conf *= 0.8
	}
	if g.background {
		conf = min(conf, backgroundConfidence)
	}
	ev.Confidence = float64(int(conf*1000+0.5)) / 1000
	ev.Notes = event.Notes(ev)
	ev.FillEmpty()
	return ev, true
}

// chooseDate applies the date policy; for a background group the recalled date itself.
func chooseDate(exprs []timex.Expr, ref timex.Ref, background bool) timex.Expr {
	if background {
		for _, e := range exprs {
			if e.Kind == timex.Past || e.Kind == timex.EventTime {
				if e.Precision == 0 || e.Precision > 3 {
					e.Precision = 3
				}
				if !e.Day.IsZero() {
					return e
				}
			}
		}
	}
	return timex.Choose(exprs, ref)
}

func (c *Coder) codeToll(doc document.Document, g *group, cast actor.Cast, loc geoparse.Location, day time.Time, ev *event.Event) {
	var reports []toll.Report
	var reportSents []*sentence
	// The same vague count again in a sentence of no date of its own ("attacks that had killed
	// dozens" … "the spokesman confirmed the killing of dozens of civilians") is the same earlier dead.
	type count struct {
		value int
		kind  string
	}
	recalled := map[count]bool{}
	for _, s := range g.sents {
		for _, f := range s.figures {
			if f.Background && f.Vague {
				recalled[count{f.Value, f.Kind}] = true
			}
		}
	}
	for _, s := range g.sents {
		claimant, hasClaimant := toll.Attribute(doc.Text, s.seg)
		by := ""
		byPerp := false
		if hasClaimant {
			by = strings.TrimSpace(claimant.Text)
			if ms := c.actors.Find(doc.Text, claimant.Start, claimant.End); len(ms) > 0 && speaksFor(ms[0]) {
				a := c.actors.Resolve(ms[0], loc.Country, day)
				if a.Name != "" {
					by = a.Name
					// A party to the violence counting its enemy's dead claims, it does not report.
					byPerp = (cast.Actor1.Name != "" && actorKey(a.Name) == actorKey(cast.Actor1.Name)) ||
						(cast.Actor2.Name != "" && actorKey(a.Name) == actorKey(cast.Actor2.Name) && cast.Actor2.Inter != 7)
				}
			}
		}
		// A claim the report itself doubts ("ISWAP claimed to have killed 35 … this could not be
		// verified", "… not reported by other sources"): kept as a claim, credible for nothing.
		doubted := (hasClaimant || claimWordRE.MatchString(s.text)) && doubtedRE.MatchString(doc.Text[s.seg.Start:min(len(doc.Text), s.seg.End+250)])
		for _, f := range s.figures {
			if f.Aggregate {
				continue
			}
			if doubted || recalledAfter(s, f) {
				f.Background = true
			}
			if f.Vague && !f.Background && firstEventTime(s) == nil && recalled[count{f.Value, f.Kind}] {
				f.Background = true
			}
			if ev.EventType == event.Riots && riotCauseRE.MatchString(doc.Text[s.seg.Start:f.Start]) {
				// "Students burnt shops over the murder of a student": what the riot was about.
				f.Background = true
			}
			of := c.victimActor(doc, f, loc.Country, day)
			// Its own losses, a party reports (the army admitting deaths, rebels naming their dead).
			perp := byPerp && actorKey(of) != actorKey(by)
			reports = append(reports, toll.Report{Figure: f, By: by, ByPerpetrator: perp, Group: f.VictimClass})
			reportSents = append(reportSents, s)
			claimBy := by
			if claimBy == "" {
				claimBy = doc.Outlet
			}
			ev.Claims = append(ev.Claims, event.Claim{
				By: claimBy, Figure: f.Value, Kind: f.Kind, Of: of,
				Text: doc.Text[s.seg.Start:s.seg.End], Source: doc.ID, Start: s.seg.Start, End: s.seg.End,
			})
		}
	}
	if len(reports) == 0 {
		return
	}
	t := toll.Reconcile(reports)
	ev.Fatalities, ev.FatalitiesLow, ev.FatalitiesHigh = t.Best, t.Low, t.High
	ev.FatalitiesVague = len(t.Used) > 0
	seen := map[int]bool{}
	for _, i := range t.Used {
		if i >= 0 && i < len(reports) && !reports[i].Figure.Vague {
			ev.FatalitiesVague = false
		}
		if i < 0 || i >= len(reportSents) || seen[reportSents[i].seg.Start] {
			continue
		}
		seen[reportSents[i].seg.Start] = true
		ev.Evidence = append(ev.Evidence, evidence(doc, "fatalities", reportSents[i].seg))
	}
}

// resistedRE: words saying the attacked fought back.
var resistedRE = regexp.MustCompile(`(?i)\b(?:responded\s+to\s+the\s+(?:attack|assault)|(?:repelled|repulsed)\s+the\s+(?:attack|assault|attackers|assailants)|fought\s+back|exchanges?\s+of\s+(?:gun)?fire|exchanged\s+(?:gun\s*)?fire|defending\s+the\s+village|self-defen[cs]e\s+(?:group\s+|militia\s+)?(?:responded|repelled|repulsed|fought))`)

// doubtedRE: words of a report that doubt a claim it reports.
var doubtedRE = regexp.MustCompile(`(?i)\b(?:could\s+not\s+be|cannot\s+be|can\s*not\s+be|has\s+not\s+been|have\s+not\s+been|was\s+not|were\s+not)\s+(?:independently\s+)?(?:verified|confirmed|corroborated)\b|\bunverified\b|\bnot\s+reported\s+by\s+other\s+sources\b|\bno\s+other\s+(?:reports?|sources?)\s+(?:corroborated|confirmed)\b|\blater\s+retracted\b`)

// claimWordRE: a sentence that calls what it reports a claim ("according to a claim by ISWAP").
var claimWordRE = regexp.MustCompile(`(?i)\bclaim(?:s|ed)?\b`)

// recalledAfter reports a figure dated to the past by the words right after it ("the late mayor
// assassinated in April 2018", "a chief killed in 2012"): an earlier killing, not this event's.
func recalledAfter(s *sentence, f toll.Figure) bool {
	for _, t := range s.times {
		if (t.Kind == timex.Past || t.Since) && t.Start >= f.End && t.Start-f.End <= 20 {
			return true
		}
	}
	return false
}

// riotCauseRE ends the words before a figure that name it as a riot's cause ("over the murder of",
// "after police fatally shot", "in protest of one of their members who was killed", "a man suspected to
// have killed two people", "furious about the death of").
var riotCauseRE = regexp.MustCompile(`(?i)\b(?:over|after|following|against|amid|about|because|accus\w*|suspected\s+(?:of|to\s+have)|who\s+had|in\s+protest\s+(?:of|against|over)|to\s+protest|avenge|revenge\s+for|justice\s+for)\b[^.;]{0,60}$`)

// speaksFor reports whether a claimant mention speaks for a party: a named group or state forces, not
// "a local official" or "residents", whose own words say more than a generic actor name.
func speaksFor(m actor.Mention) bool {
	return m.Generic == "" || m.Generic == "military" || m.Generic == "police" || m.Generic == "gendarmes"
}

// victimActor names whom a figure counts: an actor named in the figure's words, else the class of its
// victims in the event's country.
func (c *Coder) victimActor(doc document.Document, f toll.Figure, country string, day time.Time) string {
	if ms := c.actors.Find(doc.Text, f.Start, f.End); len(ms) > 0 {
		if a := c.actors.Resolve(ms[0], country, day); a.Name != "" {
			return a.Name
		}
	}
	generic := map[string]string{"civilian": "civilians", "military": "military", "police": "police", "militant": "unidentified"}[f.VictimClass]
	if generic == "" {
		return f.Victim
	}
	a := c.actors.Resolve(actor.Mention{Generic: generic}, country, day)
	if a.Name == "" {
		return f.Victim
	}
	return a.Name
}

func sourceOf(doc document.Document) event.Source {
	s := event.Source{ID: doc.ID, URL: doc.URL, Outlet: doc.Outlet, Title: doc.Title, Language: doc.Language}
	if doc.HasPublished() {
		s.Published = doc.Published.UTC().Format(time.RFC3339)
	}
	return s
}

func actorList(as []actor.Actor) string {
	names := make([]string, 0, len(as))
	for _, a := range as {
		names = append(names, a.Name)
	}
	return joinNonEmpty(names)
}

func actorKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func round4(x float64) float64 {
	if x < 0 {
		return -float64(int(-x*10000+0.5)) / 10000
	}
	return float64(int(x*10000+0.5)) / 10000
}

// spelling returns the location's name as the article spells it when that spelling is one of the
// gazetteer entry's own names ("Tinzaouatene" rather than "Ti-n-Zaouâtene"), else the entry's name.
func (c *Coder) spelling(text string, loc geoparse.Location) string {
	if loc.End <= loc.Start || loc.End > len(text) {
		return loc.Name
	}
	written := strings.TrimSpace(text[loc.Start:loc.End])
	if written == "" || written == loc.Name {
		return loc.Name
	}
	for _, p := range c.gaz.Lookup(written) {
		if (loc.GeonameID != 0 && p.ID == loc.GeonameID) || (round4(p.Lat) == round4(loc.Lat) && round4(p.Lon) == round4(loc.Lon)) {
			return written
		}
	}
	return loc.Name
}

// namedGroup returns the armed group the sentences name most often, if named at least min times,
// resolved for the event's country and date ("Fulani militia" in Mali is Mali's).
func namedGroup(sents []*sentence, min int, resolve func(actor.Mention) actor.Actor) (string, map[string]actor.Actor) {
	count := map[string]int{}
	byName := map[string]actor.Actor{}
	best := ""
	for _, s := range sents {
		for _, m := range s.actors {
			if m.Actor.Name == "" || m.Generic != "" {
				continue
			}
			// Only rebel groups: "gunmen" or "jihadists" in a story that mentions an ethnic militia in
			// passing are not that militia.
			a := resolve(m)
			if a.Name == "" || a.Inter != 2 {
				continue
			}
			count[a.Name]++
			byName[a.Name] = a
			if best == "" || count[a.Name] > count[best] {
				best = a.Name
			}
		}
	}
	if best == "" || count[best] < min {
		return "", nil
	}
	return best, byName
}

// nameUnidentified replaces an "Unidentified Armed Group" with the armed group the event's sentences
// name most often ("separatist rebels battled the army" in a story that names the CSP-DPA throughout).
func (c *Coder) nameUnidentified(g *group, cast *actor.Cast, country string, day time.Time) {
	resolve := func(m actor.Mention) actor.Actor { return c.actors.Resolve(m, country, day) }
	best, byName := namedGroup(g.sents, 1, resolve)
	if best == "" {
		// "the attackers" of a story that names one armed group throughout are that group.
		best, byName = namedGroup(g.docSents, 2, resolve)
	}
	if best == "" {
		return
	}
	other := func(x actor.Actor) bool { return actorKey(x.Name) != actorKey(best) }
	if strings.HasPrefix(cast.Actor1.Name, "Unidentified Armed Group") && !other(cast.Actor2) {
		// "JNIM claims an attack on the army base" cast backwards: the named group is the initiator,
		// the state forces the story mentions its target.
		cast.Actor1, cast.Actor2 = byName[best], actor.Actor{}
		for _, s := range g.sents {
			for _, m := range s.actors {
				if m.Generic == "military" || (m.Actor.Inter == 1 && m.Generic == "") {
					cast.Actor2 = c.actors.Resolve(m, country, day)
					return
				}
			}
		}
		return
	}
	switch {
	case strings.HasPrefix(cast.Actor1.Name, "Unidentified Armed Group") && other(cast.Actor2):
		cast.Actor1 = byName[best]
	case strings.HasPrefix(cast.Actor2.Name, "Unidentified Armed Group") && other(cast.Actor1):
		cast.Actor2 = byName[best]
	}
}

// coherentType keeps the type consistent with who acted: an armed group or state forces initiating
// make political violence, not a riot or a protest (those are crowds' events).
func (c *Coder) coherentType(text string, pred classify.Prediction, cast actor.Cast) classify.Prediction {
	if pred.EventType != event.Riots && pred.EventType != event.Protests {
		return pred
	}
	switch cast.Actor1.Inter {
	case 1, 2, 3, 4, 8:
	default:
		return pred
	}
	alt := ""
	for _, t := range []string{event.Battles, event.ExplosionsRemote, event.ViolenceCivilians} {
		if alt == "" || pred.TypeScores[t] > pred.TypeScores[alt] {
			alt = t
		}
	}
	var p classify.Prediction
	switch alt {
	case event.Battles:
		p = c.model.Decide(text, classify.Cues{ArmedTarget: true})
	case event.ViolenceCivilians:
		p = c.model.Decide(text, classify.Cues{CivilianTarget: true})
	default:
		p = c.model.Predict(text)
	}
	if p.EventType != alt {
		p.EventType, p.SubEventType = alt, event.SubEventTypes[alt][map[string]int{event.Battles: 0, event.ViolenceCivilians: 1, event.ExplosionsRemote: 3}[alt]]
	}
	p.Confidence = pred.TypeScores[alt]
	p.TypeScores = pred.TypeScores
	return p
}
