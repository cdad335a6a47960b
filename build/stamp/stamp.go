// Package stamp records the state a build left its output folder in, so
// that a later build of the same inputs can tell that the folder still
// holds that output and need not render the site again.
//
// A stamp lists every file and folder of the output with its type, size,
// inode and modification and change times, as git's index and build tools
// such as make and Bazel do: writing, replacing, renaming, adding or
// removing anything in the folder changes one of them. A change made in
// the same tick of the file system's clock as the build's own last write
// could leave them all as they were, so an entry changed in that tick or
// later, by the file system's own clock, also records a hash of its
// content, checked again.
// What other processes do to the folder while the build writes it is not
// defended against.
package stamp

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/internal/atomicfile"
)

// Racy is how far back a change may have been made in the same tick of a
// file system's clock as a moment read from the system clock: longer than
// the tick of any common file system (FAT's is two seconds). Now falls
// back on it where it cannot read the file system's own clock.
const Racy = 3 * time.Second

// Stamp is the state of an output folder after a build, and what that
// build reported.
type Stamp struct {
	Inputs  [32]byte // the hash of everything the build read
	Entries []Entry  // the folder itself first, then what it holds

	// The build's report, given again when the output is up to date.
	Pages    int
	Files    int
	Problems []diag.Problem
}

// Entry is the state of one file or folder.
type Entry struct {
	Name         string // slash path within the folder; "" for the folder
	Mode         fs.FileMode
	Size         int64
	Dev, Ino     uint64
	Mtime, Ctime int64  // nanoseconds since the epoch
	Sum          []byte // hash of the content or listing, for racy entries only
}

// ErrUnsupported is returned by Take where file change times are unknown.
var ErrUnsupported = errors.New("file change times are not available on this system")

// Now returns the file system's current time in dir: the modification
// time of a file created there and removed again. A change made after Now
// returns is stamped at or after that time; one stamped before it was
// made in an earlier tick of the file system's clock. Where no file can be
// created, Now returns the system clock's time less Racy.
func Now(dir string) time.Time {
	f, err := os.CreateTemp(dir, ".runbooks-clock-*")
	if err != nil {
		return time.Now().Add(-Racy)
	}
	fi, err := f.Stat()
	f.Close()
	os.Remove(f.Name())
	if err != nil {
		return time.Now().Add(-Racy)
	}
	return fi.ModTime()
}

// Take records the state of dir as the output of a build of inputs.
// Entries changed at or after since, which should come from Now, may have
// been changed again within the same tick without their metadata showing
// it, so they also record a hash of their content. As git does with its
// index, take since before the walk: anything changed during it is then
// hashed too.
func Take(dir string, inputs [32]byte, since time.Time) (*Stamp, error) {
	paths, err := walk(dir)
	if err != nil {
		return nil, err
	}
	return take(dir, paths, inputs, since)
}

// TakeNames is Take of a folder that holds exactly the files and folders
// named (slash paths within it), as one a build has just made and moved
// into place does: it stats them without listing the folder, which at
// tens of thousands of folders is most of Take's system calls. A name
// that is not there is an error; what is there unnamed is not seen.
func TakeNames(dir string, names []string, inputs [32]byte, since time.Time) (*Stamp, error) {
	paths := make([]string, 0, 1+len(names))
	paths = append(paths, dir)
	for _, name := range names {
		if name == "" || !filepath.IsLocal(filepath.FromSlash(name)) {
			return nil, fmt.Errorf("stamp: %q is not a name within the folder", name)
		}
		paths = append(paths, filepath.Join(dir, filepath.FromSlash(name)))
	}
	return take(dir, paths, inputs, since)
}

