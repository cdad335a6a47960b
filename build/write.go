package build

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io/fs"
	"sync"

	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/offline"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/publish"
	"github.com/arcaapi/runbooks/build/render"
	"github.com/arcaapi/runbooks/build/search"
	"github.com/arcaapi/runbooks/theme"
)

// Writer receives the files of the built site: an output folder on disk,
// or memory for the preview server.
type Writer interface {
	WriteFile(name string, data []byte) error
}

// render is the render stage: it renders the parsed site in theme and
// writes every file of it to w: pages (in parallel, each body highlighted
// with hl, rendered and written at once, and dropped), the theme's assets,
// the group pages, the 404 page and the source tree's other files. The
// files that are not pages are made alongside the pages, since much of
// that work (the search index, the alert pages) runs on one core. A
// page's bytes are reused for the next page once w.WriteFile returns, so
// w must copy what it keeps (an output folder keeps nothing).
func (set settings) render(ctx context.Context, site *Site, theme *render.Theme, hl markdown.Highlighter, w Writer) error {
	r := newRenderer(site, theme, set, false)
	bodies := site.parser.bodies(hl, true)
	// The service worker lists every file of the site, so it is written
	// last, from what was written before it.
	var rec *offline.Recorder
	if !set.NoOffline {
		rec = &offline.Recorder{}
		w = recording{w, rec}
	}
	owners := newOwners(w)
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
	go func() { files <- renderFiles(site, r, owners) }()
	var bufs sync.Pool // of *pageBufs, a page's reused for the next
	perr := parallel(ctx, len(site.Pages), func(i int) {
		p := site.Pages[i]
		pb, _ := bufs.Get().(*pageBufs)
		if pb == nil {
			pb = new(pageBufs)
		}
		defer bufs.Put(pb)
		body, err := bodies.render(ctx, p, &pb.body)
		if err != nil {
			fail(err)
			return
		}
		buf := &pb.out
		buf.Reset()
		buf.Grow(len(body.H1) + len(body.Rest) + pageFrame)
		if err := r.Page(buf, p, body); err != nil {
			fail(fmt.Errorf("render %s: %w", p.Path, err))
			return
		}
		if err := owners.by(p.Path).WriteFile(p.URL+"index.html", buf.Bytes()); err != nil {
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
	return owners.by(generated).WriteFile(offline.WorkerName, sw)
}

// pageBufs are the buffers of one page being written, reused for the next:
// the body read back from the parse stage, and the page.
type pageBufs struct {
	body []byte
	out  bytes.Buffer
}

// pageFrame is about the bytes of a page that are not its body (the
// navigation, the table of contents, the theme's markup), so that a page's
// buffer is allocated once and not regrown.
const pageFrame = 16 << 10

// recording is a Writer that notes every file for the service worker.
type recording struct {
	w   Writer
	rec *offline.Recorder
}

func (r recording) WriteFile(name string, data []byte) error {
	r.rec.Add(name, data)
	return r.w.WriteFile(name, data)
}

// renderFiles writes every file of the site but its pages: the theme's
// assets, the group pages, the 404 page, the search index, the hosting
// files and the source files the pages use. The preview server keeps these
// in memory and renders pages on request.
func renderFiles(site *Site, r *render.Renderer, owners *owners) error {
	w := owners.by(generated)
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
	pub, err := publish.Files(publish.Input{Pages: site.Pages, Aliases: site.Aliases, Base: r.Base(), Now: site.Now, Renderer: r})
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
		if err := owners.by(a).WriteFile(a, data); err != nil {
			return err
		}
	}
	return nil
}

// generated owns the files the build makes rather than copies.
const generated = "the generated site"

// owners passes files on to a Writer and refuses a second file at the
// same path, so a source file can never silently replace a generated one
// (a runbooks/robots.txt, a page at groups/sev1.md) or another source's.
type owners struct {
	w     Writer
	mu    sync.Mutex
	owner map[string]string // site path → who wrote it
}

func newOwners(w Writer) *owners { return &owners{w: w, owner: map[string]string{}} }

// by returns a Writer whose files are owned by owner.
func (o *owners) by(owner string) Writer { return ownedWriter{o, owner} }

// ownedWriter writes the files of one owner.
type ownedWriter struct {
	o     *owners
	owner string
}

func (ow ownedWriter) WriteFile(name string, data []byte) error {
	ow.o.mu.Lock()
	first, taken := ow.o.owner[name]
	if !taken {
		ow.o.owner[name] = ow.owner
	}
	ow.o.mu.Unlock()
	if taken {
		// Files are written in parallel, so name the two owners in an
		// order of their own: the generated site first, else by path.
		a, b := first, ow.owner
		if b == generated || a != generated && b < a {
			a, b = b, a
		}
		return fmt.Errorf("%w: %s and %s both write %s; rename or move %s", ErrContent, a, b, name, b)
	}
	return ow.o.w.WriteFile(name, data)
}

// loadTheme loads the default theme with the files of the folder dir (if
// not "") over it.
func loadTheme(dir string) (*render.Theme, error) {
	tfs, err := theme.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("--theme: %w", err)
	}
	return render.LoadTheme(tfs)
}

// newRenderer returns the renderer for a parsed site in a loaded theme;
// live adds the preview server's reload script.
func newRenderer(site *Site, theme *render.Theme, set settings, live bool) *render.Renderer {
	return render.New(theme, renderSite(site, set, live))
}

// renderSite is what the renderer knows of a parsed site.
func renderSite(site *Site, set settings, live bool) render.Site {
	return render.Site{
		Title:      site.Title,
		Base:       set.base,
		BuildDate:  site.Now,
		EditURL:    set.EditURL,
		Live:       live,
		Offline:    !live && !set.NoOffline,
		TickExpiry: set.TickExpiry,
		Pages:      site.Pages,
	}
}
