package lexer

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/dlclark/regexp2/v2"

	"github.com/arcaapi/runbooks/bench/gentree"
	"github.com/arcaapi/runbooks/build/highlight/highlighttest"
)

// tokens lexes text, turning a panic into an error so that two lexers
// that both panic compare equal. It stops after maxTokens(text) tokens,
// reporting errCapped: some of chroma's lexers loop on empty matches and
// never end, and two loops agree on such a lexer when they agree up to
// the cap.
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
	for t := it(); t != chroma.EOF; t = it() {
		toks = append(toks, t)
		if len(toks) >= maxTokens(text) {
			return toks, errCapped
		}
	}
	return toks, nil
}

// maxTokens is more tokens than text can make unless a lexer loops.
func maxTokens(text string) int { return 2*len(text) + 10 }

var errCapped = errors.New("more tokens than the text can make")

// noTimeouts turns off the match timeout of the lexer's patterns, which
// chroma's loop and this package's share: a match that times out on a
// busy machine would make one side's tokens differ from the other's.
func noTimeouts(rl *ruleLexer) {
	for _, rs := range rl.rules {
		for _, r := range rs {
			r.Regexp.MatchTimeout = regexp2.DefaultMatchTimeout
		}
	}
}

// contentLanguages are the fence languages of runbooks: under -short and
// under the race detector only their lexers are compared.
var contentLanguages = []string{"bash", "console", "yaml", "json", "sql", "promql"}

