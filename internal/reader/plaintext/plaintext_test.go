package plaintext

import (
	"strings"
	"testing"
)

func TestTitle(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"heading then text", "Gunmen kill nine in Sampleville\n\nGunmen killed nine people on Sunday.", "Gunmen kill nine in Sampleville"},
		{"heading with line break", "Army retakes town\nThe army said on Monday it had retaken the town.", "Army retakes town"},
		{"first line is a sentence", "Gunmen killed nine people on Sunday.\n\nThe army said.", ""},
		{"single line", "Gunmen kill nine in Sampleville", ""},
		{"too long", strings.Repeat("word ", 40) + "\n\nMore.", ""},
		{"ellipsis is not a full stop", "Waiting for news...\n\nText.", "Waiting for news..."},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		if got := Title(tt.text); got != tt.want {
			t.Errorf("%s: Title = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParse(t *testing.T) {
	d, err := Parse([]byte("\ufeffClashes in Demo Province\r\n\r\n\r\nTroops  clashed with rebels.\r\nShare this:\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "Clashes in Demo Province" || d.Text != "Clashes in Demo Province\n\nTroops clashed with rebels." {
		t.Errorf("got title %q text %q", d.Title, d.Text)
	}
	if _, err := Parse([]byte(" \n\t\n")); err == nil {
		t.Error("blank text accepted")
	}
}
