package highlight

import (
	"fmt"
	"html"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
)

func TestHostileCodeFallsBackToPlainText(t *testing.T) {
	oneLine := "echo " + strings.Repeat("x<y ", 1<<18) // a 1 MB single-line command
	manyLines := strings.Repeat("echo '<b>';\n", MaxBlockBytes/12+1)
	for _, c := range []struct {
		name, lang, code string
		plain            bool // shown as escaped plain text
	}{
		{"1 MB on one line", "bash", oneLine, true},
		{"a block past MaxBlockBytes", "bash", manyLines, true},
		{"a line of MaxLineBytes", "bash", "echo " + strings.Repeat("a", MaxLineBytes-5) + "\n", false},
		{"a line one byte longer", "bash", "echo " + strings.Repeat("a", MaxLineBytes-4) + "\n", true},
		{"markup in code", "bash", "</code></pre><script>alert(1)</script>\n", false},
		{"markup in code, unknown language", "nope", "</code></pre><script>alert(1)</script>\n", true},
		{"markup as the language", `"><script>alert(1)</script>`, "x\n", true},
		{"NUL bytes and invalid UTF-8", "bash", "echo \x00\xff\xfe\n", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := New(nil)
			got, _ := h.Highlight(c.lang, []byte(c.code))
			if c.plain && got != html.EscapeString(c.code) {
				t.Errorf("got %.200q, want the escaped plain text", got)
			}
			if !c.plain && !strings.Contains(got, "<span") {
				t.Errorf("got %.200q, want highlighted code", got)
			}
			if strings.Contains(got, "<script") || strings.Contains(got, "</code>") {
				t.Errorf("markup of the code reached the HTML: %.200q", got)
			}
		})
	}
}

// slowYAML is 3 KB that chroma's YAML lexer takes seconds over.
var slowYAML = strings.Repeat("[", 3000) + "\n"

func TestSlowLexingIsBounded(t *testing.T) {
	h := New(nil)
	h.lexTime = 10 * time.Millisecond
	for i := range MaxLateBlocks + 3 {
		code := []byte(slowYAML + strings.Repeat(" ", i)) // distinct blocks: none is reused
		got, known := h.Highlight("yaml", code)
		if got != html.EscapeString(string(code)) || !known {
			t.Fatalf("block %d: got %.100q, want the escaped plain text", i, got)
		}
	}
	if h.late != MaxLateBlocks {
		t.Errorf("%d blocks ran out of time, want lexing to stop after %d", h.late, MaxLateBlocks)
	}
	// Once lexing has stopped, even ordinary code is plain text.
	if got, _ := h.Highlight("bash", []byte("echo hi\n")); strings.Contains(got, "<span") {
		t.Errorf("got %q, want plain text after lexing stopped", got)
	}
}

func TestLateBlocksAreNotStored(t *testing.T) {
	dir := t.TempDir()
	s := open(dir, "site")
	h := New(s)
	h.lexTime = 10 * time.Millisecond
	h.Highlight("yaml", []byte(slowYAML))
	if _, ok := s.Get(keyOf("yaml", []byte(slowYAML))); ok {
		t.Errorf("a block that ran out of time was stored: the next build would never try it again")
	}
}

// TestPanickingLexerFallsBackToPlainText: some of chroma's lexers panic on
// some input; the block is shown as it is and the build goes on.
func TestPanickingLexerFallsBackToPlainText(t *testing.T) {
	broken := chroma.MustNewLexer(&chroma.Config{Name: "broken"}, func() chroma.Rules {
		return chroma.Rules{"root": {{Pattern: `x`, Type: chroma.Text, Mutator: chroma.Push("missing")}}}
	})
	h := New(nil)
	h.lexers["broken"] = broken
	code := "x<y>\n"
	if got, _ := h.Highlight("broken", []byte(code)); got != html.EscapeString(code) {
		t.Errorf("got %q, want the escaped plain text", got)
	}
}

