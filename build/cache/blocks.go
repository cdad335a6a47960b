package cache

import (
	"cmp"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"slices"
	"sync"
)

// Blocks is a persistent cache of highlighted code blocks, kept in one
// file per site, keyed by whatever the highlighter's key names (language
// and code). The file's name carries the build identity and the
// highlighter's settings (its formatter options and the version of its
// lexer loop), so a change to either starts afresh.
//
// Memory holds only an index: where each block's HTML is in a file. The
// blocks of the last build are read back from its file when asked for;
// the blocks added by this build are appended to the next file as they
// come, a temporary file beside the last one. Save copies into it the old
// blocks the build used and, after them, the others up to MaxBlocksBytes,
// so the file stays bounded, and renames it over the last one. Until
// then the last file is left as it was, so a build that is killed, or
// ends without Save, leaves the store of the build before. The index of
// the last file is read on the first lookup, so a build that needs no
// block (every page came from the page cache) never reads it. It is safe
// for concurrent use.
type Blocks struct {
	path  string
	limit int64     // MaxBlocksBytes; smaller in tests
	once  sync.Once // reads the last file's index

	mu    sync.Mutex
	index map[Key]blockAt
	old   *os.File // the last build's file, or nil
	next  *blockFile
	err   error // from writing next: Save keeps the last file
	done  bool  // saved or closed: nothing more is stored
}

// blockAt is where a block's HTML is, and what this build did with it.
type blockAt struct {
	off  int64
	n    uint32
	sum  uint32 // CRC-32C of the HTML, checked when it is read back
	next bool   // in the next file, not the last one
	used bool   // by this build
}

// MaxBlocksBytes bounds the highlighted HTML a Blocks file keeps of blocks
// the build that saves it did not use.
const MaxBlocksBytes = 128 << 20

// maxBlockBytes bounds one entry read back from a file.
const maxBlockBytes = 16 << 20

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// OpenBlocks returns the block store of site (see SiteName) in dir for a
// highlighter with the given settings. A missing or corrupt file gives an
// empty store; a binary without an identity gives nil, which stores
// nothing. Save it, or Close it, when done.
func OpenBlocks(dir, settings, site string) *Blocks {
	path, err := File(dir, "highlight", settings, site)
	if err != nil {
		return nil
	}
	return &Blocks{path: path, limit: MaxBlocksBytes, index: map[Key]blockAt{}}
}

// The file: the magic, the blocks' HTML one after the other, the index
// (indexEntry for each block), and the footer: where the index starts, how
// many entries it holds, its CRC-32C, and the magic again.
const (
	blocksMagic = "RBHL3\n"
	indexEntry  = len(Key{}) + 8 + 4 + 4 // key, offset, length, CRC-32C
	footerLen   = 8 + 8 + 4 + len(blocksMagic)
)

// ensureLoaded reads the last file's index the first time the store is
// needed.
func (s *Blocks) ensureLoaded() {
	s.once.Do(func() {
		f, index, err := readBlocksIndex(s.path)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err != nil || s.done {
			if f != nil {
				f.Close()
			}
			return
		}
		s.old = f
		for k, at := range index {
			if _, ok := s.index[k]; !ok {
				s.index[k] = at
			}
		}
	})
}

