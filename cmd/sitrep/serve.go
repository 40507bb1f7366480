package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/sitrep-dev/sitrep/internal/api"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
	"github.com/sitrep-dev/sitrep/internal/web"
)

// Both stores serve the API.
var (
	_ api.Store = (*sqlite.Store)(nil)
	_ api.Store = (*postgres.Store)(nil)
)

// shutdownGrace is how long in-flight requests (a long CSV download) may finish after SIGTERM.
const shutdownGrace = 10 * time.Second

func serveCommand() command {
	c := command{
		name:    "serve",
		summary: "Serve the JSON API (/api/, described at /api/openapi.json) and the map dashboard over HTTP.",
		usage:   "[--db FILE|postgres://…] [--addr :8080] [--no-monitor] [--workers N] [--private] [--quiet]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		fs := newFlagSet(env, c)
		db := dbFlag(fs, env)
		addr := fs.String("addr", ":8080", "address to listen on (host:port; :8080 is every interface)")
		quiet := fs.Bool("quiet", false, "log warnings and errors only, not each request")
		mf := addMonitorFlags(fs)
		noMonitor := fs.Bool("no-monitor", false, "serve the API only: poll no feeds and run no jobs in this process")
		private := readTokenFlag(fs, env)
		rest, err := parseInterspersed(fs, args)
		if err != nil {
			return err
		}
		if len(rest) > 0 {
			return usageErr("unexpected arguments %q", rest)
		}
		if !isPostgresURL(*db) {
			// Opening a SQLite file that is not there would create an empty store and serve nothing.
			if _, err := os.Stat(*db); err != nil {
				return fmt.Errorf("database %s: %w (run 'sitrep ingest' first)", *db, err)
			}
		}
		store, err := openStore(ctx, *db)
		if err != nil {
			return err
		}
		defer store.Close()
		reader, ok := store.(api.Store)
		if !ok {
			return fmt.Errorf("database %s: this store cannot serve the API", displayDSN(*db))
		}
		level := slog.LevelInfo
		if *quiet {
			level = slog.LevelWarn
		}
		logger := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: level}))
		mets, stopMonitor, err := serveMonitor(ctx, store, mf, *noMonitor, logger)
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", *addr)
		if err != nil {
			return errors.Join(fmt.Errorf("listen on %s: %w", *addr, err), stopMonitor())
		}
		logger.Info("sitrep serving", "addr", ln.Addr().String(), "db", displayDSN(*db))
		opts := api.Options{Static: dashboardHandler(), Logger: logger, ReadRequiresToken: *private}
		if mets != nil {
			opts.Metrics = mets.Handler()
		}
		err = serve(ctx, ln, api.New(reader, opts), logger)
		return errors.Join(err, stopMonitor())
	}
	return c
}

// dashboardHandler serves the dashboard's static files beside the API (which adds the security
// headers to them too).
func dashboardHandler() http.Handler { return web.Handler() }

// serve answers on ln until ctx is cancelled (SIGINT/SIGTERM in main), then stops accepting and lets
// in-flight requests finish for up to shutdownGrace.
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		// No WriteTimeout: a download of every event may take longer than any fixed bound.
		ErrorLog:    slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("sitrep shutting down", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
