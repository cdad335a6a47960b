package highlight

import (
	"context"
	"fmt"
	"html"
	"strings"
	"sync"
	"testing"

	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/highlight/lexer"
)

func TestHighlight(t *testing.T) {
	for _, c := range []struct {
		name, lang, code string
		known            bool
		want             string
	}{
		{"bash", "bash", "echo \"hi\"\n", true, `<span class="nb">echo</span>`},
		{"console prompt and output", "console", "$ ls\nfoo\n", true, `<span class="gp">$</span> ls`},
		{"case of the language", "BASH", "echo\n", true, `<span class="nb">echo</span>`},
		{"unknown language", "frobnicate", "<b>&</b>\n", false, "&lt;b&gt;&amp;&lt;/b&gt;\n"},
		{"no language", "", "<i>\n", false, "&lt;i&gt;\n"},
		{"huge line falls back to plain text", "bash", "echo " + strings.Repeat("a<", MaxLineBytes) + "\n", true, "echo a&lt;a&lt;"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, known := New(nil).Highlight(c.lang, []byte(c.code))
			if known != c.known || !strings.Contains(got, c.want) {
				t.Errorf("Highlight(%q) = %.120q, %v; want it to contain %q, known %v", c.lang, got, known, c.want, c.known)
			}
			if !c.known || strings.HasPrefix(c.name, "huge") {
				if strings.Contains(got, "<span") {
					t.Errorf("plain text has markup: %.120q", got)
				}
			}
			if strings.Contains(got, "style=") {
				t.Errorf("inline style in %q", got)
			}
		})
	}
}

// TestIdenticalBlocksOnce highlights the same block from many goroutines, as
// the parallel build does, and checks it was lexed once.
func TestIdenticalBlocksOnce(t *testing.T) {
	h := New(nil)
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.Highlight("bash", []byte("kubectl -n arca-prod get pods\n"))
			h.Highlight("yaml", []byte("a: 1\n"))
		}()
	}
	wg.Wait()
	if s := h.Stats(); s.Lexed != 2 || s.Reused != 98 {
		t.Errorf("stats = %+v, want 2 lexed and 98 reused", s)
	}
}

// open opens the block store for the default highlighter.
func open(dir, site string) *cache.Blocks { return cache.OpenBlocks(dir, Settings(), site) }

func TestStorePersists(t *testing.T) {
	dir := t.TempDir()
	code := []byte("SELECT 1;\n")
	s1 := open(dir, "site")
	want, _ := New(s1).Highlight("sql", code)
	if err := s1.Save(); err != nil {
		t.Fatal(err)
	}
	h2 := New(open(dir, "site"))
	got, _ := h2.Highlight("sql", code)
	if got != want {
		t.Errorf("from store = %q, want %q", got, want)
	}
	if s := h2.Stats(); s.FromStore != 1 || s.Lexed != 0 {
		t.Errorf("second build stats = %+v, want the block from the store", s)
	}
	// Another site's store is separate, and a corrupt file is ignored.
	if _, ok := open(dir, "other").Get(keyOf("sql", code)); ok {
		t.Error("stores of two sites are shared")
	}
}

// TestStoreKeepsBlocksPagesStillShow: a build whose pages all come from
// the page cache highlights nothing, and a build that changes one page
// highlights one block; neither may drop the blocks of the other pages,
// which the next change to those pages needs.
func TestStoreKeepsBlocksPagesStillShow(t *testing.T) {
	dir := t.TempDir()
	a, b := []byte("SELECT 1;\n"), []byte("SELECT 2;\n")
	s := open(dir, "site")
	New(s).Highlight("sql", a)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if err := open(dir, "site").Save(); err != nil { // a build that used no block
		t.Fatal(err)
	}
	s = open(dir, "site")
	New(s).Highlight("sql", b)
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	h := New(open(dir, "site"))
	h.Highlight("sql", a)
	h.Highlight("sql", b)
	if st := h.Stats(); st.FromStore != 2 || st.Lexed != 0 {
		t.Errorf("stats = %+v, want both blocks from the store", st)
	}
}

// TestStoreKeyedByFormatterOptions: a block stored by a highlighter with
// other formatter options is not served, so a change to the options shows
// in the next build without clearing the cache.
func TestStoreKeyedByFormatterOptions(t *testing.T) {
	dir := t.TempDir()
	code := []byte("SELECT 1;\n")
	s := open(dir, "site")
	if got, _ := New(s).Highlight("sql", code); strings.Contains(got, "x-") {
		t.Fatalf("default classes carry the test's prefix: %q", got)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	prefixed := formatting{Prefix: "x-", TabWidth: defaultFormatting.TabWidth}
	h := newWith(cache.OpenBlocks(dir, prefixed.settings(), "site"), prefixed)
	got, _ := h.Highlight("sql", code)
	if !strings.Contains(got, `class="x-`) {
		t.Errorf("after a change of formatter options the block is %q: stale HTML from the store", got)
	}
	if st := h.Stats(); st.FromStore != 0 {
		t.Errorf("stats = %+v, want no block from the store", st)
	}
}

// TestSettingsNameTheLexerLoop: the store's settings change with the
// version of the lexer loop, so blocks lexed by an earlier loop are not
// reused.
func TestSettingsNameTheLexerLoop(t *testing.T) {
	if want := fmt.Sprintf("lexer loop %d", lexer.LoopVersion); !strings.Contains(Settings(), want) {
		t.Errorf("Settings() = %q, does not name %q", Settings(), want)
	}
}

// TestHighlightContextCanceled checks that a block cut short by a canceled
// context comes back as plain text and is not kept: the next build
// highlights it.
func TestHighlightContextCanceled(t *testing.T) {
	h := New(nil)
	code := []byte("kubectl get pods -n arca | grep -v Running\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	got, _ := h.HighlightContext(ctx, "bash", code)
	if got != html.EscapeString(string(code)) {
		t.Errorf("canceled: %q, want the plain text", got)
	}
	got, _ = h.Highlight("bash", code)
	if !strings.Contains(got, `<span class=`) {
		t.Errorf("after a canceled build: %q, want it highlighted", got)
	}
	if s := h.Stats(); s.Late != 0 || s.Lexed != 1 {
		t.Errorf("stats %+v: want one block lexed and none late", s)
	}
}
