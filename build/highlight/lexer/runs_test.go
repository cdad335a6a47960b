package lexer

import (
	"testing"

	"github.com/alecthomas/chroma/v2"
)

// TestCharRunsMatchRegexp2 matches rules that are runs of one class of
// characters, at every position of inputs full of Unicode white space,
// digits and case pairs, with the loop and with regexp2 alone, and wants
// the same match. Each case also names what the rule matches at the start
// of each input.
func TestCharRunsMatchRegexp2(t *testing.T) {
	const mixed = " \t\n\u00a0\u0085\u2028\u3000x\u212Ak\u017Fs9\u0663_$\"'`\\<&|;=[]{}()é\u0301中😀.*/"
	tests := []struct {
		name       string
		pattern    string
		ignoreCase bool
		starts     map[string]string // input: what the rule matches at its start ("" none)
	}{
		{"white space", `\s+`, false, map[string]string{
			" \t\n\u00a0\u0085\u2028\u3000x": " \t\n\u00a0\u0085\u2028\u3000",
			"x ":                             "",
			mixed:                            " \t\n\u00a0\u0085\u2028\u3000",
		}},
		{"white space under (?i)", `\s+`, true, map[string]string{
			"\u2029\r\v\fx": "\u2029\r\v\f",
		}},
		{"bash's words", `[^=\s\[\]{}()$"\'` + "`" + `\\<&|;]+`, false, map[string]string{
			"kubectl -n x":  "kubectl",
			"a=b":           "a",
			"é\u0301中😀.*/ ": "é\u0301中😀.*/",
			mixed:           "",
		}},
		{"letters under (?i)", `[a-z]+`, true, map[string]string{
			"\u212Ak\u017Fs9": "\u212Ak\u017Fs",
			"Éa":              "",
			"İi":              "",
		}},
		{"letters", `[a-z]+`, false, map[string]string{
			"\u212Ak":  "",
			"abcDEF":   "abc",
			"\u017Fs9": "",
		}},
		{"digits", `\d+`, false, map[string]string{
			"12\u0663\u09e7x": "12\u0663\u09e7",
			"\u2163":          "", // a roman numeral is not a decimal digit
		}},
		{"counted", `\d{2,3}`, false, map[string]string{
			"1":     "",
			"12":    "12",
			"12345": "123",
		}},
		{"punctuation", `[;:()\[\],.]`, false, map[string]string{
			";;": ";",
			"x;": "",
		}},
		{"any but a newline", `.+`, false, map[string]string{
			"ab\ncd": "ab",
			"\n":     "",
		}},
		{"any", `(?s).`, false, map[string]string{
			"\nx": "\n",
		}},
		{"none or more", `x*`, false, map[string]string{
			"xxy": "xx",
			"y":   "",
		}},
		// Patterns regexp2's parser reduces to one node.
		{"lazy at the end", `\s+?`, false, map[string]string{
			"  x": " ",
		}},
		{"an alternation of characters", `\s|x`, false, map[string]string{
			"x ": "x",
			" x": " ",
		}},
		{"flags of its own", `(?i)é+`, false, map[string]string{
			"ÉéE": "Éé",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rl, rules := oneRule(t, tt.pattern, tt.ignoreCase)
			if rules[0].run == nil {
				t.Fatalf("%s is not taken for a run of characters", tt.pattern)
			}
			matchesAsRegexp2(t, rl, rules, tt.starts)
		})
	}
}

// TestCharRunRefuses: patterns that are more than one repeated class of
// characters, once regexp2 has parsed them, are left to regexp2.
func TestCharRunRefuses(t *testing.T) {
	for _, pattern := range []string{
		`\s+x`,
		`(\s+)`,
		`\s+$`,
		`\s+|x+`,
		`\bx+`,
		`(?=\s)\s`,
		`[a-z_][\w$]*`,
	} {
		_, rules := oneRule(t, pattern, false)
		if rules[0].run != nil {
			t.Errorf("%s is taken for a run of characters", pattern)
		}
	}
}

// oneRule returns a ruleLexer of one rule, compiled as chroma compiles
// it, and what the loop learned of the rule.
func oneRule(t *testing.T, pattern string, ignoreCase bool) (*ruleLexer, []*ruleInfo) {
	t.Helper()
	l := chroma.MustNewLexer(&chroma.Config{Name: pattern, CaseInsensitive: ignoreCase}, func() chroma.Rules {
		return chroma.Rules{"root": {{Pattern: pattern, Type: chroma.Keyword}}}
	})
	rl := &ruleLexer{RegexLexer: l}
	if _, err := rl.Tokenise(nil, ""); err != nil || rl.err != nil {
		t.Fatalf("%s: %v, %v", pattern, err, rl.err)
	}
	return rl, rl.states["root"]
}
