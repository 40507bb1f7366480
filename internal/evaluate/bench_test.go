package evaluate

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

func BenchmarkNormName(b *testing.B) {
	names := []string{"Military Forces of Mali (2021-)", "JNIM: Group for Support of Islam and Muslims", "Tillabéri", "Ti-n-Zaouâtene"}
	for i := 0; b.Loop(); i++ {
		normName(names[i%len(names)])
	}
}

// BenchmarkACLEDDev scores perturbed predictions for every acled-dev record.
func BenchmarkACLEDDev(b *testing.B) {
	f, err := os.Open(fixtures.Path(b, "eval", "acled-dev.csv"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadACLED(f)
	if err != nil {
		b.Fatal(err)
	}
	preds := perturbACLED(rand.New(rand.NewPCG(1, 2)), rows)
	for b.Loop() {
		ACLED(rows, preds)
	}
}

// BenchmarkSeeds scores perturbed predictions against the seed gold.
func BenchmarkSeeds(b *testing.B) {
	gold := readBackB(b, fixtures.Path(b, "fixtures", "seeds", "gold-events.jsonl"))
	preds := perturbSeeds(rand.New(rand.NewPCG(1, 2)), gold, synthArticles())
	for b.Loop() {
		Seeds(gold, synthArticles(), preds)
	}
}

func readBackB(b *testing.B, path string) []GoldEvent {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	g, err := ReadGold(f)
	if err != nil {
		b.Fatal(err)
	}
	return g
}
