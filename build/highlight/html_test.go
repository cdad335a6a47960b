package highlight

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chtml "github.com/alecthomas/chroma/v2/formatters/html"

	"github.com/arcaapi/runbooks/bench/gentree"
	"github.com/arcaapi/runbooks/build/highlight/highlighttest"
	"github.com/arcaapi/runbooks/build/highlight/lexer"
)

// chromaFormatter is chroma's HTML formatter with the options of a
// formatting, the formatter htmlWriter stands in for.
type chromaFormatter struct {
	f     *chtml.Formatter
	style *chroma.Style // unused by class output, but Format wants one
}

func newChromaFormatter(f formatting) chromaFormatter {
	return chromaFormatter{
		f:     chtml.New(chtml.WithClasses(true), chtml.PreventSurroundingPre(true), chtml.TabWidth(f.TabWidth), chtml.ClassPrefix(f.Prefix)),
		style: chroma.MustNewStyle("classes", chroma.StyleEntries{}),
	}
}

// html returns the HTML chroma gives for text lexed by l, as the
// Highlighter made it before htmlWriter: l inside chroma.Coalesce, then
// chroma's HTML formatter.
func (c chromaFormatter) html(l chroma.Lexer, text string) (string, error) {
	it, err := chroma.Coalesce(l).Tokenise(nil, text)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	err = c.f.Format(&b, c.style, it)
	return b.String(), err
}

// replay is a lexer that gives the same tokens whatever the text.
type replay struct {
	chroma.Lexer // nil: only Tokenise is called
	toks         []chroma.Token
}

func (r replay) Tokenise(*chroma.TokeniseOptions, string) (chroma.Iterator, error) {
	return chroma.Literator(r.toks...), nil
}

// ownHTML returns the HTML htmlWriter writes for toks.
func ownHTML(f formatting, toks []chroma.Token) string {
	w := htmlWriter{prefix: f.Prefix}
	for _, t := range toks {
		w.write(t)
	}
	w.endRun()
	return string(w.buf)
}

// sameHTML fails the test at the first byte where htmlWriter's HTML for
// toks differs from chroma's.
func sameHTML(t *testing.T, what string, f formatting, toks []chroma.Token) {
	t.Helper()
	want, err := newChromaFormatter(f).html(replay{toks: toks}, "")
	if err != nil {
		t.Fatalf("%s: chroma: %v", what, err)
	}
	got := ownHTML(f, toks)
	if got == want {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-80, 0)
	t.Fatalf("%s, prefix %q: first difference at byte %d of %d (chroma %d):\nhtmlWriter ...%q\nchroma     ...%q",
		what, f.Prefix, i, len(got), len(want), got[from:min(i+80, len(got))], want[from:min(i+80, len(want))])
}

// lexed returns the tokens l makes of text: all of them, or those before
// a panic, or, for a lexer that loops on empty matches and never ends, the
// first 2*len(text)+10. Both formatters get the same tokens, so any prefix
// of the lexer's tokens is as good a test of them as the whole.
func lexed(l chroma.Lexer, text string) (toks []chroma.Token) {
	defer func() { _ = recover() }()
	it, err := l.Tokenise(nil, text)
	if err != nil {
		return nil
	}
	for t := it(); t != chroma.EOF && len(toks) < 2*len(text)+10; t = it() {
		toks = append(toks, t)
	}
	return toks
}

