//go:build unix

package output

import (
	"os"
	"syscall"
)

// openNoFollow opens the file at p for reading, failing if p is a symlink.
func openNoFollow(p string) (*os.File, error) {
	return os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}
