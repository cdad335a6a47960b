//go:build unix

package output

import (
	"os"

	"golang.org/x/sys/unix"
)

// lock takes an exclusive lock on the file at path, creating it, and
// waits while another build holds it. The returned func releases it and
// removes the file, so that no lock file is left beside the output.
func lock(path string) (func(), error) {
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
			f.Close()
			return nil, err
		}
		// The build before this one removes the file as it releases it:
		// a lock on a file no longer at path guards nothing, so take the
		// one that is there now.
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(held, now) {
			return func() {
				os.Remove(path)
				f.Close()
			}, nil
		}
		f.Close()
		if err1 != nil {
			return nil, err1
		}
	}
}
