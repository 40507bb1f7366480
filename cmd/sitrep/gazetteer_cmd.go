package main

import (
	"context"
	"errors"
)

// Placeholder until the gazetteer work lands; the owner of this file replaces it.
func gazetteerCommand() command {
	return command{name: "gazetteer", summary: "(in progress)", run: func(ctx context.Context, env *cliEnv, args []string) error {
		return errors.New("not built yet")
	}}
}