// readBlocksIndex opens the file at path and reads its index.
func readBlocksIndex(path string) (*os.File, map[Key]blockAt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	index, err := readIndex(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, index, nil
}

var errCorruptBlocks = errors.New("corrupt highlight cache")

func readIndex(f *os.File) (map[Key]blockAt, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size < int64(len(blocksMagic)+footerLen) {
		return nil, errCorruptBlocks
	}
	head := make([]byte, len(blocksMagic))
	foot := make([]byte, footerLen)
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, err
	}
	if _, err := f.ReadAt(foot, size-int64(footerLen)); err != nil {
		return nil, err
	}
	if string(head) != blocksMagic || string(foot[20:]) != blocksMagic {
		return nil, errCorruptBlocks
	}
	start := binary.LittleEndian.Uint64(foot[0:])
	count := binary.LittleEndian.Uint64(foot[8:])
	end := uint64(size - int64(footerLen))
	if start < uint64(len(blocksMagic)) || start > end || count != (end-start)/uint64(indexEntry) || (end-start)%uint64(indexEntry) != 0 {
		return nil, errCorruptBlocks
	}
	raw := make([]byte, end-start)
	if _, err := f.ReadAt(raw, int64(start)); err != nil {
		return nil, err
	}
	if crc32.Checksum(raw, castagnoli) != binary.LittleEndian.Uint32(foot[16:]) {
		return nil, errCorruptBlocks
	}
	index := make(map[Key]blockAt, count)
	for e := raw; len(e) > 0; e = e[indexEntry:] {
		var k Key
		copy(k[:], e)
		at := blockAt{
			off: int64(binary.LittleEndian.Uint64(e[32:])),
			n:   binary.LittleEndian.Uint32(e[40:]),
			sum: binary.LittleEndian.Uint32(e[44:]),
		}
		if at.off < int64(len(blocksMagic)) || at.n > maxBlockBytes || uint64(at.off)+uint64(at.n) > start {
			return nil, errCorruptBlocks
		}
		index[k] = at
	}
	return index, nil
}

// Get returns the HTML stored for k. A block that cannot be read back
// intact is forgotten, so that the highlighter stores it again.
func (s *Blocks) Get(k Key) (string, bool) {
	if s == nil {
		return "", false
	}
	s.ensureLoaded()
	s.mu.Lock()
	at, ok := s.index[k]
	if !ok || s.done {
		s.mu.Unlock()
		return "", false
	}
	f := s.old
	if at.next {
		f = s.next.f
		if s.next.readable(at.off+int64(at.n)) != nil {
			s.mu.Unlock()
			return "", false
		}
	}
	s.mu.Unlock()
	buf := make([]byte, at.n)
	if _, err := f.ReadAt(buf, at.off); err != nil || crc32.Checksum(buf, castagnoli) != at.sum {
		s.mu.Lock()
		if s.index[k] == at {
			delete(s.index, k)
		}
		s.mu.Unlock()
		return "", false
	}
	return string(buf), true
}

// Put stores the HTML for k and marks it used.
func (s *Blocks) Put(k Key, html string) {
	if s == nil {
		return
	}
	s.ensureLoaded()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done || s.err != nil {
		return
	}
	if len(html) > maxBlockBytes {
		return
	}
	if s.next == nil {
		if s.next, s.err = newBlockFile(s.path); s.err != nil {
			return
		}
	}
	at, err := s.next.write([]byte(html))
	if err != nil {
		s.err = err
		return
	}
	at.used = true
	s.index[k] = at
}

// Use marks k used by this build, so Save keeps it first.
func (s *Blocks) Use(k Key) {
	if s == nil {
		return
	}
	s.mu.Lock()
	if at, ok := s.index[k]; ok && !at.used {
		at.used = true
		s.index[k] = at
	}
	s.mu.Unlock()
}

// Save makes the store's file hold, when a block was added, the blocks
// used since Open first, then the others of the last file while the total
// stays under MaxBlocksBytes, and closes the store. The file is replaced
// in one rename: on any failure the last file is left as it was.
func (s *Blocks) Save() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done {
		return nil
	}
	defer s.close()
	if s.err != nil {
		return s.err
	}
	if s.next == nil { // nothing new; a store never read is never changed
		return nil
	}
	if err := s.copyOld(); err != nil {
		return err
	}
	if err := s.next.finish(s.index); err != nil {
		return err
	}
	if s.old != nil {
		s.old.Close() // before the rename, for systems that refuse to replace an open file
		s.old = nil
	}
	if err := os.Rename(s.next.f.Name(), s.path); err != nil {
		return err
	}
	s.next = nil
	removeOthers(s.path)
	return nil
}

