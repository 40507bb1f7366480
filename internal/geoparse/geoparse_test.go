package geoparse

import (
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
	"github.com/sitrep-dev/sitrep/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testParser loads the embedded gazetteer once for all tests.
var testParser = sync.OnceValues(func() (*Parser, error) {
	g, err := gazetteer.Default()
	if err != nil {
		return nil, err
	}
	return New(g)
})

func parser(t testing.TB) *Parser {
	t.Helper()
	p, err := testParser()
	if err != nil {
		t.Fatalf("parser: %v", err)
	}
	return p
}

func mentionTexts(d *Doc) []string {
	var out []string
	for _, m := range d.Mentions() {
		out = append(out, m.Text)
	}
	return out
}

func TestNotPlaces(t *testing.T) {
	p := parser(t)
	cases := []struct {
		text   string
		absent []string
		want   []string
	}{
		{"On Sunday, Total said it would resume work near Palma in Cabo Delgado.", []string{"Sunday", "Total"}, []string{"Palma", "Cabo Delgado"}},
		{"Interim president Assimi Goita visited troops in Gao on Monday.", []string{"Assimi", "Goita", "Monday"}, []string{"Gao"}},
		{"Reuters and AFP reported that the Islamic State claimed the attack in Menaka in March.", []string{"Reuters", "AFP", "Islamic", "State", "March"}, []string{"Menaka"}},
		{"Katiba Macina fighters attacked the village of Diallassagou.", []string{"Katiba", "Macina"}, []string{"Diallassagou"}},
		{"General Moussa Traore spoke in Bamako.", []string{"Moussa", "Traore"}, []string{"Bamako"}},
		{"A thief identified only as Ahmad was lynched by a mob in Gwagwalada.", []string{"Ahmad"}, []string{"Gwagwalada"}},
		// A date is no place; a village named after one is, where the context says so.
		{"The accord of 4 de Outubro ended the war; rebels later raided 25 de Setembro village near Montepuez.", []string{"4 de Outubro"}, []string{"25 de Setembro", "Montepuez"}},
	}
	for _, c := range cases {
		d := p.Parse(c.text, Hints{})
		got := mentionTexts(d)
		for _, a := range c.absent {
			for _, g := range got {
				if strings.Contains(g, a) {
					t.Errorf("%q: %q recognised as a place (mentions %q)", c.text, a, got)
				}
			}
		}
		for _, w := range c.want {
			found := false
			for _, g := range got {
				if g == w {
					found = true
				}
			}
			if !found {
				t.Errorf("%q: place %q not found (mentions %q)", c.text, w, got)
			}
		}
	}
}

func TestLocateSentences(t *testing.T) {
	p := parser(t)
	cases := []struct {
		text            string
		country, admin1 string // admin1 "" when any of the country's namesakes will do
		names           []string
		prec            int
	}{
		{"On 3 May, gunmen killed two people in Kadji (Gao, Gao).", "Mali", "Gao", []string{"Kadji"}, 1},
		{"Gunmen killed ten farmers three kilometers from Diallassagou, in the Bandiagara area.", "Mali", "Mopti", []string{"Diallassagou"}, 2},
		{"Soldiers clashed with militants near the village of Tassia in the Tillaberi region of Niger.", "Niger", "Tillaberi", []string{"Tassia"}, 2},
		{"Insurgents attacked Palma, a spokesman said in Maputo.", "Mozambique", "Cabo Delgado", []string{"Palma"}, 1},
		{"Villagers fled to Bandiagara after jihadists attacked Djiguibombo.", "Mali", "Mopti", []string{"Djiguibombo", "Djigui Bombo"}, 1},
		{"Fighting broke out at Tinzaouatene near the Algerian border.", "Mali", "Kidal", []string{"Tinzaouatene", "Tinzaouaten", "Tin Zaouatene", "Tin-Zaouatene", "Tinzawatene"}, 1},
		{"Fighting broke out at Tin-Zaouatene near the Algerian border.", "Mali", "Kidal", []string{"Tinzaouatene", "Tinzaouaten", "Tin Zaouatene", "Tin-Zaouatene", "Tinzawatene"}, 1},
		{"Gunfire was heard in Tombouctou on Monday.", "Mali", "Tombouctou", []string{"Timbuktu", "Tombouctou"}, 1},
		{"Gunmen attacked a police school in the Faladie district of Bamako.", "Mali", "Bamako", nil, 0},
		{"Bandits killed seven farmers in Gidan Goga of Maradun LGA, Zamfara State.", "Nigeria", "Zamfara", nil, 0},
		// Where a group is active is not where it struck; the text names two states and the village lies in one.
		{"Bandits active in Zamfara and Katsina states attacked Kaboro, killing five.", "Nigeria", "Zamfara", []string{"Kaboro"}, 1},
		// A country named as a border is beside the event, not its place.
		{"Gunmen abducted a trader in the village of Tangounga near the Niger border.", "Burkina Faso", "Est", []string{"Tangounga"}, 1},
		// A misspelt town: one letter swapped, two missing or a letter replaced.
		{"Gunmen killed a trader in Kastina Ala on Monday.", "Nigeria", "Benue", []string{"Katsina-Ala"}, 1},
		{"Insurgents burned houses in Mocimbo Da Praia (Mocimbo Da Praia, Cado Delgado).", "Mozambique", "Cabo Delgado", []string{"Mocimboa da Praia", "Mocímboa da Praia"}, 0},
		// A country's name that a city also bears, in a story whose words are the city's country's.
		{"INEC staff and APC supporters protested in Benin over unpaid allowances, Edo State police said.", "Nigeria", "Edo", []string{"Benin City"}, 0},
		// Bracketed units after a unit word: the village lies in the district they name.
		{"Insurgents raided food from Koko village (Mocimboa da Praia, Cabo Delgado).", "Mozambique", "Cabo Delgado", []string{"Koko"}, 1},
		// A country's name before "civilians" is a nationality, not the event's country.
		{"A mob attacked Benin civilians in Kumasi on Monday.", "Ghana", "Ashanti", []string{"Kumasi"}, 1},
		// "X village, Y local government area of Z State": an unknown village falls back on its LGA, not the state.
		{"Four people were killed at Kai village, Barkin Ladi local government area of Plateau State.", "Nigeria", "Plateau", []string{"Barkin Ladi"}, 3},
		// A Tamasheq "place of" prefix is not a place on its own.
		{"Militants burned documents at the school of Tin-Hamma (Ansongo, Gao).", "Mali", "Gao", nil, 0},
		{"Gunmen attacked the camp of Tin Korazeyna in the commune of N'Tillit on Tuesday, killing two.", "Mali", "Gao", []string{"N'Tillit"}, 0},
		// A unit named with its unit word after a comma qualifies the place: a namesake elsewhere yields to it.
		{"Gunmen attacked a gold mining site near the village of Basnere, Soum Province, residents said.", "Burkina Faso", "Sahel", nil, 0},
		// Brackets after a capitalised unit word ("Madougou Commune (Koro, Mopti)") still qualify the name.
		{"Militiamen attacked the Dogon village of Soye in Madougou Commune (Koro, Mopti).", "Mali", "Mopti", []string{"Soye"}, 1},
		// A single bracketed name that is no unit is another name of the place.
		{"Military forces killed five Boko Haram members in Kwari (Kuwiya) while on patrol.", "Nigeria", "Borno", nil, 0},
		// A town names the institution it hosts.
		{"Students of Ibadan Polytechnic blocked the road on Monday.", "Nigeria", "Oyo", []string{"Ibadan"}, 1},
		// The LGA of the previous sentence overrules a same-name village in another state.
		{"Clashes were reported in Toto LGA. Gunmen later burned Umaisha.", "Nigeria", "Nasarawa", nil, 0},
		// Units named like the city are the city's own: Maputo City, not Maputo province around it.
		{"Street vendors marched in Maputo (Maputo, Maputo) against a relocation order.", "Mozambique", "Maputo City", []string{"Maputo"}, 1},
		{"Minibus drivers blocked roads in Maputo (Maputo, Maputo City) on Monday.", "Mozambique", "Maputo City", []string{"Maputo"}, 1},
		// A region of the same country far from the only namesake the gazetteer knows (Chibuto
		// lies in Gaza): the text's region, not a record whose coordinates contradict its admin1.
		{"Gunmen shot at a bus near the village of Chibuto (Gondola, Manica) on Tuesday.", "Mozambique", "Manica", nil, 3},
		// ...while a village in the province keeps its province.
		{"Residents buried two thieves alive in Boquisso (Matola, Maputo) on Sunday.", "Mozambique", "Maputo", nil, 0},
		// "X, N km from Y": the only Bilia the gazetteer knows lies 1,300 km from Ayorou, so the
		// hamlet is unknown and Ayorou locates it, at precision 2.
		{"Gunmen detained all the men of the hamlet of Bilia, four kilometers south of Ayorou, on Friday.", "Niger", "Tillaberi", []string{"Ayorou"}, 2},
		{"Dozo hunters killed two herders in Tonou, near Dioungani, on Monday.", "Mali", "Mopti", []string{"Dioungani"}, 2},
		{"Militiamen wounded a farmer in the village of Dianweli (near Bandiougou) on Friday.", "Mali", "Mopti", []string{"Bandiougou"}, 2},
		// The same when only the head of the name is known ("Tina" of "Tina Ani", 386 km away),
		// and for a place said to lie in a town.
		{"Gunmen shot a trader in the village of Tina Ani near Gossi on Sunday.", "Mali", "Tombouctou", []string{"Gossi"}, 2},
		{"Militiamen attacked the village of Kokourou in the Bandiagara area on Thursday, killing one.", "Mali", "Mopti", []string{"Bandiagara"}, 2},
		// "the town X" names a place like "the town of X", and outranks the region the story is set in.
		{"Students staged a protest on a road south of the town Ouallam against a motorbike ban in the Tillabery Region.", "Niger", "Tillaberi", []string{"Ouallam"}, 2},
		// ...but a city is no namesake to doubt: the stranger is the place said to be near it.
		{"Soldiers and police clashed in Port Harcourt near Ada-George on Friday.", "Nigeria", "Rivers", []string{"Port Harcourt"}, 1},
		// A village the gazetteer knows only across the border from the country the words suggest
		// (JNIM is mostly Malian and Burkinabe news) moves the story there.
		{"Suspected JNIM militants burned school books in the village of Kiki on Saturday.", "Niger", "Tillaberi", []string{"Kiki"}, 1},
		// The only Waraou lies in Diffa and the Warou one letter away 120 km from Gotheye: the
		// village is unknown, and the department's seat stands for it.
		{"Gunmen opened fire on a vehicle in Waraou (Gotheye, Tillaberi) on Thursday.", "Niger", "Tillaberi", []string{"Gothèye"}, 3},
		// A bracketed department that is also an English word still qualifies the village.
		{"Gunmen burned a school in Tchelol Bolol (Say, Tillaberi) on Sunday.", "Niger", "Tillaberi", []string{"Say"}, 3},
		// A village named near the border moves the story even without "village of", and an
		// air force's nationality names the attacker, not the story's country.
		{"Suspected Boko Haram fighters shot at fishermen near Kiri Kiri on Wednesday.", "Niger", "Diffa", []string{"Kiri Kiri"}, 2},
		{"Burkinabe jets bombed suspected militants near Gourogara on Monday.", "Niger", "Tillaberi", []string{"Gourogara"}, 2},
		// "N km southwest of Y" relates X to Y like "N km south of Y".
		{"Gunmen seized a farmer in the village of Djankata, about 30 km northeast of Makalondi, on Friday.", "Niger", "Tillaberi", []string{"Makalondi"}, 2},
		// Brackets after a two-word name qualify all of it, not its second word: the Maloum 1,200 km
		// away and a Dan in Côte d'Ivoire yield to the first bracketed unit.
		{"Bandits kidnapped a trader in Maloum-Djori (Gueskerou, Diffa) on Monday.", "Niger", "Diffa", []string{"Gueskérou"}, 3},
		{"Bandits kidnapped a trader in Maloum-Djori Gana (Gueskerou, Diffa) on Monday.", "Niger", "Diffa", []string{"Gueskérou"}, 3},
		{"Gunmen stole cattle in the village of Dan Toukouyou (Guidan Roumdji, Maradi) on Sunday.", "Niger", "Maradi", []string{"Guidan Roumdji"}, 3},
		// "Velha" (old) names a village's old site: the name before it is the village's, not a person's.
		{"Insurgents burned houses in Diaca Velha, Cabo Delgado, on Tuesday.", "Mozambique", "Cabo Delgado", []string{"Diaca"}, 1},
		// States the protesters came from are not where they protested.
		{"Party members from Kano and Kaduna States protested at the national secretariat in Abuja on Monday.", "Nigeria", "Federal Capital Territory", []string{"Abuja"}, 1},
		// A state named in a later sentence does not move a capital city into it.
		{"Activists protested at the embassy in Abuja. They denounced police raids in the Delta region.", "Nigeria", "Federal Capital Territory", []string{"Abuja"}, 1},
		// A word before a number is a road marker, not a place one letter from "Mele".
		{"Police raided traders at the Mile 3 market near Port Harcourt on Monday.", "Nigeria", "Rivers", []string{"Port Harcourt"}, 0},
		// A ward the text calls a village is that village, not less likely than the town whose area it is in.
		{"Gunmen killed three people in Pallam village, in the Madagali area of Adamawa state, on Monday.", "Nigeria", "Adamawa", []string{"Pallam"}, 0},
		// The story's district outranks its state: a Sabon Gari in another district of the same state is a namesake.
		{"Bandits attacked several villages in Maradun Local Government Area of Zamfara State. Four people died in Sabon Gari.", "Nigeria", "Zamfara", []string{"Maradun"}, 3},
		// A respelling ("Gozari" as Guzari) far from the story's other places is another name.
		{"Insurgents attacked civilians in Gozari, on the Bama road in Konduga, on Sunday.", "Nigeria", "Borno", []string{"Konduga"}, 0},
		// A mining site is named like a village.
		{"JNIM gunmen attacked the gendarmerie at the mining site of Komabangou on Tuesday.", "Niger", "Tillaberi", []string{"Komabangou"}, 1},
		// An unknown place near another unknown one falls back where that one does.
		{"Gunmen opened fire on miners at the mining site of Insalatane, near Goseye (Markoye, Oudalan), on Sunday.", "Burkina Faso", "Sahel", []string{"Markoye"}, 0},
		// "outside of" relates the event to the town like "outside" does, and the town outweighs the vocabulary.
		{"Jets struck a column of trucks 20km outside of Gudumbali on Thursday.", "Nigeria", "Borno", []string{"Gudumbali"}, 2},
		// A town the text makes part of a city is a namesake when the gazetteer's is far from it.
		{"A suicide bomber struck a market in Giwa Barracks of Maiduguri on Friday.", "Nigeria", "Borno", []string{"Maiduguri"}, 2},
		// A village the text puts in a district is a namesake when the gazetteer's lies elsewhere.
		{"Herders burned houses in Dong community in Jos South on Monday.", "Nigeria", "Plateau", nil, 3},
		// Of two villages in a list, the one in the region the story's words are about (Boko Haram, Borno).
		{"Troops cleared Boko Haram camps in the forest, among them Amuda and Attagara.", "Nigeria", "Borno", []string{"Attagara"}, 1},
		// A district's double name written with a slash is one name.
		{"Gunmen shot a trader in Katsina/Ala local government area of Benue State.", "Nigeria", "Benue", []string{"Katsina-Ala"}, 3},
		// A ward of another district than the one the text names is a namesake: the unknown
		// village falls back on the named district.
		{"Gunmen shot a retired officer at his home in Tse Ugondo, Tongov, in Katsina/Ala local government area.", "Nigeria", "Benue", []string{"Katsina-Ala"}, 3},
		// Villages the text lists inside the state it puts the event in are more precise than the state.
		{"Bandits raided four villages in Zamfara state on Sunday. The villages raided were Wonaka, Ajja and Dorka.", "Nigeria", "Zamfara", []string{"Wonaka"}, 1},
		// Brackets naming the province first: the unknown village falls back on the district.
		{"Insurgents burned a shop in Muambula (Cabo Delgado, Muidumbe) on Sunday.", "Mozambique", "Cabo Delgado", []string{"Muidumbe"}, 3},
		// Brackets after "region" qualify the name before it.
		{"Soldiers clashed with insurgents in the Naliendele region (Palma, Cabo Delgado) on Friday.", "Mozambique", "Cabo Delgado", []string{"Palma"}, 3},
		// A place the gazetteer has no province for is not contradicted by the province bracketed after it.
		{"A party official was shot in Zumbo (Zumbu, Tete) on Monday.", "Mozambique", "Tete", []string{"Zumbo"}, 1},
		// A respelling must lie where the text puts the name: near the town, or in the town.
		{"Insurgents attacked the village of Malamba, 7km from Palma town, on Thursday.", "Mozambique", "Cabo Delgado", []string{"Palma"}, 2},
		{"Insurgents killed two people in Milemba neighbourhood, Mocimboa da Praia, on Tuesday.", "Mozambique", "Cabo Delgado", []string{"Mocímboa da Praia"}, 0},
		// An unknown village falls back on the district the text names with its unit word, not
		// on a chiefdom's namesake district in the next state.
		{"Herders raided Tunga Kuka and burned farms in Agatu chiefdom in Nasarawa Local Government Area on Monday.", "Nigeria", "Nasarawa", []string{"Nasarawa"}, 3},
		// "N km away from Y" relates the village to Y like "N km from Y".
		{"Boko Haram gunmen killed a farmer in Makalama village, 21km away from Chibok, on Sunday.", "Nigeria", "Borno", []string{"Chibok"}, 2},
		// A place the text puts in a state capital lies in it: a namesake 30 km off is another place.
		{"Thugs stormed Lafenwa market in Abeokuta and abducted the market leader.", "Nigeria", "Ogun", []string{"Abeokuta"}, 2},
		// "in Mopti" after a village may mean the region the city names: the village stays.
		{"Militiamen burned houses in Dioungani in Mopti on Sunday.", "Mali", "Mopti", []string{"Dioungani"}, 1},
		// A state's bare name is the state when only a hamlet elsewhere shares it; a capital's
		// name is the capital.
		{"Armed men opened fire at a hotel in Ogun where party officials were meeting.", "Nigeria", "Ogun", []string{"Ogun"}, 3},
		{"Unknown individuals set fire to a newspaper office in Maputo on Sunday.", "Mozambique", "Maputo City", []string{"Maputo"}, 1},
		// A place the text calls a village is no regional capital: not Garoua (Cameroon), whose
		// other spelling it is, but a Nigerian Garwa.
		{"Kidnappers were killed in a shoot-out with police and vigilantes in Garwa village on Sunday.", "Nigeria", "", []string{"Garwa"}, 1},
		// A village named after a date, unknown to the gazetteer, falls back on its bracketed district.
		{"Insurgents burned houses in 24 de Março (Muidumbe, Cabo Delgado) on Friday.", "Mozambique", "Cabo Delgado", []string{"Muidumbe"}, 3},
		// A national capital's own name outranks a place that bears it as another name (Lomé).
		{"The peace accord was signed in Rome in 1992.", "Italy", "", []string{"Rome"}, 1},
		// A region named by a compass word, bracketed after a place, is a unit: the Akuse in Benue is a namesake.
		{"Party supporters protested in Akuse town (Lower Manya Krobo, Eastern) on Monday.", "Ghana", "Eastern", nil, 3},
		// A name the story repeats is the place its qualified mention found, not a district seat elsewhere.
		{"Farmers from Isu, Abia fought herders in Isu on Monday.", "Nigeria", "Abia", []string{"Isu"}, 0},
		// A comma after the qualifying state closes the apposition; it does not make a list.
		{"Gunmen attacked a church in Isu, Imo, on Sunday.", "Nigeria", "Imo", []string{"Isu"}, 0},
		// A compass word after a district names part of it ("Boki East"), not a person's surname.
		{"Communal clashes broke out between two communities in Boki East of Cross River State.", "Nigeria", "Cross River", []string{"Boki"}, 3},
		// A hyphenated name whose halves are known only far apart (Odi in Delta, Olowo in Ogun) is
		// one unknown name, inside the city the text puts it in; two neighbouring towns joined by a
		// hyphen before "road" are a route between them.
		{"Traders protested outside a market in the Odi-Olowo area of Lagos on Monday.", "Nigeria", "Lagos", []string{"Lagos"}, 2},
		{"Gunmen ambushed a truck on the Ngala-Dikwa road on Tuesday.", "Nigeria", "Borno", []string{"Ngala", "Dikwa"}, 0},
		{"Traders protested in the Nahi-Mossi village market on Monday.", "Burkina Faso", "Centre-Nord", []string{"Nahi"}, 0},
		// An institution the event takes place at stands in its seat: the national assembly in the
		// capital, a state's government house and house of assembly in the state's capital, whatever
		// state the protesters came from. Named in passing, it places nothing.
		{"Farmers from Benue State gathered at the National Assembly to protest the killings in Nigeria.", "Nigeria", "Federal Capital Territory", []string{"Abuja"}, 1},
		{"Youths blocked the entrance of the Benue Government House on Monday.", "Nigeria", "Benue", []string{"Makurdi"}, 1},
		{"Armed union members stormed Ondo's House of Assembly after the speaker was impeached.", "Nigeria", "Ondo", []string{"Akure"}, 1},
		{"Gunmen kidnapped a candidate for the Edo State House of Assembly at his house in Eme.", "Nigeria", "Edo", []string{"Eme"}, 1},
		// "in the LGA" refers back to the LGA named before: a same-name village in another state
		// is a namesake, and the unknown village falls back on the LGA.
		{"Herders ambushed a police patrol at Tse-Akpam in Logo Local Government Area. The next day the same group raided Udu village in the LGA and stole two motorcycles.", "Nigeria", "Benue", []string{"Logo"}, 3},
		// A Tiv compound's word hyphenated to an unknown name is no place of its own ("Tse" in
		// Nasarawa), and "L.G.A." is "LGA".
		{"Herdsmen killed four farmers in Tse-Dzungwe, Logo L.G.A.", "Nigeria", "Benue", []string{"Logo"}, 3},
		// A people's name before "village of" describes the village: no Idoma in Bayelsa.
		{"Herders killed 24 people in an attack on the Idoma village of Omusu in Okpokwu LGA on Monday.", "Nigeria", "Benue", []string{"Okpokwu"}, 3},
		// A unit the text calls by its unit word but misspells is the unit spelt closest, or the
		// one whose longer name starts with it.
		{"Three people died in a bomb attack on Magadali Local Government Area of Adamawa on Monday.", "Nigeria", "Adamawa", []string{"Madagali"}, 3},
		{"Rioters burnt down the electoral office in Isiala Mbala LGA on Saturday.", "Nigeria", "Imo", []string{"Isiala Mbano"}, 3},
		{"Gunmen attacked a collation centre in Tafawa LGA on Sunday.", "Nigeria", "Bauchi", []string{"Tafawa Balewa", "Tafawa-Balewa"}, 3},
		// An attack on a road out of a capital is coded to the lesser town at its other end, on
		// the road (precision 2), unless the story puts the event in the capital too.
		{"Bandits killed three traders on the Sokoto-Isa road on Tuesday.", "Nigeria", "Sokoto", []string{"Isa"}, 2},
		{"Gunmen ambushed a bus on the road between Maiduguri and Damboa on Friday.", "Nigeria", "Borno", []string{"Damboa"}, 2},
		{"Residents of Gao marched on Monday against the poor state of the Gao-Sevare road.", "Mali", "Gao", []string{"Gao"}, 1},
		{"Insurgents planted a mine on the road between Dori and Seytenga, 7 km from Dori.", "Burkina Faso", "Sahel", []string{"Dori"}, 2},
		// A state capital of note, or a state the text puts the event in, outweighs vocabulary
		// that the word model knows from another country's stories.
		{"Boda boda riders protested at a Kano court on Tuesday after police impounded their motorbikes.", "Nigeria", "Kano", []string{"Kano"}, 1},
		{"Youths protested against police brutality in Plateau, where the county commissioner ordered a curfew.", "Nigeria", "Plateau", nil, 3},
		// A story placed only in its country is coded at the capital's point, in the capital's
		// region, as ACLED codes national-level events.
		{"The president of Mozambique announced a new disarmament programme for former Renamo fighters.", "Mozambique", "Maputo City", []string{"Mozambique"}, 3},
		// Where people were travelling to is not where they were stopped.
		{"Youth groups surrounded the Benue governor's convoy, preventing him from travelling to Abuja.", "Nigeria", "Benue", []string{"Benue"}, 3},
	}
	for _, c := range cases {
		d := p.Parse(c.text, Hints{})
		loc, ok := d.Locate(0, len(c.text))
		if !ok {
			t.Errorf("%q: no location (mentions %q)", c.text, mentionTexts(d))
			continue
		}
		if loc.Country != c.country || c.admin1 != "" && loc.Admin1 != c.admin1 {
			t.Errorf("%q: got %s / %s / %s, want %s / %s (mentions %q)", c.text, loc.Country, loc.Admin1, loc.Name, c.country, c.admin1, mentionTexts(d))
		}
		if c.names != nil && !containsFold(c.names, loc.Name) {
			t.Errorf("%q: location %q, want one of %q", c.text, loc.Name, c.names)
		}
		if c.prec != 0 && loc.GeoPrecision != c.prec {
			t.Errorf("%q: precision %d, want %d", c.text, loc.GeoPrecision, c.prec)
		}
		if loc.End > len(c.text) || loc.Start > loc.End {
			t.Errorf("%q: bad evidence span %d..%d", c.text, loc.Start, loc.End)
		}
	}
}

// TestLocateNamesakes checks the choice among namesakes in one state, by the district chosen.
func TestLocateNamesakes(t *testing.T) {
	p := parser(t)
	cases := []struct{ text, admin2, name string }{
		// OpenStreetMap's early node, from the national gazetteer, before a hamlet traced later.
		{"Insurgents raided Lassa at dawn and burned the market.", "Askira-Uba", "Lassa"},
		// A hyphenated name one letter from a known one is that place, not its first half.
		{"Soldiers raided a shrine at Tor-Dunga town, Katsina-Ala Local Government Area.", "Katsina-Ala", "Tor Donga"},
		// An apostrophe inside a name: "Jema'a" is one word, not "Jema" and "a".
		{"Gunmen killed two farmers in Jema'a Local Government Area of Kaduna State.", "Jema'a", "Jema'a"},
		// A Tiv compound's or a Hausa junction's word before a village's name is not part of it.
		{"Herders attacked farmers in Tse Chiata on Sunday.", "Guma", "Chiata"},
		{"Gunmen opened fire on traders at the Mararraban Kunini cattle market.", "Lau", "Kunini"},
		// No namesake in the region the words point to (Boko Haram: Borno): the one nearest it.
		{"Boko Haram fighters raided Shuwa village at night and burned houses, residents said.", "Madagali", "Shuwa"},
	}
	for _, c := range cases {
		d := p.Parse(c.text, Hints{})
		loc, ok := d.Locate(0, len(c.text))
		if !ok || loc.Admin2 != c.admin2 || gazetteer.Fold(loc.Name) != gazetteer.Fold(c.name) {
			t.Errorf("%q: got %s (%s / %s), want %s in %s (mentions %q)", c.text, loc.Name, loc.Admin1, loc.Admin2, c.name, c.admin2, mentionTexts(d))
		}
	}
}

// TestLocateUnknownVillage checks that a village the gazetteer lacks, named with its district,
// is the event's evidence and falls back to the district at precision 3.
func TestLocateUnknownVillage(t *testing.T) {
	p := parser(t)
	cases := []struct{ text, evidence, admin2 string }{
		{"Suspected herders raid Anyiin, Logo LGA, wounding five.", "Anyiin", "Logo"},
		{"Gunmen stormed Pasakori village in Jema'a Local Government Area on Sunday.", "Pasakori", "Jema'a"},
		// Ihie is known only in another state: unknown in the district its brackets name.
		{"Youths beat a man to death in Ihie (Ohaji/Egbema LGA, Imo) on Friday.", "Ihie", "Ohaji/Egbema"},
	}
	for _, c := range cases {
		d := p.Parse(c.text, Hints{})
		loc, ok := d.Locate(0, len(c.text))
		if !ok || c.text[loc.Start:loc.End] != c.evidence || loc.Admin2 != c.admin2 || loc.GeoPrecision != 3 {
			t.Errorf("%q: got %s (%s) precision %d from %q, want %s at precision 3 from %q (mentions %q)", c.text, loc.Name, loc.Admin2, loc.GeoPrecision, c.text[loc.Start:loc.End], c.admin2, c.evidence, mentionTexts(d))
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if gazetteer.Fold(x) == gazetteer.Fold(s) {
			return true
		}
	}
	return false
}

type seedArticle struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

func readSeeds(t testing.TB) map[string]seedArticle {
	t.Helper()
	out := map[string]seedArticle{}
	for _, a := range fixtures.JSONL[seedArticle](t, "fixtures", "seeds", "articles.jsonl") {
		out[a.ID] = a
	}
	return out
}

// paragraph returns the byte span of the first paragraph of text that contains anchor.
func paragraph(t *testing.T, text, anchor string) (int, int) {
	t.Helper()
	i := strings.Index(text, anchor)
	if i < 0 {
		t.Fatalf("anchor %q not in article", anchor)
	}
	s := strings.LastIndex(text[:i], "\n")
	e := strings.Index(text[i:], "\n")
	if e < 0 {
		e = len(text) - i
	}
	return s + 1, i + e
}

// TestSeedEvents locates the gold events of the seed articles. Each case names the article, a word
// that anchors the paragraph describing the event ("" for the whole article) and what a careful
// coder puts there.
func TestSeedEvents(t *testing.T) {
	p := parser(t)
	seeds := readSeeds(t)
	cases := []struct {
		id, anchor      string
		country, admin1 string // admin1 "" when any of the country's namesakes will do
		names           []string
		prec            int
	}{
		{"defensepost-suspected-jihadist-attack-central-mali", "", "Mali", "Mopti", []string{"Djiguibombo", "Djigui Bombo"}, 1},
		{"defensepost-civilians-killed-central-mali", "", "Mali", "Mopti", []string{"Diallassagou"}, 2},
		{"apa-kadji-gao-eis", "", "Mali", "Gao", []string{"Kadji"}, 1},
		{"defensepost-western-niger-attack", "", "Niger", "Tillaberi", []string{"Tassia"}, 2},
		{"mali-boulikessi-timbuktu-jnim", "seizing control", "Mali", "Mopti", []string{"Boulikessi", "Boulkessi", "Boulkessy"}, 0},
		{"mali-boulikessi-timbuktu-jnim", "historic northern city", "Mali", "Tombouctou", []string{"Timbuktu", "Tombouctou"}, 1},
		{"rearguard-isis-claims-palma", "", "Mozambique", "Cabo Delgado", []string{"Palma"}, 0},
		{"mz-army-retake-palma-translated", "", "Mozambique", "Cabo Delgado", []string{"Palma"}, 0},
		{"defensepost-gunmen-attack-police-base-in-mali-capital", "", "Mali", "Bamako", []string{"Bamako", "Faladie", "Senou"}, 0},
		{"defensepost-mali-fights-algeria-border", "", "Mali", "Kidal", []string{"Tinzaouaten", "Tinzaouatene", "Tin Zaouatene"}, 0},
		{"defensepost-mali-separatists-victory-algeria-border", "", "Mali", "Kidal", []string{"Tinzaouaten", "Tinzaouatene", "Tin Zaouatene"}, 0},
		{"defensepost-mali-separatists-kill-wagner-government-fighters", "", "Mali", "Kidal", []string{"Tinzaouaten", "Tinzaouatene", "Tin Zaouatene"}, 0},
	}
	for _, c := range cases {
		a, ok := seeds[c.id]
		if !ok {
			t.Errorf("seed %s missing", c.id)
			continue
		}
		d := p.Parse(a.Text, Hints{Title: a.Title})
		start, end := 0, len(a.Text)
		if c.anchor != "" {
			start, end = paragraph(t, a.Text, c.anchor)
		}
		loc, ok := d.Locate(start, end)
		if !ok {
			t.Errorf("%s: no location", c.id)
			continue
		}
		if loc.Country != c.country || loc.Admin1 != c.admin1 || !containsFold(c.names, loc.Name) {
			t.Errorf("%s [%s]: got %s / %s / %s (prec %d), want %s / %s / %q", c.id, c.anchor, loc.Country, loc.Admin1, loc.Name, loc.GeoPrecision, c.country, c.admin1, c.names)
		}
		if c.prec != 0 && loc.GeoPrecision != c.prec {
			t.Errorf("%s: precision %d, want %d", c.id, loc.GeoPrecision, c.prec)
		}
		for _, m := range d.Mentions() {
			if f := gazetteer.Fold(m.Text); f == "total" || f == "assimi" || f == "sunday" {
				t.Errorf("%s: %q taken for a place", c.id, m.Text)
			}
		}
	}
}

// TestSeedMentionsGolden pins every seed article's resolved mentions and focus country, so that
// changes to recognition show up as a reviewable diff (go test -run Golden -update).
func TestSeedMentionsGolden(t *testing.T) {
	p := parser(t)
	seeds := readSeeds(t)
	var ids []string
	for id := range seeds {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for _, id := range ids {
		a := seeds[id]
		d := p.Parse(a.Text, Hints{Title: a.Title})
		fmt.Fprintf(&b, "## %s focus=%s\n", id, d.FocusCountry())
		for _, m := range d.Mentions() {
			a1, _ := p.g.AdminNames(m.Place)
			fmt.Fprintf(&b, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", m.Start, m.Text, m.Kind, m.Cue, m.Place.Name, m.Place.Country, a1)
		}
	}
	golden.Bytes(t, filepath.Join("testdata", "seed-mentions.golden"), []byte(b.String()), *update)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"On 3 May, gunmen killed two people in Kadji (Gao, Gao).",
		"Bamako, Mali – Gunmen attacked the Faladié district.",
		"near the village of Tin-Zaouatène (Kidal",
		"in ((Gao, )) N'Djamena’s \u00a0Mocimboa da Praia",
		"\xff\xfeGao Total Sunday",
		"Bandits active in Zamfara and Katsina states attacked Kaboro, Tin-Hamma (Ansongo, Gao).",
		"in Mocimbo Da Praia (Mocimbo Da Praia, Cado Delgado) near the Niger border, Benin civilians",
		"Koko village (Koro, Mopti LGA) in Kastina Ala, Soum Province, Oyo-",
		"stormed Ondo's House of Assembly at the Edo State Government House's national assembly",
		"'s House of Assembly state Government House",
	} {
		f.Add(s)
	}
	p := parser(f)
	f.Fuzz(func(t *testing.T, s string) {
		d := p.Parse(s, Hints{Title: s})
		// Character boundaries as Go decodes the text (an invalid byte counts as one character).
		bound := map[int]bool{len(s): true}
		for i := range s {
			bound[i] = true
		}
		for _, m := range d.Mentions() {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End {
				t.Fatalf("span %d..%d outside text of %d bytes", m.Start, m.End, len(s))
			}
			if !bound[m.Start] || !bound[m.End] {
				t.Fatalf("span %d..%d splits a character", m.Start, m.End)
			}
			if utf8.ValidString(s) && !utf8.ValidString(m.Text) {
				t.Fatalf("mention %q is not valid UTF-8", m.Text)
			}
			if s[m.Start:m.End] != m.Text {
				t.Fatalf("mention text %q does not match span", m.Text)
			}
		}
		if loc, ok := d.Locate(0, len(s)); ok {
			if loc.Start < 0 || loc.End > len(s) || loc.Start > loc.End {
				t.Fatalf("location span %d..%d outside text", loc.Start, loc.End)
			}
		}
	})
}

func TestQualifiersFillAdmin3(t *testing.T) {
	p := parser(t)
	text := "On 29 July, two armed groups clashed in the area of Tounte (Koutougou, Soum)."
	loc, ok := p.Parse(text, Hints{}).Locate(0, len(text))
	if !ok {
		t.Fatal("no location")
	}
	if loc.Country != "Burkina Faso" || loc.Admin2 != "Soum" || loc.Admin3 != "Koutougou" || loc.GeoPrecision != 2 {
		t.Errorf("got %+v, want Burkina Faso / Soum / Koutougou at precision 2", loc)
	}
}

// TestDistrictPoint checks where an event placed by its district lands: at the district's seat
// when the text puts the event in the district, as ACLED does; at the district's centre when the
// village the text names is unknown inside it, since the village may lie anywhere in it.
func TestDistrictPoint(t *testing.T) {
	p := parser(t)
	cases := []struct {
		text, admin1, admin2 string
		point, code          string // the Nigerian place the location must sit on
	}{
		{"Gunmen burned the party office in Maru Local Government Area on Sunday.", "Zamfara", "Maru", "Maru", "PPLA2"},
		// Ihie is known only in another state.
		{"Youths beat a man to death in Ihie (Ohaji/Egbema LGA, Imo) on Friday.", "Imo", "Ohaji/Egbema", "Ohaji/Egbema", "ADM2"},
	}
	for _, c := range cases {
		loc, ok := p.Parse(c.text, Hints{}).Locate(0, len(c.text))
		if !ok || loc.Admin1 != c.admin1 || loc.Admin2 != c.admin2 || loc.GeoPrecision != 3 {
			t.Errorf("%q: got %+v, want %s / %s at precision 3", c.text, loc, c.admin1, c.admin2)
			continue
		}
		i := slices.IndexFunc(p.g.Lookup(c.point), func(q gazetteer.Place) bool { return q.Country == "NG" && q.Code == c.code })
		if i < 0 {
			t.Fatalf("no %s %s in the gazetteer", c.code, c.point)
		}
		q := p.g.Lookup(c.point)[i]
		if km := gazetteer.DistanceKm(q.Lat, q.Lon, loc.Lat, loc.Lon); km > 1 {
			t.Errorf("%q: location %.4f,%.4f is %.0f km from %s %s", c.text, loc.Lat, loc.Lon, km, c.code, c.point)
		}
	}
}

func TestTrimUnitWord(t *testing.T) {
	for in, want := range map[string]string{
		"Abadam LGA":                  "Abadam",
		"Ohaji/Egbema LGA":            "Ohaji/Egbema",
		"Keana Local Government Area": "Keana",
		"Tillaberi Region":            "Tillaberi",
		"Borno":                       "Borno",
		"LGA":                         "LGA",
		"Mayo-Kebbi Ouest":            "Mayo-Kebbi Ouest",
	} {
		if got := trimUnitWord(in); got != want {
			t.Errorf("trimUnitWord(%q) = %q, want %q", in, got, want)
		}
	}
}
