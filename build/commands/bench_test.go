package commands_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/bench/gentree"
	"github.com/arcaapi/runbooks/build/commands"
	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/meta"
	"github.com/arcaapi/runbooks/build/page"
)

// BenchmarkCheck is the command checks alone on a generated tree of 1,000
// runbooks (bash, console, YAML, JSON, SQL and PromQL blocks), each page
// parsed once beforehand:
//
//	go test -run '^$' -bench Check -benchmem ./build/commands/
//
// Compare its µs/page with BenchmarkParse in ./build, the whole parse,
// which runs these checks on every page.
func BenchmarkCheck(b *testing.B) {
	const n = 1000
	dir := filepath.Join(b.TempDir(), "tree")
	if err := gentree.Generate(dir, gentree.Config{N: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	md := markdown.New(highlight.Plain{})
	var pages []*page.Page
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		m := meta.Parse(p, data)
		out, err := md.Parse(context.Background(), markdown.Input{Path: p, Body: m.Body, BodyLine: m.BodyLine})
		pages = append(pages, &page.Page{Path: p, Meta: m.Meta, Code: out.Code})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, p := range pages {
			commands.Check(p, nil)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(pages)), "µs/page")
}
