package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/sitrep-dev/sitrep/internal/metrics"
	"github.com/sitrep-dev/sitrep/internal/monitor"
	"github.com/sitrep-dev/sitrep/internal/pipeline"
	"github.com/sitrep-dev/sitrep/internal/queue"
	"github.com/sitrep-dev/sitrep/internal/reader/fetcher"
	"github.com/sitrep-dev/sitrep/internal/storage/postgres"
	"github.com/sitrep-dev/sitrep/internal/storage/sqlite"
)

func monitorCommand() command {
	c := command{
		name:    "monitor",
		summary: "Poll the subscribed feeds (sitrep feeds add) and fetch, code and store their new articles, until SIGINT/SIGTERM.",
		usage:   "[--db FILE|URL] [--workers N] [--poll-interval 5s]",
	}
	c.run = func(ctx context.Context, env *cliEnv, args []string) error {
		return runMonitorCommand(ctx, env, c, args, true)
	}
	return c
}

// monitorFlags are the flags monitor, worker and serve share.
type monitorFlags struct {
	workers      *int
	lease        *time.Duration
	allowPrivate *bool
	allowLocal   *bool
	userAgent    *string
	metricsAddr  *string
}

func addMonitorFlags(fs *flag.FlagSet) monitorFlags {
	return monitorFlags{
		workers:      fs.Int("workers", 2, "jobs run at once by this process (feed polls, page fetches, coding)"),
		lease:        fs.Duration("lease", queue.DefaultLease, "how long a job stays with this process without renewal before another worker may take it over (after a crash)"),
		allowPrivate: fs.Bool("allow-private-addresses", false, "let feeds and pages be fetched from private network addresses (RFC 1918, unique local)"),
		allowLocal:   fs.Bool("allow-loopback", false, "let feeds and pages be fetched from this machine (127.0.0.1, ::1): local test servers"),
		userAgent:    fs.String("user-agent", "", "User-Agent of feed and page requests (default names sitrep and its version)"),
	}
}

// addMetricsAddr declares --metrics-addr (monitor and worker; serve has /metrics beside the API).
func addMetricsAddr(fs *flag.FlagSet, mf *monitorFlags) {
	mf.metricsAddr = fs.String("metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics (e.g. 127.0.0.1:9464); empty: none")
}

func runMonitorCommand(ctx context.Context, env *cliEnv, c command, args []string, schedule bool) error {
	fs := newFlagSet(env, c)
	db := dbFlag(fs, env)
	mf := addMonitorFlags(fs)
	addMetricsAddr(fs, &mf)
	var tick *time.Duration
	if schedule {
		tick = fs.Duration("poll-interval", monitor.DefaultTick, "how often to look for feeds due to be polled (each feed has its own interval: sitrep feeds add --interval)")
	}
	quiet := fs.Bool("quiet", false, "log warnings and errors only")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr("unexpected arguments %q", rest)
	}
	if *mf.workers < 1 {
		return usageErr("--workers must be at least 1")
	}
	level := slog.LevelInfo
	if *quiet {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: level}))
	store, err := openStore(ctx, *db)
	if err != nil {
		if ctx.Err() != nil {
			// SIGINT/SIGTERM while starting: a clean stop with nothing begun, not a failure.
			logger.Info("stopped before starting", "reason", context.Cause(ctx))
			return nil
		}
		return err
	}
	defer store.Close()
	cfg := mf.config(logger)
	if schedule {
		cfg.tick = *tick
	}
	cfg.schedule = schedule
	if cfg.metrics, err = newMetrics(store); err != nil {
		return err
	}
	var metricsDone chan error
	if *mf.metricsAddr != "" {
		ln, err := net.Listen("tcp", *mf.metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics: listen on %s: %w", *mf.metricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", cfg.metrics.Handler())
		metricsDone = make(chan error, 1)
		go func() { metricsDone <- serve(ctx, ln, mux, logger) }()
		logger.Info("metrics served", "url", "http://"+ln.Addr().String()+"/metrics")
	}
	logger.Info("sitrep "+c.name+" started", "db", displayDSN(*db), "workers", cfg.workers)
	err = runMonitor(ctx, store, cfg)
	if metricsDone != nil {
		err = errors.Join(err, <-metricsDone)
	}
	return err
}

