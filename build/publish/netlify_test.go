package publish_test

import (
	"bytes"
	"github.com/arcaapi/runbooks/internal/fixture"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/publish"
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

// TestNetlifyConfig checks that netlify.toml builds this repository with its
// own command, into the folder Netlify publishes, with the Go of go.mod, and
// that the build writes strict response headers. It runs the configured
// command line, as Netlify would, in a deploy preview.
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
		t.Errorf("netlify.toml has [[headers]] or [[redirects]]: the build writes %s and %s; Netlify would merge the two", publish.HeadersFile, alerts.RedirectsFile)
	}

	goMod := readFile(t, filepath.Join(repoRoot, "go.mod"))
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(goMod)
	if goLine == nil {
		t.Fatal("go.mod has no go line")
	}
	if got := cfg.Build.Environment["GO_VERSION"]; got != goLine[1] {
		t.Errorf("netlify.toml GO_VERSION = %q, go.mod says go %s", got, goLine[1])
	}

	if strings.ContainsAny(cfg.Build.Command, ";&|$`<>()\\\"'") {
		t.Fatalf("build command %q: keep it one plain command line", cfg.Build.Command)
	}
	args := strings.Fields(cfg.Build.Command)
	if len(args) < 4 || !slices.Equal(args[:4], []string{"go", "run", "./cmd/runbooks", "build"}) {
		t.Fatalf("build command %q does not run this repository's `go run ./cmd/runbooks build`", cfg.Build.Command)
	}
	args = args[4:]

	bin := filepath.Join(t.TempDir(), "runbooks")
	gobuild := exec.Command("go", "build", "-o", bin, "./cmd/runbooks")
	gobuild.Dir = repoRoot
	if out, err := gobuild.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/runbooks: %v\n%s", err, out)
	}

	// The CLI's defaults, from its own help.
	help, _ := exec.Command(bin, "build", "-h").Output()
	defaults := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s+-(\w[\w-]*) .*\n.*\(default "([^"]*)"\)`).FindAllSubmatch(help, -1) {
		defaults[string(m[1])] = string(m[2])
	}
	src, out := flagValue(args, "src", defaults["src"]), flagValue(args, "out", defaults["out"])
	if src == "" || out == "" {
		t.Fatalf("cannot tell --src and --out from the command and the help:\n%s", help)
	}
	if filepath.Clean(out) != filepath.Clean(cfg.Build.Publish) {
		t.Errorf("netlify.toml publishes %q, but the command builds into %q", cfg.Build.Publish, out)
	}

	// Run the command line as Netlify runs it for a deploy preview: in the
	// repository's base folder, with Netlify's variables.
	work := t.TempDir()
	fixture.Write(t, filepath.Join(work, src), smallSite)
	const preview = "https://deploy-preview-7--runbooks-example.netlify.app"
	cmd := exec.Command(bin, append([]string{"build"}, args...)...)
	cmd.Dir = work
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + work,
		"NETLIFY=true",
		"CONTEXT=deploy-preview",
		"URL=https://runbooks.example.com",
		"DEPLOY_PRIME_URL=" + preview,
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", cfg.Build.Command, err, stderr.String())
	}
	published := filepath.Join(work, cfg.Build.Publish)
	index := readFile(t, filepath.Join(published, "index.html"))
	if want := `<link rel="canonical" href="` + preview + `/">`; !strings.Contains(index, want) {
		t.Errorf("a deploy preview's pages do not point at the preview's URL: no %s in index.html", want)
	}
	rules := parseHeaders(t, readFile(t, filepath.Join(published, publish.HeadersFile)))
	for _, p := range []string{"/", "/db/pool/", "/404.html"} {
		checkSecurityHeaders(t, p, headersFor(rules, p))
	}
	if _, err := os.Stat(filepath.Join(published, alerts.RedirectsFile)); err != nil {
		t.Errorf("no alert redirects in the published folder: %v", err)
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
