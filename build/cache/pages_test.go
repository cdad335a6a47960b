package cache_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
)

// full is an entry with every field set, so a field the file loses shows.
func full() *cache.Entry {
	return &cache.Entry{
		Page: page.Page{
			Path: "db/pool.md", URL: "db/pool/",
			Meta: page.Meta{Title: "Pool", Severity: "SEV2", Type: page.Incident, Owner: "team-db", LastUpdated: "2026-11-01",
				ReviewEvery: 30, Alerts: []string{"PoolExhausted"}, Vars: []page.Var{{Name: "host", Default: "db1"}}, LastUpdatedLine: 5},
			Headings: []page.Heading{{Level: 2, Text: "Diagnosis", ID: "diagnosis", Line: 9}},
			IDs:      page.IDs{"diagnosis", "pool"},
			Refs:     []page.Ref{{Kind: page.Image, Dest: "../img/a.png", Line: 10, Col: 3}},
			Sections: []page.Section{{ID: "diagnosis", Title: "Diagnosis", Text: "Check the pool."}},
			Code:     []page.CodeBlock{{Lang: "bash", Line: 12, Col: 1, Fenced: true, Closed: true, Destructive: true, InnerFences: []int{14}}},
		},
		Problems: []diag.Problem{diag.Errorf("db/pool.md", 3, 4, "rule", "message %d", 1)},
		Dirs:     map[string]bool{"db/notes": true, "img": false},
	}
}

func TestEntriesSurviveTheFile(t *testing.T) {
	dir := t.TempDir()
	k1 := cache.PageKey("", "db/pool.md", "db/pool/", []byte("source"))
	k2 := cache.PageKey("", "db/other.md", "db/other/", []byte("source"))
	c := cache.OpenPages(dir, "site")
	if _, ok := c.Get(k1); ok {
		t.Fatal("a new cache has an entry")
	}
	c.Put(k1, full())
	c.Put(k2, full())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	c = cache.OpenPages(dir, "site")
	got, ok := c.Get(k1)
	if !ok {
		t.Fatal("the entry did not survive Save and Open")
	}
	if !reflect.DeepEqual(got, full()) {
		t.Errorf("entry read back as\n%+v\nwant\n%+v", got, full())
	}
	// k2 was not used by this build: Save drops it.
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = cache.OpenPages(dir, "site")
	if _, ok := c.Get(k2); ok {
		t.Error("an entry the last build did not use was kept")
	}
	if _, ok := c.Get(k1); !ok {
		t.Error("an entry the last build used was dropped")
	}
	if _, ok := cache.OpenPages(dir, "other-site").Get(k1); ok {
		t.Error("another site's cache has the entry")
	}
}

func TestKeysTellInputsApart(t *testing.T) {
	base := cache.PageKey("", "a.md", "a/", []byte("# A\n"))
	for name, k := range map[string]cache.Key{
		"base URL": cache.PageKey("https://x.example/", "a.md", "a/", []byte("# A\n")),
		"path":     cache.PageKey("", "b.md", "a/", []byte("# A\n")),
		"URL":      cache.PageKey("", "a.md", "b/", []byte("# A\n")),
		"source":   cache.PageKey("", "a.md", "a/", []byte("# B\n")),
		"boundary": cache.PageKey("", "a.m", "da/", []byte("# A\n")),
	} {
		if k == base {
			t.Errorf("a different %s gives the same key", name)
		}
	}
}

func TestCorruptFilesAreIgnored(t *testing.T) {
	dir := t.TempDir()
	k := cache.PageKey("", "a.md", "a/", []byte("# A\n"))
	c := cache.OpenPages(dir, "site")
	c.Put(k, full())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "pages-*.bin"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	data, _ := os.ReadFile(files[0])
	for name, bad := range map[string][]byte{
		"truncated":  data[:len(data)/2],
		"empty":      nil,
		"other file": []byte("PK\x03\x04 not a cache"),
		"bit flips":  flip(data),
	} {
		if err := os.WriteFile(files[0], bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, ok := cache.OpenPages(dir, "site").Get(k); ok {
			t.Errorf("%s: a corrupt file gave an entry", name)
		}
	}
}

func flip(data []byte) []byte {
	b := append([]byte(nil), data...)
	b[len(b)-3] ^= 0x01 // in the last stream's bytes: gob may well decode it
	return b
}

func TestSaveRemovesTheSitesFilesFromOtherBuilds(t *testing.T) {
	dir := t.TempDir()
	stale := map[string]bool{ // file name: removed by Save of "site"
		"pages-00000000000000ff-site.bin":  true,
		"pages-00000000000000ff-other.bin": false,
		"highlight-site.bin":               false,
		"pages-notes.txt":                  false,
	}
	for name := range stale {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := cache.OpenPages(dir, "site")
	c.Put(cache.PageKey("", "a.md", "a/", []byte("a")), full())
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	for name, removed := range stale {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s removed: %v, want %v", name, gone, removed)
		}
	}
	if _, ok := cache.OpenPages(dir, "site").Get(cache.PageKey("", "a.md", "a/", []byte("a"))); !ok {
		t.Error("the build's own file was removed")
	}
}
