package lexer

import (
	"path/filepath"
	"testing"

	"github.com/alecthomas/chroma/v2"

	"github.com/arcaapi/runbooks/bench/gentree"
	"github.com/arcaapi/runbooks/build/highlight/highlighttest"
)

// BenchmarkTokenise lexes the code blocks of a generated tree, by their
// language, through the loop: the blocks a 10,000-page build highlights
// are drawn from the same lexicon.
func BenchmarkTokenise(b *testing.B) {
	tree := filepath.Join(b.TempDir(), "tree")
	if err := gentree.Generate(tree, gentree.Config{N: 200, Seed: 11}); err != nil {
		b.Fatal(err)
	}
	samples := map[string][]string{}
	highlighttest.FencedBlocks(b, tree, samples)
	reg := NewRegistry()
	for _, lang := range []string{"sql", "bash", "console", "promql", "yaml", "json"} {
		in := samples[lang]
		if len(in) == 0 {
			b.Fatalf("the generated tree has no %s block", lang)
		}
		l := reg.Get(lang)
		size := 0
		for _, text := range in {
			size += len(text)
		}
		b.Run(lang, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, text := range in {
					if _, err := chroma.Tokenise(l, nil, text); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
