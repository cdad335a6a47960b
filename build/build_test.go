package build_test

import (
	"context"
	"errors"
	"github.com/arcaapi/runbooks/internal/fixture"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
)

var buildDate = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

// buildTree builds files into a fresh output folder and returns it.
func buildTree(t *testing.T, files map[string]string, baseURL string) (string, build.Result) {
	t.Helper()
	src := fixture.Tree(t, files)
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.Build(context.Background(), build.Config{Src: src, Out: out, BaseURL: baseURL, Now: buildDate, NoCache: true})
	if err != nil {
		t.Fatalf("build: %v\n%v", err, res.Problems)
	}
	return out, res
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// part returns the element of html that starts with open and ends with the
// first following close.
func part(t *testing.T, html, open, close string) string {
	t.Helper()
	i := strings.Index(html, open)
	if i < 0 {
		t.Fatalf("no %q in page", open)
	}
	j := strings.Index(html[i:], close)
	if j < 0 {
		t.Fatalf("no %q after %q", close, open)
	}
	return html[i : i+j+len(close)]
}

// sections are the template sections every runbook in these tests has, so
// that only the problem a test is about is reported.
const sections = "\n## Symptoms\n\n## Impact\n\n## Prerequisites\n\n## Diagnosis\n\n## Resolution\n\n## Rollback\n\n## Verification\n\n## Prevention\n\n## Related Runbooks\n"

func runbook(title, sev, owner, date string) string {
	return "---\ntitle: " + title + "\nseverity: " + sev + "\nowner: " + owner + "\nlast_updated: " + date + "\n---\n# " + title + "\n" + sections
}

var tree = map[string]string{
	"README.md":                 "---\ntitle: Ops Runbooks\n---\n# Ops Runbooks\n\nStart with [API down](api-down.md#step-2-check).\n",
	"api-down.md":               runbook("API Down", "SEV1", "Platform", "2026-11-01") + "\n## Step 2: Check\n\nSee [pool](db/pool.md#notes), [the db folder](db/) and ![diagram](img/flow.png).\n",
	"db/pool.md":                "# Pool Exhausted\n\n**Severity**: SEV2\n**Owner**: Data Team\n**Last Updated**: 2025-10-15\n\n## Notes\n\nBack to [the index](../README.md).\n" + sections,
	"db/README.md":              "# Databases\n",
	"cache.md":                  runbook("Cache Full", "SEV3", "Platform", "2026-11-20"),
	"migrate.md":                "---\ntitle: Migrate\ntype: maintenance\nowner: Data Team\nlast_updated: 2026-11-20\n---\n# Migrate\n" + sections,
	"zz-alpha.md":               runbook("Alpha Outage", "SEV1", "Platform", "2026-11-20"),
	"guide.md":                  "# Writing guide\n",
	"img/flow.png":              "PNG",
	".hidden/secret.md":         "# secret\n",
	".env":                      "TOKEN=x",
	"notes/_index.md":           "# Notes\n",
	"notes/changes.md":          "# Changes\n",
	"db/legacy/pool-old.md":     "# Old pool\n",
	"db/legacy/README.md":       "# Legacy\n",
	"maint/rotate-keys.md":      "---\ntitle: Rotate Keys\ntype: maintenance\nowner: Security\nlast_updated: 2026-11-20\n---\n# Rotate Keys\n" + sections,
	"other/with space/index.md": "# Spaced\n",
}

func TestNavigationGroupsBySeverity(t *testing.T) {
	out, _ := buildTree(t, tree, "")
	nav := part(t, read(t, out, "api-down/index.html"), `<nav class="site-nav"`, "</nav>")
	var groups []string
	for _, m := range regexp.MustCompile(`class="nav-group nav-(sev1|sev2|sev3|maintenance|other)`).FindAllStringSubmatch(nav, -1) {
		groups = append(groups, m[1])
	}
	want := []string{"sev1", "sev2", "sev3", "maintenance", "other"}
	if strings.Join(groups, "|") != strings.Join(want, "|") {
		t.Errorf("nav groups = %q, want %q", groups, want)
	}
	for g := page.SEV1; g < page.NumGroups; g++ {
		if !strings.Contains(nav, g.Title()) {
			t.Errorf("nav lacks the group title %q", g.Title())
		}
	}
	sev1 := part(t, nav, `nav-sev1`, "</ul>")
	if !strings.Contains(sev1, `aria-current="page">API Down</a>`) {
		t.Errorf("current page not marked in SEV1 group:\n%s", sev1)
	}
	if strings.Index(sev1, "Alpha Outage") > strings.Index(sev1, "API Down") {
		t.Errorf("SEV1 entries not sorted by title:\n%s", sev1)
	}
	if !strings.Contains(part(t, nav, `nav-sev2`, "</ul>"), "Pool Exhausted") {
		t.Error("template-style SEV2 runbook not under SEV2 High")
	}
	if !strings.Contains(part(t, nav, `nav-maintenance`, "</ul>"), "Rotate Keys") {
		t.Error("maintenance procedure not under Maintenance procedures")
	}
	if strings.Contains(nav, "secret") {
		t.Error("dot-folder page published in nav")
	}
}

func TestMetadataFromFrontMatterAndTemplateLines(t *testing.T) {
	out, _ := buildTree(t, tree, "")
	pool := read(t, out, "db/pool/index.html")
	meta := part(t, pool, `<dl class="runbook-meta">`, "</dl>")
	for _, want := range []string{"SEV2", "Data Team", "2025-10-15", "review overdue since 2026-01-13"} {
		if !strings.Contains(meta, want) {
			t.Errorf("db/pool metadata lacks %q:\n%s", want, meta)
		}
	}
	api := part(t, read(t, out, "api-down/index.html"), `<dl class="runbook-meta">`, "</dl>")
	if strings.Contains(api, "overdue") {
		t.Errorf("fresh runbook marked overdue:\n%s", api)
	}
	if got := part(t, read(t, out, "guide/index.html"), "<title>", "</title>"); got != "<title>Writing guide · Ops Runbooks</title>" {
		t.Errorf("title from H1: %s", got)
	}
	// Front matter wins over template lines.
	out2, _ := buildTree(t, map[string]string{"x.md": runbook("X", "SEV3", "Front", "2026-11-01") + "\n**Severity**: SEV1\n**Owner**: Lines\n"}, "")
	x := part(t, read(t, out2, "x/index.html"), `<dl class="runbook-meta">`, "</dl>")
	if !strings.Contains(x, "SEV3") || strings.Contains(x, "SEV1") || !strings.Contains(x, "Front") {
		t.Errorf("front matter did not win:\n%s", x)
	}
}

func TestLinksRewritten(t *testing.T) {
	for _, c := range []struct {
		name, base string
		want       map[string][]string // output page → hrefs it must contain
	}{
		{"relative", "", map[string][]string{
			"api-down/index.html": {`href="../db/pool/index.html#notes"`, `href="../db/index.html"`, `src="../img/flow.png"`, `href="../assets/style.`},
			"db/pool/index.html": {`href="../../index.html"`, `href="../../assets/style.`, `<script src="../../assets/runbooks.`,
				// the header and footer, rendered once per folder depth
				`<a class="site-title" href="../../index.html">`, `action="../../search/index.html"`, `data-script="../../assets/search.`,
				`<a href="../../search/index.html">Search</a></p>`},
			"index.html": {`href="api-down/index.html#step-2-check"`, `href="assets/style.`, `<script src="assets/runbooks.`,
				`<a class="site-title" href="index.html">`, `action="search/index.html"`, `<a href="search/index.html">Search</a></p>`},
		}},
		{"sub-path", "https://example.github.io/ops/", map[string][]string{
			"api-down/index.html": {`href="/ops/db/pool/#notes"`, `href="/ops/db/"`, `src="/ops/img/flow.png"`, `href="/ops/assets/style.`, `<link rel="canonical" href="https://example.github.io/ops/api-down/">`},
			"db/pool/index.html":  {`href="/ops/"`, `action="/ops/search/"`, `<a href="/ops/search/">Search</a></p>`},
			"index.html":          {`href="/ops/api-down/#step-2-check"`},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, _ := buildTree(t, tree, c.base)
			for name, hrefs := range c.want {
				html := read(t, out, name)
				for _, h := range hrefs {
					if !strings.Contains(html, h) {
						t.Errorf("%s lacks %s", name, h)
					}
				}
			}
		})
	}
}

func TestPrettyURLsAndIndexPages(t *testing.T) {
	out, _ := buildTree(t, tree, "")
	for _, name := range []string{"index.html", "api-down/index.html", "db/index.html", "db/pool/index.html", "notes/index.html", "notes/changes/index.html", "db/legacy/index.html", "other/with space/index.html", "img/flow.png", "404.html"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("missing %s", name)
		}
	}
	for _, name := range []string{".hidden", ".env"} {
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			t.Errorf("dot-file %s published", name)
		}
	}
	index := read(t, out, "index.html")
	table := part(t, index, `<section class="index"`, "</section>")
	for _, want := range []string{"SEV1 Critical", "API Down", "Platform", "Pool Exhausted", "Maintenance procedures", "Rotate Keys"} {
		if !strings.Contains(table, want) {
			t.Errorf("index table lacks %q", want)
		}
	}
	if strings.Contains(table, "Writing guide") {
		t.Error("index runbook table lists a documentation page")
	}
}

