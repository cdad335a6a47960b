package markdown

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// GitHub alerts: a blockquote whose first line is "[!NOTE]", "[!TIP]",
// "[!IMPORTANT]", "[!WARNING]" or "[!CAUTION]" renders as a callout with an
// icon and a title, as it does on GitHub and GitLab.

// calloutKind is what a callout is: its class, its title and its icon.
type calloutKind struct {
	name  string // "note": the class callout-note
	title string
	icon  string // SVG body, drawn in currentColor on a 16×16 grid
}

// The icons are drawn with presentation attributes, never style="", so the
// strict Content-Security-Policy holds.
const iconStroke = `fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"`

var calloutKinds = map[string]calloutKind{
	"NOTE": {"note", "Note",
		`<circle cx="8" cy="8" r="6.25" ` + iconStroke + `/><path d="M8 7.25v4M8 4.75v.01" ` + iconStroke + `/>`},
	"TIP": {"tip", "Tip",
		`<path d="M6 12.25h4M6.75 14.5h2.5M8 1.5a4.5 4.5 0 0 0-2.6 8.2c.4.3.6.8.6 1.3v.25h4V11c0-.5.2-1 .6-1.3A4.5 4.5 0 0 0 8 1.5z" ` + iconStroke + `/>`},
	"IMPORTANT": {"important", "Important",
		`<path d="M2 2.25h12v8.5H8.5L5 13.75v-3H2z" ` + iconStroke + `/><path d="M8 4.5v3M8 9.25v.01" ` + iconStroke + `/>`},
	"WARNING": {"warning", "Warning",
		`<path d="M8 1.75 1 14h14z" ` + iconStroke + `/><path d="M8 6.25v3.5M8 11.75v.01" ` + iconStroke + `/>`},
	"CAUTION": {"caution", "Caution",
		`<path d="M5.2 1.25h5.6l3.95 3.95v5.6l-3.95 3.95H5.2l-3.95-3.95V5.2z" ` + iconStroke + `/><path d="M8 4.75v3.75M8 10.75v.01" ` + iconStroke + `/>`},
}

// KindCallout is the node kind of a GitHub alert.
var KindCallout = ast.NewNodeKind("Callout")

// callout is a GitHub alert: a blockquote turned into a titled box.
type callout struct {
	ast.BaseBlock
	kind calloutKind
}

func (n *callout) Kind() ast.NodeKind { return KindCallout }

func (n *callout) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Kind": n.kind.name}, nil)
}

// callouts is the AST transformer that turns alert blockquotes into
// callouts.
type callouts struct{}

var _ parser.ASTTransformer = callouts{}

func (callouts) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var quotes []*ast.Blockquote
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if q, ok := n.(*ast.Blockquote); ok && entering {
			quotes = append(quotes, q)
		}
		return ast.WalkContinue, nil
	})
	for _, q := range quotes {
		toCallout(q, src)
	}
}

// toCallout replaces q with a callout when its first line is an alert
// marker alone.
func toCallout(q *ast.Blockquote, src []byte) {
	para, ok := q.FirstChild().(*ast.Paragraph)
	if !ok || para.Lines().Len() == 0 {
		return
	}
	first := para.Lines().At(0)
	marker := bytes.TrimSpace(first.Value(src))
	if len(marker) < 4 || marker[0] != '[' || marker[1] != '!' || marker[len(marker)-1] != ']' {
		return
	}
	kind, ok := calloutKinds[string(bytes.ToUpper(marker[2:len(marker)-1]))]
	if !ok {
		return
	}
	// The marker's inline nodes ("[", "!NOTE", "]") end on the first line.
	for c := para.FirstChild(); c != nil; {
		next := c.NextSibling()
		t, ok := c.(*ast.Text)
		if !ok || t.Segment.Start >= first.Stop {
			break
		}
		para.RemoveChild(para, c)
		c = next
	}
	if para.ChildCount() == 0 {
		q.RemoveChild(q, para)
	}
	co := &callout{kind: kind}
	for c := q.FirstChild(); c != nil; {
		next := c.NextSibling()
		co.AppendChild(co, c)
		c = next
	}
	q.Parent().ReplaceChild(q.Parent(), q, co)
}

// calloutRenderer writes a callout: a box with its icon and title, then
// its content.
type calloutRenderer struct{}

var _ renderer.NodeRenderer = calloutRenderer{}

func (calloutRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCallout, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		n := node.(*callout)
		if !entering {
			w.WriteString("</div>\n")
			return ast.WalkContinue, nil
		}
		w.WriteString(`<div class="callout callout-` + n.kind.name + `" role="note">` + "\n")
		w.WriteString(`<p class="callout-title"><svg class="callout-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">`)
		w.WriteString(n.kind.icon)
		w.WriteString(`</svg>` + n.kind.title + "</p>\n")
		return ast.WalkContinue, nil
	})
}
