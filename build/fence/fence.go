// Package fence finds fenced code blocks in Markdown a line at a time, for
// the scans of a page's source that must not look inside code: the parse
// work count, Hugo shortcodes, disable comments, the code block collector.
package fence

import "bytes"

// Run returns the run of three or more "`" or "~" that starts l, or nil.
func Run(l []byte) []byte {
	if len(l) == 0 || (l[0] != '`' && l[0] != '~') {
		return nil
	}
	i := 0
	for i < len(l) && l[i] == l[0] {
		i++
	}
	if i < 3 {
		return nil
	}
	return l[:i]
}

// Closes reports whether t, a line without its indentation, closes the
// block that open opened: a run of the same character, at least as long,
// and nothing else but spaces.
func Closes(open, t []byte) bool {
	r := Run(t)
	return len(r) >= len(open) && len(open) > 0 && r[0] == open[0] && len(bytes.TrimSpace(t[len(r):])) == 0
}

// Lines follows a page's lines, in order, through its fenced code blocks.
// The zero value is outside any block.
type Lines struct {
	open []byte // the run that opened the current block; nil outside one
}

// Code reports whether line opens, lies inside or closes a fenced code
// block. A fence indented by four spaces or more is not one (it is
// indented code, or text).
func (f *Lines) Code(line []byte) bool {
	t := bytes.TrimLeft(line, " ")
	if f.open != nil {
		if Closes(f.open, t) {
			f.open = nil
		}
		return true
	}
	if r := Run(t); r != nil && len(line)-len(t) < 4 {
		f.open = bytes.Clone(r)
		return true
	}
	return false
}
