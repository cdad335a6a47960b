package markdown_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/markdown"
)

func problems(ps []diag.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d:%d %s %s", p.Line, p.Col, p.Rule, p.Message))
	}
	return out
}

// TestRawHTMLKeptAndRemoved checks that the raw HTML people write in
// runbooks reaches the page, and that what is removed is reported where it
// was written, naming what went.
func TestRawHTMLKeptAndRemoved(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       []string // in the HTML
		gone       []string // not in the HTML
		warnings   []string // "line:col text in the message"
	}{
		{name: "details", body: "<details>\n<summary>More</summary>\n\nHidden **text**.\n\n</details>\n",
			want: []string{"<details>\n<summary>More</summary>", "<p>Hidden <strong>text</strong>.</p>\n</details>"}},
		{name: "line break in a table cell", body: "| a |\n|---|\n| x<br>y |\n", want: []string{"<td>x<br>y</td>"}},
		{name: "keys and marks", body: "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, H<sub>2</sub>O, x<sup>2</sup>, <mark>hot</mark>, <abbr title=\"Site Reliability\">SRE</abbr>.\n",
			want: []string{"<kbd>Ctrl</kbd>+<kbd>C</kbd>", "<sub>2</sub>", "<sup>2</sup>", "<mark>hot</mark>", `<abbr title="Site Reliability">SRE</abbr>`}},
		{name: "definition list and table in HTML", body: "<dl><dt>RTO</dt><dd>1h</dd></dl>\n\n<table><tr><td colspan=\"2\">x</td></tr></table>\n",
			want: []string{"<dl><dt>RTO</dt><dd>1h</dd></dl>", `<td colspan="2">x</td>`}},
		{name: "image", body: "<img src=\"diagram.png\" alt=\"Flow\" width=\"300\" height=\"200\">\n",
			want: []string{`<img src="diagram.png" alt="Flow" width="300" height="200">`}},
		{name: "script block", body: "a\n\n<script>\nalert(1)\n</script>\n\nb\n",
			gone: []string{"script", "alert"}, warnings: []string{"3:1 removed <script> and its content"}},
		{name: "inline script", body: "x <script>alert(1)</script> y\n",
			gone: []string{"script", "alert"}, warnings: []string{"1:3 removed <script> and its content"}},
		{name: "iframe", body: "<iframe src=\"https://evil.example\"></iframe>\n",
			gone: []string{"iframe"}, warnings: []string{`1:1 removed <iframe src="https://evil.example"> and its content`}},
		{name: "event handler", body: "Text <span onclick=\"steal()\">here</span>.\n",
			want: []string{"<span>here</span>"}, gone: []string{"onclick", "steal"}, warnings: []string{`1:6 removed onclick="steal()" from <span>`}},
		{name: "style attribute", body: "<div style=\"color:red\">\nred\n</div>\n",
			want: []string{"<div>\nred\n</div>"}, gone: []string{"style"}, warnings: []string{`1:1 removed style="color:red" from <div>`}},
		{name: "javascript URL", body: "<a href=\"javascript:alert(1)\">click</a>\n",
			want: []string{"click"}, gone: []string{"javascript", "<a"}, warnings: []string{`1:1 removed <a href="javascript:alert(1)">`}},
		{name: "unknown element keeps its text", body: "<font color=red>loud</font>\n",
			want: []string{"loud"}, gone: []string{"font"}, warnings: []string{"1:1 removed <font color=red> (its content is kept)"}},
		{name: "stray end tag", body: "para\n\n</div></main>\n",
			gone: []string{"</div>", "</main>"}, warnings: []string{"3:1 removed </div>", "3:7 removed </main>"}},
		{name: "unclosed element is closed", body: "<div>\n\nopen\n", want: []string{"<div>\n<p>open</p>\n</div>"}},
		{name: "position in a blockquote", body: "> quote\n> <b onmouseover=\"x\">b</b>\n",
			warnings: []string{`2:3 removed onmouseover="x" from <b>`}},
		{name: "comments are for authors", body: "a <!-- note --> b\n", gone: []string{"note"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := render(c.body, 1)
			html := string(out.HTML)
			for _, w := range c.want {
				if !strings.Contains(html, w) {
					t.Errorf("HTML lacks %q:\n%s", w, html)
				}
			}
			for _, g := range c.gone {
				if strings.Contains(html, g) {
					t.Errorf("HTML still has %q:\n%s", g, html)
				}
			}
			got := problems(out.Problems)
			if len(got) != len(c.warnings) {
				t.Fatalf("problems = %q, want %d like %q", got, len(c.warnings), c.warnings)
			}
			for i, w := range c.warnings {
				pos, msg, _ := strings.Cut(w, " ")
				if !strings.HasPrefix(got[i], pos+" raw-html-removed ") || !strings.Contains(got[i], msg) {
					t.Errorf("problem %d = %q, want at %s with %q", i, got[i], pos, msg)
				}
			}
		})
	}
}

