package cache

import (
	"bufio"
	"hash/crc32"
	"os"
	"path/filepath"
)

// nextFile is the file a build writes a cache into: a temporary file
// beside the cache's own, appended to through a buffer, which Save renames
// over the cache's file and Close removes.
type nextFile struct {
	f   *os.File
	w   *bufio.Writer
	end int64 // bytes written, buffered ones included
}

// newNextFile creates the next file of the cache at path, starting with
// magic.
func newNextFile(path, magic string) (*nextFile, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return nil, err
	}
	n := &nextFile{f: f, w: bufio.NewWriterSize(f, 256<<10)}
	n.w.WriteString(magic)
	n.end = int64(len(magic))
	return n, nil
}

// write appends the parts, one after the other, and returns where they are.
func (n *nextFile) write(parts ...[]byte) (span, error) {
	s := span{off: n.end}
	for _, p := range parts {
		if _, err := n.w.Write(p); err != nil {
			return span{}, err
		}
		s.sum = crc32.Update(s.sum, castagnoli, p)
		s.n += uint32(len(p))
	}
	n.end += int64(s.n)
	return s, nil
}

// readable makes the bytes before end readable from n.f, flushing the
// buffer if it holds some of them.
func (n *nextFile) readable(end int64) error {
	if n.end-int64(n.w.Buffered()) < end {
		return n.w.Flush()
	}
	return nil
}

// finish appends tail, writes out the buffer and closes the file.
func (n *nextFile) finish(tail ...[]byte) error {
	for _, t := range tail {
		n.w.Write(t)
	}
	err := n.w.Flush()
	if cerr := n.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// remove closes and removes the file, which was not renamed.
func (n *nextFile) remove() {
	n.f.Close()
	os.Remove(n.f.Name())
}
