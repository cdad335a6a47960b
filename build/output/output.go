// Package output implements the write stage: the site is written into a
// temporary folder beside the output folder and swapped in only when the
// build succeeds, so a failed or killed build leaves the previous output
// exactly as it was. It never deletes a folder it did not make.
package output

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Marker is the file the tool leaves in every folder it builds; a folder
// without it is not ours to replace.
const Marker = ".runbooks-output"

const markerText = "This folder is built by runbooks and replaced on every build. Do not edit it.\n"

// tmpPrefix names the temporary folders beside the output folder.
const tmpPrefix = ".runbooks-tmp-"

// Dir is an output folder being built.
type Dir struct {
	final string
	tmp   string
	made  sync.Map // folders already created, so each is made once
}

// Create checks that out may be replaced by a build of src and makes the
// temporary folder to write into. Temporary folders left by a build that
// was killed are removed first.
func Create(out, src string) (*Dir, error) {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	if err := Safe(absOut, src); err != nil {
		return nil, err
	}
	parent := filepath.Dir(absOut)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create output folder: %w", err)
	}
	removeStale(parent, filepath.Base(absOut))
	tmp, err := os.MkdirTemp(parent, tmpPrefix+filepath.Base(absOut)+"-")
	if err != nil {
		return nil, fmt.Errorf("create temporary output folder: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, Marker), []byte(markerText), 0o644); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("write output: %w", err)
	}
	return &Dir{final: absOut, tmp: tmp}, nil
}

// Safe reports, as an error, why out must not be replaced by a build of
// src: it is the source folder or inside it, the file-system root, the home
// folder, or an existing non-empty folder the tool did not make.
func Safe(out, src string) error {
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	absOut = resolve(absOut)
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
	if _, err := os.Stat(filepath.Join(absOut, Marker)); err != nil {
		return fmt.Errorf("refusing to replace %s: it is not empty and was not built by runbooks (no %s file); remove it yourself or choose another --out", out, Marker)
	}
	return nil
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
		if _, err := os.Stat(filepath.Join(m, Marker)); err == nil {
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

// WriteFile writes one file of the site; name is a slash path.
func (d *Dir) WriteFile(name string, data []byte) error {
	p := filepath.Join(d.tmp, filepath.FromSlash(name))
	if !within(p, d.tmp) {
		return fmt.Errorf("write output: %s is outside the output folder", name)
	}
	if dir := filepath.Dir(p); dir != d.tmp {
		if _, made := d.made.Load(dir); !made {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("write output: %w", err)
			}
			d.made.Store(dir, true)
		}
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return fmt.Errorf("write output: %w", err)
	}
	return nil
}

// Commit swaps the finished site in place of the output folder.
func (d *Dir) Commit() error {
	if _, err := os.Lstat(d.final); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(d.tmp, d.final); err != nil {
			d.Abort()
			return fmt.Errorf("move output into place: %w", err)
		}
		return nil
	}
	if err := Safe(d.final, ""); err != nil {
		d.Abort()
		return err
	}
	if err := exchange(d.tmp, d.final); err != nil {
		d.Abort()
		return fmt.Errorf("move output into place: %w", err)
	}
	// d.tmp now holds the previous output.
	return removeBuilt(d.tmp)
}

// Abort removes the temporary folder, leaving the output folder as it was.
func (d *Dir) Abort() {
	removeBuilt(d.tmp)
}

// Path returns the temporary folder being written.
func (d *Dir) Path() string { return d.tmp }
