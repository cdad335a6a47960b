package commands

import (
	"path"
	"strings"

	"github.com/arcaapi/runbooks/build/page"
	"mvdan.cc/sh/v3/syntax"
)

// setBy says how a variable is set on a page, from least to most safe.
type setBy int

const (
	setMaybeEmpty setBy = iota // from a command, read, another variable: may be empty
	setLiteral                 // only ever to non-empty literal text
	setByParam                 // a vars: parameter, filled in by the reader
)

// wellKnown are variables every shell or login session has.
var wellKnown = map[string]bool{
	"HOME": true, "PATH": true, "USER": true, "LOGNAME": true, "PWD": true, "OLDPWD": true,
	"SHELL": true, "TERM": true, "LANG": true, "LC_ALL": true, "TMPDIR": true, "HOSTNAME": true,
	"UID": true, "EUID": true, "PPID": true, "RANDOM": true, "SECONDS": true, "LINENO": true,
	"IFS": true, "PS1": true, "PS2": true, "PS4": true, "OPTARG": true, "OPTIND": true, "REPLY": true,
	"BASH": true, "BASH_VERSION": true, "BASH_SOURCE": true, "BASH_REMATCH": true, "PIPESTATUS": true,
	"FUNCNAME": true, "HOSTTYPE": true, "OSTYPE": true, "MACHTYPE": true, "EDITOR": true, "VISUAL": true,
	"PAGER": true, "DISPLAY": true, "XDG_CONFIG_HOME": true, "XDG_CACHE_HOME": true, "XDG_DATA_HOME": true,
	"XDG_RUNTIME_DIR": true, "SSH_AUTH_SOCK": true, "KUBECONFIG": true, "EPOCHSECONDS": true,
	"EPOCHREALTIME": true, "HISTFILE": true, "COLUMNS": true, "LINES": true, "MAPFILE": true,
}

// shell checks a shell or console block: syntax, then unsafe commands. A
// skipped block ({nocheck}, indented) is only read for the variables it
// sets.
func (c *checker) shell(b page.CodeBlock, skip bool) {
	units := c.parsed.unitsOf(b)
	local := map[string]setBy{}
	uses := make([][]*syntax.ParamExp, len(units))
	for i, u := range units {
		if u.file == nil {
			if !skip {
				p, msg := parseErrorAt(u.err)
				line, col := u.pos(p)
				c.errorf(line, col, RuleSyntax, "shell: %s", msg)
			}
			continue
		}
		var opaque bool
		opaque, uses[i] = c.scan(u, local, !skip)
		c.opaque = c.opaque || opaque
	}
	reported := map[string]bool{} // variables already reported in this block
	if !skip && !b.Has("safe") {
		for _, u := range units {
			if u.file != nil {
				c.destructiveVars(u, local, reported)
			}
		}
	}
	if !skip && !c.opaque {
		for i, u := range units {
			for _, pe := range uses[i] {
				c.undefined(u, pe, local, reported)
			}
		}
	}
	for name, how := range local {
		c.define(name, how)
	}
}

// define records that the page sets name, keeping the least safe way.
func (c *checker) define(name string, how setBy) {
	if old, ok := c.defined[name]; !ok || old != setByParam && how < old {
		c.defined[name] = how
	}
}

// lookup returns how name is set for a block that sets local itself.
func (c *checker) lookup(name string, local map[string]setBy) (setBy, bool) {
	how, ok := c.defined[name]
	if l, lok := local[name]; lok && (!ok || how != setByParam && l < how) {
		how, ok = l, true
	}
	return how, ok
}

// destructiveVars reports the variables that destructive commands of a
// unit expand and that may be unset or empty.
func (c *checker) destructiveVars(u *unit, local map[string]setBy, reported map[string]bool) {
	eachCall(u.file, func(stmt *syntax.Stmt, call *syntax.CallExpr) bool {
		what, sqlText, ok := destructiveStmt(stmt, call)
		if !ok {
			return true
		}
		for _, pe := range paramsIn(stmt, call) {
			name := pe.Param.Value
			if special(name) || guarded(pe) {
				continue
			}
			if how, ok := c.lookup(name, local); ok && how >= setLiteral {
				continue
			}
			reported[name] = true
			line, col := u.pos(pe.Dollar)
			if sqlText {
				c.warnf(line, col, RuleDestructiveVar,
					"%s puts $%s into the SQL, and it may be unset or empty: write ${%s:?} so the shell stops instead of running the statement with an empty value, or pass it as a psql variable (-v)", what, name, name)
			} else {
				c.warnf(line, col, RuleDestructiveVar,
					"%s expands $%s, which may be unset or empty: write ${%s:?} so the shell stops instead", what, name, name)
			}
		}
		return true
	})
}

