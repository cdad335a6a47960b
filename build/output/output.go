// Package output implements the write stage. The site is written into a
// spare folder beside the output folder and swapped in, in one atomic
// step, only when the build succeeds, so a failed or killed build leaves
// the previous output exactly as it was.
//
// A build first compares what it writes with the output folder itself,
// and while every file matches it writes nothing. If the build ends with
// the output folder holding exactly the site, the folder is left as it
// is: nothing is written, swapped or deleted. At the first difference the
// build turns to the spare folder, hard-linking into it the files it had
// found unchanged, so the two folders share those files. A file in the
// spare folder is therefore only ever replaced, never written in place.
//
// The swap leaves the previous output in the spare folder, and the next
// build writes into it again: a file whose bytes are already there is left
// alone, and only what no longer belongs is removed. A rebuild therefore
// writes and deletes only what changed, which matters because creating
// and deleting files is most of what a full write costs. The spare folder
// doubles the disk space the output takes and is safe to delete at any
// time. The package never deletes a folder it did not make.
package output

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// Marker is the file the tool leaves in every folder it builds; a folder
// without it is not ours to replace.
const Marker = ".runbooks-output"

const markerText = "This folder is built by runbooks and replaced on every build. Do not edit it.\n"

// SparePrefix names the spare folder beside the output folder: the output
// before the current one, which the next build writes into.
const SparePrefix = ".runbooks-prev-"

// tmpPrefix names the temporary folders that earlier versions wrote into
// beside the output folder; Create removes those a killed build left.
const tmpPrefix = ".runbooks-tmp-"

// Dir is an output folder being built.
type Dir struct {
	final  string
	work   string // the spare folder being written
	fresh  bool   // work was made by this build
	unlock func()

	scan    chan struct{} // closed when the scan of work is done
	scanErr error
	old     map[string]bool // files found in work before the build, by slash name
	oldDirs []string        // folders found in work before the build

	mu      sync.Mutex
	written map[string]bool // files written or kept by this build
	made    map[string]bool // folders that exist in work, by OS path

	// While live is set, files are compared with the output folder and
	// not written; see WriteFile.
	liveMu    sync.RWMutex
	live      string          // the output folder, while it holds every file written so far
	same      map[string]bool // files found in live with the bytes the build gives them
	liveScan  chan struct{}   // closed when the scan of live is done
	liveFiles int             // regular files in live, but the marker
	liveExtra bool            // live holds a folder no file needs, or something not a file or folder
	liveDirs  []string        // folders in live, by slash name
	leaveErr  error           // why copying the unchanged files into work failed
	unchanged bool            // Commit left the output folder as it was
	swapped   bool            // Commit moved work into place
}

// Create checks that out may be replaced by a build of src and prepares
// the spare folder to write into. It takes a lock, so two builds of the
// same output folder wait for each other; Commit or Abort releases it.
// The spare folder is scanned in the background while the caller parses.
func Create(out, src string) (*Dir, error) {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	if err := Safe(absOut, src); err != nil {
		return nil, err
	}
	parent, base := filepath.Dir(absOut), filepath.Base(absOut)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create output folder: %w", err)
	}
	work := filepath.Join(parent, SparePrefix+base)
	release, err := lock(work + ".lock")
	if err != nil {
		return nil, fmt.Errorf("create output folder: %w", err)
	}
	unlock := sync.OnceFunc(release)
	removeStale(parent, base)
	d := &Dir{final: absOut, work: work, unlock: unlock, scan: make(chan struct{}),
		old: map[string]bool{}, written: map[string]bool{}, made: map[string]bool{work: true}}
	switch fi, err := os.Lstat(work); {
	case errors.Is(err, fs.ErrNotExist):
		d.fresh = true
		err = os.Mkdir(work, 0o755)
		if err != nil {
			unlock()
			return nil, fmt.Errorf("create output folder: %w", err)
		}
	case err != nil:
		unlock()
		return nil, fmt.Errorf("create output folder: %w", err)
	case fi.IsDir() && empty(work):
		d.fresh = true // made by a build killed before it marked the folder
	case !fi.IsDir() || !marked(work):
		unlock()
		return nil, fmt.Errorf("refusing to write into %s: it was not made by runbooks (no %s file); remove it yourself", work, Marker)
	}
	if err := os.WriteFile(filepath.Join(work, Marker), []byte(markerText), 0o644); err != nil {
		if d.fresh {
			os.Remove(work)
		}
		unlock()
		return nil, fmt.Errorf("write output: %w", err)
	}
	if d.fresh {
		close(d.scan)
	} else {
		go d.scanSpare()
	}
	d.liveScan = make(chan struct{})
	if fi, err := os.Lstat(absOut); err == nil && fi.IsDir() && marked(absOut) {
		d.live, d.same = absOut, map[string]bool{}
		go d.scanLive(absOut)
	} else {
		close(d.liveScan)
	}
	return d, nil
}

