package markdown

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/arcaapi/runbooks/build/commands"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/fence"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/slug"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

var stateKey = parser.NewContextKey()

// state is what the collector gathers about one page while it is parsed.
type state struct {
	in       Input
	lines    []int
	title    string
	headings []page.Heading
	ids      map[string]bool
	refs     []page.Ref
	sections []page.Section
	code     []page.CodeBlock
	shell    commands.Parsed // the blocks' shell, parsed for the destructive marker
	problems []diag.Problem
	slugs    slug.Slugger

	// The last position pos computed: columns are counted on from it, so
	// that many links on one line cost one pass over the line, not one
	// per link.
	colLine, colOff, colRunes int
	// scanned counts the bytes pos has counted characters in.
	scanned int
	// found is the offset of the last link find located, where the next
	// search in the same block starts.
	found int
}

// pos returns the 1-based file line and column (in characters) of offset.
// Positions are asked for in source order, so each counts characters on
// from the one before when both are on the same line.
func (s *state) pos(offset int) (line, col int) {
	offset = min(max(offset, 0), len(s.in.Body))
	i := sort.SearchInts(s.lines, offset+1) - 1
	if i < 0 {
		i = 0
	}
	from, runes := s.lines[i], 0
	if i == s.colLine && offset >= s.colOff && s.colOff >= from {
		from, runes = s.colOff, s.colRunes
	}
	runes += utf8.RuneCount(s.in.Body[from:offset])
	s.scanned += offset - from
	s.colLine, s.colOff, s.colRunes = i, offset, runes
	return s.in.BodyLine + i, runes + 1
}

func (s *state) lineOf(offset int) int {
	l, _ := s.pos(offset)
	return l
}

// collector is the AST transformer that assigns heading ids, collects and
// rewrites links, and records sections and code blocks, in one walk.
type collector struct{}

var _ parser.ASTTransformer = collector{}

func (collector) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	s, _ := pc.Get(stateKey).(*state)
	if s == nil {
		return
	}
	src := reader.Source()
	sec := &page.Section{}
	var text bytes.Buffer // reused: each section's text is copied out at its exact size
	flush := func() {
		sec.Text = string(bytes.TrimSpace(text.Bytes()))
		if sec.Text != "" || sec.ID != "" {
			s.sections = append(s.sections, *sec)
		}
		text.Reset()
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			if n.Type() == ast.TypeBlock && n.Kind() != ast.KindDocument {
				text.WriteByte('\n')
			}
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			s.heading(n, src)
			if n.Level <= 3 {
				flush()
				h := s.headings[len(s.headings)-1]
				sec = &page.Section{ID: h.ID, Title: h.Text}
			}
			return ast.WalkSkipChildren, s.linksIn(n, src)
		case *ast.FencedCodeBlock:
			s.fenced(n, src)
			return ast.WalkSkipChildren, nil
		case *ast.CodeBlock:
			s.indented(n, src)
			return ast.WalkSkipChildren, nil
		case *ast.Link, *ast.Image, *ast.AutoLink:
			s.link(n, src)
		case *ast.Text:
			text.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				text.WriteByte(' ')
			}
		case *ast.String:
			text.Write(n.Value)
		case *ast.CodeSpan:
			text.Write(plain(n, src))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	flush()
}

// linksIn collects the links inside a heading, whose children the main
// walk skips.
func (s *state) linksIn(h ast.Node, src []byte) error {
	return ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.(type) {
			case *ast.Link, *ast.Image, *ast.AutoLink:
				s.link(n, src)
			}
		}
		return ast.WalkContinue, nil
	})
}

func (s *state) heading(n *ast.Heading, src []byte) {
	txt := strings.TrimSpace(string(plain(n, src)))
	var id string
	if v, ok := n.AttributeString("id"); ok {
		if b, ok := v.([]byte); ok {
			id = string(b)
		}
	}
	if id != "" {
		s.slugs.Reserve(id)
	} else {
		id = s.slugs.Slug(txt)
		n.SetAttributeString("id", []byte(id))
	}
	s.ids[id] = true
	line := 0
	if n.Lines().Len() > 0 {
		line = s.lineOf(n.Lines().At(0).Start)
	}
	if n.Level == 1 && s.title == "" {
		s.title = txt
	}
	s.headings = append(s.headings, page.Heading{Level: n.Level, Text: txt, ID: id, Line: line})
}

