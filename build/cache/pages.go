package cache

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
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
// with their rendered bodies, so a page whose source has not changed is
// neither parsed nor rendered again. Save keeps only the pages the build
// used, so the file is bounded by the size of the site.
//
// Memory holds only an index, as in Blocks: the entries of the last build
// are read back from its file, and decoded, when they are asked for; the
// entries a build puts are encoded at once and appended to the next file,
// a temporary file beside the last one, which Save completes with the
// entries the build got from the last file and renames over it. A build
// that is killed, or ends without Save, leaves the last file as it was.
// It is safe for concurrent use.
type Pages struct {
	path  string
	ready chan struct{} // closed when the last file's index has been read

	mu      sync.Mutex
	index   map[Key]pageAt
	old     *pagesFile // the last build's file, or nil
	next    *pagesWriter
	err     error // from writing next: Save keeps the last file
	dropped bool  // an entry of the last file was not got, or could not be read
	done    bool  // saved or closed
}

// pageAt is where a page's entry, encoded, and its body are, and what
// this build did with them.
type pageAt struct {
	entry, body span
	h1          uint32 // bytes of the body's H1
	prime       uint32 // the gob types the entry is encoded with (pagesFile.primes)
	hasBody     bool
	next        bool // in the next file, not the last one
	kept        bool // got or put by this build: Save keeps it
}

// span is a run of bytes in a file and their CRC-32C.
type span struct {
	off int64
	n   uint32
	sum uint32
}

// The file: the magic; the data (gob type descriptions, entries, bodies,
// one after the other); the table of the type descriptions (count, then
// where each is); the index (pageEntry bytes a page); and the footer:
// where the table and the index start, how many pages, the CRC-32C of
// table and index, and the magic again.
//
// Each entry is one gob value encoded after its type descriptions had
// been sent, so that it holds only the value: a decoder that has read
// the descriptions first decodes it. Encoding the descriptions with every
// entry would make it five times as large and a hundred times as slow to
// decode.
const (
	pagesMagic      = "RBPC4\n"
	pageEntry       = len(Key{}) + 4 + 2*(8+4+4) + 4 + 1 // key, prime, entry, body, h1, has body
	pagesFooterLen  = 8 + 8 + 8 + 4 + len(pagesMagic)
	maxPrimes       = 1 << 10
	maxEntryBytes   = 64 << 20
	maxPrimeBytes   = 1 << 20
	primeTableEntry = 8 + 4 + 4
)

var errCorruptPages = errors.New("corrupt page cache")

