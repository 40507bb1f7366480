package main

import (
	"context"
	"errors"
)

func ingestCommand() command {
	return command{name: "ingest", summary: "(in progress)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return errors.New("not built yet")
	}}
}
