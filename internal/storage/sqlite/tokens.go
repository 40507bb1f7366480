package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/sitrep-dev/sitrep/internal/auth"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// CreateToken stores a new API token called name and returns its secret, which is not kept (only its
// hash is) and cannot be shown again. A name already taken is an error wrapping auth.ErrExists.
func (s *Store) CreateToken(ctx context.Context, name string) (string, error) {
	if err := auth.CheckName(name); err != nil {
		return "", fmt.Errorf("sqlite: create token: %w", err)
	}
	secret := auth.NewSecret()
	var got string
	err := s.w.QueryRowContext(ctx, `INSERT INTO tokens (name, hash, created) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING RETURNING name`, name, auth.Hash(secret), time.Now().UnixNano()).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("sqlite: token %q: %w", name, auth.ErrExists)
	}
	if err != nil {
		return "", fmt.Errorf("sqlite: create token %q: %w", name, err)
	}
	return secret, nil
}

// Tokens lists the tokens by name, without their secrets.
func (s *Store) Tokens(ctx context.Context) ([]auth.Token, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, created, last_used FROM tokens ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	defer rows.Close()
	out, err := record.All(rows, record.ScanToken)
	if err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	return out, nil
}

// RevokeToken deletes the token called name (storage.ErrNotFound if there is none).
func (s *Store) RevokeToken(ctx context.Context, name string) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM tokens WHERE name = ?`, name)
	if err != nil {
		return fmt.Errorf("sqlite: revoke token %q: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: revoke token %q: %w", name, err)
	} else if n == 0 {
		return fmt.Errorf("sqlite: revoke: %w", record.NotFound("token", name))
	}
	return nil
}

// CheckToken reports whether secret is a stored token's, and notes when it was last used (at most
// once per auth.TouchEvery).
func (s *Store) CheckToken(ctx context.Context, secret string) (bool, error) {
	if !auth.Plausible(secret) {
		return false, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT name, hash, last_used FROM tokens`)
	if err != nil {
		return false, fmt.Errorf("sqlite: check token: %w", err)
	}
	defer rows.Close()
	match, lastUsed, found, err := record.MatchToken(rows, secret)
	if err != nil {
		return false, fmt.Errorf("sqlite: check token: %w", err)
	}
	rows.Close() // before the write: an in-memory store has a single connection
	if !found {
		return false, nil
	}
	now := time.Now()
	if auth.DueTouch(lastUsed, now) {
		// The condition keeps concurrent checks from each writing within the same minute.
		_, err := s.w.ExecContext(ctx, `UPDATE tokens SET last_used = ? WHERE name = ? AND (last_used <= ? OR last_used > ?)`,
			now.UnixNano(), match, now.Add(-auth.TouchEvery).UnixNano(), now.UnixNano())
		if err != nil {
			// The token is good; a busy database must not turn that into a refusal.
			slog.WarnContext(ctx, "sqlite: could not note a token's use", "token", match, "err", err)
		}
	}
	return true, nil
}
