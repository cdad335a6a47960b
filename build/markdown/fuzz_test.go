package markdown_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/meta"
)

// The tags of rendered HTML and the attributes in them; goldmark quotes
// every attribute value.
var (
	fuzzTag  = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:="[^"]*")?)*)\s*/?>`)
	fuzzAttr = regexp.MustCompile(`([^\s"'>/=]+)(?:="([^"]*)")?`)
)

// dangerous reports whether an href or src would run script: goldmark drops
// javascript:, vbscript:, file: and data: URLs (but raster images), and
// percent-encodes whitespace and control characters, so none survives.
func dangerous(v string) bool {
	v = strings.ToLower(strings.TrimSpace(strings.NewReplacer("&#9;", "", "&#10;", "", "&#13;", "", "\t", "", "\n", "", "\r", "").Replace(v)))
	if strings.HasPrefix(v, "data:image/png") || strings.HasPrefix(v, "data:image/gif") || strings.HasPrefix(v, "data:image/jpeg") || strings.HasPrefix(v, "data:image/webp") {
		return false
	}
	for _, s := range []string{"javascript:", "vbscript:", "data:", "file:"} {
		if strings.HasPrefix(v, s) {
			return true
		}
	}
	return false
}

// FuzzRender renders whole pages as the build does (metadata, then the
// Markdown body with links rewritten and code highlighted) and checks that
// no input puts script in the HTML, that every position lies within the
// file, and that heading ids are unique.
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"# Title\n\n## Symptoms\n\nSee [pool](../db/pool.md#step-3) and ![g](img/g.png).\n\n```bash\nkubectl delete pod x\n```\n",
		"---\ntitle: T\n---\n# H\n\n| a | b |\n|---|---|\n| [x](t.md) | `y` |\n\n- [ ] task\n- [x] done\n",
		"<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<iframe src=javascript:alert(1)></iframe>\n",
		"[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](java&#9;script:alert(1)) [d](&#106;avascript:x)\n",
		"[e](data:text/html,<script>x</script>) [f](vbscript:x) <javascript:alert(1)> [g](%6Aavascript:alert(1))\n\n[r]: javascript:alert(1)\n[r]\n",
		"## H {#x\"onclick=\"alert(1)}\n## H {onclick=\"alert(1)\" style=\"x\"}\n## H\n## H\n## h-1\n",
		"```\"><script>alert(1)</script>\n</code></pre><script>alert(1)</script>\n```\n",
		"\ufeff---\r\ntitle: x\r\n---\r\n# H\r\n\r\n[l](a.md)\r\n",
		"> > > > > deep\n\n- - - - - list\n",
		"~~~\nunclosed\n",
		"    indented code\n\n***bold italic***  \nhard break\n",
		"[x]( <a b.md> )\n[y](<a\nb.md>)\n<a href=\"x\">raw</a>\n",
		"Ünïcödé [l](ñ.md) 日本 [m](#日本)\n",
	} {
		f.Add([]byte(s))
	}
	r := markdown.New(highlight.New(nil))
	base, _ := link.NewBase("")
	const from = "db/pool.md"
	rewrite := func(dest string) string {
		t := link.Resolve(from, dest)
		if t.External || t.Absolute || t.Escapes || t.BadEsc || t.SamePage() {
			return dest
		}
		h := base.Href("db/pool/", t.Path)
		if i := strings.IndexByte(dest, '#'); i >= 0 {
			h += dest[i:]
		}
		return h
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			return
		}
		m := meta.Parse(from, data)
		in := markdown.Input{Path: from, Body: m.Body, BodyLine: m.BodyLine, Rewrite: rewrite}
		done := make(chan markdown.Output, 1)
		go func() { done <- r.Render(in) }()
		var out markdown.Output
		select {
		case out = <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("rendering %q took more than 20s", data)
		}

		doc := string(out.HTML)
		lower := strings.ToLower(doc)
		for _, bad := range []string{"<script", "<iframe", "<object", "<embed", "<style", "<base", "<meta", "<form"} {
			if strings.Contains(lower, bad) {
				t.Errorf("HTML has %s:\n%s", bad, doc)
			}
		}
		for _, tg := range fuzzTag.FindAllStringSubmatch(doc, -1) {
			for _, a := range fuzzAttr.FindAllStringSubmatch(tg[2], -1) {
				name := strings.ToLower(a[1])
				switch {
				case strings.HasPrefix(name, "on") || name == "style" || name == "srcdoc":
					t.Errorf("<%s %s=%q>", tg[1], name, a[2])
				case (name == "href" || name == "src") && dangerous(a[2]):
					t.Errorf("<%s %s=%q>", tg[1], name, a[2])
				}
			}
		}

		norm := bytes.ReplaceAll(bytes.ReplaceAll(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
		fileLines := bytes.Split(norm, []byte("\n"))
		within := func(what string, line, col int) {
			if line < 1 || line > len(fileLines) {
				t.Errorf("%s at line %d of %d", what, line, len(fileLines))
				return
			}
			if n := utf8.RuneCount(fileLines[line-1]); col < 1 || col > n+1 {
				t.Errorf("%s at %d:%d, but the line has %d characters", what, line, col, n)
			}
		}
		for _, ref := range out.Refs {
			within("link "+ref.Dest, ref.Line, ref.Col)
		}
		for _, c := range out.Code {
			within("code block", c.Line, c.Col)
		}
		for _, h := range out.Headings {
			if h.Line != 0 {
				within("heading "+h.Text, h.Line, 1)
			}
			if !out.IDs.Has(h.ID) {
				t.Errorf("heading id %q is not in IDs", h.ID)
			}
		}
		if !bytes.ContainsRune(m.Body, '{') {
			seen := map[string]bool{}
			for _, h := range out.Headings {
				if seen[h.ID] {
					t.Errorf("two headings have id %q", h.ID)
				}
				seen[h.ID] = true
			}
		}
	})
}
