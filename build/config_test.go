package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/internal/fixture"
)

// checkTree checks files as a source folder and returns the result.
func checkTree(t *testing.T, files map[string]string) build.Result {
	t.Helper()
	res, err := build.Check(context.Background(), build.Config{Src: fixture.Tree(t, files), Now: buildDate})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// buildConfigured builds files and returns the output folder, failing the
// test when the build fails.
func buildConfigured(t *testing.T, files map[string]string) (string, build.Result) {
	t.Helper()
	return buildTree(t, files, "")
}

func hasProblem(probs []diag.Problem, file string, line int, rule string) bool {
	for _, p := range probs {
		if p.File == file && p.Line == line && p.Rule == rule {
			return true
		}
	}
	return false
}

func TestConfigTitleAndURLs(t *testing.T) {
	out, _ := buildConfigured(t, map[string]string{
		"runbooks.toml": "title = \"Platform Runbooks\"\nbase_url = \"https://runbooks.example.com/team/\"\nedit_url = \"https://git.example.com/edit/main/\"\n",
		"README.md":     "# Home page title\n\nSee [guide](guide.md).\n",
		"guide.md":      "# Guide\n",
	})
	home := read(t, out, "index.html")
	if !strings.Contains(home, "<title>") || !strings.Contains(home, "Platform Runbooks") {
		t.Error("title from runbooks.toml is not the site's title")
	}
	if !strings.Contains(home, `href="/team/guide/"`) || !strings.Contains(home, `https://runbooks.example.com/team/`) {
		t.Error("base_url from runbooks.toml does not make absolute links")
	}
	if !strings.Contains(read(t, out, "guide/index.html"), "https://git.example.com/edit/main/guide.md") {
		t.Error("edit_url from runbooks.toml gives no edit link")
	}
	if _, err := os.Stat(filepath.Join(out, "runbooks.toml")); err == nil {
		t.Error("runbooks.toml was published")
	}
}

// TestConfigFlagsWin: --base-url and --edit-url override the file.
func TestConfigOfflineAndChecklistExpiry(t *testing.T) {
	files := map[string]string{
		"README.md": "# Home\n",
		"db.md":     "# DB\n\n- [ ] Look at the pool\n",
	}
	out, _ := buildConfigured(t, files)
	if _, err := os.Stat(filepath.Join(out, "sw.js")); err != nil {
		t.Errorf("by default the site has no service worker: %v", err)
	}
	if page := read(t, out, "db/index.html"); !strings.Contains(page, `data-worker="../sw.js"`) || strings.Contains(page, "data-tick-expiry") {
		t.Error("by default a page does not register the worker, or names a tick expiry of its own")
	}

	files["runbooks.toml"] = "offline = false\nchecklist_expiry = \"72h\"\n"
	out, _ = buildConfigured(t, files)
	if _, err := os.Stat(filepath.Join(out, "sw.js")); err == nil {
		t.Error("offline = false: the site still has sw.js")
	}
	page := read(t, out, "db/index.html")
	if strings.Contains(page, "data-worker") {
		t.Error("offline = false: the page still registers a service worker")
	}
	if !strings.Contains(page, `data-tick-expiry="259200"`) {
		t.Error(`checklist_expiry = "72h": the page does not keep ticks 259,200 seconds`)
	}
}

func TestConfigFlagsWin(t *testing.T) {
	src := fixture.Tree(t, map[string]string{
		"runbooks.toml": "base_url = \"https://file.example/\"\nedit_url = \"https://file.example/edit/\"\n",
		"README.md":     "# Home\n\n[g](guide.md)\n",
		"guide.md":      "# Guide\n",
	})
	cfg, err := build.Configure(build.Config{Src: src, BaseURL: "https://flag.example/", EditURL: "https://flag.example/edit/"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BaseURL != "https://flag.example/" || cfg.EditURL != "https://flag.example/edit/" {
		t.Errorf("flags lost to the file: %q %q", cfg.BaseURL, cfg.EditURL)
	}
}

func TestConfigFileFlag(t *testing.T) {
	src := fixture.Tree(t, map[string]string{"README.md": "# Home\n\n[x](missing.md)\n"})
	conf := filepath.Join(t.TempDir(), "ci.toml")
	if err := os.WriteFile(conf, []byte("[rules]\nbroken-link = \"off\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := build.Check(context.Background(), build.Config{Src: src, ConfigFile: conf, Now: buildDate})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 || res.Lowered != 1 {
		t.Errorf("--config file not applied: %v, lowered %d", res.Problems, res.Lowered)
	}
	_, err = build.Check(context.Background(), build.Config{Src: src, ConfigFile: conf + ".missing", Now: buildDate})
	if err == nil || !strings.Contains(err.Error(), "--config") {
		t.Errorf("a missing --config file: err = %v", err)
	}
}

// TestConfigErrorsStopBuildAndCheck: an unknown key is a positioned error
// that check reports and build refuses on.
func TestConfigErrorsStopBuildAndCheck(t *testing.T) {
	files := map[string]string{
		"runbooks.toml": "title = \"x\"\n\nexlude = [\"a\"]\n",
		"README.md":     "# Home\n",
	}
	res := checkTree(t, files)
	if len(res.Problems) != 1 || res.Problems[0].String() != `runbooks.toml:3:1: error: unknown key "exlude" (did you mean "exclude"?) [config]` {
		t.Fatalf("check: %v", res.Problems)
	}
	src := fixture.Tree(t, files)
	_, err := build.Build(context.Background(), build.Config{Src: src, Out: filepath.Join(t.TempDir(), "public"), Now: buildDate, NoCache: true})
	if !errors.Is(err, build.ErrContent) {
		t.Errorf("build with a bad runbooks.toml: err = %v", err)
	}
}

func TestConfigExclude(t *testing.T) {
	files := map[string]string{
		"runbooks.toml":        "exclude = [\"CONTRIBUTING.md\", \"vendor/**\", \"**/*.draft.md\"]\n",
		"README.md":            "# Home\n",
		"CONTRIBUTING.md":      "# Contributing\n\n[broken](nowhere.md)\n",
		"vendor/lib/README.md": "# Vendored\n\n[broken](nowhere.md)\n",
		"db/next.draft.md":     "# Draft\n\n[broken](nowhere.md)\n",
		"db/pool.md":           "# Pool\n",
	}
	res := checkTree(t, files)
	if len(res.Problems) != 0 || res.Pages != 2 {
		t.Errorf("excluded files were checked: %d pages, %v", res.Pages, res.Problems)
	}
	out, _ := buildConfigured(t, files)
	for _, gone := range []string{"CONTRIBUTING/index.html", "vendor/lib/index.html", "db/next.draft/index.html"} {
		if _, err := os.Stat(filepath.Join(out, gone)); err == nil {
			t.Errorf("%s was built", gone)
		}
	}
}

func TestConfigRuleLevels(t *testing.T) {
	files := map[string]string{
		"runbooks.toml": "[rules]\nbroken-link = \"warning\"\nempty-link = \"off\"\nmissing-metadata = \"error\"\n",
		"README.md":     "# Home\n\n[gone](gone.md) and [empty]()\n",
		"api.md":        "---\nseverity: SEV1\n---\n# API\n" + sections,
	}
	res := checkTree(t, files)
	want := map[string]diag.Severity{"broken-link": diag.Warning, "missing-metadata": diag.Error}
	if len(res.Problems) != 2 {
		t.Fatalf("problems: %v", res.Problems)
	}
	for _, p := range res.Problems {
		if want[p.Rule] != p.Severity {
			t.Errorf("%s is %s, want %s", p, p.Severity, want[p.Rule])
		}
	}
	if res.Lowered != 2 {
		t.Errorf("lowered = %d, want 2 (the broken link made a warning, the empty link silenced)", res.Lowered)
	}
	// Lowered, the errors no longer stop the build.
	delete(files, "api.md")
	buildConfigured(t, files)
}

func TestConfigSeverityAliases(t *testing.T) {
	res := checkTree(t, map[string]string{
		"runbooks.toml": "[severity]\nP1 = \"SEV1\"\n",
		"a.md":          "---\nseverity: P1\nowner: x\nlast_updated: 2026-11-20\n---\n# A\n" + sections,
		"b.md":          "---\nseverity: critical\nowner: x\nlast_updated: 2026-11-20\n---\n# B\n" + sections,
		"c.md":          "---\nseverity: P9\nowner: x\nlast_updated: 2026-11-20\n---\n# C\n" + sections,
	})
	for _, p := range res.Site.Pages {
		if p.Path != "c.md" && p.Meta.Severity != "SEV1" {
			t.Errorf("%s: severity %q, want SEV1", p.Path, p.Meta.Severity)
		}
	}
	if len(res.Problems) != 1 || !hasProblem(res.Problems, "c.md", 2, "invalid-metadata") {
		t.Errorf("problems: %v", res.Problems)
	}
}

func TestConfigHeadingIDs(t *testing.T) {
	page := "# Retry\n\n## Retries + Fails\n\nSee [below](#retries-fails).\n"
	gitlab := checkTree(t, map[string]string{"runbooks.toml": "heading_ids = \"gitlab\"\n", "a.md": page})
	if len(gitlab.Problems) != 0 {
		t.Errorf("gitlab ids: %v", gitlab.Problems)
	}
	github := checkTree(t, map[string]string{"a.md": page})
	if !hasProblem(github.Problems, "a.md", 5, "broken-anchor") {
		t.Errorf("github ids: the GitLab anchor passed: %v", github.Problems)
	}
}

func TestConfigURLsLower(t *testing.T) {
	out, _ := buildConfigured(t, map[string]string{
		"runbooks.toml":         "urls = \"lower\"\n",
		"README.md":             "# Home\n\n[down](Alerts/KubeAPIDown.md#fix)\n",
		"Alerts/KubeAPIDown.md": "# KubeAPIDown\n\n## Fix\n",
	})
	if _, err := os.Stat(filepath.Join(out, "alerts/kubeapidown/index.html")); err != nil {
		t.Fatalf("no lowercase URL: %v", err)
	}
	if !strings.Contains(read(t, out, "index.html"), `href="alerts/kubeapidown/index.html#fix"`) {
		t.Error("the link does not lead to the lowercase URL")
	}
}

func TestDisableComments(t *testing.T) {
	res := checkTree(t, map[string]string{
		"README.md": "# Home\n\n<!-- runbooks-disable-next-line broken-link -->\n[gone](gone.md)\n\n" +
			"<!-- runbooks-disable-next-line broken-link -->\nNothing broken here.\n\n" +
			"```html\n<!-- runbooks-disable-next-line -->\n```\n[gone too](gone2.md)\n\n" +
			"<!-- runbooks-disable-next-line -->\n[any rule](gone3.md)\n",
	})
	if len(res.Problems) != 2 {
		t.Fatalf("problems: %s", problemList(res.Problems))
	}
	if !hasProblem(res.Problems, "README.md", 6, "unused-disable") || res.Problems[0].Severity != diag.Warning {
		t.Errorf("unused disable comment not reported: %s", problemList(res.Problems))
	}
	if !hasProblem(res.Problems, "README.md", 12, "broken-link") {
		t.Errorf("a comment inside a code block silenced a problem: %s", problemList(res.Problems))
	}
	if res.Lowered != 2 {
		t.Errorf("lowered = %d, want 2", res.Lowered)
	}
}

// TestLockFileRemoved: no .runbooks-prev-*.lock is left beside the output
// when a build ends, whether it succeeded or failed.
func TestLockFileRemoved(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"success": {"README.md": "# Home\n"},
		"failure": {"README.md": "# Home\n\n[x](missing.md)\n"},
	} {
		src := fixture.Tree(t, files)
		parent := t.TempDir()
		_, _ = build.Build(context.Background(), build.Config{Src: src, Out: filepath.Join(parent, "public"), Now: buildDate, NoCache: true})
		locks, _ := filepath.Glob(filepath.Join(parent, ".runbooks-prev-*.lock"))
		if len(locks) > 0 {
			t.Errorf("%s: lock files left: %v", name, locks)
		}
	}
}

// TestAlertsFromFileNames: with alerts_from = "filename", pages under
// alerts/ claim their names, and two claims that differ only by case are
// one positioned error.
func TestAlertsFromFileNames(t *testing.T) {
	res := checkTree(t, map[string]string{
		"runbooks.toml":               "alerts_from = \"filename\"\n",
		"alerts/etcd/etcdNoLeader.md": "# etcdNoLeader\n",
		"alerts/kube/KubeAPIDown.md":  "# KubeAPIDown\n",
		"alerts/other/kubeapidown.md": "# kubeapidown\n",
		"docs/KubeletDown.md":         "# not under alerts/\n",
	})
	var claimed []string
	for _, p := range res.Site.Pages {
		claimed = append(claimed, p.Meta.Alerts...)
	}
	if strings.Join(claimed, ",") != "etcdNoLeader,KubeAPIDown,kubeapidown" {
		t.Errorf("claimed %v", claimed)
	}
	if len(res.Problems) != 1 || !hasProblem(res.Problems, "alerts/other/kubeapidown.md", 1, "duplicate-alert") {
		t.Errorf("problems: %s", problemList(res.Problems))
	}
}

// TestSuggestionsPassTheCheck: a suggestion keeps a fragment only when the
// page it names has that heading.
func TestSuggestionsPassTheCheck(t *testing.T) {
	res := checkTree(t, map[string]string{
		"README.md": "# Home\n\n[a](gide.md#zzzz-qqqq)\n",
		"guide.md":  "# Guide\n\n## Install\n",
	})
	if len(res.Problems) != 1 || res.Problems[0].Suggestion != "guide.md" {
		t.Errorf("problems: %s", problemList(res.Problems))
	}
}
