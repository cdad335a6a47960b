//go:build !linux

package highlight

import "time"

// threadTime reports that the thread's CPU time cannot be read here: the
// lexing limit is then wall time.
func threadTime() (time.Duration, bool) { return 0, false }
