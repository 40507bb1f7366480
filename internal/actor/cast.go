package actor

import (
	"strings"
	"time"
)

// Cast is the actors of one event with their roles, as ACLED codes them.
type Cast struct {
	Actor1, Actor2         Actor
	Assoc1, Assoc2         []Actor
	Actor1Span, Actor2Span [2]int // evidence spans (0,0 if none)
	CivilianTarget         bool   // actor2 is civilians (→ civilian_targeting)
}

// Context is what the caller knows of the event whose actors are cast.
type Context struct {
	Country   string // ACLED country name of the event
	Date      time.Time
	EventType string // ACLED event type if known, may be ""
}

// Cue words. Violence verbs make a clause an event; protest and riot words say who acts when no
// armed actor does; passive markers and "by" turn the roles round.
var (
	violenceCues = wordSet(`attack attacked attacks attacking ambush ambushed ambushes raid raided raids stormed
		assault assaulted struck strike strikes hit targeted target targeting fired fire shot shooting shoot killed kill
		kills killing murdered murder executed assassinated beheaded slaughtered massacred massacre abducted abduct
		abducting kidnapped kidnap kidnapping seized seize captured capture burned burnt torched looted loot destroyed
		bombed bombing shelled shelling clashed clash clashes clashing fought fighting engaged repelled repulsed overran
		invaded harassed tortured beat beaten raped lynched arrested arrest detained intercepted neutralized neutralised
		dislodged launched conducted detonated planted exploded stole stolen robbed extorted threatened chased pursued
		injured wounded hacked stabbed occupied overtook surrounded besieged vandalized vandalised razed rustled
		airstrike airstrikes bombarded targeting incursion offensive battle battled confrontation confronted rounded
		assaulting mutilated lynching burning dispersed teargas operation operations dismantled encountered neutralised
		gunfire exchanged fight fights brawl destroy destroys kills abducts kidnaps raids storms invade invades ambushes
		loots burn burns torch torches shoot shoots execute executes behead beheads overrun overruns seize seizes rape
		rapes stab stabs hack assaults clash shelled engage engages repel repels arrests detain detains abduct injuring
		wounding beating raiding torching clear cleared clears neutralize neutralise neutralizes bomb bombs intercept
		attaque attaquee attaquees attaques attaquent attaquant tue tues tuee tuees tuant tuent enleve enleves enlevee
		enlevees enlevement embuscade affrontements affrontement combats incendie incendies pille pilles assassine
		assassines bombarde bombardement frappe frappes neutralise neutralises execute executes
		atacaram atacou ataque ataques atacado atacados atacada mataram matou mortos morto raptaram raptou emboscada
		confrontos confronto combates incendiaram incendiou decapitaram decapitou saquearam assassinaram`)
	clashCues = wordSet(`clashed clash clashes clashing fought fighting battle battled confrontation confronted exchanged skirmish skirmishes
		affrontements affrontement combats confrontos confronto combates`)
	protestCues = wordSet(`protest protested protests protesting demonstrated demonstration demonstrations demonstrating marched 
		marches rallied rally sit picketed petition boycott boycotted manifestation manifestations manifestaram demonstrate
		streets walkout gathered demanded demanding denounced denouncing banners manifeste manifestent marche marches
		greve protestation protesto protestos manifestacao manifestacoes manifestaram marcha`)
	riotCues = wordSet(`riot riots rioted rioting rioters mob mobs lynched lynching vandalized vandalised looted burned burnt
		burning torched stoned stones pelted ransacked stormed beat beaten ablaze alight clashed fought threw throwing damaged
		smashed destroyed jeered swarmed barricaded barricading vandalising vandalizing burn burns clash clashes brawl fight`)
	resistCues = wordSet(`repelled repulsed responded resisted retaliated fought clashed exchanged counterattacked intervened
		repel repulse engaged`)
	interventionCues = wordSet(`dispersed disperse teargas tear arrested arrest fired shot intervened blocked beat beaten repressed
		ended stopped prevented halted broke`)
	passiveAux     = wordSet(`was were been being is are got ete foram foi sido`)
	conflictCues   = wordSet(`clashes clash clashed violence fighting fights fight fought conflict conflicts confrontation confrontations battle battles hostilities skirmishes feud tensions dispute disputes war shootout gunfight`)
	riotStrongCues = wordSet(`riot riots rioting rioted rioters forcibly overran overpowered breach breached stones stoning`)
	harmVerbCues   = wordSet(`killed shot executed murdered tortured raped abducted injured wounded beat beaten assaulted`)
	strikeCues     = wordSet(`struck strikes hit hits triggered stepped ran detonated`)
	explosiveCues  = wordSet(`ied ieds mine mines landmine landmines explosive explosives device bomb`)
	brawlCues      = wordSet(`clash clashes clashed fight fights fought brawl brawls fracas scuffle scuffles`)
	mobCues        = wordSet(`lynched lynching lynch lynches mob mobs beaten stoned`)
	harmCues       = wordSet(`lynched lynching killed beat beaten assaulted attacked stabbed injured wounded burned hacked`)
	hedgeCues      = [][]string{{"presumably"}, {"possibly"}, {"probably"}, {"likely"}, {"allegedly"}, {"reportedly"}, {"from"}, {"members", "of"}, {"suspected", "to", "be"}, {"believed", "to", "be"}, {"suspected", "to", "belong", "to"}, {"said", "to", "belong", "to"}, {"of"}, {"of", "the"}, {"du"}, {"de"}, {"des"}, {"do"}, {"da"}, {"dos"}}
	escortCues     = [][]string{{"escorted"}, {"guarded"}, {"protected"}, {"accompanied"}, {"manned"}}
	assocCues      = [][]string{{"with", "the", "support", "of"}, {"supported", "by"}, {"backed", "by"}, {"alongside"}, {"with", "support", "from"}, {"assisted", "by"}, {"with", "the", "help", "of"}, {"and", "their"}, {"and", "its"}}
	byCues         = [][]string{{"by"}, {"attributed", "to"}, {"claimed", "by"}, {"blamed", "on"}, {"linked", "to"}, {"belonging", "to"}, {"believed", "to", "be"}, {"suspected", "to", "be"}, {"presumably", "by"}, {"carried", "out", "by"}, {"at", "the", "hands", "of"}, {"believed", "to", "belong", "to"}, {"suspected", "of", "being"}, {"identified", "as"}, {"par"}, {"por"}, {"pelos"}, {"pelas"}}
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// castMention is a mention placed in the token stream and resolved for the event.
type castMention struct {
	Mention
	i, j  int // token range
	actor Actor
	assoc []Actor // units named with it ("Katiba Macina (JNIM)")
	crowd bool    // a group that demonstrates rather than fights (a party's supporters)
}

func (m castMention) armed() bool {
	if m.crowd {
		return false
	}
	switch m.Generic {
	case "civilians", "protesters", "rioters", "government":
		return false
	}
	return isArmed(m.actor)
}

// isArmed reports actors that fight: state forces, rebels, militias, external forces (not crowds,
// civilians, or the groups ACLED only lists alongside them: Women, Taxi Drivers).
func isArmed(a Actor) bool {
	return a.Name != "" && (a.Inter >= 1 && a.Inter <= 4 || a.Inter == 8)
}

// protestCue reports a protest word; "march" counts in lower case only (not the month).
func protestCue(t token) bool {
	if t.norm == "march" {
		return !t.title
	}
	return protestCues[t.norm]
}

func (m castMention) span() [2]int { return [2]int{m.Start, m.End} }

// Cast assigns roles from the event's sentences text[start:end]: actor1 the initiator, actor2 the
// target, associated actors alongside either side; generic words are resolved by context.
func (d *Dictionary) Cast(text string, start, end int, c Context) Cast {
	start, end = clampSpan(text, start, end)
	toks := tokenize(text, start, end)
	sents := sentenceBounds(text, toks)
	var ms []castMention
	for _, m := range d.Find(text, start, end) {
		cm := castMention{Mention: m, actor: d.Resolve(m, c.Country, c.Date)}
		cm.i, cm.j = tokenRange(toks, m.Start, m.End)
		cm.crowd = d.crowds[d.plainName(cm.actor.Name)] || (m.Generic == "" && cm.actor.Inter != 1 && cm.actor.Inter != 2 && cm.actor.Inter != 8 && supporters(toks, cm.i, cm.j))
		ms = append(ms, cm)
	}
	ms = d.joinAlternatives(text, ms, c)
	ms = d.bracketParents(text, ms, c.Date)

	r := roles{ms: ms, a1: -1, a2: -1}
	v := r.mainClause(toks, sents)
	between := r.between(toks)
	if between {
		// Two peoples or camps fighting each other are their militias, not civilians.
		for _, k := range []int{r.a1, r.a2} {
			if ms[k].Generic == "civilians" {
				ms[k].actor = d.resolveGeneric("militia", "", "", c.Country, c.Date)
				ms[k].Generic = "militia"
			}
		}
	}
	r.resistance(toks, sents)
	r.takeover(toks)
	r.fallbacks(toks)
	clashing := between || (v >= 0 && clashCues[toks[v].norm])
	for _, k := range []int{r.a1, r.a2} {
		if k < 0 {
			continue
		}
		g := ms[k].Generic
		if g == "militia" || (g == "civilians" && clashing && !hasCue(toks, protestCues)) {
			if place := placeOf(text, toks, sents, ms[k].i, ms[k].j, g == "militia"); place != "" && !d.knownWord(place) {
				// "a youth militia from Karaga": ACLED names communal militias by their place.
				ms[k].actor = Actor{Name: place + " Communal Militia (" + c.Country + ")", Inter: 4, Country: c.Country}
				ms[k].Generic = "militia"
			}
		}
	}
	r.a1 = r.attributed(toks, r.a1)
	r.a2 = r.attributed(toks, r.a2)
	if r.a2 >= 0 && (ms[r.a2].Generic == "unidentified" || ms[r.a2].Generic == "jihadists") {
		// "destroyed a Boko Haram camp, killing a militant": the named group is the adversary.
		for idx, m := range ms {
			if m.Generic == "" && m.armed() && idx != r.a1 && (r.a1 < 0 || m.actor.Name != ms[r.a1].actor.Name) {
				r.a2 = idx
				break
			}
		}
	}

	if r.a2 >= 0 && r.a1 >= 0 && ms[r.a1].armed() && bareEthnic(ms[r.a2], toks) && !(v >= 0 && clashCues[toks[v].norm]) && !between && !hasCue(toks, resistCues) {
		// "attacked members of the Fulani community": the people, not their militia.
		ms[r.a2].crowd = true
	}
	var out Cast
	if r.a2 >= 0 && ms[r.a2].Generic == "" && !ms[r.a2].armed() && r.a1 >= 0 && ms[r.a1].armed() {
		// An armed group's victims named by their party or trade (an APC chieftain, teachers) are
		// civilians, the group their associate.
		victim := ms[r.a2]
		group := victim.actor
		if strings.Contains(group.Name, " Ethnic Militia") {
			// The people, not their militia: ACLED lists them as an ethnic group.
			group.Name, group.Inter = strings.Replace(group.Name, " Ethnic Militia", " Ethnic Group", 1), 7
		}
		victim.assoc = append(victim.assoc, group)
		victim.actor = d.resolveGeneric("civilians", "", "", c.Country, c.Date)
		ms[r.a2] = victim
	}
	if r.a1 >= 0 {
		out.Actor1, out.Actor1Span = ms[r.a1].actor, ms[r.a1].span()
	}
	if r.a2 >= 0 {
		out.Actor2, out.Actor2Span = ms[r.a2].actor, ms[r.a2].span()
	}
	for _, k := range r.assoc1 {
		out.Assoc1 = appendActor(out.Assoc1, ms[k].actor, out.Actor1)
	}
	for _, k := range r.assoc2 {
		out.Assoc2 = appendActor(out.Assoc2, ms[k].actor, out.Actor2)
	}
	for _, k := range []int{r.a1, r.a2} {
		if k >= 0 {
			for _, a := range ms[k].assoc {
				if k == r.a1 {
					out.Assoc1 = appendActor(out.Assoc1, a, out.Actor1)
				} else {
					out.Assoc2 = appendActor(out.Assoc2, a, out.Actor2)
				}
			}
		}
	}
	crowd := r.a1 >= 0 && !ms[r.a1].armed()
	verbAt := -1
	verb := ""
	if v >= 0 {
		switch {
		case protestCue(toks[v]):
			verb = "protest"
		case violenceCues[toks[v].norm], riotCues[toks[v].norm]:
			verb = "violence"
		}
	}
	if v >= 0 {
		verbAt = toks[v].start
	}
	a1Class := ""
	if r.a1 >= 0 {
		a1Class = ms[r.a1].Generic
	}
	d.applyEventType(&out, ms, toks, c, crowd, verb, verbAt, a1Class)
	d.promoteParents(&out, c.Date)
	if out.Actor2.Name != "" && out.Actor2.Name == out.Actor1.Name && out.Actor1.Inter != 5 {
		out.Actor2, out.Actor2Span = Actor{}, [2]int{}
	}
	out.CivilianTarget = out.Actor2.Inter == 7 && out.Actor1.Inter != 7 && out.Actor1.Inter != 6
	return out
}

// roles holds the mentions chosen for each side while casting.
type roles struct {
	ms             []castMention
	a1, a2         int
	assoc1, assoc2 []int
}

// mainClause reads the first sentence with an event verb: the subject before the verb is actor1, the
// object after it actor2; a passive verb ("were attacked by X") turns them round; "X and Y clashed"
// gives both sides. It returns the verb's token index (-1 if none).
func (r *roles) mainClause(toks []token, sents [][2]int) int {
	ms := r.ms
	s0, s1, v := 0, len(toks), -1
	for _, s := range sents {
		if k := firstCue(toks, s[0], s[1], violenceCues, protestCues, riotCues); k >= 0 {
			s0, s1, v = s[0], s[1], k
			break
		}
	}
	if v < 0 {
		return -1
	}
	// The verb is the first cue after the sentence's first mention when there is one before it
	// ("JNIM militants attacked"); a cue inside a mention ("attackers") is not a verb.
	for v < s1 && insideMention(ms, v) {
		v++
		if k := firstCue(toks, v, s1, violenceCues, protestCues, riotCues); k >= 0 {
			v = k
		} else {
			return -1
		}
	}
	passive := false
	for k := v - 2; k < v; k++ {
		if k >= s0 && passiveAux[toks[k].norm] {
			passive = true
		}
	}
	byAt := findPhrase(toks, v+1, min(s1, v+8), byCues)
	if byAt >= 0 && byAt < len(toks) && strings.HasSuffix(toks[byAt].norm, "ing") {
		byAt = -1 // "killed a man by setting him on fire": a means, not an agent
	}
	var before, after []int
	for idx, m := range ms {
		if m.i < s0 || m.i >= s1 {
			continue
		}
		if m.i < v {
			before = append(before, idx)
		} else {
			after = append(after, idx)
		}
	}
	// "X and Y clashed" sets two sides; "X and Y clashed with Z" sets one side against Z.
	clash := clashCues[toks[v].norm] && !(v+1 < s1 && toks[v+1].norm == "with")
	if strikeCues[toks[v].norm] && firstCue(toks, v+1, min(s1, v+5), explosiveCues) >= 0 {
		// "a Malian army vehicle struck an IED": the subject is the target; the device's owner is
		// named elsewhere ("planted by ...") or unknown.
		for _, idx := range before {
			if r.a2 < 0 || (!ms[r.a2].armed() && ms[idx].armed()) {
				r.a2 = idx
			}
		}
		return v
	}
	if passive || (byAt >= 0 && !anyArmed(ms, before)) {
		// "Y were attacked by X": the agent follows "by" (a crowd when no armed party does: "attacked
		// by angry voters").
		for _, idx := range after {
			if byAt >= 0 && ms[idx].i >= byAt && ms[idx].armed() {
				r.a1 = idx
				break
			}
		}
		if r.a1 < 0 && byAt >= 0 {
			for _, idx := range after {
				if g := ms[idx].Generic; ms[idx].i >= byAt && ms[idx].i <= byAt+3 && (g == "civilians" || g == "rioters" || g == "protesters" || ms[idx].crowd) {
					r.a1 = idx
					break
				}
			}
		}
		for _, idx := range before {
			if r.a2 < 0 || (!ms[r.a2].armed() && ms[idx].armed()) {
				r.a2 = idx
			}
		}
		return v
	}
	for n, idx := range before {
		m := ms[idx]
		joined := n > 0 && sameSideJoin(toks, ms[before[n-1]].j, m.i)
		switch {
		case !m.armed():
		case r.a1 < 0:
			r.a1 = idx
		case joined && !plainAnd(toks, ms[before[n-1]].j, m.i):
			// "Malian troops and their Russian allies", "soldiers alongside VDP": one side.
			r.assoc1 = append(r.assoc1, idx)
		case clash && r.a2 < 0 && m.actor.Name != ms[r.a1].actor.Name:
			// "JNIM and ISGS militants clashed": the two sides.
			r.a2 = idx
		case joined:
			r.assoc1 = append(r.assoc1, idx)
		}
	}
	if r.a1 < 0 && len(before) > 0 {
		// A crowd as subject: residents who protest, youths who riot.
		for _, idx := range before {
			if g := ms[idx].Generic; g == "civilians" || g == "protesters" || g == "rioters" || ms[idx].crowd {
				r.a1 = idx
				break
			}
		}
	}
	for n, idx := range after {
		m := ms[idx]
		if r.a1 >= 0 && m.actor.Name == ms[r.a1].actor.Name || m.Generic == "government" {
			continue
		}
		if byAt >= 0 && m.i >= byAt && r.a1 >= 0 {
			continue
		}
		switch {
		case r.a2 < 0:
			r.a2 = idx
		case !ms[r.a2].armed() && m.armed() && r.a1 >= 0 && ms[r.a1].armed() && m.i < s1 && findPhrase(toks, ms[r.a2].j, m.i, escortCues) >= 0:
			// "attacked a convoy escorted by soldiers": the armed party is the target.
			r.a2 = idx
		case n > 0 && m.armed() == ms[r.a2].armed() && sameSideJoin(toks, ms[after[n-1]].j, m.i):
			r.assoc2 = append(r.assoc2, idx)
		}
	}
	if r.a1 < 0 && byAt >= 0 {
		for _, idx := range after {
			if ms[idx].i >= byAt && ms[idx].armed() {
				r.a1 = idx
				break
			}
		}
	}
	return v
}

// objectOfVerb reports a mention close after the verb (within a few words), part of its object.

func insideMention(ms []castMention, k int) bool {
	for _, m := range ms {
		if k >= m.i && k < m.j {
			return true
		}
	}
	return false
}

// placeOf reads the place a group is from: "militias from Doba", "youths of Koumbara", "the Karaga
// community", "Isu community". It returns "" when no capitalised place name is there.
func placeOf(text string, toks []token, sents [][2]int, i, j int, militia bool) string {
	sentStart := func(k int) bool {
		for _, s := range sents {
			if s[0] == k {
				return true
			}
		}
		return k == 0
	}
	name := func(from, to int) string {
		var parts []string
		for k := from; k < to && k < len(toks) && k < from+3; k++ {
			if notPlace[toks[k].norm] {
				return ""
			}
			if !toks[k].title || toks[k].upper && len(toks[k].norm) <= 2 {
				break
			}
			parts = append(parts, text[toks[k].start:toks[k].end])
			if k+1 < len(toks) && strings.ContainsAny(text[toks[k].end:toks[k+1].start], ",.;:()") {
				break
			}
		}
		return strings.Join(parts, " ")
	}
	if j < len(toks) && (toks[j].norm == "from" || toks[j].norm == "of" && militia) {
		k := j + 1
		if k < len(toks) && (toks[k].norm == "the" || toks[k].norm == "village" || toks[k].norm == "town") {
			k++
		}
		if k < len(toks) && (toks[k].norm == "village" || toks[k].norm == "town" || toks[k].norm == "of") {
			k++
		}
		if p := name(k, len(toks)); p != "" {
			return p
		}
	}
	if i > 0 && toks[i-1].title && !sentStart(i-1) && !sentStart(i) && j-i == 1 && !notPlace[toks[i-1].norm] {
		switch toks[i].norm {
		case "community", "communities", "youths", "youth", "villagers", "militia", "militias", "militiamen", "residents", "natives", "indigenes":
			return text[toks[i-1].start:toks[i-1].end]
		}
	}
	return ""
}

// notPlace lists capitalised words that do not name a place of origin (months, days, institutions).
var notPlace = wordSet(`january february march april may june july august september october november december jan feb mar
	apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday university college
	school polytechnic state party congress association union movement church mosque market ministry police army
	government local two three several some the a an`)

// knownWord reports a word that names a country, a nationality or an actor: not a place of origin.
func (d *Dictionary) knownWord(s string) bool {
	k := normKey(s)
	if _, ok := d.nationality[k]; ok || d.countries[s] {
		return true
	}
	_, ok := d.idx.forms[k]
	return ok
}

// between reads "clashes between X and Y", "violence between the Dadjo and Mouro communities": the
// two parties are the sides, whatever the clause's verb. It reports whether it set them.
func (r *roles) between(toks []token) bool {
	for k, t := range toks {
		if t.norm != "between" || firstCue(toks, max(0, k-4), k, conflictCues) < 0 {
			continue
		}
		var first, second = -1, -1
		for idx, m := range r.ms {
			switch {
			case first < 0 && m.i > k && m.i <= k+3:
				first = idx
			case first >= 0 && second < 0 && m.i > r.ms[first].j && m.i <= r.ms[first].j+3:
				gap := toks[r.ms[first].j:m.i]
				for _, g := range gap {
					if g.norm == "and" || g.norm == "et" || g.norm == "e" {
						second = idx
					}
				}
			}
		}
		if first >= 0 && second >= 0 {
			r.a1, r.a2 = first, second
			r.assoc1, r.assoc2 = nil, nil
			return true
		}
	}
	return false
}

// resistance finds the armed party that fought back ("the army repelled the attack", "village
// self-defense responded") when the target so far is civilians or nobody.
func (r *roles) resistance(toks []token, sents [][2]int) {
	ms := r.ms
	if r.a1 < 0 || !ms[r.a1].armed() || (r.a2 >= 0 && ms[r.a2].armed()) {
		return
	}
	for _, s := range sents {
		k := firstCue(toks, s[0], s[1], resistCues)
		if k < 0 {
			continue
		}
		for idx, m := range ms {
			if m.i >= s[0] && m.i < s[1] && m.armed() && m.actor.Name != ms[r.a1].actor.Name {
				r.a2 = idx
				return
			}
		}
	}
}

// attributed replaces an unidentified party by the group it is said to belong to: "unknown gunmen
// (believed to be Katiba Macina militants)", "gunmen believed to belong to ASWJ".
func (r *roles) attributed(toks []token, k int) int {
	if k < 0 || (r.ms[k].Generic != "unidentified" && r.ms[k].Generic != "jihadists") {
		return k
	}
	j := r.ms[k].j
	if at := findPhrase(toks, j, min(j+3, len(toks)), append(byCues, hedgeCues...)); at >= 0 {
		for idx, m := range r.ms {
			if m.i >= at && m.i <= at+3 && m.armed() && m.Generic != r.ms[k].Generic {
				return idx
			}
		}
	}
	return k
}

// fallCues say who took a place, whatever the clause's subject: "the town, which fell into the hands
// of the insurgents", "the base fell to JNIM".
var fallCues = [][]string{{"fell", "into", "the", "hands", "of"}, {"fell", "in", "the", "hands", "of"}, {"fell", "to"}, {"fallen", "to"}, {"fallen", "into", "the", "hands", "of"}}

// takeover makes the armed party a place fell to the initiator, the side it took it from the target.
func (r *roles) takeover(toks []token) {
	k := findPhrase(toks, 0, len(toks), fallCues)
	if k < 0 {
		return
	}
	for idx, m := range r.ms {
		if m.i < k || m.i > k+3 || !m.armed() {
			continue
		}
		if r.a1 == idx {
			return
		}
		if r.a1 >= 0 && r.ms[r.a1].armed() {
			r.a2 = r.a1
		} else if r.a2 == idx {
			r.a2 = -1
		}
		r.a1 = idx
		return
	}
}

// fallbacks fill the roles the main clause left empty from the rest of the text.
func (r *roles) fallbacks(toks []token) {
	ms := r.ms
	if r.a1 < 0 {
		if k := findPhrase(toks, 0, len(toks), byCues); k >= 0 {
			for idx := range ms {
				if ms[idx].i >= k && ms[idx].i <= k+4 && ms[idx].armed() {
					r.a1 = idx
					break
				}
			}
		}
	}
	if r.a1 < 0 {
		for idx := range ms {
			if ms[idx].armed() && (r.a2 < 0 || ms[idx].actor.Name != ms[r.a2].actor.Name) {
				r.a1 = idx
				break
			}
		}
	}
	if r.a1 < 0 && !hasCue(toks, violenceCues) {
		// Decisions of the state (curfews, states of emergency) are the government's.
		for idx := range ms {
			if ms[idx].Generic == "government" {
				r.a1 = idx
				break
			}
		}
	}
	if r.a1 >= 0 && ms[r.a1].armed() && r.a2 < 0 {
		for idx := range ms {
			m := ms[idx]
			if m.actor.Name != ms[r.a1].actor.Name && m.Start > ms[r.a1].Start && m.armed() {
				r.a2 = idx
				return
			}
		}
		for idx := range ms {
			if ms[idx].actor.Name != ms[r.a1].actor.Name && ms[idx].Generic == "civilians" {
				r.a2 = idx
				return
			}
		}
	}
}

// bareEthnic reports an ethnic militia named by its people alone ("the Fulani community", "Fulani"),
// which as a target means civilians of that people.
func bareEthnic(m castMention, toks []token) bool {
	if m.Generic != "" || !strings.Contains(m.actor.Name, "Ethnic Militia") || m.j == 0 || m.j > len(toks) {
		return false
	}
	switch toks[m.j-1].norm {
	case "militia", "militias", "militiamen", "herdsmen", "herders", "gunmen", "fighters", "militants", "attackers", "assailants", "vigilantes", "youths":
		return false
	}
	return true
}

// supporters reports a group named as its followers: "NPP supporters", "supporters of the PDP".
func supporters(toks []token, i, j int) bool {
	if j < len(toks) {
		switch toks[j].norm {
		case "supporters", "youth", "youths", "activists", "partisans", "loyalists", "sympathizers", "sympathisers", "members", "workers", "faithful",
			"party", "member", "official", "officials", "candidate", "candidates", "campaigner", "campaigners", "deputy", "delegate", "delegates", "mp", "councillor", "councilor", "agent", "agents", "women", "office", "offices", "headquarters", "secretariat", "rally", "meeting":
			return true
		}
	}
	if i >= 2 && (toks[i-1].norm == "of" || (toks[i-1].norm == "the" && i >= 3)) {
		k := i - 2
		if toks[i-1].norm == "the" {
			k = i - 3
		}
		switch toks[k].norm {
		case "supporters", "activists", "partisans", "loyalists", "sympathizers", "sympathisers", "members", "youths":
			return true
		}
	}
	return false
}

// bracketParents codes "Katiba Macina (JNIM)" as ACLED does: the group in brackets is the actor, the
// named unit its associate.
func (d *Dictionary) bracketParents(text string, ms []castMention, date time.Time) []castMention {
	var out []castMention
	for k := 0; k < len(ms); k++ {
		m := ms[k]
		if k+1 < len(ms) && m.Generic == "" && ms[k+1].Generic == "" && m.actor.Name != ms[k+1].actor.Name {
			n := ms[k+1]
			if strings.TrimSpace(text[m.End:n.Start]) == "(" {
				child := d.plainName(m.actor.Name)
				if _, known := d.parents[child]; known && d.parentOf(child, date) == "" {
					// ACLED codes the unit itself at this date, its parent alongside.
					m.assoc = append(m.assoc, n.actor)
				} else {
					m.assoc = append(m.assoc, m.actor)
					m.actor = n.actor
				}
				m.End, m.j = n.End, n.j
				k++
			}
		}
		out = append(out, m)
	}
	return out
}

// applyEventType makes the roles agree with the event type (known or read from the cue words):
// demonstrations have the crowd as actor1, civilians are the target of violence against civilians,
// a violent event with a victim but no named perpetrator has an unidentified armed group.
func (d *Dictionary) applyEventType(out *Cast, ms []castMention, toks []token, c Context, crowdSubject bool, verb string, verbAt int, a1Class string) {
	t := c.EventType
	violent := verb == "violence"
	armed1 := isArmed(out.Actor1) && !crowdSubject
	protest, riot := hasCue(toks, protestCues), hasCue(toks, riotCues) || violentProtest(toks) || hasCue(toks, riotStrongCues)
	crowdWord := false
	for _, m := range ms {
		if m.Generic == "protesters" || m.Generic == "rioters" {
			crowdWord = true
		}
	}
	if t == "" && verb == "protest" && (out.Actor1.Inter != 1 || out.Actor1Span[1] <= verbAt) {
		// "PDP youth protest ...": the demonstration is the event, a named group joins the crowd.
		t = "Protests"
		if riot {
			t = "Riots"
		}
	}
	if t == "" && out.Actor1.Inter == 1 && (out.Actor2.Name == "" || out.Actor2.Inter >= 5 && out.Actor2.Inter <= 7) &&
		(hasCue(toks, riotStrongCues) || violentProtest(toks) || (out.Actor2.Inter == 7 && hasCue(toks, clashCues) && !hasCue(toks, harmVerbCues))) {
		// "Police clashed with rioting fans", "clashes between vendors and police": a riot with
		// the police as the other side.
		t = "Riots"
		out.Actor1, out.Actor2 = out.Actor2, out.Actor1
		out.Actor1Span, out.Actor2Span = out.Actor2Span, out.Actor1Span
	}
	if t == "" && out.Actor1.Inter == 1 && (protest || crowdWord) && hasCue(toks, interventionCues) && !hasCue(toks, harmVerbCues) {
		// "Police used teargas to disperse the crowd": the crowd is actor1, the police actor2.
		t = "Protests"
		if riot || riotOnly(toks) {
			t = "Riots"
		}
	}
	if t == "" && !armed1 {
		switch {
		case (crowdSubject || crowdWord) && (riot || riotOnly(toks)):
			t = "Riots"
		case crowdSubject && violent:
			// "students attacked the police station (to protest ...)": the violence decides.
			t = "Riots"
		case (crowdSubject || crowdWord) && protest:
			t = "Protests"
		case crowdSubject && violent:
			t = "Riots"
		case hasCue(toks, mobCues):
			// A lynching with no armed group named is mob violence.
			t = "Riots"
		case protest && !violent:
			t = "Protests"
		}
	}
	if t == "" && a1Class == "militia" && hasCue(toks, mobCues) {
		// Vigilantes who lynch a suspect are a mob.
		t = "Riots"
		out.Actor1 = Actor{}
	}
	crowd := func(class string) Actor { return d.resolveGeneric(class, "", "", c.Country, c.Date) }
	switch t {
	case "Protests", "Riots":
		class := "protesters"
		if t == "Riots" {
			class = "rioters"
		}
		if out.Actor1.Inter != 6 && out.Actor1.Inter != 5 {
			if armed1 && out.Actor1.Inter != 1 && out.Actor2.Name == "" {
				out.Assoc1 = appendActor(out.Assoc1, out.Actor1, Actor{})
			}
			if out.Actor1.Inter == 1 {
				out.Actor2, out.Actor2Span = out.Actor1, out.Actor1Span
			}
			out.Actor1, out.Actor1Span = crowd(class), [2]int{}
		} else {
			out.Actor1 = crowd(class)
		}
		// Actor2 of a demonstration is who intervened (police) or whom a mob attacked.
		if out.Actor2.Name != "" && out.Actor2.Inter != 1 && t == "Protests" {
			out.Actor2, out.Actor2Span = Actor{}, [2]int{}
		}
		if out.Actor2.Name == "" {
			for _, m := range ms {
				if (m.Generic == "police" || m.Generic == "military" || m.Generic == "gendarmes" || m.actor.Inter == 1) && (t == "Riots" || hasCue(toks, interventionCues)) {
					out.Actor2, out.Actor2Span = m.actor, m.span()
					break
				}
			}
		}
		if out.Actor2.Inter == 6 || (out.Actor2.Inter == 5 && t == "Protests") {
			out.Actor2, out.Actor2Span = Actor{}, [2]int{}
		}
		if t == "Riots" && (out.Actor2.Name == "" || out.Actor2.Inter == 7) && hasCue(toks, brawlCues) && !hasCue(toks, harmVerbCues) {
			// Two crowds fighting each other: rioters on both sides.
			out.Actor2, out.Actor2Span = crowd("rioters"), [2]int{}
		}
		if out.Actor2.Name == "" && t == "Riots" && violent {
			// A mob's violence falls on the people it names after the verb, else on someone: a
			// lynching or a beating has a civilian victim.
			for _, m := range ms {
				if m.Generic == "civilians" && m.Start > out.Actor1Span[0] && m.Start != out.Actor1Span[0] && (out.Actor1Span == [2]int{} || m.Start >= out.Actor1Span[1]) {
					out.Actor2, out.Actor2Span = m.actor, m.span()
					break
				}
			}
			if out.Actor2.Name == "" && hasCue(toks, harmCues) {
				out.Actor2 = crowd("civilians")
			}
		}
		return
	case "Violence against civilians":
		if out.Actor2.Inter != 7 {
			if out.Actor1.Inter == 7 && out.Actor2.Name != "" {
				out.Actor1, out.Actor2 = out.Actor2, out.Actor1
				out.Actor1Span, out.Actor2Span = out.Actor2Span, out.Actor1Span
			} else {
				out.Actor2, out.Actor2Span = crowd("civilians"), civilianSpan(ms)
			}
		}
	case "Battles":
		if out.Actor2.Inter == 7 || out.Actor2.Name == "" {
			for _, m := range ms {
				if m.armed() && m.actor.Name != out.Actor1.Name {
					out.Actor2, out.Actor2Span = m.actor, m.span()
					break
				}
			}
		}
	}
	if !armed1 && violent {
		// Victims but no perpetrator named: an unidentified armed group.
		if out.Actor1.Inter == 7 && out.Actor2.Name == "" {
			out.Actor2, out.Actor2Span = out.Actor1, out.Actor1Span
		}
		out.Actor1, out.Actor1Span = crowd("unidentified"), [2]int{}
		if out.Actor2.Name == "" {
			out.Actor2, out.Actor2Span = crowd("civilians"), civilianSpan(ms)
		}
	}
	if out.Actor2.Name == "" && violent && armed1 && t != "Battles" {
		// An armed group's violence with no other party named falls on civilians.
		out.Actor2, out.Actor2Span = crowd("civilians"), civilianSpan(ms)
	}
}

// violentProtest reports "violent protest(s)/demonstration(s)/clashes".
func violentProtest(toks []token) bool {
	for k := 0; k+1 < len(toks); k++ {
		if (toks[k].norm == "violent" || toks[k].norm == "violently") && (protestCue(toks[k+1]) || clashCues[toks[k+1].norm]) {
			return true
		}
	}
	return false
}

// riotOnly reports text whose crowd words are of a mob, not a protest.
func riotOnly(toks []token) bool {
	for _, t := range toks {
		switch t.norm {
		case "mob", "mobs", "rioters", "lynched", "lynching":
			return true
		}
	}
	return false
}

func civilianSpan(ms []castMention) [2]int {
	for _, m := range ms {
		if m.Generic == "civilians" {
			return m.span()
		}
	}
	return [2]int{}
}

// promoteParents codes a group as ACLED does when it usually appears as the associate of a parent
// group (Katiba Macina under JNIM): the parent becomes the actor, the group its associate.
func (d *Dictionary) promoteParents(out *Cast, date time.Time) {
	if p := d.parentOf(d.plainName(out.Actor1.Name), date); p != "" && d.plainName(out.Actor2.Name) != p {
		child := out.Actor1
		out.Actor1 = d.finishLike(p, child)
		out.Assoc1 = appendActor(out.Assoc1, child, out.Actor1)
	}
	if p := d.parentOf(d.plainName(out.Actor2.Name), date); p != "" && d.plainName(out.Actor1.Name) != p {
		child := out.Actor2
		out.Actor2 = d.finishLike(p, child)
		out.Assoc2 = appendActor(out.Assoc2, child, out.Actor2)
	}
}

func (d *Dictionary) plainName(name string) string {
	p, _, _, _ := stripEra(name)
	return p
}

func (d *Dictionary) finishLike(name string, like Actor) Actor {
	a := d.finish(name, like.Country, time.Time{})
	if a.Inter == 0 {
		a.Inter = like.Inter
	}
	return a
}

func appendActor(list []Actor, a, main Actor) []Actor {
	if a.Name == "" || a.Name == main.Name {
		return list
	}
	for _, x := range list {
		if x.Name == a.Name {
			return list
		}
	}
	return append(list, a)
}

// joinAlternatives merges "JNIM and/or ISGS" / "ISWAP or Boko Haram" into ACLED's combined name when
// ACLED uses it.
func (d *Dictionary) joinAlternatives(text string, ms []castMention, c Context) []castMention {
	var out []castMention
	for k := 0; k < len(ms); k++ {
		m := ms[k]
		if k+1 < len(ms) && m.Generic == "" && ms[k+1].Generic == "" {
			n := ms[k+1]
			between := strings.ToLower(strings.TrimSpace(text[m.End:n.Start]))
			if between == "or" || between == "and/or" || between == "/" || between == "and / or" {
				a, b := d.plainName(m.actor.Name), d.plainName(n.actor.Name)
				for _, name := range []string{a + " and/or " + b, b + " and/or " + a} {
					if d.combos[name] || d.combosRenamed(name, c.Date) {
						m.actor = d.finish(name, c.Country, c.Date)
						m.End, m.j = n.End, n.j
						m.Text = text[m.Start:m.End]
						k++
						break
					}
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// combosRenamed reports whether a combined name is the later name of a learned combination.
func (d *Dictionary) combosRenamed(name string, date time.Time) bool {
	for old := range d.combos {
		if d.finish(old, "", date).Name == name {
			return true
		}
	}
	return false
}

// sentenceBounds splits the tokens into sentences at ". ", "! ", "? " and line breaks.
func sentenceBounds(text string, toks []token) [][2]int {
	var out [][2]int
	s := 0
	for k := 1; k < len(toks); k++ {
		gap := text[toks[k-1].end:toks[k].start]
		if strings.ContainsAny(gap, ".!?\n") && !abbreviation(toks[k-1]) {
			out = append(out, [2]int{s, k})
			s = k
		}
	}
	return append(out, [2]int{s, len(toks)})
}

func abbreviation(t token) bool {
	switch t.norm {
	case "mr", "mrs", "dr", "st", "gen", "col", "lt", "capt", "sgt", "u", "s", "no", "approx":
		return true
	}
	return len(t.norm) == 1
}

func tokenRange(toks []token, start, end int) (int, int) {
	i, j := len(toks), len(toks)
	for k, t := range toks {
		if t.start >= start && i == len(toks) {
			i = k
		}
		if t.end <= end {
			j = k + 1
		}
	}
	if j < i {
		j = i
	}
	return i, j
}

func firstCue(toks []token, from, to int, sets ...map[string]bool) int {
	for k := from; k < to; k++ {
		for _, s := range sets {
			if s[toks[k].norm] || (toks[k].norm == "march" && !toks[k].title && s["marched"]) {
				return k
			}
		}
	}
	return -1
}

func hasCue(toks []token, set map[string]bool) bool {
	return firstCue(toks, 0, len(toks), set) >= 0
}

// findPhrase returns the token index just after the first occurrence of one of the phrases in
// toks[from:to], or -1.
func findPhrase(toks []token, from, to int, phrases [][]string) int {
	for k := max(from, 0); k < to && k < len(toks); k++ {
	next:
		for _, p := range phrases {
			if k+len(p) > len(toks) {
				continue
			}
			for q, w := range p {
				if toks[k+q].norm != w {
					continue next
				}
			}
			return k + len(p)
		}
	}
	return -1
}

// sameSideJoin reports two mentions joined as one party: "X and Y", "X, Y", "X with Y".
func sameSideJoin(toks []token, prevEnd, i int) bool {
	if prevEnd < 0 || i-prevEnd > 3 {
		return false
	}
	for k := prevEnd; k < i; k++ {
		switch toks[k].norm {
		case "and", "with", "alongside", "their", "its", "e", "et":
		default:
			return false
		}
	}
	return true
}

// plainAnd reports mentions joined by "and" alone (sides of a clash may be), not "and their".
func plainAnd(toks []token, prevEnd, i int) bool {
	return i-prevEnd == 1 && (toks[prevEnd].norm == "and" || toks[prevEnd].norm == "et" || toks[prevEnd].norm == "e")
}

func anyArmed(ms []castMention, idxs []int) bool {
	for _, i := range idxs {
		if ms[i].armed() {
			return true
		}
	}
	return false
}
