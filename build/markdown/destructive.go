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
// contains: a cheap test that spares most blocks the regular expression.
var destructiveWords = [][]byte{
	[]byte("delete"), []byte("drain"), []byte("replace"), []byte("undo"), []byte("rollback"),
	[]byte("uninstall"), []byte("rm "), []byte("drop"), []byte("truncate"), []byte("flush"),
	[]byte("_backend"), []byte("--force"), []byte("--hard"),
}

// IsDestructive reports whether code contains a command that destroys data
// or state: deleting pods, killing queries, flushing caches, rolling back.
func IsDestructive(code []byte) bool {
	lower := bytes.ToLower(code)
	for _, w := range destructiveWords {
		if bytes.Contains(lower, w) {
			return destructive.Match(code)
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