// Close discards what was stored since Open, unless Save has run, and
// leaves the last file as it was.
func (s *Blocks) Close() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.close()
}

// close releases the files and removes the next one if it was not
// renamed. s.mu is held.
func (s *Blocks) close() {
	s.done = true
	if s.old != nil {
		s.old.Close()
		s.old = nil
	}
	if s.next != nil {
		s.next.remove()
		s.next = nil
	}
	s.index = map[Key]blockAt{}
}

// copyOld copies into the next file the blocks of the last one that this
// build used, then the others while the HTML stays under MaxBlocksBytes,
// each in the order of the last file, which is then read once from start
// to end. Blocks that cannot be read back intact are dropped. s.mu is
// held.
func (s *Blocks) copyOld() error {
	if s.old == nil {
		return nil
	}
	type old struct {
		k  Key
		at blockAt
	}
	var used, unused []old
	size := s.next.end - int64(len(blocksMagic))
	for k, at := range s.index {
		switch {
		case at.next:
		case at.used:
			used = append(used, old{k, at})
		default:
			unused = append(unused, old{k, at})
		}
	}
	byOffset := func(a, b old) int { return cmp.Compare(a.at.off, b.at.off) }
	slices.SortFunc(used, byOffset)
	slices.SortFunc(unused, byOffset)
	var buf []byte
	copyOne := func(o old) error {
		delete(s.index, o.k)
		buf = slices.Grow(buf[:0], int(o.at.n))[:o.at.n]
		if _, err := s.old.ReadAt(buf, o.at.off); err != nil || crc32.Checksum(buf, castagnoli) != o.at.sum {
			return nil // dropped
		}
		at, err := s.next.write(buf)
		if err != nil {
			return err
		}
		at.used = o.at.used
		s.index[o.k] = at
		size += int64(o.at.n)
		return nil
	}
	for _, o := range used {
		if err := copyOne(o); err != nil {
			return err
		}
	}
	for _, o := range unused {
		if size+int64(o.at.n) > s.limit {
			delete(s.index, o.k)
			continue
		}
		if err := copyOne(o); err != nil {
			return err
		}
	}
	return nil
}

// blockFile is the next file of a block store while it is written.
type blockFile struct{ *nextFile }

func newBlockFile(path string) (*blockFile, error) {
	n, err := newNextFile(path, blocksMagic)
	if err != nil {
		return nil, err
	}
	return &blockFile{n}, nil
}

// write appends html and returns where it is.
func (b *blockFile) write(html []byte) (blockAt, error) {
	s, err := b.nextFile.write(html)
	if err != nil {
		return blockAt{}, err
	}
	return blockAt{off: s.off, n: s.n, sum: s.sum, next: true}, nil
}

// finish appends the index of the blocks index places in the file, and
// the footer, and closes the file.
func (b *blockFile) finish(index map[Key]blockAt) error {
	start := b.end
	crc := crc32.New(castagnoli)
	var e [indexEntry]byte
	count := 0
	for k, at := range index {
		if !at.next {
			continue
		}
		copy(e[:], k[:])
		binary.LittleEndian.PutUint64(e[32:], uint64(at.off))
		binary.LittleEndian.PutUint32(e[40:], at.n)
		binary.LittleEndian.PutUint32(e[44:], at.sum)
		b.w.Write(e[:])
		crc.Write(e[:])
		count++
	}
	var foot [footerLen]byte
	binary.LittleEndian.PutUint64(foot[0:], uint64(start))
	binary.LittleEndian.PutUint64(foot[8:], uint64(count))
	binary.LittleEndian.PutUint32(foot[16:], crc.Sum32())
	copy(foot[20:], blocksMagic)
	return b.nextFile.finish(foot[:])
}
