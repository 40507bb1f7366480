package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/sitrep-dev/sitrep/internal/auth"
	"github.com/sitrep-dev/sitrep/internal/storage"
)

// tokenStore is what the token command uses of a store (both stores implement it).
type tokenStore interface {
	CreateToken(ctx context.Context, name string) (secret string, err error)
	Tokens(ctx context.Context) ([]auth.Token, error)
	RevokeToken(ctx context.Context, name string) error
}

// tokenCommand manages the bearer tokens of the API's write endpoints (and of its reads when the
// server is private).
func tokenCommand() command {
	c := command{
		name:    "token",
		summary: "Manage API tokens: create NAME (prints the secret once), list, revoke NAME.",
		usage:   "create NAME|list|revoke NAME [--db FILE|URL]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			fmt.Fprintf(env.stderr, "Usage: sitrep %s %s\n\n%s\n", c.name, c.usage, c.summary)
			fmt.Fprintln(env.stderr, "\nClients send the secret as 'Authorization: Bearer SECRET'.")
			if len(args) == 0 {
				return usageErr("give a subcommand")
			}
			return flag.ErrHelp
		}
		sub := args[0]
		sc := command{name: c.name + " " + sub, usage: "[--db FILE|URL]", summary: c.summary}
		switch sub {
		case "create", "revoke":
			sc.usage = "NAME [--db FILE|URL]"
		case "list":
		default:
			return usageErr("unknown subcommand %q (create, list, revoke)", sub)
		}
		db, rest, err := parseDBArgs(env, sc, args[1:])
		if err != nil {
			return err
		}
		want := 1
		if sub == "list" {
			want = 0
		}
		if len(rest) != want {
			return usageErr("sitrep token %s takes %d argument(s), got %q", sub, want, rest)
		}
		return withStore(ctx, db, func(s storeHandle) error {
			switch sub {
			case "create":
				secret, err := s.CreateToken(ctx, rest[0])
				if errors.Is(err, auth.ErrExists) {
					return fmt.Errorf("a token called %q exists already (revoke it first, or pick another name)", rest[0])
				}
				if err != nil {
					return err
				}
				// The secret alone on stdout, so scripts can capture it; the advice on stderr.
				fmt.Fprintln(env.stdout, secret)
				fmt.Fprintf(env.stderr, "token %q created. Keep the secret above: it is not stored and cannot be shown again.\n"+
					"Send it as 'Authorization: Bearer <secret>'.\n", rest[0])
				return nil
			case "revoke":
				err := s.RevokeToken(ctx, rest[0])
				if errors.Is(err, storage.ErrNotFound) {
					return fmt.Errorf("no token called %q (see 'sitrep token list')", rest[0])
				}
				if err != nil {
					return err
				}
				fmt.Fprintf(env.stdout, "token %q revoked\n", rest[0])
				return nil
			default:
				toks, err := s.Tokens(ctx)
				if err != nil {
					return err
				}
				if len(toks) == 0 {
					fmt.Fprintln(env.stdout, "no tokens (create one with 'sitrep token create NAME')")
					return nil
				}
				tw := tabwriter.NewWriter(env.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "NAME\tCREATED\tLAST USED")
				for _, t := range toks {
					used := "never"
					if !t.LastUsed.IsZero() {
						used = t.LastUsed.UTC().Format(time.DateTime)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\n", cell(t.Name), t.Created.UTC().Format(time.DateTime), used)
				}
				return tw.Flush()
			}
		})
	}
	return c
}

// readTokenFlag adds sitrep serve's --private flag: read endpoints and /metrics need a token too
// (api.Options.ReadRequiresToken). Its default comes from SITREP_READ_TOKEN_REQUIRED (1/true), so a
// deployment can close reads without changing its command line.
func readTokenFlag(fs *flag.FlagSet, env *cliEnv) *bool {
	def, _ := strconv.ParseBool(env.getenv("SITREP_READ_TOKEN_REQUIRED"))
	return fs.Bool("private", def, "require an API token for reads and /metrics too, not only writes (default from SITREP_READ_TOKEN_REQUIRED=1)")
}
