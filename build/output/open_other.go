//go:build !unix

package output

import "os"

// openNoFollow opens the file at p for reading, failing if p is a symlink.
func openNoFollow(p string) (*os.File, error) {
	if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink != 0 {
		return nil, os.ErrNotExist
	}
	return os.Open(p)
}
