package commands

import (
	"path"
	"regexp"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/arcaapi/runbooks/build/page"
)

// Destructive reports whether code, a block in language lang, holds a
// command that destroys data or state: deleting pods, keys, rows or files,
// flushing caches, rolling back, force-pushing. Shell is read with a shell
// parser, so flags count in any order and spelling (rm -fr, rm --recursive,
// helm un); SQL, Redis and blocks in other languages are read line by line.
// YAML, JSON and PromQL blocks describe things rather than run them, and
// are never destructive.
func Destructive(lang string, code []byte) bool {
	if !mayDestroy(code) {
		return false
	}
	switch kindOf(lang) {
	case data:
		return false
	case sql:
		return sqlDestructive(string(code))
	case redis:
		return redisText.Match(code)
	case shell, console:
		units, ok := parseUnits(lang, string(code), nil, 0)
		return shellDestructive(units, ok, code)
	}
	return textDestructive(code)
}

// shellDestructive reports whether the parsed units of a shell block of
// code hold a destructive command; ok is false when some unit did not
// parse, and the block is then read line by line.
func shellDestructive[T string | []byte](units []*unit, ok bool, code T) bool {
	if !ok {
		return textDestructive([]byte(code))
	}
	for _, u := range units {
		if u.file == nil {
			continue
		}
		found := false
		eachCall(u.file, func(s *syntax.Stmt, c *syntax.CallExpr) bool {
			_, _, found = destructiveStmt(s, c)
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// Parsed keeps the shell that Parsed.Destructive parsed of a page's
// blocks, so that Check, which reads the same blocks, parses each once.
// The zero value is ready to use; a nil *Parsed keeps nothing.
type Parsed struct {
	units map[int][]*unit // by the block's first code line
}

// Destructive reports whether block b holds a destructive command, as
// Destructive(b.Lang, b.Code) does, and keeps the shell it parsed for
// Check. b's place in the file (CodeLine, Cols) must be set.
func (ps *Parsed) Destructive(b page.CodeBlock) bool {
	if !mayDestroy(b.Code) {
		return false
	}
	if k := kindOf(b.Lang); ps == nil || k != shell && k != console {
		return Destructive(b.Lang, []byte(b.Code))
	}
	units, ok := parseUnits(b.Lang, b.Code, b.Cols, b.CodeLine)
	if ps.units == nil {
		ps.units = map[int][]*unit{}
	}
	ps.units[b.CodeLine] = units
	return shellDestructive(units, ok, b.Code)
}

// unitsOf returns the units of block b, parsed again unless ps kept them.
func (ps *Parsed) unitsOf(b page.CodeBlock) []*unit {
	if ps != nil {
		if units, ok := ps.units[b.CodeLine]; ok {
			return units
		}
	}
	units, _ := parseUnits(b.Lang, b.Code, b.Cols, b.CodeLine)
	return units
}

// destructiveWords are the words one of which every destructive command
// has: a cheap test that spares most blocks the parsers.
var destructiveWords = map[string]bool{
	"delete": true, "del": true, "drain": true, "replace": true, "undo": true,
	"rollback": true, "uninstall": true, "un": true, "rm": true, "drop": true,
	"truncate": true, "flushall": true, "flushdb": true, "pg_terminate_backend": true,
	"pg_cancel_backend": true, "push": true, "unlink": true, "destroy": true,
	"prune": true, "scale": true, "reset": true, "update": true, "clean": true,
	"dropdb": true, "dropuser": true, "branch": true,
}

// mayDestroy reports whether code has one of destructiveWords, in any case.
func mayDestroy[T string | []byte](code T) bool {
	var buf [32]byte
	w := buf[:0]
	long := false
	for i := 0; i <= len(code); i++ {
		var c byte
		if i < len(code) {
			c = code[i]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'a' <= c && c <= 'z' || c == '_' {
			if len(w) < len(buf) {
				w = append(w, c)
			} else {
				long = true
			}
			continue
		}
		if len(w) > 0 && !long && destructiveWords[string(w)] {
			return true
		}
		w, long = w[:0], false
	}
	return false
}

// destructiveStmt reports whether a simple command destroys something,
// and names it ("kubectl delete"); sqlText says it is SQL that does, given
// in an argument or a here-document.
func destructiveStmt(s *syntax.Stmt, c *syntax.CallExpr) (what string, sqlText, ok bool) {
	args := callWords(c)
	if what, ok := destructiveArgs(args, 0); ok {
		return what, false, true
	}
	// Statements given to a database client, or to a function that wraps
	// one: sql "DELETE FROM ...", psql <<EOF.
	for _, a := range args[1:] {
		if strings.ContainsAny(a, " \t\n") && sqlDestructive(a) {
			return firstSQLWords(a), true, true
		}
	}
	if s != nil {
		for _, r := range s.Redirs {
			w := r.Hdoc
			if r.Op == syntax.WordHdoc {
				w = r.Word
			}
			if w != nil {
				if text := wordText(w); sqlDestructive(text) {
					return firstSQLWords(text), true, true
				}
			}
		}
	}
	// Redis commands given to a function that wraps redis-cli: rcli UNLINK.
	for _, a := range args[1:] {
		switch a {
		case "DEL", "UNLINK", "FLUSHALL", "FLUSHDB":
			return "Redis " + a, false, true
		}
	}
	return "", false, false
}

// destructiveArgs is destructiveCall on the words of a command, with
// variables written as "$NAME".
func destructiveArgs(args []string, depth int) (string, bool) {
	args = unwrap(args)
	if len(args) == 0 || depth > 3 {
		return "", false
	}
	name := path.Base(args[0])
	rest := args[1:]
	switch name {
	case "rm":
		for _, a := range rest {
			if a == "--" {
				break
			}
			if a == "--recursive" || a == "--force" ||
				len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsAny(a, "rRf") {
				return "rm " + a, true
			}
		}
	case "kubectl", "oc":
		sub, i := subcommand(rest, kubectlValueFlags)
		switch sub {
		case "delete", "drain":
			return name + " " + sub, true
		case "replace":
			if has(rest[i:], "--force") {
				return name + " replace --force", true
			}
		case "rollout":
			if s, _ := subcommand(rest[i+1:], kubectlValueFlags); s == "undo" {
				return name + " rollout undo", true
			}
		case "scale":
			for j, a := range rest[i:] {
				if a == "--replicas=0" || a == "--replicas" && j+i+1 < len(rest) && rest[i+j+1] == "0" {
					return name + " scale --replicas=0", true
				}
			}
		case "exec":
			if k := index(rest, "--"); k >= 0 {
				return destructiveArgs(rest[k+1:], depth+1)
			}
		}
	case "helm":
		sub, _ := subcommand(rest, helmValueFlags)
		switch sub {
		case "uninstall", "un", "delete", "del", "rollback":
			return "helm " + sub, true
		}
	case "terraform", "tofu":
		sub, i := subcommand(rest, nil)
		switch {
		case sub == "destroy":
			return name + " destroy", true
		case sub == "apply" && (has(rest[i:], "-destroy") || has(rest[i:], "--destroy")):
			return name + " apply -destroy", true
		case sub == "state" && len(rest) > i+1 && rest[i+1] == "rm":
			return name + " state rm", true
		}
	case "git":
		sub, i := subcommand(rest, gitValueFlags)
		switch sub {
		case "push":
			for _, a := range rest[i+1:] {
				if a == "--force" || a == "-f" || strings.HasPrefix(a, "--force-with-lease") ||
					a == "--mirror" || a == "--delete" || a == "-d" ||
					strings.HasPrefix(a, "+") || len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.Contains(a, "f") {
					return "git push " + a, true
				}
			}
		case "reset":
			if has(rest[i:], "--hard") {
				return "git reset --hard", true
			}
		case "clean":
			for _, a := range rest[i+1:] {
				if a == "--force" || len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.Contains(a, "f") {
					return "git clean " + a, true
				}
			}
		case "branch":
			if has(rest[i:], "-D") {
				return "git branch -D", true
			}
		}
	case "docker", "podman":
		sub, i := subcommand(rest, dockerValueFlags)
		switch sub {
		case "system", "volume", "container", "image", "network", "builder", "buildx":
			if s, _ := subcommand(rest[i+1:], nil); s == "prune" || s == "rm" && sub == "volume" {
				return name + " " + sub + " " + s, true
			}
		case "exec":
			return destructiveArgs(execCommand(rest[i+1:]), depth+1)
		}
	case "redis-cli", "valkey-cli", "keydb-cli":
		if cmd, ok := redisCommand(rest); ok {
			return name + " " + cmd, true
		}
	case "dropdb", "dropuser", "truncate":
		return name, true
	case "sh", "bash", "zsh", "dash", "ksh":
		if k := index(rest, "-c"); k >= 0 && k+1 < len(rest) {
			if Destructive("bash", []byte(rest[k+1])) {
				return name + " -c", true
			}
		}
	}
	return "", false
}

var (
	kubectlValueFlags = []string{"-n", "--namespace", "--context", "--cluster", "--kubeconfig", "-s", "--server", "--user", "--token", "--as", "--as-group", "-l", "--selector", "-o", "--output", "-f", "--filename"}
	helmValueFlags    = []string{"-n", "--namespace", "--kube-context", "--kubeconfig", "--kube-apiserver", "--kube-token", "--registry-config", "--repository-config", "--repository-cache"}
	gitValueFlags     = []string{"-C", "-c", "--git-dir", "--work-tree", "--namespace"}
	dockerValueFlags  = []string{"-H", "--host", "--context", "-c", "--config", "--log-level", "-l"}
)

// subcommand returns the first word of args that is neither a flag nor the
// value of one of valueFlags, and its index; "" and len(args) if none.
func subcommand(args, valueFlags []string) (string, int) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if !strings.Contains(a, "=") && has(valueFlags, a) {
				i++
			}
			continue
		}
		return a, i
	}
	return "", len(args)
}

// unwrap strips the commands that run another one (sudo, env, xargs,
// timeout, nohup, time, nice, watch) and leading VAR=value words.
func unwrap(args []string) []string {
	for len(args) > 0 {
		switch path.Base(args[0]) {
		case "sudo", "doas":
			args = skipFlags(args[1:], []string{"-u", "--user", "-g", "--group", "-C", "-h", "--host", "-p", "--prompt", "-D", "--chdir"})
		case "env":
			args = skipFlags(args[1:], []string{"-u", "--unset", "-C", "--chdir", "-S"})
			for len(args) > 0 && strings.Contains(args[0], "=") && !strings.HasPrefix(args[0], "-") {
				args = args[1:]
			}
		case "xargs":
			args = skipFlags(args[1:], []string{"-n", "-L", "-I", "-P", "-d", "-s", "-E", "-a", "--max-args", "--max-procs", "--delimiter", "--arg-file"})
		case "timeout":
			args = skipFlags(args[1:], []string{"-s", "--signal", "-k", "--kill-after"})
			if len(args) > 0 {
				args = args[1:] // the duration
			}
		case "nohup", "time", "command", "exec", "stdbuf":
			args = skipFlags(args[1:], nil)
		case "nice":
			args = skipFlags(args[1:], []string{"-n", "--adjustment"})
		case "watch":
			args = skipFlags(args[1:], []string{"-n", "--interval", "-d"})
		default:
			if len(args) > 1 && isAssignWord(args[0]) {
				args = args[1:]
				continue
			}
			return args
		}
	}
	return args
}

func isAssignWord(s string) bool {
	i := strings.IndexByte(s, '=')
	return i > 0 && syntax.ValidName(s[:i])
}

// skipFlags drops leading flags, and the values of valueFlags.
func skipFlags(args, valueFlags []string) []string {
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		if args[0] == "--" {
			return args[1:]
		}
		if !strings.Contains(args[0], "=") && has(valueFlags, args[0]) && len(args) > 1 {
			args = args[1:]
		}
		args = args[1:]
	}
	return args
}

// execCommand returns the command of `docker exec [flags] CONTAINER CMD...`.
func execCommand(args []string) []string {
	args = skipFlags(args, []string{"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--detach-keys"})
	if len(args) > 0 {
		return args[1:]
	}
	return nil
}

// redisCommand returns the Redis command in redis-cli's arguments when it
// deletes keys or flushes databases.
func redisCommand(args []string) (string, bool) {
	args = skipFlags(args, []string{"-h", "-p", "-s", "-a", "-u", "-r", "-i", "-n", "-d", "-D", "-e", "--user", "--pass", "--cacert", "--cacertdir", "--cert", "--key", "--sni", "--tls-ciphers", "--tls-ciphersuites", "--pattern", "--count", "--eval", "--rdb", "--functions-rdb", "--bigkeys-count"})
	if len(args) == 0 {
		return "", false
	}
	switch c := strings.ToUpper(args[0]); c {
	case "DEL", "UNLINK", "FLUSHALL", "FLUSHDB", "FUNCTION":
		if c == "FUNCTION" && (len(args) < 2 || !strings.EqualFold(args[1], "flush") && !strings.EqualFold(args[1], "delete")) {
			return "", false
		}
		return c, true
	}
	return "", false
}

func has(list []string, s string) bool { return index(list, s) >= 0 }

func index(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// wordText returns a word as the shell would pass it, with each variable
// or substitution written as "$NAME" or "$(...)".
func wordText(w *syntax.Word) string {
	if lit := w.Lit(); lit != "" {
		return lit
	}
	var b strings.Builder
	var parts func(ps []syntax.WordPart)
	parts = func(ps []syntax.WordPart) {
		for _, p := range ps {
			switch p := p.(type) {
			case *syntax.Lit:
				b.WriteString(p.Value)
			case *syntax.SglQuoted:
				b.WriteString(p.Value)
			case *syntax.DblQuoted:
				parts(p.Parts)
			case *syntax.ParamExp:
				b.WriteString("$")
				if p.Param != nil {
					b.WriteString(p.Param.Value)
				}
			default:
				b.WriteString("$(...)")
			}
		}
	}
	parts(w.Parts)
	return b.String()
}

// SQL, read as text: statements that delete rows or objects.
var (
	sqlAlways = regexp.MustCompile(`(?is)\bdelete\s+from\b|\bdrop\s+(table|database|schema|index|view|materialized\s+view|sequence|function|procedure|extension|role|user|type|trigger|owned|column|constraint|publication|subscription|tablespace|policy|partition)\b|\btruncate\b|\bpg_(terminate|cancel)_backend\b|\bdetach\s+partition\b`)
	sqlUpdate = regexp.MustCompile(`(?is)\bupdate\s+(only\s+)?[\w."]+(\s+(as\s+)?\w+)?\s+set\b`)
	sqlWhere  = regexp.MustCompile(`(?is)\bwhere\b`)
	sqlFirst  = regexp.MustCompile(`(?is)\b(delete\s+from|drop\s+\w+|truncate|update|pg_terminate_backend|pg_cancel_backend|detach\s+partition)\b`)
)

// sqlDestructive reports whether SQL text deletes rows or objects, kills
// sessions, or updates a table without a WHERE.
func sqlDestructive(text string) bool {
	text = stripSQLComments(text)
	lower := asciiLower(text)
	if strings.Contains(lower, "delete") || strings.Contains(lower, "drop") || strings.Contains(lower, "truncate") ||
		strings.Contains(lower, "pg_") || strings.Contains(lower, "detach") {
		if sqlAlways.MatchString(text) {
			return true
		}
	}
	if !strings.Contains(lower, "update") || !sqlUpdate.MatchString(text) {
		return false
	}
	for _, stmt := range strings.Split(text, ";") {
		if sqlUpdate.MatchString(stmt) && !sqlWhere.MatchString(stmt) {
			return true
		}
	}
	return false
}

// asciiLower returns s with its ASCII letters in lower case, for
// sqlDestructive to look for the words its case-insensitive patterns need
// before it runs them: they are slow, and it reads every argument of every
// shell command that holds a space. The words hold no k or s, the two
// ASCII letters that (?i) also matches non-ASCII runes for (K, ſ), so the
// search misses no text the patterns match.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// firstSQLWords names the destructive statement in SQL text: "DELETE FROM".
func firstSQLWords(text string) string {
	return strings.Join(strings.Fields(strings.ToUpper(sqlFirst.FindString(stripSQLComments(text)))), " ")
}

// stripSQLComments removes -- comments, which often say "delete" in words.
func stripSQLComments(text string) string {
	if !strings.Contains(text, "--") {
		return text
	}
	var b strings.Builder
	for line := range strings.Lines(text) {
		if i := strings.Index(line, "--"); i >= 0 {
			b.WriteString(line[:i])
			b.WriteByte('\n')
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// redisText matches destructive Redis commands, as typed at the redis-cli
// prompt or on its command line.
var redisText = regexp.MustCompile(`(?im)^\s*(\S+>\s*)?(del|unlink|flushall|flushdb)\b|\bredis-cli\b[^\n|;&]*\s(del|unlink|flushall|flushdb)\b`)

// shellText matches destructive shell commands in a block that is not
// marked as shell, or that the parser cannot read.
var shellText = regexp.MustCompile(`(?i)` + strings.Join([]string{
	`\b(kubectl|oc)\b[^\n|;&]*\s(delete|drain|replace\s+--force)\b`,
	`\b(kubectl|oc)\b[^\n|;&]*\srollout\s+undo\b`,
	`\b(kubectl|oc)\b[^\n|;&]*\sscale\b[^\n|;&]*--replicas[= ]0\b`,
	`\bhelm\b[^\n|;&]*\s(rollback|uninstall|un|delete|del)\b`,
	`\brm\s+(-\S+\s+)*(-[a-z]*[rf][a-z]*|--recursive|--force)\b`,
	`\b(terraform|tofu)\b[^\n|;&]*\s(destroy|-destroy)\b`,
	`\bgit\s+push\b[^\n|;&]*\s(--force|-f\b|--force-with-lease|\+)`,
	`\bgit\s+reset\s+--hard\b`,
	`\b(docker|podman)\s+(system|volume|container|image|network|builder)\s+prune\b`,
	`\b(dropdb|dropuser)\b`,
	`\bflush(all|db)\b`,
	`\bredis-cli\b[^\n|;&]*\s(del|unlink)\b`,
}, "|"))

// textDestructive reads a block that is not shell, SQL or Redis line by
// line, for commands of any of them.
func textDestructive(code []byte) bool {
	return shellText.Match(code) || sqlDestructive(string(code))
}
