package reader

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
)

var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func testOptions() Options {
	return Options{Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func readAll(t *testing.T, path string, stdin io.Reader, opts Options) []Item {
	t.Helper()
	var items []Item
	if err := Read(context.Background(), path, stdin, opts, func(it Item) error {
		items = append(items, it)
		return nil
	}); err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	for _, it := range items {
		checkItem(t, it)
	}
	return items
}

// checkItem holds every item to the contract: a finished document with its origin, or an error
// naming the origin.
func checkItem(t *testing.T, it Item) {
	t.Helper()
	if it.Origin == "" {
		t.Errorf("item without origin: %+v", it)
	}
	if it.Err != nil {
		if strings.HasPrefix(it.Err.Error(), it.Origin+":") && it.Origin != "-" {
			t.Errorf("error %q repeats its origin %q", it.Err, it.Origin)
		}
		return
	}
	d := it.Doc
	if d.ID == "" || d.ContentHash != document.HashText(d.Text) || d.Origin != it.Origin || d.Text == "" {
		t.Errorf("%s: document not finished: id %q hash %q origin %q", it.Origin, d.ID, d.ContentHash, d.Origin)
	}
	if !d.FetchedAt.Equal(fixedNow) && !d.FetchedAt.IsZero() {
		t.Errorf("%s: fetched at %v, want the Options clock", it.Origin, d.FetchedAt)
	}
	if !utf8.ValidString(d.Text) || document.CleanText(d.Text) != d.Text {
		t.Errorf("%s: text is not clean", it.Origin)
	}
}

// TestSeedFeedMatchesRecords reads the seed records and the Defense Post feed they partly came from:
// each feed item must be recognisable as the same document as its record (same URL after
// normalisation, same clean text and content hash, same title and time), although their IDs differ.
func TestSeedFeedMatchesRecords(t *testing.T) {
	recs := readAll(t, fixtures.Path(t, "fixtures", "seeds", "articles.jsonl"), nil, testOptions())
	feedItems := readAll(t, fixtures.Path(t, "fixtures", "seeds", "defensepost-mali.rss"), nil, testOptions())
	if len(recs) != 14 || len(feedItems) != 10 {
		t.Fatalf("got %d records and %d feed items, want 14 and 10", len(recs), len(feedItems))
	}
	byURL := map[string]document.Document{}
	for _, it := range recs {
		if it.Err != nil {
			t.Fatalf("record: %v", it.Err)
		}
		if !strings.Contains(it.Origin, "articles.jsonl#item ") {
			t.Errorf("record origin %q", it.Origin)
		}
		if it.Doc.URL != "" {
			byURL[it.Doc.URL] = it.Doc
		}
	}
	matched := 0
	for _, it := range feedItems {
		if it.Err != nil {
			t.Fatalf("feed item: %v", it.Err)
		}
		f := it.Doc
		r, ok := byURL[f.URL]
		if !ok {
			t.Errorf("feed item %s: no record with URL %q", it.Origin, f.URL)
			continue
		}
		matched++
		if f.Text != r.Text || f.ContentHash != r.ContentHash {
			t.Errorf("feed item %s: clean text differs from record %s", f.URL, r.ID)
		}
		if f.Title != r.Title || !f.Published.Equal(r.Published) || f.Outlet != r.Outlet || f.Language != r.Language {
			t.Errorf("feed item %s: title/published/outlet/language %q %v %q %q, record %q %v %q %q",
				f.URL, f.Title, f.Published, f.Outlet, f.Language, r.Title, r.Published, r.Outlet, r.Language)
		}
		// Records bring their own ids; feed items get one from their GUID.
		if !strings.HasPrefix(f.ID, "guid:") || f.ID == r.ID {
			t.Errorf("feed item id %q, record id %q", f.ID, r.ID)
		}
	}
	if matched != 10 {
		t.Errorf("%d of 10 feed items matched a record", matched)
	}
}

// TestReadDirectory reads a directory of every form and every kind of bad input: each file gives its
// documents or one failure naming it, in sorted order, and dotfiles are skipped.
func TestReadDirectory(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile := func(name, from string) {
		t.Helper()
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		write(name, b)
	}
	write("a.jsonl", []byte(`{"id":"a1","text":"First."}`+"\n"+`{"id":"a2","text":`+"\n"+`{"id":"a3","text":"Third."}`+"\n"))
	write("b.txt", []byte("Ambush on the Demo road\n\nSoldiers were ambushed on Sunday.\n"))
	copyFile("c.html", filepath.Join("page", "testdata", "article.html"))
	copyFile("d.atom", filepath.Join("feed", "testdata", "example.atom"))
	write("e.bin", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"))
	write("f.txt", nil)
	write("g.txt", bytes.Repeat([]byte("Too long. "), 2000))
	if err := os.Symlink(filepath.Join(dir, "missing.txt"), filepath.Join(dir, "h-link.txt")); err != nil {
		t.Fatal(err)
	}
	write("i-latin1.txt", []byte("Attaque \xe0 S\xe9gou\n\nDes hommes arm\xe9s ont attaqu\xe9 le march\xe9.\n"))
	write("j-damaged.txt", []byte("Clashes near M\xc3\xa9naka\n\nA bad \xff byte in UTF-8 text.\n"))
	write("sub/z.json", []byte(`[{"id":"z1","text":"Zed."},{"id":"z2","te`))
	write(".hidden.txt", []byte("Never read."))
	write(".git/HEAD.txt", []byte("Never read either."))
	write("k-space.txt", []byte(" \n\n\t "))

	opts := testOptions()
	opts.MaxBytes = 8192
	items := readAll(t, dir, nil, opts)

	want := []struct{ origin, doc, err string }{
		{origin: "a.jsonl#item 1", doc: "a1"},
		{origin: "a.jsonl#item 2", err: "line 2: invalid JSON"},
		{origin: "a.jsonl#item 3", doc: "a3"},
		{origin: "b.txt", doc: "Ambush on the Demo road"},
		{origin: "c.html", doc: "Militants attack army post in Sampleton"},
		{origin: "d.atom#item 1", doc: "Convoy ambushed near Placeville & Sampletown"},
		{origin: "d.atom#item 2", doc: "Market reopens in Exampleville"},
		{origin: "d.atom#item 3", err: "has no text"},
		{origin: "e.bin", err: "binary file"},
		{origin: "f.txt", err: "empty file"},
		{origin: "g.txt", err: "file too large (20000 bytes > limit 8192)"},
		{origin: "h-link.txt", err: "broken symbolic link: stat: no such file or directory"},
		{origin: "i-latin1.txt", doc: "Attaque à Ségou"},
		{origin: "j-damaged.txt", doc: "Clashes near Ménaka"},
		{origin: "k-space.txt", err: "empty file (only white space)"},
		{origin: filepath.Join("sub", "z.json") + "#item 1", doc: "z1"},
		{origin: filepath.Join("sub", "z.json") + "#item 2", err: "truncated JSON array"},
	}
	if len(items) != len(want) {
		for _, it := range items {
			t.Logf("%s: %v", it.Origin, it.Err)
		}
		t.Fatalf("got %d items, want %d", len(items), len(want))
	}
	for i, w := range want {
		it := items[i]
		if it.Origin != filepath.Join(dir, w.origin) {
			t.Errorf("item %d: origin %q, want %q", i, it.Origin, filepath.Join(dir, w.origin))
			continue
		}
		if w.err != "" {
			if it.Err == nil || !strings.Contains(it.Err.Error(), w.err) {
				t.Errorf("%s: error %v, want %q", w.origin, it.Err, w.err)
			}
			continue
		}
		if it.Err != nil {
			t.Errorf("%s: %v", w.origin, it.Err)
			continue
		}
		if it.Doc.ID != w.doc && it.Doc.Title != w.doc {
			t.Errorf("%s: got id %q title %q, want %q", w.origin, it.Doc.ID, it.Doc.Title, w.doc)
		}
	}
	// A feed with a damaged byte is repaired, not refused.
	damaged := readAll(t, "-", strings.NewReader("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>T</title>"+
		"<item><title>Bad \xff byte</title><description>Body text.</description></item></channel></rss>"), testOptions())
	if len(damaged) != 1 || damaged[0].Err != nil || damaged[0].Doc.Title != "Bad \uFFFD byte" {
		t.Errorf("damaged feed: %+v", damaged)
	}
	// Plain text: published from the file's time, approximate; repaired bytes.
	b := items[3].Doc
	st, _ := os.Stat(filepath.Join(dir, "b.txt"))
	if !b.Published.Equal(st.ModTime()) || !b.PublishedApprox {
		t.Errorf("b.txt published %v approx %v, want mtime %v approx", b.Published, b.PublishedApprox, st.ModTime())
	}
	if got := items[13].Doc.Text; got != "Clashes near Ménaka\n\nA bad \uFFFD byte in UTF-8 text." {
		t.Errorf("damaged UTF-8 repaired as %q", got)
	}
	if got := items[12].Doc.Text; !strings.Contains(got, "Des hommes armés ont attaqué le marché.") {
		t.Errorf("Windows-1252 text decoded as %q", got)
	}
}

// TestReadUnreadable provokes read errors that happen even as root: a directory entry that is a
// named pipe (never opened: it would block), a file named through a symbolic-link loop, and — when not
// root — a file and a directory without permissions.
func TestReadUnreadable(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ok.txt"), []byte("Readable text.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop.txt")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	wantErrs := map[string]string{"loop.txt": "too many levels of symbolic links"}
	if makeFIFO(t, filepath.Join(dir, "pipe.txt")) {
		wantErrs["pipe.txt"] = "not a regular file"
	}
	if os.Geteuid() != 0 {
		// Root reads through permission bits; for everyone else these must fail and be reported.
		noRead := filepath.Join(dir, "secret.txt")
		if err := os.WriteFile(noRead, []byte("x"), 0o000); err != nil {
			t.Fatal(err)
		}
		noDir := filepath.Join(dir, "closed")
		if err := os.Mkdir(noDir, 0o000); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(noDir, 0o755) })
		wantErrs["secret.txt"] = "permission denied"
		wantErrs["closed"] = "permission denied"
	}
	items := readAll(t, dir, nil, testOptions())
	docs := 0
	for _, it := range items {
		if it.Err == nil {
			docs++
			continue
		}
		name := filepath.Base(it.Origin)
		want, ok := wantErrs[name]
		if !ok || !strings.Contains(it.Err.Error(), want) {
			t.Errorf("%s: error %v, want %q", name, it.Err, want)
		}
		delete(wantErrs, name)
	}
	if docs != 1 || len(wantErrs) != 0 {
		t.Errorf("got %d documents (want 1); failures not reported: %v", docs, wantErrs)
	}
	// A directory named through a symbolic link is read (links inside a tree are not followed).
	link := filepath.Join(t.TempDir(), "linked")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	var viaLink []string
	for _, it := range readAll(t, link, nil, testOptions()) {
		if it.Err == nil {
			viaLink = append(viaLink, it.Origin)
		}
	}
	if len(viaLink) != 1 || viaLink[0] != filepath.Join(link, "ok.txt") {
		t.Errorf("directory through a link gave %v", viaLink)
	}
	// The same failures when named directly.
	if err := Read(context.Background(), loop, nil, testOptions(), func(it Item) error {
		if it.Err == nil || it.Origin != loop {
			t.Errorf("loop named directly: %+v", it)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")
	items = readAll(t, missing, nil, testOptions())
	if len(items) != 1 || items[0].Err == nil || !errors.Is(items[0].Err, os.ErrNotExist) {
		t.Errorf("missing file: %+v", items)
	}
}

func TestReadStdin(t *testing.T) {
	items := readAll(t, "-", strings.NewReader(`[{"id":"s1","text":"One."},{"id":"s2","text":"Two."}]`), testOptions())
	if len(items) != 2 || items[0].Origin != "-#item 1" || items[1].Doc.ID != "s2" {
		t.Errorf("records on stdin: %+v", items)
	}
	// Plain text on stdin: --published when given, else the read time, approximate.
	pub := time.Date(2024, 9, 17, 8, 0, 0, 0, time.FixedZone("WAT", 3600))
	opts := testOptions()
	opts.Published = pub
	items = readAll(t, "-", strings.NewReader("Gunmen attacked a base.\n"), opts)
	if len(items) != 1 || !items[0].Doc.Published.Equal(pub) || items[0].Doc.PublishedApprox || items[0].Origin != "-" {
		t.Errorf("text with --published: %+v", items)
	}
	items = readAll(t, "-", strings.NewReader("Gunmen attacked a base.\n"), testOptions())
	if len(items) != 1 || !items[0].Doc.Published.Equal(fixedNow) || !items[0].Doc.PublishedApprox {
		t.Errorf("text without --published: %+v", items)
	}
	// An endless stream fails at the limit instead of filling memory.
	opts = testOptions()
	opts.MaxBytes = 1000
	items = readAll(t, "-", endless{}, opts)
	if len(items) != 1 || items[0].Err == nil || !strings.Contains(items[0].Err.Error(), "file too large (more than 1000 bytes > limit 1000)") {
		t.Errorf("endless stdin: %+v", items)
	}
	items = readAll(t, "-", strings.NewReader(""), testOptions())
	if len(items) != 1 || items[0].Err == nil || !strings.Contains(items[0].Err.Error(), "empty file") || items[0].Origin != "-" {
		t.Errorf("empty stdin: %+v", items)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// TestReadStops: fn's error and a cancelled context end the reading and are returned.
func TestReadStops(t *testing.T) {
	path := filepath.Join("feed", "testdata", "example.atom")
	stopErr := errors.New("stop here")
	calls := 0
	err := Read(context.Background(), path, nil, testOptions(), func(Item) error { calls++; return stopErr })
	if !errors.Is(err, stopErr) || calls != 1 {
		t.Errorf("fn error: Read returned %v after %d calls", err, calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = Read(ctx, path, nil, testOptions(), func(Item) error { calls++; cancel(); return nil })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("cancelled: Read returned %v after %d calls", err, calls)
	}
	err = Read(ctx, ".", nil, testOptions(), func(Item) error { t.Error("called after cancel"); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before start: %v", err)
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		in, ext string
		want    form
	}{
		{`{"id":"a","text":"x"}`, "", formRecords},
		{"  \n[ {\"text\":\"x\"}]", ".txt", formRecords},
		{"[]", "", formRecords},
		{"[Reuters] Gunmen attacked a base.", ".txt", formText},
		{"{Not JSON} but text", "", formText},
		{`{"version":"https://jsonfeed.org/version/1.1","items":[]}`, ".json", formFeed},
		{`<?xml version="1.0"?><rss version="2.0">`, "", formFeed},
		{`<feed xmlns="http://www.w3.org/2005/Atom">`, ".txt", formFeed},
		{`<?xml version="1.0"?><urlset>`, "", formFeed},
		{"<!DOCTYPE html><html><body>", ".txt", formPage},
		{"<p>fragment</p>", "", formPage},
		{`<html><body><p>This page mentions <rss> in its text</p>`, "", formPage},
		{"<3 to all", "", formText},
		{"Plain text", ".html", formPage},
		{"Plain text", ".jsonl", formRecords},
		{"Plain text", ".rss", formFeed},
		{"Plain text", ".md", formText},
	}
	for _, tt := range tests {
		if got := detect([]byte(tt.in), tt.ext); got != tt.want {
			t.Errorf("detect(%q, %q) = %v, want %v", tt.in, tt.ext, got, tt.want)
		}
	}
}

func TestDecodeText(t *testing.T) {
	utf16le := []byte{0xFF, 0xFE, 'H', 0, 'i', 0, ' ', 0, 0xE9, 0}
	tests := []struct {
		name string
		in   []byte
		want string
		err  string
	}{
		{"utf-8", []byte("Ségou"), "Ségou", ""},
		{"bom", []byte("\ufeffSégou"), "Ségou", ""},
		{"utf-16", utf16le, "Hi é", ""},
		{"windows-1252", []byte("S\xe9gou \x93quoted\x94"), "Ségou “quoted”", ""},
		{"damaged utf-8 repaired", []byte("Ségou \xff"), "Ségou \uFFFD", ""},
		{"damaged utf-8 declared", []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>S\xe9gou</a>"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>S\uFFFDgou</a>", ""},
		{"html declares its charset", []byte("<meta charset=iso-8859-1>S\xe9gou"), "<meta charset=iso-8859-1>S\xe9gou", ""},
		{"nul", []byte("text\x00more"), "", "binary file"},
		{"control bytes", bytes.Repeat([]byte{0x01, 0x02, 'a'}, 100), "", "binary file"},
		{"random high bytes", bytes.Repeat([]byte{0xC3, 0x28, 0xA0, 0xA1}, 100), "", "binary file"},
		{"empty", nil, "", "empty file"},
	}
	for _, tt := range tests {
		got, err := decodeText(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil || string(got) != tt.want {
			t.Errorf("%s: got %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{`{"id":"a","text":"x"}`, "[{\"text\":\"y\"}", "<rss><channel><item><description>d</description></item></channel></rss>",
		"<p>page</p>", "Title\n\nText.", "\x00", "\xff\xfe\x00", `{"version":"https://jsonfeed.org/version/1","items":[{"content_html":"<p>z"}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		err := Read(context.Background(), "-", bytes.NewReader(data), testOptions(), func(it Item) error {
			n++
			checkItem(t, it)
			return nil
		})
		if err != nil || n == 0 {
			t.Fatalf("Read: %v after %d items; every input gives at least one item", err, n)
		}
	})
}

func BenchmarkReadSeedFeed(b *testing.B) {
	path := fixtures.Path(b, "fixtures", "seeds", "defensepost-mali.rss")
	opts := testOptions()
	for b.Loop() {
		if err := Read(context.Background(), path, nil, opts, func(Item) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReadACLEDDocs reads the 7,842 ACLED development documents: every record with text gives a
// document whose text is the record's (cleaning must not eat event summaries), and the few with empty
// text fail alone, saying so.
func TestReadACLEDDocs(t *testing.T) {
	path := fixtures.Path(t, "eval", "acled-dev-docs.jsonl")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var rec struct{ Text string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		want = append(want, strings.Join(strings.Fields(rec.Text), " "))
	}
	i := 0
	err = Read(context.Background(), path, nil, testOptions(), func(it Item) error {
		if i >= len(want) {
			t.Fatalf("more items than records")
		}
		w := want[i]
		i++
		if w == "" {
			if it.Err == nil || !strings.Contains(it.Err.Error(), "text is empty") {
				t.Errorf("%s: empty record gave %v", it.Origin, it.Err)
			}
			return nil
		}
		if it.Err != nil {
			t.Errorf("%s: %v", it.Origin, it.Err)
			return nil
		}
		if got := strings.Join(strings.Fields(it.Doc.Text), " "); got != w {
			t.Errorf("%s: text changed by cleaning:\n got %q\nwant %q", it.Origin, got, w)
		}
		if it.Doc.Published.IsZero() || it.Doc.Language != "en" {
			t.Errorf("%s: published %v language %q", it.Origin, it.Doc.Published, it.Doc.Language)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if i != len(want) || len(want) < 7000 {
		t.Errorf("%d items for %d records", i, len(want))
	}
}
