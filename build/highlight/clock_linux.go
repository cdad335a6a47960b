package highlight

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadTime returns the CPU time the calling OS thread has used, and
// whether it could be read. The caller holds its thread
// (runtime.LockOSThread), so that the time is its own.
func threadTime() (time.Duration, bool) {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
