package build

import (
	"io/fs"
	"iter"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/offline"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/publish"
	"github.com/arcaapi/runbooks/build/render"
	"github.com/arcaapi/runbooks/theme"
)

// Nothing reaches the reader's browser unless a page needs it: the site
// publishes its pages, the files pages link or embed, and the static
// folder. Files that would run in the site's origin (HTML, scripts, style
// sheets, host control files) are published only from the folders the
// project opts in with publish_html.

// assetKinds sorts the source tree's files that are not pages.
type assetKinds struct {
	linkable    map[string]bool   // published when a page links or embeds them
	static      []string          // published as they are, sorted
	unpublished map[string]string // files and folders that are not part of the site → why
	optedIn     []string          // active files published from publish_html folders, sorted
}

// activeNames are host control files and service workers: published, they
// change how the host or the browser treats every page.
var activeNames = []string{"_headers", "_redirects", "_routes.json", "netlify.toml", "vercel.json", "sw.js", "service-worker.js"}

// activeExts are the extensions of files that run in, or restyle, the
// site's origin.
var activeExts = []string{".html", ".htm", ".xhtml", ".shtml", ".js", ".mjs", ".cjs", ".css", ".wasm"}

// svgScript matches what makes an SVG file active: a script element, an
// event handler attribute, a javascript: URL or embedded HTML.
var svgScript = regexp.MustCompile(`(?i)<script|\son[a-z]+\s*=|javascript:|<foreignobject|<iframe|<embed|<object`)

// isActive reports whether the source file at p would run in, or change
// the behaviour of, the site.
func isActive(src fs.FS, p string) bool {
	base := path.Base(p)
	if slices.Contains(activeNames, strings.ToLower(base)) {
		return true
	}
	ext := strings.ToLower(path.Ext(base))
	if slices.Contains(activeExts, ext) {
		return true
	}
	if ext == ".svg" || ext == ".svgz" {
		data, err := fs.ReadFile(src, p)
		return err != nil || ext == ".svgz" || svgScript.Match(data)
	}
	return false
}

// under reports whether p is the folder dir or inside it.
func under(p, dir string) bool {
	return dir == "." || dir != "" && (p == dir || strings.HasPrefix(p, dir+"/"))
}

// sortAssets sorts the tree's other files by what publishing may do with
// them.
func (set settings) sortAssets(s *Site) assetKinds {
	k := assetKinds{linkable: map[string]bool{}, unpublished: map[string]string{}}
	for _, h := range s.Tree.Hidden {
		k.unpublished[h] = "dot-files are never published"
	}
	for _, d := range s.Tree.Drafts {
		k.unpublished[d] = "it is a draft (draft: true)"
	}
	for _, x := range s.Tree.Excluded {
		k.unpublished[x] = "runbooks.toml excludes it"
	}
	for _, a := range s.Tree.Assets {
		if isActive(s.Src, a) {
			if !slices.ContainsFunc(set.PublishHTML, func(d string) bool { return under(a, d) }) {
				k.unpublished[a] = "HTML, scripts, style sheets and host files from the source tree are published only from a folder listed in publish_html"
				continue
			}
			k.optedIn = append(k.optedIn, a)
		}
		if under(a, set.Static) {
			k.static = append(k.static, a)
		}
		k.linkable[a] = true
	}
	return k
}

// unpublishedReason returns why the path p, or the folder it is in, is
// not part of the site.
func (k assetKinds) unpublishedReason(p string) (string, bool) {
	for q := p; q != "." && q != ""; q = path.Dir(q) {
		if r, ok := k.unpublished[q]; ok {
			return r, true
		}
	}
	return "", false
}

// publishedFiles returns the source files the site publishes besides its
// pages, sorted: the static folder's, and every other file that a page
// links or embeds. It keeps k with the site, for check.
func (set settings) publishedFiles(s *Site, k assetKinds) []string {
	s.assets = k
	used := map[string]bool{}
	for _, f := range k.static {
		used[f] = true
	}
	for _, p := range s.Pages {
		for f := range k.linkedFrom(p) {
			used[f] = true
		}
	}
	out := make([]string, 0, len(used))
	for f := range used {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// linkedFrom yields the files of the tree that the page p links or
// embeds and that may be published, in the order of its links.
func (k assetKinds) linkedFrom(p *page.Page) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, r := range p.Refs {
			t := link.Resolve(p.Path, strings.TrimSpace(r.Dest))
			if t.External || t.Absolute || t.Escapes || t.BadEsc || t.Path == "" {
				continue
			}
			if k.linkable[t.Path] && !yield(t.Path) {
				return
			}
		}
	}
}

