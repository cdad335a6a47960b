package build_test

import (
	"context"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/internal/fixture"
)

// TestRootAbsoluteLinks checks that links from the site's root are
// resolved against the source tree, checked, and written for a base URL
// with a sub-path.
func TestRootAbsoluteLinks(t *testing.T) {
	files := map[string]string{
		"README.md":             "# Home\n",
		"docs/README.md":        "# Docs\n",
		"docs/add-runbook.md":   "# Add a runbook\n\n## Steps\n",
		"img/flow.png":          "PNG",
		"team/deep/page.md":     "# Deep\n\n[by URL](/docs/add-runbook#steps), [by file](/docs/add-runbook.md), [folder](/docs/), [home](/), [image](/img/flow.png).\n",
		"team/deep/base.md":     "# Base\n\n[with base](/ops/docs/add-runbook/)\n",
		"team/deep/raw-html.md": "# Raw\n\n<a href=\"/docs/add-runbook\">raw</a>\n",
	}
	out, _ := buildTree(t, files, "https://example.github.io/ops/")
	html := read(t, out, "team/deep/page/index.html")
	for _, w := range []string{
		`<a href="/ops/docs/add-runbook/#steps">by URL</a>`,
		`<a href="/ops/docs/add-runbook/">by file</a>`,
		`<a href="/ops/docs/">folder</a>`,
		`<a href="/ops/">home</a>`,
		`<a href="/ops/img/flow.png">image</a>`,
	} {
		if !strings.Contains(html, w) {
			t.Errorf("page lacks %s", w)
		}
	}
	if base := read(t, out, "team/deep/base/index.html"); !strings.Contains(base, `<a href="/ops/docs/add-runbook/">with base</a>`) {
		t.Errorf("a link that starts with the base path is not kept:\n%s", base)
	}
	if raw := read(t, out, "team/deep/raw-html/index.html"); !strings.Contains(raw, `<a href="/ops/docs/add-runbook/">raw</a>`) {
		t.Errorf("a root-absolute link in raw HTML is not rewritten:\n%s", raw)
	}

	// Without a base URL the links are relative, for reading from disk.
	delete(files, "team/deep/base.md")
	out, _ = buildTree(t, files, "")
	if html := read(t, out, "team/deep/page/index.html"); !strings.Contains(html, `<a href="../../../docs/add-runbook/index.html#steps">by URL</a>`) {
		t.Errorf("relative href missing:\n%s", html)
	}

	// A root-absolute link to nothing, or to a missing heading, is broken.
	files["team/deep/base.md"] = "# Base\n\n[with base](/ops/docs/add-runbook/)\n"
	files["docs/bad.md"] = "# Bad\n\n[gone](/docs/removed-page), [anchor](/docs/add-runbook#nope), <a href=\"/nowhere/\">raw</a>\n"
	res, err := build.Check(context.Background(), build.Config{Src: fixture.Tree(t, files), BaseURL: "https://example.github.io/ops/", Now: buildDate})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		if p.File == "docs/bad.md" {
			got = append(got, p.String())
		}
	}
	want := []string{
		`docs/bad.md:3:1: error: broken link "/docs/removed-page": nothing is published at /docs/removed-page`,
		`docs/bad.md:3:29: error: broken link "/docs/add-runbook#nope": no heading "nope" in docs/add-runbook.md`,
		`docs/bad.md:3:63: error: broken link "/nowhere/": nothing is published at /nowhere`,
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %s\nwant prefix %s", i, got[i], want[i])
		}
	}
}

// TestMarkdownProblemsReported checks that what the Markdown itself got
// wrong (removed raw HTML, an undefined reference link, a broken image in
// raw HTML) is reported by check with its position.
func TestMarkdownProblemsReported(t *testing.T) {
	src := fixture.Tree(t, map[string]string{
		"README.md": "---\ntitle: Home\n---\n# Home\n\nSee [the guide][guide].\n\n<img src=\"missing.png\" alt=\"x\" onerror=\"x()\">\n",
	})
	res, err := build.Check(context.Background(), build.Config{Src: src, Now: buildDate})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`README.md:6:5: error: broken link "[the guide][guide]": no definition of [guide]`,
		`README.md:8:1: error: broken image "missing.png": missing.png does not exist [broken-image]`,
		`README.md:8:1: warning: raw HTML: removed onerror="x()" from <img> [raw-html-removed]`,
	}
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %s\nwant prefix %s", i, got[i], want[i])
		}
	}
}
