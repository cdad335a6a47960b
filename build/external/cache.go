package external

import (
	"bufio"
	"encoding/json"
	"os"
	"time"

	"github.com/arcaapi/runbooks/internal/atomicfile"
)

// cache is the results of earlier runs, kept in a JSON file:
//
//	{"version":1,"entries":{"https://example.com/x":{"status":200,"checked":"2026-06-01T10:00:00Z"}}}
type cache struct {
	Version int              `json:"version"`
	Entries map[string]entry `json:"entries"`
}

type entry struct {
	Status  int       `json:"status"`
	Checked time.Time `json:"checked"`
}

const cacheVersion = 1

// loadCache reads the cache file; a missing or unreadable one is empty.
func loadCache(name string) *cache {
	c := &cache{Version: cacheVersion, Entries: map[string]entry{}}
	if name == "" {
		return c
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return c
	}
	var f cache
	if json.Unmarshal(data, &f) != nil || f.Version != cacheVersion || f.Entries == nil {
		return c
	}
	return &f
}

// get returns the cached result for u when it is younger than ttl.
func (c *cache) get(u string, now time.Time, ttl time.Duration) (Status, bool) {
	e, ok := c.Entries[u]
	if !ok || now.Sub(e.Checked) >= ttl || e.Checked.After(now) {
		return Status{}, false
	}
	return Status{Code: e.Status, Cached: true}, true
}

func (c *cache) put(u string, status int, now time.Time) {
	c.Entries[u] = entry{Status: status, Checked: now.UTC().Truncate(time.Second)}
}

// save writes the cache without its expired entries, to a temporary file
// renamed over the old one, so a crash never leaves half a file.
func (c *cache) save(name string, now time.Time, ttl time.Duration) error {
	for u, e := range c.Entries {
		if now.Sub(e.Checked) >= ttl {
			delete(c.Entries, u)
		}
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(name, func(w *bufio.Writer) error {
		_, err := w.Write(append(data, '\n'))
		return err
	})
}