// guarded reports whether an expansion cannot be empty: ${X:?}, or
// ${X:-default} with a literal default.
func guarded(pe *syntax.ParamExp) bool {
	if pe.Exp == nil {
		return pe.Length
	}
	switch pe.Exp.Op {
	case syntax.ErrorUnsetOrNull, syntax.ErrorUnset:
		return true
	case syntax.DefaultUnsetOrNull, syntax.AssignUnsetOrNull:
		return pe.Exp.Word != nil && nonEmptyLiteral(pe.Exp.Word)
	}
	return false
}

// paramsIn returns the variables a command expands in its words, and in
// the here-documents of its statement.
func paramsIn(stmt *syntax.Stmt, call *syntax.CallExpr) []*syntax.ParamExp {
	var out []*syntax.ParamExp
	visit := func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.ParamExp:
			if n.Param != nil && n.Names == 0 {
				out = append(out, n)
			}
		case *syntax.CmdSubst, *syntax.ProcSubst:
			return false // a command of its own
		}
		return true
	}
	for _, w := range call.Args {
		syntax.Walk(w, visit)
	}
	if stmt != nil {
		for _, r := range stmt.Redirs {
			if r.Hdoc != nil {
				syntax.Walk(r.Hdoc, visit)
			}
			if r.Op == syntax.WordHdoc && r.Word != nil {
				syntax.Walk(r.Word, visit)
			}
		}
	}
	return out
}

// undefined reports a variable that nothing on the page sets, once per
// block.
func (c *checker) undefined(u *unit, pe *syntax.ParamExp, local map[string]setBy, reported map[string]bool) {
	name := pe.Param.Value
	if special(name) || wellKnown[name] || handlesUnset(pe) || reported[name] {
		return
	}
	if _, ok := c.lookup(name, local); ok {
		return
	}
	reported[name] = true
	line, col := u.pos(pe.Dollar)
	c.warnf(line, col, RuleUndefinedVar,
		"$%s is not set by this block, an earlier block or the page's vars:, so a reader who runs this block gets an empty value: set it here (%s=...) or declare it in vars:", name, name)
}

// special reports whether name is a positional or special parameter.
func special(name string) bool {
	if name == "" {
		return true
	}
	switch name[0] {
	case '@', '*', '#', '?', '$', '!', '-', '_':
		return len(name) == 1 || name[0] == '_' && name == "_"
	}
	return '0' <= name[0] && name[0] <= '9'
}

// handlesUnset reports whether an expansion says what happens when the
// variable is unset: ${X:-default}, ${X:?}, ${X:+alt}, ${X:=value}.
func handlesUnset(pe *syntax.ParamExp) bool {
	if pe.Exp == nil {
		return false
	}
	switch pe.Exp.Op {
	case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.ErrorUnset, syntax.ErrorUnsetOrNull,
		syntax.AssignUnset, syntax.AssignUnsetOrNull, syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
		return true
	}
	return false
}

// nonEmptyLiteral reports whether a word is fixed text, not empty.
func nonEmptyLiteral(w *syntax.Word) bool {
	if w == nil {
		return false
	}
	n := 0
	for _, p := range w.Parts {
		switch p := p.(type) {
		case *syntax.Lit:
			n += len(p.Value)
		case *syntax.SglQuoted:
			n += len(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok {
					return false
				}
				n += len(l.Value)
			}
		default:
			return false
		}
	}
	return n > 0
}