// scanLive counts the files in the output folder and notes anything in it
// that a build does not make, so that Commit can tell whether it holds
// the site and nothing else.
func (d *Dir) scanLive(live string) {
	defer close(d.liveScan)
	err := filepath.WalkDir(live, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case p == live:
		case e.IsDir():
			d.liveDirs = append(d.liveDirs, filepath.ToSlash(p[len(live)+1:]))
		case e.Type().IsRegular():
			if p != filepath.Join(live, Marker) {
				d.liveFiles++
			}
		default:
			d.liveExtra = true
		}
		return nil
	})
	if err != nil {
		d.liveExtra = true
	}
}

// liveHoldsSite reports whether the output folder holds the files found
// unchanged, their folders and nothing else. It is called with every file
// of the build written and liveMu held.
func (d *Dir) liveHoldsSite() bool {
	<-d.liveScan
	if d.liveExtra || d.liveFiles != len(d.same) {
		return false
	}
	needed := map[string]bool{}
	for name := range d.same {
		for dir := path.Dir(name); dir != "." && !needed[dir]; dir = path.Dir(dir) {
			needed[dir] = true
		}
	}
	for _, dir := range d.liveDirs {
		if !needed[dir] {
			return false
		}
	}
	return true
}

// leaveLive turns the build from comparing with the output folder to
// writing the spare folder, and links into it the files found unchanged
// so far. Writers wait until that is done.
func (d *Dir) leaveLive() error {
	d.liveMu.Lock()
	defer d.liveMu.Unlock()
	if d.live == "" {
		return d.leaveErr
	}
	live := d.live
	d.live = ""
	for name := range d.same {
		if err := d.adopt(live, name); err != nil {
			d.leaveErr = err
			return err
		}
	}
	d.same = nil
	return nil
}

// scanSpare lists the files a previous build left in the spare folder,
// removing anything no build writes (symlinks, devices), so that no write
// can be led outside the folder.
func (d *Dir) scanSpare() {
	defer close(d.scan)
	d.scanErr = filepath.WalkDir(d.work, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(p[len(d.work):])
		rel = strings.TrimPrefix(rel, "/")
		switch {
		case e.IsDir():
			if p != d.work {
				d.oldDirs = append(d.oldDirs, p)
				d.made[p] = true
			}
		case e.Type().IsRegular():
			if rel != Marker {
				d.old[rel] = true
			}
		default:
			return os.Remove(p)
		}
		return nil
	})
}

// empty reports whether dir is a folder with nothing in it.
func empty(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// marked reports whether dir has the marker file.
func marked(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, Marker))
	return err == nil
}