// TestRawHTMLLinks checks that links and images in raw HTML are collected
// with their positions and rewritten like Markdown ones.
func TestRawHTMLLinks(t *testing.T) {
	r := markdown.New(highlight.New(nil))
	out := r.Render(markdown.Input{
		Path: "db/x.md", BodyLine: 3,
		Body:    []byte("Intro\n\n<p align=\"center\"><img src=\"../img/flow.png\" alt=\"flow\"></p>\n\nSee <a href=\"pool.md#notes\">the pool</a>.\n"),
		Rewrite: func(dest string) string { return "/ops/rewritten/" + dest },
	})
	var refs []string
	for _, r := range out.Refs {
		refs = append(refs, fmt.Sprintf("%d %s %d:%d", r.Kind, r.Dest, r.Line, r.Col))
	}
	if want := []string{"1 ../img/flow.png 5:19", "0 pool.md#notes 7:5"}; fmt.Sprint(refs) != fmt.Sprint(want) {
		t.Errorf("refs = %q, want %q", refs, want)
	}
	html := string(out.HTML)
	for _, w := range []string{`<img src="/ops/rewritten/../img/flow.png" alt="flow">`, `<a href="/ops/rewritten/pool.md#notes">the pool</a>`, `<p align="center">`} {
		if !strings.Contains(html, w) {
			t.Errorf("HTML lacks %q:\n%s", w, html)
		}
	}
}

// TestCallouts checks that the five GitHub alerts render as callouts with
// their title and icon, and that other blockquotes stay blockquotes.
func TestCallouts(t *testing.T) {
	for _, kind := range []string{"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"} {
		t.Run(kind, func(t *testing.T) {
			html := string(render("> [!"+kind+"]\n> Drain the node *first*.\n", 1).HTML)
			lower := strings.ToLower(kind)
			title := kind[:1] + lower[1:]
			for _, w := range []string{
				`<div class="callout callout-` + lower + `" role="note">`,
				`<svg class="callout-icon"`,
				`</svg>` + title + `</p>`,
				`<p>Drain the node <em>first</em>.</p>`,
			} {
				if !strings.Contains(html, w) {
					t.Errorf("HTML lacks %q:\n%s", w, html)
				}
			}
			if strings.Contains(html, "[!") || strings.Contains(html, "<blockquote") {
				t.Errorf("the marker or a blockquote is left:\n%s", html)
			}
		})
	}
	for _, body := range []string{"> [!UNKNOWN]\n> text\n", "> Just a quote [!NOTE]\n", "> [!NOTE] on one line\n"} {
		if html := string(render(body, 1).HTML); !strings.Contains(html, "<blockquote>") || strings.Contains(html, "callout") {
			t.Errorf("%q became a callout:\n%s", body, html)
		}
	}
	html := string(render("> [!tip]\n>\n> Separate paragraph.\n", 1).HTML)
	if !strings.Contains(html, "callout-tip") || !strings.Contains(html, "<p>Separate paragraph.</p>") {
		t.Errorf("a lowercase marker alone in its paragraph:\n%s", html)
	}
}