// OpenPages starts reading the index of the page cache of site (see
// SiteName) in dir, for bodies highlighted with the given settings; Get
// waits for it. A missing or corrupt file, or a binary without an
// identity, gives an empty cache. Save it, or Close it, when done.
func OpenPages(dir, settings, site string) *Pages {
	c := &Pages{ready: make(chan struct{}), index: map[Key]pageAt{}}
	path, err := File(dir, "pages", settings, site)
	if err != nil {
		close(c.ready)
		return c
	}
	c.path = path
	go func() {
		defer close(c.ready)
		f, index, err := openPagesFile(path)
		if err != nil {
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.done {
			f.f.Close()
			return
		}
		c.old, c.index = f, index
	}()
	return c
}

// pagesFile is the last build's file, open for reading.
type pagesFile struct {
	f      *os.File
	primes []prime
}

// prime is one set of gob type descriptions, and decoders that have read
// it.
type prime struct {
	data     []byte
	decoders sync.Pool // of *decoder
}

func openPagesFile(path string) (*pagesFile, map[Key]pageAt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	pf, index, err := readPagesIndex(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return pf, index, nil
}

func readPagesIndex(f *os.File) (*pagesFile, map[Key]pageAt, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size < int64(len(pagesMagic)+pagesFooterLen) {
		return nil, nil, errCorruptPages
	}
	head := make([]byte, len(pagesMagic))
	foot := make([]byte, pagesFooterLen)
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, nil, err
	}
	if _, err := f.ReadAt(foot, size-int64(pagesFooterLen)); err != nil {
		return nil, nil, err
	}
	if string(head) != pagesMagic || string(foot[28:]) != pagesMagic {
		return nil, nil, errCorruptPages
	}
	table := binary.LittleEndian.Uint64(foot[0:])
	start := binary.LittleEndian.Uint64(foot[8:])
	count := binary.LittleEndian.Uint64(foot[16:])
	end := uint64(size - int64(pagesFooterLen))
	if table < uint64(len(pagesMagic)) || table > start || start > end || (end-start)%uint64(pageEntry) != 0 || count != (end-start)/uint64(pageEntry) {
		return nil, nil, errCorruptPages
	}
	raw := make([]byte, end-table)
	if _, err := f.ReadAt(raw, int64(table)); err != nil {
		return nil, nil, err
	}
	if crc32.Checksum(raw, castagnoli) != binary.LittleEndian.Uint32(foot[24:]) {
		return nil, nil, errCorruptPages
	}
	tab, entries := raw[:start-table], raw[start-table:]
	if len(tab) < 4 {
		return nil, nil, errCorruptPages
	}
	n := binary.LittleEndian.Uint32(tab)
	tab = tab[4:]
	if n > maxPrimes || uint64(len(tab)) != uint64(n)*primeTableEntry {
		return nil, nil, errCorruptPages
	}
	valid := func(s span, max uint32) bool {
		return s == span{} || s.off >= int64(len(pagesMagic)) && s.n <= max && uint64(s.off)+uint64(s.n) <= table
	}
	pf := &pagesFile{f: f, primes: make([]prime, n)}
	for i := range pf.primes {
		s := readSpan(tab[i*primeTableEntry:])
		if !valid(s, maxPrimeBytes) {
			return nil, nil, errCorruptPages
		}
		data := make([]byte, s.n)
		if _, err := f.ReadAt(data, s.off); err != nil || crc32.Checksum(data, castagnoli) != s.sum {
			return nil, nil, errCorruptPages
		}
		pf.primes[i].data = data
	}
	index := make(map[Key]pageAt, count)
	for e := entries; len(e) > 0; e = e[pageEntry:] {
		var k Key
		copy(k[:], e)
		at := pageAt{
			prime:   binary.LittleEndian.Uint32(e[32:]),
			entry:   readSpan(e[36:]),
			body:    readSpan(e[52:]),
			h1:      binary.LittleEndian.Uint32(e[68:]),
			hasBody: e[72] == 1,
		}
		if at.prime >= n || !valid(at.entry, maxEntryBytes) || !valid(at.body, maxEntryBytes) || at.h1 > at.body.n {
			return nil, nil, errCorruptPages
		}
		index[k] = at
	}
	return pf, index, nil
}

func readSpan(b []byte) span {
	return span{off: int64(binary.LittleEndian.Uint64(b)), n: binary.LittleEndian.Uint32(b[8:]), sum: binary.LittleEndian.Uint32(b[12:])}
}

func appendSpan(b []byte, s span) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(s.off))
	b = binary.LittleEndian.AppendUint32(b, s.n)
	return binary.LittleEndian.AppendUint32(b, s.sum)
}

// Get returns the entry for k, if the last build's file holds one that
// reads back intact; Save then keeps it. The entry is the caller's.
func (c *Pages) Get(k Key) (*Entry, bool) {
	if c == nil {
		return nil, false
	}
	<-c.ready
	c.mu.Lock()
	at, ok := c.index[k]
	if !ok || at.next || c.done {
		c.mu.Unlock()
		return nil, false
	}
	old := c.old
	c.mu.Unlock()
	e, err := old.entry(at)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if c.index[k] == at {
			delete(c.index, k)
			c.dropped = true
		}
		return nil, false
	}
	if now, ok := c.index[k]; ok && now == at {
		at.kept = true
		c.index[k] = at
	}
	return e, true
}

