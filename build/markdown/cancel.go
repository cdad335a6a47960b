package markdown

import (
	"context"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// A page can take goldmark long to parse (a paragraph of thousands of
// unclosed links or emphasis markers is quadratic), and its code blocks
// long to highlight. Ctrl-C and SIGTERM must not wait for that: the parse
// and the rendering look at the context as they go.

var cancelKey = parser.NewContextKey()

// canceller is what the parse of one page checks its context with.
type canceller struct {
	done  <-chan struct{}
	ticks int
}

// stopped reports whether the context is done, looking at it once every
// 64 calls: it runs on every trigger character of a page.
func (c *canceller) stopped() bool {
	c.ticks++
	if c.ticks&63 != 1 {
		return false
	}
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// stopParser is an inline parser that runs before every other on the
// characters that start links, emphasis, code spans and raw HTML. Until the
// context is done it parses nothing; then it takes the rest of the block,
// and the delimiters waiting for a match, as nothing, so that the block and
// the ones after it end at once. The page is then thrown away.
type stopParser struct{}

var _ parser.InlineParser = stopParser{}

func (stopParser) Trigger() []byte {
	return []byte{'[', ']', '!', '*', '_', '`', '<', '~', '\\', '&', '('}
}

func (stopParser) Parse(_ ast.Node, block text.Reader, pc parser.Context) ast.Node {
	c, _ := pc.Get(cancelKey).(*canceller)
	if c == nil || !c.stopped() {
		return nil
	}
	c.ticks = 0 // done for good: look again at once on the next call
	for {
		line, _ := block.PeekLine()
		if line == nil {
			break
		}
		block.AdvanceLine()
	}
	pc.ClearDelimiters(nil)
	return ast.NewText()
}

// contextMeta is the key under which a document being rendered keeps its
// context, for the code block renderer.
const contextMeta = "runbooks/context"

// contextOf returns the context of the document n belongs to, or nil.
func contextOf(n ast.Node) context.Context {
	doc := n.OwnerDocument()
	if doc == nil {
		return nil
	}
	ctx, _ := doc.Meta()[contextMeta].(context.Context)
	return ctx
}

// ContextHighlighter is a Highlighter that stops when a context is done,
// returning the code as plain text.
type ContextHighlighter interface {
	HighlightContext(ctx context.Context, lang string, code []byte) (string, bool)
}
