package main

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		floor, live uint64
		want        int
	}{
		{320 * mib, 0, 100},
		{320 * mib, 4 * mib, 7900},   // target 4 + 316 = 320 MiB
		{320 * mib, 64 * mib, 400},   // 64 + 256
		{320 * mib, 160 * mib, 100},  // twice live is the floor
		{320 * mib, 1000 * mib, 100}, // past the floor: Go's default
		{1 << 62, 1, 1 << 20},        // bounded
	} {
		if got := percentFor(tc.floor, tc.live); got != tc.want {
			t.Errorf("percentFor(%d MiB, %d MiB) = %d, want %d", tc.floor/mib, tc.live/mib, got, tc.want)
		}
	}
}

// read returns the named runtime metric.
func read(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// churn allocates n bytes of garbage in 64 KiB pieces and returns how many
// collections ran meanwhile.
func churn(n int) uint64 {
	before := read("/gc/cycles/total:gc-cycles")
	var keep []byte
	for range n / (64 << 10) {
		keep = make([]byte, 64<<10)
	}
	runtime.KeepAlive(keep)
	return read("/gc/cycles/total:gc-cycles") - before
}

// The floor lets a small live heap grow to it before collecting, keeps
// doing so after each collection, and stop gives the default pacing back.
// GC settings are the process's, so this test is not parallel.
func TestPaceGC(t *testing.T) {
	const floor = 256 << 20
	getenv := func(string) string { return "" }
	runtime.GC()
	stop := paceGC(getenv, floor)
	defer stop()

	if n := churn(128 << 20); n > 1 {
		t.Errorf("128 MiB of garbage under a 256 MiB floor ran %d collections, want at most 1", n)
	}
	// After a collection, the pacer sets GOGC for the live heap it found.
	runtime.GC()
	live := read("/gc/heap/live:bytes")
	want := uint64(percentFor(floor, live))
	deadline := time.Now().Add(5 * time.Second)
	for read("/gc/gogc:percent") != want && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := read("/gc/gogc:percent"); got != want || want <= 100 {
		t.Fatalf("after a collection with %d KiB live, GOGC = %d, want %d (> 100)", live>>10, got, want)
	}
	if n := churn(128 << 20); n > 1 {
		t.Errorf("after retuning, 128 MiB of garbage ran %d collections, want at most 1", n)
	}

	stop()
	if got := read("/gc/gogc:percent"); got != 100 {
		t.Errorf("after stop, GOGC = %d, want 100", got)
	}
	if n := churn(128 << 20); n < 4 {
		t.Errorf("with default pacing, 128 MiB of garbage ran %d collections; the comparison above proves nothing", n)
	}
}

// A GOGC in the environment is the user's choice, and left alone.
func TestPaceGCLeavesGOGCAlone(t *testing.T) {
	getenv := func(k string) string {
		if k == "GOGC" {
			return "100"
		}
		return ""
	}
	stop := paceGC(getenv, 256<<20)
	defer stop()
	if got := read("/gc/gogc:percent"); got != 100 {
		t.Errorf("with GOGC set, GOGC = %d, want 100", got)
	}
	if n := churn(128 << 20); n < 4 {
		t.Errorf("with GOGC set, 128 MiB of garbage ran %d collections, want Go's default pacing", n)
	}
}