// LeftOut returns the source files and folders that are not part of the
// site, each with why, sorted: for build -v.
func (s *Site) LeftOut() []string {
	k := s.assets
	published := map[string]bool{}
	for _, f := range s.Files {
		published[f] = true
	}
	var out []string
	for _, a := range s.Tree.Assets {
		if published[a] {
			continue
		}
		if r, ok := k.unpublishedReason(a); ok {
			out = append(out, a+": "+r)
		} else {
			out = append(out, a+": no page links to it")
		}
	}
	for p, r := range k.unpublished {
		if !slices.Contains(s.Tree.Assets, p) {
			out = append(out, p+": "+r)
		}
	}
	slices.Sort(out)
	return out
}

// generatedNames returns the files the build generates whatever the
// pages are, and the folders it generates whole.
func generatedNames() (files map[string]bool, dirs []string) {
	files = map[string]bool{
		"404.html": true, "robots.txt": true, "sitemap.xml": true,
		publish.HeadersFile: true, publish.IndexFile: true,
		alerts.RedirectsFile: true, alerts.MapFile: true, offline.WorkerName: true,
		render.NavFile: true,
	}
	for g := range page.NumGroups {
		files[render.GroupURL(g)+"index.html"] = true
	}
	// The theme's files keep their names unless they are CSS or
	// JavaScript, which get fingerprinted names no source file has.
	_ = fs.WalkDir(theme.Default(), "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files["assets/"+strings.TrimPrefix(p, "static/")] = true
		}
		return nil
	})
	return files, []string{strings.TrimSuffix(render.SearchURL, "/"), "groups"}
}

// outputClaims reports the sources that would be written where the build
// writes something else: a generated file (404.html, _headers,
// runbooks.json, the alert index, anything under search/), or a file
// where a folder of the site must go (a file "n" beside a page "n.md").
// Only what is published counts, so check reports exactly what would stop
// build.
func (s *Site) outputClaims() []diag.Problem {
	genFiles, genDirs := generatedNames()
	type source struct{ out, src string }
	var srcs []source
	for _, p := range s.Pages {
		srcs = append(srcs, source{p.URL + "index.html", p.Path})
	}
	for _, f := range s.Files {
		srcs = append(srcs, source{f, f})
	}
	var probs []diag.Problem
	folders := map[string]string{} // folder of the site → a source that needs it
	for _, x := range srcs {
		for d := path.Dir(x.out); d != "."; d = path.Dir(d) {
			if _, ok := folders[d]; !ok {
				folders[d] = x.src
			}
		}
	}
	for g := range genFiles {
		for d := path.Dir(g); d != "."; d = path.Dir(d) {
			if _, ok := folders[d]; !ok {
				folders[d] = "the generated site"
			}
		}
	}
	for _, x := range srcs {
		gen := genFiles[x.out]
		for _, d := range genDirs {
			gen = gen || under(x.out, d)
		}
		switch {
		case gen:
			probs = append(probs, diag.Errorf(x.src, 1, 1, "generated-name",
				"%s would be published as %s, which the build generates: rename or move it, or exclude it in runbooks.toml", x.src, x.out))
		case folders[x.out] != "":
			probs = append(probs, diag.Errorf(x.src, 1, 1, "generated-name",
				"%s would be published as the file %s, where the site needs a folder for %s: rename it, or exclude it in runbooks.toml", x.src, x.out, folders[x.out]))
		}
	}
	return probs
}

// publishedHTML warns about each active file published from a folder of
// publish_html: it runs with the site's origin.
func publishedHTML(k assetKinds, files []string) []diag.Problem {
	var probs []diag.Problem
	for _, f := range k.optedIn {
		if _, ok := slices.BinarySearch(files, f); ok {
			probs = append(probs, diag.Warnf(f, 1, 1, "published-html",
				"%s is published as it is (publish_html): its scripts run with the site's origin, where they can read and change every runbook", f))
		}
	}
	return probs
}
