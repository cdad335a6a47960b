package build

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/page"
)

// spill keeps the bodies a build renders while it parses on disk, in one
// temporary file, until the render stage writes their pages: Markdown is
// parsed once, and the heap holds no page's HTML however large the site.
// It is safe for concurrent use.
type spill struct {
	f   *os.File
	md  *markdown.Renderer // highlights
	end atomic.Int64       // bytes written

	mu sync.Mutex
	at map[string]span // page path → where its body is
}

// span is where one page's body is in the spill file.
type span struct {
	off    int64
	h1, n  int // bytes of the H1, of the whole body
	failed bool
}

// newSpill creates the spill file of a build that highlights with hl.
// Close it when done.
func newSpill(hl markdown.Highlighter) (*spill, error) {
	f, err := os.CreateTemp("", "runbooks-bodies-*")
	if err != nil {
		return nil, fmt.Errorf("spill file: %w", err)
	}
	return &spill{f: f, md: markdown.New(hl), at: map[string]span{}}, nil
}

// close removes the spill file.
func (s *spill) close() {
	if s == nil {
		return
	}
	s.f.Close()
	os.Remove(s.f.Name())
}

// render renders the page at path from in, keeps its body, and returns
// what parsing found.
func (s *spill) render(ctx context.Context, path string, in markdown.Input) (markdown.Output, error) {
	out, err := s.md.RenderContext(ctx, in)
	if err != nil {
		return out, err
	}
	body := splitH1(out.HTML)
	out.HTML = nil
	sp := span{h1: len(body.H1), n: len(body.H1) + len(body.Rest)}
	sp.off = s.end.Add(int64(sp.n)) - int64(sp.n)
	_, err1 := s.f.WriteAt(body.H1, sp.off)
	_, err2 := s.f.WriteAt(body.Rest, sp.off+int64(sp.h1))
	sp.failed = err1 != nil || err2 != nil // rendered again from the source (a full disk)
	s.mu.Lock()
	s.at[path] = sp
	s.mu.Unlock()
	return out, nil
}

// body returns the body kept for the page at path, if there is one.
func (s *spill) body(path string) (page.Body, bool, error) {
	s.mu.Lock()
	sp, ok := s.at[path]
	s.mu.Unlock()
	if !ok || sp.failed {
		return page.Body{}, false, nil
	}
	buf := make([]byte, sp.n)
	if _, err := s.f.ReadAt(buf, sp.off); err != nil {
		return page.Body{}, false, fmt.Errorf("spill file: %w", err)
	}
	return page.Body{H1: buf[:sp.h1:sp.h1], Rest: buf[sp.h1:]}, true, nil
}
