package markdown_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/meta"
)

func TestHostileMarkdownIsNeutralised(t *testing.T) {
	// The cases whose raw HTML loses an element or an attribute.
	removes := map[string]bool{"raw script": true, "raw img with a handler": true, "raw iframe": true, "inline raw HTML": true, "heading id with markup": true}
	for _, c := range []struct {
		name, body string
		want       string // in the HTML
	}{
		{"raw script", "<script>alert(1)</script>\n", ""},
		{"raw img with a handler", "<img src=x onerror=alert(1)>\n", `<img src="x">`},
		{"raw iframe", "<iframe src=\"javascript:alert(1)\"></iframe>\n", ""},
		{"inline raw HTML", "a <b onclick=\"alert(1)\">b</b> c\n", "a <b>b</b> c"},
		{"not quite raw HTML", "a <svg/onload=alert(1)> b\n", "a &lt;svg/onload=alert(1)&gt; b"},
		{"javascript link", "[x](javascript:alert(1))\n", `<a href="">x</a>`},
		{"mixed case", "[x](JaVaScRiPt:alert(1))\n", `<a href="">x</a>`},
		{"vbscript link", "[x](vbscript:msgbox(1))\n", `<a href="">x</a>`},
		{"data link", "[x](data:text/html,hi)\n", `<a href="">x</a>`},
		{"entity-encoded scheme", "[x](&#106;avascript:alert(1))\n", `<a href="">x</a>`},
		{"tab in the scheme", "[x](java&#9;script:alert(1))\n", `href="java%09script:alert(1)"`},
		{"svg data image", "![x](data:image/svg+xml,<svg/onload=alert(1)>)\n", `<img src="" alt="x">`},
		{"reference to javascript", "[x][r]\n\n[r]: javascript:alert(1)\n", `<a href="">x</a>`},
		{"autolink", "<javascript:alert(1)>\n", `<a href="">javascript:alert(1)</a>`},
		{"heading handler attribute", "## T {onclick=\"alert(1)\" style=\"color:red\"}\n", `<h2 id="t">T<a class="anchor"`},
		{"heading id with quotes", "## T {#x\"onclick=\"alert(1)}\n", `T {#x&quot;onclick=&quot;alert(1)}`},
		{"heading id with markup", "## T {#\"><script>}\n", `T {#&quot;&gt;<a class="anchor"`},
		{"code language with markup", "```\"><script>\nx\n```\n", `data-lang="&#34;&gt;&lt;script&gt;"`},
		{"code closing its own tags", "```bash\n</code></pre><script>alert(1)</script>\n```\n", "&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := render(c.body, 1)
			html := string(out.HTML)
			if removes[c.name] && len(out.Problems) == 0 {
				t.Errorf("raw HTML was removed from %q without a warning", c.body)
			}
			if !strings.Contains(html, c.want) {
				t.Errorf("HTML does not have %q:\n%s", c.want, html)
			}
			if strings.Contains(strings.ToLower(html), "<script") {
				t.Errorf("a script reached the HTML:\n%s", html)
			}
			for _, tg := range fuzzTag.FindAllStringSubmatch(html, -1) {
				for _, a := range fuzzAttr.FindAllStringSubmatch(tg[2], -1) {
					if n := strings.ToLower(a[1]); strings.HasPrefix(n, "on") || n == "style" {
						t.Errorf("<%s %s=%q>", tg[1], n, a[2])
					}
				}
			}
		})
	}
}

func TestOneMegabyteCommand(t *testing.T) {
	cmd := "kubectl exec -it pod -- sh -c '" + strings.Repeat("echo <x>; ", 100_000) + "'"
	r := markdown.New(highlight.New(nil))
	out := r.Render(markdown.Input{Path: "x.md", Body: []byte("# T\n\n```bash\n" + cmd + "\n```\n"), BodyLine: 1})
	html := string(out.HTML)
	if !strings.Contains(html, "echo &lt;x&gt;; echo &lt;x&gt;;") {
		t.Errorf("the command is not shown as escaped text")
	}
	if strings.Contains(html, `<span class="nb">echo</span>`) {
		t.Errorf("a 1 MB line was highlighted: it should fall back to plain text")
	}
	if len(out.Code) != 1 || out.Code[0].Line != 3 {
		t.Errorf("code blocks = %+v, want one on line 3", out.Code)
	}
}

// BenchmarkNesting measures block quotes nested as deep as meta allows and
// far deeper, to show why the limit is there.
func BenchmarkNesting(b *testing.B) {
	r := markdown.New(highlight.New(nil))
	for _, depth := range []int{meta.MaxNesting, 2000, 20000} {
		body := []byte(strings.Repeat("> ", depth) + "x\n")
		b.Run(strconv.Itoa(depth), func(b *testing.B) {
			for b.Loop() {
				r.Render(markdown.Input{Path: "x.md", Body: body, BodyLine: 1})
			}
		})
	}
}
