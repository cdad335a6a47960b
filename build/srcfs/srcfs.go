// Package srcfs reads a source folder as an fs.FS that no path or
// symlink leads out of, as os.Root's does, in fewer system calls.
//
// Reading a file through os.Root opens every folder on its way, one
// system call each, and then sets the file up for Go's poller, which a
// regular file cannot use: about sixteen calls for a runbook three folders
// down. On Linux, FS reads it with one openat2 call that the kernel
// confines to the folder (RESOLVE_BENEATH), a stat, the reads and a close.
// Listing a folder through os.Root also stats every entry; FS lists it
// with the types the listing itself gives, which is all the walks of the
// tree use, and stats an entry only when its Info is asked for. Wherever
// openat2 fails (an older kernel, a filter that forbids the call, a
// symlink, a path that would leave the folder) the answer is os.Root's,
// with its errors.
package srcfs

import (
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync/atomic"
)

// FS is a source folder open for reading. It is safe for concurrent use.
type FS struct {
	root *os.Root
	fsys fs.FS    // root.FS()
	dir  *os.File // the folder, kept open for its descriptor
	fd   int      // dir's descriptor, which confines the fast reads
	fast atomic.Bool
}

// The interfaces the stages use, as os.Root's FS implements them.
var (
	_ fs.ReadFileFS = (*FS)(nil)
	_ fs.ReadDirFS  = (*FS)(nil)
	_ fs.StatFS     = (*FS)(nil)
	_ fs.ReadLinkFS = (*FS)(nil)
)

// New returns the folder root as an FS, which owns root from then on:
// Close closes both.
func New(root *os.Root) *FS {
	f := &FS{root: root, fsys: root.FS()}
	if dir, err := root.Open("."); err == nil {
		f.dir, f.fd = dir, int(dir.Fd())
		f.fast.Store(fastSupported)
	}
	return f
}

// Close closes the folder.
func (f *FS) Close() error {
	if f.dir != nil {
		f.dir.Close()
	}
	return f.root.Close()
}

// Open opens the named file.
func (f *FS) Open(name string) (fs.File, error) { return f.fsys.Open(name) }

// ReadFile reads the named file.
func (f *FS) ReadFile(name string) ([]byte, error) {
	if f.fast.Load() && fs.ValidPath(name) {
		data, err := readBeneath(f.fd, name)
		switch {
		case err == nil:
			return data, nil
		case unsupported(err):
			f.fast.Store(false)
		}
	}
	return fs.ReadFile(f.fsys, name)
}

// ReadDir reads the named folder, its entries sorted by name.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if f.fast.Load() && fs.ValidPath(name) {
		entries, err := readDirBeneath(f.fd, name)
		switch {
		case err == nil:
			for i, e := range entries {
				entries[i] = dirEntry{e, f, path.Join(name, e.Name())}
			}
			slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
			return entries, nil
		case unsupported(err):
			f.fast.Store(false)
		}
	}
	return fs.ReadDir(f.fsys, name)
}

// dirEntry is an entry of a folder read by ReadDir, whose Info comes from
// os.Root like every other answer about the folder's files.
type dirEntry struct {
	fs.DirEntry
	fsys *FS
	path string
}

func (e dirEntry) Info() (fs.FileInfo, error) { return e.fsys.Lstat(e.path) }

// Stat returns the named file's information, following a symlink.
func (f *FS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(f.fsys, name) }

// Lstat returns the named file's information, not following a symlink.
func (f *FS) Lstat(name string) (fs.FileInfo, error) { return fs.Lstat(f.fsys, name) }

// ReadLink returns the target of the named symlink.
func (f *FS) ReadLink(name string) (string, error) { return fs.ReadLink(f.fsys, name) }