// Safe reports, as an error, why out must not be replaced by a build of
// src: it is the source folder or inside it, the file-system root, the home
// folder, or an existing non-empty folder the tool did not make.
func Safe(out, src string) error {
	given, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	absOut := resolve(given)
	if filepath.Dir(absOut) == absOut {
		return fmt.Errorf("refusing to write output to %s: it is the file-system root", out)
	}
	if home, err := os.UserHomeDir(); err == nil && resolve(home) == absOut {
		return fmt.Errorf("refusing to write output to %s: it is the home folder", out)
	}
	if absSrc, err := filepath.Abs(src); err == nil && src != "" {
		absSrc = resolve(absSrc)
		if within(absOut, absSrc) {
			return fmt.Errorf("refusing to write output to %s: it is inside the source folder %s", out, src)
		}
		if within(absSrc, absOut) {
			return fmt.Errorf("refusing to write output to %s: it holds the source folder %s", out, src)
		}
	}
	if err := notLink(out, given); err != nil {
		return err
	}
	entries, err := os.ReadDir(absOut)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		if fi, serr := os.Stat(absOut); serr == nil && !fi.IsDir() {
			return fmt.Errorf("refusing to write output to %s: it is a file", out)
		}
		return fmt.Errorf("read output folder: %w", err)
	case len(entries) == 0:
		return nil
	}
	if !marked(absOut) {
		return fmt.Errorf("refusing to replace %s: it is not empty and was not built by runbooks (no %s file); remove it yourself or choose another --out", out, Marker)
	}
	return nil
}

// notLink reports, as an error, that out is a symbolic link. A build
// replaces its output folder as a whole, by swapping in the folder it
// wrote: through a link that would replace the link with a folder and
// leave the folder it points to, which the web server may be serving,
// stale. Following the link instead would make the build create or
// replace a folder named only by the link's target, wherever that is, and
// would put its spare folder and lock beside that folder rather than beside
// --out. Refusing, and naming the target to pass instead, does neither.
func notLink(out, abs string) error {
	fi, err := os.Lstat(abs) // abs is clean: "pub/" would name the link's target
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	target, err := os.Readlink(abs)
	if err != nil {
		return fmt.Errorf("refusing to write output to %s: it is a symbolic link: %w", out, err)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(abs), target)
	}
	dangling := ""
	if _, err := os.Stat(abs); err != nil {
		dangling = ", which does not exist"
	}
	return fmt.Errorf("refusing to write output to %s: it is a symbolic link to %s%s; a build replaces its output folder as a whole, so pass that folder as --out", out, target, dangling)
}

// resolve follows symlinks in p where it exists, so a symlinked output
// folder cannot hide that it is the source.
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// removeStale removes temporary folders of earlier builds of out that were
// killed before they finished. Only folders with the marker are removed.
func removeStale(parent, base string) {
	matches, _ := filepath.Glob(filepath.Join(parent, tmpPrefix+base+"-*"))
	for _, m := range matches {
		if marked(m) {
			removeBuilt(m)
		} else {
			os.Remove(m) // empty: cut short between creating it and marking it, or after unmarking it
		}
	}
}

