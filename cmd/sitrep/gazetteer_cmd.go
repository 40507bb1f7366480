package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

// gazetteerCommand groups the gazetteer tools: build the embedded default set, import place files,
// look names up.
func gazetteerCommand() command {
	c := command{name: "gazetteer", summary: "build the default gazetteer, import place files, look up names",
		usage: "build [--shared DIR] [-o DIR] | import [-o FILE] FILE... | lookup [--json] NAME..."}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		if len(args) == 0 {
			return usageErr("need a subcommand: build, import or lookup")
		}
		switch args[0] {
		case "build":
			return gazetteerBuild(ctx, env, c, args[1:])
		case "import":
			return gazetteerImport(ctx, env, c, args[1:])
		case "lookup":
			return gazetteerLookup(ctx, env, c, args[1:])
		case "-h", "--help", "help":
			fs := newFlagSet(env, c)
			fs.Usage()
			return nil
		}
		return usageErr("unknown subcommand %q (want build, import or lookup)", args[0])
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

// placeSetStore is where imported place sets are kept (the sqlite store implements it).
type placeSetStore interface {
	PutPlaceSet(ctx context.Context, name string, data []byte) error
}

func gazetteerImport(ctx context.Context, env *cliEnv, c command, args []string) error {
	c.name, c.usage, c.summary = "gazetteer import", "[-o FILE] FILE...",
		"Parse GeoNames dumps (.txt, .gz, .zip) and custom place CSVs (see internal/gazetteer/README.md) into an encoded place set."
	fs := newFlagSet(env, c)
	out := fs.String("o", "", "write the encoded place set (sitrep's compact format) to this file")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("no files to import")
	}
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
		all = append(all, places...)
	}
	data := gazetteer.EncodePlaces(all)
	if *out != "" {
		if err := os.WriteFile(*out, data, 0o644); err != nil {
			return fmt.Errorf("write place set: %w", err)
		}
		fmt.Fprintf(env.stdout, "wrote %d places (%d bytes) to %s\n", len(all), len(data), *out)
	} else {
		// The integrator wires the store here (placeSetStore.PutPlaceSet); until then the place set
		// is only checked and counted.
		env.logger.Warn("no store wired for place sets yet; use -o to keep the encoded set", "places", len(all))
	}
	if failed {
		return errFailed
	}
	return nil
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

func gazetteerLookup(_ context.Context, env *cliEnv, c command, args []string) error {
	c.name, c.usage, c.summary = "gazetteer lookup", "[--country CC] [--limit N] NAME...",
		"Print the places the gazetteer holds under each name, with their ACLED-style admin names."
	fs := newFlagSet(env, c)
	country := fs.String("country", "", "only places in this country (ISO2 code or name)")
	limit := fs.Int("limit", 50, "at most this many candidates per name (0: all)")
	names, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return usageErr("no name to look up")
	}
	g, err := gazetteer.Default()
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