// plain returns the text content of n: what a reader sees, without markup.
func plain(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.AutoLink:
			b.Write(c.Label(src))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.Bytes()
}

// link records a link with its position and rewrites its destination.
func (s *state) link(n ast.Node, src []byte) {
	switch n := n.(type) {
	case *ast.Link:
		dest := string(n.Destination)
		s.addRef(page.Link, dest, s.linkStart(n, src, false))
		if s.in.Rewrite != nil {
			n.Destination = []byte(s.in.Rewrite(dest))
		}
	case *ast.Image:
		dest := string(n.Destination)
		s.addRef(page.Image, dest, s.linkStart(n, src, true))
		if s.in.Rewrite != nil {
			n.Destination = []byte(s.in.Rewrite(dest))
		}
	case *ast.AutoLink:
		label := n.Label(src)
		at := s.find(n, src, label)
		if at > 0 && src[at-1] == '<' {
			at--
		}
		s.addRef(page.AutoLink, string(n.URL(src)), at)
	}
}

func (s *state) addRef(kind page.LinkKind, dest string, offset int) {
	line, col := s.pos(offset)
	s.refs = append(s.refs, page.Ref{Kind: kind, Dest: dest, Line: line, Col: col})
}

// linkStart returns the offset of the "[" (or "![") that opens a link: the
// AST keeps positions only for text, so start from the first text inside
// the link and walk back to its bracket.
func (s *state) linkStart(n ast.Node, src []byte, image bool) int {
	first, nested := -1, 0
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering && first < 0 {
			first = t.Segment.Start
			// links and images between the text and n open with their own "["
			for a := c.Parent(); a != nil && a != n; a = a.Parent() {
				if k := a.Kind(); k == ast.KindLink || k == ast.KindImage {
					nested++
				}
			}
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if first < 0 {
		open := []byte("[]")
		if image {
			open = []byte("![]")
		}
		return s.find(n, src, open)
	}
	lo := blockStart(n)
	i := first - 1
	for ; ; nested-- {
		for i > lo && src[i] != '[' {
			i--
		}
		if nested == 0 || i <= lo {
			break
		}
		i--
	}
	if image && i > 0 && src[i-1] == '!' {
		i--
	}
	return max(i, 0)
}

// find returns the offset of needle in the source of the block holding n,
// or the block's start.
//
// Links are visited in source order, so the search starts after the link
// found before it in the same block: a line of many autolinks is searched
// once, not once per link.
func (s *state) find(n ast.Node, src []byte, needle []byte) int {
	lo := blockStart(n)
	from := lo
	if s.found > lo && s.found < len(src) {
		from = s.found + 1
	}
	i := bytes.Index(src[from:], needle)
	if i < 0 && from > lo {
		from = lo
		i = bytes.Index(src[from:], needle)
	}
	if i < 0 {
		return lo
	}
	s.found = from + i
	return s.found
}

// blockStart returns the source offset of the block that holds n.
func blockStart(n ast.Node) int {
	for p := n; p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
	}
	return 0
}

func (s *state) fenced(n *ast.FencedCodeBlock, src []byte) {
	lang := ""
	var attrs []string
	if n.Info != nil {
		lang = infoLang(n.Info.Segment.Value(src))
		attrs = infoAttrs(n.Info.Segment.Value(src))
	}
	// The opening fence is the line before the first content line, or the
	// line of the info string.
	var open int
	switch {
	case n.Info != nil:
		open = lineStart(src, n.Info.Segment.Start)
	case n.Lines().Len() > 0:
		open = lineStart(src, max(lineStart(src, n.Lines().At(0).Start)-1, 0))
	default:
		open = blockOffsetGuess(n, src)
	}
	fenceLine := src[open:lineEnd(src, open)]
	// The fence follows the indent and any container markers ("> ", "- ").
	indent := max(bytes.IndexAny(fenceLine, "`~"), 0)
	opener := fence.Run(fenceLine[indent:])
	line, col := s.pos(open + indent)
	cb := page.CodeBlock{Lang: lang, Line: line, Col: col, Fenced: true, Attrs: attrs}
	// Closed: the line after the content is a closing fence.
	after := lineEnd(src, open) + 1
	if l := n.Lines(); l.Len() > 0 {
		after = l.At(l.Len() - 1).Stop
		if after > 0 && after <= len(src) && src[after-1] != '\n' {
			after = lineEnd(src, after) + 1
		}
	}
	if after < len(src) {
		next := bytes.TrimLeft(bytes.TrimSpace(src[after:lineEnd(src, after)]), "> ")
		cb.Closed = len(opener) > 0 && bytes.HasPrefix(next, opener) && len(bytes.Trim(next, string(opener[:1]))) == 0
	}
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		l := bytes.TrimSpace(seg.Value(src))
		if r := fence.Run(l); len(opener) > 0 && len(r) >= len(opener) && r[0] == opener[0] && len(r) < len(l) && isLetter(l[len(r)]) {
			cb.InnerFences = append(cb.InnerFences, s.lineOf(seg.Start))
		}
	}
	s.setCode(&cb, n.Lines(), src)
	cb.Destructive = s.destructive(&cb)
	cb.Hidden = s.hidden(n.Lines(), src)
	markDestructive(n, cb.Destructive)
	s.code = append(s.code, cb)
}

