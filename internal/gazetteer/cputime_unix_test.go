//go:build unix

package gazetteer

import (
	"syscall"
	"testing"
	"time"
)

// BenchmarkDefaultCPU reports the CPU time (user + system, all threads) one Default() costs: on a
// shared machine wall time says more about the neighbours than about the loader.
func BenchmarkDefaultCPU(b *testing.B) {
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	var total time.Duration
	for b.Loop() {
		start := cpu()
		g, err := Default()
		if err != nil {
			b.Fatal(err)
		}
		total += cpu() - start
		_ = g
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "cpu-s/op")
}
