package markdown

import (
	"bytes"
	"regexp"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// undefinedRefs is the AST transformer that reports reference links whose
// label has no definition ("[text][1]" with no "[1]: url" anywhere):
// CommonMark prints them as text, and the reader finds brackets where a
// link should be.
type undefinedRefs struct{}

var _ parser.ASTTransformer = undefinedRefs{}

// refLike matches "[text][label]" and "[text][]" in the text of a block
// whose links were already parsed: what is left was not a link. The bracket
// must not follow a word or another bracket ("a[i][j]"), nor a backslash.
var refLike = regexp.MustCompile(`(?:^|[^\w\\\]])(\[([^\[\]\x00]*[^\[\]\x00\\])\]\[([^\[\]\x00^]*)\])`)

func (undefinedRefs) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	s, _ := pc.Get(stateKey).(*state)
	if s == nil {
		return
	}
	src := reader.Source()
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Type() != ast.TypeBlock {
			return ast.WalkContinue, nil
		}
		if c := n.FirstChild(); c == nil || c.Type() != ast.TypeInline {
			return ast.WalkContinue, nil
		}
		if !mayHoldRef(n, src) {
			return ast.WalkSkipChildren, nil
		}
		var f flatText
		f.add(n, src)
		for _, m := range refLike.FindAllSubmatchIndex(f.text, -1) {
			label := string(f.text[m[6]:m[7]])
			if label == "" {
				label = string(f.text[m[4]:m[5]])
			}
			at := f.offs[m[2]]
			if at < 0 {
				continue
			}
			line, col := s.pos(at)
			written := string(f.text[m[2]:m[3]])
			p := diag.Errorf(s.in.Path, line, col, "broken-link",
				"broken link %q: no definition of [%s] in this page (add a line \"[%s]: URL\")", written, label, label)
			p.Target = written
			s.problems = append(s.problems, p)
		}
		return ast.WalkSkipChildren, nil
	})
}

// mayHoldRef reports whether the source lines of block n hold "][", which
// every match of refLike does: most blocks do not, and are not flattened.
// A block without lines (none that goldmark makes holds inline text) is
// looked at.
func mayHoldRef(n ast.Node, src []byte) bool {
	lines := n.Lines()
	if lines.Len() == 0 {
		return true
	}
	for i := range lines.Len() {
		seg := lines.At(i)
		if bytes.Contains(seg.Value(src), []byte("][")) {
			return true
		}
	}
	return false
}

// flatText is the text of a block's inline nodes as written in the source,
// each byte with its source offset. Code, links, HTML and anything else
// that is not plain text stand as a 0 byte, which no match crosses.
type flatText struct {
	text []byte
	offs []int
}

func (f *flatText) add(n ast.Node, src []byte) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			seg := c.Segment
			f.text = append(f.text, seg.Value(src)...)
			for i := seg.Start; i < seg.Stop; i++ {
				f.offs = append(f.offs, i)
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				f.text = append(f.text, ' ')
				f.offs = append(f.offs, -1)
			}
		case *ast.Emphasis, *east.Strikethrough:
			f.add(c, src)
		default:
			f.text = append(f.text, 0)
			f.offs = append(f.offs, -1)
		}
	}
}
