// Package commands checks the commands in a page's code blocks: shell is
// parsed with a real shell parser and read for unsafe patterns (a
// destructive command on a variable that may be empty, a variable no block
// of the page sets, `curl | sh`, `sudo` with a redirect), PromQL with
// Prometheus's parser, YAML and JSON with their decoders. Every problem is
// positioned at its line and column in the Markdown file. A fence with
// {nocheck} is skipped.
package commands

import (
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
)

// The rules of this package.
const (
	RuleSyntax          = "command-syntax"
	RuleDestructiveVar  = "destructive-unset-var"
	RuleUndefinedVar    = "undefined-var"
	RulePipeToShell     = "pipe-to-shell"
	RuleSudoRedirect    = "sudo-redirect"
	RuleManifestMissing = "manifest-missing-kind"
)

// Check checks the code blocks of one page. parsed, which may be nil,
// holds the shell already parsed of them (see Parsed.Destructive).
func Check(p *page.Page, parsed *Parsed) []diag.Problem {
	c := &checker{path: p.Path, defined: map[string]setBy{}, parsed: parsed}
	for _, v := range p.Meta.Vars {
		// The page fills in a parameter only when it has a value: one
		// left empty reaches the shell as $NAME, and expands to nothing.
		c.defined[v.Name] = setMaybeEmpty
		if v.Default != "" {
			c.defined[v.Name] = setByParam
		}
	}
	for _, b := range p.Code {
		if b.Code == "" {
			continue
		}
		skip := b.Has("nocheck") || !b.Fenced
		switch kindOf(b.Lang) {
		case shell, console:
			c.shell(b, skip)
		case data:
			if !skip {
				c.data(b)
			}
		}
	}
	return c.probs
}

// checker is the state of checking one page.
type checker struct {
	path    string
	probs   []diag.Problem
	defined map[string]setBy // variables the page's earlier blocks set
	opaque  bool             // an earlier block sources a file or evals: any variable may be set
	parsed  *Parsed          // the blocks' shell, where already parsed
}

func (c *checker) errorf(line, col int, rule, format string, args ...any) {
	c.probs = append(c.probs, diag.Errorf(c.path, line, col, rule, format, args...))
}

func (c *checker) warnf(line, col int, rule, format string, args ...any) {
	c.probs = append(c.probs, diag.Warnf(c.path, line, col, rule, format, args...))
}