func TestHeadingIDsAndCode(t *testing.T) {
	md := "# T\n\n## Step 1: Verify the Issue\n\n## Café ☕ setup\n\n## Notes\n\n## Notes\n\n```bash\necho \"hi\" | grep -c hi\n```\n\n```frobnicate\n<b>x</b>\n```\n\n```\nplain\n```\n\n<script>alert(1)</script>\n"
	out, res := buildTree(t, map[string]string{"t.md": md}, "")
	if res.Errors() != 0 {
		t.Fatalf("problems: %v", res.Problems)
	}
	html := read(t, out, "t/index.html")
	for _, want := range []string{
		`<h2 id="step-1-verify-the-issue">`, `<h2 id="café--setup">`, `<h2 id="notes">`, `<h2 id="notes-1">`,
		`href="#notes-1"`,
		`<code class="language-bash"><span class="nb">echo</span>`,
		`<code class="language-frobnicate">&lt;b&gt;x&lt;/b&gt;`,
		"<code>plain\n</code>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(html, "<script>alert") || strings.Contains(html, "style=") {
		t.Error("raw HTML or an inline style reached the page")
	}
}

func TestErrorsArePositionedAndSorted(t *testing.T) {
	src := fixture.Tree(t, map[string]string{
		"b.md": "---\ntitle: B\nseverity: SEV9\nowner: x\nlast_updated: 2026-13-45\n---\n# B\n",
		"a.md": "---\ntitle: [unclosed\n---\n# A\n",
		"c.md": "# C\n",
	})
	res, err := build.Check(context.Background(), build.Config{Src: src, Now: buildDate})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range res.Problems {
		if p.Severity == diag.Error && p.Rule != "missing-section" {
			got = append(got, p.String())
		}
	}
	want := []string{
		`a.md:2:1: error: invalid YAML front matter`,
		`b.md:3:11: error: unknown severity "SEV9": use one of SEV1, SEV2, SEV3 [invalid-metadata]`,
		`b.md:5:15: error: last_updated "2026-13-45" is not a date: use YYYY-MM-DD [invalid-metadata]`,
	}
	if len(got) != len(want) {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %d = %s\nwant prefix %s", i, got[i], want[i])
		}
	}
}

