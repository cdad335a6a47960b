package lexer

import (
	"math"
	"slices"

	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
)

// A charRun is a rule whose pattern is one character, or one class of
// characters, repeated: `\s+`, `[^=\s\[\]{}()$"\'`\\<&|;]+`, `[;:()\[\],.]`.
// Nearly every lexer has white space and punctuation rules of this shape,
// and bash tries two of them (root rules 18 and 20) at most positions:
// once its keywords were word lists, they were its costliest rules.
// As nothing follows the repetition, regexp2's match is the longest run,
// up to the maximum, if it is as long as the minimum; the characters are
// regexp2's own, read from its parse of the pattern (with its case
// folding applied), so a charRun matches no other character than it.
type charRun struct {
	ch       rune            // the character, when set is nil
	not      bool            // any character but ch
	set      *syntax.CharSet // the class
	min, max int
}

// learnCharRun returns the charRun of a rule compiled by chroma, or nil
// when the rule's pattern, as regexp2 parses it, is anything else.
func learnCharRun(re *regexp2.Regexp, groups []int) *charRun {
	if options, ok := compileOptions(re); !ok || options != regexp2.None || !slices.Equal(groups, []int{0}) {
		return nil
	}
	tree, err := syntax.Parse(re.String(), syntax.ParseOptions{})
	if err != nil || tree.Root == nil || tree.Root.T != syntax.NtCapture || len(tree.Root.Children) != 1 {
		return nil
	}
	cat := tree.Root.Children[0]
	if cat.T != syntax.NtConcatenate || len(cat.Children) != 2 || cat.Children[0].T != syntax.NtStart {
		return nil
	}
	n := cat.Children[1]
	if n.Options&(syntax.IgnoreCase|syntax.RightToLeft|syntax.ECMAScript) != 0 {
		return nil // what the node's characters are is not all in the node
	}
	run := &charRun{ch: n.Ch, set: n.Set, min: 1, max: 1}
	switch n.T {
	case syntax.NtOne, syntax.NtSet:
	case syntax.NtNotone:
		run.not = true
	case syntax.NtOneloop, syntax.NtOneloopatomic, syntax.NtSetloop, syntax.NtSetloopatomic:
		run.min, run.max = n.M, n.N
	case syntax.NtNotoneloop, syntax.NtNotoneloopatomic:
		run.not, run.min, run.max = true, n.M, n.N
	default:
		return nil // lazy loops, groups, anchors...
	}
	if n.IsSetFamily() != (run.set != nil) || run.min < 0 || run.max < run.min {
		return nil
	}
	if run.max == math.MaxInt32 {
		run.max = math.MaxInt
	}
	return run
}

// contains reports whether c is one of the run's characters.
func (r *charRun) contains(c rune) bool {
	if r.set != nil {
		return r.set.Contains(c)
	}
	return (c == r.ch) != r.not
}

// match returns where the run matched at pos in text ends.
func (r *charRun) match(text []rune, pos int) (int, bool) {
	end := pos
	for end < len(text) && end-pos < r.max && r.contains(text[end]) {
		end++
	}
	return end, end-pos >= r.min
}
