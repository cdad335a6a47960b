//go:build unix

package output

import (
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive lock on the file at path, creating it, and
// waits while another build holds it. The returned func releases it.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
