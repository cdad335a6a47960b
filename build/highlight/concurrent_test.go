package highlight

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/alecthomas/chroma/v2/lexers"

	"github.com/arcaapi/runbooks/bench/gentree"
	"github.com/arcaapi/runbooks/build/highlight/highlighttest"
)

// TestConcurrentHighlightingMatchesChroma highlights the code blocks of a
// generated tree from several goroutines with one new Highlighter, as a
// build does, so the lexers are compiled while others wait for them, and
// wants the HTML chroma's own lexers give.
func TestConcurrentHighlightingMatchesChroma(t *testing.T) {
	tree := filepath.Join(t.TempDir(), "tree")
	if err := gentree.Generate(tree, gentree.Config{N: 30, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	samples := map[string][]string{}
	highlighttest.FencedBlocks(t, tree, samples)
	type block struct{ lang, code string }
	var all []block
	for _, lang := range []string{"bash", "console", "yaml", "json", "sql", "promql"} {
		for _, code := range samples[lang] {
			all = append(all, block{lang, code})
		}
	}
	if len(all) < 60 {
		t.Fatalf("only %d blocks", len(all))
	}
	want := make([]string, len(all))
	ref := newChromaFormatter(defaultFormatting)
	for i, b := range all {
		var err error
		if want[i], err = ref.html(lexers.Get(b.lang), b.code); err != nil {
			t.Fatal(err)
		}
	}
	h := New(nil)
	got := make([]string, len(all))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(all); i += 4 {
				got[i], _ = h.Highlight(all[i].lang, []byte(all[i].code))
			}
		})
	}
	wg.Wait()
	for i := range all {
		if got[i] != want[i] {
			t.Errorf("%s block %d: got %.200q, chroma gives %.200q", all[i].lang, i, got[i], want[i])
		}
	}
}
