package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/document"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

func TestIsPostgresURL(t *testing.T) {
	tests := []struct {
		dsn  string
		want bool
	}{
		{"postgres://u:p@db:5432/sitrep", true},
		{"postgresql://db/sitrep?pool_max_conns=8", true},
		{"POSTGRES://db/sitrep", true},
		{"sitrep.db", false},
		{"/var/lib/sitrep/postgres.db", false},
		{"data/postgres://odd-but-a-path.db", false},
		{"mysql://db/sitrep", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := isPostgresURL(tc.dsn); got != tc.want {
			t.Errorf("isPostgresURL(%q) = %v, want %v", tc.dsn, got, tc.want)
		}
	}
}

func TestDisplayDSNHidesPasswords(t *testing.T) {
	for _, dsn := range []string{
		"postgres://sitrep:hunter2@db:5432/sitrep",
		"postgresql://sitrep@db/sitrep?password=hunter2&pool_max_conns=4",
	} {
		got := displayDSN(dsn)
		if strings.Contains(got, "hunter2") || !strings.Contains(got, "db") {
			t.Errorf("displayDSN(%q) = %q", dsn, got)
		}
	}
	if got := displayDSN("events/sitrep.db"); got != "events/sitrep.db" {
		t.Errorf("a file path was changed to %q", got)
	}
}

// runCmd runs one command directly (main.go's command list is the integrator's).
func runCmd(t *testing.T, c command, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cliEnv{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	env.logger = newDiscardLogger()
	err := c.run(context.Background(), env, args)
	return out.String() + errb.String(), err
}

func TestMigrateAndBackupSQLite(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s?#%.db") // characters a SQLite URI must escape
	out, err := runCmd(t, migrateCommand(), "--db", db)
	if err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	files, _ := filepath.Glob("../../internal/storage/sqlite/migrations/*.sql")
	if want := "schema version " + strconv.Itoa(len(files)) + " (0 documents, 0 events)"; len(files) == 0 || !strings.Contains(out, want) {
		t.Errorf("migrate printed %q, want %q", out, want)
	}
	// Migrating again changes nothing.
	if out2, err := runCmd(t, migrateCommand(), "--db", db); err != nil || out2 != out {
		t.Errorf("second migrate: %q, %v; first said %q", out2, err, out)
	}

	ctx := context.Background()
	s, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	d := document.Document{ID: "doc-1", URL: "https://example.org/a", Text: "Gunmen attacked a village near Mopti."}
	d.ContentHash = document.HashText(d.Text)
	if err := s.Update(ctx, func(tx pipeline.Tx) error { return tx.PutDocument(ctx, d) }); err != nil {
		t.Fatal(err)
	}
	s.Close()

	backup := filepath.Join(dir, "copy.db")
	if out, err := runCmd(t, backupCommand(), "--db", db, backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if _, err := runCmd(t, backupCommand(), "--db", db, backup); err == nil {
		t.Errorf("backup overwrote an existing file")
	}
	copied, err := sqlite.Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	got, err := copied.Document(ctx, "doc-1")
	if err != nil || got.Text != d.Text {
		t.Errorf("document in the backup: %+v, %v", got, err)
	}
	if _, err := runCmd(t, backupCommand(), "--db", filepath.Join(dir, "missing.db"), filepath.Join(dir, "x.db")); err == nil {
		t.Errorf("backup of a missing database succeeded")
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Errorf("backup created the missing database")
	}
}
