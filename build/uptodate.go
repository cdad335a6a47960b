package build

import (
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
	field("runbooks build inputs 1")
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
// and its content; symlinks are hashed as what they lead to.
func hashTree(h hash.Hash, fsys fs.FS) error {
	field := func(s string) { writeField(h, []byte(s)) }
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			field("unreadable " + p + ": " + err.Error())
			return nil
		}
		if p != "." && load.Skipped(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		field(p)
		field(d.Type().String())
		if d.IsDir() {
			return nil
		}
		info, err := fs.Stat(fsys, p)
		switch {
		case err != nil:
			field("broken")
		case !info.Mode().IsRegular():
			field(info.Mode().Type().String())
		default:
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			writeField(h, data)
		}
		return nil
	})
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
