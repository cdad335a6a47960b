package highlight

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/alecthomas/chroma/v2"

	"github.com/arcaapi/runbooks/bench/gentree"
	"github.com/arcaapi/runbooks/build/highlight/highlighttest"
)

// benchBlock is a code block of a generated runbook.
type benchBlock struct {
	lang string
	code []byte
}

// benchBlocks returns the code blocks of a generated tree in the
// runbooks' languages, as a build meets them.
func benchBlocks(b *testing.B) []benchBlock {
	b.Helper()
	tree := filepath.Join(b.TempDir(), "tree")
	if err := gentree.Generate(tree, gentree.Config{N: 30, Seed: 3}); err != nil {
		b.Fatal(err)
	}
	samples := map[string][]string{}
	highlighttest.FencedBlocks(b, tree, samples)
	var blocks []benchBlock
	for _, lang := range []string{"bash", "console", "yaml", "json", "sql", "promql"} {
		for _, code := range samples[lang] {
			blocks = append(blocks, benchBlock{lang, []byte(code)})
		}
	}
	if len(blocks) < 60 {
		b.Fatalf("only %d blocks", len(blocks))
	}
	return blocks
}

// BenchmarkHighlight highlights the blocks of a generated tree, one block
// an op, never from memory: "own" as the Highlighter does (its clock,
// lexer and htmlWriter), "chroma" the same lexer through chroma.Coalesce
// and chroma's HTML formatter, with no clock at all.
func BenchmarkHighlight(b *testing.B) {
	blocks := benchBlocks(b)
	h := New(nil)
	ctx := context.Background()
	b.Run("own", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			blk := blocks[i%len(blocks)]
			if _, ok := h.format(ctx, h.lexer(blk.lang), blk.code); !ok {
				b.Fatalf("%s block not highlighted", blk.lang)
			}
			i++
		}
	})
	b.Run("chroma", func(b *testing.B) {
		ref := newChromaFormatter(defaultFormatting)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			blk := blocks[i%len(blocks)]
			if _, err := ref.html(h.lexer(blk.lang), string(blk.code)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkFormat writes the HTML of the blocks' tokens, lexed beforehand,
// one block an op: "own" with htmlWriter, "chroma" with chroma.Coalesce
// and chroma's HTML formatter.
func BenchmarkFormat(b *testing.B) {
	blocks := benchBlocks(b)
	h := New(nil)
	toks := make([][]chroma.Token, len(blocks))
	for i, blk := range blocks {
		toks[i] = lexed(h.lexer(blk.lang), string(blk.code))
	}
	out := make([]string, len(toks))
	b.Run("own", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			buf := h.buffer()
			w := htmlWriter{buf: (*buf)[:0], prefix: h.prefix}
			for _, t := range toks[i%len(toks)] {
				w.write(t)
			}
			w.endRun()
			out[i%len(out)] = string(w.buf)
			*buf = w.buf
			h.reuse(buf)
			i++
		}
	})
	b.Run("chroma", func(b *testing.B) {
		ref := newChromaFormatter(defaultFormatting)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := ref.html(replay{toks: toks[i%len(toks)]}, ""); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}