// hiddenChars holds every character page.IsBidiControl or
// page.IsZeroWidth accepts.
const hiddenChars = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200B\u200C\u200D\u2060\uFEFF"

// hidden returns the bidirectional controls and zero-width characters in
// the lines of a code block, with their positions.
func (s *state) hidden(lines *text.Segments, src []byte) []page.HiddenChar {
	var out []page.HiddenChar
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		v := seg.Value(src)
		for off := 0; ; {
			j := bytes.IndexAny(v[off:], hiddenChars)
			if j < 0 {
				break
			}
			r, size := utf8.DecodeRune(v[off+j:])
			line, col := s.pos(seg.Start + off + j)
			out = append(out, page.HiddenChar{Rune: r, Pos: page.Pos{Line: line, Col: col}})
			off += j + size
		}
	}
	return out
}

func (s *state) indented(n *ast.CodeBlock, src []byte) {
	if n.Lines().Len() == 0 {
		return
	}
	line, col := s.pos(n.Lines().At(0).Start)
	cb := page.CodeBlock{Line: line, Col: col, Closed: true}
	s.setCode(&cb, n.Lines(), src)
	cb.Destructive = s.destructive(&cb)
	cb.Hidden = s.hidden(n.Lines(), src)
	markDestructive(n, cb.Destructive)
	s.code = append(s.code, cb)
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func lineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

func lineEnd(src []byte, off int) int {
	if off >= len(src) {
		return len(src)
	}
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i
	}
	return len(src)
}

// blockOffsetGuess finds the opening line of an empty fenced block with no
// info string: the first fence line after the content that precedes it,
// skipping the closing fence of a code block that ends there.
func blockOffsetGuess(n ast.Node, src []byte) int {
	for cur := n; cur != nil; cur = cur.Parent() {
		for p := cur.PreviousSibling(); p != nil; p = p.PreviousSibling() {
			last := lastWithLines(p)
			if last == nil {
				continue
			}
			l := last.Lines()
			_, skip := last.(*ast.FencedCodeBlock)
			for off := l.At(l.Len() - 1).Stop; off < len(src); {
				e := lineEnd(src, off)
				// a list marker or "> " may come before the fence
				if fence.Run(bytes.TrimLeft(src[off:e], " \t>-*+.)0123456789")) != nil {
					if !skip {
						return off
					}
					skip = false
				}
				off = e + 1
			}
			return 0
		}
	}
	return 0
}

// lastWithLines returns the last block in n's subtree that has source
// lines, or nil.
func lastWithLines(n ast.Node) ast.Node {
	if n.Type() != ast.TypeBlock {
		return nil
	}
	for c := n.LastChild(); c != nil; c = c.PreviousSibling() {
		if l := lastWithLines(c); l != nil {
			return l
		}
	}
	if n.Lines().Len() > 0 {
		return n
	}
	return nil
}

// infoLang returns the language of a fence's info string: its first word,
// without {attributes}.
func infoLang(info []byte) string {
	f := strings.Fields(string(info))
	if len(f) == 0 {
		return ""
	}
	lang := strings.TrimPrefix(f[0], "{")
	if i := strings.IndexAny(lang, "{,"); i >= 0 {
		lang = lang[:i]
	}
	return strings.TrimPrefix(lang, ".")
}
