package lexer

import (
	"slices"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
)

// TestWordListsMatchRegexp2 matches rules that are lists of words, at
// every position of tricky inputs, with the loop and with regexp2 alone,
// and wants the same rule to match with the same groups. Each case also
// names what the rule matches at the start of each input, so that a
// regression in both (or a case that tests nothing) shows.
func TestWordListsMatchRegexp2(t *testing.T) {
	sqlish := chroma.Words("", `\b`, "AS", "ASC", "ASCII", "KEY", "SET", "IF", "ß", "Σ", "Ǆ", "ǅA", "ⅰⅱ", "ⓐⓑ", "C", "_X")
	tests := []struct {
		name       string
		pattern    string
		ignoreCase bool
		exact      bool              // matched without regexp2
		starts     map[string]string // input: what the rule matches at its start ("" none)
	}{
		{"keywords that prefix others", sqlish, true, true, map[string]string{
			"ASC":                   "ASC",
			"as c":                  "as",
			"AsCiI(":                "AsCiI",
			"ASCE":                  "",
			"ascending":             "",
			"AS":                    "AS",
			"AS1":                   "",
			"AS_":                   "",
			"ASé":                   "",
			"AS中":                   "",
			"AS\u0301":              "", // a combining mark is a word character
			"AS\u200d":              "", // so is a zero-width joiner, to regexp2
			"AS\u00a0":              "AS",
			"AS😀":                   "AS",
			"\u212Aey.":             "\u212Aey", // Kelvin sign folds to k
			"\u017Fet x":            "\u017Fet", // long s folds to s
			"\u0130F x":             "",         // I with dot does not fold to i
			"\u0131f x":             "",         // nor does dotless i
			"\u1E9E ":               "\u1E9E",   // capital sharp s folds to ß
			"ς;":                    "ς",        // final sigma folds to Σ
			"ǆ ":                    "ǆ",        // Ǆ is upper case: its orbit matches
			"ǅa ":                   "ǅa",
			"ǆa ":                   "",   // ǅ is title case: regexp2 matches it only
			"ⅰⅱx":                   "ⅰⅱ", // small roman numerals are not letters,
			"ⅠⅡ ":                   "",   // nor word characters: regexp2 matches
			"ⒶⒷ ":                   "",   // them as themselves, and circled letters
			"c-d":                   "c",
			"_x _X":                 "_x",
			"":                      "",
			"\n":                    "",
			"SET\nASC":              "SET",
			"x AS y":                "",
			"IF\u212A":              "", // Kelvin sign is a letter: no boundary
			"\U0001D400":            "",
			"AS\U0001D400":          "",
			"ASCIIASC ASC":          "",
			"ascii_ascii ascii asc": "",
		}},
		{"leftmost first, not longest", `(AS|ASC)`, true, true, map[string]string{
			"ASC": "AS",
			"asc": "as",
		}},
		{"backtracking into the next word", `(AS|ASC)\b`, false, true, map[string]string{
			"ASC": "ASC",
			"AS.": "AS",
			"as":  "",
		}},
		{"case-sensitive", `\b(key|Set|if)\b`, false, true, map[string]string{
			"key":       "key",
			"\u212Aey":  "",
			"KEY":       "",
			"Set":       "Set",
			"set":       "",
			"1key _if":  "", // \b sees the digit and the underscore before
			"é\u0301if": "", // and the combining mark
			"\u200dif":  "", // and the zero-width joiner
			"😀if-":      "",
		}},
		{"prefix and suffix", `\$\((foo|bar)\)\b`, false, true, map[string]string{
			"$(foo)":  "", // no boundary between ")" and the end
			"$(bar)x": "$(bar)",
			"$(baz)x": "",
		}},
		{"words with spaces and punctuation", `(ORDER BY|GROUP BY|\+\+|\->|==|<=|<)`, true, true, map[string]string{
			"order by x": "order by",
			"ORDER  BY":  "",
			"->x":        "->",
			"<=":         "<=",
			"<>":         "<",
			"++":         "++",
		}},
		{"a bare list", `and|or|unless`, false, true, map[string]string{
			"unless": "unless",
			"order":  "or",
			"Or":     "",
		}},
		{"bash keywords", `\b(if|fi|else|do|done|for)(\s*)\b`, false, false, map[string]string{
			"done ;":  "done",
			"do  x":   "do  ",
			"fi":      "fi",
			"iff":     "",
			"for\t\t": "for",
		}},
		{"bash builtins", `\b(cd|echo|exec|exit)(?=[\s)` + "`" + `])`, false, false, map[string]string{
			"echo x": "echo",
			"exit)":  "exit",
			"exec;":  "",
			"exit":   "",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rl, rules := oneRule(t, tt.pattern, tt.ignoreCase)
			if w := rules[0].words; w == nil || w.exact != tt.exact {
				t.Fatalf("the rule's word list is %+v, want one with exact %v", w, tt.exact)
			}
			matchesAsRegexp2(t, rl, rules, tt.starts)
		})
	}
}

