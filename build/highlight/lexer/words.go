package lexer

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
)

// A wordList is a rule whose pattern is a list of literal words, as
// chroma's Words builds them: `(KW1|KW2|...)\b`, optionally with literal
// characters and word boundaries before and after the list. Keyword rules
// are most of the time regexp2 spends in the lexers runbooks use (SQL's
// list of 600 keywords costs 10 µs an attempt), and most attempts fail on
// the first or second character; a wordList looks up the words that can
// start with the character at the position, in their order, and compares
// them without running regexp2.
//
// A wordList matches as regexp2 does: the first word in the pattern's
// order that matches and is followed by the suffix wins (the alternation
// backtracks into the next word when the suffix fails), \b is regexp2's
// (Runner.IsBoundary), and under (?i) a character matches the characters
// of its simple case-folding orbit when regexp2 folds it (see newChar).
// TestWordListsMatchRegexp2 compares the two on tricky input.
//
// When the pattern goes on after the list with something a wordList does
// not understand (bash: `\b(if|fi|...)(\s*)\b`, `\b(alias|...)(?=[\s)`])`),
// the list is only a filter: no word matches, so the rule cannot; a word
// matches, so regexp2 decides (exact is false). Most attempts still end
// at the filter.
type wordList struct {
	prefix, suffix []char
	words          [][]char // in the pattern's order
	captured       bool     // the words are group 1
	exact          bool     // the pattern is all understood: match's answer is regexp2's

	// The words that can start with a character, in their order: for an
	// ASCII character c, order[byFirst[c]:byFirst[c+1]]; for others,
	// byRune.
	byFirst [utf8.RuneSelf + 1]int32
	order   []candidate
	byRune  map[rune][]candidate
}

// A candidate is a word that can start with a character, and its second
// character, which rules out most candidates without a look at the word.
type candidate struct {
	word   int32
	second char
	short  bool // a word of one character: no second to compare
}

// A char is one character of a pattern (or a \b between two characters).
type char struct {
	r        rune // the character, or with fold its orbit's least member
	fold     bool // any character of r's case-folding orbit matches
	boundary bool // not a character but \b
}

// matches reports whether text character t matches c, which is not a
// boundary.
func (c char) matches(t rune) bool {
	return t == c.r || c.fold && leastFold(t) == c.r
}

// leastFold returns the least member of r's simple case-folding orbit
// (unicode.SimpleFold): two characters fold to each other when their
// least members are the same.
func leastFold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// newChar returns the char for a literal character of a pattern. Under
// (?i) regexp2 turns a character into the set of its orbit only when it
// is an upper or lower case letter (syntax's nodeWithCaseConversion), so
// that, for one, a title-case letter still matches only itself.
func newChar(r rune, ignoreCase bool) char {
	if ignoreCase && (unicode.IsLower(r) || unicode.IsUpper(r)) {
		return char{r: leastFold(r), fold: true}
	}
	return char{r: r}
}

// isBoundary reports whether \b matches at i, as regexp2's
// Runner.IsBoundary does over the whole text.
func isBoundary(text []rune, i int) bool {
	return (i > 0 && syntax.IsWordChar(text[i-1])) != (i < len(text) && syntax.IsWordChar(text[i]))
}

// matchChars returns where cs, matched at i, end in text.
func matchChars(text []rune, i int, cs []char) (int, bool) {
	for _, c := range cs {
		if c.boundary {
			if !isBoundary(text, i) {
				return 0, false
			}
			continue
		}
		if i >= len(text) || !c.matches(text[i]) {
			return 0, false
		}
		i++
	}
	return i, true
}

// match matches the list at pos in text. It returns where the matched
// word starts and ends and where the match ends. When the list is not
// exact, ok only says that a word matches after the prefix.
func (w *wordList) match(text []rune, pos int) (start, end, matchEnd int, ok bool) {
	start, ok = matchChars(text, pos, w.prefix)
	if !ok || start >= len(text) {
		return 0, 0, 0, false
	}
	var candidates []candidate
	if c := text[start]; c < utf8.RuneSelf {
		candidates = w.order[w.byFirst[c]:w.byFirst[c+1]]
	} else {
		candidates = w.byRune[c]
	}
	next, nextFold := rune(-1), rune(-1)
	if start+1 < len(text) {
		next = text[start+1]
		nextFold = leastFold(next)
	}
	for _, k := range candidates {
		if !k.short && next != k.second.r && !(k.second.fold && nextFold == k.second.r) {
			continue
		}
		word := w.words[k.word]
		end, ok := matchChars(text, start+1, word[1:])
		if !ok {
			continue
		}
		if !w.exact {
			return start, end, end, true
		}
		if matchEnd, ok := matchChars(text, end, w.suffix); ok {
			return start, end, matchEnd, true
		}
	}
	return 0, 0, 0, false
}

// index builds the lookup of words by their first character. Every
// character a word's first char matches lists the word, so that a text
// character finds its candidates in one look-up.
func (w *wordList) index() {
	var ascii [utf8.RuneSelf][]candidate
	for k, word := range w.words {
		first := word[0]
		cand := candidate{word: int32(k), short: len(word) == 1}
		if !cand.short {
			cand.second = word[1]
		}
		starts := []rune{first.r}
		if first.fold {
			for f := unicode.SimpleFold(first.r); f != first.r; f = unicode.SimpleFold(f) {
				starts = append(starts, f)
			}
		}
		for _, r := range starts {
			if r < utf8.RuneSelf {
				ascii[r] = append(ascii[r], cand)
				continue
			}
			if w.byRune == nil {
				w.byRune = map[rune][]candidate{}
			}
			w.byRune[r] = append(w.byRune[r], cand)
		}
	}
	for c, ks := range ascii {
		w.byFirst[c] = int32(len(w.order))
		w.order = append(w.order, ks...)
	}
	w.byFirst[utf8.RuneSelf] = int32(len(w.order))
}

