package queue

import "errors"

// ErrLeaseLost is wrapped by the errors a Backend returns when a worker acts on a job it no longer
// holds: its lease lapsed and another worker claimed the job (or the job is gone). The worker must drop
// whatever it produced for the job; the other worker's run counts.
var ErrLeaseLost = errors.New("queue: lease lost")
