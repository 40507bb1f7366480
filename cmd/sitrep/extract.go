package main

import (
	"context"
	"errors"
)

func extractCommand() command {
	return command{name: "extract", summary: "(in progress)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return errors.New("not built yet")
	}}
}
