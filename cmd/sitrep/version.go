package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at link time (-ldflags "-X main.version=v1.2.3"); otherwise the module's build info is used.
var version = ""

func versionCommand() command {
	c := command{name: "version", summary: "Print sitrep's version.", usage: ""}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		if err := fs.Parse(args); err != nil {
			return err
		}
		v := version
		if v == "" {
			v = "devel"
			if bi, ok := debug.ReadBuildInfo(); ok {
				if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
					v = bi.Main.Version
				}
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						v += "+" + s.Value[:12]
					}
				}
			}
		}
		fmt.Fprintf(env.stdout, "sitrep %s\n", v)
		return nil
	}
	return c
}
