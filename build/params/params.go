// Package params implements the types of command parameters: the values a
// runbook's vars may take when a reader fills them in, or a link fills them
// in for the reader. A value is always checked twice, against a safe
// alphabet every parameter shares and against the parameter's own kind or
// pattern, so that a link pasted in an incident channel cannot turn
// "WHERE id = $ID" into "WHERE id = id" or "logs $POD" into "logs --all".
// The browser checks values with the same expressions (see Type.Source).
package params

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// MaxLen is the longest value a parameter takes.
const MaxLen = 200

// Safe is the alphabet of every value, as a regular expression for both Go
// and JavaScript: no spaces, quotes, ";", "$", backticks, "*", "#" or
// brackets. Values may not start with "-" (an option) or hold "--" (an
// SQL comment, or the end of a command's options); Valid checks those.
const Safe = `^[A-Za-z0-9._:/@+=,-]{1,200}$`

var safe = regexp.MustCompile(Safe)

// A Kind is a named type of value.
type Kind struct {
	Name    string
	Pattern string // regular expression the whole value matches
	Says    string // what the value must be, for a reader: "a UUID"
}

// Kinds are the kinds a var may declare.
var Kinds = []Kind{
	{"uuid", `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`, "a UUID (8-4-4-4-12 hexadecimal digits)"},
	{"integer", `[0-9]{1,18}`, "a whole number, digits only"},
	{"cuit", `[0-9]{2}-?[0-9]{8}-?[0-9]`, "a CUIT: 11 digits, as 20123456789 or 20-12345678-9"},
	{"dns-label", `[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?`, "a DNS label: lowercase letters, digits and -, at most 63"},
	{"k8s-name", `[a-z0-9]([a-z0-9.-]{0,198}[a-z0-9])?`, "a Kubernetes name: lowercase letters, digits, - and ."},
	{"word", `[A-Za-z0-9_]{1,64}`, "a word: letters, digits and _"},
}

// KindNames returns the names of the kinds, for messages.
func KindNames() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = k.Name
	}
	return strings.Join(names, ", ")
}

// LookupKind returns the kind called name.
func LookupKind(name string) (Kind, bool) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Name == name })
	if i < 0 {
		return Kind{}, false
	}
	return Kinds[i], true
}

// Type is what values a parameter takes: those of a kind, those matching
// an author's pattern, or, with neither, any value of the safe alphabet.
type Type struct {
	Kind    string // a name from Kinds, or ""
	Pattern string // an author's regular expression, or ""
}

// Source returns the regular expression a value matches besides the safe
// alphabet, anchored, in the syntax Go and JavaScript share; "" when the
// safe alphabet is all.
func (t Type) Source() string {
	p := t.Pattern
	if k, ok := LookupKind(t.Kind); ok {
		p = k.Pattern
	}
	if p == "" {
		return ""
	}
	return "^(?:" + p + ")$"
}

// Says returns what a value must be, for the message next to a field.
func (t Type) Says() string {
	if k, ok := LookupKind(t.Kind); ok {
		return k.Says
	}
	if t.Pattern != "" {
		return "a value matching " + t.Pattern
	}
	return "letters, digits and . _ : / @ + = , - only, not starting with -"
}

// Valid reports whether value is one the parameter takes. The empty value
// leaves the parameter unfilled and is always valid.
func (t Type) Valid(value string) bool {
	if value == "" {
		return true
	}
	if !safe.MatchString(value) || strings.HasPrefix(value, "-") || strings.Contains(value, "--") {
		return false
	}
	src := t.Source()
	if src == "" {
		return true
	}
	re, err := regexp.Compile(src)
	return err == nil && re.MatchString(value)
}

// unportable are the constructs of Go's regular expressions that
// JavaScript reads differently or not at all.
var unportable = []struct{ s, why string }{
	{"(?", "flags, named groups and lookarounds are not supported (only (?:...))"},
	{"[[:", "POSIX classes are not supported"},
	{`\A`, `use ^`}, {`\z`, `use $`}, {`\Q`, `quote with \`}, {`\p`, "Unicode classes are not supported"},
	{`\P`, "Unicode classes are not supported"}, {`\C`, "not supported"},
}

// CheckPattern reports, as an error, why p cannot be a parameter's
// pattern: it is not a regular expression, or uses a construct the
// browser would read differently.
func CheckPattern(p string) error {
	if p == "" {
		return fmt.Errorf("pattern is empty")
	}
	for _, u := range unportable {
		if strings.Contains(strings.ReplaceAll(p, "(?:", ""), u.s) {
			return fmt.Errorf("pattern %q uses %s: %s", p, u.s, u.why)
		}
	}
	if _, err := regexp.Compile("^(?:" + p + ")$"); err != nil {
		return fmt.Errorf("pattern %q is not a regular expression: %v", p, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	return nil
}