// TestUndefinedReferenceLinks checks that "[text][label]" with no
// definition is reported where it is written, and that what is not a
// reference link is not.
func TestUndefinedReferenceLinks(t *testing.T) {
	body := "Run [the script][1] then [this][].\n\nDefined: [ok][d].\n\nNot links: a[i][j], `[c][d]`, \\[e][f], [x] [y].\n\n[d]: https://example.com\n"
	got := problems(render(body, 10).Problems)
	want := []string{
		`10:5 broken-link broken link "[the script][1]": no definition of [1] in this page (add a line "[1]: URL")`,
		`10:26 broken-link broken link "[this][]": no definition of [this] in this page (add a line "[this]: URL")`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems =\n%q\nwant\n%q", got, want)
	}
}

// TestUndefinedReferenceLinksInEveryBlock checks that a reference link with
// no definition is found in every kind of block that holds text: a
// heading, a list item, a table cell, a quote, emphasis.
func TestUndefinedReferenceLinksInEveryBlock(t *testing.T) {
	body := "## See [the guide][g]\n\n- step [one][s1]\n\n| a | b |\n| --- | --- |\n| [cell][c] | x |\n\n> quoted [q][q1]\n\nin *emphasis [e][e1]* too\n"
	got := problems(render(body, 1).Problems)
	var labels []string
	for _, p := range got {
		if i := strings.Index(p, "no definition of ["); i >= 0 {
			labels = append(labels, p[i+len("no definition of "):strings.Index(p[i:], "]")+i+1])
		}
	}
	want := []string{"[g]", "[s1]", "[c]", "[q1]", "[e1]"}
	if fmt.Sprint(labels) != fmt.Sprint(want) {
		t.Errorf("undefined labels found = %v, want %v\n%q", labels, want, got)
	}
}

// TestFootnotesAndDefinitionLists checks the two goldmark extensions.
func TestFootnotesAndDefinitionLists(t *testing.T) {
	html := string(render("RTO\n: Recovery time objective.\n\nSee the SLA.[^sla]\n\n[^sla]: Signed 2025.\n", 1).HTML)
	for _, w := range []string{"<dl>\n<dt>RTO</dt>\n<dd>Recovery time objective.</dd>\n</dl>", `<a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a>`, `<li id="fn:1">`, "Signed 2025."} {
		if !strings.Contains(html, w) {
			t.Errorf("HTML lacks %q:\n%s", w, html)
		}
	}
}

// TestDiagrams checks that a mermaid block is published as its source in a
// figure for the theme's script, is still a code block for the checks, and
// that a block that is no diagram is reported.
func TestDiagrams(t *testing.T) {
	out := render("# T\n\n```mermaid\nflowchart LR\n  A[Alert] --> B{Pod <ready>?}\n```\n", 1)
	html := string(out.HTML)
	want := "<figure class=\"diagram\" data-diagram=\"mermaid\">\n<pre class=\"diagram-source\"><code class=\"language-mermaid\">flowchart LR\n  A[Alert] --&gt; B{Pod &lt;ready&gt;?}</code></pre>\n</figure>"
	if !strings.Contains(html, want) {
		t.Errorf("HTML lacks\n%s\nin\n%s", want, html)
	}
	if len(out.Code) != 1 || out.Code[0].Lang != "mermaid" || !out.Code[0].Closed {
		t.Errorf("code blocks = %+v", out.Code)
	}
	if len(out.Problems) != 0 {
		t.Errorf("problems = %q", problems(out.Problems))
	}
	for body, msg := range map[string]string{
		"```mermaid\n```\n":                           "1:1 mermaid-diagram mermaid diagram is empty",
		"x\n\n```mermaid\nflowchar LR\n A-->B\n```\n": `3:1 mermaid-diagram mermaid diagram starts with "flowchar"`,
	} {
		got := problems(render(body, 1).Problems)
		if len(got) != 1 || !strings.HasPrefix(got[0], msg) {
			t.Errorf("%q: problems = %q, want %q", body, got, msg)
		}
	}
	ok := "```mermaid\n---\ntitle: Flow\n---\n%% comment\nsequenceDiagram\n A->>B: hi\n```\n"
	if got := problems(render(ok, 1).Problems); len(got) != 0 {
		t.Errorf("front matter and comments: problems = %q", got)
	}
}
