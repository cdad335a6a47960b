package lexer

import (
	"errors"
	"reflect"
	"unsafe"

	"github.com/alecthomas/chroma/v2"
	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
)

// This file reads two things chroma and regexp2 compute but do not
// export, so that the loop compiles nothing of its own: a RegexLexer's
// compiled rules (after the include and combined mutators), and a
// Regexp's program, whose first-character set tells which rules cannot
// match at a position. Both are read-only after compiling. The field
// names and types are checked here, and TestPinnedVersions fails on an
// upgrade of either module, so that the loop is checked against the new
// version before it is trusted.

var errLayout = errors.New("chroma's or regexp2's internals are not as this package expects")

var compiledRulesType = reflect.TypeFor[map[string][]*chroma.CompiledRule]()

// compiled returns the rules chroma compiled for l; call l.Rules first.
func compiled(l *chroma.RegexLexer) (chroma.CompiledRules, error) {
	f := reflect.ValueOf(l).Elem().FieldByName("rules")
	if !f.IsValid() || f.Type() != compiledRulesType {
		return nil, errLayout
	}
	rules := *(*map[string][]*chroma.CompiledRule)(unsafe.Pointer(f.UnsafeAddr()))
	if rules == nil {
		return nil, errLayout
	}
	return rules, nil
}

var codeType = reflect.TypeFor[*syntax.Code]()

// firstChars returns the characters a match of re can start with, or nil
// when any character can start one (or re's program cannot be read, which
// only costs speed).
func firstChars(re *regexp2.Regexp) *syntax.CharSet {
	f := reflect.ValueOf(re).Elem().FieldByName("code")
	if !f.IsValid() || f.Type() != codeType {
		return nil
	}
	code := *(**syntax.Code)(unsafe.Pointer(f.UnsafeAddr()))
	if code == nil || code.FcPrefix == nil || code.RightToLeft {
		return nil
	}
	return &code.FcPrefix.PrefixSet
}

var optionsType = reflect.TypeFor[regexp2.RegexOptions]()

// compileOptions returns the options re was compiled with (chroma passes
// none), or false when they cannot be read.
func compileOptions(re *regexp2.Regexp) (regexp2.RegexOptions, bool) {
	f := reflect.ValueOf(re).Elem().FieldByName("options")
	if !f.IsValid() || f.Type() != optionsType {
		return 0, false
	}
	return *(*regexp2.RegexOptions)(unsafe.Pointer(f.UnsafeAddr())), true
}
