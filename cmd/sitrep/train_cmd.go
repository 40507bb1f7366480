package main

import (
	"context"
	"errors"
)

// Placeholder until the train work lands; the owner of this file replaces it.
func trainCommand() command {
	return command{name: "train", summary: "(in progress)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return errors.New("not built yet")
	}}
}
