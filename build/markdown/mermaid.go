package markdown

import (
	"bytes"
	"html"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Mermaid diagrams: a ```mermaid block is published as its source in a
// figure. The theme's diagram script, loaded only on pages that have one,
// draws the diagram from it; without scripts and on paper the source is
// what the reader gets.

// DiagramLang is the fence language of a Mermaid diagram.
const DiagramLang = "mermaid"

// RuleDiagram is the rule of a diagram that cannot be drawn.
const RuleDiagram = "mermaid-diagram"

// KindDiagram is the node kind of a Mermaid diagram.
var KindDiagram = ast.NewNodeKind("Diagram")

// diagram is a fenced Mermaid block.
type diagram struct {
	ast.BaseBlock
	source []byte
}

func (n *diagram) Kind() ast.NodeKind { return KindDiagram }

func (n *diagram) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"Source": string(n.source)}, nil)
}

// diagrams is the AST transformer that turns ```mermaid blocks into
// diagrams. It runs after the collector, which records them as code blocks
// for the fence checks.
type diagrams struct{}

var _ parser.ASTTransformer = diagrams{}

func (diagrams) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	s, _ := pc.Get(stateKey).(*state)
	src := reader.Source()
	var blocks []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b, ok := n.(*ast.FencedCodeBlock); ok && entering && b.Info != nil && infoLang(b.Info.Segment.Value(src)) == DiagramLang {
			blocks = append(blocks, b)
		}
		return ast.WalkContinue, nil
	})
	for _, b := range blocks {
		d := &diagram{source: b.Lines().Value(src)}
		if s != nil {
			if msg := diagramProblem(d.source); msg != "" {
				line, col := s.pos(lineStart(src, b.Info.Segment.Start))
				s.problems = append(s.problems, diag.Warnf(s.in.Path, line, col, RuleDiagram, "%s", msg))
			}
		}
		b.Parent().ReplaceChild(b.Parent(), b, d)
	}
}

// diagramTypes are the first words of the diagrams Mermaid draws.
var diagramTypes = map[string]bool{
	"graph": true, "flowchart": true, "flowchart-elk": true, "sequenceDiagram": true,
	"classDiagram": true, "classDiagram-v2": true, "stateDiagram": true, "stateDiagram-v2": true,
	"erDiagram": true, "journey": true, "gantt": true, "pie": true, "quadrantChart": true,
	"requirementDiagram": true, "gitGraph": true, "C4Context": true, "C4Container": true,
	"C4Component": true, "C4Dynamic": true, "C4Deployment": true, "mindmap": true,
	"timeline": true, "zenuml": true, "sankey": true, "sankey-beta": true, "xychart": true,
	"xychart-beta": true, "block": true, "block-beta": true, "packet": true, "packet-beta": true,
	"kanban": true, "architecture": true, "architecture-beta": true, "radar-beta": true,
	"treemap": true, "treemap-beta": true, "venn-beta": true, "ishikawa-beta": true,
}

// diagramProblem returns why a diagram's source cannot be a Mermaid
// diagram, or "": it must name a diagram type, after any front matter,
// directives and comments. The full syntax is checked in the browser,
// which shows its error in the page.
func diagramProblem(code []byte) string {
	lines := strings.Split(string(code), "\n")
	inFront := false
	for i, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case i == 0 && t == "---":
			inFront = true
			continue
		case inFront:
			if t == "---" {
				inFront = false
			}
			continue
		case t == "" || strings.HasPrefix(t, "%%"):
			continue
		}
		word := strings.FieldsFunc(t, func(r rune) bool { return r == ' ' || r == '\t' || r == ';' || r == ':' })[0]
		if diagramTypes[word] {
			return ""
		}
		return "mermaid diagram starts with \"" + clip(word) + "\", which is not a diagram type (flowchart, sequenceDiagram, classDiagram, stateDiagram, erDiagram, gantt, pie, ...)"
	}
	return "mermaid diagram is empty"
}

// diagramRenderer writes a diagram as its source in a figure.
type diagramRenderer struct{}

var _ renderer.NodeRenderer = diagramRenderer{}

func (diagramRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindDiagram, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*diagram)
		w.WriteString(`<figure class="diagram" data-diagram="mermaid">` + "\n")
		w.WriteString(`<pre class="diagram-source"><code class="language-mermaid">`)
		w.WriteString(html.EscapeString(string(bytes.TrimRight(n.source, "\n"))))
		w.WriteString("</code></pre>\n</figure>\n")
		return ast.WalkSkipChildren, nil
	})
}
