package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/coder"
	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
	"github.com/sitrep-dev/sitrep/internal/geoparse"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

// gazetteerCommand groups the gazetteer tools: build the embedded default set, import place files,
// look names up, explain where a text is placed.
func gazetteerCommand() command {
	c := command{name: "gazetteer", summary: "build the default gazetteer, import place files, look up names",
		usage: "build [--shared DIR] [-o DIR] | import [--db FILE] FILE... | lookup [--db FILE] NAME... | explain [--db FILE] TEXT"}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		if len(args) == 0 {
			return usageErr("need a subcommand: build, import, lookup or explain")
		}
		switch args[0] {
		case "build":
			return gazetteerBuild(ctx, env, c, args[1:])
		case "import":
			return gazetteerImport(ctx, env, c, args[1:])
		case "lookup":
			return gazetteerLookup(ctx, env, c, args[1:])
		case "explain":
			return gazetteerExplain(ctx, env, c, args[1:])
		case "-h", "--help", "help":
			fs := newFlagSet(env, c)
			fs.Usage()
			return nil
		}
		return usageErr("unknown subcommand %q (want build, import, lookup or explain)", args[0])
	}
	return c
}

func gazetteerBuild(ctx context.Context, env *cliEnv, c command, args []string) error {
	c.name, c.usage, c.summary = "gazetteer build", "[--shared DIR] [-o DIR]",
		"Rebuild the embedded default gazetteer files (gazetteer.bin.gz, osm-places.bin.gz) from ../shared."
	fs := newFlagSet(env, c)
	defShared, _ := fixtures.Root()
	shared := fs.String("shared", defShared, "the shared data folder (GeoNames dumps under data/geonames, other sources under data/places)")
	out := fs.String("o", filepath.Join("internal", "gazetteer", "data"), "output folder")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *shared == "" {
		return usageErr("no shared folder: pass --shared DIR")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	main, osm, err := gazetteer.BuildFiles(ctx, *shared, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s: %s", gazetteer.MainFile, main)
	fmt.Fprintf(env.stdout, "%s: %s", gazetteer.OSMFile, osm)
	return nil
}

func gazetteerImport(ctx context.Context, env *cliEnv, c command, args []string) error {
	c.name, c.usage, c.summary = "gazetteer import", "[--db FILE] [--name SET] [-o FILE] FILE...",
		"Parse GeoNames dumps (.txt, .gz, .zip) and custom place CSVs (see internal/gazetteer/README.md) and keep them in the database as place sets, which overlay the default gazetteer."
	fs := newFlagSet(env, c)
	db := dbFlag(fs, env)
	name := fs.String("name", "", "store all files as one place set with this name (default: one set per file, named after it)")
	out := fs.String("o", "", "also write the encoded place set (sitrep's compact format) to this file")
	dry := fs.Bool("dry-run", false, "parse and count only; store nothing")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("no files to import")
	}
	sets := map[string][]gazetteer.Place{}
	var order []string
	var all []gazetteer.Place
	failed := false
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		places, err := readPlaceFile(f)
		if err != nil {
			fmt.Fprintf(env.stderr, "sitrep gazetteer import: %v\n", err)
			failed = true
			continue
		}
		fmt.Fprintf(env.stdout, "%s: %d places\n", f, len(places))
		set := *name
		if set == "" {
			set = filepath.Base(f)
		}
		if _, ok := sets[set]; !ok {
			order = append(order, set)
		}
		sets[set] = append(sets[set], places...)
		all = append(all, places...)
	}
	if *out != "" {
		data := gazetteer.EncodePlaces(all)
		if err := os.WriteFile(*out, data, 0o644); err != nil {
			return fmt.Errorf("write place set: %w", err)
		}
		fmt.Fprintf(env.stdout, "wrote %d places (%d bytes) to %s\n", len(all), len(data), *out)
	}
	if !*dry && len(order) > 0 {
		store, err := sqlite.Open(ctx, *db)
		if err != nil {
			return fmt.Errorf("open database %s: %w", *db, err)
		}
		defer store.Close()
		for _, set := range order {
			if err := store.PutPlaceSet(ctx, set, gazetteer.EncodePlaces(sets[set])); err != nil {
				return fmt.Errorf("store place set %s: %w", set, err)
			}
			fmt.Fprintf(env.stdout, "stored place set %q (%d places) in %s\n", set, len(sets[set]), *db)
		}
	}
	if failed {
		return errFailed
	}
	return nil
}