// matchesAsRegexp2 checks that the loop's match of rules, a single rule,
// gives regexp2's groups at every position of each input, and that
// regexp2 matches what starts says at the start of each ("" for no match
// or an empty one).
func matchesAsRegexp2(t *testing.T, rl *ruleLexer, rules []*ruleInfo, starts map[string]string) {
	t.Helper()
	re := rules[0].rule.Regexp
	for in, start := range starts {
		text := []rune(in)
		for pos := range text {
			var want []string
			if m, err := re.FindRunesMatchStartingAt(text, pos); err != nil {
				t.Fatal(err)
			} else if m != nil && m.RuneIndex == pos {
				for _, g := range m.Groups() {
					want = append(want, g.String())
				}
			}
			got := matchAt(rl, rules, text, pos)
			if !slices.Equal(got, want) {
				t.Errorf("%q at %d: the loop matches %q, regexp2 %q", in, pos, got, want)
			}
			if pos == 0 && (len(want) > 0 && want[0] != start || len(want) == 0 && start != "") {
				t.Errorf("%q: regexp2 matches %q at its start, the case says %q", in, want, start)
			}
		}
	}
}

// matchAt returns the groups of the loop's match of rules at pos in text,
// or nil.
func matchAt(rl *ruleLexer, rules []*ruleInfo, text []rune, pos int) []string {
	l := &lexing{rl: rl, state: &chroma.LexerState{Text: text, Pos: pos}}
	l.yield = l.take
	if _, info := l.match(rules); info != nil {
		return l.groups
	}
	return nil
}