// entry reads and decodes the entry at.
func (pf *pagesFile) entry(at pageAt) (*Entry, error) {
	buf := make([]byte, at.entry.n)
	if _, err := pf.f.ReadAt(buf, at.entry.off); err != nil {
		return nil, err
	}
	if crc32.Checksum(buf, castagnoli) != at.entry.sum {
		return nil, errCorruptPages
	}
	p := &pf.primes[at.prime]
	d, _ := p.decoders.Get().(*decoder)
	if d == nil {
		var err error
		if d, err = newDecoder(p.data); err != nil {
			return nil, err
		}
	}
	e, err := d.decode(buf)
	if err != nil {
		return nil, err // and the decoder, in an unknown state, goes
	}
	p.decoders.Put(d)
	return e, nil
}

// Put stores the entry for k, and the body rendered with it when body is
// not nil. Neither may change afterwards.
func (c *Pages) Put(k Key, e *Entry, body *page.Body) {
	if c == nil || c.path == "" {
		return
	}
	enc := encoders.Get().(*encoder)
	data, err := enc.encode(e)
	if err != nil {
		return // not for the cache
	}
	defer encoders.Put(enc)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done || c.err != nil {
		return
	}
	if c.next == nil {
		if c.next, c.err = newPagesWriter(c.path); c.err != nil {
			return
		}
	}
	pr, err := c.next.prime(processPrime())
	if err != nil {
		c.err = err
		return
	}
	at := pageAt{prime: pr, next: true, kept: true}
	if at.entry, c.err = c.next.write(data); c.err != nil {
		return
	}
	if body != nil {
		at.hasBody, at.h1 = true, uint32(len(body.H1))
		if at.body, c.err = c.next.write(body.H1, body.Rest); c.err != nil {
			return
		}
	}
	c.index[k] = at
}

// Body returns the body stored with the entry for k, got or put by this
// build. With buf, the body is read into *buf, grown as it needs: the
// caller can pass the same buf for every page, and the body is its own
// until it does. It reports false when there is none, or it does not
// read back intact: the page is then rendered from its source.
func (c *Pages) Body(k Key, buf *[]byte) (page.Body, bool) {
	if c == nil {
		return page.Body{}, false
	}
	<-c.ready
	c.mu.Lock()
	at, ok := c.index[k]
	if !ok || !at.hasBody || !at.kept || c.done {
		c.mu.Unlock()
		return page.Body{}, false
	}
	var f *os.File
	if at.next {
		f = c.next.f
		if c.next.readable(at.body.off+int64(at.body.n)) != nil {
			c.mu.Unlock()
			return page.Body{}, false
		}
	} else {
		f = c.old.f
	}
	c.mu.Unlock()
	data := into(buf, int(at.body.n))
	if _, err := f.ReadAt(data, at.body.off); err != nil || crc32.Checksum(data, castagnoli) != at.body.sum {
		return page.Body{}, false
	}
	return page.Body{H1: data[:at.h1:at.h1], Rest: data[at.h1:]}, true
}

// ForgetBodies makes Save keep none of the bodies put by this build, as
// when some of their code ran out of highlighting time and shows as
// plain text: the next build renders those pages again.
func (c *Pages) ForgetBodies() {
	if c == nil {
		return
	}
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, at := range c.index {
		if at.next && at.hasBody {
			at.hasBody, at.body, at.h1 = false, span{}, 0
			c.index[k] = at
		}
	}
}

