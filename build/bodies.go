package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"

	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/hugo"
	"github.com/arcaapi/runbooks/build/load"
	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/meta"
	"github.com/arcaapi/runbooks/build/page"
)

// The site keeps no page's HTML, so a build's memory holds what the checks
// and the navigation need, not the rendered site. A build renders each
// page's body while it parses the page, in the same goldmark pass, and
// keeps it on disk until the render stage writes the page (spill.go): in
// the page cache's file, with the page's entry, so that a page taken from
// the cache comes with its body; or, without a page cache, in a spill
// file. A page whose body is not kept (it did not read back intact), a
// preview's page and Site.Body are rendered from the source when they are
// written.

// bodies renders the HTML of the pages of one parsed site, highlighted. It
// is safe for concurrent use.
type bodies struct {
	p     *parser
	spill *spill             // the bodies rendered while parsing, or nil
	md    *markdown.Renderer // highlights
	// strict makes a source that changed since parse an error, so that a
	// build never publishes what it did not check. The preview shows the
	// new text: the rebuild that the change starts follows.
	strict bool
}

// bodies returns the renderer of the bodies of the pages p parsed.
func (p *parser) bodies(hl markdown.Highlighter, strict bool) *bodies {
	return &bodies{p: p, spill: p.spill, md: markdown.New(hl), strict: strict}
}

// render returns the HTML of pg's Markdown: as the parse stage rendered
// it, else from the source the parser kept, else read again. A body the
// parse stage rendered is read into *buf, or new storage when buf is nil
// (see cache.Pages.Body).
func (b *bodies) render(ctx context.Context, pg *page.Page, buf *[]byte) (page.Body, error) {
	if buf == nil {
		buf = new([]byte)
	}
	if b.spill != nil {
		if body, ok, err := b.spill.body(pg.Path, buf); ok || err != nil {
			return body, err
		}
	}
	data, err := b.source(pg.Path)
	switch {
	case err != nil && (pg.Sum == 0 || !b.strict):
		return page.Body{}, nil // unreadable when parsed too, and reported then; or a preview of a page gone since
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return page.Body{}, fmt.Errorf("%s: cannot read: %w; it changed while the site was built, build again", pg.Path, err)
	case b.strict && sourceSum(data) != pg.Sum:
		return page.Body{}, fmt.Errorf("%s changed while the site was built; build again", pg.Path)
	}
	e := load.Entry{Path: pg.Path, URL: pg.URL}
	m := meta.ParseWith(e.Path, data, b.p.meta)
	body, _ := hugo.Rewrite(e.Path, m.Body, m.BodyLine)
	out, err := b.md.RenderContext(ctx, b.p.input(e, body, m.BodyLine, map[string]bool{}))
	if err != nil {
		return page.Body{}, err
	}
	return splitH1(out.HTML), nil
}

// source returns the source of the page at path.
func (b *bodies) source(path string) ([]byte, error) {
	if b.p.sources == nil {
		return fs.ReadFile(b.p.src, path)
	}
	data, ok := b.p.source(path)
	if !ok {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fs.ErrNotExist}
	}
	return data, nil
}

// splitH1 splits a page's HTML into its leading H1, which the theme shows
// above the metadata, and the rest.
func splitH1(html []byte) page.Body {
	if bytes.HasPrefix(html, []byte("<h1")) {
		if i := bytes.Index(html, []byte("</h1>\n")); i >= 0 {
			return page.Body{H1: html[:i+6], Rest: html[i+6:]}
		}
	}
	return page.Body{Rest: html}
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sourceSum returns the checksum of a page's source that page.Page.Sum
// holds.
func sourceSum(data []byte) uint32 { return crc32.Checksum(data, castagnoli) }

// Body returns the HTML of pg's Markdown as the site shows it, with its
// code not highlighted (as Check parses it): for tools and tests that read
// what a page says. The site keeps no page's HTML; this reads the source
// again.
func (s *Site) Body(ctx context.Context, pg *page.Page) (page.Body, error) {
	return s.parser.bodies(highlight.Plain{}, true).render(ctx, pg, nil)
}
