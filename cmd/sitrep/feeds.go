package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sitrep-dev/sitrep/internal/reader/opml"
	"github.com/sitrep-dev/sitrep/internal/storage"
	"github.com/sitrep-dev/sitrep/internal/subscription"
)

// feedStore is what the feeds command uses of a store (both stores implement it).
type feedStore interface {
	AddFeed(ctx context.Context, f subscription.Feed) (subscription.Feed, error)
	Feeds(ctx context.Context) ([]subscription.Feed, error)
	Feed(ctx context.Context, id int64) (subscription.Feed, error)
	FeedByURL(ctx context.Context, url string) (subscription.Feed, error)
	RemoveFeed(ctx context.Context, id int64) error
	UpdateFeed(ctx context.Context, f subscription.Feed) error
}

// feedsSub is one subcommand of sitrep feeds.
type feedsSub struct {
	name, usage, summary string
	run                  func(ctx context.Context, env *cliEnv, c command, args []string) error
}

func feedsSubs() []feedsSub {
	return []feedsSub{
		{"add", "URL [--name NAME] [--interval 15m]", "Subscribe to a feed (RSS, Atom or JSON Feed).", feedsAdd},
		{"list", "[--json]", "List the subscribed feeds with their polling state.", feedsList},
		{"remove", "ID|URL", "Unsubscribe from a feed (what it brought in stays).", feedsRemove},
		{"enable", "ID|URL", "Poll a feed again that was disabled after repeated failures.", feedsEnable},
		{"import", "[--interval 15m] FILE.opml", "Subscribe to every feed of an OPML file (as feed readers export them).", feedsImport},
		{"export", "[-o FILE]", "Write the subscriptions as an OPML file.", feedsExport},
	}
}

// feedsCommand manages the feeds the monitor polls (sitrep serve, sitrep monitor).
func feedsCommand() command {
	c := command{
		name:    "feeds",
		summary: "Manage the feeds the monitor polls: add, list, remove, enable, import (OPML), export (OPML).",
		usage:   "add|list|remove|enable|import|export [--db FILE|URL] [args]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprintf(env.stderr, "Usage: sitrep %s %s\n\n%s\n\nSubcommands:\n", c.name, c.usage, c.summary)
			for _, s := range feedsSubs() {
				fmt.Fprintf(env.stderr, "  %-7s %s\n", s.name, s.summary)
			}
			fmt.Fprintln(env.stderr, "\nRun 'sitrep feeds SUBCOMMAND --help' for its flags.")
			if len(args) == 0 {
				return usageErr("give a subcommand")
			}
			return flag.ErrHelp
		}
		for _, s := range feedsSubs() {
			if s.name == args[0] {
				sc := command{name: c.name + " " + s.name, usage: s.usage, summary: s.summary}
				return s.run(ctx, env, sc, args[1:])
			}
		}
		return usageErr("unknown subcommand %q (add, list, remove, enable, import, export)", args[0])
	}
	return c
}

// withStore opens the store --db names for one subcommand.
func withStore(ctx context.Context, db string, fn func(storeHandle) error) error {
	store, err := openStore(ctx, db)
	if err != nil {
		return err
	}
	defer store.Close()
	return fn(store)
}

func feedsAdd(ctx context.Context, env *cliEnv, c command, args []string) error {
	fs := newFlagSet(env, c)
	db := dbFlag(fs, env)
	name := fs.String("name", "", "display name (default: the feed's host)")
	interval := fs.Duration("interval", subscription.DefaultInterval, "how often to poll the feed")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErr("give exactly one feed URL")
	}
	f, err := subscription.New(rest[0], *name, *interval)
	if err != nil {
		return usageErr("%v", err)
	}
	return withStore(ctx, *db, func(s storeHandle) error {
		f, err := s.AddFeed(ctx, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "feed %d added: %s (%s, every %s)\n", f.ID, f.URL, f.Name, f.Interval)
		return nil
	})
}

func feedsList(ctx context.Context, env *cliEnv, c command, args []string) error {
	fs := newFlagSet(env, c)
	db := dbFlag(fs, env)
	asJSON := fs.Bool("json", false, "print a JSON array (the same objects as GET /api/feeds)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("unexpected arguments %q", rest)
	}
	return withStore(ctx, *db, func(s storeHandle) error {
		feeds, err := s.Feeds(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			list := make([]subscription.Listing, 0, len(feeds))
			for _, f := range feeds {
				list = append(list, f.Listing())
			}
			enc := json.NewEncoder(env.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(list)
		}
		if len(feeds) == 0 {
			fmt.Fprintln(env.stdout, "no feeds (add one with 'sitrep feeds add URL')")
			return nil
		}
		return feedTable(env.stdout, feeds)
	})
}

// feedTable writes feeds as an aligned table. Names and errors come from outside (feed titles,
// server messages): control characters are replaced so they cannot garble the terminal.
func feedTable(w io.Writer, feeds []subscription.Feed) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tURL\tINTERVAL\tLAST POLLED\tITEMS\tSTATUS")
	for _, f := range feeds {
		polled := "never"
		if !f.LastPolled.IsZero() {
			polled = f.LastPolled.UTC().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\n", f.ID, cell(f.Name), cell(f.URL), f.Interval, polled,
			f.Items, cell(f.Status()))
	}
	return tw.Flush()
}

