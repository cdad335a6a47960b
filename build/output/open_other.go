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

// writeNew writes data to the file at p, creating it or replacing what it
// holds.
func writeNew(p string, data []byte) error {
	return os.WriteFile(p, data, 0o644)
}