// newMetrics returns the metrics of a monitor on store: what it counts, and the store's documents,
// events, feeds and queue depth read at scrape time.
func newMetrics(store storeHandle) (*metrics.Metrics, error) {
	q, err := queueOf(store)
	if err != nil {
		return nil, err
	}
	src := metrics.Source{Store: store, Queue: q}
	if f, ok := store.(metrics.Feeds); ok {
		src.Feeds = f
	}
	return metrics.New(src), nil
}

func (mf monitorFlags) config(logger *slog.Logger) monitorConfig {
	return monitorConfig{
		workers: *mf.workers,
		lease:   *mf.lease,
		fetch: fetcher.Options{
			UserAgent:     *mf.userAgent,
			AllowPrivate:  *mf.allowPrivate,
			AllowLoopback: *mf.allowLocal,
		},
		logger: logger,
	}
}

// monitorConfig says how to run the monitor in this process.
type monitorConfig struct {
	workers  int
	lease    time.Duration
	tick     time.Duration // scheduler tick; 0 is monitor.DefaultTick
	schedule bool          // run the scheduler (monitor, serve) or only the jobs (worker)
	fetch    fetcher.Options
	metrics  *metrics.Metrics // nil: nothing measured
	logger   *slog.Logger
}

// queueOf returns the job queue of a store.
func queueOf(store storeHandle) (queue.Backend, error) {
	switch s := store.(type) {
	case *sqlite.Store:
		return s.Queue(), nil
	case *postgres.Store:
		return s.Queue(), nil
	}
	return nil, fmt.Errorf("this store (%T) has no job queue", store)
}

// runMonitor runs the job runner, and the scheduler when cfg.schedule, until ctx is done; running
// jobs then get the runner's grace period to finish, else they are handed back to the queue.
func runMonitor(ctx context.Context, store storeHandle, cfg monitorConfig) error {
	q, err := queueOf(store)
	if err != nil {
		return err
	}
	feeds, ok := store.(monitor.FeedStore)
	if !ok {
		return fmt.Errorf("this store (%T) keeps no feed subscriptions", store)
	}
	cd, err := storeCoder(ctx, store)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while loading: nothing started, nothing to hand back
		}
		return err
	}
	runner := queue.NewRunner(q, queue.Options{
		Concurrency: cfg.workers,
		Lease:       cfg.lease,
		Logger:      cfg.logger,
		Observe:     cfg.metrics.JobDone,
	})
	m := monitor.New(monitor.Options{
		Feeds:    feeds,
		Queue:    q,
		Fetcher:  fetcher.New(cfg.fetch),
		Ingester: pipeline.New(store, cd, nil),
		Observer: cfg.metrics,
		Waker:    runner,
		Logger:   cfg.logger,
		Tick:     cfg.tick,
	})
	m.Register(runner)

	var wg sync.WaitGroup
	if cfg.schedule {
		wg.Go(func() {
			// Schedule returns only when ctx is done.
			_ = m.Schedule(ctx)
		})
	}
	err = runner.Run(ctx)
	wg.Wait()
	if err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("job runner: %w", err)
	}
	cfg.logger.Info("monitor stopped")
	return nil
}

// serveMonitor starts what `sitrep serve` runs beside the API: the metrics /metrics serves and, unless
// off, the monitor (scheduler and job runner) on the same store. stop ends the monitor, letting its
// running jobs finish for the runner's grace period, and returns its error.
func serveMonitor(ctx context.Context, store storeHandle, mf monitorFlags, off bool, logger *slog.Logger) (m *metrics.Metrics, stop func() error, err error) {
	cfg := mf.config(logger)
	cfg.schedule = true
	if cfg.metrics, err = newMetrics(store); err != nil {
		if off {
			// A store without a queue can still serve the API.
			return nil, func() error { return nil }, nil
		}
		return nil, nil, err
	}
	if off {
		return cfg.metrics, func() error { return nil }, nil
	}
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		err := runMonitor(mctx, store, cfg)
		if err != nil {
			// The API goes on serving what is stored; the failure is reported now and at exit.
			logger.Error("monitor stopped", "err", err)
		}
		done <- err
	}()
	logger.Info("monitor started beside the API", "workers", cfg.workers)
	return cfg.metrics, func() error {
		cancel()
		return <-done
	}, nil
}
