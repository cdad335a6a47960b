// Package lexer implements a faster loop for chroma's regular-expression
// lexers: the same rules, the same compiled patterns, the same emitters,
// the same tokens (see TestLoopMatchesChroma), about three times faster.
package lexer

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
)

// LoopVersion names what the loop emits. Change it with any change to the
// loop, so that highlighted blocks stored by an earlier loop are not reused.
const LoopVersion = 5

// NewRegistry returns a registry of chroma's lexers in which each of its
// regular-expression lexers runs in ruleLexer's loop. Lexers that call
// other lexers by name (console calls bash for its commands) find them
// here, so they run in the fast loop too. chroma's own registry and
// lexers are left as they are.
func NewRegistry() *chroma.LexerRegistry {
	reg := chroma.NewLexerRegistry()
	for _, l := range lexers.GlobalLexerRegistry.Lexers {
		if rl, ok := l.(*chroma.RegexLexer); ok {
			reg.Register(&ruleLexer{RegexLexer: rl})
		} else {
			reg.Register(foreign{l})
		}
	}
	return reg
}

// foreign is a lexer of another kind, registered without being told of
// the registry, which would change chroma's shared lexer.
type foreign struct{ chroma.Lexer }

func (f foreign) SetRegistry(*chroma.LexerRegistry) chroma.Lexer { return f }

// ruleLexer runs the rules of one of chroma's regular-expression lexers
// with a faster loop than chroma's own, producing the same tokens.
//
// chroma tries a state's rules in order at every position, and for every
// rule it sets up a regexp2 match and allocates a Match, then on success
// a slice and a map of the groups; every token also allocates a JSON
// encoder for its trace option. Most rules fail at most positions, on
// their first character. This loop knows from each rule's compiled
// program which characters can start a match, and skips the rule without
// running it when the character at the position is not one of them; it
// matches through regexp2's allocation-free FindRunesMatches; it matches
// rules that are lists of literal words (keywords) or runs of one class
// of characters (white space) without regexp2 (see wordList and
// charRun); and it builds the map of named groups only for rules that may
// read it.
//
// The rules and their compiled patterns are chroma's own (see compiled),
// so nothing is compiled twice. The emitters and mutators are chroma's,
// given the chroma.LexerState they expect. Lexers with mutator functions,
// which may rewrite the rules as the lexer runs (Raku, Haxe), are left to
// chroma's loop.
type ruleLexer struct {
	*chroma.RegexLexer
	registry *chroma.LexerRegistry // where its emitters find other lexers

	once   sync.Once
	err    error                // errUnsupported or a compile error: use chroma's loop
	rules  chroma.CompiledRules // chroma's, after the compile-time mutators
	states map[string][]*ruleInfo
}

// ruleInfo is what the loop knows of one rule.
type ruleInfo struct {
	rule    *chroma.CompiledRule
	first   *syntax.CharSet // characters that can start a match; nil for any
	words   *wordList       // the rule's words, if it is a list of words
	run     *charRun        // the rule's characters, if it is a run of them
	numbers []int           // group numbers in the order chroma lists groups
	names   []string        // group names, the same order
	named   bool            // the rule's emitter or mutator may read NamedGroups
}

// errUnsupported marks lexers left to chroma's own loop.
var errUnsupported = errors.New("lexer has mutator functions")

// SetRegistry records the registry without passing it on to chroma's
// lexer, which other registries share.
func (rl *ruleLexer) SetRegistry(r *chroma.LexerRegistry) chroma.Lexer {
	rl.registry = r
	return rl
}

// compile takes chroma's compiled rules and learns, for each rule, what
// the loop needs.
func (rl *ruleLexer) compile() error {
	raw, err := rl.RegexLexer.Rules() // compiles chroma's rules
	if err != nil {
		return err
	}
	for _, rs := range raw {
		for _, r := range rs {
			if _, ok := r.Mutator.(chroma.MutatorFunc); ok {
				return errUnsupported
			}
		}
	}
	rules, err := compiled(rl.RegexLexer)
	if err != nil {
		return err
	}
	rl.rules = rules
	rl.states = make(map[string][]*ruleInfo, len(rules))
	for name, rs := range rules {
		infos := make([]*ruleInfo, len(rs))
		for i, r := range rs {
			if infos[i], err = learn(r); err != nil {
				return fmt.Errorf("%s.%d: %w", name, i, err)
			}
		}
		rl.states[name] = infos
	}
	return nil
}

// learn returns what the loop knows of a rule compiled by chroma.
func learn(r *chroma.CompiledRule) (*ruleInfo, error) {
	if r.Regexp == nil {
		return nil, errors.New("rule not compiled")
	}
	info := &ruleInfo{rule: r, numbers: r.Regexp.GetGroupNumbers(), names: r.Regexp.GetGroupNames()}
	info.first = firstChars(r.Regexp)
	info.words = learnWordList(r.Regexp, info.numbers)
	if info.words == nil {
		info.run = learnCharRun(r.Regexp, info.numbers)
	}
	// chroma's own emitters read NamedGroups only for named groups.
	_, custom := r.Type.(chroma.EmitterFunc)
	info.named = custom
	for _, n := range info.names {
		if strings.Trim(n, "0123456789") != "" {
			info.named = true
		}
	}
	return info, nil
}

