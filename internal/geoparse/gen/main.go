// Command gen rebuilds the lexicons of internal/geoparse from ACLED event summaries (../shared/eval):
//
//   - data/common.txt, the ordinary words that must not start a place mention on their own: a word
//     counts as common when writers use it in lower case at least as often as capitalised inside a
//     sentence, which keeps real place names (always capitalised) out without a hand-made dictionary;
//
//   - data/admin1-words.tsv.gz, the same per "country|admin1" (dev records only), so that "Boko
//     Haram" favours places in Borno and "Tiv" those of Benue or Nasarawa;
//
//   - data/country-words.tsv.gz, how often each word occurs in summaries of each country (actors,
//     ethnic groups, party and institution names, "LGA", "county"...), the evidence the parser uses
//     for the story's country when its places are unknown or ambiguous. The record's own location
//     and admin names are left out so that the lexicon does not memorise places.
//
//     go generate ./internal/geoparse
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/sitrep-dev/sitrep/internal/evaluate"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

func main() {
	out := flag.String("o", "data/common.txt", "output file for ordinary words")
	cw := flag.String("countries", "data/country-words.tsv.gz", "output file for country word counts")
	aw := flag.String("admin1", "data/admin1-words.tsv.gz", "output file for admin1 word counts")
	holdout := flag.Int("holdout", 0, "leave out dev records whose id hashes to 0 modulo this (for honest evaluation)")
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
	if err := c.docTexts(filepath.Join(root, "eval", "acled-dev-docs.jsonl")); err != nil {
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
	if err := labelWords(root, *cw, *holdout, func(row map[string]string) string { return row["country"] }, true); err != nil {
		slog.Error("country words", "err", err)
		os.Exit(1)
	}
	admin1 := func(row map[string]string) string {
		if row["admin1"] == "" {
			return ""
		}
		return row["country"] + "|" + row["admin1"]
	}
	if err := labelWords(root, *aw, *holdout, admin1, false); err != nil {
		slog.Error("admin1 words", "err", err)
		os.Exit(1)
	}
}

type counter struct{ lower, upper map[string]int }

func (c *counter) csvNotes(path, col string) error {
	return eachCSV(path, func(row map[string]string) { c.add(row[col]) }, col)
}

// docTexts counts the words of ACLED records read as documents (acled-dev-docs.jsonl).
func (c *counter) docTexts(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	docs, err := evaluate.ReadACLEDDocs(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, d := range docs {
		c.add(d.Text)
	}
	return nil
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

// Holdout reports whether a record id falls in the held-out fold of modulus n (shared with the
// package's evaluation test, which hashes the same way).
func holdoutFold(id string, n int) bool {
	if n <= 0 {
		return false
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return h.Sum32()%uint32(n) == 0
}

// minDocs is the least number of summaries a word must occur in to be kept: rarer words are mostly
// names of people and hamlets, which the models would only memorise.
const minDocs = 2

// labelWords counts words per label (a country, or "country|admin1") over the dev records and, if
// extra is set, the extra summaries (which carry a country only).
func labelWords(root, out string, holdout int, label func(map[string]string) string, extra bool) error {
	counts := map[string]map[string]int{} // word -> country -> n
	totals := map[string]int{}
	add := func(country, text string, exclude map[string]bool) {
		seen := map[string]bool{}
		for _, w := range words(text) {
			if exclude[w] || seen[w] {
				continue
			}
			seen[w] = true // document frequency: one long note must not dominate
			if counts[w] == nil {
				counts[w] = map[string]int{}
			}
			counts[w][country]++
			totals[country]++
		}
	}
	err := eachCSV(filepath.Join(root, "eval", "acled-dev.csv"), func(row map[string]string) {
		if holdoutFold(row["event_id_cnty"], holdout) {
			return
		}
		ex := map[string]bool{}
		for _, k := range []string{"location", "admin1", "admin2", "admin3"} {
			for _, w := range words(row[k]) {
				ex[w] = true
			}
		}
		if l := label(row); l != "" {
			add(l, row["notes"], ex)
		}
	})
	if err != nil {
		return err
	}
	if extra {
		err = eachCSV(filepath.Join(root, "eval", "acled-extra-event-type.csv"), func(row map[string]string) {
			notes := row["notes"]
			// Coder remarks name the coded location: drop them like the dev documents do.
			if i := strings.Index(notes, "Location coded to"); i >= 0 {
				notes = notes[:i]
			}
			add(label(row), notes, nil)
		})
	}
	if err != nil {
		return err
	}
	var ws []string
	for w, byC := range counts {
		n := 0
		for _, k := range byC {
			n += k
		}
		if n >= minDocs {
			ws = append(ws, w)
		}
	}
	sort.Strings(ws)
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(f)
	bw := bufio.NewWriter(zw)
	fmt.Fprintln(bw, "# word\tcountry:documents ... (first line: totals). Learned by internal/geoparse/gen from ACLED summaries.")
	var cs []string
	for c := range totals {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	fmt.Fprint(bw, "*")
	for _, c := range cs {
		fmt.Fprintf(bw, "\t%s:%d", c, totals[c])
	}
	fmt.Fprintln(bw)
	for _, w := range ws {
		fmt.Fprint(bw, w)
		var keys []string
		for c := range counts[w] {
			keys = append(keys, c)
		}
		sort.Strings(keys)
		for _, c := range keys {
			fmt.Fprintf(bw, "\t%s:%d", c, counts[w][c])
		}
		fmt.Fprintln(bw)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	slog.Info("wrote word counts", "file", out, "words", len(ws), "labels", len(cs))
	return nil
}

// words splits text into folded words the way the parser does: runs of letters.
func words(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if w := foldWord(f); len(w) >= 2 {
			out = append(out, w)
		}
	}
	return out
}

// eachCSV calls fn with every record of a CSV file with a header, by column name; the header must
// have the columns need.
func eachCSV(path string, fn func(map[string]string), need ...string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	head, err := r.Read()
	if err != nil {
		return fmt.Errorf("header of %s: %w", path, err)
	}
	for _, col := range need {
		if !slices.Contains(head, col) {
			return fmt.Errorf("%s: no column %q", path, col)
		}
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		row := map[string]string{}
		for i, h := range head {
			if i < len(rec) {
				row[h] = rec[i]
			}
		}
		fn(row)
	}
}

func foldWord(s string) string { return gazetteer.Fold(s) }
