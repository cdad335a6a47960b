package build

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"sync"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/offline"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/publish"
	"github.com/arcaapi/runbooks/build/render"
	"github.com/arcaapi/runbooks/build/search"
)

// Render renders the parsed site and writes every file of it to w: pages
// (in parallel, each written as soon as it is rendered), the theme's
// assets, the group pages, the 404 page and the source tree's other files.
// The files that are not pages are made alongside the pages, since much of
// that work (the search index, the alert pages) runs on one core. live
// adds the preview server's reload script.
func Render(ctx context.Context, site *Site, cfg Config, live bool, w Writer) error {
	theme, err := LoadTheme(cfg)
	if err != nil {
		return err
	}
	r, err := NewRenderer(site, theme, cfg, live)
	if err != nil {
		return err
	}
	// The service worker lists every file of the site, so it is written
	// last, from what was written before it.
	var rec *offline.Recorder
	if !live && !cfg.NoOffline {
		rec = &offline.Recorder{}
		w = recording{w, rec}
	}
	claims := newClaims(w)
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	files := make(chan error, 1)
	go func() { files <- RenderFiles(site, r, claims) }()
	perr := parallel(ctx, len(site.Pages), func(i int) {
		p := site.Pages[i]
		var buf bytes.Buffer
		if err := r.Page(&buf, p); err != nil {
			fail(fmt.Errorf("render %s: %w", p.Path, err))
			return
		}
		if err := claims.by(p.Path).WriteFile(p.URL+"index.html", buf.Bytes()); err != nil {
			fail(err)
		}
	})
	ferr := <-files
	if err := cmp.Or(perr, firstErr, ferr); err != nil || rec == nil {
		return err
	}
	sw, err := rec.Worker()
	if err != nil {
		return err
	}
	return claims.WriteFile(offline.WorkerName, sw)
}

// recording is a Writer that notes every file for the service worker.
type recording struct {
	w   Writer
	rec *offline.Recorder
}

func (r recording) WriteFile(name string, data []byte) error {
	r.rec.Add(name, data)
	return r.w.WriteFile(name, data)
}

// RenderFiles writes every file of the site but its pages: the theme's
// assets, the group pages, the 404 page, the search index, the hosting
// files and the source files the pages use. The preview server keeps these
// in memory and renders pages on request.
func RenderFiles(site *Site, r *render.Renderer, out Writer) error {
	claims, ok := out.(*claims)
	if !ok {
		claims = newClaims(out)
	}
	w := claims.by(generated)
	for _, f := range r.Files() {
		if err := w.WriteFile(f.Name, f.Data); err != nil {
			return err
		}
	}
	for g := range page.NumGroups {
		var buf bytes.Buffer
		if err := r.Group(&buf, g); err != nil {
			return err
		}
		if err := w.WriteFile(render.GroupURL(g)+"index.html", buf.Bytes()); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := r.NotFound(&buf); err != nil {
		return err
	}
	if err := w.WriteFile("404.html", buf.Bytes()); err != nil {
		return err
	}
	var sbuf bytes.Buffer
	if err := r.Search(&sbuf); err != nil {
		return err
	}
	if err := w.WriteFile(render.SearchURL+"index.html", sbuf.Bytes()); err != nil {
		return err
	}
	nav, err := r.NavJSON()
	if err != nil {
		return err
	}
	if nav != nil {
		if err := w.WriteFile(render.NavFile, nav); err != nil {
			return err
		}
	}
	extra, err := search.Files(site.Pages)
	if err != nil {
		return err
	}
	pub, err := publish.Files(publish.Input{Pages: site.Pages, Base: r.Base(), Now: site.Now, Renderer: r})
	if err != nil {
		return err
	}
	for _, f := range append(extra, pub...) {
		if err := w.WriteFile(f.Name, f.Data); err != nil {
			return err
		}
	}
	for _, a := range site.Files {
		data, err := fs.ReadFile(site.Src, a)
		if err != nil {
			return fmt.Errorf("copy %s: %w", a, err)
		}
		if err := claims.by(a).WriteFile(a, data); err != nil {
			return err
		}
	}
	return nil
}

// generated owns the files the build makes rather than copies.
const generated = "the generated site"

// claims passes files on to a Writer and refuses a second file at the same
// path, so a source file can never silently replace a generated one (a
// runbooks/robots.txt, a page at groups/sev1.md) or another source's.
type claims struct {
	w     Writer
	mu    sync.Mutex
	owner map[string]string
}

func newClaims(w Writer) *claims { return &claims{w: w, owner: map[string]string{}} }

// by returns a Writer whose files are claimed by owner.
func (c *claims) by(owner string) Writer { return claimant{c, owner} }

// WriteFile writes a generated file.
func (c *claims) WriteFile(name string, data []byte) error {
	return c.by(generated).WriteFile(name, data)
}

type claimant struct {
	c     *claims
	owner string
}

func (cl claimant) WriteFile(name string, data []byte) error {
	cl.c.mu.Lock()
	first, taken := cl.c.owner[name]
	if !taken {
		cl.c.owner[name] = cl.owner
	}
	cl.c.mu.Unlock()
	if taken {
		// Files are written in parallel, so name the two owners in an
		// order of their own: the generated site first, else by path.
		a, b := first, cl.owner
		if b == generated || a != generated && b < a {
			a, b = b, a
		}
		return fmt.Errorf("%w: %s and %s both write %s; rename or move %s", ErrContent, a, b, name, b)
	}
	return cl.c.w.WriteFile(name, data)
}

// LoadTheme loads the default theme with cfg.Theme's files over it.
func LoadTheme(cfg Config) (*render.Theme, error) {
	tfs, err := themeFS(cfg)
	if err != nil {
		return nil, err
	}
	return render.LoadTheme(tfs)
}

// NewRenderer returns the renderer for a parsed site in a loaded theme.
func NewRenderer(site *Site, theme *render.Theme, cfg Config, live bool) (*render.Renderer, error) {
	base, err := link.NewBase(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	return render.New(theme, render.Site{
		Title:      site.Title,
		Base:       base,
		BuildDate:  site.Now,
		EditURL:    cfg.EditURL,
		Live:       live,
		Offline:    !live && !cfg.NoOffline,
		TickExpiry: cfg.TickExpiry,
		Pages:      site.Pages,
	}), nil
}