// dbGazetteer is the default gazetteer with the place sets imported into the database db (if it
// exists) on top.
func dbGazetteer(ctx context.Context, db string) (*gazetteer.Gazetteer, error) {
	if !isPostgresURL(db) {
		if _, err := os.Stat(db); err != nil {
			return storeGazetteer(ctx, nil) // no database yet: nothing imported
		}
	}
	store, err := openStore(ctx, db)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	return storeGazetteer(ctx, store)
}

// placeSetSource is where imported place sets are kept.
type placeSetSource interface {
	PlaceSets(ctx context.Context) (map[string][]byte, error)
}

// storeGazetteer is the default gazetteer with the place sets imported into store (none when store
// is nil) laid over it, in name order.
func storeGazetteer(ctx context.Context, store placeSetSource) (*gazetteer.Gazetteer, error) {
	g, err := gazetteer.Default()
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	if store == nil {
		return g, nil
	}
	sets, err := store.PlaceSets(ctx)
	if err != nil {
		return nil, fmt.Errorf("read imported places: %w", err)
	}
	names := make([]string, 0, len(sets))
	for n := range sets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		places, err := gazetteer.DecodePlaces(sets[n])
		if err != nil {
			return nil, fmt.Errorf("place set %s: %w", n, err)
		}
		g.Add(places)
	}
	return g, nil
}

// storeCoder builds the coder that places events with the embedded gazetteer and the places
// imported into store (`sitrep gazetteer import`), which replace the default places they duplicate.
func storeCoder(ctx context.Context, store placeSetSource) (*coder.Coder, error) {
	g, err := storeGazetteer(ctx, store)
	if err != nil {
		return nil, err
	}
	return coder.WithGazetteer(g)
}

// readPlaceFile parses one import file: a custom CSV (.csv) or a GeoNames dump.
func readPlaceFile(path string) ([]gazetteer.Place, error) {
	if strings.HasSuffix(strings.ToLower(path), ".csv") {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		places, err := gazetteer.ParseCustomCSV(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return places, nil
	}
	return gazetteer.ReadGeoNamesFile(path)
}

func gazetteerLookup(ctx context.Context, env *cliEnv, c command, args []string) error {
	c.name, c.usage, c.summary = "gazetteer lookup", "[--db FILE] [--country CC] [--limit N] NAME...",
		"Print the places the gazetteer holds under each name (imported place sets first), with their ACLED-style admin names."
	fs := newFlagSet(env, c)
	db := dbFlag(fs, env)
	country := fs.String("country", "", "only places in this country (ISO2 code or name)")
	limit := fs.Int("limit", 50, "at most this many candidates per name (0: all)")
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return usageErr("no name to look up")
	}
	g, err := dbGazetteer(ctx, *db)
	if err != nil {
		return err
	}
	cc := strings.ToUpper(*country)
	if cc != "" && len(cc) != 2 {
		ct, ok := g.CountryByName(*country)
		if !ok {
			return usageErr("unknown country %q", *country)
		}
		cc = ct.ISO2
	}
	for _, name := range names {
		var shown int
		all := g.Lookup(name)
		// Most populous first, then populated places before other features: what an analyst looks for.
		sort.SliceStable(all, func(i, j int) bool {
			if all[i].Population != all[j].Population {
				return all[i].Population > all[j].Population
			}
			return all[i].Class == 'P' && all[j].Class != 'P'
		})
		fmt.Fprintf(env.stdout, "%s (%s): %d candidates\n", name, gazetteer.Fold(name), len(all))
		for _, p := range all {
			if cc != "" && p.Country != cc {
				continue
			}
			if *limit > 0 && shown >= *limit {
				fmt.Fprintln(env.stdout, "  ...")
				break
			}
			shown++
			a1, a2 := g.AdminNames(p)
			ct, _ := g.Country(p.Country)
			fmt.Fprintf(env.stdout, "  %-12d %-28s %c.%-6s %-12s %-14s %-16s %9.5f %10.5f pop=%d %s\n",
				p.ID, p.Name, p.Class, p.Code, ct.Name, a1, a2, p.Lat, p.Lon, p.Population, p.Source)
		}
	}
	return nil
}