// Tokenise lexes text as chroma's RegexLexer.Tokenise does.
func (rl *ruleLexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	rl.once.Do(func() { rl.err = rl.compile() })
	if rl.err != nil {
		return rl.RegexLexer.Tokenise(options, text)
	}
	if options == nil {
		options = &chroma.TokeniseOptions{State: "root", EnsureLF: true}
	}
	if options.EnsureLF {
		text = ensureLF(text)
	}
	newlineAdded := false
	if !options.Nested && rl.Config().EnsureNL && !strings.HasSuffix(text, "\n") {
		text += "\n"
		newlineAdded = true
	}
	runes := []rune(text)
	l := &lexing{
		rl:   rl,
		root: options.State,
		end:  len(runes),
		state: &chroma.LexerState{
			Registry:       rl.registry,
			Lexer:          rl.RegexLexer,
			Text:           runes,
			Stack:          []string{options.State},
			Rules:          rl.rules,
			MutatorContext: map[any]any{},
		},
	}
	if newlineAdded {
		l.end--
	}
	l.yield = l.take
	return l.next, nil
}

// lexing is one run of a ruleLexer.
type lexing struct {
	rl        *ruleLexer
	state     *chroma.LexerState
	root      string
	end       int
	iterators []chroma.Iterator

	// match's state, kept here so that matching allocates no closure
	yield   func(regexp2.MatchView) bool
	trying  *ruleInfo
	groups  []string
	matched bool
}

// next returns the next token; it is chroma's LexerState.Iterator.
func (l *lexing) next() chroma.Token {
	s := l.state
	for s.Pos < l.end && len(s.Stack) > 0 {
		if t, ok := l.drain(); ok {
			return t
		}
		s.State = s.Stack[len(s.Stack)-1]
		rules, ok := l.rl.states[s.State]
		if !ok {
			panic("unknown state " + s.State)
		}
		i, info := l.match(rules)
		if info == nil {
			// As in chroma (and Pygments): an unmatched newline resets
			// the stack, anything else is an error token.
			if s.Text[s.Pos] == '\n' && s.State != l.root {
				s.Stack = []string{l.root}
				continue
			}
			s.Pos++
			return chroma.Token{Type: chroma.Error, Value: string(s.Text[s.Pos-1 : s.Pos])}
		}
		s.Rule = i
		s.Groups = l.groups
		s.NamedGroups = nil
		if info.named {
			s.NamedGroups = make(map[string]string, len(info.names))
			for j, name := range info.names {
				s.NamedGroups[name] = l.groups[j]
			}
		}
		s.Pos += utf8.RuneCountInString(l.groups[0])
		if info.rule.Mutator != nil {
			if err := info.rule.Mutator.Mutate(s); err != nil {
				panic(err)
			}
		}
		if info.rule.Type != nil {
			l.iterators = append(l.iterators, info.rule.Type.Emit(s.Groups, s))
		}
	}
	if t, ok := l.drain(); ok {
		return t
	}
	if s.Pos != len(s.Text) && len(s.Stack) == 0 {
		value := string(s.Text[s.Pos:])
		s.Pos = len(s.Text)
		return chroma.Token{Type: chroma.Error, Value: value}
	}
	return chroma.EOF
}

// drain returns the next token of the emitted iterators, if any is left.
func (l *lexing) drain() (chroma.Token, bool) {
	for len(l.iterators) > 0 {
		n := len(l.iterators) - 1
		t := l.iterators[n]()
		if t.Type == chroma.Ignore {
			continue
		}
		if t == chroma.EOF {
			l.iterators = l.iterators[:n]
			continue
		}
		return t, true
	}
	return chroma.Token{}, false
}

// match finds the first rule matching at the position, as chroma's
// matchRules does, and sets l.groups to its groups.
func (l *lexing) match(rules []*ruleInfo) (int, *ruleInfo) {
	s := l.state
	c := s.Text[s.Pos]
	for i, info := range rules {
		if info.first != nil && !info.first.Contains(c) {
			continue
		}
		if w := info.words; w != nil {
			start, end, matchEnd, ok := w.match(s.Text, s.Pos)
			if !ok {
				continue // no word matches, so neither does the rule
			}
			if w.exact {
				l.groups = make([]string, len(info.numbers))
				l.groups[0] = string(s.Text[s.Pos:matchEnd])
				if w.captured {
					l.groups[1] = string(s.Text[start:end])
				}
				return i, info
			}
			// A word matches; the rest of the pattern is regexp2's to judge.
		}
		if run := info.run; run != nil {
			end, ok := run.match(s.Text, s.Pos)
			if !ok {
				continue
			}
			l.groups = []string{string(s.Text[s.Pos:end])}
			return i, info
		}
		l.trying, l.matched = info, false
		// A timeout counts as no match, as in chroma.
		if err := info.rule.Regexp.FindRunesMatches(s.Text, s.Pos, l.yield); err == nil && l.matched {
			return i, info
		}
	}
	return 0, nil
}

// take takes the first match FindRunesMatches finds, if it is at the
// position, and stops the search.
func (l *lexing) take(m regexp2.MatchView) bool {
	text := l.state.Text
	if start, _, _ := m.GroupRange(0); start != l.state.Pos {
		return false
	}
	l.matched = true
	l.groups = make([]string, len(l.trying.numbers))
	for j, n := range l.trying.numbers {
		if at, length, ok := m.GroupRange(n); ok {
			l.groups[j] = string(text[at : at+length])
		}
	}
	return false
}

// ensureLF replaces \r\n and \r with \n, as chroma does.
func ensureLF(text string) string {
	if !strings.ContainsRune(text, '\r') {
		return text
	}
	return strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
}