// Save makes the cache's file hold the entries got or put since Open,
// when they differ from what it holds, and closes the cache. The file is
// replaced in one rename: on any failure the last file is left as it was.
func (c *Pages) Save() error {
	if c == nil || c.path == "" {
		return nil
	}
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return nil
	}
	defer c.close()
	if c.err != nil {
		return c.err
	}
	for _, at := range c.index {
		if !at.kept {
			c.dropped = true
			break
		}
	}
	if c.next == nil && !c.dropped {
		return nil // the file holds exactly what this build used
	}
	if c.next == nil {
		if c.next, c.err = newPagesWriter(c.path); c.err != nil {
			return c.err
		}
	}
	if err := c.copyOld(); err != nil {
		return err
	}
	if err := c.next.finish(c.index); err != nil {
		return err
	}
	if c.old != nil {
		c.old.f.Close() // before the rename, for systems that refuse to replace an open file
		c.old = nil
	}
	if err := os.Rename(c.next.f.Name(), c.path); err != nil {
		return err
	}
	c.next = nil
	removeOthers(c.path)
	return nil
}

// Close discards what was stored since Open, unless Save has run, and
// leaves the last file as it was.
func (c *Pages) Close() {
	if c == nil || c.path == "" {
		return
	}
	<-c.ready
	c.mu.Lock()
	defer c.mu.Unlock()
	c.close()
}

// close releases the files and removes the next one if it was not
// renamed. c.mu is held.
func (c *Pages) close() {
	c.done = true
	if c.old != nil {
		c.old.f.Close()
		c.old = nil
	}
	if c.next != nil {
		c.next.remove()
		c.next = nil
	}
	c.index = map[Key]pageAt{}
}

// copyOld copies into the next file the entries, and bodies, of the last
// one that this build got, in the order of the last file, and drops the
// others. c.mu is held.
func (c *Pages) copyOld() error {
	type old struct {
		k  Key
		at pageAt
	}
	var kept []old
	for k, at := range c.index {
		switch {
		case at.next:
		case at.kept:
			kept = append(kept, old{k, at})
		default:
			delete(c.index, k)
		}
	}
	slices.SortFunc(kept, func(a, b old) int { return cmp.Compare(a.at.entry.off, b.at.entry.off) })
	primes := map[uint32]uint32{} // in the last file → in the next
	var buf []byte
	read := func(s span) ([]byte, bool) {
		buf = slices.Grow(buf[:0], int(s.n))[:s.n]
		_, err := c.old.f.ReadAt(buf, s.off)
		return buf, err == nil && crc32.Checksum(buf, castagnoli) == s.sum
	}
	for _, o := range kept {
		delete(c.index, o.k)
		pr, ok := primes[o.at.prime]
		if !ok {
			var err error
			if pr, err = c.next.prime(c.old.primes[o.at.prime].data); err != nil {
				return err
			}
			primes[o.at.prime] = pr
		}
		at := pageAt{prime: pr, next: true, kept: true}
		data, ok := read(o.at.entry)
		if !ok {
			continue
		}
		var err error
		if at.entry, err = c.next.write(data); err != nil {
			return err
		}
		if o.at.hasBody {
			if data, ok := read(o.at.body); ok {
				if at.body, err = c.next.write(data); err != nil {
					return err
				}
				at.hasBody, at.h1 = true, o.at.h1
			}
		}
		c.index[o.k] = at
	}
	return nil
}

// pagesWriter is the next file of a page cache while it is written.
type pagesWriter struct {
	*nextFile
	primes []span // the type descriptions written
}

func newPagesWriter(path string) (*pagesWriter, error) {
	n, err := newNextFile(path, pagesMagic)
	if err != nil {
		return nil, err
	}
	return &pagesWriter{nextFile: n}, nil
}

// prime returns the number of the type descriptions data in the file,
// writing them there first if they are not yet.
func (pw *pagesWriter) prime(data []byte) (uint32, error) {
	sum := crc32.Checksum(data, castagnoli)
	for i, s := range pw.primes {
		if s.sum == sum && s.n == uint32(len(data)) {
			return uint32(i), nil
		}
	}
	if len(pw.primes) >= maxPrimes {
		return 0, errors.New("page cache: too many gob type descriptions")
	}
	s, err := pw.write(data)
	if err != nil {
		return 0, err
	}
	pw.primes = append(pw.primes, s)
	return uint32(len(pw.primes) - 1), nil
}

