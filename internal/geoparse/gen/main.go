// Command gen rebuilds data/common.txt, the lexicon of ordinary words that must not start a place
// mention on their own. It is learned from ACLED event summaries (../shared/eval): a word counts as
// common when writers use it in lower case at least as often as capitalised inside a sentence, which
// keeps real place names (always capitalised) out of the list without a hand-made dictionary.
//
//	go generate ./internal/geoparse   (or: go run ./internal/geoparse/gen -o internal/geoparse/data/common.txt)
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

func main() {
	out := flag.String("o", "data/common.txt", "output file")
	flag.Parse()
	root, ok := fixtures.Root()
	if !ok {
		slog.Error("shared folder not found; set SITREP_SHARED")
		os.Exit(1)
	}
	c := counter{lower: map[string]int{}, upper: map[string]int{}}
	if err := c.csvNotes(filepath.Join(root, "eval", "acled-extra-event-type.csv"), "notes"); err != nil {
		slog.Error("reading ACLED summaries", "err", err)
		os.Exit(1)
	}
	if err := c.jsonlTexts(filepath.Join(root, "eval", "acled-dev-docs.jsonl")); err != nil {
		slog.Error("reading ACLED dev docs", "err", err)
		os.Exit(1)
	}
	var words []string
	for w, n := range c.lower {
		// Seen lower case a few times and not mostly capitalised mid-sentence: an ordinary word.
		if n >= 2 && n >= c.upper[w] {
			words = append(words, w)
		}
	}
	sort.Strings(words)
	f, err := os.Create(*out)
	if err != nil {
		slog.Error("create", "err", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "# Ordinary words (learned from ACLED summaries by internal/geoparse/gen; do not edit by hand).")
	for _, s := range words {
		fmt.Fprintln(w, s)
	}
	if err := w.Flush(); err != nil {
		slog.Error("write", "err", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		slog.Error("close", "err", err)
		os.Exit(1)
	}
	slog.Info("wrote common words", "file", *out, "n", len(words))
}

type counter struct{ lower, upper map[string]int }

func (c *counter) csvNotes(path, col string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("header of %s: %w", path, err)
	}
	idx := -1
	for i, h := range head {
		if h == col {
			idx = i
		}
	}
	if idx < 0 {
		return fmt.Errorf("%s: no column %q", path, col)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		c.add(rec[idx])
	}
}

func (c *counter) jsonlTexts(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var d struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return fmt.Errorf("decode %s: %w", path, err)
		}
		c.add(d.Text)
	}
	return sc.Err()
}

// add counts each word's lower-case and mid-sentence capitalised uses.
func (c *counter) add(text string) {
	sentenceStart := true
	for _, f := range strings.Fields(text) {
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
		end := strings.ContainsAny(f[len(f)-1:], ".!?:")
		if w == "" || strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '\'' }) {
			sentenceStart = end
			continue
		}
		first := []rune(w)[0]
		switch {
		case unicode.IsLower(first):
			c.lower[strings.ToLower(w)]++
		case !sentenceStart && strings.ToUpper(w) != w:
			c.upper[strings.ToLower(w)]++
		}
		sentenceStart = end
	}
}
