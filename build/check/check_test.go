package check_test

import (
	"context"
	"fmt"
	"github.com/arcaapi/runbooks/internal/fixture"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
)

// buildDate is the build date of every fixture: reviews are due against it.
var buildDate = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// checkTree runs the whole check stage on files, as `runbooks check` does.
func checkTree(t *testing.T, files map[string]string, baseURL string) []diag.Problem {
	t.Helper()
	res, err := build.Check(context.Background(), build.Config{Src: fixture.Tree(t, files), Now: buildDate, BaseURL: baseURL, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.Problems
}

// short formats what a test asserts about a problem: where, how bad, which
// rule, the target as written and the suggestion.
func short(p diag.Problem) string {
	s := fmt.Sprintf("%s:%d:%d %s %s", p.File, p.Line, p.Col, p.Severity, p.Rule)
	if p.Target != "" {
		s += fmt.Sprintf(" %q", p.Target)
	}
	if p.Suggestion != "" {
		s += " => " + p.Suggestion
	}
	return s
}

// assertProblems asserts the exact set of problems: none missing, none
// extra.
func assertProblems(t *testing.T, got []diag.Problem, want []string) {
	t.Helper()
	var g []string
	for _, p := range got {
		g = append(g, short(p))
	}
	for _, w := range want {
		if i := slices.Index(g, w); i >= 0 {
			g = slices.Delete(g, i, i+1) // each expected problem matches once
		} else {
			t.Errorf("missing problem: %s", w)
		}
	}
	for _, s := range g {
		for _, p := range got {
			if short(p) == s {
				t.Errorf("unexpected problem: %s", p)
				break
			}
		}
	}
}

// linkSite is a small site whose page a.md has links of every kind.
var linkSite = map[string]string{
	"README.md": "# Home\n\n[A](a.md)\n",
	"api-down.md": `# API Down

## Step 2: Identify Root Cause

## Notes

## Notes

## Zz

## Custom {#custom-id}

## Step 3: Find Slow Database Queries
`,
	"db/README.md":      "# Database\n",
	"db/pool.md":        "# Pool\n\n## Drain\n",
	"empty/notes.txt":   "no index here\n",
	"img/logo.png":      "png",
	"my notes.md":       "# My notes\n",
	"runbooks/moved.md": "# Moved\n",
	"a.md": `---
title: A
---

# A

[ok](api-down.md) [ok](api-down.md#notes-1) [ok](api-down.md#custom-id) [ok](./api-down.md#zz)
[missing](nope.md)
[anchor](api-down.md#step-2)
[same](#a) [same-bad](#nope) [top](#top) [hash](#)
[case](API-Down.md) [case-anchor](API-Down.md#Notes)
[folder](db/) [folder](db) [folder](db/#database) [noindex](empty/)
[escape](../x.md) [close](api-dwn.md#notes)
![img](img/logo.png) ![bad](img/logo.jpg)
[enc](my%20notes.md) [ref][r] <https://example.com/x> [mail](mailto:a@b.c) [tel](tel:+5411) a@b.com
[empty]() [angle](<my notes.md>) [angle](<my notes.md#my-notes>) [angle](<my notes.md#nope>)
[z](api-down.md#z) [moved](moved.md) [page](db/pool) [html](db/pool.html) [folder case](DB/)
[![logo](img/logo.png)](api-down.md#nope)
[pool](db/pool.md#drain) [file](empty/notes.txt#L3) [q](api-down.md?x=1#notes) [slow](api-down.md#step-3-find-slow-queries)

[r]: nope2.md
`,
	"db/pool-links.md": `# Pool links

[up](../api-down.md) [up-bad](../api-dwn.md) [root](../) [root](..) [self](pool.md#drian) [escape](../../x.md)
![up](../img/logo.png) ![up](../img/logo.jpeg)
`,
}

func TestLinks(t *testing.T) {
	got := checkTree(t, linkSite, "")
	assertProblems(t, got, []string{
		`a.md:8:1 error broken-link "nope.md"`,
		`a.md:9:1 error broken-anchor "api-down.md#step-2" => api-down.md#step-2-identify-root-cause`,
		`a.md:10:12 error broken-anchor "#nope"`,
		`a.md:11:1 error case-mismatch "API-Down.md" => api-down.md`,
		`a.md:11:21 error case-mismatch "API-Down.md#Notes" => api-down.md#notes`,
		`a.md:12:51 error folder-without-index "empty/"`,
		`a.md:13:1 error link-escapes-root "../x.md"`,
		`a.md:13:19 error broken-link "api-dwn.md#notes" => api-down.md#notes`,
		`a.md:14:22 error broken-image "img/logo.jpg" => img/logo.png`,
		`a.md:15:22 error broken-link "nope2.md"`,
		`a.md:16:1 warning empty-link`,
		`a.md:16:66 error broken-anchor "my notes.md#nope"`,
		`a.md:17:1 error broken-anchor "api-down.md#z" => api-down.md#zz`,
		`a.md:17:20 error broken-link "moved.md" => runbooks/moved.md`,
		`a.md:17:38 error broken-link "db/pool" => db/pool.md`,
		`a.md:17:54 error broken-link "db/pool.html" => db/pool.md`,
		`a.md:17:75 error case-mismatch "DB/" => db/`,
		`a.md:18:1 error broken-anchor "api-down.md#nope"`,
		`a.md:19:80 error broken-anchor "api-down.md#step-3-find-slow-queries" => api-down.md#step-3-find-slow-database-queries`,
		`db/pool-links.md:3:22 error broken-link "../api-dwn.md" => ../api-down.md`,
		`db/pool-links.md:3:69 error broken-anchor "pool.md#drian" => pool.md#drain`,
		`db/pool-links.md:3:91 error link-escapes-root "../../x.md"`,
		`db/pool-links.md:4:24 error broken-image "../img/logo.jpeg" => ../img/logo.png`,
	})
}

func TestMessages(t *testing.T) {
	got := checkTree(t, linkSite, "")
	want := []string{
		`a.md:9:1: error: broken link "api-down.md#step-2": no heading "step-2" in api-down.md (did you mean "api-down.md#step-2-identify-root-cause"?) [broken-anchor]`,
		`a.md:10:12: error: broken link "#nope": no heading "nope" in this page [broken-anchor]`,
		`a.md:8:1: error: broken link "nope.md": nope.md does not exist [broken-link]`,
		`a.md:11:1: error: broken link "API-Down.md": the file is api-down.md: static hosting is case-sensitive (did you mean "api-down.md"?) [case-mismatch]`,
		`a.md:12:51: error: broken link "empty/": folder empty has no index page (README.md, index.md or _index.md) [folder-without-index]`,
		`a.md:13:1: error: broken link "../x.md": it leads out of the source folder [link-escapes-root]`,
		`a.md:14:22: error: broken image "img/logo.jpg": img/logo.jpg does not exist (did you mean "img/logo.png"?) [broken-image]`,
		`a.md:16:1: warning: link has no target [empty-link]`,
	}
	var all []string
	for _, p := range got {
		all = append(all, p.String())
	}
	for _, w := range want {
		if !slices.Contains(all, w) {
			t.Errorf("missing %s\nin\n%s", w, strings.Join(all, "\n"))
		}
	}
}

// TestNotLinks covers what looks like a link but is not one: nothing in it
// may be reported.
func TestNotLinks(t *testing.T) {
	got := checkTree(t, map[string]string{
		"a.md": "# A\n\n" +
			"Code span: `[x](missing.md)` and ``[y](missing.md#z)``.\n\n" +
			"Escaped: \\[x](missing.md) and !\\[img](missing.png).\n\n" +
			"<!-- [commented](missing.md) ![c](missing.png) -->\n\n" +
			"<!--\n[multi-line comment](missing.md)\n-->\n\n" +
			"```markdown\n[fenced](missing.md)\n![fenced](missing.png)\n```\n\n" +
			"~~~\n[tilde](missing.md)\n~~~\n\n" +
			"    [indented](missing.md)\n\n" +
			"- item\n\n  ```\n  [in a list](missing.md)\n  ```\n\n" +
			"> ```bash\n> echo '[quoted](missing.md)'\n> ```\n\n" +
			"Schemes: [mail](mailto:ops@example.com) [tel](tel:+541100000000) <ops@example.com> [irc](irc://x/y) [ext](https://example.com/missing.md)\n",
	}, "")
	assertProblems(t, got, nil)
}

// TestPositions checks that lines count the front matter and columns count
// characters, for inline, reference-style, image, nested and autolinks.
func TestPositions(t *testing.T) {
	got := checkTree(t, map[string]string{
		"p.md": "---\n" +
			"title: P\n" +
			"tags: [a, b]\n" +
			"---\n" +
			"# P\n" + // line 5
			"\n" +
			"Ünïcödé text then [x](gone1.md).\n" + // line 7: "[" is the 19th character
			"\n" +
			"A [reference][gone] link and ![an image](gone.png \"title\").\n" + // line 9
			"\n" +
			"[![badge](gone-badge.png)](gone2.md)\n" + // line 11
			"\n" +
			"- a list item with [a link](gone3.md)\n" + // line 13
			"\n" +
			"> quoted [link](gone4.md)\n" + // line 15
			"\n" +
			"| a | b |\n| - | - |\n| [cell](gone5.md) | x |\n" + // line 19
			"\n" +
			"[gone]: gone6.md\n",
	}, "")
	assertProblems(t, got, []string{
		`p.md:7:19 error broken-link "gone1.md"`,
		`p.md:9:3 error broken-link "gone6.md"`,
		`p.md:9:30 error broken-image "gone.png"`,
		`p.md:11:1 error broken-link "gone2.md"`,
		`p.md:11:2 error broken-image "gone-badge.png"`,
		`p.md:13:20 error broken-link "gone3.md"`,
		`p.md:15:10 error broken-link "gone4.md"`,
		`p.md:19:3 error broken-link "gone5.md"`,
	})
}

func TestSelfLinks(t *testing.T) {
	files := map[string]string{
		"README.md":   "# Home\n",
		"api-down.md": "# API Down\n\n## Notes\n",
		"db/pool.md": "# Pool\n\n" +
			"[abs](https://runbooks.example.com/ops/api-down/#notes)\n" +
			"[root](https://runbooks.example.com/ops/)\n" +
			"[alert](https://runbooks.example.com/ops/alerts/apidown/)\n" +
			"[other](https://example.com/ops/api-down/)\n" +
			"[rel](../api-down.md#notes)\n",
	}
	assertProblems(t, checkTree(t, files, "https://runbooks.example.com/ops/"), []string{
		`db/pool.md:3:1 warning absolute-self-link "https://runbooks.example.com/ops/api-down/#notes" => ../api-down.md#notes`,
		`db/pool.md:4:1 warning absolute-self-link "https://runbooks.example.com/ops/" => ../README.md`,
		`db/pool.md:5:1 warning absolute-self-link "https://runbooks.example.com/ops/alerts/apidown/"`,
	})
	// Without a base URL the site's own address is unknown: nothing to say.
	assertProblems(t, checkTree(t, files, ""), nil)
}

const incidentMeta = `---
title: %s
severity: SEV2
type: %s
owner: Platform Team
last_updated: 2026-05-01
---
`

func TestSections(t *testing.T) {
	got := checkTree(t, map[string]string{
		"complete.md": fmt.Sprintf(incidentMeta, "Complete", "incident") + `
# Runbook: Complete

## Symptoms and Alerts
## Impact
## Prerequisites
## DIAGNOSIS
## Resolution
### Step 1: Quick fix
## Verification steps
## Prevention
## Related runbooks
`,
		"bare.md": fmt.Sprintf(incidentMeta, "Bare", "incident") + `
# Runbook: Bare

## Step 2: Identify Root Cause
## Verification
### Symptoms
`,
		"proc.md": fmt.Sprintf(incidentMeta, "Proc", "maintenance") + `
# Procedure: Proc

## Overview
## Rollback Procedure
`,
		"proc-ok.md": fmt.Sprintf(incidentMeta, "Proc ok", "maintenance") + `
# Procedure: Proc ok

## Roll back
## Verification
`,
		"doc.md": "# Just a page\n\n## Anything\n",
		"no-h1.md": fmt.Sprintf(incidentMeta, "No H1", "incident") + `
## Symptoms
## Diagnosis
## Resolution
## Verification
## Impact
## Prerequisites
## Prevention
`,
	}, "")
	assertProblems(t, got, []string{
		`bare.md:9:1 error missing-section`, // Symptoms
		`bare.md:9:1 warning missing-section`,
		`bare.md:9:1 warning missing-section`,
		`bare.md:9:1 error missing-section`, // Diagnosis
		`bare.md:9:1 error missing-section`, // Resolution
		`bare.md:9:1 warning missing-section`,
		`bare.md:9:1 warning missing-section`,
		`proc.md:9:1 error missing-section`, // Verification
		`no-h1.md:1:1 warning missing-section`,
	})
	var msgs []string
	for _, p := range got {
		if p.File == "bare.md" || p.File == "proc.md" || p.File == "no-h1.md" {
			msgs = append(msgs, p.File+": "+p.Message)
		}
	}
	slices.Sort(msgs)
	want := []string{
		`bare.md: incident runbook has no "Diagnosis" section (## Diagnosis)`,
		`bare.md: incident runbook has no "Impact" section (## Impact)`,
		`bare.md: incident runbook has no "Prerequisites" section (## Prerequisites)`,
		`bare.md: incident runbook has no "Prevention" section (## Prevention)`,
		`bare.md: incident runbook has no "Related Runbooks" section (## Related Runbooks)`,
		`bare.md: incident runbook has no "Resolution" section (## Resolution)`,
		`bare.md: incident runbook has no "Symptoms" section (## Symptoms)`,
		`no-h1.md: incident runbook has no "Related Runbooks" section (## Related Runbooks)`,
		`proc.md: maintenance procedure has no "Verification" section (## Verification)`,
	}
	if !slices.Equal(msgs, want) {
		t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
}

func TestFences(t *testing.T) {
	got := checkTree(t, map[string]string{
		"unclosed.md": "# Unclosed\n\nText.\n\n```bash\nkubectl get pods\n\n## Later heading\n",
		"nested.md": "# Nested\n\n" +
			"```markdown\n" + // line 3
			"# Runbook\n" +
			"```bash\n" + // line 5: meant to nest
			"kubectl get pods\n" +
			"```\n" + // closes the outer block
			"```\n" + // line 8: opens a block that never closes
			"\nThe end.\n",
		"fine.md": "# Fine\n\n" +
			"````markdown\n```bash\nls\n```\n````\n\n" +
			"~~~\n```\n~~~\n\n" +
			"- step\n\n  ```bash\n  ls\n  ```\n\n" +
			"> ```bash\n> ls\n> ```\n\n" +
			"```\n```\n\n" +
			"- ```\n  ```\n\n" +
			"```bash\nlast\n```",
		"quoted.md": "# Quoted\n\n> ```bash\n> ls\n\nAfter.\n",
	}, "")
	assertProblems(t, got, []string{
		`unclosed.md:5:1 warning unclosed-fence`,
		`nested.md:5:1 warning nested-fence`,
		`nested.md:8:1 warning unclosed-fence`,
		`quoted.md:3:3 warning unclosed-fence`,
	})
}

func TestReviewOverdue(t *testing.T) {
	got := checkTree(t, map[string]string{
		// 2026-01-01 + 90 days = 2026-04-01, before the build date.
		"old.md": "---\ntitle: Old\nseverity: SEV1\ntype: incident\nowner: X\nlast_updated: 2026-01-01\n---\n# Old\n" + allSections,
		// 2026-01-01 + 200 days is after the build date.
		"slow.md": "---\ntitle: Slow\nseverity: SEV1\ntype: incident\nowner: X\nlast_updated: 2026-01-01\nreview_every: 200\n---\n# Slow\n" + allSections,
		// Template-style metadata lines under the H1.
		"lines.md": "# Runbook: Lines\n\n**Severity**: SEV3\n**Owner**: X\n**Last Updated**: 2025-12-01\n" + allSections,
		// Due on the build date itself: not overdue yet.
		"due.md": "---\ntitle: Due\nseverity: SEV1\ntype: incident\nowner: X\nlast_updated: 2026-03-03\n---\n# Due\n" + allSections,
		// Plain pages are never reviewed.
		"doc.md": "---\nlast_updated: 2020-01-01\n---\n# Doc\n",
	}, "")
	assertProblems(t, got, []string{
		`old.md:6:1 warning review-overdue`,
		`lines.md:5:1 warning review-overdue`,
	})
	for _, p := range got {
		if p.File == "old.md" && p.Message != "review overdue: last updated 2026-01-01, due for review on 2026-04-01 (every 90 days)" {
			t.Errorf("message: %s", p.Message)
		}
	}
}

const allSections = `
## Symptoms
## Impact
## Prerequisites
## Diagnosis
## Resolution
## Verification
## Prevention
## Related Runbooks
`

// TestSubfolderIndex covers folder links: README.md, index.md and _index.md
// all make a folder linkable, and the root folder needs one too.
func TestSubfolderIndex(t *testing.T) {
	got := checkTree(t, map[string]string{
		"a/README.md": "# A\n\n[b](../b/) [c](../c/#intro) [d](../d/) [root](../)\n",
		"b/index.md":  "# B\n",
		"c/_index.md": "# C\n\n## Intro\n",
		"d/x.md":      "# X\n",
	}, "")
	assertProblems(t, got, []string{
		`a/README.md:3:29 error folder-without-index "../d/"`,
		`a/README.md:3:40 error folder-without-index "../"`,
	})
}
