package build

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/load"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/stamp"
)

// upToDate tells whether the output folder already holds the build of
// this build's inputs, from the stamp the last build into it left in the
// cache folder.
type upToDate struct {
	file   string   // the stamp file
	inputs [32]byte // the hash of this build's inputs
}

// newUpToDate hashes the inputs of building cfg: the binary, the options
// that change the output, the build date, the theme folder and every file
// of the source tree. It returns nil without a cache folder or a build id.
func newUpToDate(set settings) *upToDate {
	cfg := set.Config
	dir, ok := cache.Dir(cfg.CacheDir, cfg.NoCache)
	if !ok {
		return nil
	}
	id, err := cache.Identity()
	if err != nil {
		return nil
	}
	h := sha256.New()
	field := func(s string) { writeField(h, []byte(s)) }
	field("runbooks build inputs 2")
	field(id)
	field(cfg.BaseURL)
	field(cfg.EditURL)
	field(cfg.cacheKey())
	field(cfg.Now.Format(page.DateLayout)) // what the output shows of it
	if err := hashTree(h, set.src); err != nil {
		return nil
	}
	if cfg.Theme != "" {
		if err := hashTree(h, os.DirFS(cfg.Theme)); err != nil {
			return nil
		}
	}
	u := &upToDate{file: filepath.Join(dir, "output-"+cache.SiteName(cfg.Out)+".bin")}
	h.Sum(u.inputs[:0])
	return u
}

// writeField adds b to h, length first, so that no two sequences of
// fields hash alike.
func writeField(h hash.Hash, b []byte) {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(b)))
	h.Write(n[:])
	h.Write(b)
}

// hashTree adds to h every name in fsys that a build reads, with its type
// and the SHA-256 of its content; symlinks are hashed as what they lead
// to. The files are read and hashed in parallel: a build that finds its
// output up to date does little else.
func hashTree(h hash.Hash, fsys fs.FS) error {
	type item struct {
		fields []string // the name, its type, and what is known without reading it
		read   bool     // a regular file, whose content's hash follows the fields
		sum    [sha256.Size]byte
		err    error
	}
	var items []item
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			items = append(items, item{fields: []string{"unreadable " + p + ": " + err.Error()}})
			return nil
		}
		if p != "." && load.Skipped(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		it := item{fields: []string{p, d.Type().String()}}
		switch {
		case d.IsDir():
		case d.Type().IsRegular():
			it.read = true
		default: // a symlink, hashed as what it leads to
			switch info, err := fs.Stat(fsys, p); {
			case err != nil:
				it.fields = append(it.fields, "broken")
			case !info.Mode().IsRegular():
				it.fields = append(it.fields, info.Mode().Type().String())
			default:
				it.read = true
			}
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return err
	}
	_ = parallel(context.Background(), len(items), func(i int) {
		if it := &items[i]; it.read {
			var data []byte
			data, it.err = fs.ReadFile(fsys, it.fields[0])
			it.sum = sha256.Sum256(data)
		}
	})
	for _, it := range items {
		if it.err != nil {
			return it.err
		}
		for _, f := range it.fields {
			writeField(h, []byte(f))
		}
		if it.read {
			writeField(h, it.sum[:])
		}
	}
	return nil
}

// result returns the report of the build that left out as it is, and
// whether there was one for these inputs.
func (u *upToDate) result(out string) (Result, bool) {
	if u == nil {
		return Result{}, false
	}
	s, err := stamp.Load(u.file)
	if err != nil {
		return Result{}, false
	}
	abs, err := filepath.Abs(out)
	if err != nil || !s.Holds(abs, u.inputs) {
		return Result{}, false
	}
	return Result{Problems: s.Problems, Pages: s.Pages, Files: s.Files, Unchanged: true, UpToDate: true}, true
}

// record stamps out as the output of these inputs, with the build's report.
func (u *upToDate) record(out string, res Result) {
	if u == nil {
		return
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return
	}
	s, err := stamp.Take(abs, u.inputs, stamp.Now(filepath.Dir(abs)))
	if err != nil {
		return
	}
	s.Pages, s.Files, s.Problems = res.Pages, res.Files, res.Problems
	_ = s.Save(u.file)
}
