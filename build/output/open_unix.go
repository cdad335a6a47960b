//go:build unix

package output

import (
	"io"
	"os"
	"syscall"
)

// openNoFollow opens the file at p for reading, failing if p is a symlink.
func openNoFollow(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}

// writeNew writes data to the file at p, creating it or replacing what it
// holds, and refuses to write through a symlink at p. It makes the system
// calls itself: os.WriteFile sets every file up for Go's poller, which a
// regular file cannot use, at five extra calls a file, and a site has
// tens of thousands of files.
func writeNew(p string, data []byte) error {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(p, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0o644)
	})
	if err != nil {
		return &os.PathError{Op: "open", Path: p, Err: err}
	}
	for len(data) > 0 {
		n, err := ignoringEINTR(func() (int, error) { return syscall.Write(fd, data) })
		if err == nil && n == 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			syscall.Close(fd)
			return &os.PathError{Op: "write", Path: p, Err: err}
		}
		data = data[n:]
	}
	if err := syscall.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: p, Err: err}
	}
	return nil
}

// ignoringEINTR calls f until it is not interrupted by a signal.
func ignoringEINTR(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
