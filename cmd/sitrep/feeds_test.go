package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sitrep-dev/sitrep/internal/auth"
	"github.com/sitrep-dev/sitrep/internal/reader/opml"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// mustRun runs the CLI and fails the test on a non-zero exit.
func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, stderr := sitrep(t, nil, args...)
	if code != 0 {
		t.Fatalf("sitrep %s: exit %d\n%s%s", strings.Join(args, " "), code, out, stderr)
	}
	return out
}

func listFeeds(t *testing.T, db string) []subscription.Listing {
	t.Helper()
	var got []subscription.Listing
	if err := json.Unmarshal([]byte(mustRun(t, "feeds", "list", "--json", "--db", db)), &got); err != nil {
		t.Fatalf("feeds list --json: %v", err)
	}
	return got
}

func TestFeedsCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	if out := mustRun(t, "feeds", "list", "--db", db); !strings.Contains(out, "no feeds") {
		t.Errorf("empty list: %q", out)
	}
	out := mustRun(t, "feeds", "add", "https://example.org/mali.rss", "--name", "Mali news", "--interval", "30m", "--db", db)
	if !strings.HasPrefix(out, "feed 1 added: https://example.org/mali.rss (Mali news, every 30m0s)") {
		t.Errorf("add: %q", out)
	}
	mustRun(t, "feeds", "add", "--db", db, "http://example.net/feed#top")

	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"feeds", "add", "https://example.org/mali.rss", "--db", db}, 1, "already subscribed"},
		{[]string{"feeds", "add", "ftp://example.org/x", "--db", db}, 2, "only http and https"},
		{[]string{"feeds", "add", "https://example.org/y", "--interval", "1ms", "--db", db}, 2, "below the minimum"},
		{[]string{"feeds", "add", "--db", db}, 2, "exactly one feed URL"},
		{[]string{"feeds", "remove", "99", "--db", db}, 1, "no feed with ID 99"},
		{[]string{"feeds", "enable", "https://nowhere.example/", "--db", db}, 1, "no feed at"},
		{[]string{"feeds", "frobnicate", "--db", db}, 2, "unknown subcommand"},
		{[]string{"feeds"}, 2, "give a subcommand"},
		{[]string{"feeds", "import", filepath.Join(t.TempDir(), "missing.opml"), "--db", db}, 1, "missing.opml"},
	}
	for _, tt := range tests {
		code, out, stderr := sitrep(t, nil, tt.args...)
		if code != tt.code || !strings.Contains(out+stderr, tt.msg) {
			t.Errorf("sitrep %s: exit %d %q, want exit %d and %q", strings.Join(tt.args, " "), code, out+stderr, tt.code, tt.msg)
		}
	}

	got := listFeeds(t, db)
	if len(got) != 2 || got[0].Name != "Mali news" || got[0].IntervalSeconds != 1800 ||
		got[1].URL != "http://example.net/feed" || got[1].Name != "example.net" || got[1].State != subscription.StateNew {
		t.Fatalf("list --json = %+v", got)
	}
	table := mustRun(t, "feeds", "list", "--db", db)
	for _, want := range []string{"ID", "LAST POLLED", "Mali news", "30m0s", "never", "new"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}

	// The monitor disables a feed; enable (by URL) makes it due again.
	disable(t, db, 1, "10 failures in a row: 404 Not Found\x1b[31m")
	table = mustRun(t, "feeds", "list", "--db", db)
	if !strings.Contains(table, "disabled: 10 failures in a row: 404 Not Found") || strings.Contains(table, "\x1b") {
		t.Errorf("disabled feed in the table:\n%q", table)
	}
	if out := mustRun(t, "feeds", "enable", "https://example.org/mali.rss", "--db", db); !strings.Contains(out, "feed 1 enabled") {
		t.Errorf("enable: %q", out)
	}
	got = listFeeds(t, db)
	if got[0].State != subscription.StateFailing || got[0].Failures != 0 || got[0].DisabledReason != "" || got[0].NextPoll != nil {
		t.Errorf("after enable: %+v (want no reason, no failures, due now; the last error kept)", got[0])
	}

	if out := mustRun(t, "feeds", "remove", "2", "--db", db); !strings.Contains(out, "feed 2 removed") {
		t.Errorf("remove: %q", out)
	}
	if got = listFeeds(t, db); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("after remove: %+v", got)
	}
	// By URL too, as normalised by feeds add.
	mustRun(t, "feeds", "add", "http://example.net/feed", "--db", db)
	mustRun(t, "feeds", "remove", "http://example.net/feed#again", "--db", db)
	if got = listFeeds(t, db); len(got) != 1 {
		t.Errorf("after remove by URL: %+v", got)
	}
}

