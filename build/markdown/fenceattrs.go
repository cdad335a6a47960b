package markdown

import (
	"strings"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/yuin/goldmark/text"
)

// infoAttrs returns the words of a fence info string's {attributes}:
// "bash {nocheck}" and "bash{nocheck,safe}" give [nocheck] and
// [nocheck safe]. A leading "." is dropped, as in {.nocheck}.
func infoAttrs(info []byte) []string {
	var attrs []string
	s := string(info)
	for {
		open := strings.IndexByte(s, '{')
		if open < 0 {
			return attrs
		}
		end := strings.IndexByte(s[open:], '}')
		if end < 0 {
			return attrs
		}
		for _, w := range strings.FieldsFunc(s[open+1:open+end], func(r rune) bool {
			return r == ' ' || r == '\t' || r == ','
		}) {
			if w = strings.TrimPrefix(w, "."); w != "" {
				attrs = append(attrs, w)
			}
		}
		s = s[open+end+1:]
	}
}

// setCode records on cb the block's content and where each of its lines
// starts in the file, for the checks that position problems inside code.
func (s *state) setCode(cb *page.CodeBlock, lines *text.Segments, src []byte) {
	if lines.Len() == 0 {
		return
	}
	cb.Code = string(lines.Value(src))
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		line, col := s.pos(seg.Start)
		if i == 0 {
			cb.CodeLine = line
		}
		if col = max(col-1-seg.Padding, 0); col > 0 && cb.Cols == nil {
			cb.Cols = make([]int, lines.Len())
		}
		if cb.Cols != nil {
			cb.Cols[i] = col
		}
	}
}

// destructive reports whether a block is marked destructive: as its
// fence's {destructive} or {safe} says, else as the detector finds, which
// keeps the shell it parses for the command checks.
func (s *state) destructive(cb *page.CodeBlock) bool {
	switch {
	case cb.Has("safe"):
		return false
	case cb.Has("destructive"):
		return true
	}
	return s.shell.Destructive(*cb)
}
