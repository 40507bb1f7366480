package main

import (
	"context"
	"errors"
)

// Placeholder until the eval work lands; the owner of this file replaces it.
func evalCommand() command {
	return command{name: "eval", summary: "(in progress)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return errors.New("not built yet")
	}}
}