// TestStoreServesWhatMemoryForgets: a block the memory of a build's
// highlighter forgot comes back from the store's file, highlighted by this
// build, not lexed again; the same HTML.
func TestStoreServesWhatMemoryForgets(t *testing.T) {
	h := New(open(t.TempDir(), "site"))
	h.budget = 4 << 10
	block := func(i int) []byte {
		return []byte(fmt.Sprintf("kubectl -n ns%d get pods --selector app=api-%d | grep -v Running\necho %q\n", i, i, strings.Repeat("x", 200)))
	}
	first, _ := h.Highlight("bash", block(0))
	for i := 1; i < 100; i++ {
		h.Highlight("bash", block(i))
		if used := h.MemUsed(); used > h.budget {
			t.Fatalf("after %d blocks: %d bytes kept, over %d", i+1, used, h.budget)
		}
	}
	before := h.Stats()
	again, _ := h.Highlight("bash", block(0))
	if st := h.Stats(); st.FromStore != before.FromStore+1 || st.Lexed != before.Lexed {
		t.Errorf("the first block again: %+v, then %+v; want it from the store", before, st)
	}
	if again != first {
		t.Errorf("from the store:\n%s\nwant\n%s", again, first)
	}
}

// TestMemoryBounded highlights many distinct blocks, as a preview server
// does over a long session of saves: the HTML kept in memory stays within
// the budget, the most recent blocks are still served from memory, and the
// oldest are highlighted again when they come back.
func TestMemoryBounded(t *testing.T) {
	h := New(nil)
	h.budget = 64 << 10
	block := func(i int) []byte {
		return []byte(fmt.Sprintf("kubectl -n ns%d get pods --selector app=api-%d | grep -v Running\necho %q\n", i, i, strings.Repeat("x", 200)))
	}
	const n = 2000
	for i := range n {
		h.Highlight("bash", block(i))
		if used := h.MemUsed(); used > h.budget {
			t.Fatalf("after %d blocks: %d bytes kept, over the budget of %d", i+1, used, h.budget)
		}
	}
	if used := h.MemUsed(); used < h.budget/2 {
		t.Errorf("only %d bytes kept of a budget of %d", used, h.budget)
	}
	h.mu.Lock()
	kept := len(h.blocks)
	h.mu.Unlock()
	if kept >= n/4 {
		t.Errorf("%d of %d blocks kept", kept, n)
	}
	before := h.Stats()
	for i := n - 10; i < n; i++ {
		h.Highlight("bash", block(i))
	}
	if st := h.Stats(); st.Reused-before.Reused != 10 || st.Lexed != before.Lexed {
		t.Errorf("the 10 most recent blocks: %d reused, %d lexed again; want all reused", st.Reused-before.Reused, st.Lexed-before.Lexed)
	}
	h.Highlight("bash", block(0))
	if st := h.Stats(); st.Lexed != before.Lexed+1 {
		t.Errorf("the oldest block was not highlighted again: %+v", st)
	}
}

// TestBusyMachineSameOutput highlights a block whose lexer is often off
// the processor, as on a busy machine: it takes several times the lexing
// limit in wall time but little CPU time, and is highlighted all the same,
// as on a quiet machine. With a wall-clock limit the output depended on
// the machine's load.
func TestBusyMachineSameOutput(t *testing.T) {
	if _, ok := threadTime(); !ok {
		t.Skip("the thread's CPU time cannot be read on this system; the limit is wall time")
	}
	code := []byte("a: [b, c]\nd: {e: f}\n# note\ng: 'h'\n")
	want, _ := New(nil).Highlight("yaml", code)
	h := New(nil)
	h.lexTime = 20 * time.Millisecond
	h.lexers["yaml"] = descheduled{h.lexer("yaml"), time.Millisecond}
	start := time.Now()
	got, _ := h.Highlight("yaml", code)
	if wall := time.Since(start); wall <= h.lexTime {
		t.Fatalf("the block took %v, not more than the limit %v: nothing measured", wall, h.lexTime)
	}
	if got != want || h.Stats().Late != 0 {
		t.Errorf("%d late; got %q\nwant %q", h.Stats().Late, got, want)
	}
}

// descheduled is a lexer that is off the processor for a while before each
// token.
type descheduled struct {
	chroma.Lexer
	off time.Duration
}

func (d descheduled) Tokenise(opts *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	it, err := d.Lexer.Tokenise(opts, text)
	if err != nil {
		return nil, err
	}
	return func() chroma.Token {
		time.Sleep(d.off)
		return it()
	}, nil
}
