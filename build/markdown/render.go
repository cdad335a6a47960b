package markdown

import (
	"context"
	"html"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// nodeRenderer renders headings with a link to themselves and code blocks
// highlighted, in a wrapper the theme's copy button and destructive-command
// marking hook onto.
type nodeRenderer struct {
	h Highlighter
}

var _ renderer.NodeRenderer = (*nodeRenderer)(nil)

func (r *nodeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHeading, r.heading)
	reg.Register(ast.KindFencedCodeBlock, r.fenced)
	reg.Register(ast.KindCodeBlock, r.indented)
}

func (r *nodeRenderer) heading(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.Heading)
	id := ""
	if v, ok := n.AttributeString("id"); ok {
		if b, ok := v.([]byte); ok {
			id = html.EscapeString(string(b))
		}
	}
	level := string(rune('0' + n.Level))
	if entering {
		w.WriteString("<h" + level)
		if id != "" {
			w.WriteString(` id="` + id + `"`)
		}
		w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if id != "" {
		w.WriteString(`<a class="anchor" href="#` + id + `" aria-label="Link to this section">#</a>`)
	}
	w.WriteString("</h" + level + ">\n")
	return ast.WalkContinue, nil
}

func (r *nodeRenderer) fenced(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	lang := ""
	if n.Info != nil {
		lang = infoLang(n.Info.Segment.Value(src))
	}
	if err := r.code(w, contextOf(n), lang, n.Lines().Value(src), isMarkedDestructive(n)); err != nil {
		return ast.WalkStop, err
	}
	return ast.WalkSkipChildren, nil
}

func (r *nodeRenderer) indented(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	if err := r.code(w, contextOf(node), "", node.Lines().Value(src), isMarkedDestructive(node)); err != nil {
		return ast.WalkStop, err
	}
	return ast.WalkSkipChildren, nil
}

// code renders a code block, highlighted unless ctx (nil for none) is
// done; then it returns ctx's error, and the rendering stops.
func (r *nodeRenderer) code(w util.BufWriter, ctx context.Context, lang string, code []byte, destructive bool) error {
	var body string
	if ch, ok := r.h.(ContextHighlighter); ok && ctx != nil {
		body, _ = ch.HighlightContext(ctx, lang, code)
		if err := ctx.Err(); err != nil {
			return err
		}
	} else {
		body, _ = r.h.Highlight(lang, code)
	}
	w.WriteString(`<div class="code`)
	if destructive {
		w.WriteString(` destructive`)
	}
	w.WriteString(`"`)
	if lang != "" {
		w.WriteString(` data-lang="` + html.EscapeString(lang) + `"`)
	}
	w.WriteString(">\n")
	if destructive {
		w.WriteString(`<p class="destructive-label"><strong>Destructive:</strong> this block deletes, kills, flushes or rolls back. Read it before you run it.</p>` + "\n")
	}
	w.WriteString(`<pre class="chroma" tabindex="0"><code`)
	if lang != "" {
		w.WriteString(` class="language-` + html.EscapeString(lang) + `"`)
	}
	w.WriteString(">")
	w.WriteString(body)
	w.WriteString("</code></pre>\n</div>\n")
	return nil
}
