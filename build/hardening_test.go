package build_test

// The tests in this file feed the whole pipeline hostile and broken input:
// script injection through every channel a runbook has, odd file names,
// symlinks, unreadable and oversized files, pathological Markdown. Each
// case must end in a clear error naming the file, or in a safe site; never
// in a panic, a hang or a leaked file. The tests that run the built binary
// (refused output folders, a build killed at random moments, write errors)
// are in TestBinary.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/arcaapi/runbooks/internal/fixture"
	"html"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/meta"
	"github.com/arcaapi/runbooks/build/offline"
	"github.com/arcaapi/runbooks/build/publish"
)

// hangLimit is how long one hostile case may take before the test calls it
// a hang. It is generous so that a loaded machine or -race does not fail
// it; the cases themselves finish in well under a second.
const hangLimit = 2 * time.Minute

// within runs f and fails the test when it does not return within
// hangLimit, so a hang fails the test instead of blocking the suite.
func within[T any](t *testing.T, f func(ctx context.Context) T) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangLimit)
	defer cancel()
	done := make(chan T, 1)
	go func() { done <- f(ctx) }()
	select {
	case v := <-done:
		return v
	case <-ctx.Done():
		t.Fatalf("did not finish within %v: the input makes the build hang", hangLimit)
		panic("unreachable")
	}
}

// readTree returns every file under dir, slash path → content.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			files[filepath.ToSlash(rel)] = []byte("symlink to " + target)
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// sameTree reports the first difference between two trees, or "".
func sameTree(a, b map[string][]byte) string {
	for name, data := range a {
		other, ok := b[name]
		switch {
		case !ok:
			return name + " is missing"
		case !bytes.Equal(data, other):
			return name + " differs"
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			return name + " was added"
		}
	}
	return ""
}

// memWriter keeps a built site in memory.
type memWriter struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (w *memWriter) WriteFile(name string, data []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files[name] = bytes.Clone(data)
	return nil
}

