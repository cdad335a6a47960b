// Package theme holds the default theme: html/template layouts, CSS and
// small vanilla JavaScript, embedded in the binary so the tool works with
// nothing else installed. A folder given with --theme overrides any file.
package theme

import (
	"embed"
	"errors"
	"io/fs"
	"os"
	"slices"
)

//go:embed templates static
var files embed.FS

// Default returns the embedded theme.
func Default() fs.FS { return files }

// Open returns the theme with the files of dir (if not "") laid over the
// embedded ones.
func Open(dir string) (fs.FS, error) {
	if dir == "" {
		return files, nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, errors.New(dir + " is not a folder")
	}
	return overlay{top: os.DirFS(dir), base: files}, nil
}

// overlay is a file system whose top layer wins over its base.
type overlay struct {
	top, base fs.FS
}

var _ fs.ReadDirFS = overlay{}

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		return f, nil
	}
	return o.base.Open(name)
}

// ReadDir merges both layers' listings.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	top, terr := fs.ReadDir(o.top, name)
	base, berr := fs.ReadDir(o.base, name)
	if terr != nil && berr != nil {
		return nil, berr
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range top {
		seen[e.Name()] = true
		out = append(out, e)
	}
	for _, e := range base {
		if !seen[e.Name()] {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int {
		switch {
		case a.Name() < b.Name():
			return -1
		case a.Name() > b.Name():
			return 1
		}
		return 0
	})
	return out, nil
}
