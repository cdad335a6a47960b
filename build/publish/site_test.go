package publish_test

import (
	"bufio"
	"context"
	"github.com/arcaapi/runbooks/internal/fixture"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
)

// now is the build date of the test sites.
var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

const hostileTitle = `</script><script>alert(1)</script> & "quotes"`

// incidentBody has every section of the incident template.
const incidentBody = `
## Symptoms

Requests are slow.

## Impact

Users wait.

## Prerequisites

Access to the cluster.

## Diagnosis

Look at the dashboard.

## Resolution

Restart it.

## Verification

It is fast again.

## Prevention

Add capacity.

## Related Runbooks

None yet.
`

// smallSite is a small runbook tree: runbooks with alerts (in mixed case),
// a maintenance procedure overdue for review, a plain page and the index.
var smallSite = map[string]string{
	"README.md": "# Ops runbooks\n\nStart with [the pool runbook](db/pool.md).\n",
	"db/pool.md": `---
title: Database pool exhausted
severity: SEV1
type: incident
owner: DB Team
last_updated: 2026-05-10
alerts:
  - PgPoolExhausted
  - pgbouncerWaiting
---

# Runbook: Database pool exhausted
` + incidentBody,
	"api/latency.md": `---
title: '` + hostileTitle + `'
severity: SEV2
type: incident
owner: API Team
last_updated: 2026-04-01
review_every: 30
alerts: [ApiLatencyHigh]
---

# Runbook: latency
` + incidentBody,
	"maintenance/rotate.md": `---
title: Rotate certificates
type: maintenance
owner: Platform Team
last_updated: 2025-01-01
---

# Rotate certificates

## Procedure

Rotate them.

## Verification

Check them.

## Rollback

Put the old ones back.
`,
	"guide.md": "# Writing guide\n\nPlain page.\n",
}

// buildSite builds files with the base URL into a new folder and returns
// the output folder and the build's result.
func buildSite(t testing.TB, files map[string]string, baseURL string) (string, build.Result, error) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "runbooks")
	fixture.Write(t, src, files)
	out := filepath.Join(dir, "public")
	res, err := build.Build(context.Background(), build.Config{Src: src, Out: out, BaseURL: baseURL, Now: now, NoCache: true})
	return out, res, err
}

// mustBuild builds files and fails the test on any error.
func mustBuild(t testing.TB, files map[string]string, baseURL string) string {
	t.Helper()
	out, res, err := buildSite(t, files, baseURL)
	if err != nil {
		for _, p := range res.Problems {
			t.Log(p)
		}
		t.Fatalf("build: %v", err)
	}
	return out
}

func readFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// headerRule is a rule of a _headers file.
type headerRule struct {
	path    string
	headers [][2]string // name, value
}

func (r headerRule) matches(p string) bool {
	if prefix, ok := strings.CutSuffix(r.path, "*"); ok {
		return strings.HasPrefix(p, prefix)
	}
	return p == r.path
}

// parseHeaders parses a _headers file the way Netlify and Cloudflare Pages
// document it: a line starting with "/" opens a rule, indented "Name: value"
// lines belong to it, "#" lines are comments.
func parseHeaders(t testing.TB, text string) []headerRule {
	t.Helper()
	var rules []headerRule
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(line, "/"):
			rules = append(rules, headerRule{path: trimmed})
		case line != trimmed && len(rules) > 0:
			name, value, ok := strings.Cut(trimmed, ":")
			if !ok || strings.TrimSpace(name) == "" || strings.TrimSpace(value) == "" {
				t.Fatalf("_headers:%d: not a header: %q", n, line)
			}
			r := &rules[len(rules)-1]
			r.headers = append(r.headers, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
		default:
			t.Fatalf("_headers:%d: neither a path nor an indented header: %q", n, line)
		}
	}
	return rules
}

// headersFor returns the headers the rules give a request path, joining the
// values of a header set by several rules with ", " as Cloudflare Pages
// does, so a test sees the clash.
func headersFor(rules []headerRule, p string) map[string]string {
	h := map[string]string{}
	for _, r := range rules {
		if !r.matches(p) {
			continue
		}
		for _, kv := range r.headers {
			if old, ok := h[kv[0]]; ok {
				h[kv[0]] = old + ", " + kv[1]
			} else {
				h[kv[0]] = kv[1]
			}
		}
	}
	return h
}

// siteFiles lists the files of a built site as slash paths.
func siteFiles(t testing.TB, out string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		if !strings.HasPrefix(d.Name(), ".runbooks") {
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}
