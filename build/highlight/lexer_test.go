package highlight

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"

	"github.com/arcaapi/runbooks/bench/gentree"
)

// chromaTestdata returns the folder of chroma's lexer test corpus, in the
// module cache the build already uses.
func chromaTestdata(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		t.Fatalf("locating chroma's module: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "lexers", "testdata")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("chroma's test corpus: %v", err)
	}
	return dir
}

// corpus reads chroma's test inputs by the lexer they were written for:
// testdata/NAME.actual, and testdata/NAME/*.actual.
func corpus(t *testing.T, dir string) map[string][]string {
	t.Helper()
	samples := map[string][]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".actual" {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name, _, _ := strings.Cut(strings.TrimSuffix(rel, ".actual"), string(filepath.Separator))
		name, _, _ = strings.Cut(name, ".")
		data, err := os.ReadFile(p)
		samples[strings.ToLower(name)] = append(samples[strings.ToLower(name)], string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return samples
}

var fenced = regexp.MustCompile("(?ms)^```([a-z]+)\n(.*?)^```$")

// blocks adds the fenced code blocks of the Markdown under dir to samples,
// by their language.
func blocks(t *testing.T, dir string, samples map[string][]string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		data, err := os.ReadFile(p)
		for _, m := range fenced.FindAllStringSubmatch(string(data), -1) {
			samples[m[1]] = append(samples[m[1]], m[2])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// tokens lexes text to the end, turning a panic into an error so that two
// lexers that both panic compare equal. It stops early with errSlow after
// 300 ms, or after more tokens than the text could make unless the
// lexer is looping on empty matches, which some of chroma's do.
func tokens(l chroma.Lexer, text string) (toks []chroma.Token, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	it, err := l.Tokenise(nil, text)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(300 * time.Millisecond)
	for t := it(); t != chroma.EOF; t = it() {
		toks = append(toks, t)
		if len(toks) > 2*len(text)+10 || time.Now().After(deadline) {
			return toks, errSlow
		}
	}
	return toks, nil
}

var errSlow = errors.New("slow")

// contentLanguages are the fence languages of runbooks: under -short and
// under the race detector only their lexers are compared.
var contentLanguages = []string{"bash", "console", "yaml", "json", "sql", "promql"}

// TestRuleLexerMatchesChroma lexes chroma's own test corpus with every
// regular-expression lexer chroma has, with chroma's loop and with
// ruleLexer, and wants the same tokens: each lexer's own samples, the code
// blocks of this repository's runbooks and of a generated tree by their
// language, the start of a few other languages' samples, and input that
// ends mid-construct. Under -short, and under the race detector, which
// would take two minutes over it and finds nothing in one goroutine, it
// compares only the lexers of contentLanguages.
func TestRuleLexerMatchesChroma(t *testing.T) {
	samples := corpus(t, chromaTestdata(t))
	blocks(t, filepath.Join("..", "..", "runbooks"), samples)
	tree := filepath.Join(t.TempDir(), "tree")
	if err := gentree.Generate(tree, gentree.Config{N: 60, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	blocks(t, tree, samples)
	for _, lang := range contentLanguages {
		if len(samples[lang]) < 3 {
			t.Fatalf("only %d %s samples", len(samples[lang]), lang)
		}
	}
	var mixed []string
	for _, name := range []string{"bash", "json", "go", "markdown"} {
		if len(samples[name]) == 0 {
			t.Fatalf("chroma's corpus has no %s sample", name)
		}
		in := samples[name][0]
		mixed = append(mixed, in[:min(len(in), 700)]) // cut mid-line
	}
	mixed = append(mixed, "", "\n", "x", "\r\n\r", `"unterminated`, "'", "/* open", "<<EOF\n", "\t \u00e9\u4e2d\U0001F600\n", "$(", "{[(\n")

	short := testing.Short() || raceDetector
	reg := newRegistry()
	only := map[chroma.Lexer]bool{}
	for _, lang := range contentLanguages {
		only[reg.Get(lang)] = true
	}
	fast, slow, own := 0, 0, 0
	for _, l := range reg.Lexers {
		rl, ok := l.(*ruleLexer)
		if !ok || short && !only[l] {
			continue
		}
		cfg := rl.Config()
		var inputs []string
		for _, name := range append([]string{cfg.Name}, cfg.Aliases...) {
			inputs = append(inputs, samples[strings.ToLower(name)]...)
		}
		if len(inputs) > 0 {
			own++
		}
		for i, in := range append(inputs, mixed...) {
			want, werr := tokens(rl.RegexLexer, in)
			got, gerr := tokens(rl, in)
			if werr == errSlow || gerr == errSlow {
				n := min(len(want), len(got))
				want, got, werr, gerr = want[:n], got[:n], nil, nil
			}
			if (werr != nil) != (gerr != nil) {
				t.Errorf("%s, input %d: chroma: %v; ruleLexer: %v", cfg.Name, i, werr, gerr)
				continue
			}
			if !slices.Equal(got, want) {
				j := 0
				for j < len(got) && j < len(want) && got[j] == want[j] {
					j++
				}
				t.Errorf("%s, input %d: token %d differs: chroma %v, ruleLexer %v", cfg.Name, i, j, at(want, j), at(got, j))
			}
		}
		switch {
		case rl.err == nil:
			fast++
		case errors.Is(rl.err, errUnsupported):
			slow++
		default:
			t.Errorf("%s: %v", cfg.Name, rl.err)
		}
	}
	t.Logf("%d lexers run by ruleLexer (%d with their own samples), %d left to chroma", fast, own, slow)
	if want := len(only); short && fast < want {
		t.Errorf("only %d of the %d content lexers compared", fast, want)
	}
	if !short && (fast < 250 || own < 150) {
		t.Errorf("only %d lexers compared, %d on their own samples", fast, own)
	}
}

func at(toks []chroma.Token, i int) any {
	if i < len(toks) {
		return toks[i]
	}
	return "end of tokens"
}

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
	blocks(t, tree, samples)
	type block struct{ lang, code string }
	var all []block
	for _, lang := range contentLanguages {
		for _, code := range samples[lang] {
			all = append(all, block{lang, code})
		}
	}
	if len(all) < 60 {
		t.Fatalf("only %d blocks", len(all))
	}
	want := make([]string, len(all))
	ref := New(nil)
	for i, b := range all {
		it, err := chroma.Coalesce(lexers.Get(b.lang)).Tokenise(nil, b.code)
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		if err := ref.formatter.Format(&sb, ref.style, it); err != nil {
			t.Fatal(err)
		}
		want[i] = sb.String()
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