func gazetteerExplain(ctx context.Context, env *cliEnv, c command, args []string) error {
	c.name, c.usage, c.summary = "gazetteer explain", "[--db FILE] [--country CC] TEXT... | -",
		"Show how sitrep places a text: the story's country evidence, every place name with its context cue, bracketed units and chosen place, and the event location picked (the same parser as ingest, with imported place sets). '-' reads the text from standard input."
	fs := newFlagSet(env, c)
	db := dbFlag(fs, env)
	country := fs.String("country", "", "the feed's or outlet's country (ISO2), as a hint")
	words, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	text := strings.Join(words, " ")
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(env.stdin, maxExplainBytes+1))
		if err != nil {
			return fmt.Errorf("read standard input: %w", err)
		}
		if len(b) > maxExplainBytes {
			return usageErr("text longer than %d bytes", maxExplainBytes)
		}
		text = strings.ToValidUTF8(string(b), "\uFFFD")
	}
	if strings.TrimSpace(text) == "" {
		return usageErr("no text to explain")
	}
	g, err := dbGazetteer(ctx, *db)
	if err != nil {
		return err
	}
	p, err := geoparse.New(g)
	if err != nil {
		return err
	}
	tr := p.Parse(text, geoparse.Hints{Country: strings.ToUpper(*country)}).Trace(0, len(text))
	w := env.stdout
	fmt.Fprintf(w, "country evidence: %s (focus %q)\n", strings.Join(tr.Countries, " "), tr.Focus)
	for _, m := range tr.Mentions {
		fmt.Fprintf(w, "%q at %d-%d", m.Text, m.Start, m.End)
		if m.Before != "" {
			fmt.Fprintf(w, " after %q", m.Before)
		}
		if m.After != "" {
			fmt.Fprintf(w, " before %q", m.After)
		}
		if len(m.Qualifiers) > 0 {
			fmt.Fprintf(w, " qualified by (%s)", strings.Join(m.Qualifiers, ", "))
		}
		if !m.Resolved {
			fmt.Fprintf(w, "\n    unresolved (%d candidates)\n", m.Candidates)
			continue
		}
		a1, a2 := g.AdminNames(m.Place)
		respelt := ""
		if m.Respelt {
			respelt = ", respelt"
		}
		fmt.Fprintf(w, "\n    %s: %s %s/%s %s (%.4f, %.4f) %s id %d; %d candidates%s; score %.1f, event %.1f\n",
			m.Kind, m.Place.Name, a1, a2, m.Place.Country, m.Place.Lat, m.Place.Lon, m.Place.Code, m.Place.ID, m.Candidates, respelt, m.Score, m.EventScore)
	}
	if !tr.Located {
		fmt.Fprintln(w, "location: none (no place and no country known)")
		return nil
	}
	l := tr.Location
	fmt.Fprintf(w, "location: %s, %s / %s / %s (%.4f, %.4f) geo_precision %d, evidence %q\n",
		l.Name, l.Country, l.Admin1, l.Admin2, l.Lat, l.Lon, l.GeoPrecision, text[l.Start:l.End])
	return nil
}

// maxExplainBytes bounds the text explain reads: one article, not a dump.
const maxExplainBytes = 1 << 20
