package main

import "context"

func workerCommand() command {
	c := command{
		name:    "worker",
		summary: "Run queued jobs (feed polls, article fetches, coding) without scheduling polls: extra workers beside 'sitrep monitor' or 'sitrep serve' on a shared PostgreSQL database.",
		usage:   "[--db postgres://…] [--workers N]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		return runMonitorCommand(ctx, env, c, args, false)
	}
	return c
}
