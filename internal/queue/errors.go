package queue

import (
	"errors"
	"fmt"
)

// ErrLeaseLost is wrapped by the errors a Backend returns when a worker acts on a job it no longer
// holds: its lease lapsed and another worker claimed the job (or the job is gone). The worker must drop
// whatever it produced for the job; the other worker's run counts.
var ErrLeaseLost = errors.New("queue: lease lost")

// LeaseLapsedPrefix starts the error of a job failed because its worker lost the lease on every
// attempt (the process died or hung while running it).
const LeaseLapsedPrefix = "the worker running it died or hung on every attempt: "

// LeaseLapsedError is the error recorded for such a job after attempts.
func LeaseLapsedError(attempts int) string {
	return fmt.Sprintf("%s%d attempts", LeaseLapsedPrefix, attempts)
}