// TestCaseFoldingAsRegexp2: under (?i) a word's character matches what
// regexp2's parser makes of it, for every character of the accelerated
// content lexers' words and some whose folding is tricky.
func TestCaseFoldingAsRegexp2(t *testing.T) {
	chars := map[rune]bool{}
	for _, r := range "kKsSiIµßẞΣσςǄǅǆΩωÅå\u0130\u0131\u212A\u017F\u2126\u212B\u0345\u1E9E_0-" {
		chars[r] = true
	}
	reg := NewRegistry()
	for _, lang := range contentLanguages {
		rl, ok := reg.Get(lang).(*ruleLexer)
		if !ok {
			t.Fatalf("%s is not run by the loop", lang)
		}
		if _, err := rl.Tokenise(nil, ""); err != nil || rl.err != nil {
			t.Fatalf("%s: %v, %v", lang, err, rl.err)
		}
		for _, infos := range rl.states {
			for _, info := range infos {
				if info.words != nil {
					for _, word := range info.words.words {
						for _, c := range word {
							chars[c.r] = true
						}
					}
				}
			}
		}
	}
	last := rune(0x1FFFF) // beyond it no character folds
	if testing.Short() || raceDetector {
		last = 0x3000
	}
	for r := range chars {
		tree, err := syntax.Parse(`(?i)`+regexp2.Escape(string(r)), syntax.ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		n := tree.Root
		for len(n.Children) == 1 {
			n = n.Children[0]
		}
		c := newChar(r, true)
		for text := rune(0); text <= last; text++ {
			var want bool
			switch n.T {
			case syntax.NtOne:
				want = text == n.Ch
			case syntax.NtSet:
				want = n.Set.Contains(text)
			default:
				t.Fatalf("%q parses to node type %d", r, n.T)
			}
			if got := c.matches(text); got != want {
				t.Errorf("(?i)%q against %q: a word's character matches: %v, regexp2's: %v", r, text, got, want)
			}
		}
	}
}

// TestHotRulesTakeTheFastPath: the rules that cost the most regexp2 time
// in the content lexers are word lists or runs of characters, so that an
// upgrade of chroma that changes their shape shows here rather than as a
// slower build.
func TestHotRulesTakeTheFastPath(t *testing.T) {
	const (
		words  = "a list of words"
		filter = "a list of words that filters"
		run    = "a run of characters"
	)
	tests := []struct {
		lang  string
		state string
		rule  int
		shape string
	}{
		{"sql", "root", 5, words},
		{"sql", "root", 6, words},
		{"sql", "root", 0, run},
		{"bash", "root", 0, filter},
		{"bash", "root", 1, filter},
		{"bash", "root", 18, run},
		{"bash", "root", 20, run},
		{"promql", "root", 3, words},
		{"promql", "root", 4, words},
		{"promql", "root", 5, words},
		{"yaml", "root", 16, words},
		{"json", "root", 1, words},
	}
	reg := NewRegistry()
	for _, tt := range tests {
		rl, ok := reg.Get(tt.lang).(*ruleLexer)
		if !ok {
			t.Fatalf("%s is not run by the loop", tt.lang)
		}
		if _, err := rl.Tokenise(nil, ""); err != nil || rl.err != nil {
			t.Fatalf("%s: %v, %v", tt.lang, err, rl.err)
		}
		infos := rl.states[tt.state]
		if tt.rule >= len(infos) {
			t.Errorf("%s has no rule %s.%d", tt.lang, tt.state, tt.rule)
			continue
		}
		info := infos[tt.rule]
		shape := "left to regexp2"
		switch {
		case info.words != nil && info.words.exact:
			shape = words
		case info.words != nil:
			shape = filter
		case info.run != nil:
			shape = run
		}
		if shape != tt.shape {
			t.Errorf("%s %s.%d %q is %s, want %s", tt.lang, tt.state, tt.rule, info.rule.Pattern, shape, tt.shape)
		}
	}
}

// TestWordListRefuses: patterns that are not lists of literal words, or
// whose matches need not start with one, are left to regexp2.
func TestWordListRefuses(t *testing.T) {
	for _, pattern := range []string{
		`(a|b)?x`,       // the list is optional
		`(a|b)*`,        // or repeated
		`(a|b){2}`,      // or counted
		`(a|b)x|y`,      // or one side of an alternation
		`a*(b|c)`,       // a quantified prefix
		`(a|)\b`,        // an empty word
		`(a|b\w)`,       // a class in a word
		`(a|b.)`,        // any character
		`(?x)(a | b)`,   // spaces that do not count
		`(?n)(a|b)\b`,   // groups that do not capture
		`(?i:a|b)`,      // flags of a group
		`(?<w>a|b)\b`,   // a named group
		`\B(a|b)`,       // not a boundary
		`^(a|b)`,        // an anchor
		`(a|\d)`,        // an escaped class
		`(a|\x41)`,      // an escaped code
		`(?:(a|b))|c\b`, // an alternation around the group
	} {
		l := chroma.MustNewLexer(&chroma.Config{Name: pattern}, func() chroma.Rules {
			return chroma.Rules{"root": {{Pattern: pattern, Type: chroma.Keyword}}}
		})
		rl := &ruleLexer{RegexLexer: l}
		if _, err := rl.Tokenise(nil, ""); err != nil || rl.err != nil {
			t.Fatalf("%s: %v, %v", pattern, err, rl.err)
		}
		if w := rl.states["root"][0].words; w != nil {
			t.Errorf("%s is taken for a list of words (exact %v)", pattern, w.exact)
		}
	}
}
