package markdown

import (
	"github.com/arcaapi/runbooks/build/commands"
	"github.com/yuin/goldmark/ast"
)

// IsDestructive reports whether code, a block in language lang, contains a
// command that destroys data or state: deleting pods, keys, rows or files,
// flushing caches, rolling back, force-pushing. It is the detector the
// checks of build/commands use, so a block is marked exactly when its
// commands are checked as destructive. A fence's {destructive} or {safe}
// overrides it (see blockDestructive).
func IsDestructive(lang string, code []byte) bool {
	return commands.Destructive(lang, code)
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
