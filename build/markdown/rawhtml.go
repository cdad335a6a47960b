package markdown

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Raw HTML in Markdown is kept when it is safe and removed, with a warning
// at its position, when it is not. The policy is bluemonday's; each tag is
// put to it alone, so that what it drops can be named: an element, or one
// of its attributes.

// RuleRawHTMLRemoved is the rule of a warning about raw HTML that was not
// published.
const RuleRawHTMLRemoved = "raw-html-removed"

// policy returns what raw HTML may contain: the elements people write in
// READMEs and runbooks (details, images, line breaks in tables, keys),
// without scripts, frames, event handlers or style attributes, which the
// site's Content-Security-Policy would block anyway, and without id and
// name, which could clobber the names the theme's script uses.
func policy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.AllowElements(
		"details", "summary", "br", "wbr", "hr", "kbd", "sub", "sup", "mark", "abbr",
		"dl", "dt", "dd", "span", "div", "p", "b", "i", "em", "strong", "u", "s", "del", "ins",
		"small", "code", "pre", "samp", "var", "q", "cite", "blockquote", "ul", "ol", "li",
		"h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "picture",
		"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
	)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src", "alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img", "col", "td", "th", "table")
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("open").OnElements("details")
	p.AllowAttrs("colspan", "rowspan").Matching(bluemonday.Integer).OnElements("td", "th")
	p.AllowAttrs("scope").Matching(regexp.MustCompile(`^(row|col|rowgroup|colgroup)$`)).OnElements("th")
	p.AllowAttrs("align").Matching(regexp.MustCompile(`(?i)^(left|center|right|justify)$`)).OnElements(
		"p", "div", "img", "td", "th", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`(?i)^(ltr|rtl|auto)$`)).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)).Globally()
	return p
}

// skipContent are the elements whose content goes with them when they are
// removed: what is inside a script or a frame is not text for the reader.
var skipContent = map[string]bool{
	"script": true, "style": true, "iframe": true, "object": true, "noscript": true,
	"noembed": true, "noframes": true, "frame": true, "frameset": true, "title": true, "template": true,
	"textarea": true, "svg": true, "math": true,
}

// The node kinds of raw HTML after sanitizing.
var (
	KindSafeHTML      = ast.NewNodeKind("SafeHTML")
	KindSafeHTMLBlock = ast.NewNodeKind("SafeHTMLBlock")
)

// safeHTML is inline raw HTML that the policy let through.
type safeHTML struct {
	ast.BaseInline
	html []byte
}

func (n *safeHTML) Kind() ast.NodeKind { return KindSafeHTML }

func (n *safeHTML) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": string(n.html)}, nil)
}

// safeHTMLBlock is an HTML block that the policy let through.
type safeHTMLBlock struct {
	ast.BaseBlock
	html []byte
}

func (n *safeHTMLBlock) Kind() ast.NodeKind { return KindSafeHTMLBlock }

func (n *safeHTMLBlock) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"HTML": string(n.html)}, nil)
}

// rawHTML is the AST transformer that sanitizes every piece of raw HTML in
// a page, in document order, so that a <details> opened in one block and
// closed in another is matched.
type rawHTML struct{ policy *bluemonday.Policy }

var _ parser.ASTTransformer = rawHTML{}

func (t rawHTML) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	s, _ := pc.Get(stateKey).(*state)
	if s == nil {
		return
	}
	src := reader.Source()
	var nodes []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.(type) {
			case *ast.RawHTML, *ast.HTMLBlock:
				nodes = append(nodes, n)
			}
		}
		return ast.WalkContinue, nil
	})
	if len(nodes) == 0 {
		return
	}
	san := &sanitizer{s: s, policy: t.policy, removedOpen: map[string]int{}}
	for _, n := range nodes {
		var frag fragment
		block := false
		switch n := n.(type) {
		case *ast.RawHTML:
			frag = newFragment(src, n.Segments)
		case *ast.HTMLBlock:
			block = true
			segs := n.Lines()
			if n.HasClosure() {
				segs = text.NewSegments()
				for i := 0; i < n.Lines().Len(); i++ {
					segs.Append(n.Lines().At(i))
				}
				segs.Append(n.ClosureLine)
			}
			frag = newFragment(src, segs)
		}
		out := san.sanitize(frag)
		if block && len(out) > 0 && out[len(out)-1] != '\n' {
			out = append(out, '\n')
		}
		parent := n.Parent()
		if !block && san.skipping != "" {
			// An inline <script> leaves its content to the following
			// nodes until its end tag: they go with it.
			for c := n.NextSibling(); c != nil; {
				if _, ok := c.(*ast.RawHTML); ok {
					break
				}
				next := c.NextSibling()
				parent.RemoveChild(parent, c)
				c = next
			}
		}
		var safe ast.Node = &safeHTML{html: out}
		if block {
			safe = &safeHTMLBlock{html: out}
		}
		parent.ReplaceChild(parent, n, safe)
	}
	if closers := san.closeAll(); len(closers) > 0 {
		doc.AppendChild(doc, &safeHTMLBlock{html: append(closers, '\n')})
	}
}

// fragment is a piece of raw HTML with where each of its bytes is in the
// source: raw HTML may span lines, with blockquote markers between them.
type fragment struct {
	data   []byte
	starts []int // offset in data where each segment starts
	srcs   []int // source offset of each segment's start
}

func newFragment(src []byte, segs *text.Segments) fragment {
	var f fragment
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		f.starts = append(f.starts, len(f.data))
		f.srcs = append(f.srcs, seg.Start)
		f.data = append(f.data, seg.Value(src)...)
	}
	return f
}

