package main

import (
	"context"
	"errors"
)

func exportCommand() command {
	return command{name: "export", summary: "(in progress)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return errors.New("not built yet")
	}}
}