// scan reads a parsed unit in one walk: it records in defs the variables
// the unit sets, returns the variables it expands and whether it sources a
// file or evaluates code (after which any variable may be set), and, with
// report, reports pipes into a shell and sudo with a redirect.
func (c *checker) scan(u *unit, defs map[string]setBy, report bool) (opaque bool, uses []*syntax.ParamExp) {
	set := func(name string, how setBy) {
		if old, ok := defs[name]; !ok || how < old {
			defs[name] = how
		}
	}
	literal := func(w *syntax.Word) setBy {
		if nonEmptyLiteral(w) {
			return setLiteral
		}
		return setMaybeEmpty
	}
	seen := map[syntax.Pos]bool{} // pipe-to-shell findings, which nested pipelines repeat
	syntax.Walk(u.file, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if report {
				c.sudoRedirect(u, n)
			}
		case *syntax.BinaryCmd:
			if report {
				c.pipeToShell(u, n, seen)
			}
		case *syntax.Assign:
			if n.Name == nil || n.Naked {
				break
			}
			how := setMaybeEmpty
			if n.Array != nil {
				how = setLiteral
			} else if !n.Append {
				how = literal(n.Value)
			}
			set(n.Name.Value, how)
		case *syntax.ForClause:
			if wi, ok := n.Loop.(*syntax.WordIter); ok && wi.Name != nil {
				how := setLiteral
				for _, w := range wi.Items {
					if literal(w) != setLiteral {
						how = setMaybeEmpty
					}
				}
				if len(wi.Items) == 0 {
					how = setMaybeEmpty
				}
				set(wi.Name.Value, how)
			}
		case *syntax.ParamExp:
			if n.Param != nil && n.Exp != nil && (n.Exp.Op == syntax.AssignUnset || n.Exp.Op == syntax.AssignUnsetOrNull) {
				set(n.Param.Value, literal(n.Exp.Word))
			}
			if n.Param != nil && n.Names == 0 {
				uses = append(uses, n)
			}
		case *syntax.BinaryArithm:
			if w, ok := n.X.(*syntax.Word); ok && isArithAssign(n.Op) && w.Lit() != "" {
				set(w.Lit(), setLiteral)
			}
		case *syntax.UnaryArithm:
			if w, ok := n.X.(*syntax.Word); ok && (n.Op == syntax.Inc || n.Op == syntax.Dec) && w.Lit() != "" {
				set(w.Lit(), setLiteral)
			}
		case *syntax.CallExpr:
			if len(n.Args) == 0 {
				break
			}
			if report {
				c.shellOfDownload(u, n, seen)
			}
			switch n.Args[0].Lit() {
			case "source", ".", "eval":
				opaque = true
			case "read", "mapfile", "readarray", "getopts", "printf":
				for _, name := range setsByCommand(callWords(n)) {
					set(name, setMaybeEmpty)
				}
			}
		}
		return true
	})
	return opaque, uses
}

func isArithAssign(op syntax.BinAritOperator) bool {
	switch op {
	case syntax.Assgn, syntax.AddAssgn, syntax.SubAssgn, syntax.MulAssgn, syntax.QuoAssgn,
		syntax.RemAssgn, syntax.AndAssgn, syntax.OrAssgn, syntax.XorAssgn, syntax.ShlAssgn, syntax.ShrAssgn:
		return true
	}
	return false
}

// setsByCommand returns the variables a builtin sets from its arguments:
// read, mapfile, readarray, getopts, printf -v.
func setsByCommand(args []string) []string {
	var names []string
	switch args[0] {
	case "read":
		for i := 1; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "-a":
				if i+1 < len(args) {
					names = append(names, args[i+1])
				}
				i++
			case a == "-p" || a == "-d" || a == "-n" || a == "-N" || a == "-t" || a == "-u" || a == "-i":
				i++
			case strings.HasPrefix(a, "-"):
			default:
				names = append(names, a)
			}
		}
	case "mapfile", "readarray":
		rest := skipFlags(args[1:], []string{"-d", "-n", "-O", "-s", "-u", "-C", "-c"})
		if len(rest) > 0 {
			names = append(names, rest[len(rest)-1])
		}
	case "getopts":
		if len(args) > 2 {
			names = append(names, args[2])
		}
	case "printf":
		if len(args) > 2 && args[1] == "-v" {
			names = append(names, args[2])
		}
	}
	var out []string
	for _, n := range names {
		if syntax.ValidName(n) {
			out = append(out, n)
		}
	}
	return out
}

