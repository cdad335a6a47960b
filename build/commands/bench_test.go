package commands_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/arcaapi/runbooks/bench/gentree"
	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/commands"
)

// BenchmarkCheckPages is the command checks alone on a generated tree of
// 1,000 runbooks (bash, console, YAML, JSON, SQL and PromQL blocks):
//
//	go test -run '^$' -bench CheckPages -benchmem ./build/commands/
//
// Compare its µs/page with BenchmarkParse in ./build, the whole parse.
func BenchmarkCheckPages(b *testing.B) {
	const n = 1000
	dir := filepath.Join(b.TempDir(), "tree")
	if err := gentree.Generate(dir, gentree.Config{N: n, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	res, err := build.CheckFS(context.Background(), os.DirFS(dir), build.Config{Src: dir})
	if err != nil {
		b.Fatal(err)
	}
	site := res.Site
	b.ResetTimer()
	for b.Loop() {
		commands.CheckPages(site.Pages)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/page")
}
