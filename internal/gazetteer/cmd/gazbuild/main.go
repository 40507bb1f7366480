// Command gazbuild rebuilds the gazetteer's embedded default files from ../shared. It is what
// `go generate ./internal/gazetteer` runs; `sitrep gazetteer build` does the same from the main binary.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/sitrep-dev/sitrep/internal/fixtures"
	"github.com/sitrep-dev/sitrep/internal/gazetteer"
)

func main() {
	def, _ := fixtures.Root()
	shared := flag.String("shared", def, "the shared data folder")
	out := flag.String("o", "data", "output folder")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *shared == "" {
		fmt.Fprintln(os.Stderr, "gazbuild: no shared folder: pass --shared DIR")
		os.Exit(2)
	}
	main, osm, err := gazetteer.BuildFiles(ctx, *shared, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gazbuild:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %s%s: %s", gazetteer.MainFile, main, gazetteer.OSMFile, osm)
}