func TestDuplicateURLs(t *testing.T) {
	src := fixture.Tree(t, map[string]string{"a.md": "# A\n", "a/README.md": "# A too\n", "Api.md": "# Api\n", "api.md": "# api\n"})
	res, err := build.Check(context.Background(), build.Config{Src: src, Now: buildDate})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, p := range res.Problems {
		if p.Rule == "duplicate-url" {
			msgs = append(msgs, p.Message)
		}
	}
	if len(msgs) != 2 || !strings.Contains(strings.Join(msgs, "\n"), "a.md and a/README.md both build to a/index.html") ||
		!strings.Contains(strings.Join(msgs, "\n"), "Api.md and api.md differ only by case") {
		t.Errorf("duplicate-url problems = %q", msgs)
	}
}

func TestOutputIsAtomic(t *testing.T) {
	src := fixture.Tree(t, map[string]string{"a.md": "# A\n", "gone.md": "# Gone\n"})
	out := filepath.Join(t.TempDir(), "public")
	cfg := build.Config{Src: src, Out: out, Now: buildDate, NoCache: true}
	if _, err := build.Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, out)

	// A failing build leaves the previous output exactly as it was.
	os.WriteFile(filepath.Join(src, "a.md"), []byte("---\nseverity: SEV7\n---\n# A\n"), 0o644)
	if _, err := build.Build(context.Background(), cfg); !errors.Is(err, build.ErrContent) {
		t.Fatalf("build with a bad severity: err = %v, want ErrContent", err)
	}
	if after := snapshot(t, out); !equal(before, after) {
		t.Error("failed build changed the output")
	}

	// A good build replaces it, and files of deleted pages do not linger.
	os.WriteFile(filepath.Join(src, "a.md"), []byte("# A2\n"), 0o644)
	os.Remove(filepath.Join(src, "gone.md"))
	if _, err := build.Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "gone")); err == nil {
		t.Error("deleted page's output lingers")
	}
	if !strings.Contains(read(t, out, "a/index.html"), "A2") {
		t.Error("output not updated")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".runbooks-tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary folders left behind: %v", leftovers)
	}

	// A failing build renders while it checks, into the spare folder the
	// last output became: the output stays as it was, and the next good
	// build is exactly what a build into a new folder makes.
	good := snapshot(t, out)
	os.WriteFile(filepath.Join(src, "a.md"), []byte("---\nseverity: SEV7\n---\n# A3\n"), 0o644)
	os.WriteFile(filepath.Join(src, "new.md"), []byte("# New\n"), 0o644)
	if _, err := build.Build(context.Background(), cfg); !errors.Is(err, build.ErrContent) {
		t.Fatalf("build with a bad severity: err = %v, want ErrContent", err)
	}
	if after := snapshot(t, out); !equal(good, after) {
		t.Error("failed build changed the output")
	}
	os.WriteFile(filepath.Join(src, "a.md"), []byte("# A3\n"), 0o644)
	os.Remove(filepath.Join(src, "new.md"))
	if _, err := build.Build(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	fresh := cfg
	fresh.Out = filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), fresh); err != nil {
		t.Fatal(err)
	}
	if got, want := snapshot(t, out), snapshot(t, fresh.Out); !equal(got, want) {
		t.Errorf("after a failed build, the output holds %d files, a fresh build %d, or their bytes differ", len(got), len(want))
	}
}

