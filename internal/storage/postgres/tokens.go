package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sitrep-dev/sitrep/internal/auth"
	"github.com/sitrep-dev/sitrep/internal/storage/record"
)

// CreateToken stores a new API token called name and returns its secret, which is not kept (only its
// hash is) and cannot be shown again. A name already taken is an error wrapping auth.ErrExists.
func (s *Store) CreateToken(ctx context.Context, name string) (string, error) {
	if err := auth.CheckName(name); err != nil {
		return "", fmt.Errorf("postgres: create token: %w", err)
	}
	secret := auth.NewSecret()
	var got string
	err := s.pool.QueryRow(ctx, `INSERT INTO tokens (name, hash, created) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING RETURNING name`, name, auth.Hash(secret), time.Now().UnixNano()).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("postgres: token %q: %w", name, auth.ErrExists)
	}
	if err != nil {
		return "", fmt.Errorf("postgres: create token %q: %w", name, err)
	}
	return secret, nil
}

// Tokens lists the tokens by name, without their secrets.
func (s *Store) Tokens(ctx context.Context) ([]auth.Token, error) {
	rows, err := s.pool.Query(ctx, `SELECT name, created, last_used FROM tokens ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("postgres: tokens: %w", err)
	}
	defer rows.Close()
	out, err := record.All(rows, record.ScanToken)
	if err != nil {
		return nil, fmt.Errorf("postgres: tokens: %w", err)
	}
	return out, nil
}

// RevokeToken deletes the token called name (storage.ErrNotFound if there is none).
func (s *Store) RevokeToken(ctx context.Context, name string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM tokens WHERE name = $1`, name)
	if err != nil {
		return fmt.Errorf("postgres: revoke token %q: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: revoke: %w", record.NotFound("token", name))
	}
	return nil
}

// CheckToken reports whether secret is a stored token's, and notes when it was last used (at most
// once per auth.TouchEvery).
func (s *Store) CheckToken(ctx context.Context, secret string) (bool, error) {
	if !auth.Plausible(secret) {
		return false, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT name, hash, last_used FROM tokens`)
	if err != nil {
		return false, fmt.Errorf("postgres: check token: %w", err)
	}
	defer rows.Close()
	match, lastUsed, found, err := record.MatchToken(rows, secret)
	if err != nil {
		return false, fmt.Errorf("postgres: check token: %w", err)
	}
	rows.Close()
	if !found {
		return false, nil
	}
	now := time.Now()
	if auth.DueTouch(lastUsed, now) {
		// The condition keeps concurrent checks from each writing within the same minute.
		_, err := s.pool.Exec(ctx, `UPDATE tokens SET last_used = $1 WHERE name = $2 AND (last_used <= $3 OR last_used > $4)`,
			now.UnixNano(), match, now.Add(-auth.TouchEvery).UnixNano(), now.UnixNano())
		if err != nil {
			// The token is good; a busy database must not turn that into a refusal.
			slog.WarnContext(ctx, "postgres: could not note a token's use", "token", match, "err", err)
		}
	}
	return true, nil
}
