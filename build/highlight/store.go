package highlight

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"github.com/arcaapi/runbooks/internal/atomicfile"
)

// Store is a persistent cache of highlighted blocks, kept in one file. It
// is keyed by a hash of language and code, and the file name carries the
// versions of chroma and of its regular-expression engine, so an upgrade of
// either starts afresh. The file is read on the first lookup, so a build
// that needs no block (every page came from the page cache) never reads
// it. Save keeps the blocks the build used and, after them, the others up
// to MaxStoreBytes, so the file stays bounded. It is safe to delete at any
// time.
type Store struct {
	path string
	once sync.Once // loads the file

	mu      sync.Mutex
	entries map[key]string
	used    map[key]bool
	dirty   bool
}

// MaxStoreBytes bounds the highlighted HTML a Store file keeps.
const MaxStoreBytes = 128 << 20

// DefaultDir returns the folder for the cache under the user cache folder.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "runbooks"), nil
}

// Open returns the store for the site identified by name (a hash of the
// source folder, so two sites do not evict each other's blocks) in dir.
// A missing or corrupt file gives an empty store.
func Open(dir, name string) *Store {
	return &Store{
		path:    filepath.Join(dir, fmt.Sprintf("highlight-%s-%s.bin", engineVersion(), name)),
		entries: map[key]string{},
		used:    map[key]bool{},
	}
}

// ensureLoaded reads the file the first time the store is needed.
func (s *Store) ensureLoaded() {
	s.once.Do(func() {
		if err := s.load(); err != nil {
			s.entries = map[key]string{}
		}
	})
}

const magic = "RBHL1\n"

func (s *Store) load() error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != magic {
		return errors.New("not a highlight cache")
	}
	for {
		var k key
		if _, err := io.ReadFull(r, k[:]); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		n, err := binary.ReadUvarint(r)
		if err != nil || n > MaxBlockBytes*64 {
			return errors.New("corrupt highlight cache")
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		s.entries[k] = string(buf)
	}
}

func (s *Store) get(k key) (string, bool) {
	if s == nil {
		return "", false
	}
	s.ensureLoaded()
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.entries[k]
	return v, ok
}

func (s *Store) put(k key, html string) {
	if s == nil {
		return
	}
	s.ensureLoaded()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[k] = html
	s.used[k] = true
	s.dirty = true
}

func (s *Store) use(k key) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.used[k] = true
	s.mu.Unlock()
}

// Save writes the store back to disk, atomically, when a block was added:
// the blocks used since Open first, then the others it holds, while the
// total stays under MaxStoreBytes.
func (s *Store) Save() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty { // nothing new; a store never read is never dirty
		return nil
	}
	return atomicfile.Write(s.path, func(w *bufio.Writer) error {
		w.WriteString(magic)
		var n [binary.MaxVarintLen64]byte
		size := 0
		write := func(k key, v string) {
			w.Write(k[:])
			w.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
			w.WriteString(v)
			size += len(v)
		}
		for k := range s.used {
			if v, ok := s.entries[k]; ok {
				write(k, v)
			}
		}
		for k, v := range s.entries {
			if !s.used[k] && size+len(v) <= MaxStoreBytes {
				write(k, v)
			}
		}
		return nil
	})
}

// engineVersion names the versions of chroma and regexp2 built into the
// binary: either can change how a block is tokenised.
func engineVersion() string {
	v := map[string]string{}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Replace != nil {
				v[d.Path] = d.Replace.Version
			} else {
				v[d.Path] = d.Version
			}
		}
	}
	name := func(path string) string {
		if s := v[path]; s != "" {
			return s
		}
		return "unknown"
	}
	return "chroma" + name("github.com/alecthomas/chroma/v2") + "-regexp2" + name("github.com/dlclark/regexp2/v2")
}
