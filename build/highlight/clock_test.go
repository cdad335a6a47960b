package highlight

import (
	"testing"
	"time"
)

// TestClockReadsCPUOnlyForLongBlocks: a block that ends before an eighth of
// its limit has passed never reads the thread's CPU clock, a system call,
// nor holds its thread; one that runs on does both, and is not over until
// it has used its limit of CPU time after that.
func TestClockReadsCPUOnlyForLongBlocks(t *testing.T) {
	if _, ok := threadTime(); !ok {
		t.Skip("the thread's CPU time cannot be read on this system; the limit is wall time")
	}
	short := startClock(time.Hour)
	for range 1000 {
		if short.over() {
			t.Fatal("a block is over an hour's limit at once")
		}
	}
	if short.held {
		t.Error("an ordinary block read the CPU clock")
	}
	short.stop()

	const limit = 40 * time.Millisecond
	long := startClock(limit)
	defer long.stop()
	for time.Since(long.start) < limit/cpuClockAfter {
		if long.over() {
			t.Fatal("over before the CPU clock was read")
		}
	}
	if long.over() || !long.held {
		t.Fatalf("at %v of wall time: want the CPU clock read and the block not over", time.Since(long.start))
	}
	for !long.over() { // spin: a hostile block
	}
	if used, _ := threadTime(); used-long.cpuStart <= limit {
		t.Errorf("over after %v of CPU time since the first reading, want more than %v", used-long.cpuStart, limit)
	}
}