// finish appends the table of type descriptions, the index of the pages
// index places in the file, and the footer, and closes the file.
func (pw *pagesWriter) finish(index map[Key]pageAt) error {
	table := pw.end
	meta := binary.LittleEndian.AppendUint32(nil, uint32(len(pw.primes)))
	for _, s := range pw.primes {
		meta = appendSpan(meta, s)
	}
	start := table + int64(len(meta))
	count := 0
	for k, at := range index {
		if !at.next {
			continue
		}
		meta = append(meta, k[:]...)
		meta = binary.LittleEndian.AppendUint32(meta, at.prime)
		meta = appendSpan(meta, at.entry)
		meta = appendSpan(meta, at.body)
		meta = binary.LittleEndian.AppendUint32(meta, at.h1)
		has := byte(0)
		if at.hasBody {
			has = 1
		}
		meta = append(meta, has)
		count++
	}
	foot := binary.LittleEndian.AppendUint64(nil, uint64(table))
	foot = binary.LittleEndian.AppendUint64(foot, uint64(start))
	foot = binary.LittleEndian.AppendUint64(foot, uint64(count))
	foot = binary.LittleEndian.AppendUint32(foot, crc32.Checksum(meta, castagnoli))
	foot = append(foot, pagesMagic...)
	return pw.nextFile.finish(meta, foot)
}

// encoder encodes entries as values only: its gob type descriptions were
// sent, and dropped, when it was made.
type encoder struct {
	buf bytes.Buffer
	enc *gob.Encoder
}

var encoders = sync.Pool{New: func() any {
	e := &encoder{}
	e.enc = gob.NewEncoder(&e.buf)
	e.enc.Encode(&Entry{})
	return e
}}

// processPrime returns the gob type descriptions of an Entry, and a zero
// Entry, as this process encodes them: what a decoder reads before the
// entries this process encodes.
var processPrime = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	gob.NewEncoder(&b).Encode(&Entry{})
	return b.Bytes()
})

// encode returns e's encoding, valid until the next call.
func (enc *encoder) encode(e *Entry) ([]byte, error) {
	enc.buf.Reset()
	if err := enc.enc.Encode(e); err != nil {
		return nil, err
	}
	return enc.buf.Bytes(), nil
}

// decoder decodes entries encoded by an encoder, once it has read the
// same type descriptions.
type decoder struct {
	in  feed
	dec *gob.Decoder
}

func newDecoder(prime []byte) (*decoder, error) {
	d := &decoder{}
	d.dec = gob.NewDecoder(&d.in)
	if _, err := d.decode(prime); err != nil {
		return nil, err
	}
	return d, nil
}

// decode decodes the entry that data holds, and nothing else.
func (d *decoder) decode(data []byte) (*Entry, error) {
	d.in.b = data
	e := new(Entry)
	if err := d.dec.Decode(e); err != nil {
		return nil, err
	}
	if len(d.in.b) != 0 {
		return nil, errCorruptPages
	}
	return e, nil
}

// feed is the input of a decoder, one entry at a time. It is an
// io.ByteReader, so the decoder reads no further than the entry.
type feed struct{ b []byte }

func (f *feed) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

func (f *feed) ReadByte() (byte, error) {
	if len(f.b) == 0 {
		return 0, io.EOF
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c, nil
}

// into returns n bytes of *buf's storage, grown as needed and kept in
// *buf, or new ones when buf is nil.
func into(buf *[]byte, n int) []byte {
	if buf == nil {
		return make([]byte, n)
	}
	*buf = slices.Grow((*buf)[:0], n)[:n]
	return *buf
}
