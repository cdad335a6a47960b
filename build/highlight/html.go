package highlight

import (
	"strings"

	"github.com/alecthomas/chroma/v2"
)

// maxRun is the length past which chroma.Coalesce stops adding tokens to a
// run of one type: the next token of that type starts a new run, and a new
// span.
const maxRun = 8192

// htmlWriter writes the HTML of a lexer's tokens byte for byte as chroma's
// HTML formatter does for the options the Highlighter uses (CSS classes, no
// surrounding <pre>, no line numbers, no highlighted lines) after
// chroma.Coalesce, but token by token into one buffer: chroma's formatter
// first collects the coalesced tokens, splits them into lines, and formats
// each through fmt, which made it the costliest part of highlighting after
// the lexer. TestWriterMatchesChroma holds the two to the same bytes.
//
// What it reproduces: adjacent tokens of one type are one run (as
// chroma.Coalesce makes them, up to maxRun bytes), empty tokens are
// dropped, each run is cut after every newline (chroma.SplitTokensIntoLines),
// and each piece is escaped as html.EscapeString does and, if its type has
// a class, wrapped in <span class="...">.
type htmlWriter struct {
	buf    []byte
	prefix string // of the CSS classes

	inRun  bool
	typ    chroma.TokenType // of the current run
	class  string           // of typ, without the prefix; "" for none
	runLen int              // bytes in the current run
	open   bool             // a span of the current run is open
}

// write adds a token.
func (w *htmlWriter) write(t chroma.Token) {
	if len(t.Value) == 0 {
		return
	}
	if !w.inRun || t.Type != w.typ || w.runLen >= maxRun {
		w.endRun()
		w.inRun, w.typ, w.class, w.runLen = true, t.Type, class(t.Type), 0
	}
	w.runLen += len(t.Value)
	if w.class == "" {
		w.buf = appendEscaped(w.buf, t.Value)
		return
	}
	for v := t.Value; len(v) > 0; {
		if !w.open {
			w.buf = append(w.buf, `<span class="`...)
			w.buf = append(w.buf, w.prefix...)
			w.buf = append(w.buf, w.class...)
			w.buf = append(w.buf, `">`...)
			w.open = true
		}
		i := strings.IndexByte(v, '\n')
		if i < 0 {
			w.buf = appendEscaped(w.buf, v)
			return
		}
		w.buf = appendEscaped(w.buf, v[:i+1])
		w.buf = append(w.buf, "</span>"...)
		w.open = false
		v = v[i+1:]
	}
}

// endRun closes the current run; call it after the last token.
func (w *htmlWriter) endRun() {
	if w.open {
		w.buf = append(w.buf, "</span>"...)
		w.open = false
	}
	w.inRun = false
}

// class returns the CSS class, without prefix, of tokens of type t: that of
// t in chroma.StandardTypes, else that of its sub-category, else that of its
// category, as chroma's HTML formatter looks it up.
func class(t chroma.TokenType) string {
	for t != 0 {
		if cls, ok := chroma.StandardTypes[t]; ok {
			return cls
		}
		t = t.Parent()
	}
	return chroma.StandardTypes[t]
}

// appendEscaped appends s to buf escaped as html.EscapeString escapes it,
// copying the runs between the five special bytes whole.
func appendEscaped(buf []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		buf = append(buf, s[last:i]...)
		buf = append(buf, esc...)
		last = i + 1
	}
	return append(buf, s[last:]...)
}