// take records the state of dir from its paths, dir first.
func take(dir string, paths []string, inputs [32]byte, since time.Time) (*Stamp, error) {
	// Each entry costs a system call or more; a large site has tens of
	// thousands, read in parallel and kept in the walk's order.
	s := &Stamp{Inputs: inputs, Entries: make([]Entry, len(paths))}
	errs := make([]error, len(paths))
	eachChunk(len(paths), func(i int) {
		e, err := entryOf(dir, paths[i])
		if err == nil && e.Ctime >= since.UnixNano() {
			e.Sum, err = sum(paths[i], e.Mode)
		}
		s.Entries[i], errs[i] = e, err
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// walk returns the paths of dir and of everything in it, in
// filepath.WalkDir's order. Listing a folder costs system calls, and a
// large site has tens of thousands of folders, so the entries of dir are
// walked in parallel, each by one goroutine.
func walk(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	parts := make([][]string, len(entries))
	errs := make([]error, len(entries))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(entries)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(entries); i = int(next.Add(1) - 1) {
				errs[i] = filepath.WalkDir(filepath.Join(dir, entries[i].Name()), func(p string, _ fs.DirEntry, err error) error {
					if err != nil {
						return err
					}
					parts[i] = append(parts[i], p)
					return nil
				})
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	paths := []string{dir}
	for _, p := range parts {
		paths = append(paths, p...)
	}
	return paths, nil
}

// eachChunk calls f for every index below n, in as many goroutines as
// there are processors, each taking a run of indexes.
func eachChunk(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	size := max(1, (n+workers-1)/workers)
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += size {
		wg.Go(func() {
			for i := lo; i < min(lo+size, n); i++ {
				f(i)
			}
		})
	}
	wg.Wait()
}

// entryOf returns the state of the file or folder at p within dir.
func entryOf(dir, p string) (Entry, error) {
	fi, err := os.Lstat(p)
	if err != nil {
		return Entry{}, err
	}
	st, ok := statOf(fi)
	if !ok {
		return Entry{}, ErrUnsupported
	}
	name := ""
	if p != dir {
		name = filepath.ToSlash(p[len(dir)+1:])
	}
	st.Name, st.Mode, st.Size = name, fi.Mode(), fi.Size()
	return st, nil
}

// sum hashes what a racy entry holds: a file's bytes, a folder's names,
// a symlink's target.
func sum(p string, mode fs.FileMode) ([]byte, error) {
	var data []byte
	var err error
	switch {
	case mode.IsDir():
		var names []string
		entries, rerr := os.ReadDir(p)
		for _, e := range entries {
			names = append(names, e.Name())
		}
		data, err = []byte(strings.Join(names, "\x00")), rerr
	case mode&fs.ModeSymlink != 0:
		var target string
		target, err = os.Readlink(p)
		data = []byte(target)
	case mode.IsRegular():
		data, err = os.ReadFile(p)
	}
	h := sha256.Sum256(data)
	return h[:], err
}

// RootHolds reports whether the folder dir itself, not what it holds, is
// as it was when s was taken: a quick test that rules out a folder that
// is gone, replaced, or had a file added, removed or renamed at its top.
func (s *Stamp) RootHolds(dir string) bool {
	return s != nil && len(s.Entries) > 0 && s.Entries[0].Name == "" && s.Entries[0].holds(filepath.Clean(dir))
}

// Holds reports whether dir is still exactly as it was when s was taken,
// and s was taken for a build of inputs.
func (s *Stamp) Holds(dir string, inputs [32]byte) bool {
	if s == nil || s.Inputs != inputs || len(s.Entries) == 0 || s.Entries[0].Name != "" {
		return false
	}
	dir = filepath.Clean(dir)
	var bad atomic.Bool
	eachChunk(len(s.Entries), func(i int) {
		if !bad.Load() && !s.Entries[i].holds(dir) {
			bad.Store(true)
		}
	})
	return !bad.Load()
}

// holds reports whether the entry is as recorded.
func (want Entry) holds(dir string) bool {
	p := filepath.Join(dir, filepath.FromSlash(want.Name))
	got, err := entryOf(dir, p)
	if err != nil {
		return false
	}
	got.Name = want.Name
	if got.Mode != want.Mode || got.Size != want.Size || got.Dev != want.Dev || got.Ino != want.Ino ||
		got.Mtime != want.Mtime || got.Ctime != want.Ctime {
		return false
	}
	if want.Sum == nil {
		return true
	}
	h, err := sum(p, want.Mode)
	return err == nil && bytes.Equal(h, want.Sum)
}

const magic = "RBST1\n"

// Save writes s to the file at path, atomically.
func (s *Stamp) Save(path string) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s); err != nil {
		return err
	}
	sum := sha256.Sum256(buf.Bytes())
	return atomicfile.Write(path, func(w *bufio.Writer) error {
		w.WriteString(magic)
		w.Write(sum[:])
		_, err := w.Write(buf.Bytes())
		return err
	})
}

// Load reads the stamp saved at path. A missing, truncated or corrupt file
// is an error.
func Load(path string) (*Stamp, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	body, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok || len(body) < sha256.Size {
		return nil, errors.New("not a stamp file")
	}
	want, body := body[:sha256.Size], body[sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], want) {
		return nil, errors.New("stamp file is corrupt")
	}
	var s Stamp
	if err := gob.NewDecoder(bytes.NewReader(body)).Decode(&s); err != nil {
		return nil, err
	}
	return &s, nil
}