var shells = map[string]bool{"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true, "ash": true, "fish": true}

var downloaders = map[string]bool{"curl": true, "wget": true, "fetch": true, "http": true, "https": true}

// pipeToShell reports `curl ... | sh`: code run straight from the
// network, unseen.
func (c *checker) pipeToShell(u *unit, b *syntax.BinaryCmd, seen map[syntax.Pos]bool) {
	if b.Op != syntax.Pipe && b.Op != syntax.PipeAll {
		return
	}
	stages := pipeline(b)
	for k := 1; k < len(stages); k++ {
		sh, at, ok := shellCall(stages[k])
		if !ok {
			continue
		}
		for _, s := range stages[:k] {
			if downloads(s) {
				c.reportPipe(u, at, sh, seen)
				break
			}
		}
	}
}

// shellOfDownload reports `bash <(curl ...)` and `sh -c "$(curl ...)"`.
func (c *checker) shellOfDownload(u *unit, call *syntax.CallExpr, seen map[syntax.Pos]bool) {
	if first := path.Base(call.Args[0].Lit()); !shells[first] && !wrappers[first] {
		return
	}
	args := unwrap(callWords(call))
	if len(args) == 0 || !shells[path.Base(args[0])] {
		return
	}
	for _, w := range call.Args[1:] {
		found := false
		syntax.Walk(w, func(m syntax.Node) bool {
			switch m := m.(type) {
			case *syntax.CmdSubst:
				for _, s := range m.Stmts {
					found = found || downloads(s)
				}
			case *syntax.ProcSubst:
				for _, s := range m.Stmts {
					found = found || downloads(s)
				}
			}
			return !found
		})
		if found {
			c.reportPipe(u, call.Args[0].Pos(), path.Base(args[0]), seen)
			return
		}
	}
}

var wrappers = map[string]bool{"sudo": true, "doas": true, "env": true, "timeout": true, "nohup": true, "time": true, "command": true, "exec": true, "nice": true, "xargs": true}

func (c *checker) reportPipe(u *unit, at syntax.Pos, sh string, seen map[syntax.Pos]bool) {
	if seen[at] {
		return
	}
	seen[at] = true
	line, col := u.pos(at)
	c.warnf(line, col, RulePipeToShell,
		"downloaded code is run by %s without being read: save it to a file, check it (a checksum, or read it), then run the file", sh)
}

// pipeline returns the stages of a pipeline, in order.
func pipeline(b *syntax.BinaryCmd) []*syntax.Stmt {
	var out []*syntax.Stmt
	var add func(s *syntax.Stmt)
	add = func(s *syntax.Stmt) {
		if bc, ok := s.Cmd.(*syntax.BinaryCmd); ok && (bc.Op == syntax.Pipe || bc.Op == syntax.PipeAll) {
			add(bc.X)
			add(bc.Y)
			return
		}
		out = append(out, s)
	}
	add(b.X)
	add(b.Y)
	return out
}

// shellCall reports whether a pipeline stage runs a shell reading its
// standard input, and where that shell is named.
func shellCall(s *syntax.Stmt) (string, syntax.Pos, bool) {
	call, ok := s.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) == 0 {
		return "", syntax.Pos{}, false
	}
	words := callWords(call)
	args := unwrap(words)
	if len(args) == 0 || !shells[path.Base(args[0])] || has(args, "-c") {
		return "", syntax.Pos{}, false
	}
	at := call.Args[len(words)-len(args)].Pos()
	return path.Base(args[0]), at, true
}

// downloads reports whether a statement runs curl or wget.
func downloads(s *syntax.Stmt) bool {
	found := false
	syntax.Walk(s, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && len(call.Args) > 0 {
			if args := unwrap(callWords(call)); len(args) > 0 && downloaders[path.Base(args[0])] {
				found = true
			}
		}
		return !found
	})
	return found
}

func callWords(call *syntax.CallExpr) []string {
	args := make([]string, len(call.Args))
	for i, w := range call.Args {
		args[i] = wordText(w)
	}
	return args
}

// sudoRedirect reports `sudo cmd > file`: the shell opens the file before
// sudo runs, without root.
func (c *checker) sudoRedirect(u *unit, stmt *syntax.Stmt) {
	call, ok := stmt.Cmd.(*syntax.CallExpr)
	if !ok || len(stmt.Redirs) == 0 || len(call.Args) == 0 || path.Base(wordText(call.Args[0])) != "sudo" {
		return
	}
	for _, r := range stmt.Redirs {
		if r.Word == nil || r.N != nil && r.N.Value != "1" && r.N.Value != "2" && r.N.Value != "0" {
			continue
		}
		target := wordText(r.Word)
		if target == "/dev/null" || target == "/dev/stdout" || target == "/dev/stderr" || target == "/dev/tty" || strings.HasPrefix(target, "/dev/fd/") {
			continue
		}
		line, col := u.pos(r.OpPos)
		switch r.Op {
		case syntax.RdrOut, syntax.RdrClob, syntax.RdrAll:
			c.warnf(line, col, RuleSudoRedirect,
				"the redirect to %s is opened by your shell, not by sudo, so it is done without root: pipe into sudo tee %s instead", target, target)
		case syntax.AppOut, syntax.AppAll:
			c.warnf(line, col, RuleSudoRedirect,
				"the redirect to %s is opened by your shell, not by sudo, so it is done without root: pipe into sudo tee -a %s instead", target, target)
		case syntax.RdrIn:
			c.warnf(line, col, RuleSudoRedirect,
				"%s is read by your shell, not by sudo, so without root: give the file to the command as an argument, or use sudo cat %s |", target, target)
		}
	}
}
