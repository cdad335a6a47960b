package markdown

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// destructive matches commands that delete, kill, flush or roll back.
var destructive = regexp.MustCompile(`(?i)` + strings.Join([]string{
	`\bkubectl\b[^\n|;&]*\s(delete|drain|replace\s+--force)\b`,
	`\bkubectl\b[^\n|;&]*\srollout\s+undo\b`,
	`\bhelm\b[^\n|;&]*\s(rollback|uninstall|delete)\b`,
	`\brm\s+(-[a-z]*[rf][a-z]*\s+)+`,
	`\bdrop\s+(table|database|schema|index|column|role|user)\b`,
	`\btruncate\b`,
	`\bdelete\s+from\b`,
	`\bflush(all|db)\b`,
	`\bpg_(terminate|cancel)_backend\b`,
	`\bgit\s+(push\s+[^\n]*--force|reset\s+--hard)\b`,
	`\bdropdb\b`,
}, "|"))

// destructiveWords are words one of which every match of destructive
// contains: a cheap test that spares most lines the regular expression.
var destructiveWords = [][]byte{
	[]byte("delete"), []byte("drain"), []byte("replace"), []byte("undo"), []byte("rollback"),
	[]byte("uninstall"), []byte("rm "), []byte("drop"), []byte("truncate"), []byte("flush"),
	[]byte("_backend"), []byte("--force"), []byte("--hard"),
}

// IsDestructive reports whether code contains a command that destroys data
// or state: deleting pods, killing queries, flushing caches, rolling back.
func IsDestructive(code []byte) bool {
	for len(code) > 0 {
		line := code
		if i := bytes.IndexByte(code, '\n'); i >= 0 {
			line, code = code[:i], code[i+1:]
		} else {
			code = nil
		}
		if mayDestroy(line) && destructive.Match(line) {
			return true
		}
	}
	return false
}

// mayDestroy reports whether line contains one of destructiveWords.
func mayDestroy(line []byte) bool {
	var buf [256]byte
	lower := buf[:0]
	if len(line) > len(buf) {
		lower = make([]byte, 0, len(line))
	}
	for _, c := range line {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower = append(lower, c)
	}
	for _, w := range destructiveWords {
		if bytes.Contains(lower, w) {
			return true
		}
	}
	return false
}

const destructiveAttr = "data-destructive"

// markDestructive records on a code block node what the collector found, so
// the renderer does not scan the code again.
func markDestructive(n ast.Node, d bool) {
	if d {
		n.SetAttributeString(destructiveAttr, true)
	}
}

func isMarkedDestructive(n ast.Node) bool {
	_, ok := n.AttributeString(destructiveAttr)
	return ok
}
