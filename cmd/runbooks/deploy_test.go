package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/arcaapi/runbooks/internal/fixture"
	"go.yaml.in/yaml/v3"
)

// repoRoot is the repository, from this package's folder.
const repoRoot = "../.."

// netlifyConfig is the part of netlify.toml the deploy depends on.
type netlifyConfig struct {
	Build struct {
		Command     string            `toml:"command"`
		Publish     string            `toml:"publish"`
		Environment map[string]string `toml:"environment"`
	} `toml:"build"`
	Headers   []map[string]any `toml:"headers"`
	Redirects []map[string]any `toml:"redirects"`
}

// deploySite is a small tree with one alert, so a deploy writes every
// hosting file.
var deploySite = map[string]string{
	"README.md": "# Ops runbooks\n\nStart with [the pool runbook](db/pool.md).\n",
	"db/pool.md": "---\ntitle: Database pool exhausted\nseverity: SEV1\nowner: DB Team\nlast_updated: 2026-05-10\nalerts: [PgPoolExhausted]\n---\n" +
		"# Database pool exhausted\n\n## Symptoms\n## Impact\n## Prerequisites\n## Diagnosis\n## Resolution\n## Verification\n## Prevention\n## Related Runbooks\n",
}

// TestNetlifyConfig checks that netlify.toml builds this repository with its
// own command, into the folder Netlify publishes, with the Go of go.mod, and
// that the build writes the hosting files. It runs the configured command
// line, as Netlify would, for a deploy preview: in the base folder, with
// Netlify's variables.
func TestNetlifyConfig(t *testing.T) {
	var cfg netlifyConfig
	md, err := toml.DecodeFile(filepath.Join(repoRoot, "netlify.toml"), &cfg)
	if err != nil {
		t.Fatalf("netlify.toml: %v", err)
	}
	if keys := md.Undecoded(); len(keys) > 0 {
		t.Logf("netlify.toml keys this test does not check: %v", keys)
	}
	// One source of truth: headers and redirects come from the build.
	if len(cfg.Headers) > 0 || len(cfg.Redirects) > 0 {
		t.Errorf("netlify.toml has [[headers]] or [[redirects]]: the build writes _headers and _redirects; Netlify would merge the two")
	}
	goMod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(goMod)
	if goLine == nil {
		t.Fatal("go.mod has no go line")
	}
	if got := cfg.Build.Environment["GO_VERSION"]; got != string(goLine[1]) {
		t.Errorf("netlify.toml GO_VERSION = %q, go.mod says go %s", got, goLine[1])
	}

	if strings.ContainsAny(cfg.Build.Command, ";&|$`<>()\\\"'") {
		t.Fatalf("build command %q: keep it one plain command line", cfg.Build.Command)
	}
	args := strings.Fields(cfg.Build.Command)
	if len(args) < 4 || !slices.Equal(args[:4], []string{"go", "run", "./cmd/runbooks", "build"}) {
		t.Fatalf("build command %q does not run this repository's `go run ./cmd/runbooks build`", cfg.Build.Command)
	}
	args = args[3:] // "build" and its flags

	// The command's defaults, from its own help.
	var help bytes.Buffer
	run(context.Background(), env{stdout: &help, stderr: &help, getenv: func(string) string { return "" }}, []string{"build", "-h"})
	defaults := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+-(\w[\w-]*) .*\n.*\(default "([^"]*)"\)`).FindAllStringSubmatch(help.String(), -1) {
		defaults[m[1]] = m[2]
	}
	src, out := flagValue(args, "src", defaults["src"]), flagValue(args, "out", defaults["out"])
	if src == "" || out == "" {
		t.Fatalf("cannot tell --src and --out from the command and the help:\n%s", help.String())
	}
	if filepath.Clean(out) != filepath.Clean(cfg.Build.Publish) {
		t.Errorf("netlify.toml publishes %q, but the command builds into %q", cfg.Build.Publish, out)
	}

	work := t.TempDir()
	fixture.Write(t, filepath.Join(work, src), deploySite)
	t.Chdir(work)
	const preview = "https://deploy-preview-7--runbooks-example.netlify.app"
	vars := map[string]string{
		"HOME":             work,
		"NETLIFY":          "true",
		"CONTEXT":          "deploy-preview",
		"URL":              "https://runbooks.example.com",
		"DEPLOY_PRIME_URL": preview,
		"XDG_CACHE_HOME":   filepath.Join(work, ".cache"),
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), env{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}, args); code != 0 {
		t.Fatalf("%s: exit %d\n%s%s", cfg.Build.Command, code, stdout.String(), stderr.String())
	}
	published := filepath.Join(work, cfg.Build.Publish)
	index, err := os.ReadFile(filepath.Join(published, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `<link rel="canonical" href="` + preview + `/">`; !strings.Contains(string(index), want) {
		t.Errorf("a deploy preview's pages do not point at the preview's URL: no %s in index.html", want)
	}
	headers, err := os.ReadFile(filepath.Join(published, "_headers"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^/\*\n(  .*\n)*  Content-Security-Policy: default-src 'self'`).Match(headers) {
		t.Errorf("_headers does not give every path the strict Content-Security-Policy:\n%s", headers)
	}
	for _, name := range []string{"_redirects", "alerts/index.json"} {
		if _, err := os.Stat(filepath.Join(published, name)); err != nil {
			t.Errorf("the deploy lacks %s: %v", name, err)
		}
	}
}

// flagValue returns the value of flag name in args ("-out x", "--out=x"),
// or def when args do not set it.
func flagValue(args []string, name, def string) string {
	v := def
	for i := 0; i < len(args); i++ {
		a := strings.TrimPrefix(strings.TrimPrefix(args[i], "-"), "-")
		switch {
		case a == name && i+1 < len(args):
			v = args[i+1]
			i++
		case strings.HasPrefix(a, name+"="):
			v = strings.TrimPrefix(a, name+"=")
		}
	}
	return v
}

type workflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		If          string            `yaml:"if"`
		Needs       any               `yaml:"needs"`
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestPagesWorkflow checks the GitHub Pages workflow that docs/publishing.md
// describes: check with annotations on pull requests, build and deploy the
// build's output folder on main.
func TestPagesWorkflow(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, ".github/workflows/pages.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("pages.yml: %v", err)
	}
	push, _ := wf.On["push"].(map[string]any)
	branches, _ := push["branches"].([]any)
	if _, ok := wf.On["pull_request"]; !ok || !slices.Contains(branches, any("main")) {
		t.Errorf("pages.yml must run on pull requests and on pushes to main")
	}
	var checked, built, uploaded, deployed bool
	for name, job := range wf.Jobs {
		onPR := strings.Contains(job.If, "== 'pull_request'")
		for _, s := range job.Steps {
			run := strings.Join(strings.Fields(s.Run), " ")
			switch {
			case strings.Contains(run, "go run ./cmd/runbooks check") && strings.Contains(run, "--format github"):
				checked = onPR
			case strings.Contains(run, "go run ./cmd/runbooks build"):
				if strings.Contains(run, "--out") {
					t.Errorf("job %s: build with the default --out, the folder the upload step names", name)
				}
				built = !onPR && strings.Contains(run, "--base-url")
			case strings.HasPrefix(s.Uses, "actions/upload-pages-artifact@"):
				uploaded = s.With["path"] == "public"
			case strings.HasPrefix(s.Uses, "actions/deploy-pages@"):
				deployed = job.Needs != nil && job.Permissions["pages"] == "write" && job.Permissions["id-token"] == "write"
			}
		}
	}
	if !checked {
		t.Error("no `runbooks check --format github` job limited to pull requests")
	}
	if !built || !uploaded {
		t.Error("no job outside pull requests that builds with --base-url and uploads public/")
	}
	if !deployed {
		t.Error("no deploy-pages job after the build with pages: write and id-token: write")
	}
}
