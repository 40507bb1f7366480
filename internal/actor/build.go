package actor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// BuildFile learns the model from ACLED records at csvPath and writes it to outPath (normally
// internal/actor/data/learned.json.gz). The output depends only on the records and the hand-written
// data, so rebuilding from the same inputs gives the same bytes.
func BuildFile(ctx context.Context, csvPath, outPath string) (*Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := os.Open(csvPath)
	if err != nil {
		return nil, fmt.Errorf("open ACLED records: %w", err)
	}
	defer f.Close()
	m, err := Learn(f, filepath.Base(csvPath), nil)
	if err != nil {
		return nil, err
	}
	if _, err := New(m); err != nil {
		return nil, fmt.Errorf("learned model does not load: %w", err)
	}
	var buf bytes.Buffer
	if err := WriteModel(&buf, m); err != nil {
		return nil, err
	}
	if err := os.WriteFile(outPath, buf.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("write actor model: %w", err)
	}
	return m, nil
}