// srcOffset returns the source offset of byte i of the fragment.
func (f fragment) srcOffset(i int) int {
	k := sort.SearchInts(f.starts, i+1) - 1
	if k < 0 {
		return 0
	}
	return f.srcs[k] + i - f.starts[k]
}

// sanitizer carries what one page's raw HTML has opened across its pieces.
type sanitizer struct {
	s           *state
	policy      *bluemonday.Policy
	open        []string       // elements kept and not yet closed
	removedOpen map[string]int // elements removed whose end tag is still to come
	skipping    string         // the removed element whose content is being dropped
}

// sanitize returns the kept part of a fragment, reporting what it removes
// and collecting the links it keeps.
func (z *sanitizer) sanitize(f fragment) []byte {
	var out bytes.Buffer
	tok := html.NewTokenizer(bytes.NewReader(f.data))
	at := 0
	for {
		tt := tok.Next()
		if tt == html.ErrorToken {
			if tok.Err() != io.EOF {
				z.warn(f, at, "", "raw HTML: removed what could not be read as HTML")
			}
			break
		}
		raw := string(tok.Raw())
		t := tok.Token()
		start := at
		at += len(raw)
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			if z.skipping != "" {
				continue
			}
			z.startTag(&out, f, start, raw, t, tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			z.endTag(&out, f, start, t)
		case html.TextToken:
			if z.skipping == "" {
				out.WriteString(html.EscapeString(t.Data))
			}
		case html.CommentToken:
			// Comments are notes for authors, hidden on GitHub too.
		case html.DoctypeToken:
			z.warn(f, start, "doctype", "raw HTML: removed %s", clip(raw))
		}
	}
	return out.Bytes()
}

func (z *sanitizer) startTag(out *bytes.Buffer, f fragment, start int, raw string, t html.Token, selfClosing bool) {
	kept := z.policy.Sanitize(raw)
	if kept == "" {
		if skipContent[t.Data] {
			z.warn(f, start, t.Data, "raw HTML: removed %s and its content", clip(raw))
			if !selfClosing && !isVoid(t.Data) {
				z.skipping = t.Data
			}
			return
		}
		if !selfClosing && !isVoid(t.Data) {
			z.removedOpen[t.Data]++
		}
		z.warn(f, start, t.Data, "raw HTML: removed %s (its content is kept)", clip(raw))
		return
	}
	kt := html.NewTokenizer(strings.NewReader(kept))
	kt.Next()
	k := kt.Token()
	for _, a := range t.Attr {
		if !hasAttr(k, a.Key) {
			z.warn(f, start, t.Data, "raw HTML: removed %s from <%s>", clip(attrString(a)), t.Data)
		}
	}
	for i, a := range k.Attr {
		switch {
		case a.Key == "href" && k.Data == "a", a.Key == "src" && k.Data == "img":
			kind := page.Link
			if k.Data == "img" {
				kind = page.Image
			}
			z.s.addRef(kind, a.Val, f.srcOffset(start))
			if z.s.in.Rewrite != nil {
				k.Attr[i].Val = z.s.in.Rewrite(a.Val)
			}
		}
	}
	if selfClosing || isVoid(k.Data) {
		k.Type = html.StartTagToken // "<br>", as goldmark writes it
		out.WriteString(k.String())
		return
	}
	z.open = append(z.open, k.Data)
	out.WriteString(k.String())
}

func (z *sanitizer) endTag(out *bytes.Buffer, f fragment, start int, t html.Token) {
	if z.skipping != "" {
		if t.Data == z.skipping {
			z.skipping = ""
		}
		return
	}
	if z.removedOpen[t.Data] > 0 {
		z.removedOpen[t.Data]--
		return
	}
	for i := len(z.open) - 1; i >= 0; i-- {
		if z.open[i] == t.Data {
			for j := len(z.open) - 1; j >= i; j-- {
				out.WriteString("</" + z.open[j] + ">")
			}
			z.open = z.open[:i]
			return
		}
	}
	if isVoid(t.Data) {
		return // "</br>": nothing to close
	}
	z.warn(f, start, t.Data, "raw HTML: removed </%s>, which closes no element opened in this page's HTML", t.Data)
}

// closeAll returns the end tags of the elements still open at the end of
// the page, so that they cannot swallow the page around them.
func (z *sanitizer) closeAll() []byte {
	var b []byte
	for i := len(z.open) - 1; i >= 0; i-- {
		b = append(b, "</"+z.open[i]+">"...)
	}
	z.open = nil
	return b
}

func (z *sanitizer) warn(f fragment, start int, target, format string, args ...any) {
	line, col := z.s.pos(f.srcOffset(start))
	p := diag.Warnf(z.s.in.Path, line, col, RuleRawHTMLRemoved, format, args...)
	p.Target = target
	z.s.problems = append(z.s.problems, p)
}

func hasAttr(t html.Token, key string) bool {
	for _, a := range t.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func attrString(a html.Attribute) string {
	return fmt.Sprintf("%s=%q", a.Key, a.Val)
}

// clip shortens what a warning quotes.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 80 {
		return string(r[:77]) + "..."
	}
	return s
}

func isVoid(name string) bool {
	switch atom.Lookup([]byte(name)) {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}

// safeHTMLRenderer writes sanitized raw HTML as it is.
type safeHTMLRenderer struct{}

var _ renderer.NodeRenderer = safeHTMLRenderer{}

func (safeHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindSafeHTML, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.Write(node.(*safeHTML).html)
		}
		return ast.WalkContinue, nil
	})
	reg.Register(KindSafeHTMLBlock, func(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			_, _ = w.Write(node.(*safeHTMLBlock).html)
		}
		return ast.WalkContinue, nil
	})
}
