package cache_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/metrics"
	"strings"
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
	c := cache.OpenPages(dir, "", "site")
	if _, ok := c.Get(k1); ok {
		t.Fatal("a new cache has an entry")
	}
	c.Put(k1, full(), nil)
	c.Put(k2, full(), nil)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}

	c = cache.OpenPages(dir, "", "site")
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
	c = cache.OpenPages(dir, "", "site")
	if _, ok := c.Get(k2); ok {
		t.Error("an entry the last build did not use was kept")
	}
	if _, ok := c.Get(k1); !ok {
		t.Error("an entry the last build used was dropped")
	}
	if _, ok := cache.OpenPages(dir, "", "other-site").Get(k1); ok {
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
	c := cache.OpenPages(dir, "", "site")
	c.Put(k, full(), nil)
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
		"bit flips":  flip(data, len(data)/2),
		// The file ends with the entry, the table of gob type
		// descriptions (20 bytes), the index (73) and the footer (34).
		"a bit flipped in the entry": flip(data, len(data)-34-73-20-10),
	} {
		if err := os.WriteFile(files[0], bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, ok := cache.OpenPages(dir, "", "site").Get(k); ok {
			t.Errorf("%s: a corrupt file gave an entry", name)
		}
	}
}

func flip(data []byte, i int) []byte {
	b := append([]byte(nil), data...)
	b[i] ^= 0x01 // gob may well decode it
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
	c := cache.OpenPages(dir, "", "site")
	c.Put(cache.PageKey("", "a.md", "a/", []byte("a")), full(), nil)
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	for name, removed := range stale {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s removed: %v, want %v", name, gone, removed)
		}
	}
	if _, ok := cache.OpenPages(dir, "", "site").Get(cache.PageKey("", "a.md", "a/", []byte("a"))); !ok {
		t.Error("the build's own file was removed")
	}
}

// TestBodiesSurviveTheFile: the body stored with a page is read back by
// this build, and by the next one that takes the page from the cache;
// an entry put without a body has none.
func TestBodiesSurviveTheFile(t *testing.T) {
	dir := t.TempDir()
	k1 := cache.PageKey("", "db/pool.md", "db/pool/", []byte("source"))
	k2 := cache.PageKey("", "db/other.md", "db/other/", []byte("source"))
	body := page.Body{H1: []byte("<h1 id=\"pool\">Pool</h1>\n"), Rest: []byte("<p>Check the pool.</p>\n")}
	c := cache.OpenPages(dir, "", "site")
	c.Put(k1, full(), &body)
	c.Put(k2, full(), nil)
	for build := 1; build <= 3; build++ {
		got, ok := c.Body(k1, nil)
		if !ok || !reflect.DeepEqual(got, body) {
			t.Errorf("build %d: body read back as %q, %v", build, got, ok)
		}
		if _, ok := c.Body(k2, nil); ok {
			t.Errorf("build %d: a page put without a body has one", build)
		}
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		c = cache.OpenPages(dir, "", "site")
		if _, ok := c.Body(k1, nil); ok {
			t.Errorf("build %d: a body is served before its page is got", build+1)
		}
		for _, k := range []cache.Key{k1, k2} {
			if e, ok := c.Get(k); !ok || !reflect.DeepEqual(e, full()) {
				t.Fatalf("build %d: entry read back as %+v, %v", build+1, e, ok)
			}
		}
	}
	c.Close()
}

// TestBodiesReadIntoOneBuffer: a caller that passes the same buffer for
// every page gets each body right, read into that buffer.
func TestBodiesReadIntoOneBuffer(t *testing.T) {
	c := cache.OpenPages(t.TempDir(), "", "site")
	defer c.Close()
	long := page.Body{H1: []byte("<h1>Long</h1>"), Rest: []byte(strings.Repeat("<p>long</p>", 100))}
	short := page.Body{H1: []byte("<h1>S</h1>"), Rest: []byte("<p>s</p>")}
	kl, ks := cache.PageKey("", "l.md", "l/", []byte("l")), cache.PageKey("", "s.md", "s/", []byte("s"))
	c.Put(kl, full(), &long)
	c.Put(ks, full(), &short)
	var buf []byte
	for i, k := range []cache.Key{kl, ks, kl} {
		want := map[cache.Key]page.Body{kl: long, ks: short}[k]
		got, ok := c.Body(k, &buf)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Fatalf("read %d: %q, %v; want %q", i, got, ok, want)
		}
		if &got.H1[:1][0] != &buf[0] {
			t.Errorf("read %d: the body is not in the buffer passed", i)
		}
	}
}

