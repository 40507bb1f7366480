// Command sitrep turns news about armed conflict into a structured, geolocated, deduplicated event
// dataset in ACLED's format.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// command is one subcommand: its flags are parsed by run.
type command struct {
	name    string
	summary string
	usage   string // argument synopsis after the name
	run     func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv carries the process's streams so commands can be tested without touching globals.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	logger         *slog.Logger
}

// errFailed marks a run that did its work but had inputs fail (already reported): exit status 1.
var errFailed = errors.New("some inputs failed")

func commands() []command {
	return []command{
		ingestCommand(),
		extractCommand(),
		exportCommand(),
		editCommand(),
		recodeCommand(),
		serveCommand(),
		monitorCommand(),
		workerCommand(),
		migrateCommand(),
		backupCommand(),
		gazetteerCommand(),
		actorsCommand(),
		trainCommand(),
		evalCommand(),
		feedsCommand(),
		tokenCommand(),
		versionCommand(),
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	os.Exit(run(ctx, env, os.Args[1:]))
}

func run(ctx context.Context, env *cliEnv, args []string) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range cmds {
		if c.name == args[0] {
			err := c.run(ctx, env, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errFailed):
				return 1
			case errors.Is(err, errUsage):
				fmt.Fprintf(env.stderr, "sitrep %s: %v\n", c.name, err)
				return 2
			default:
				fmt.Fprintf(env.stderr, "sitrep %s: %v\n", c.name, err)
				return 1
			}
		}
	}
	fmt.Fprintf(env.stderr, "sitrep: unknown command %q\n\n", args[0])
	printUsage(env.stderr, cmds)
	return 2
}

var errUsage = errors.New("usage")

func usageErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, a...))
}

func printUsage(w io.Writer, cmds []command) {
	fmt.Fprintln(w, "sitrep: news about armed conflict in, ACLED-style events out.")
	fmt.Fprintln(w, "\nUsage: sitrep COMMAND [flags] [args]\n\nCommands:")
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'sitrep COMMAND --help' for a command's flags.")
}

// newFlagSet returns a flag set whose --help prints the command's synopsis and flags.
func newFlagSet(env *cliEnv, c command) *flag.FlagSet {
	fs := flag.NewFlagSet("sitrep "+c.name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: sitrep %s %s\n\n%s\n", c.name, c.usage, c.summary)
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(env.stderr)
		if b.Len() > 0 {
			fmt.Fprintf(env.stderr, "\nFlags:\n%s", b.String())
		}
	}
	return fs
}

// parseInterspersed parses flags that may appear after positional arguments (sitrep ingest a.rss --db x).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
