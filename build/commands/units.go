package commands

import (
	"errors"
	"strings"
	"sync"
	"unicode/utf8"

	"mvdan.cc/sh/v3/syntax"
)

// kind is how a block's language is checked.
type kind int

const (
	other   kind = iota
	shell        // a script
	console      // a terminal session: commands after "$ " or "# " prompts, and their output
	sql
	redis
	data // YAML, JSON, PromQL: parsed, never run
	promql
	yamlKind
	jsonKind
)

// kindOf returns how a block in lang is read.
func kindOf(lang string) kind {
	switch strings.ToLower(lang) {
	case "bash", "sh", "shell", "zsh", "ksh":
		return shell
	case "console", "shell-session", "shellsession":
		return console
	case "sql", "postgresql", "postgres", "psql", "pgsql", "plpgsql", "mysql":
		return sql
	case "redis":
		return redis
	case "yaml", "yml", "json", "promql", "toml", "jsonc", "json5":
		return data
	}
	return other
}

// variant returns the shell dialect of a block in lang.
func variant(lang string) syntax.LangVariant {
	if strings.EqualFold(lang, "zsh") {
		return syntax.LangZsh
	}
	return syntax.LangBash
}

// origin is where a line of parsed text starts in the Markdown file: its
// line, and the column (in characters, 1-based) of its first byte.
type origin struct{ line, col int }

// unit is text the shell parser reads as one: a whole script block, or one
// command of a console block with its continuation lines.
type unit struct {
	src    string
	starts []int    // byte offset of each line of src
	orig   []origin // where each line of src is in the file
	file   *syntax.File
	err    error // the parse error, when file is nil
}

// at returns the file position of a line (1-based) and byte column
// (1-based) of the unit's text.
func (u *unit) at(line, col int) (int, int) {
	if len(u.orig) == 0 {
		return 1, 1
	}
	line = min(max(line, 1), len(u.orig))
	start := u.starts[line-1]
	end := len(u.src)
	if line < len(u.starts) {
		end = u.starts[line]
	}
	text := u.src[start:end]
	n := min(max(col-1, 0), len(text))
	return u.orig[line-1].line, u.orig[line-1].col + utf8.RuneCountInString(text[:n])
}

// pos returns the file position of a shell parser position in the unit.
func (u *unit) pos(p syntax.Pos) (int, int) {
	return u.at(int(p.Line()), int(p.Col()))
}

func newUnit(src string, orig []origin) *unit {
	u := &unit{src: src, orig: orig, starts: make([]int, 1, len(orig))}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' && i+1 < len(src) {
			u.starts = append(u.starts, i+1)
		}
	}
	return u
}

// lineOrigins returns where each line of a block's code is in the file:
// its first line is on line first, and line i starts after cols[i]
// characters of indent (nil: none).
func lineOrigins(n, first int, cols []int) []origin {
	o := make([]origin, n)
	for i := range o {
		o[i] = origin{first + i, 1}
		if i < len(cols) {
			o[i].col += cols[i]
		}
	}
	return o
}

var parsers = [2]sync.Pool{
	{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }},
	{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangZsh)) }},
}

// parse parses shell source in dialect v.
func parse(v syntax.LangVariant, src string) (*syntax.File, error) {
	pool := &parsers[0]
	if v == syntax.LangZsh {
		pool = &parsers[1]
	}
	p := pool.Get().(*syntax.Parser)
	defer pool.Put(p)
	return p.Parse(strings.NewReader(src), "")
}

// maxContinuation bounds the lines one console command may continue over.
const maxContinuation = 500

// parseUnits splits a shell or console block into units and parses them.
// first and cols place the code in the file (cols may be nil); ok is false
// when some unit does not parse.
func parseUnits(lang, code string, cols []int, first int) ([]*unit, bool) {
	lines := strings.Split(strings.TrimSuffix(code, "\n"), "\n")
	orig := lineOrigins(len(lines), first, cols)
	v := variant(lang)
	if kindOf(lang) != console {
		u := newUnit(code, orig)
		u.file, u.err = parse(v, code)
		if u.err != nil {
			u.file = nil
		}
		return []*unit{u}, u.err == nil
	}
	var units []*unit
	ok := true
	for i := 0; i < len(lines); i++ {
		cmd, found := promptCommand(lines[i])
		if !found {
			continue // output
		}
		o := []origin{{orig[i].line, orig[i].col + len(lines[i]) - len(cmd)}}
		src := cmd + "\n"
		u := newUnit(src, o)
		u.file, u.err = parse(v, src)
		for j := i + 1; (u.err != nil && incomplete(u.err) || continued(src)) && j < len(lines) && j-i <= maxContinuation; j++ {
			if _, p := promptCommand(lines[j]); p {
				break
			}
			next := lines[j]
			indent := 0
			if strings.HasPrefix(next, "> ") {
				next, indent = next[2:], 2
			}
			o = append(o, origin{orig[j].line, orig[j].col + indent})
			src += next + "\n"
			u = newUnit(src, o)
			u.file, u.err = parse(v, src)
			i = j
		}
		if u.err != nil {
			ok = false
			u.file = nil
		}
		units = append(units, u)
	}
	return units, ok
}

// continued reports whether text ends in a backslash that continues its
// last line on the next.
func continued(text string) bool {
	text = strings.TrimSuffix(text, "\n")
	n := len(text) - len(strings.TrimRight(text, "\\"))
	return n%2 == 1
}

// promptCommand returns the command typed on a console line that starts
// with a "$ " or "# " prompt.
func promptCommand(line string) (string, bool) {
	for _, p := range []string{"$ ", "# "} {
		if strings.HasPrefix(line, p) {
			return line[len(p):], true
		}
	}
	if line == "$" || line == "#" {
		return "", true
	}
	return "", false
}

// incomplete reports whether a parse error says the input ended too soon,
// so that the next line may complete the command.
func incomplete(err error) bool {
	var pe syntax.ParseError
	return errors.As(err, &pe) && pe.Incomplete
}

// parseErrorAt returns the position and message of a shell parse error.
func parseErrorAt(err error) (syntax.Pos, string) {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return pe.Pos, pe.Text
	}
	var le syntax.LangError
	if errors.As(err, &le) {
		msg := err.Error()
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		return le.Pos, msg
	}
	return syntax.Pos{}, err.Error()
}

// eachCall calls f with each simple command in f and the statement that
// holds it, until f returns false.
func eachCall(file *syntax.File, f func(*syntax.Stmt, *syntax.CallExpr) bool) {
	var stmt *syntax.Stmt
	goOn := true
	syntax.Walk(file, func(n syntax.Node) bool {
		if !goOn {
			return false
		}
		switch n := n.(type) {
		case *syntax.Stmt:
			stmt = n
		case *syntax.CallExpr:
			if len(n.Args) > 0 {
				goOn = f(stmt, n)
			}
		}
		return goOn
	})
}
