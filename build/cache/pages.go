package cache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"os"
	"sync"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/internal/atomicfile"
)

// PageKey returns the key of a page at path, built at url, with source
// data, for a site whose links are written for baseURL.
func PageKey(baseURL, path, url string, data []byte) Key {
	return KeyOf([]byte(baseURL), []byte(path), []byte(url), data)
}

// Entry is a parsed page and what its parse depended on beyond its source.
type Entry struct {
	Page     page.Page
	Problems []diag.Problem
	// Dirs records each path the parse asked "is this a folder?" about,
	// with the answer: the entry holds only while every answer does.
	Dirs map[string]bool
}

// Pages is the page cache of one site: parsed pages kept between builds,
// so a page whose source has not changed is not parsed, and its code not
// highlighted, again. Save keeps only the pages the build used, so the
// file is bounded by the size of the site. It is safe for concurrent use.
type Pages struct {
	path  string
	ready chan struct{} // closed when the file has been read

	mu      sync.Mutex
	old     map[Key]*Entry // entries read from the file
	keep    map[Key]*Entry // entries got or put this build: what Save writes
	changed bool
}

// record is one entry as it is stored.
type record struct {
	Key   Key
	Entry *Entry
}

const magic = "RBPC3\n"

// chunks is how many gob streams the file is split into, so they can be
// decoded in parallel; each stream describes its types once.
const chunks = 16

// OpenPages starts reading the page cache of site (see SiteName) in dir;
// Get waits for it. A missing or corrupt file, or a binary without an
// identity, gives an empty cache.
func OpenPages(dir, site string) *Pages {
	c := &Pages{ready: make(chan struct{}), old: map[Key]*Entry{}, keep: map[Key]*Entry{}}
	path, err := File(dir, "pages", "", site)
	if err != nil {
		close(c.ready)
		return c
	}
	c.path = path
	go func() {
		defer close(c.ready)
		if err := c.load(); err != nil {
			c.old = map[Key]*Entry{}
		}
	}()
	return c
}

func (c *Pages) load() error {
	data, err := os.ReadFile(c.path)
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(data, []byte(magic)) {
		return errors.New("not a page cache")
	}
	data = data[len(magic):]
	// Each stream is its length, its SHA-256 and its bytes.
	var streams [][]byte
	for len(data) > 0 {
		n, w := binary.Uvarint(data)
		if w <= 0 || n > uint64(len(data)-w-sha256.Size) {
			return errors.New("corrupt page cache")
		}
		data = data[w:]
		streams, data = append(streams, data[:sha256.Size+int(n)]), data[sha256.Size+int(n):]
	}
	decoded := make([][]record, len(streams))
	errs := make([]error, len(streams))
	var wg sync.WaitGroup
	for i, s := range streams {
		wg.Go(func() {
			if sum := sha256.Sum256(s[sha256.Size:]); !bytes.Equal(sum[:], s[:sha256.Size]) {
				errs[i] = errors.New("corrupt page cache")
				return
			}
			errs[i] = gob.NewDecoder(bytes.NewReader(s[sha256.Size:])).Decode(&decoded[i])
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, rs := range decoded {
		for _, r := range rs {
			c.old[r.Key] = r.Entry
		}
	}
	return nil
}

// Get returns the entry for k, if the cache holds one. The entry is the
// caller's to change.
func (c *Pages) Get(k Key) (*Entry, bool) {
	if c == nil {
		return nil, false
	}
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.old[k]
	if ok {
		c.keep[k] = e
		delete(c.old, k) // handed out once, so the caller may change it
	}
	return e, ok
}

// Put stores the entry for k; e must not change afterwards.
func (c *Pages) Put(k Key, e *Entry) {
	if c == nil || c.path == "" {
		return
	}
	c.mu.Lock()
	c.keep[k] = e
	c.changed = true
	c.mu.Unlock()
}

// Save writes the entries got or put since Open, atomically, when they
// differ from what the file holds.
func (c *Pages) Save() error {
	if c == nil || c.path == "" {
		return nil
	}
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.changed && len(c.old) == 0 {
		return nil
	}
	recs := make([][]record, chunks)
	i := 0
	for k, e := range c.keep {
		recs[i%chunks] = append(recs[i%chunks], record{k, e})
		i++
	}
	streams := make([]bytes.Buffer, chunks)
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	for i := range recs {
		wg.Go(func() { errs[i] = gob.NewEncoder(&streams[i]).Encode(recs[i]) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	err := atomicfile.Write(c.path, func(w *bufio.Writer) error {
		w.WriteString(magic)
		var n [binary.MaxVarintLen64]byte
		for _, s := range streams {
			sum := sha256.Sum256(s.Bytes())
			w.Write(n[:binary.PutUvarint(n[:], uint64(s.Len()))])
			w.Write(sum[:])
			w.Write(s.Bytes())
		}
		return nil
	})
	if err != nil {
		return err
	}
	removeOthers(c.path)
	return nil
}