var hardDate = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// renderAll parses and renders the tree in src into memory whatever
// problems the content has, as the preview server does, so that the test
// sees what a reader would.
func renderAll(t *testing.T, src string, cfg build.Config) (*build.Site, map[string][]byte) {
	t.Helper()
	cfg.Src, cfg.Now = src, hardDate
	type result struct {
		site  *build.Site
		files map[string][]byte
		err   error
	}
	r := within(t, func(ctx context.Context) result {
		root, err := os.OpenRoot(src)
		if err != nil {
			return result{err: err}
		}
		defer root.Close()
		site, err := build.Parse(ctx, root.FS(), cfg)
		if err != nil {
			return result{err: err}
		}
		w := &memWriter{files: map[string][]byte{}}
		if err := build.Render(ctx, site, cfg, highlight.New(nil), w); err != nil {
			return result{err: err}
		}
		return result{site: site, files: w.files}
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.site, r.files
}

// check runs the check command's pipeline on src.
func check(t *testing.T, src string) build.Result {
	t.Helper()
	type result struct {
		res build.Result
		err error
	}
	r := within(t, func(ctx context.Context) result {
		res, err := build.Check(ctx, build.Config{Src: src, Now: hardDate})
		return result{res, err}
	})
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.res
}

// findProblem returns the first problem of file with rule, or fails.
func findProblem(t *testing.T, probs []diag.Problem, file, rule string) diag.Problem {
	t.Helper()
	for _, p := range probs {
		if p.File == file && p.Rule == rule {
			return p
		}
	}
	t.Fatalf("no %s problem for %s; problems:\n%s", rule, file, problemList(probs))
	return diag.Problem{}
}

func problemList(probs []diag.Problem) string {
	var b strings.Builder
	for _, p := range probs {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

// The HTML a browser would act on: tags and their attributes. The site's
// HTML comes from html/template and goldmark, which always quote
// attribute values, so a regular expression finds every tag; any "<" that
// starts a tag the expression cannot read is itself reported.
var (
	tagRE  = regexp.MustCompile(`^<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+))?)*)\s*/?>`)
	attrRE = regexp.MustCompile(`([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>` + "`" + `]+)))?`)
)

// urlAttrs are the attributes whose value a browser loads or navigates to.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "poster": true,
	"data": true, "background": true, "cite": true, "xlink:href": true, "srcset": true,
	"ping": true, "manifest": true,
}

// activeTags are elements that run or embed content and have no place on
// the site.
var activeTags = map[string]bool{
	"iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
	"applet": true, "base": true, "portal": true,
}

// tag is an element of a page, with its attributes.
type tag struct {
	name  string
	close bool
	attrs map[string]string // lowercase name → decoded value
	at    int
}

// tags returns the tags of doc, and the offsets of "<" that look like the
// start of a tag but are not one this reader understands.
func tags(doc string) (out []tag, unread []int) {
	for i := 0; i < len(doc); i++ {
		if doc[i] != '<' || i+1 >= len(doc) {
			continue
		}
		c := doc[i+1]
		if !(c == '/' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			continue
		}
		m := tagRE.FindStringSubmatch(doc[i:])
		if m == nil {
			unread = append(unread, i)
			continue
		}
		tg := tag{name: strings.ToLower(m[2]), close: m[1] == "/", attrs: map[string]string{}, at: i}
		for _, a := range attrRE.FindAllStringSubmatch(m[3], -1) {
			tg.attrs[strings.ToLower(a[1])] = html.UnescapeString(a[2] + a[3] + a[4])
		}
		out = append(out, tg)
		i += len(m[0]) - 1
	}
	return out, unread
}

// dangerousURL reports whether a browser would run v as script or load it
// as a document of the attacker's making: javascript:, vbscript: and data:
// URLs other than raster images. Browsers drop ASCII tabs and newlines
// anywhere in a URL and control characters and spaces around it.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(strings.TrimFunc(v, func(r rune) bool { return r <= ' ' }))
	for _, s := range []string{"javascript:", "vbscript:", "livescript:"} {
		if strings.HasPrefix(v, s) {
			return true
		}
	}
	if strings.HasPrefix(v, "data:") {
		for _, ok := range []string{"data:image/png", "data:image/gif", "data:image/jpeg", "data:image/webp"} {
			if strings.HasPrefix(v, ok) {
				return false
			}
		}
		return true
	}
	return false
}

// unsafeHTML lists what in doc could run script or embed a foreign
// document: inline scripts, event handler attributes, style attributes,
// script URLs, embedding elements, and tags this reader cannot parse.
func unsafeHTML(doc string) []string {
	var bad []string
	ts, unread := tags(doc)
	for _, at := range unread {
		bad = append(bad, fmt.Sprintf("unreadable tag %q", doc[at:min(len(doc), at+60)]))
	}
	for i, tg := range ts {
		if tg.close {
			continue
		}
		switch {
		case activeTags[tg.name]:
			bad = append(bad, fmt.Sprintf("<%s> element", tg.name))
		case tg.name == "script":
			if tg.attrs["src"] == "" {
				bad = append(bad, "inline <script>")
			} else if i+1 < len(ts) && strings.TrimSpace(doc[tg.at+len(tagText(doc, tg)):ts[i+1].at]) != "" {
				bad = append(bad, "<script src> with inline content")
			}
		case tg.name == "meta" && strings.EqualFold(tg.attrs["http-equiv"], "refresh"):
			c := tg.attrs["content"]
			if i := strings.Index(strings.ToLower(c), "url="); i >= 0 && dangerousURL(c[i+4:]) {
				bad = append(bad, fmt.Sprintf("<meta refresh> to %q", c))
			}
		}
		for name, v := range tg.attrs {
			switch {
			case strings.HasPrefix(name, "on"):
				bad = append(bad, fmt.Sprintf("<%s %s=%q>", tg.name, name, v))
			case name == "style" || name == "srcdoc":
				bad = append(bad, fmt.Sprintf("<%s %s=%q>", tg.name, name, v))
			case urlAttrs[name] && dangerousURL(v):
				bad = append(bad, fmt.Sprintf("<%s %s=%q>", tg.name, name, v))
			}
		}
	}
	return bad
}

func tagText(doc string, tg tag) string {
	return tagRE.FindString(doc[tg.at:])
}

// hostilePage is a runbook that tries to run script through every channel
// a runbook has: metadata, headings and their ids, link and image targets,
// raw HTML, code blocks and their language, and its own file name.
const hostilePage = `---
title: '<script>alert("title")</script><img src=x onerror=alert("title2")>'
type: incident
severity: SEV2
owner: '"><svg onload=alert("owner")>'
last_updated: 2025-05-01
alerts: ['<script>alert("alert")</script>', 'Alert"onmouseover="alert(1)', 'HostileValidAlert']
vars:
  NS: '</code><script>alert("var")</script>'
---
# <script>alert("h1")</script> Heading

## <img src=x onerror=alert("h2")> Symptoms

## Diagnosis {#x"onclick="alert('id')}

## Resolution {onclick="alert('attr')" style="display:none"}

## Verification

Links: [js](javascript:alert("l1")) [JS](JaVaScRiPt:alert("l2")) [tab](java&#9;script:alert("l3"))
[ent](&#106;avascript:alert("l4")) [vb](vbscript:msgbox("l5"))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgibDYiKTwvc2NyaXB0Pg==)
[enc](%6Aavascript:alert("l7")) [angle](<javascript:alert("l8")>) <javascript:alert("l9")>
[ref][r] ![img](javascript:alert("i1")) ![svg](data:image/svg+xml,<svg onload=alert("i2")>)
[nl](<java
script:alert("l11")>) [sp]( javascript:alert("l12") )

[r]: javascript:alert("l10")

<script>alert("raw1")</script>

<img src=x onerror=alert("raw2")>

<iframe src="javascript:alert('raw3')"></iframe>

Inline <a href="javascript:alert('raw4')">raw link</a>, <svg/onload=alert("raw5")>, <style>*{display:none}</style>.

<object data="javascript:alert('raw6')"></object><embed src="javascript:alert('raw7')">

<meta http-equiv="refresh" content="0;url=javascript:alert('raw8')">

` + "```" + `"><script>alert("lang")</script>
</code></pre><script>alert("code")</script>
` + "```" + `

` + "`</code><script>alert(\"span\")</script>`" + `

| <script>alert("cell")</script> | [x](javascript:alert("cell2")) |
| --- | --- |
| <img src=x onerror=alert("cell3")> | ok |
`

func TestHostileContentIsEscaped(t *testing.T) {
	src := t.TempDir()
	fixture.Write(t, src, map[string]string{
		"README.md":                                "# Runbooks\n\n- [hostile](xss.md)\n",
		"xss.md":                                   hostilePage,
		"<img src=x onerror=alert('file')>.md":     "Named to attack the navigation.\n",
		"q\"uote'.md":                              "Named to break out of attributes.\n",
		"sub/javascript:alert('path').md":          "# Named like a script URL\n",
		"sub/README.md":                            "# Sub\n\n[up](../xss.md#symptoms)\n",
		"javascript:alert('root').md":              "# Named like a script URL at the root\n",
		"data:text/html,<script>alert(1)</script>": "an asset named like a data URL",
	})
	site, files := renderAll(t, src, build.Config{EditURL: "https://example.com/edit/main/runbooks/"})

	themeFiles, err := build.ThemeFiles()
	if err != nil {
		t.Fatal(err)
	}
	theme := map[string]bool{}
	for _, name := range themeFiles {
		theme[name] = true
	}
	jsCall := regexp.MustCompile(`^\s*([A-Za-z_$][\w$.]*)\(([\s\S]*)\);?\s*$`)
	for name, data := range files {
		if strings.HasPrefix(name, "/") || slices.Contains(strings.Split(name, "/"), "..") {
			t.Errorf("output file %q is outside the site", name)
		}
		doc := string(data)
		switch ext := path.Ext(name); {
		case ext == ".html":
			for _, b := range unsafeHTML(doc) {
				t.Errorf("%s: %s", name, b)
			}
		case ext == ".json":
			if !json.Valid(data) {
				t.Errorf("%s is not valid JSON", name)
			}
			if strings.Contains(strings.ToLower(doc), "<script") {
				t.Errorf("%s has an unescaped <script", name)
			}
		case name == offline.WorkerName:
			// The service worker: the build's code with the list of
			// files as JSON, which escapes what could end the literal.
			m := regexp.MustCompile(`(?m)^var FILES = (.*);$`).FindStringSubmatch(doc)
			if m == nil || !json.Valid([]byte(m[1])) {
				t.Errorf("%s: the list of files is not JSON", name)
			}
			if strings.Contains(strings.ToLower(doc), "<script") {
				t.Errorf("%s has an unescaped <script", name)
			}
		case ext == ".js" && !theme[name]:
			// Search index files: a call whose arguments are JSON, so
			// that no string of a runbook can end the literal it is in.
			m := jsCall.FindStringSubmatch(doc)
			if m == nil || !json.Valid([]byte("["+m[2]+"]")) {
				t.Errorf("%s is not a call with JSON arguments: %.200s", name, doc)
			}
			if strings.Contains(strings.ToLower(doc), "<script") {
				t.Errorf("%s has an unescaped <script", name)
			}
		case !theme[name] && !strings.HasPrefix(name, "data:"):
			if strings.Contains(strings.ToLower(doc), "<script") {
				t.Errorf("%s has an unescaped <script: %.300s", name, doc)
			}
		}
	}

	// The hostile text is shown, escaped, rather than dropped: the test
	// exercised each channel.
	pg := string(files["xss/index.html"])
	if pg == "" {
		t.Fatalf("xss/index.html was not written; files: %v", slices.Sorted(mapKeys(files)))
	}
	text := html.UnescapeString(pg)
	for _, s := range []string{
		`<script>alert("title")</script>`, `"><svg onload=alert("owner")>`,
		`</code></pre><script>alert("code")</script>`,
		`</code><script>alert("span")</script>`,
	} {
		if !strings.Contains(text, s) {
			t.Errorf("xss/index.html does not show %q as text", s)
		}
	}
	if idx, ok := files[publish.IndexFile]; ok {
		var v any
		if err := json.Unmarshal(idx, &v); err != nil {
			t.Fatalf("%s: %v", publish.IndexFile, err)
		}
		if b, _ := json.Marshal(v); !strings.Contains(string(b), `\u003cscript\u003ealert(\"title\")`) {
			t.Errorf("%s does not carry the hostile title as data", publish.IndexFile)
		}
	}
	for _, p := range site.Problems {
		if p.Severity == diag.Error && p.File == "" {
			t.Errorf("problem without a file: %s", p)
		}
	}
	findProblem(t, site.Problems, "xss.md", "alert-name")
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestUnsafeHTMLFindsScript(t *testing.T) {
	// The detector itself must be able to fail.
	for _, doc := range []string{
		`<p>x</p><script>alert(1)</script>`,
		`<img src=x onerror=alert(1)>`,
		`<a href="java&#9;script:alert(1)">x</a>`,
		`<a href=" JAVASCRIPT:alert(1)">x</a>`,
		`<iframe src="https://example.com/"></iframe>`,
		`<a href="data:text/html,x">x</a>`,
		`<p style="display:none">x</p>`,
		`<scr<script>ipt>`,
		`<script src="/x.js">alert(1)</script>`,
	} {
		if len(unsafeHTML(doc)) == 0 {
			t.Errorf("unsafeHTML(%q) found nothing", doc)
		}
	}
	for _, doc := range []string{
		`<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>`,
		`<a href="../x/index.html">x</a><img src="data:image/png;base64,AAAA" alt="">`,
		`<script src="../static/runbooks.js" defer></script>`,
		`<!-- raw HTML omitted --><a href="">x</a>`,
	} {
		if bad := unsafeHTML(doc); len(bad) > 0 {
			t.Errorf("unsafeHTML(%q) = %v, want nothing", doc, bad)
		}
	}
}

func TestOddNamesLinkAndResolve(t *testing.T) {
	deep := strings.Repeat("d/", 100)
	files := map[string]string{
		"README.md": "# Home\n\n" +
			"- [space](a%20b.md) [space2](<a b.md>) [uni](ñandú.md) [uni2](%C3%B1and%C3%BA.md)\n" +
			"- [hash](c%23sharp.md#top) [question](what%3F.md) [percent](100%25.md) [colon](./db:migrate.md)\n" +
			"- [deep](" + deep + "deep.md) ![img](img/a%20b%231.png)\n",
		"a b.md":           "# Top\n\n[home](README.md)\n",
		"ñandú.md":         "# Ñandú\n\n[home](./)\n",
		"c#sharp.md":       "# Top\n\n[space](a%20b.md#top)\n",
		"what?.md":         "# What\n",
		"100%.md":          "# Percent\n",
		"db:migrate.md":    "# Migrate\n\n[home](README.md)\n",
		"img/a b#1.png":    "png",
		deep + "deep.md":   "# Deep\n\n[home](" + strings.Repeat("../", 100) + "README.md) [uni](" + strings.Repeat("../", 100) + "ñandú.md)\n",
		deep + "README.md": "# Deepest folder\n",
	}
	for _, base := range []string{"", "https://example.com/ops/"} {
		t.Run("base="+base, func(t *testing.T) {
			src, out := t.TempDir(), filepath.Join(t.TempDir(), "public")
			fixture.Write(t, src, files)
			type result struct {
				res build.Result
				err error
			}
			r := within(t, func(ctx context.Context) result {
				res, err := build.Build(ctx, build.Config{Src: src, Out: out, BaseURL: base, Now: hardDate, NoCache: true})
				return result{res, err}
			})
			if r.err != nil {
				t.Fatalf("build: %v\n%s", r.err, problemList(r.res.Problems))
			}
			site := readTree(t, out)
			for _, want := range []string{"a b/index.html", "ñandú/index.html", "c#sharp/index.html", "what?/index.html", "100%/index.html", "db:migrate/index.html", deep + "deep/index.html", "img/a b#1.png"} {
				if site[want] == nil {
					t.Errorf("%s was not written", want)
				}
			}
			home := string(site["index.html"])
			wantHrefs := []string{"a%20b/", "%C3%B1and%C3%BA/", "c%23sharp/", "what%3F/", "100%25/", "img/a%20b%231.png"}
			if base == "" {
				wantHrefs = append(wantHrefs, `"./db:migrate/index.html"`)
			}
			for _, h := range wantHrefs {
				if !strings.Contains(home, h) {
					t.Errorf("index.html has no href with %s", h)
				}
			}
			assertLinksResolve(t, site, base)
		})
	}
}

// assertLinksResolve checks that every href and src on every page of site
// leads to a file of the site, as a browser would resolve it.
func assertLinksResolve(t *testing.T, site map[string][]byte, base string) {
	t.Helper()
	root, _ := url.Parse("file:///site/")
	if base != "" {
		root, _ = url.Parse(base)
	}
	for name, data := range site {
		if path.Ext(name) != ".html" || name == "404.html" {
			continue
		}
		pageURL := root.ResolveReference(&url.URL{Path: name})
		ts, _ := tags(string(data))
		for _, tg := range ts {
			for _, attr := range []string{"href", "src"} {
				v, ok := tg.attrs[attr]
				if !ok || v == "" || strings.HasPrefix(v, "#") {
					continue
				}
				ref, err := url.Parse(v)
				if err != nil {
					t.Errorf("%s: <%s %s=%q>: %v", name, tg.name, attr, v, err)
					continue
				}
				u := pageURL.ResolveReference(ref)
				if u.Scheme != root.Scheme || u.Host != root.Host {
					if ref.Scheme == "" && ref.Host == "" {
						t.Errorf("%s: <%s %s=%q> leads to %s, another site", name, tg.name, attr, v, u)
					}
					continue
				}
				if !strings.HasPrefix(u.Path, root.Path) {
					t.Errorf("%s: <%s %s=%q> leads out of the site to %s", name, tg.name, attr, v, u.Path)
					continue
				}
				file := strings.TrimPrefix(u.Path, root.Path)
				if file == "" || strings.HasSuffix(file, "/") {
					file += "index.html"
				}
				if site[file] == nil {
					t.Errorf("%s: <%s %s=%q> leads to %s, which is not in the site", name, tg.name, attr, v, file)
				}
			}
		}
	}
}

func TestCaseOnlyNamesAreReported(t *testing.T) {
	src := t.TempDir()
	fixture.Write(t, src, map[string]string{"Foo.md": "# A\n", "foo.md": "# B\n", "img/Logo.png": "a", "img/logo.png": "b"})
	res := check(t, src)
	p := findProblem(t, res.Problems, "foo.md", "duplicate-url")
	if p.Severity != diag.Error || !strings.Contains(p.Message, "Foo.md") || !strings.Contains(p.Message, "foo.md") {
		t.Errorf("got %s, want an error naming Foo.md and foo.md", p)
	}
	p = findProblem(t, res.Problems, "img/logo.png", "duplicate-url")
	if !strings.Contains(p.Message, "img/Logo.png") {
		t.Errorf("got %s, want it to name img/Logo.png", p)
	}
}

func TestSymlinksStayInTheTree(t *testing.T) {
	tmp := t.TempDir()
	src, outside := filepath.Join(tmp, "src"), filepath.Join(tmp, "outside")
	const secret = "TOP-SECRET-7d1f0c"
	fixture.Write(t, outside, map[string]string{"secret.md": "# " + secret + "\n", "secret.txt": secret, "dir/inner.md": secret})
	fixture.Write(t, src, map[string]string{"README.md": "# Home\n\n[a](a.md)\n", "a.md": "# A\n"})
	links := map[string]string{
		"leak.md":       filepath.Join(outside, "secret.md"), // absolute, out of the tree
		"leak.txt":      "../outside/secret.txt",             // relative, out of the tree
		"leakdir":       filepath.Join(outside, "dir"),       // a folder out of the tree
		"loop":          ".",                                 // a folder that contains itself
		"up":            "..",                                // the tree's parent
		"x.md":          "y.md",                              // x → y → x
		"y.md":          "x.md",
		"self.md":       "self.md",
		"broken.md":     "missing.md",
		"alias.md":      "a.md", // inside the tree: fine
		"sub/deeper.md": "../../outside/secret.md",
	}
	for name, target := range links {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(tmp, "public")
	type result struct {
		res build.Result
		err error
	}
	r := within(t, func(ctx context.Context) result {
		res, err := build.Build(ctx, build.Config{Src: src, Out: out, Now: hardDate, NoCache: true})
		return result{res, err}
	})
	if r.err != nil {
		t.Fatalf("build: %v\n%s", r.err, problemList(r.res.Problems))
	}
	for name, data := range readTree(t, out) {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("%s publishes the content of a file outside the source folder", name)
		}
	}
	for _, name := range []string{"leak.md", "leak.txt", "leakdir", "loop", "up", "x.md", "y.md", "self.md", "broken.md", "sub/deeper.md"} {
		p := findProblem(t, r.res.Problems, name, "symlink")
		if p.Severity != diag.Warning {
			t.Errorf("%s: got %s, want a warning", name, p)
		}
	}
}

// denyFS is a file system in which some files and folders cannot be read,
// as happens with files another user owns; the tests run as root in CI,
// where file modes do not stop reads.
type denyFS struct {
	fs.FS
	deny map[string]bool
}

func (d denyFS) Open(name string) (fs.File, error) {
	if d.deny[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.FS.Open(name)
}

func TestUnreadableFilesAreNamed(t *testing.T) {
	src := t.TempDir()
	fixture.Write(t, src, map[string]string{
		"README.md": "# Home\n", "secret.md": "# Secret\n", "locked/inner.md": "# Inner\n", "ok.md": "# OK\n",
	})
	fsys := denyFS{FS: os.DirFS(src), deny: map[string]bool{"secret.md": true, "locked": true}}
	site := within(t, func(ctx context.Context) *build.Site {
		site, err := build.Parse(ctx, fsys, build.Config{Src: src, Now: hardDate})
		if err != nil {
			t.Error(err)
		}
		return site
	})
	if site == nil {
		t.FailNow()
	}
	for _, name := range []string{"secret.md", "locked"} {
		p := findProblem(t, site.Problems, name, "unreadable")
		if p.Severity != diag.Error || !strings.Contains(p.Message, "permission denied") {
			t.Errorf("got %s, want an error saying permission denied", p)
		}
	}

	t.Run("file mode", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which reads files whatever their mode; the case is covered through a file system that denies reads")
		}
		src := t.TempDir()
		fixture.Write(t, src, map[string]string{"README.md": "# Home\n", "secret.md": "# Secret\n"})
		if err := os.Chmod(filepath.Join(src, "secret.md"), 0); err != nil {
			t.Fatal(err)
		}
		res := check(t, src)
		findProblem(t, res.Problems, "secret.md", "unreadable")
	})
}

func TestSpecialFilesAreNotRead(t *testing.T) {
	// A named pipe would block a read forever; a folder named like a page
	// is a folder.
	src := t.TempDir()
	fixture.Write(t, src, map[string]string{"README.md": "# Home\n", "folder.md/inner.md": "# Inner\n"})
	if err := syscall.Mkfifo(filepath.Join(src, "pipe.md"), 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	if err := os.Symlink("pipe.md", filepath.Join(src, "to-pipe.md")); err != nil {
		t.Fatal(err)
	}
	site, files := renderAll(t, src, build.Config{})
	if files["folder.md/inner/index.html"] == nil {
		t.Errorf("folder.md/inner.md was not built; problems:\n%s", problemList(site.Problems))
	}
	for _, p := range site.Pages {
		if p.Path == "pipe.md" || p.Path == "to-pipe.md" {
			t.Errorf("%s was read as a page", p.Path)
		}
	}
}

func TestEmptyAndOddlyEncodedPages(t *testing.T) {
	src := t.TempDir()
	fixture.Write(t, src, map[string]string{
		"README.md":   "# Home\n",
		"empty.md":    "",
		"blank.md":    "  \n\t \n\n",
		"bom-only.md": "\ufeff",
		"fm-only.md":  "---\n---\n",
		"crlf.md":     "\ufeff---\r\ntitle: CRLF page\r\n---\r\n# Heading\r\n\r\nText\twith\ttabs [link](other.md#sec) and [here](#heading)\r\n",
		"other.md":    "# Other\n\n## Sec\n",
		"bad.md":      "# Bad\n\nok line\nbad \xff byte\n",
		"tabs.md":     "---\ntitle:\tTabbed\nalerts:\n\t- A\n---\n# T\n",
	})
	site, files := renderAll(t, src, build.Config{})
	for _, name := range []string{"empty/index.html", "blank/index.html", "bom-only/index.html", "fm-only/index.html", "crlf/index.html"} {
		if files[name] == nil {
			t.Errorf("%s was not written", name)
		}
	}
	for _, p := range site.Problems {
		switch p.File {
		case "empty.md", "blank.md", "bom-only.md", "fm-only.md", "crlf.md":
			if p.Severity == diag.Error {
				t.Errorf("unexpected error: %s", p)
			}
		}
	}
	var crlf *pageView
	for _, p := range site.Pages {
		if p.Path == "crlf.md" {
			crlf = &pageView{title: p.Meta.Title, body: files["crlf/index.html"], refs: len(p.Refs)}
			if len(p.Refs) != 2 || p.Refs[0].Line != 6 || p.Refs[0].Col != 16 || p.Refs[1].Line != 6 {
				t.Errorf("crlf.md refs = %+v, want line 6 (col 16 for the first)", p.Refs)
			}
			if len(p.Headings) != 1 || p.Headings[0].Line != 4 {
				t.Errorf("crlf.md headings = %+v, want one on line 4", p.Headings)
			}
		}
	}
	if crlf == nil || crlf.title != "CRLF page" || bytes.ContainsRune(crlf.body, '\r') {
		t.Errorf("crlf.md = %+v, want title %q and no CR in the body", crlf, "CRLF page")
	}
	if p := findProblem(t, site.Problems, "bad.md", "invalid-utf8"); p.Line != 4 || p.Col != 5 || p.Severity != diag.Error {
		t.Errorf("got %s, want bad.md:4:5: error", p)
	}
	if p := findProblem(t, site.Problems, "tabs.md", "front-matter"); p.Line != 4 || p.Severity != diag.Error {
		t.Errorf("got %s, want an error on line 4, where the tab indents", p)
	}
}

type pageView struct {
	title string
	body  []byte
	refs  int
}

func TestPathologicalPagesAreRefused(t *testing.T) {
	src := t.TempDir()
	var big strings.Builder
	for big.Len() < 50<<20 {
		big.WriteString("Lorem ipsum dolor sit amet, [consectetur](README.md) adipiscing elit.\n\n")
	}
	var table strings.Builder
	table.WriteString("# Table\n\n|" + strings.Repeat(" a |", 2000) + "\n|" + strings.Repeat("-|", 2000) + "\n")
	for range 2000 {
		table.WriteString("|x|\n")
	}
	command := strings.Repeat("echo 'a long command'; ", 1<<20/len("echo 'a long command'; "))
	fixture.Write(t, src, map[string]string{
		"README.md":   "# Home\n",
		"huge.md":     big.String(),
		"quotes.md":   "# Quotes\n\n" + strings.Repeat("> ", 20000) + "x\n",
		"lists.md":    "# Lists\n\n" + strings.Repeat("- ", 20000) + "x\n",
		"ordered.md":  "# Ordered\n\n" + strings.Repeat("1. ", 20000) + "x\n",
		"table.md":    table.String(),
		"command.md":  "# Command\n\n```bash\n" + command + "\n```\n",
		"brackets.md": "# Brackets\n\n" + strings.Repeat("[", 20000) + "x" + strings.Repeat("]", 20000) + "\n",
		"emphasis.md": "# Emphasis\n\n" + strings.Repeat("*a **a ", 5000) + "b" + strings.Repeat(" a** a*", 5000) + "\n",
		// 80,000 links on one line took 9 s when each link's column was
		// counted from the start of the line; the last one is broken.
		"links.md":        "# Links\n\n" + strings.Repeat("[home](README.md) ", 80_000) + "[gone](gone.md)\n",
		"destinations.md": "# Destinations\n\n" + strings.Repeat("[a](b", 64_000) + "\n",
		"markers.md":      "# Markers\n\n" + strings.Repeat("*a_", 80_000) + "\n",
	})
	site, files := renderAll(t, src, build.Config{})
	for _, c := range []struct {
		file      string
		line, col int
	}{
		{"huge.md", 1, 1},
		{"quotes.md", 3, 2*meta.MaxNesting + 1},
		{"lists.md", 3, 2*meta.MaxNesting + 1},
		{"ordered.md", 3, 3*meta.MaxNesting + 1},
		{"table.md", 4, 1},
	} {
		p := findProblem(t, site.Problems, c.file, "page-limit")
		if p.Line != c.line || p.Col != c.col || p.Severity != diag.Error {
			t.Errorf("got %s, want %s:%d:%d: error", p, c.file, c.line, c.col)
		}
	}
	for _, f := range []string{"destinations.md", "markers.md"} {
		p := findProblem(t, site.Problems, f, "page-too-complex")
		if p.Line != 3 || p.Col < 1 || p.Severity != diag.Error {
			t.Errorf("got %s, want %s:3:<col>: error", p, f)
		}
	}
	if p := findProblem(t, site.Problems, "links.md", "broken-link"); p.Line != 3 || p.Col != 80_000*len("[home](README.md) ")+1 {
		t.Errorf("got %s, want links.md:3:%d", p, 80_000*len("[home](README.md) ")+1)
	}
	// A 1 MB one-line command is shown as plain text, not refused.
	cmd := string(files["command/index.html"])
	if !strings.Contains(cmd, html.EscapeString(command[:1000])) {
		t.Errorf("command/index.html does not show the command")
	}
	for _, f := range []string{"brackets/index.html", "emphasis/index.html", "links/index.html"} {
		if files[f] == nil {
			t.Errorf("%s was not written", f)
		}
	}
	for _, p := range site.Problems {
		if p.Rule == "page-limit" && !slices.Contains([]string{"huge.md", "quotes.md", "lists.md", "ordered.md", "table.md"}, p.File) {
			t.Errorf("unexpected %s", p)
		}
	}
}

func TestBuildsAreDeterministic(t *testing.T) {
	src := t.TempDir()
	fixture.Write(t, src, genTree(200, "a"))
	fixture.Write(t, src, map[string]string{"ñandú/a b#1.md": "# Odd\n\n[home](../README.md)\n"})
	var outs []map[string][]byte
	for i := range 2 {
		out := filepath.Join(t.TempDir(), "public")
		cfg := build.Config{Src: src, Out: out, Now: hardDate, NoCache: true}
		type result struct {
			res build.Result
			err error
		}
		r := within(t, func(ctx context.Context) result {
			res, err := build.Build(ctx, cfg)
			return result{res, err}
		})
		if r.err != nil {
			t.Fatalf("build %d: %v\n%s", i, r.err, problemList(r.res.Problems))
		}
		outs = append(outs, readTree(t, out))
	}
	if d := sameTree(outs[0], outs[1]); d != "" {
		t.Errorf("two builds of the same tree differ: %s", d)
	}
	if len(outs[0]) < 200 {
		t.Errorf("built %d files, want at least 200", len(outs[0]))
	}
}

// genTree returns a tree of n incident runbooks in ten folders, each
// linking to three others with anchors, with code blocks, a table and an
// image, and an index page. variant changes every page's title, so two
// variants differ in every page's navigation.
func genTree(n int, variant string) map[string]string {
	files := map[string]string{"README.md": "# Runbooks " + variant + "\n\nStart with [the first](svc-0/rb-0.md).\n", "img/diagram.png": "not really a png"}
	name := func(i int) string { return fmt.Sprintf("svc-%d/rb-%d.md", i%10, i) }
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Runbook %d %s\ntype: incident\nseverity: SEV%d\nowner: team-%d\nlast_updated: 2025-05-01\nalerts: [Alert%d%s]\n---\n", i, variant, i%3+1, i%7, i, variant)
		fmt.Fprintf(&b, "# Runbook %d\n\n## Symptoms\n\nLatency is high on service %d. See ![diagram](../img/diagram.png).\n\n", i, i)
		b.WriteString("## Diagnosis\n\n```bash\nkubectl -n arca get pods -l app=api\ncurl -s https://api.example.com/health | jq .\n```\n\n")
		b.WriteString("| Metric | Threshold |\n| --- | --- |\n| p99 | 2s |\n| errors | 1% |\n\n")
		b.WriteString("## Resolution\n\n")
		for _, j := range []int{(i + 1) % n, (i + 7) % n, (i + 31) % n} {
			fmt.Fprintf(&b, "- See [runbook %d](../%s#diagnosis).\n", j, name(j))
		}
		b.WriteString("\n```sql\nSELECT count(*) FROM invoices WHERE status = 'pending';\n```\n\n## Verification\n\nThe alert clears.\n")
		files[name(i)] = b.String()
	}
	return files
}

// sourceDateEpoch is 2025-06-01, the date the binary tests build on.
const sourceDateEpoch = "1748736000"

// binary builds the runbooks command into a temporary folder.
func binary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "runbooks")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/arcaapi/runbooks/cmd/runbooks").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// command returns the command line argv with a clean environment: its own
// HOME, no hosting or CI variables, and a fixed build date.
func command(ctx context.Context, home string, argv ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "HOME", "XDG_CACHE_HOME", "NETLIFY", "GITHUB_ACTIONS", "SOURCE_DATE_EPOCH":
		default:
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+home, "SOURCE_DATE_EPOCH="+sourceDateEpoch)
	return cmd
}

