package build

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/page"
)

// spill keeps the bodies a build renders while it parses on disk until
// the render stage writes their pages: Markdown is parsed once, and the
// heap holds no page's HTML however large the site. With a page cache,
// the bodies go to the cache's file with their pages' entries, so that
// the next build takes an unchanged page's body from there too and
// neither parses nor renders it; without one, to a temporary file. It is
// safe for concurrent use.
type spill struct {
	pages *cache.Pages       // where the bodies go, or nil
	f     *os.File           // where they go without a page cache
	md    *markdown.Renderer // highlights
	end   atomic.Int64       // bytes written to f
	bufs  sync.Pool          // of *[]byte: without a page cache, a body's HTML until it is in f

	mu      sync.Mutex
	at      map[string]span       // page path → where its body is in f
	keys    map[string]cache.Key  // page path → its entry in pages, with its body
	pending map[string]*page.Body // rendered, until stored with the page's entry
}

// span is where one page's body is in the spill file.
type span struct {
	off    int64
	h1, n  int // bytes of the H1, of the whole body
	failed bool
}

// newSpill returns the spill of a build that highlights with hl and keeps
// its parsed pages in pages, which may be nil. Close it when done.
func newSpill(hl markdown.Highlighter, pages *cache.Pages) (*spill, error) {
	s := &spill{pages: pages, md: markdown.New(hl), at: map[string]span{}, keys: map[string]cache.Key{}, pending: map[string]*page.Body{}}
	if pages == nil {
		f, err := os.CreateTemp("", "runbooks-bodies-*")
		if err != nil {
			return nil, fmt.Errorf("spill file: %w", err)
		}
		s.f = f
	}
	return s, nil
}

// close removes the spill file.
func (s *spill) close() {
	if s == nil || s.f == nil {
		return
	}
	s.f.Close()
	os.Remove(s.f.Name())
}

// render renders the page at path from in, keeps its body, and returns
// what parsing found. With a page cache, the body waits for the page's
// entry (stored).
func (s *spill) render(ctx context.Context, path string, in markdown.Input) (markdown.Output, error) {
	if s.pages == nil {
		return s.renderToFile(ctx, path, in)
	}
	out, err := s.md.RenderContext(ctx, in)
	if err != nil {
		return out, err
	}
	body := splitH1(out.HTML)
	out.HTML = nil
	s.mu.Lock()
	s.pending[path] = &body
	s.mu.Unlock()
	return out, nil
}

// renderToFile is render without a page cache: the body goes to the spill
// file at once, from a buffer the next page is rendered into.
func (s *spill) renderToFile(ctx context.Context, path string, in markdown.Input) (markdown.Output, error) {
	buf, _ := s.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	defer s.bufs.Put(buf)
	out, err := s.md.RenderInto(ctx, in, *buf)
	if err != nil {
		return out, err
	}
	html := out.HTML
	*buf = html
	body := splitH1(html) // both parts of html, in order
	out.HTML = nil
	sp := span{h1: len(body.H1), n: len(html)}
	sp.off = s.end.Add(int64(sp.n)) - int64(sp.n)
	_, err = s.f.WriteAt(html, sp.off)
	sp.failed = err != nil // rendered again from the source (a full disk)
	s.mu.Lock()
	s.at[path] = sp
	s.mu.Unlock()
	return out, nil
}

// stored notes that the page at path is the page cache's entry k, and
// returns the body rendered with it, if any, for the cache to store with
// the entry: the render stage then reads it from there.
func (s *spill) stored(path string, k cache.Key) *page.Body {
	if s == nil || s.pages == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	body := s.pending[path]
	delete(s.pending, path)
	s.keys[path] = k
	return body
}

// body returns the body kept for the page at path, if there is one, read
// into *buf, grown as it needs (see cache.Pages.Body).
func (s *spill) body(path string, buf *[]byte) (page.Body, bool, error) {
	s.mu.Lock()
	k, inCache := s.keys[path]
	sp, ok := s.at[path]
	s.mu.Unlock()
	if inCache {
		body, ok := s.pages.Body(k, buf)
		return body, ok, nil
	}
	if !ok || sp.failed {
		return page.Body{}, false, nil
	}
	*buf = slices.Grow((*buf)[:0], sp.n)[:sp.n]
	data := *buf
	if _, err := s.f.ReadAt(data, sp.off); err != nil {
		return page.Body{}, false, fmt.Errorf("spill file: %w", err)
	}
	return page.Body{H1: data[:sp.h1:sp.h1], Rest: data[sp.h1:]}, true, nil
}
