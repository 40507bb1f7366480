package opml

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"github.com/sitrep-dev/sitrep/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestParse(t *testing.T) {
	tests := []struct {
		file string
		want []Outline
	}{
		{"feedreader-export.opml", []Outline{
			{Title: "Example Defence Wire", XMLURL: "https://defence.example.com/feed/", HTMLURL: "https://defence.example.com/", Category: "Sahel"},
			{Title: "Radio Exemple — Afrique", XMLURL: "https://radio.example.org/afrique/rss.xml", HTMLURL: "https://radio.example.org/afrique", Category: "Sahel"},
			{Title: "Ouaga Example Daily", XMLURL: "https://ouaga.example.bf/feed", Category: "Sahel/Burkina Faso"},
			{Title: "Cabo Delgado Example Monitor", XMLURL: "https://cabo.example.net/rss", HTMLURL: "https://cabo.example.net", Category: "Mozambique"},
			{Title: "Top-level feed", XMLURL: "https://top.example.com/atom.xml"},
		}},
		// BOM, no version, attribute names in other cases, a link outline, an empty folder and a duplicate.
		{"no-version-bom.opml", []Outline{
			{Title: "Nigeria news", XMLURL: "https://ng.example.com/feed.xml", HTMLURL: "https://ng.example.com/"},
		}},
		{"latin1.opml", []Outline{
			{Title: "Dépêches du Sénégal", XMLURL: "https://depeches.example.sn/rss", Category: "Afrique de l'Ouest"},
			{Title: "Le Faïence & l'Été", XMLURL: "https://faience.example.fr/feed?a=1&b=2", Category: "Afrique de l'Ouest"},
		}},
		// Bare ampersands in URLs and HTML entities, as some exporters write them.
		{"sloppy-export.opml", []Outline{
			{Title: "Search feed", XMLURL: "https://news.example.ng/search?q=attack&sort=date&format=rss", Category: "Nigeria édition"},
			{Title: "Café Sahel", XMLURL: "https://cafe.example.com/rss", Category: "Nigeria édition"},
		}},
		{"category-attribute.opml", []Outline{
			{Title: "Cameroon Example Post", XMLURL: "http://cm.example.com/rss", Category: "Central Africa/Cameroon"},
			{Title: "Old style", XMLURL: "http://old.example.com/rss.xml"},
			{Title: "Multi line title", XMLURL: "https://ml.example.com/feed"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := Parse(f)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file    string
		notOPML bool   // wraps ErrNotOPML
		msg     string // part of the message
	}{
		{"rss.xml", true, "root element is <rss>"},
		{"page.html", true, "not an OPML document"},
		{"no-body.opml", true, "no <body>"},
		{"truncated.opml", false, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(bytes.NewReader(data))
			if err == nil {
				t.Fatal("Parse succeeded on a file that is not a complete OPML document")
			}
			if errors.Is(err, ErrNotOPML) != tt.notOPML {
				t.Errorf("errors.Is(err, ErrNotOPML) = %v, want %v (err %v)", !tt.notOPML, tt.notOPML, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
		})
	}
	for _, in := range []string{"", "   ", "plain text, no markup", "{\"feeds\": []}"} {
		if _, err := Parse(strings.NewReader(in)); !errors.Is(err, ErrNotOPML) {
			t.Errorf("Parse(%q) = %v, want ErrNotOPML", in, err)
		}
	}
}

func TestParseUTF16(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "latin1.opml"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	// The same list as a Windows tool would save it: UTF-16 with a byte order mark, declared as such.
	var buf bytes.Buffer
	if err := Write(&buf, "Abonnements", want); err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(buf.String(), `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
	for _, e := range []unicode.Endianness{unicode.LittleEndian, unicode.BigEndian} {
		enc, err := unicode.UTF16(e, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(bytes.NewReader(enc))
		if err != nil {
			t.Fatalf("Parse UTF-16: %v", err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("UTF-16:\n got %+v\nwant %+v", got, want)
		}
	}
}

func TestParseDepthBound(t *testing.T) {
	deep := "<opml><body>" + strings.Repeat("<outline text='f'>", maxDepth+5) + strings.Repeat("</outline>", maxDepth+5) + "</body></opml>"
	if _, err := Parse(strings.NewReader(deep)); err == nil || !strings.Contains(err.Error(), "nested") {
		t.Errorf("Parse of outlines nested %d deep: %v, want a nesting error", maxDepth+5, err)
	}
}

func TestWriteGolden(t *testing.T) {
	outlines := []Outline{
		{Title: "Example Defence Wire", XMLURL: "https://defence.example.com/feed/", HTMLURL: "https://defence.example.com/", Category: "Sahel"},
		{Title: "Top-level & <escaped> \"feed\"", XMLURL: "https://top.example.com/atom.xml?a=1&b=2"},
		{Title: "Ouaga Example Daily", XMLURL: "https://ouaga.example.bf/feed", Category: "Sahel/Burkina Faso"},
		{Title: "Dépêches", XMLURL: "https://depeches.example.sn/rss", Category: "Afrique de l'Ouest"},
		{Title: "Radio Exemple", XMLURL: "https://radio.example.org/rss", Category: "Sahel"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "sitrep subscriptions", outlines); err != nil {
		t.Fatal(err)
	}
	golden.Bytes(t, filepath.Join("testdata", "write.golden.opml"), buf.Bytes(), *update)

	got, err := Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Parse(Write(...)): %v", err)
	}
	// Write groups feeds by folder: top-level feeds first, then each folder in first-seen order.
	want := []Outline{outlines[1], outlines[0], outlines[4], outlines[2], outlines[3]}
	if !slices.Equal(got, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, want)
	}
}

func TestRoundTripFiles(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.opml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		first, err := Parse(bytes.NewReader(data))
		if err != nil {
			continue // the error cases
		}
		t.Run(filepath.Base(file), func(t *testing.T) { checkRoundTrip(t, first) })
	}
}

// checkRoundTrip: Write then Parse gives back the same outlines (grouped by folder), and a second
// round trip changes nothing at all.
func checkRoundTrip(t *testing.T, first []Outline) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, "round trip", first); err != nil {
		t.Fatal(err)
	}
	second, err := Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Parse(Write(outlines)): %v\n%s", err, buf.Bytes())
	}
	if !sameOutlines(first, second) {
		t.Fatalf("round trip changed the outlines:\nbefore %+v\n after %+v\n%s", first, second, buf.Bytes())
	}
	buf.Reset()
	if err := Write(&buf, "round trip", second); err != nil {
		t.Fatal(err)
	}
	third, err := Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(second, third) {
		t.Fatalf("second round trip changed the order or content:\n%+v\n%+v", second, third)
	}
}

func sameOutlines(a, b []Outline) bool {
	key := func(o Outline) string { return o.Category + "\x00" + o.XMLURL + "\x00" + o.Title + "\x00" + o.HTMLURL }
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i := range a {
		ka[i] = key(a[i])
	}
	for i := range b {
		kb[i] = key(b[i])
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}

func TestWriteEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, "", nil); err != nil {
		t.Fatal(err)
	}
	got, err := Parse(&buf)
	if err != nil || len(got) != 0 {
		t.Errorf("Parse(Write(nil)) = %v, %v; want no outlines and no error", got, err)
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`<opml><body><outline text="a/b" xmlUrl="x"><outline text="c" xmlUrl="y"/></outline></body></opml>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		first, err := Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, o := range first {
			if o.XMLURL == "" {
				t.Fatalf("outline without xmlUrl: %+v", o)
			}
		}
		checkRoundTrip(t, first)
	})
}
