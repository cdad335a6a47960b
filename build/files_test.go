package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/internal/fixture"
)

// published returns the files of a built site that are not generated
// pages or theme files: what came from the source tree.
func exists(out, name string) bool {
	_, err := os.Stat(filepath.Join(out, filepath.FromSlash(name)))
	return err == nil
}

// TestPublishOnlyWhatPagesUse: a repository's other files stay out of
// the site; what a page links or embeds, and the static folder, are in.
func TestPublishOnlyWhatPagesUse(t *testing.T) {
	out, res := buildTree(t, map[string]string{
		"README.md":              "# Home\n\n![flow](img/flow.png) [the dump](files/dump.tar.gz)\n",
		"img/flow.png":           "PNG",
		"img/unused.png":         "PNG",
		"files/dump.tar.gz":      "GZ",
		"Dockerfile":             "FROM scratch\n",
		".env":                   "TOKEN=secret\n",
		"OWNERS":                 "alice\n",
		"scripts/rotate.sh":      "#!/bin/sh\n",
		"static/favicon-32.png":  "PNG",
		"static/downloads/a.pdf": "PDF",
		"static/evil.js":         "alert(1)",
		"tools/index.html":       "<script src=helper.js></script>",
		"tools/helper.js":        "alert(1)",
		"sw.js":                  "self.addEventListener('fetch', () => {})",
		"_redirects":             "/* https://evil.example 200!\n",
	}, "")
	for _, in := range []string{"img/flow.png", "files/dump.tar.gz", "static/favicon-32.png", "static/downloads/a.pdf"} {
		if !exists(out, in) {
			t.Errorf("%s is not published", in)
		}
	}
	for _, gone := range []string{"Dockerfile", ".env", "OWNERS", "scripts/rotate.sh", "img/unused.png", "static/evil.js", "tools/index.html", "tools/helper.js"} {
		if exists(out, gone) {
			t.Errorf("%s is published, though no page uses it", gone)
		}
	}
	if exists(out, "sw.js") && strings.Contains(read(t, out, "sw.js"), "() => {}") {
		t.Error("the source sw.js was published")
	}
	if exists(out, "_redirects") {
		t.Error("the source _redirects was published")
	}
	if len(res.Problems) != 0 {
		t.Errorf("problems: %s", problemList(res.Problems))
	}
	left := strings.Join(res.LeftOut, "\n")
	for _, f := range []string{"Dockerfile: no page links to it", ".env: dot-files", "tools/index.html: HTML"} {
		if !strings.Contains(left, f) {
			t.Errorf("left out does not list %q:\n%s", f, left)
		}
	}
}

// TestLinksToUnpublishedFiles: a link to a file that exists but is not
// part of the site says so.
func TestLinksToUnpublishedFiles(t *testing.T) {
	res := checkTree(t, map[string]string{
		"runbooks.toml":      "exclude = [\"internal/**\"]\n",
		"README.md":          "# Home\n\n[env](.env)\n[tool](tools/index.html)\n[notes](internal/notes.md)\n[git](.github/)\n",
		".env":               "X=1",
		"tools/index.html":   "<p>",
		"internal/notes.md":  "# n\n",
		".github/CODEOWNERS": "* @x\n",
	})
	want := map[int]string{
		3: `broken link ".env": .env exists but is not part of the site: dot-files are never published`,
		4: `broken link "tools/index.html": tools/index.html exists but is not part of the site: HTML`,
		5: `broken link "internal/notes.md": internal/notes.md exists but is not part of the site: runbooks.toml excludes it`,
		6: `broken link ".github/": .github exists but is not part of the site: dot-files`,
	}
	if len(res.Problems) != len(want) {
		t.Fatalf("problems: %s", problemList(res.Problems))
	}
	for _, p := range res.Problems {
		if !strings.HasPrefix(p.Message, want[p.Line]) || p.Rule != "broken-link" {
			t.Errorf("line %d: %s\nwant %s", p.Line, p, want[p.Line])
		}
	}
}

// TestPublishHTMLOptIn: publish_html publishes a folder's HTML and
// scripts, and check warns about each.
func TestPublishHTMLOptIn(t *testing.T) {
	files := map[string]string{
		"runbooks.toml":    "publish_html = [\"tools\"]\n",
		"README.md":        "# Home\n\n[tool](tools/index.html)\n",
		"tools/index.html": "<script src=helper.js></script>",
		"tools/helper.js":  "alert(1)",
		"other/x.html":     "<p>",
	}
	out, res := buildTree(t, files, "")
	if !exists(out, "tools/index.html") {
		t.Error("tools/index.html not published despite publish_html")
	}
	if exists(out, "other/x.html") {
		t.Error("other/x.html published")
	}
	if !hasProblem(res.Problems, "tools/index.html", 1, "published-html") {
		t.Errorf("no published-html warning: %s", problemList(res.Problems))
	}
}

// TestGeneratedNamesCheckAgreesWithBuild builds every name the build
// generates as a source file that would be published, and asserts that
// check reports, with a position, each file that build refuses, and that
// build writes nothing.
func TestGeneratedNamesCheckAgreesWithBuild(t *testing.T) {
	claimers := []string{
		"404.html", "_headers", "_redirects", "runbooks.json", "robots.txt", "sitemap.xml",
		"search/index.js", "groups/sev1/index.html", "alerts/index.json", "assets/favicon.svg", "sw.js", "nav.json", "n",
	}
	files := map[string]string{
		"runbooks.toml":  "publish_html = [\".\"]\n",
		"search.md":      "# A page where the search page goes\n",
		"groups/sev2.md": "# A page where a group page goes\n",
		"n.md":           "# N\n",
		"api.md":         "---\nalerts: [KubeAPIDown]\n---\n# API\n",
	}
	var links strings.Builder
	links.WriteString("# Home\n\n")
	for _, c := range claimers {
		files[c] = "x"
		links.WriteString("[" + c + "](" + c + ")\n")
	}
	files["README.md"] = links.String()
	src := fixture.Tree(t, files)
	checked, err := build.Check(context.Background(), build.Config{Src: src, Now: buildDate})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	built, err := build.Build(context.Background(), build.Config{Src: src, Out: out, Now: buildDate, NoCache: true})
	if !errors.Is(err, build.ErrContent) {
		t.Fatalf("build: err = %v", err)
	}
	if exists(out, "") {
		t.Error("build wrote its output despite the clashes")
	}
	if a, b := problemList(checked.Problems), problemList(built.Problems); a != b {
		t.Errorf("check and build disagree:\ncheck:\n%s\nbuild:\n%s", a, b)
	}
	for _, c := range append(slices.Clone(claimers), "search.md", "groups/sev2.md") {
		if !hasProblem(checked.Problems, c, 1, "generated-name") {
			t.Errorf("%s: no generated-name problem:\n%s", c, problemList(checked.Problems))
		}
	}
}
