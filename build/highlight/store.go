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
)

// Store is a persistent cache of highlighted blocks, kept in one file. It
// is keyed by a hash of language and code, and the file name carries the
// versions of chroma and of its regular-expression engine, so an upgrade of
// either starts afresh. Save keeps only the blocks
// the build used, so the file is bounded by the size of the site. The file
// is safe to delete at any time.
type Store struct {
	path string

	mu      sync.Mutex
	entries map[key]string
	used    map[key]bool
	dirty   bool
}

// DefaultDir returns the folder for the cache under the user cache folder.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "runbooks"), nil
}

// Open loads the store for the site identified by name (a hash of the
// source folder, so two sites do not evict each other's blocks) from dir.
// A missing or corrupt file gives an empty store.
func Open(dir, name string) *Store {
	s := &Store{
		path:    filepath.Join(dir, fmt.Sprintf("highlight-%s-%s.bin", engineVersion(), name)),
		entries: map[key]string{},
		used:    map[key]bool{},
	}
	if err := s.load(); err != nil {
		s.entries = map[key]string{}
	}
	return s
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
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.entries[k]
	return v, ok
}

func (s *Store) put(k key, html string) {
	if s == nil {
		return
	}
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

// Save writes the blocks used since Open back to disk, atomically, when
// anything changed.
func (s *Store) Save() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty && len(s.used) == len(s.entries) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".highlight-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 1<<20)
	w.WriteString(magic)
	var n [binary.MaxVarintLen64]byte
	for k := range s.used {
		v, ok := s.entries[k]
		if !ok {
			continue
		}
		w.Write(k[:])
		w.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
		w.WriteString(v)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), s.path)
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
