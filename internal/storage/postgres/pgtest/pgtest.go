// Package pgtest gives tests a real PostgreSQL database, never a mock: a database on the server at
// $SITREP_TEST_POSTGRES (a URL of a server where the user may create databases) or, failing that, on
// a throwaway server started with initdb and postgres in a temporary directory, once per test binary,
// on first use. Without PostgreSQL binaries the tests are skipped, or fail under CI=true.
//
// A test package holds one Server and stops it from TestMain:
//
//	var pg pgtest.Server
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		pg.Stop()
//		os.Exit(code)
//	}
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a PostgreSQL server tests create databases on; the zero value is ready to use and starts
// the server (or finds $SITREP_TEST_POSTGRES) with the first NewDatabase. It is safe for concurrent
// use.
type Server struct {
	once    sync.Once
	admin   string // URL of a database to run CREATE DATABASE from
	stop    func() // nil for an outside server
	problem string // why there is no server (then admin is "")
	nextDB  atomic.Int64
}

func (s *Server) start() {
	if u := os.Getenv("SITREP_TEST_POSTGRES"); u != "" {
		s.admin = u
	} else if err := startServer(s); err != nil {
		s.problem = err.Error()
	}
}

// Stop stops the server this process started, if any, and removes its directory.
func (s *Server) Stop() {
	s.once.Do(func() {}) // a server never started stays unstarted
	if s.stop != nil {
		s.stop()
		s.stop = nil
	}
}

// NewDatabase creates an empty database for one test and returns its URL; it is dropped at the end of
// the test. Without a server the test is skipped, or fails under CI=true.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	s.once.Do(s.start)
	if s.admin == "" {
		msg := "no PostgreSQL server for the tests: " + s.problem +
			" (install PostgreSQL server binaries, or set SITREP_TEST_POSTGRES to a URL)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ctx := context.Background()
	name := fmt.Sprintf("sitrep_test_%d_%d", os.Getpid(), s.nextDB.Add(1))
	conn, err := pgx.Connect(ctx, s.admin)
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, s.admin)
		if err != nil {
			t.Errorf("connect to drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(s.admin)
	if err != nil {
		t.Fatalf("test server URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// pgBinDir finds the directory holding initdb and postgres.
func pgBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		// Debian's /usr/bin/initdb is a wrapper; the real server binaries sit beside the link target.
		if r, err := filepath.EvalSymlinks(p); err == nil && isExec(filepath.Join(filepath.Dir(r), "postgres")) {
			return filepath.Dir(r), nil
		}
		if isExec(filepath.Join(filepath.Dir(p), "postgres")) {
			return filepath.Dir(p), nil
		}
	}
	// Debian keeps the server binaries out of PATH, one directory per major version.
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	dirs = append(dirs, "/usr/local/pgsql/bin", "/usr/local/bin")
	for i := len(dirs) - 1; i >= 0; i-- { // the Glob sorts ascending: prefer the newest version
		d := dirs[i]
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", errors.New("initdb and postgres not found in PATH, /usr/lib/postgresql/*/bin or /usr/local/bin")
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// startServer runs initdb in a new temporary directory and starts a server on a free 127.0.0.1 port,
// with its unix socket in that directory. (The directory is not t.TempDir: the server user must be able
// to reach it, and the testing package's directories are private to root.) PostgreSQL refuses to run as root, so under root the
// server runs as the postgres user (or nobody), which owns the directory.
func startServer(s *Server) error {
	bin, err := pgBinDir()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "sitrep-pg-")
	if err != nil {
		return err
	}
	cleanup := func() { os.RemoveAll(dir) }
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		cred, err = serverUser()
		if err != nil {
			cleanup()
			return err
		}
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			cleanup()
			return err
		}
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
	initdb.Dir = dir
	initdb.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	if out, err := initdb.CombinedOutput(); err != nil {
		cleanup()
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	port, err := freePort()
	if err != nil {
		cleanup()
		return err
	}
	// The postmaster runs as this process's child (not daemonised by pg_ctl) with a parent-death signal,
	// so a test binary that is killed takes its server with it. fsync off: a test server holds nothing
	// worth a flush, and the machine is shared.
	logf, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		cleanup()
		return err
	}
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
		"-c", "full_page_writes=off", "-c", "max_connections=60")
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT}
	if err := cmd.Start(); err != nil {
		logf.Close()
		cleanup()
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGINT) // fast shutdown
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		logf.Close()
		cleanup()
	}
	admin := "postgres://postgres@127.0.0.1:" + strconv.Itoa(port) + "/postgres?sslmode=disable&connect_timeout=5"
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(context.Background(), admin)
		if err == nil {
			conn.Close(context.Background())
			break
		}
		select {
		case werr := <-exited:
			exited <- werr
			log, _ := os.ReadFile(filepath.Join(dir, "log"))
			stop()
			return fmt.Errorf("postgres exited (%v):\n%s", werr, log)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return fmt.Errorf("postgres did not accept connections within a minute: %w", err)
		}
	}
	s.admin, s.stop = admin, stop
	return nil
}

// serverUser is the unprivileged account the server runs as when the tests run as root.
func serverUser() (*syscall.Credential, error) {
	var problems []string
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil {
			problems = append(problems, "user "+name+": odd ids")
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root and no unprivileged user to run PostgreSQL as: " + strings.Join(problems, "; "))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