func cell(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}

// findFeed resolves a command-line reference to a feed: a number is an ID, anything else a URL (as
// given, then as subscription.New normalises it).
func findFeed(ctx context.Context, s feedStore, ref string) (subscription.Feed, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		f, err := s.Feed(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return f, fmt.Errorf("no feed with ID %d (see 'sitrep feeds list')", id)
		}
		return f, err
	}
	f, err := s.FeedByURL(ctx, ref)
	if errors.Is(err, storage.ErrNotFound) {
		if n, nerr := subscription.New(ref, "", 0); nerr == nil && n.URL != ref {
			f, err = s.FeedByURL(ctx, n.URL)
		}
	}
	if errors.Is(err, storage.ErrNotFound) {
		return f, fmt.Errorf("no feed at %s (see 'sitrep feeds list')", ref)
	}
	return f, err
}

// oneFeedArgs parses the arguments of remove and enable: --db and one ID or URL.
func oneFeedArgs(env *cliEnv, c command, args []string) (db, ref string, err error) {
	dbp, rest, err := parseDBArgs(env, c, args)
	if err != nil {
		return "", "", err
	}
	if len(rest) != 1 {
		return "", "", usageErr("give exactly one feed ID or URL")
	}
	return dbp, rest[0], nil
}

func feedsRemove(ctx context.Context, env *cliEnv, c command, args []string) error {
	db, ref, err := oneFeedArgs(env, c, args)
	if err != nil {
		return err
	}
	return withStore(ctx, db, func(s storeHandle) error {
		f, err := findFeed(ctx, s, ref)
		if err != nil {
			return err
		}
		if err := s.RemoveFeed(ctx, f.ID); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "feed %d removed: %s\n", f.ID, f.URL)
		return nil
	})
}

func feedsEnable(ctx context.Context, env *cliEnv, c command, args []string) error {
	db, ref, err := oneFeedArgs(env, c, args)
	if err != nil {
		return err
	}
	return withStore(ctx, db, func(s storeHandle) error {
		f, err := findFeed(ctx, s, ref)
		if err != nil {
			return err
		}
		was := f.DisabledReason
		f = enabled(f)
		if err := s.UpdateFeed(ctx, f); err != nil {
			return err
		}
		if was == "" {
			fmt.Fprintf(env.stdout, "feed %d was not disabled; failures reset: %s\n", f.ID, f.URL)
		} else {
			fmt.Fprintf(env.stdout, "feed %d enabled (was disabled: %s): %s\n", f.ID, cell(was), f.URL)
		}
		return nil
	})
}

// enabled is f re-enabled: no reason, no failures, due at once.
func enabled(f subscription.Feed) subscription.Feed {
	f.DisabledReason, f.Failures, f.NextPoll = "", 0, time.Time{}
	return f
}

func feedsImport(ctx context.Context, env *cliEnv, c command, args []string) error {
	fs := newFlagSet(env, c)
	db := dbFlag(fs, env)
	interval := fs.Duration("interval", subscription.DefaultInterval, "how often to poll the imported feeds")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErr("give exactly one OPML file")
	}
	if _, err := subscription.New("http://x", "", *interval); err != nil {
		return usageErr("%v", err)
	}
	in, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer in.Close()
	outlines, err := opml.Parse(in)
	if err != nil {
		return fmt.Errorf("%s: %w", rest[0], err)
	}
	return withStore(ctx, *db, func(s storeHandle) error {
		var added, known, bad int
		for _, o := range outlines {
			f, err := subscription.New(o.XMLURL, o.Title, *interval)
			if err != nil {
				bad++
				fmt.Fprintf(env.stderr, "skipped %q: %v\n", cell(o.XMLURL), err)
				continue
			}
			switch _, err := s.AddFeed(ctx, f); {
			case errors.Is(err, subscription.ErrExists):
				known++
			case err != nil:
				return err
			default:
				added++
			}
		}
		fmt.Fprintf(env.stdout, "feeds: %d added, %d already subscribed, %d invalid\n", added, known, bad)
		if bad > 0 {
			return errFailed
		}
		return nil
	})
}

func feedsExport(ctx context.Context, env *cliEnv, c command, args []string) error {
	fs := newFlagSet(env, c)
	db := dbFlag(fs, env)
	out := fs.String("o", "", "output file (default: standard output)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("unexpected arguments %q", rest)
	}
	return withStore(ctx, *db, func(s storeHandle) error {
		feeds, err := s.Feeds(ctx)
		if err != nil {
			return err
		}
		outlines := make([]opml.Outline, 0, len(feeds))
		for _, f := range feeds {
			outlines = append(outlines, opml.Outline{Title: f.Name, XMLURL: f.URL})
		}
		if *out == "" {
			return opml.Write(env.stdout, "sitrep feeds", outlines)
		}
		fh, err := os.Create(*out)
		if err != nil {
			return err
		}
		if err := opml.Write(fh, "sitrep feeds", outlines); err != nil {
			fh.Close()
			return err
		}
		if err := fh.Close(); err != nil {
			return err
		}
		fmt.Fprintf(env.stderr, "%d feeds written to %s\n", len(feeds), *out)
		return nil
	})
}
