package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/arcaapi/runbooks/internal/fixture"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// runCheckCmd runs the command line in-process with the environment vars and
// returns the exit code, stdout and stderr.
func runCheckCmd(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if vars == nil {
		vars = map[string]string{}
	}
	if _, ok := vars["SOURCE_DATE_EPOCH"]; !ok {
		vars["SOURCE_DATE_EPOCH"] = "1780315200" // 2026-06-01
	}
	code := run(context.Background(), env{stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}, args)
	return code, out.String(), errb.String()
}

const checkRunbook = `---
title: API down
severity: SEV1
type: incident
owner: Platform
last_updated: 2026-05-01
alerts: [ApiDown]
---
# Runbook: API down

## Symptoms
## Impact
## Prerequisites
## Diagnosis
## Resolution
## Verification
## Prevention
## Related Runbooks

See [the pool](db/pool.md#drain).
`

func checkSite(t *testing.T, extra map[string]string) string {
	files := map[string]string{
		"runbooks/README.md":   "# Runbooks\n\n[API down](api-down.md)\n",
		"runbooks/api-down.md": checkRunbook,
		"runbooks/db/pool.md":  "# Pool\n\n## Drain\n",
	}
	for k, v := range extra {
		files[k] = v
	}
	return fixture.Tree(t, files)
}

func TestCheckExitCodes(t *testing.T) {
	clean := filepath.Join(checkSite(t, nil), "runbooks")
	broken := filepath.Join(checkSite(t, map[string]string{"runbooks/db/pool.md": "# Pool\n"}), "runbooks")
	warned := filepath.Join(checkSite(t, map[string]string{"runbooks/db/pool.md": "# Pool\n\n## Drain\n\n```bash\nls\n"}), "runbooks")
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // a part of stdout
		err  string // a part of stderr
	}{
		{"clean", []string{"check", "--src", clean}, 0, "0 errors, 0 warnings in 3 files\n", ""},
		{"error", []string{"check", "--src", broken}, 1, `api-down.md:20:5: error: broken link "db/pool.md#drain": no heading "drain" in db/pool.md [broken-anchor]`, ""},
		{"warning", []string{"check", "--src", warned}, 0, "0 errors, 1 warning in 3 files", ""},
		{"strict", []string{"check", "--strict", "--src", warned}, 1, "[unclosed-fence]", ""},
		{"missing folder", []string{"check", "--src", filepath.Join(clean, "nope")}, 2, "", "folder here; pass --src DIR (see runbooks help build)"},
		{"bad flag", []string{"check", "--nope"}, 2, "", "flag provided but not defined"},
		{"stray argument", []string{"check", "--src", clean, "extra"}, 2, "", `unexpected argument "extra"`},
		{"bad format", []string{"check", "--src", clean, "--format", "xml"}, 2, "", `unknown format "xml"`},
		{"help", []string{"check", "-h"}, 0, "--alert-rules", ""},
		{"rules without base", []string{"check", "--src", clean, "--alert-rules", clean}, 2, "", "--alert-rules needs --base-url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCheckCmd(t, nil, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.out) || !strings.Contains(errs, tc.err) {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errs)
			}
		})
	}
}

