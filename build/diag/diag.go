// Package diag implements the problems the build reports and their output
// formats: compiler-style text, JSON and GitHub workflow annotations.
package diag

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity is how bad a problem is.
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Problem is something a user must fix, positioned in the source.
type Problem struct {
	File       string   `json:"file"` // slash path relative to the source root
	Line       int      `json:"line"`
	Col        int      `json:"column"`
	Severity   Severity `json:"severity"`
	Rule       string   `json:"rule"`
	Target     string   `json:"target,omitempty"`
	Message    string   `json:"message"`
	Suggestion string   `json:"suggestion,omitempty"`
}

// Errorf returns an error-severity problem.
func Errorf(file string, line, col int, rule, format string, args ...any) Problem {
	return Problem{File: file, Line: line, Col: col, Severity: Error, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// Warnf returns a warning-severity problem.
func Warnf(file string, line, col int, rule, format string, args ...any) Problem {
	return Problem{File: file, Line: line, Col: col, Severity: Warning, Rule: rule, Message: fmt.Sprintf(format, args...)}
}

// Sort orders problems by file, line, column, then rule and message, so
// output is stable.
func Sort(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
			cmp.Compare(a.Rule, b.Rule),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Count returns the number of errors and warnings.
func Count(ps []Problem) (errors, warnings int) {
	for _, p := range ps {
		if p.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// String formats the problem like a compiler: path:line:col: error: message,
// on one line, with control characters escaped (see Escape). The path is
// relative to the source root; Text prefixes the root.
func (p Problem) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", Escape(p.File), p.Line, p.Col, Escape(string(p.Severity)), p.text())
}

// text returns the message with its suggestion and rule, escaped.
func (p Problem) text() string {
	s := p.Message
	if p.Suggestion != "" {
		s += fmt.Sprintf(" (did you mean %q?)", p.Suggestion)
	}
	if p.Rule != "" {
		s += " [" + p.Rule + "]"
	}
	return Escape(s)
}
