package toll

import (
	"os"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/segment"
)

func TestDebugLocal(t *testing.T) {
	text := os.Getenv("TOLL_TEXT")
	if text == "" {
		t.Skip()
	}
	for _, s := range segment.Sentences(text) {
		c, ok := Attribute(text, s)
		t.Logf("S: %q claimant=%q %v", s.Text(text), c.Text, ok)
		for _, f := range Figures(text, s) {
			t.Logf("   %+v", f)
		}
	}
	tl, _ := documentToll(text)
	t.Logf("toll %+v", tl)
}
