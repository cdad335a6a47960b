// Package offline implements the service worker that keeps a built site
// readable without a network: on the first visit it stores every file of
// the site in the browser, and answers from there when the network, the
// VPN or the host is down. The worker is versioned by the files it lists,
// so every build that changes the site replaces it.
package offline

import (
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"slices"
	"strings"
	"sync"
)

// WorkerName is the site path of the service worker. It sits at the
// site's root so that its scope is the whole site.
const WorkerName = "sw.js"

//go:embed worker.js
var worker string

// Recorder notes the files of a site as they are written, in any order and
// from any goroutine, to list them in the worker.
type Recorder struct {
	mu    sync.Mutex
	files map[string]fingerprint
}

// fingerprint tells a file's versions apart. It only has to change when
// the file does, not resist forgery (a collision delays a reader's update
// to the next build that changes the site), so it is two hardware CRCs and
// the length: a tenth of the cost of SHA-256 on every byte of the site.
type fingerprint [16]byte

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func fingerprintOf(data []byte) fingerprint {
	var f fingerprint
	binary.LittleEndian.PutUint64(f[:], uint64(len(data)))
	binary.LittleEndian.PutUint32(f[8:], crc32.Checksum(data, castagnoli))
	binary.LittleEndian.PutUint32(f[12:], crc32.ChecksumIEEE(data))
	return f
}

// Add notes a file of the site.
func (r *Recorder) Add(name string, data []byte) {
	var sum fingerprint
	if cacheable(name) {
		sum = fingerprintOf(data)
	}
	r.mu.Lock()
	if r.files == nil {
		r.files = map[string]fingerprint{}
	}
	r.files[name] = sum
	r.mu.Unlock()
}

// Worker returns the service worker for the files noted so far. Its
// version is a hash of their names and fingerprints.
func (r *Recorder) Worker() ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	names := make([]string, 0, len(r.files))
	h := sha256.New()
	for name := range r.files {
		if cacheable(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		sum := r.files[name]
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(sum[:])
	}
	list, err := json.Marshal(names)
	if err != nil {
		return nil, fmt.Errorf("service worker: %w", err)
	}
	version := hex.EncodeToString(h.Sum(nil))[:16]
	// encoding/json escapes <, > and &, and names hold no "{{".
	out := strings.Replace(worker, "{{VERSION}}", version, 1)
	out = strings.Replace(out, "{{FILES}}", string(list), 1)
	return []byte(out), nil
}

// cacheable reports whether a file is one a reader's browser may need:
// not the hosting files that only the web server reads.
func cacheable(name string) bool {
	switch name {
	case "_redirects", "_headers", "robots.txt", "sitemap.xml", WorkerName:
		return false
	}
	return !strings.HasPrefix(name, ".")
}
