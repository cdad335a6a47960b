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
//
// Reading every source to hash it costs a build of a large tree about as
// much as a build that finds its output up to date takes in all, so it is
// done first only when the output could be up to date: when the stamp's
// record of the output folder itself still holds. Otherwise (no stamp, no
// output, or an output changed since) the build goes ahead at once, and
// the inputs are hashed when it is stamped, from the hashes of the pages
// as parse read them, which are then exactly what the output was built
// from.
type upToDate struct {
	set    settings
	id     string   // the binary's build id
	file   string   // the stamp file
	hashed bool     // inputs holds the hash of this build's inputs
	inputs [32]byte // when hashed

	pending chan struct{} // closed when a hash started by hashRead is done
}

// newUpToDate returns the up-to-date check of building set, with the
// inputs hashed when the output may be up to date. It returns nil without
// a cache folder or a build id.
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
	u := &upToDate{set: set, id: id, file: filepath.Join(dir, "output-"+cache.SiteName(cfg.Out)+".bin")}
	if u.mayHold(cfg.Out) {
		u.inputs, u.hashed = u.hash(nil)
	}
	return u
}

// mayHold reports whether the stamp's record of the output folder itself
// still holds, a few system calls that rule out a cold build: the folder
// is gone or something in it was added, removed or renamed.
func (u *upToDate) mayHold(out string) bool {
	s, err := stamp.Load(u.file)
	if err != nil {
		return false
	}
	abs, err := filepath.Abs(out)
	return err == nil && s.RootHolds(abs)
}

// deferred reports whether the inputs are to be hashed when the output is
// stamped, from the pages' hashes as parse reads them.
func (u *upToDate) deferred() bool { return u != nil && !u.hashed }

// hashRead starts hashing the inputs, if they are deferred, from read,
// the hashes of the pages' sources as parse read them, while the build
// renders; record waits for it, and so does wait.
func (u *upToDate) hashRead(read map[string][sha256.Size]byte) {
	if !u.deferred() || u.pending != nil {
		return
	}
	u.pending = make(chan struct{})
	go func() {
		defer close(u.pending)
		u.inputs, u.hashed = u.hash(read)
	}()
}

// wait waits for the hash hashRead started, if any.
func (u *upToDate) wait() {
	if u != nil && u.pending != nil {
		<-u.pending
	}
}

// hash hashes the inputs of the build: the binary, the options that
// change the output, the build date, the theme folder and every file of
// the source tree, taking the hashes of the files in read rather than
// reading them again. It reports false if a file could not be read.
func (u *upToDate) hash(read map[string][sha256.Size]byte) ([32]byte, bool) {
	cfg := u.set.Config
	h := sha256.New()
	field := func(s string) { writeField(h, []byte(s)) }
	field("runbooks build inputs 2")
	field(u.id)
	field(cfg.BaseURL)
	field(cfg.EditURL)
	field(cfg.cacheKey())
	field(cfg.Now.Format(page.DateLayout)) // what the output shows of it
	var sum [32]byte
	if err := hashTree(h, u.set.src, read); err != nil {
		return sum, false
	}
	if cfg.Theme != "" {
		if err := hashTree(h, os.DirFS(cfg.Theme), nil); err != nil {
			return sum, false
		}
	}
	h.Sum(sum[:0])
	return sum, true
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
// to. A file whose hash is in read is not read again. The others are read
// and hashed in parallel: a build that finds its output up to date does
// little else.
func hashTree(h hash.Hash, fsys fs.FS, read map[string][sha256.Size]byte) error {
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
			if sum, ok := read[it.fields[0]]; ok {
				it.sum = sum
				return
			}
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
	if u == nil || !u.hashed {
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

// record stamps out as the output of these inputs, with the build's
// report; names are what out holds, when the output stage knows it (see
// output.Dir.Names), else nil. Inputs not hashed before the build must
// have been given to hashRead.
func (u *upToDate) record(out string, res Result, names []string) {
	if u == nil {
		return
	}
	if u.wait(); !u.hashed {
		return
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return
	}
	since := stamp.Now(filepath.Dir(abs))
	var s *stamp.Stamp
	if names != nil {
		s, err = stamp.TakeNames(abs, names, u.inputs, since)
	} else {
		s, err = stamp.Take(abs, u.inputs, since)
	}
	if err != nil {
		return
	}
	s.Pages, s.Files, s.Problems = res.Pages, res.Files, res.Problems
	_ = s.Save(u.file)
}