// removeBuilt removes a folder the tool built, its marker last, so that a
// removal cut short by a crash leaves a folder that still has its marker,
// or an empty one: removeStale finishes either.
func removeBuilt(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	for _, e := range entries {
		if e.Name() != Marker {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(filepath.Join(dir, Marker)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// WriteFile writes one file of the site; name is a slash path. While the
// output folder holds every file written so far, one it holds with
// exactly data is only noted; otherwise the file is written to the spare
// folder, where a file that already holds exactly data is left as it is.
func (d *Dir) WriteFile(name string, data []byte) error {
	p := filepath.Join(d.work, filepath.FromSlash(name))
	if p == d.work || !within(p, d.work) {
		return fmt.Errorf("write output: %s is outside the output folder", name)
	}
	rel := filepath.ToSlash(p[len(d.work)+1:])
	d.liveMu.RLock()
	if d.live != "" && holds(filepath.Join(d.live, filepath.FromSlash(rel)), data) {
		d.mu.Lock()
		d.same[rel] = true
		d.mu.Unlock()
		d.liveMu.RUnlock()
		return nil
	}
	d.liveMu.RUnlock()
	if err := d.leaveLive(); err != nil {
		return err
	}
	return d.write(rel, data)
}

// write writes the file rel of the site to the spare folder.
func (d *Dir) write(rel string, data []byte) error {
	p, err := d.prepare(rel)
	if err != nil {
		return err
	}
	if d.old[rel] {
		if holds(p, data) {
			return nil
		}
		// The file may be a link to one in the output folder (see
		// adopt): replace it, never write through it.
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write output: %w", err)
		}
	}
	if err := writeNew(p, data); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// adopt puts into the spare folder the file rel of the output folder live,
// found holding the bytes this build gives it: as a hard link, which
// copies nothing, or as a copy where the file system has no links. Files
// in the spare folder are therefore never written in place.
func (d *Dir) adopt(live, rel string) error {
	p, err := d.prepare(rel)
	if err != nil {
		return err
	}
	src := filepath.Join(live, filepath.FromSlash(rel))
	if d.old[rel] {
		if sameFile(p, src) {
			return nil
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("write output: %w", err)
		}
	}
	if os.Link(src, p) == nil {
		return nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("write output: copy %s from %s: %w", rel, live, err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// prepare makes ready the place of the file rel in the spare folder: its
// folders made, a folder an earlier build left there removed. It returns
// the file's path.
func (d *Dir) prepare(rel string) (string, error) {
	<-d.scan
	if d.scanErr != nil {
		return "", fmt.Errorf("write output: %w", d.scanErr)
	}
	p := filepath.Join(d.work, filepath.FromSlash(rel))
	if err := d.mkdir(filepath.Dir(p)); err != nil {
		return "", fmt.Errorf("write output: %w", err)
	}
	d.mu.Lock()
	d.written[rel] = true
	isDir := d.made[p]
	d.mu.Unlock()
	if isDir {
		if err := d.clear(p); err != nil {
			return "", fmt.Errorf("write output: %s: %w", rel, err)
		}
	}
	return p, nil
}

// sameFile reports whether the paths a and b name the same file.
func sameFile(a, b string) bool {
	fa, err := os.Lstat(a)
	if err != nil {
		return false
	}
	fb, err := os.Lstat(b)
	return err == nil && os.SameFile(fa, fb)
}

// holds reports whether p is a regular file holding exactly data.
func holds(p string, data []byte) bool {
	f, err := openNoFollow(p)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != int64(len(data)) {
		return false
	}
	have := make([]byte, len(data))
	_, err = io.ReadFull(f, have)
	return err == nil && bytes.Equal(have, data)
}

// mkdir makes dir and its parents inside the work folder. A file an
// earlier build left where a folder must now go is removed; one this
// build wrote is an error.
func (d *Dir) mkdir(dir string) error {
	d.mu.Lock()
	made := d.made[dir]
	d.mu.Unlock()
	if made {
		return nil
	}
	d.mu.Lock()
	parentMade := d.made[filepath.Dir(dir)]
	d.mu.Unlock()
	// A page's folder is usually new in a folder this build has made: one
	// mkdir, not MkdirAll's look at every parent first.
	if parentMade && os.Mkdir(dir, 0o755) == nil {
		d.mu.Lock()
		d.made[dir] = true
		d.mu.Unlock()
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		if !d.clearFiles(dir) {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for p := dir; p != d.work && within(p, d.work); p = filepath.Dir(p) {
		d.made[p] = true
	}
	return nil
}

// clearFiles removes the files from an earlier build that stand where
// dir's folders must go, and reports whether it removed any.
func (d *Dir) clearFiles(dir string) bool {
	rel, err := filepath.Rel(d.work, dir)
	if err != nil {
		return false
	}
	removed := false
	p := d.work
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil || fi.IsDir() {
			continue
		}
		name := filepath.ToSlash(p[len(d.work)+1:])
		d.mu.Lock()
		mine := d.written[name]
		d.mu.Unlock()
		if mine || !d.old[name] || os.Remove(p) != nil {
			return false
		}
		removed = true
	}
	return removed
}

// clear removes the folder an earlier build left where a file must now
// go, unless this build has written into it.
func (d *Dir) clear(dir string) error {
	prefix := filepath.ToSlash(dir[len(d.work)+1:]) + "/"
	d.mu.Lock()
	defer d.mu.Unlock()
	for name := range d.written {
		if strings.HasPrefix(name, prefix) {
			return errors.New("a folder of this build stands where the file must go")
		}
	}
	for p := range d.made {
		if p == dir || within(p, dir) {
			delete(d.made, p)
		}
	}
	return os.RemoveAll(dir)
}

// Commit removes what the previous build left that this one did not
// write, and swaps the finished site in place of the output folder. The
// previous output becomes the spare folder for the next build. When the
// output folder already holds exactly the site, it is left as it is.
// settled, unless nil, runs once the output folder is in its final state
// and before another build may change it.
func (d *Dir) Commit(settled func()) error {
	defer d.unlock()
	defer func() { <-d.liveScan }()
	d.liveMu.Lock()
	unchanged := d.live != "" && d.liveHoldsSite()
	d.liveMu.Unlock()
	if unchanged {
		<-d.scan
		if d.fresh {
			removeBuilt(d.work)
		}
		d.unchanged = true
		if settled != nil {
			settled()
		}
		return nil
	}
	if err := d.leaveLive(); err != nil {
		return err
	}
	<-d.scan
	if err := d.prune(); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	if _, err := os.Lstat(d.final); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(d.work, d.final); err != nil {
			return fmt.Errorf("move output into place: %w", err)
		}
		d.swapped = true
		if settled != nil {
			settled()
		}
		return nil
	}
	if err := Safe(d.final, ""); err != nil {
		return err
	}
	if err := exchange(d.work, d.final); err != nil {
		return fmt.Errorf("move output into place: %w", err)
	}
	d.swapped = true
	if settled != nil {
		settled()
	}
	return nil
}

// prune removes the files and folders found in the work folder before the
// build that the build did not write.
func (d *Dir) prune() error {
	gone := func(err error) bool { return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) }
	for name := range d.old {
		if !d.written[name] {
			// A file in a folder that a file of this build replaced is gone.
			if err := os.Remove(filepath.Join(d.work, filepath.FromSlash(name))); err != nil && !gone(err) {
				return err
			}
		}
	}
	if len(d.oldDirs) == 0 {
		return nil // no folder an earlier build left: none to remove
	}
	needed := map[string]bool{}
	for name := range d.written {
		for p := filepath.Dir(filepath.Join(d.work, filepath.FromSlash(name))); p != d.work && !needed[p]; p = filepath.Dir(p) {
			needed[p] = true
		}
	}
	// Deepest first, so a folder is empty by the time it is removed.
	dirs := slices.SortedFunc(slices.Values(d.oldDirs), func(a, b string) int { return len(b) - len(a) })
	for _, dir := range dirs {
		if needed[dir] || d.written[filepath.ToSlash(dir[len(d.work)+1:])] { // now a file of this build
			continue
		}
		if err := os.Remove(dir); err != nil && !gone(err) {
			return err
		}
	}
	return nil
}

// Abort ends a build that will not be committed, leaving the output folder
// as it was. A spare folder this build made is removed; one kept from an
// earlier build stays for the next.
func (d *Dir) Abort() {
	defer d.unlock()
	<-d.scan
	<-d.liveScan
	if d.fresh {
		removeBuilt(d.work)
	}
}

// Path returns the folder being written.
func (d *Dir) Path() string { return d.work }

// Names returns the slash paths of everything in the output folder, once
// Commit has moved into place a folder this build made: the files the
// build wrote, the marker, and their folders, sorted. A stamp of the
// folder can take them without listing it again (stamp.TakeNames). It
// returns nil for a folder that also held what an earlier build left, and
// before Commit.
func (d *Dir) Names() []string {
	if !d.fresh || !d.swapped {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	names := make([]string, 0, 1+len(d.written)+len(d.made))
	names = append(names, Marker)
	for name := range d.written {
		names = append(names, name)
	}
	for p := range d.made {
		if p != d.work {
			names = append(names, filepath.ToSlash(p[len(d.work)+1:]))
		}
	}
	slices.Sort(names)
	return names
}

// Unchanged reports whether Commit found the output folder already
// holding exactly the site, and so left it as it was.
func (d *Dir) Unchanged() bool { return d.unchanged }
