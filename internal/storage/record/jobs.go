package record

import "github.com/sitrep-dev/sitrep/internal/queue"

// JobCounts reads rows of (kind, state, count) into counts per kind and state.
func JobCounts(rows Rows) (map[string]map[queue.State]int, error) {
	out := map[string]map[queue.State]int{}
	for rows.Next() {
		var kind, state string
		var n int
		if err := rows.Scan(&kind, &state, &n); err != nil {
			return nil, err
		}
		if out[kind] == nil {
			out[kind] = map[queue.State]int{}
		}
		out[kind][queue.State(state)] = n
	}
	return out, rows.Err()
}
