package main

import (
	"os"
	"testing"

	"github.com/sitrep-dev/sitrep/internal/storage/postgres/pgtest"
)

// pg gives the command tests PostgreSQL databases (a throwaway server started on first use).
var pg pgtest.Server

func TestMain(m *testing.M) {
	code := m.Run()
	pg.Stop()
	os.Exit(code)
}