// TestLoopMatchesChroma lexes chroma's own test corpus with every
// regular-expression lexer chroma has, with chroma's loop and with
// ruleLexer, and wants the same tokens: each lexer's own samples, the code
// blocks of this repository's runbooks and of a generated tree by their
// language, the start of a few other languages' samples, and input that
// ends mid-construct. Lexers without samples of their own (withoutSamples)
// are compared on the shared inputs only. Under -short, and under the race
// detector, which would take two minutes over it and finds nothing in one
// goroutine, it compares only the lexers of contentLanguages.
func TestLoopMatchesChroma(t *testing.T) {
	samples := highlighttest.ChromaCorpus(t)
	highlighttest.FencedBlocks(t, filepath.Join("..", "..", "..", "runbooks"), samples)
	tree := filepath.Join(t.TempDir(), "tree")
	if err := gentree.Generate(tree, gentree.Config{N: 60, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	highlighttest.FencedBlocks(t, tree, samples)
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
	reg := NewRegistry()
	only := map[chroma.Lexer]bool{}
	for _, lang := range contentLanguages {
		only[reg.Get(lang)] = true
	}
	fast, slow, own := 0, 0, 0
	var lacking []string
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
		} else {
			lacking = append(lacking, cfg.Name)
		}
		if _, err := rl.Tokenise(nil, ""); err != nil {
			t.Errorf("%s: %v", cfg.Name, err)
			continue
		}
		if rl.err == nil {
			noTimeouts(rl)
		}
		for i, in := range append(inputs, mixed...) {
			want, werr := tokens(rl.RegexLexer, in)
			got, gerr := tokens(rl, in)
			if werr == errCapped && gerr == errCapped {
				werr, gerr = nil, nil // both loop: the same tokens up to the cap
			}
			if (werr == errCapped) != (gerr == errCapped) || (werr != nil) != (gerr != nil) {
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
	slices.SortFunc(lacking, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	if !short && !slices.Equal(lacking, withoutSamples) {
		t.Errorf("the lexers without samples of their own are\n%q\nwant withoutSamples to list them:\n%q", lacking, withoutSamples)
	}
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

// withoutSamples are the lexers chroma's corpus, the runbooks and the
// generated tree hold no sample of: they are compared on the shared
// inputs only. Shorten the list when a sample is added.
var withoutSamples = []string{
	"ABNF", "ActionScript", "ActionScript 3", "Ada", "Angular2", "ANTLR",
	"ApacheConf", "APL", "AppleScript", "AutoHotkey", "AutoIt", "Awk",
	"Batchfile", "BlitzBasic", "BNF", "Brainfuck", "C",
	"Caddyfile Directives", "Cap'n Proto", "Ceylon", "cfstatement",
	"ChaiScript", "Cheetah", "Clojure", "CMake", "COBOL", "CoffeeScript",
	"Coq", "Crystal", "Cython", "Dax", "Django/Jinja", "Docker", "DTD",
	"EBNF", "Elm", "Factor", "Forth", "Fortran", "FortranFixed", "Genshi",
	"Genshi HTML", "Genshi Text", "GLSL", "Gnuplot", "Go Template", "Groff",
	"Groovy", "Handlebars", "Haxe", "HCL", "Hexdump", "HolyC", "HTML", "Hy",
	"Idris", "INI", "Io", "Lighttpd configuration file", "LLVM", "Lua",
	"Makefile", "Mako", "Mason", "Mathematica", "microcad", "MiniZinc",
	"Modula-2", "MorrowindScript", "Myghty", "MySQL", "NASM", "Newspeak",
	"Nix", "Objective-C", "Octave", "PacmanConf", "Perl", "Pig", "PkgConfig",
	"PL/pgSQL", "PostgreSQL SQL dialect", "PostScript", "POVRay", "Prolog",
	"PRQL", "Puppet", "QBasic", "Racket", "Ragel", "reg", "Rego",
	"reStructuredText", "Rexx", "RPMSpec", "Sass", "Scheme", "Scilab", "Sed",
	"Sieve", "Smalltalk", "Smarty", "Snobol", "SPARQL", "SquidConf", "Swift",
	"TASM", "Tcl", "Tcsh", "Termcap", "Terminfo", "Thrift", "TOML",
	"Transact-SQL", "Turtle", "Twig", "TypoScript", "TypoScriptCssData",
	"TypoScriptHtmlData", "VHDL", "WDTE", "XML", "Xorg", "Z80 Assembly",
}

// TestPinnedVersions names the versions of chroma and regexp2 the loop
// was checked against. The loop reads their compiled rules and programs
// (see chroma.go) and must emit chroma's tokens: on an upgrade, run
// TestLoopMatchesChroma without -short, read chroma.go against the new
// sources, bump LoopVersion, and only then change these versions.
func TestPinnedVersions(t *testing.T) {
	want := map[string]string{
		"github.com/alecthomas/chroma/v2": "v2.27.0",
		"github.com/dlclark/regexp2/v2":   "v2.13.0",
	}
	for path, w := range want {
		out, err := exec.Command("go", "list", "-m", "-f", "{{with .Replace}}{{.Version}}{{else}}{{.Version}}{{end}}", path).Output()
		if err != nil {
			t.Fatalf("go list -m %s: %v", path, err)
		}
		if v := strings.TrimSpace(string(out)); v != w {
			t.Errorf("%s is %s, the loop was checked against %s: re-verify it (see this test's comment)", path, v, w)
		}
	}
}

// TestReadsChromasRules: the loop runs on chroma's own compiled patterns,
// so nothing is compiled twice; were chroma's internals to change, it
// would fall back to chroma's loop, and this test says so.
func TestReadsChromasRules(t *testing.T) {
	for _, lang := range contentLanguages {
		rl, ok := NewRegistry().Get(lang).(*ruleLexer)
		if !ok {
			t.Fatalf("%s is not run by the loop", lang)
		}
		if _, err := rl.Tokenise(nil, "x"); err != nil || rl.err != nil {
			t.Fatalf("%s: %v, %v", lang, err, rl.err)
		}
		raw, _ := rl.RegexLexer.Rules()
		if len(rl.rules) < len(raw) {
			t.Errorf("%s: %d states read, chroma has %d", lang, len(rl.rules), len(raw))
		}
		withFirst := 0
		for _, infos := range rl.states {
			for _, info := range infos {
				if info.first != nil {
					withFirst++
				}
			}
		}
		if withFirst == 0 {
			t.Errorf("%s: no rule knows its first characters: regexp2's programs were not read", lang)
		}
	}
}

// TestPanicsAsChromaDoes: a lexer that panics in chroma's loop ("unknown
// state") panics in this one too; the highlighter shows the block as it is.
func TestPanicsAsChromaDoes(t *testing.T) {
	broken := chroma.MustNewLexer(&chroma.Config{Name: "broken"}, func() chroma.Rules {
		return chroma.Rules{"root": {{Pattern: `x`, Type: chroma.Text, Mutator: chroma.Push("missing")}}}
	})
	_, werr := tokens(broken, "x<y>\n")
	_, gerr := tokens(&ruleLexer{RegexLexer: broken}, "x<y>\n")
	if werr == nil || gerr == nil {
		t.Errorf("chroma: %v; the loop: %v; want both to panic", werr, gerr)
	}
}