// TestForgottenBodiesAreNotSaved: bodies put by a build that forgets them
// are not served to the next.
func TestForgottenBodiesAreNotSaved(t *testing.T) {
	dir := t.TempDir()
	k := cache.PageKey("", "a.md", "a/", []byte("a"))
	c := cache.OpenPages(dir, "", "site")
	c.Put(k, full(), &page.Body{Rest: []byte("<p>late</p>")})
	c.ForgetBodies()
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = cache.OpenPages(dir, "", "site")
	defer c.Close()
	if _, ok := c.Get(k); !ok {
		t.Fatal("the entry was not kept")
	}
	if b, ok := c.Body(k, nil); ok {
		t.Errorf("a forgotten body was kept: %q", b.Rest)
	}
}

// TestPagesMemoryDoesNotGrow: the cache keeps no page it is given, nor
// its body, in memory: they are encoded and written as they come. After
// putting 40 MiB of pages and bodies, and saving them, the live heap has
// grown by far less; so it has after getting them all back.
func TestPagesMemoryDoesNotGrow(t *testing.T) {
	dir := t.TempDir()
	const n, size = 640, 32 << 10
	key := func(i int) cache.Key { return cache.PageKey("", fmt.Sprint(i, ".md"), fmt.Sprint(i, "/"), nil) }
	entry := func(i int) *cache.Entry {
		e := full()
		e.Page.Sections = []page.Section{{ID: "s", Title: "S", Text: strings.Repeat(fmt.Sprint(i), size/len(fmt.Sprint(i)))}}
		return e
	}
	c := cache.OpenPages(dir, "", "site")
	before := liveHeap()
	for i := range n {
		c.Put(key(i), entry(i), &page.Body{Rest: []byte(strings.Repeat("x", size))})
	}
	afterPut := liveHeap()
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c = cache.OpenPages(dir, "", "site")
	defer c.Close()
	for i := range n {
		if e, ok := c.Get(key(i)); !ok || e.Page.Sections[0].Text != entry(i).Page.Sections[0].Text {
			t.Fatalf("page %d was not kept", i)
		}
		if _, ok := c.Body(key(i), nil); !ok {
			t.Fatalf("the body of page %d was not kept", i)
		}
	}
	afterGet := liveHeap()
	for name, after := range map[string]uint64{"putting": afterPut, "getting": afterGet} {
		grew := int64(after) - int64(before)
		t.Logf("live heap grew by %d KiB %s %d KiB of pages and bodies", grew>>10, name, 2*n*size>>10)
		if grew > 2*n*size/16 {
			t.Errorf("live heap grew by %d KiB %s %d KiB of pages and bodies: the cache keeps them", grew>>10, name, 2*n*size>>10)
		}
	}
}

// liveHeap returns the bytes of live heap objects after a collection.
func liveHeap() uint64 {
	runtime.GC()
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(m)
	return m[0].Value.Uint64()
}

// TestKilledBuildKeepsThePageCache: a build that puts pages and ends
// without Save leaves the last build's file as it was.
func TestKilledBuildKeepsThePageCache(t *testing.T) {
	dir := t.TempDir()
	k1 := cache.PageKey("", "a.md", "a/", []byte("a"))
	k2 := cache.PageKey("", "b.md", "b/", []byte("b"))
	c := cache.OpenPages(dir, "", "site")
	c.Put(k1, full(), &page.Body{Rest: []byte("<p>a</p>")})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	for _, end := range []string{"killed", "closed"} {
		c = cache.OpenPages(dir, "", "site")
		c.Put(k2, full(), &page.Body{Rest: []byte("<p>b</p>")}) // and k1 not got: a saved file would drop it
		if end == "closed" {
			c.Close()
		}
		next := cache.OpenPages(dir, "", "site")
		if _, ok := next.Get(k1); !ok {
			t.Errorf("%s: the last build's page is gone", end)
		}
		if b, ok := next.Body(k1, nil); !ok || string(b.Rest) != "<p>a</p>" {
			t.Errorf("%s: the last build's body is gone", end)
		}
		if _, ok := next.Get(k2); ok {
			t.Errorf("%s: a page of a build that did not save was served", end)
		}
		next.Close()
	}
}
