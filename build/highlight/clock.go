package highlight

import (
	"runtime"
	"time"
)

// A block's clock first reads the thread's CPU clock once the block has
// taken limit/cpuClockAfter of wall time. Reading it is a system call,
// dearer than lexing most blocks, and nearly every block is done long
// before; the CPU time a block used before that first reading, at most
// that wall time, is not counted against the limit (see MaxLexTime).
const cpuClockAfter = 8

// blockClock tells when one block has run out of lexing time (see
// MaxLexTime). Until the block has taken limit/cpuClockAfter of wall time
// it reads only the wall clock, which costs no system call. Then it holds
// the goroutine's thread and reads the thread's CPU clock, and from then
// on it counts the CPU time since that reading against limit. A thread
// never gets more CPU time than wall time passes, so with budget CPU time
// left the clock need not be read again before budget more wall time has
// passed: a hostile block costs a handful of readings on a quiet machine,
// more on a busy one, rather than one for every token.
type blockClock struct {
	limit time.Duration
	start time.Time     // wall clock at the start
	next  time.Duration // wall time since start before which the block cannot be over

	held     bool          // the goroutine holds its thread (runtime.LockOSThread)
	wallOnly bool          // the CPU clock cannot be read: limit is wall time
	cpuStart time.Duration // the thread's CPU time at the first reading
}

// startClock starts the clock of a block with limit of lexing time. Call
// stop when the block is done, on the same goroutine.
func startClock(limit time.Duration) blockClock {
	return blockClock{limit: limit, start: time.Now(), next: limit / cpuClockAfter}
}

// over reports whether the block has run out of lexing time: more than
// limit of CPU time since the first reading of the thread's CPU clock, or,
// where that clock cannot be read, more than limit of wall time.
func (c *blockClock) over() bool {
	wall := time.Since(c.start)
	if wall < c.next {
		return false
	}
	if c.wallOnly {
		return true
	}
	first := !c.held
	if first {
		runtime.LockOSThread() // from here on the thread's CPU time is this block's
		c.held = true
	}
	t, ok := threadTime()
	if !ok {
		c.wallOnly, c.next = true, c.limit
		return wall >= c.limit
	}
	if first {
		c.cpuStart = t
	}
	used := t - c.cpuStart
	if used > c.limit {
		return true
	}
	c.next = wall + c.limit - used
	return false
}

// stop lets go of the thread, if over held it.
func (c *blockClock) stop() {
	if c.held {
		runtime.UnlockOSThread()
		c.held = false
	}
}