// run runs argv to the end and returns its exit code and output.
func run(t *testing.T, home string, argv ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangLimit)
	defer cancel()
	cmd := command(ctx, home, argv...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish within %v", strings.Join(argv, " "), hangLimit)
	}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	case err != nil:
		t.Fatal(err)
	}
	return 0, string(out)
}

// cpuTime returns the CPU time, user and system, that process pid has
// used, from /proc; a process that has ended has used none.
func cpuTime(t *testing.T, pid int) time.Duration {
	t.Helper()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("reading the process's CPU time: %v", err)
	}
	// The fields after the command name, which is in parentheses:
	// utime and stime are the 12th and 13th, in clock ticks of 1/100 s.
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("/proc/%d/stat: %v", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// tempFolders returns the build's temporary folders in dir.
func tempFolders(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var tmp []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".runbooks-tmp-") {
			tmp = append(tmp, e.Name())
		}
	}
	return tmp
}

func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command and runs it many times; skipped with -short")
	}
	bin := binary(t)

	t.Run("refused output folders", func(t *testing.T) {
		tmp := t.TempDir()
		src, home := filepath.Join(tmp, "src"), filepath.Join(tmp, "home")
		fixture.Write(t, src, map[string]string{"README.md": "# Home\n", "a.md": "# A\n"})
		fixture.Write(t, home, map[string]string{".bashrc": "sentinel"})
		fixture.Write(t, tmp, map[string]string{"foreign/keep.txt": "sentinel", "a-file": "sentinel"})
		if err := os.Symlink(src, filepath.Join(tmp, "link-to-src")); err != nil {
			t.Fatal(err)
		}
		before := readTree(t, tmp)
		for _, c := range []struct{ name, out string }{
			{"the source folder", src},
			{"inside the source folder", filepath.Join(src, "public")},
			{"the source folder's parent", tmp},
			{"the file-system root", "/"},
			{"the home folder", home},
			{"a folder it did not make", filepath.Join(tmp, "foreign")},
			{"a file", filepath.Join(tmp, "a-file")},
			{"a symlink to the source folder", filepath.Join(tmp, "link-to-src")},
		} {
			code, out := run(t, home, bin, "build", "--src", src, "--out", c.out, "--no-cache")
			if code != 2 || !strings.Contains(out, "refusing") {
				t.Errorf("%s: exit %d, output %q; want exit 2 and a refusal", c.name, code, out)
			}
			if d := sameTree(before, readTree(t, tmp)); d != "" {
				t.Fatalf("%s: %s", c.name, d)
			}
		}
	})

	t.Run("killed at random moments", func(t *testing.T) {
		tmp := t.TempDir()
		src, site, ref := filepath.Join(tmp, "src"), filepath.Join(tmp, "site"), filepath.Join(tmp, "ref")
		out := filepath.Join(site, "public")
		fixture.Write(t, src, genTree(300, "a"))
		if code, msg := run(t, tmp, bin, "build", "--src", src, "--out", out, "--no-cache"); code != 0 {
			t.Fatalf("first build: exit %d\n%s", code, msg)
		}
		previous := readTree(t, out)
		fixture.Write(t, src, genTree(300, "b"))
		fixture.Write(t, src, map[string]string{"new.md": "# New page\n"})
		start := time.Now()
		if code, msg := run(t, tmp, bin, "build", "--src", src, "--out", filepath.Join(ref, "public"), "--no-cache"); code != 0 {
			t.Fatalf("reference build: exit %d\n%s", code, msg)
		}
		took := time.Since(start)
		next := readTree(t, filepath.Join(ref, "public"))
		if sameTree(previous, next) == "" {
			t.Fatal("the two versions of the tree build the same site")
		}
		seed := uint64(time.Now().UnixNano())
		t.Logf("a build takes %v; random seed %d", took, seed)
		rng := rand.New(rand.NewPCG(seed, 9))
		completed := 0
		for i := range 20 {
			cmd := command(t.Context(), tmp, bin, "build", "--src", src, "--out", out, "--no-cache")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Most of a build is parsing; aim most kills at its second
			// half, where it writes and swaps the output folder in.
			delay := took/4 + time.Duration(rng.Int64N(int64(took)))
			time.Sleep(delay)
			_ = cmd.Process.Signal(syscall.SIGKILL)
			if err := cmd.Wait(); err == nil {
				completed++
			}
			got := readTree(t, out)
			dPrev, dNext := sameTree(previous, got), sameTree(next, got)
			if dPrev != "" && dNext != "" {
				t.Fatalf("killed after %v (run %d): the output is neither the previous site (%s) nor the new one (%s)", delay, i, dPrev, dNext)
			}
		}
		t.Logf("%d of 20 builds finished before the kill", completed)
		if code, msg := run(t, tmp, bin, "build", "--src", src, "--out", out, "--no-cache"); code != 0 {
			t.Fatalf("build after the kills: exit %d\n%s", code, msg)
		}
		if d := sameTree(next, readTree(t, out)); d != "" {
			t.Errorf("build after the kills: %s", d)
		}
		if tmp := tempFolders(t, site); len(tmp) > 0 {
			t.Errorf("temporary folders left beside the output: %v", tmp)
		}
	})

	t.Run("write errors", func(t *testing.T) {
		bash, err := exec.LookPath("bash")
		if err != nil {
			t.Skip("bash is needed to limit the size of the files the build may write")
		}
		tmp := t.TempDir()
		src, site := filepath.Join(tmp, "src"), filepath.Join(tmp, "site")
		out := filepath.Join(site, "public")
		fixture.Write(t, src, genTree(20, "a"))
		fixture.Write(t, src, map[string]string{"big.md": "# Big\n\n" + strings.Repeat("A paragraph of text that makes the page large.\n\n", 8000)})
		if code, msg := run(t, tmp, bin, "build", "--src", src, "--out", out, "--no-cache"); code != 0 {
			t.Fatalf("first build: exit %d\n%s", code, msg)
		}
		previous := readTree(t, out)
		fixture.Write(t, src, genTree(20, "b"))
		// A file size limit of 256 KB makes writing the big page fail
		// with EFBIG, as a full disk fails with ENOSPC.
		code, msg := run(t, tmp, bash, "-c", `ulimit -f 256 && exec "$0" "$@"`, bin, "build", "--src", src, "--out", out, "--no-cache")
		if code != 2 || !strings.Contains(msg, "write output") {
			t.Errorf("exit %d, output %q; want exit 2 and a write error", code, msg)
		}
		if d := sameTree(previous, readTree(t, out)); d != "" {
			t.Errorf("the failed build changed the output: %s", d)
		}
		if tmp := tempFolders(t, site); len(tmp) > 0 {
			t.Errorf("temporary folders left beside the output: %v", tmp)
		}

		t.Run("read-only parent", func(t *testing.T) {
			if os.Geteuid() == 0 {
				t.Skip("running as root, which writes whatever a folder's mode; the file size limit above stands in for it")
			}
			if err := os.Chmod(site, 0o555); err != nil {
				t.Fatal(err)
			}
			defer os.Chmod(site, 0o755)
			code, msg := run(t, tmp, bin, "build", "--src", src, "--out", out, "--no-cache")
			if code != 2 {
				t.Errorf("exit %d, output %q; want exit 2", code, msg)
			}
			if d := sameTree(previous, readTree(t, out)); d != "" {
				t.Errorf("the failed build changed the output: %s", d)
			}
		})
	})

	t.Run("interrupted during slow highlighting", func(t *testing.T) {
		// Each page holds 40 YAML blocks that take chroma about 1.5 s
		// each, just under the per-block limit: a minute a page. Ctrl-C
		// and SIGTERM must not wait for the pages being worked on.
		tmp := t.TempDir()
		src, site := filepath.Join(tmp, "src"), filepath.Join(tmp, "site")
		files := map[string]string{"README.md": "# Home\n"}
		for p := range 4 {
			var b strings.Builder
			fmt.Fprintf(&b, "# Slow %d\n\n", p)
			for i := range 40 {
				fmt.Fprintf(&b, "```yaml\n# block %d of page %d\n%s```\n\n", i, p, strings.Repeat(strings.Repeat("[", 800)+"\n", 40))
			}
			files[fmt.Sprintf("slow-%d.md", p)] = b.String()
		}
		fixture.Write(t, src, files)
		for _, c := range []struct {
			name string
			sig  os.Signal
			argv []string
		}{
			{"build, SIGTERM", syscall.SIGTERM, []string{"build", "--src", src, "--out", filepath.Join(site, "public"), "--no-cache"}},
			{"serve, Ctrl-C", os.Interrupt, []string{"serve", "--src", src, "--addr", "127.0.0.1:0", "--no-cache"}},
		} {
			// Without the context reaching the lexer, the command ends
			// when its pages do, a minute or more after the signal.
			const patience = 20 * time.Second
			ctx, cancel := context.WithCancel(t.Context())
			cmd := command(ctx, tmp, append([]string{bin}, c.argv...)...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Into the first blocks: the process has used half a second of
			// CPU, far more than it takes to start and set up its signal
			// handling, however loaded the machine.
			for cpuTime(t, cmd.Process.Pid) < 500*time.Millisecond {
				time.Sleep(20 * time.Millisecond)
			}
			_ = cmd.Process.Signal(c.sig)
			ended := make(chan error, 1)
			go func() { ended <- cmd.Wait() }()
			var err error
			select {
			case err = <-ended:
			case <-time.After(patience):
				cancel()
				<-ended
				t.Fatalf("%s: still running %v after the signal", c.name, patience)
			}
			cancel()
			var ee *exec.ExitError
			switch {
			case c.argv[0] == "serve" && err == nil: // a preview server ends with 0 on Ctrl-C
			case !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(out.String(), "interrupted"):
				t.Errorf("%s: %v, output %q; want exit 130 and \"interrupted\"", c.name, err, out.String())
			}
		}
		if entries, err := os.ReadDir(site); err == nil && len(entries) > 0 {
			t.Errorf("the interrupted build left %v in %s", entries, site)
		}
	})

	t.Run("deterministic with SOURCE_DATE_EPOCH", func(t *testing.T) {
		tmp := t.TempDir()
		src := filepath.Join(tmp, "src")
		fixture.Write(t, src, genTree(100, "a"))
		var sites []map[string][]byte
		for _, out := range []string{"one", "two"} {
			if code, msg := run(t, tmp, bin, "build", "--src", src, "--out", filepath.Join(tmp, out), "--no-cache"); code != 0 {
				t.Fatalf("build: exit %d\n%s", code, msg)
			}
			sites = append(sites, readTree(t, filepath.Join(tmp, out)))
		}
		if d := sameTree(sites[0], sites[1]); d != "" {
			t.Errorf("two builds differ: %s", d)
		}
		if !bytes.Contains(sites[0]["index.html"], []byte("2025-06-01")) {
			t.Errorf("index.html does not show the build date from SOURCE_DATE_EPOCH")
		}
	})
}
