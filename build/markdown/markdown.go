// Package markdown implements the parse stage: CommonMark + GFM with
// goldmark, GitHub-compatible heading ids, links collected with their
// source positions and rewritten to site URLs, and code blocks highlighted
// with chroma, all in a single pass over each page.
package markdown

import (
	"bytes"
	"context"
	"sync"

	"github.com/arcaapi/runbooks/build/commands"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Highlighter turns code into highlighted HTML (without <pre>), reporting
// whether it knew the language.
type Highlighter interface {
	Highlight(lang string, code []byte) (string, bool)
}

// Input is one page's Markdown body and what is needed to render it.
type Input struct {
	Path     string // slash path from the source root, for positions
	Body     []byte // Markdown, LF line endings, front matter removed
	BodyLine int    // the file line on which Body starts, 1-based
	// Rewrite maps a relative link destination as written to its href on
	// the site; nil leaves destinations as written.
	Rewrite func(dest string) string
	// GitLabIDs gives headings GitLab's ids rather than GitHub's.
	GitLabIDs bool
}

// Output is what parsing and rendering one page found.
type Output struct {
	Title    string // text of the first H1
	HTML     []byte
	Headings []page.Heading
	IDs      page.IDs
	Refs     []page.Ref
	Sections []page.Section
	Code     []page.CodeBlock
	// Shell is the shell of Code's blocks that parsing read for their
	// destructive marker, for commands.Check.
	Shell *commands.Parsed
	// Problems are what the Markdown itself got wrong: raw HTML that was
	// removed, reference links without a definition, diagrams that cannot
	// be drawn.
	Problems []diag.Problem
}

// Renderer parses and renders pages. It is safe for concurrent use.
type Renderer struct {
	md   goldmark.Markdown
	bufs sync.Pool // of *output: grown once for the biggest pages, not for each
}

// output is the buffer a page is rendered into. Being a util.BufWriter,
// goldmark writes to it directly rather than through a bufio.Writer of its
// own: no copy, and no 4 KB buffer for every page.
type output struct{ bytes.Buffer }

var _ util.BufWriter = (*output)(nil)

// Buffered returns 0: nothing waits to be flushed.
func (*output) Buffered() int { return 0 }

// Flush does nothing: every write is already in the buffer.
func (*output) Flush() error { return nil }

// New returns a Renderer that highlights code with h.
func New(h Highlighter) *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			// GFM, with table alignment as an attribute: a style attribute
			// would be blocked by the site's Content-Security-Policy.
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
			extension.Footnote,
			extension.DefinitionList,
		),
		goldmark.WithParserOptions(
			parser.WithAttribute(), // explicit heading ids: ## Notes {#notes}
			// Before every other inline parser: it ends a canceled parse.
			parser.WithInlineParsers(util.Prioritized(stopParser{}, 1)),
			// Lower priorities run first: the collector sees callouts
			// and sanitized HTML, and mermaid blocks as code blocks.
			parser.WithASTTransformers(
				util.Prioritized(callouts{}, 300),
				util.Prioritized(rawHTML{policy: policy()}, 400),
				util.Prioritized(undefinedRefs{}, 450),
				util.Prioritized(collector{}, 500),
				util.Prioritized(diagrams{}, 900),
			),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(
				util.Prioritized(&nodeRenderer{h: h}, 100),
				util.Prioritized(calloutRenderer{}, 100),
				util.Prioritized(safeHTMLRenderer{}, 100),
				util.Prioritized(diagramRenderer{}, 100),
			),
		),
	)
	return &Renderer{md: md}
}

// Render parses in.Body and renders it to HTML.
func (r *Renderer) Render(in Input) Output {
	out, _, _ := r.render(context.Background(), in)
	return out
}

// RenderContext is Render that stops early when ctx is done, inside a long
// paragraph or code block too, and then returns ctx's error and no page.
func (r *Renderer) RenderContext(ctx context.Context, in Input) (Output, error) {
	out, _, err := r.render(ctx, in)
	return out, err
}

// RenderInto is RenderContext with the HTML written into dst's storage
// when it has room, for a caller that writes the HTML out at once and
// renders the next page into the same buffer.
func (r *Renderer) RenderInto(ctx context.Context, in Input, dst []byte) (Output, error) {
	out, _, err := r.run(ctx, in, true, dst)
	return out, err
}

// Parse is RenderContext without the HTML: what the checks and the
// navigation need of a page (its title, headings, links, sections, code
// blocks and problems), for a build that renders the page's HTML when it
// writes it rather than keeping it. Output.HTML is nil.
func (r *Renderer) Parse(ctx context.Context, in Input) (Output, error) {
	out, _, err := r.run(ctx, in, false, nil)
	return out, err
}

// render is RenderContext, also returning what the collector kept of the
// page.
func (r *Renderer) render(ctx context.Context, in Input) (Output, *state, error) {
	return r.run(ctx, in, true, nil)
}

// run parses in.Body and, when html is set, renders it, into dst's
// storage when it has room.
func (r *Renderer) run(ctx context.Context, in Input, html bool, dst []byte) (Output, *state, error) {
	st := &state{in: in, lines: lineStarts(in.Body), ids: map[string]bool{}}
	st.slugs.GitLab = in.GitLabIDs
	pc := parser.NewContext()
	pc.Set(stateKey, st)
	done := ctx.Done()
	if done != nil {
		pc.Set(cancelKey, &canceller{done: done})
	}
	doc := r.md.Parser().Parse(text.NewReader(in.Body), parser.WithContext(pc))
	if err := ctx.Err(); err != nil {
		return Output{}, nil, err
	}
	out := Output{
		Title:    st.title,
		Headings: st.headings,
		IDs:      page.NewIDs(st.ids),
		Refs:     st.refs,
		Sections: st.sections,
		Code:     st.code,
		Shell:    &st.shell,
		Problems: st.problems,
	}
	if !html {
		return out, st, nil
	}
	if d, ok := doc.(*ast.Document); ok && done != nil {
		d.AddMeta(contextMeta, ctx)
	}
	buf, _ := r.bufs.Get().(*output)
	if buf == nil {
		buf = new(output)
	}
	defer func() {
		buf.Reset()
		r.bufs.Put(buf)
	}()
	if err := r.md.Renderer().Render(buf, in.Body, doc); ctx.Err() != nil {
		return Output{}, nil, ctx.Err()
	} else if err != nil {
		// Rendering into a bytes.Buffer fails only on a renderer bug; keep
		// what was written rather than lose the page.
		buf.WriteString("<p>render error</p>")
	}
	// A copy, never nil, of its exact size unless dst has room: the
	// buffer goes back to the pool, and has room to spare.
	if cap(dst) < buf.Len() {
		dst = make([]byte, 0, buf.Len())
	}
	out.HTML = append(dst[:0], buf.Bytes()...)
	return out, st, nil
}

// lineStarts returns the offset of the start of each line of src.
func lineStarts(src []byte) []int {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}
