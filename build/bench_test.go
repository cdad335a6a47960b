package build_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/bench/gentree"
	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/output"
)

// The stage benchmarks share one generated tree of benchPages runbooks:
//
//	go test -run '^$' -bench . -benchmem ./build/
//
// Whole-site comparisons with Hugo are bench/compare.sh's job.
const benchPages = 500

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func benchTree(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		benchDir, benchErr = os.MkdirTemp("", "runbooks-bench-")
		if benchErr == nil {
			benchDir = filepath.Join(benchDir, "tree")
			benchErr = gentree.Generate(benchDir, gentree.Config{N: benchPages, Seed: 1})
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

func benchConfig(src string) build.Config {
	return build.Config{Src: src, Now: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), NoCache: true}
}

func perPage(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*benchPages), "µs/page")
}

// BenchmarkParse is the load, parse and check stages: what check costs.
// Parse highlights nothing; render does.
func BenchmarkParse(b *testing.B) {
	src := benchTree(b)
	for b.Loop() {
		if _, err := build.Parse(context.Background(), os.DirFS(src), benchConfig(src)); err != nil {
			b.Fatal(err)
		}
	}
	perPage(b)
}

var fence = regexp.MustCompile("(?s)```([a-z]*)\n(.*?)\n```")

// BenchmarkHighlight lexes every code block of the tree, cold each time.
func BenchmarkHighlight(b *testing.B) {
	src := benchTree(b)
	type block struct {
		lang string
		code []byte
	}
	var blocks []block
	n := 0
	_ = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		data, err := os.ReadFile(p)
		for _, m := range fence.FindAllSubmatch(data, -1) {
			blocks = append(blocks, block{string(m[1]), m[2]})
			n += len(m[2])
		}
		return err
	})
	b.SetBytes(int64(n))
	for b.Loop() {
		h := highlight.New(nil)
		for _, bl := range blocks {
			h.Highlight(bl.lang, bl.code)
		}
	}
	perPage(b)
}

type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

// BenchmarkRender renders the parsed pages' bodies, with cold
// highlighting, and puts them into the theme, writing nowhere.
func BenchmarkRender(b *testing.B) {
	src := benchTree(b)
	cfg := benchConfig(src)
	site, err := build.Parse(context.Background(), os.DirFS(src), cfg)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := build.Render(context.Background(), site, cfg, highlight.New(nil), discard{}); err != nil {
			b.Fatal(err)
		}
	}
	perPage(b)
}

type collect struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (c *collect) WriteFile(name string, data []byte) error {
	c.mu.Lock()
	c.files[name] = bytes.Clone(data)
	c.mu.Unlock()
	return nil
}

// BenchmarkWrite writes a rendered site into an output folder and swaps it
// in, as every build ends.
func BenchmarkWrite(b *testing.B) {
	src := benchTree(b)
	cfg := benchConfig(src)
	site, err := build.Parse(context.Background(), os.DirFS(src), cfg)
	if err != nil {
		b.Fatal(err)
	}
	c := &collect{files: map[string][]byte{}}
	if err := build.Render(context.Background(), site, cfg, highlight.New(nil), c); err != nil {
		b.Fatal(err)
	}
	write := func(out string) {
		d, err := output.Create(out, src)
		if err != nil {
			b.Fatal(err)
		}
		for name, data := range c.files {
			if err := d.WriteFile(name, data); err != nil {
				b.Fatal(err)
			}
		}
		if err := d.Commit(nil); err != nil {
			b.Fatal(err)
		}
	}
	// A new output folder each time: what a first build, or a second
	// into an output folder without its spare, writes.
	b.Run("new", func(b *testing.B) {
		dir := b.TempDir()
		n := 0
		for b.Loop() {
			n++
			write(filepath.Join(dir, fmt.Sprint(n), "public"))
		}
		perPage(b)
	})
	// The same site into the same folder, its spare in place: a rebuild
	// with nothing changed, which compares and writes nothing.
	b.Run("rebuild", func(b *testing.B) {
		out := filepath.Join(b.TempDir(), "public")
		write(out)
		write(out)
		for b.Loop() {
			write(out)
		}
		perPage(b)
	})
}