// TestWriterMatchesChroma formats with htmlWriter and with chroma's HTML
// formatter the tokens of every sample of chroma's lexer test corpus (by
// the lexer it was written for), of the runbooks' and a generated tree's
// code blocks, and of hand-made token streams for the corners (runs past
// chroma.Coalesce's cap, types without a class of their own, every byte
// the escaping changes), with the default class prefix and another, and
// wants the same bytes. Under -short and the race detector only the
// lexers of the runbooks' languages are run over the corpus.
func TestWriterMatchesChroma(t *testing.T) {
	formattings := []formatting{defaultFormatting, {Prefix: "x-", TabWidth: 8}}
	long := strings.Repeat("a<b>&'\"\n", 1100) // over maxRun, with newlines throughout
	for _, c := range []struct {
		name string
		toks []chroma.Token
	}{
		{"nothing", nil},
		{"empty tokens only", []chroma.Token{{Type: chroma.Keyword}, {Type: chroma.Text}}},
		{"escaping", []chroma.Token{{Type: chroma.Text, Value: "<&>'\"\x00\xff\xfe é\r\n"}, {Type: chroma.String, Value: "<&>'\"\x00\xff"}}},
		{"a run split at newlines", []chroma.Token{{Type: chroma.Comment, Value: "# a\n"}, {Type: chroma.Comment, Value: "\n# b"}, {Type: chroma.Comment, Value: "\n"}}},
		{"a run interrupted by an empty token", []chroma.Token{{Type: chroma.Name, Value: "a"}, {Type: chroma.Keyword}, {Type: chroma.Name, Value: "b\nc"}}},
		{"newline-only tokens", []chroma.Token{{Type: chroma.Whitespace, Value: "\n"}, {Type: chroma.Whitespace, Value: "\n\n"}, {Type: chroma.Text, Value: "\n"}}},
		{"runs past the coalescing cap", []chroma.Token{
			{Type: chroma.LiteralString, Value: long}, {Type: chroma.LiteralString, Value: "x\ny"}, {Type: chroma.LiteralString, Value: "z"},
			{Type: chroma.Text, Value: long}, {Type: chroma.Text, Value: "t"},
			{Type: chroma.Comment, Value: strings.Repeat("c", 8191)}, {Type: chroma.Comment, Value: "d\n"}, {Type: chroma.Comment, Value: "e"}, // chroma's cap is 8192
			{Type: chroma.Name, Value: strings.Repeat("n", 8192)}, {Type: chroma.Name, Value: "m"}, {Type: chroma.Name, Value: "o"},
		}},
		{"types without a class of their own", []chroma.Token{
			{Type: chroma.Keyword + 50, Value: "k"}, {Type: chroma.NameBuiltin + 7, Value: "b"}, {Type: chroma.LiteralStringDouble + 30, Value: "s"},
			{Type: 9999, Value: "?"}, {Type: 12345, Value: "?"}, {Type: chroma.EOFType, Value: "eof type"}, {Type: chroma.Ignore, Value: "ignored"},
			{Type: chroma.Other, Value: "x"}, {Type: chroma.Error, Value: "err"}, {Type: chroma.Background, Value: "bg"}, {Type: chroma.None, Value: "none"},
		}},
	} {
		for _, f := range formattings {
			sameHTML(t, c.name, f, c.toks)
		}
	}

	samples := highlighttest.ChromaCorpus(t)
	highlighttest.FencedBlocks(t, filepath.Join("..", "..", "runbooks"), samples)
	tree := filepath.Join(t.TempDir(), "tree")
	if err := gentree.Generate(tree, gentree.Config{N: 60, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	highlighttest.FencedBlocks(t, tree, samples)

	short := testing.Short() || raceDetector
	content := map[string]bool{"bash": true, "console": true, "yaml": true, "json": true, "sql": true, "promql": true}
	reg := lexer.NewRegistry()
	lexers, inputs, size := 0, 0, 0
	for _, l := range reg.Lexers {
		cfg := l.Config()
		var ins []string
		wanted := !short
		for _, name := range append([]string{cfg.Name}, cfg.Aliases...) {
			ins = append(ins, samples[strings.ToLower(name)]...)
			wanted = wanted || content[strings.ToLower(name)]
		}
		if !wanted || len(ins) == 0 {
			continue
		}
		lexers++
		for i, in := range ins {
			toks := lexed(l, in)
			for _, f := range formattings {
				sameHTML(t, fmt.Sprintf("%s sample %d", cfg.Name, i), f, toks)
			}
			inputs++
			size += len(in)
		}
	}
	t.Logf("%d samples of %d lexers, %d KB, the same HTML", inputs, lexers, size>>10)
	if !short && lexers < 150 || short && lexers < len(content) {
		t.Errorf("only %d lexers had samples", lexers)
	}
}
