package cache

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/arcaapi/runbooks/internal/atomicfile"
)

// Blocks is a persistent cache of highlighted code blocks, kept in one
// file per site, keyed by whatever the highlighter's key names (language
// and code). The file's name carries the build identity and the
// highlighter's settings (its formatter options and the version of its
// lexer loop), so a change to either starts afresh. The file is read on
// the first lookup, so a build that needs no block (every page came from
// the page cache) never reads it. Save keeps the blocks the build used
// and, after them, the others up to MaxBlocksBytes, so the file stays
// bounded. It is safe for concurrent use.
type Blocks struct {
	path string
	once sync.Once // loads the file

	mu      sync.Mutex
	entries map[Key]string
	used    map[Key]bool
	dirty   bool
}

// MaxBlocksBytes bounds the highlighted HTML a Blocks file keeps.
const MaxBlocksBytes = 128 << 20

// maxBlockBytes bounds one entry read back from a file.
const maxBlockBytes = 16 << 20

// OpenBlocks returns the block store of site (see SiteName) in dir for a
// highlighter with the given settings. A missing or corrupt file gives an
// empty store; a binary without an identity gives nil, which stores
// nothing.
func OpenBlocks(dir, settings, site string) *Blocks {
	path, err := File(dir, "highlight", settings, site)
	if err != nil {
		return nil
	}
	return &Blocks{path: path, entries: map[Key]string{}, used: map[Key]bool{}}
}

// ensureLoaded reads the file the first time the store is needed.
func (s *Blocks) ensureLoaded() {
	s.once.Do(func() {
		if err := s.load(); err != nil {
			s.entries = map[Key]string{}
		}
	})
}

const blocksMagic = "RBHL2\n"

func (s *Blocks) load() error {
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	head := make([]byte, len(blocksMagic))
	if _, err := io.ReadFull(r, head); err != nil || string(head) != blocksMagic {
		return errors.New("not a highlight cache")
	}
	for {
		var k Key
		if _, err := io.ReadFull(r, k[:]); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		n, err := binary.ReadUvarint(r)
		if err != nil || n > maxBlockBytes {
			return errors.New("corrupt highlight cache")
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(r, buf); err != nil {
			return err
		}
		s.entries[k] = string(buf)
	}
}

// Get returns the HTML stored for k.
func (s *Blocks) Get(k Key) (string, bool) {
	if s == nil {
		return "", false
	}
	s.ensureLoaded()
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.entries[k]
	return v, ok
}

// Put stores the HTML for k and marks it used.
func (s *Blocks) Put(k Key, html string) {
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

// Use marks k used by this build, so Save keeps it first.
func (s *Blocks) Use(k Key) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.used[k] = true
	s.mu.Unlock()
}

// Save writes the store back to disk, atomically, when a block was added:
// the blocks used since Open first, then the others it holds, while the
// total stays under MaxBlocksBytes.
func (s *Blocks) Save() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.dirty { // nothing new; a store never read is never dirty
		return nil
	}
	err := atomicfile.Write(s.path, func(w *bufio.Writer) error {
		w.WriteString(blocksMagic)
		var n [binary.MaxVarintLen64]byte
		size := 0
		write := func(k Key, v string) {
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
			if !s.used[k] && size+len(v) <= MaxBlocksBytes {
				write(k, v)
			}
		}
		return nil
	})
	if err == nil {
		removeOthers(s.path)
	}
	return err
}
