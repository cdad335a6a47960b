// Package atomicfile replaces a file in one step: what is written goes to
// a temporary file beside it, renamed over it only once complete, so a
// crash or a failed write never leaves half a file. The persistent caches
// are written with it.
package atomicfile

import (
	"bufio"
	"os"
	"path/filepath"
)

// Write makes the file at path hold what write writes, creating its
// folder. When write or the file system fails, the file is left as it was.
func Write(path string, write func(w *bufio.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // nothing is left to remove after the rename
	w := bufio.NewWriterSize(tmp, 1<<20)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