// disable sets what the monitor sets when a feed keeps failing.
func disable(t *testing.T, db string, id int64, reason string) {
	t.Helper()
	s, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f, err := s.Feed(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	f.Failures, f.LastError, f.DisabledReason = subscription.MaxFailures, "404 Not Found", reason
	f.LastPolled, f.NextPoll, f.LastStatus = time.Now(), time.Now().Add(time.Hour), 404
	if err := s.UpdateFeed(t.Context(), f); err != nil {
		t.Fatal(err)
	}
}

func TestFeedsImportExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.db")
	in := filepath.Join(dir, "in.opml")
	const doc = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="Sahel">
    <outline type="rss" text="Mali desk" xmlUrl="https://example.org/mali.rss" htmlUrl="https://example.org/"/>
    <outline type="rss" text="Niger desk" xmlUrl="https://example.org/niger.rss"/>
  </outline>
  <outline type="rss" text="Old gopher" xmlUrl="gopher://example.org/feed"/>
  <outline type="rss" text="Already here" xmlUrl="https://example.com/feed"/>
</body></opml>`
	if err := os.WriteFile(in, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "feeds", "add", "https://example.com/feed", "--db", db)
	code, out, stderr := sitrep(t, nil, "feeds", "import", "--interval", "1h", in, "--db", db)
	if code != 1 || out != "feeds: 2 added, 1 already subscribed, 1 invalid\n" || !strings.Contains(stderr, "gopher://") {
		t.Fatalf("import: exit %d %q %q", code, out, stderr)
	}
	got := listFeeds(t, db)
	var names []string
	for _, f := range got {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, []string{"example.com", "Mali desk", "Niger desk"}) || got[1].Interval != "1h0m0s" {
		t.Errorf("imported: %+v", got)
	}
	// Importing again adds nothing.
	code, out, _ = sitrep(t, nil, "feeds", "import", in, "--db", db)
	if code != 1 || !strings.HasPrefix(out, "feeds: 0 added, 3 already subscribed") {
		t.Errorf("second import: exit %d %q", code, out)
	}

	// Export to stdout and to a file: the same feeds come back through the OPML reader.
	outlines, err := opml.Parse(strings.NewReader(mustRun(t, "feeds", "export", "--db", db)))
	if err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(dir, "out.opml")
	mustRun(t, "feeds", "export", "-o", exported, "--db", db)
	f, err := os.Open(exported)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fromFile, err := opml.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(outlines, fromFile) || len(outlines) != 3 {
		t.Fatalf("exports differ or are short: %+v vs %+v", outlines, fromFile)
	}
	for i, o := range outlines {
		if o.XMLURL != got[i].URL || o.Title != got[i].Name {
			t.Errorf("outline %d = %+v, want %s %s", i, o, got[i].URL, got[i].Name)
		}
	}
	// A fresh database imports the export to the same subscriptions.
	db2 := filepath.Join(dir, "s2.db")
	if out := mustRun(t, "feeds", "import", exported, "--db", db2); out != "feeds: 3 added, 0 already subscribed, 0 invalid\n" {
		t.Errorf("re-import: %q", out)
	}
	for i, f := range listFeeds(t, db2) {
		if f.URL != got[i].URL || f.Name != got[i].Name {
			t.Errorf("re-imported %d: %+v, want %+v", i, f, got[i])
		}
	}
}

func TestTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "s.db")
	if out := mustRun(t, "token", "list", "--db", db); !strings.Contains(out, "no tokens") {
		t.Errorf("empty list: %q", out)
	}
	code, secret, stderr := sitrep(t, nil, "token", "create", "ci", "--db", db)
	secret = strings.TrimSpace(secret)
	if code != 0 || !auth.Plausible(secret) || !strings.Contains(stderr, "cannot be shown again") {
		t.Fatalf("create: exit %d %q %q", code, secret, stderr)
	}
	mustRun(t, "token", "create", "--db", db, "analyst")
	list := mustRun(t, "token", "list", "--db", db)
	if !strings.Contains(list, "analyst") || !strings.Contains(list, "ci") || strings.Contains(list, secret) ||
		strings.Contains(list, strings.TrimPrefix(secret, auth.Prefix)[:10]) {
		t.Errorf("list:\n%s", list)
	}

	check := func(want bool) {
		t.Helper()
		s, err := sqlite.Open(t.Context(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if ok, err := s.CheckToken(t.Context(), secret); err != nil || ok != want {
			t.Errorf("CheckToken = %v, %v; want %v", ok, err, want)
		}
	}
	check(true)
	if list := mustRun(t, "token", "list", "--db", db); strings.Count(list, "never") != 1 {
		t.Errorf("after one use, want one token never used:\n%s", list)
	}

	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"token", "create", "ci", "--db", db}, 1, "exists already"},
		{[]string{"token", "create", " padded", "--db", db}, 1, "space"},
		{[]string{"token", "create", "--db", db}, 2, "takes 1 argument"},
		{[]string{"token", "revoke", "nobody", "--db", db}, 1, "no token called"},
		{[]string{"token", "list", "extra", "--db", db}, 2, "takes 0 argument"},
		{[]string{"token", "mint", "--db", db}, 2, "unknown subcommand"},
	}
	for _, tt := range tests {
		code, out, stderr := sitrep(t, nil, tt.args...)
		if code != tt.code || !strings.Contains(out+stderr, tt.msg) {
			t.Errorf("sitrep %s: exit %d %q, want exit %d and %q", strings.Join(tt.args, " "), code, out+stderr, tt.code, tt.msg)
		}
	}
	if out := mustRun(t, "token", "revoke", "ci", "--db", db); !strings.Contains(out, `token "ci" revoked`) {
		t.Errorf("revoke: %q", out)
	}
	check(false)
}

func TestSubcommandHelp(t *testing.T) {
	for _, args := range [][]string{
		{"feeds", "add", "--help"}, {"feeds", "list", "-h"}, {"feeds", "import", "--help"},
		{"token", "create", "--help"}, {"token", "list", "--help"},
	} {
		code, _, stderr := sitrep(t, nil, args...)
		if code != 0 || !strings.Contains(stderr, "Usage: sitrep "+args[0]+" "+args[1]) {
			t.Errorf("%v: exit %d %q", args, code, stderr)
		}
	}
}

func TestReadTokenFlag(t *testing.T) {
	for _, tt := range []struct {
		env  string
		args []string
		want bool
	}{
		{"", nil, false},
		{"1", nil, true},
		{"true", nil, true},
		{"0", nil, false},
		{"yes please", nil, false}, // unparsable: the open default
		{"", []string{"--private"}, true},
		{"1", []string{"--private=false"}, false},
	} {
		env := &cliEnv{getenv: func(k string) string {
			if k == "SITREP_READ_TOKEN_REQUIRED" {
				return tt.env
			}
			return ""
		}}
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		p := readTokenFlag(fs, env)
		if err := fs.Parse(tt.args); err != nil || *p != tt.want {
			t.Errorf("env %q args %v: %v, %v; want %v", tt.env, tt.args, *p, err, tt.want)
		}
	}
}