func TestRefusesForeignOutput(t *testing.T) {
	src := fixture.Tree(t, map[string]string{"a.md": "# A\n"})
	foreign := fixture.Tree(t, map[string]string{"keep.txt": "mine"})
	for _, c := range []struct{ name, out, want string }{
		{"foreign folder", foreign, "was not built by runbooks"},
		{"source folder", src, "inside the source folder"},
		{"inside source", filepath.Join(src, "public"), "inside the source folder"},
		{"parent of source", filepath.Dir(src), "holds the source folder"},
		{"root", "/", "file-system root"},
	} {
		_, err := build.Build(context.Background(), build.Config{Src: src, Out: c.out, Now: buildDate, NoCache: true})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	if read(t, foreign, "keep.txt") != "mine" {
		t.Error("foreign folder was changed")
	}
}

func TestDeterministic(t *testing.T) {
	src := fixture.Tree(t, tree)
	var snaps []map[string]string
	for range 2 {
		out := filepath.Join(t.TempDir(), "public")
		if _, err := build.Build(context.Background(), build.Config{Src: src, Out: out, Now: buildDate, NoCache: true}); err != nil {
			t.Fatal(err)
		}
		snaps = append(snaps, snapshot(t, out))
	}
	if !equal(snaps[0], snaps[1]) {
		t.Error("two builds of the same tree differ")
	}
}

func TestToday(t *testing.T) {
	got, err := build.Today(func(k string) string { return map[string]string{"SOURCE_DATE_EPOCH": "1764288000"}[k] })
	if err != nil || !got.Equal(time.Date(2025, 11, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Today = %v, %v", got, err)
	}
	if _, err := build.Today(func(string) string { return "soon" }); err == nil {
		t.Error("a bad SOURCE_DATE_EPOCH was accepted")
	}
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func equal(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestThemeOverride(t *testing.T) {
	src := fixture.Tree(t, map[string]string{"a.md": "# A\n"})
	theme := fixture.Tree(t, map[string]string{"static/style.css": "body::after { content: \"from the override\"; }\n"})
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Config{Src: src, Out: out, Theme: theme, Now: buildDate, NoCache: true}); err != nil {
		t.Fatal(err)
	}
	css, _ := filepath.Glob(filepath.Join(out, "assets", "style.*.css"))
	if len(css) != 1 || !strings.Contains(read(t, filepath.Dir(css[0]), filepath.Base(css[0])), `"from the override"`) {
		t.Errorf("theme override not used: %v", css)
	}
	if !strings.Contains(read(t, out, "a/index.html"), "assets/"+filepath.Base(css[0])) {
		t.Error("page does not link the overriding stylesheet")
	}
	// Files the override folder lacks still come from the default theme.
	if js, _ := filepath.Glob(filepath.Join(out, "assets", "runbooks.*.js")); len(js) != 1 {
		t.Errorf("default theme script missing: %v", js)
	}
	if _, err := build.Build(context.Background(), build.Config{Src: src, Out: out, Theme: filepath.Join(theme, "nope"), Now: buildDate, NoCache: true}); err == nil {
		t.Error("a missing --theme folder was accepted")
	}
}

func TestSourceCannotReplaceGeneratedFiles(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{"robots.txt", "robots.txt would be published as robots.txt, which the build generates"},
		{"groups/sev1.md", "groups/sev1.md would be published as groups/sev1/index.html, which the build generates"},
	} {
		src := fixture.Tree(t, map[string]string{"a.md": "# A\n\n[robots](robots.txt)\n", c.file: "# mine\n"})
		out := filepath.Join(t.TempDir(), "public")
		res, err := build.Build(context.Background(), build.Config{Src: src, Out: out, Now: buildDate, NoCache: true})
		if !errors.Is(err, build.ErrContent) || !strings.Contains(problemList(res.Problems), c.want) {
			t.Errorf("%s: err = %v, problems %s, want %q", c.file, err, problemList(res.Problems), c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: output written despite the clash", c.file)
		}
	}
}