// learnWordList returns the wordList of a rule compiled by chroma, or nil
// when the rule's pattern is not a list of words, or is one in a way this
// file does not fully understand: such a rule is left to regexp2.
//
// chroma compiles a rule as `\G(?FLAGS)(?:PATTERN)` with no options, the
// flags from the lexer's config (m, i, s); groups are the rule's groups,
// as regexp2 numbers them.
func learnWordList(re *regexp2.Regexp, groups []int) *wordList {
	if options, ok := compileOptions(re); !ok || options != regexp2.None {
		return nil
	}
	pattern, ok := strings.CutPrefix(re.String(), `\G`)
	if !ok {
		return nil
	}
	ignoreCase := false
	if rest, ok := strings.CutPrefix(pattern, "(?"); ok && !strings.HasPrefix(rest, ":") {
		flags, rest, ok := strings.Cut(rest, ")")
		if !ok || flags == "" || strings.Trim(flags, "mis") != "" {
			return nil // n, x, e, r... change what a pattern means
		}
		ignoreCase = strings.Contains(flags, "i")
		pattern = rest
	}
	body, ok := strings.CutPrefix(pattern, "(?:")
	if !ok {
		return nil
	}
	if body, ok = strings.CutSuffix(body, ")"); !ok {
		return nil
	}
	p := &wordParser{rest: []rune(body), ignoreCase: ignoreCase}
	w := &wordList{}
	bare := *p
	if words := bare.words(); words != nil && len(bare.rest) == 0 {
		w.words, p.rest = words, nil // a bare list: and|or|unless
	} else {
		w.prefix = p.chars()
		switch {
		case p.take("(?:"):
		case p.take("("):
			w.captured = true
		default:
			return nil
		}
		if w.words = p.words(); w.words == nil || !p.take(")") {
			return nil
		}
		w.suffix = p.chars()
	}
	w.exact = len(p.rest) == 0
	want := []int{0}
	if w.captured {
		want = []int{0, 1}
	}
	switch {
	case w.exact && !slices.Equal(groups, want):
		return nil
	case !w.exact && !(w.captured && startsWithList(re.String())):
		return nil
	}
	w.index()
	return w
}

// startsWithList reports whether pattern, parsed by regexp2, is a
// concatenation of characters and \b, group 1, and anything: then a match
// of it starts with a match of group 1, and a wordList of group 1's words
// is a sound filter for it.
func startsWithList(pattern string) bool {
	tree, err := syntax.Parse(pattern, syntax.ParseOptions{})
	if err != nil || tree.Root == nil || tree.Root.T != syntax.NtCapture || len(tree.Root.Children) != 1 {
		return false
	}
	cat := tree.Root.Children[0]
	if cat.T != syntax.NtConcatenate {
		return false
	}
	for _, n := range cat.Children {
		switch n.T {
		case syntax.NtStart, syntax.NtBoundary, syntax.NtOne, syntax.NtMulti, syntax.NtSet, syntax.NtEmpty:
		case syntax.NtCapture:
			return n.M == 1
		default:
			return false
		}
	}
	return false
}

// wordParser reads the parts of a word list's pattern, accepting only
// what it fully understands.
type wordParser struct {
	rest       []rune
	ignoreCase bool
}

// take consumes s if the rest starts with it.
func (p *wordParser) take(s string) bool {
	r := []rune(s)
	if len(p.rest) < len(r) || !slices.Equal(p.rest[:len(r)], r) {
		return false
	}
	p.rest = p.rest[len(r):]
	return true
}

// metachars are the characters that are not literal outside a class
// (without the x flag, which a wordList refuses).
const metachars = `\.+*?()|[]{}^$`

// punctuation are the ASCII characters that stand for themselves when
// escaped (regexp2's scanCharEscape: an escaped character that is not a
// word character); escaped letters and digits are classes, anchors,
// back-references or codes.
const punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~"

// chars consumes literal characters and \b, and stops before anything
// else, or before a character a quantifier applies to.
func (p *wordParser) chars() []char {
	var cs []char
	for {
		c, n, ok := p.literal()
		if !ok && len(p.rest) >= 2 && p.rest[0] == '\\' && p.rest[1] == 'b' {
			c, n, ok = char{boundary: true}, 2, true
		}
		if !ok || n < len(p.rest) && strings.ContainsRune("*+?{", p.rest[n]) {
			return cs
		}
		cs = append(cs, c)
		p.rest = p.rest[n:]
	}
}

// literal returns the literal character at the start of the rest, and
// how many runes it takes.
func (p *wordParser) literal() (char, int, bool) {
	switch {
	case len(p.rest) == 0:
		return char{}, 0, false
	case p.rest[0] == '\\':
		if len(p.rest) >= 2 && strings.ContainsRune(punctuation, p.rest[1]) {
			return char{r: p.rest[1]}, 2, true
		}
		return char{}, 0, false
	case strings.ContainsRune(metachars, p.rest[0]):
		return char{}, 0, false
	}
	return newChar(p.rest[0], p.ignoreCase), 1, true
}

// words consumes an alternation of non-empty literal words, and returns
// nil if anything else (a quantifier, a class, a group) is in it.
func (p *wordParser) words() [][]char {
	var words [][]char
	for {
		var word []char
		for {
			c, n, ok := p.literal()
			if !ok {
				break
			}
			word = append(word, c)
			p.rest = p.rest[n:]
		}
		if len(word) == 0 {
			return nil
		}
		words = append(words, word)
		if !p.take("|") {
			break
		}
	}
	if len(p.rest) > 0 && p.rest[0] != ')' {
		return nil
	}
	return words
}