func TestCheckFormats(t *testing.T) {
	dir := checkSite(t, map[string]string{"runbooks/db/pool.md": "# Pool\n"})
	src := filepath.Join(dir, "runbooks")
	t.Chdir(dir)

	// Text: the path as the user named the source folder, then line:col.
	_, out, _ := runCheckCmd(t, nil, "check", "--src", "runbooks")
	if want := "runbooks/api-down.md:20:5: error: broken link \"db/pool.md#drain\": no heading \"drain\" in db/pool.md [broken-anchor]\n1 error, 0 warnings in 3 files\n"; out != want {
		t.Errorf("text:\n%s\nwant:\n%s", out, want)
	}

	// GitHub: chosen by GITHUB_ACTIONS=true when no --format is given.
	for _, args := range [][]string{{"--format", "github"}, nil} {
		code, out, _ := runCheckCmd(t, map[string]string{"GITHUB_ACTIONS": "true"}, append([]string{"check", "--src", "runbooks"}, args...)...)
		if want := "::error file=runbooks/api-down.md,line=20,col=5,title=runbooks broken-anchor::broken link"; code != 1 || !strings.HasPrefix(out, want) {
			t.Errorf("github %v: exit %d\n%s", args, code, out)
		}
	}
	// --format wins over GITHUB_ACTIONS.
	if _, out, _ := runCheckCmd(t, map[string]string{"GITHUB_ACTIONS": "true"}, "check", "--src", src, "--format", "text"); strings.HasPrefix(out, "::") {
		t.Errorf("--format text under GitHub Actions:\n%s", out)
	}

	// JSON: paths relative to --src.
	code, out, _ := runCheckCmd(t, nil, "check", "--src", src, "--format", "json")
	var doc struct {
		Problems []struct {
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Severity string `json:"severity"`
			Rule     string `json:"rule"`
			Target   string `json:"target"`
		} `json:"problems"`
		Summary struct{ Errors, Warnings, Files int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	p := doc.Problems[0]
	if len(doc.Problems) != 1 || p.File != "api-down.md" || p.Line != 20 || p.Column != 5 || p.Severity != "error" || p.Rule != "broken-anchor" || p.Target != "db/pool.md#drain" {
		t.Errorf("problems: %+v", doc.Problems)
	}
	if doc.Summary.Errors != 1 || doc.Summary.Files != 3 {
		t.Errorf("summary: %+v", doc.Summary)
	}
}

const checkRulesYAML = `groups:
  - name: api
    rules:
      - alert: ApiDown
        annotations:
          runbook_url: https://runbooks.example.com/alerts/apidown/
      - alert: ApiSlow
        annotations:
          runbook_url: https://runbooks.example.com/alerts/apislow/
`

func TestCheckAlertRules(t *testing.T) {
	dir := checkSite(t, map[string]string{"ops/prometheus/api.rules.yml": checkRulesYAML})
	t.Chdir(dir)
	code, out, errs := runCheckCmd(t, nil, "check", "--src", "runbooks", "--alert-rules", "ops/prometheus", "--base-url", "https://runbooks.example.com/")
	want := "ops/prometheus/api.rules.yml:9:24: error: runbook_url of alert ApiSlow: no runbook lists alert \"apislow\" in its alerts [alert-runbook-url]\n" +
		"1 error, 0 warnings in 4 files\n"
	if code != 1 || out != want {
		t.Errorf("exit %d\n%s%s\nwant:\n%s", code, out, errs, want)
	}
	// Netlify's URL is the base URL when none is given.
	netlify := map[string]string{"NETLIFY": "true", "CONTEXT": "production", "URL": "https://runbooks.example.com"}
	if code, out, errs := runCheckCmd(t, netlify, "check", "--src", "runbooks", "--alert-rules", "ops/prometheus/api.rules.yml"); code != 1 || !strings.Contains(out, "[alert-runbook-url]") {
		t.Errorf("netlify: exit %d\n%s%s", code, out, errs)
	}
	// Another site's runbook_url is none of this check's business.
	if code, out, errs := runCheckCmd(t, nil, "check", "--src", "runbooks", "--alert-rules", "ops/prometheus", "--base-url", "https://other.example.com/"); code != 0 || !strings.Contains(out, "0 errors, 0 warnings in 4 files") {
		t.Errorf("other site: exit %d\n%s%s", code, out, errs)
	}
	// No rules at all is a mistake in the command line.
	if code, _, errs := runCheckCmd(t, nil, "check", "--src", "runbooks", "--alert-rules", "runbooks", "--base-url", "https://runbooks.example.com/"); code != 2 || !strings.Contains(errs, "no alerting rules") {
		t.Errorf("no rules: exit %d %s", code, errs)
	}
}

func TestCheckExternal(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path != "/ok" {
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := checkSite(t, map[string]string{"runbooks/db/pool.md": "# Pool\n\n## Drain\n\n<" + srv.URL + "/gone> and [ok](" + srv.URL + "/ok)\n"})
	src := filepath.Join(dir, "runbooks")
	cache := filepath.Join(t.TempDir(), "external.json")

	// Offline by default: the broken external link is not even asked for.
	if code, _, _ := runCheckCmd(t, nil, "check", "--src", src); code != 0 || requests.Load() != 0 {
		t.Fatalf("without --external: exit %d, %d requests", code, requests.Load())
	}
	// The test server is on 127.0.0.1: refused unless allowed, before any
	// request is sent.
	code, out, errs := runCheckCmd(t, nil, "check", "--src", src, "--external", "--external-cache", cache)
	if code != 0 || requests.Load() != 0 || !strings.Contains(out, `could not be confirmed: refused: 127.0.0.1 is a loopback address`) {
		t.Errorf("without --external-allow-private: exit %d, %d requests\n%s%s", code, requests.Load(), out, errs)
	}
	code, out, errs = runCheckCmd(t, nil, "check", "--src", src, "--external", "--external-allow-private", "--external-cache", cache)
	if code != 1 || !strings.Contains(out, `db/pool.md:5:1: error: broken link "`+srv.URL+`/gone": 404 Not Found [broken-external-link]`) {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	// The rerun takes both answers from the cache.
	before := requests.Load()
	if code, _, _ := runCheckCmd(t, nil, "check", "--src", src, "--external", "--external-allow-private", "--external-cache", cache); code != 1 || requests.Load() != before {
		t.Errorf("rerun: exit %d, %d new requests", code, requests.Load()-before)
	}
}

// TestCheckTerminalEscapes checks a page whose links decode to terminal
// escapes: the report must not retitle or clear the terminal, and a
// decoded newline must not fake a clean summary before the real one.
func TestCheckTerminalEscapes(t *testing.T) {
	dir := fixture.Tree(t, map[string]string{
		"runbooks/README.md": "# Home\n\n[x](%1b]0;PWNED%07%1b[2J.md)\n\n" +
			"[y](%0a0%20errors,%200%20warnings%20in%201%20file%0a%1b[8m.md)\n",
	})
	for _, format := range []string{"text", "github"} {
		code, out, _ := runCheckCmd(t, nil, "check", "--src", filepath.Join(dir, "runbooks"), "--format", format)
		if code != 1 || strings.ContainsAny(out, "\x1b\x07\r") {
			t.Errorf("%s: exit %d, control characters in the report:\n%q", format, code, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 3 || lines[2] != "2 errors, 0 warnings in 1 file" || strings.HasPrefix(lines[1], "0 errors") {
			t.Errorf("%s: want two problem lines and the real summary:\n%s", format, out)
		}
	}
}
