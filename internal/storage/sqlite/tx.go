package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// tx is one write transaction (pipeline.Tx): record.Tx over the prepared statements, plus
// NearbyEvents.
type tx struct {
	record.Tx
	c conn
}

var _ pipeline.Tx = (*tx)(nil)

func newTx(sqlTx *sql.Tx, st *stmts) *tx {
	c := conn{tx: sqlTx, st: st}
	return &tx{Tx: record.Tx{Conn: c, Name: "sqlite"}, c: c}
}

// conn runs the write path's statements (record.Conn) on the writer transaction.
type conn struct {
	tx *sql.Tx
	st *stmts
}

// use binds a prepared statement to the transaction (reusing its preparation on the writer
// connection).
func (c conn) use(ctx context.Context, st *sql.Stmt) *sql.Stmt { return c.tx.StmtContext(ctx, st) }

func (c conn) QueryRow(ctx context.Context, st record.Stmt, args ...any) record.Scanner {
	return c.use(ctx, c.st.write[st]).QueryRowContext(ctx, args...)
}

func (c conn) Query(ctx context.Context, fn func(record.Rows) error, st record.Stmt, args ...any) error {
	rows, err := c.use(ctx, c.st.write[st]).QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return fn(rows)
}

func (c conn) Exec(ctx context.Context, calls ...record.Call) (int64, error) {
	var changed int64
	var bound *sql.Stmt
	for i, call := range calls {
		// Runs of one statement (a list of child rows) bind it once.
		if i == 0 || call.Stmt != calls[i-1].Stmt {
			bound = c.use(ctx, c.st.write[call.Stmt])
		}
		res, err := bound.ExecContext(ctx, call.Args...)
		if err == nil {
			var n int64
			n, err = res.RowsAffected()
			changed += n
		}
		if err != nil {
			if call.What != "" {
				return changed, fmt.Errorf("%s: %w", call.What, err)
			}
			return changed, err
		}
	}
	return changed, nil
}

// NearbyEvents passes the cells as one JSON array, so that one prepared statement serves any number
// of them.
func (t *tx) NearbyEvents(ctx context.Context, cells []int64, from, to string) ([]pipeline.Stored, error) {
	if len(cells) == 0 {
		return nil, nil
	}
	js, err := json.Marshal(cells)
	if err != nil {
		return nil, fmt.Errorf("sqlite: nearby events: %w", err)
	}
	rows, err := t.c.use(ctx, t.c.st.nearby).QueryContext(ctx, string(js), from, to)
	if err != nil {
		return nil, fmt.Errorf("sqlite: nearby events: %w", err)
	}
	defer rows.Close()
	out, err := record.ScanEvents(rows, true)
	if err != nil {
		return nil, fmt.Errorf("sqlite: nearby events: %w", err)
	}
	return out, nil
}
