package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/internal/fixture"
)

// TestHostileInput reads sites built from hostile input in one browser:
// damaged search indexes, code with invisible characters, and parameter
// links that try to change the commands.
func TestHostileInput(t *testing.T) {
	browserCtx := startBrowser(t)
	t.Run("search results stay on the site", func(t *testing.T) { searchResultsStayOnTheSite(t, browserCtx) })
	t.Run("copy leaves hidden characters out", func(t *testing.T) { copyLeavesHiddenCharactersOut(t, browserCtx) })
	t.Run("parameter links cannot inject", func(t *testing.T) { parameterLinksCannotInject(t, browserCtx) })
}

// searchResultsStayOnTheSite damages the search index the way a
// hostile file name or a tampered deployment would, with result URLs that
// run script or lead to another host, and checks that the search box never
// offers them: only results that lead to a page of the same site remain.
func searchResultsStayOnTheSite(t *testing.T, browserCtx context.Context) {
	out := buildSite(t, filepath.Join("testdata", "site"))
	hostile := []string{"javascript:alert(1)//", "https://evil.example/", "//evil.example/x/", "data:text/html,x"}
	chunks, _ := filepath.Glob(filepath.Join(out, "search", "p", "*.js"))
	n := 0
	for _, f := range chunks {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		i, j := bytes.IndexByte(data, '['), bytes.LastIndexByte(data, ']')
		var entries []map[string]any
		if err := json.Unmarshal(data[i:j+1], &entries); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, e := range entries {
			if e["u"] != "db/pool/" {
				e["u"] = hostile[n%len(hostile)]
				n++
			}
		}
		list, _ := json.Marshal(entries)
		data = slices.Concat(data[:i], list, data[j+1:])
		if err := os.WriteFile(f, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n < len(hostile) {
		t.Fatalf("only %d result URLs replaced", n)
	}
	origin := serve(t, out)

	tb := openTab(t, browserCtx, origin)
	tb.open("/")
	// The alert name matches the pool runbook, its follow-up page and the
	// latency runbook; only the pool runbook's URL is left intact.
	tb.do(typeInto("search-input", "ArcaDbPoolExhausted"))
	tb.wait(`document.getElementById("search-listbox").dataset.query === "ArcaDbPoolExhausted"`)
	var hrefs []string
	tb.eval(`[...document.querySelectorAll("#search-listbox [role=option]")].map(a => a.getAttribute("href"))`, &hrefs)
	if !slices.Equal(hrefs, []string{"db/pool/index.html"}) {
		t.Errorf("search box results = %q, want only db/pool/index.html", hrefs)
	}

	// On the search page the site root is "../", so the same URLs are
	// paths of this site (that lead nowhere): kept, but never a scheme
	// or another host.
	tb.open("/search/?q=ArcaDbPoolExhausted")
	tb.wait(`document.getElementById("search-page-status").textContent !== "Searching…"`)
	var links []struct{ Href, Origin, Protocol string }
	tb.eval(`[...document.querySelectorAll("#search-page-results a")].map(a => ({href: a.getAttribute("href"), origin: a.origin, protocol: a.protocol}))`, &links)
	if len(links) == 0 || links[0].Href != "../db/pool/index.html" {
		t.Errorf("search page results = %+v, want ../db/pool/index.html first", links)
	}
	for _, l := range links {
		if l.Origin != origin || l.Protocol != "http:" {
			t.Errorf("search page result %q leads to %s (%s), off the site", l.Href, l.Origin, l.Protocol)
		}
	}
}

// copyLeavesHiddenCharactersOut copies code blocks that hold invisible
// characters through the browser's real clipboard: zero-width characters
// are left out of what is copied, and a block with a bidirectional control
// is not copied at all, saying so on the button.
func copyLeavesHiddenCharactersOut(t *testing.T, browserCtx context.Context) {
	src := fixture.Tree(t, map[string]string{
		"README.md": "# Home\n\n[Hidden](hidden.md)\n",
		"hidden.md": "# Hidden\n\n" +
			"```bash\nkubectl -n arca\u200B-prod get pods\u2060 -l app=web\uFEFF\n```\n\n" +
			"```sh\nrm -rf /tmp/build \u202E; echo ok\n```\n\n" +
			"```shell\necho visible\n```\n",
	})
	origin := serve(t, buildSite(t, src))
	for _, write := range []bool{true, false} { // the Clipboard API, then the fallback
		t.Run(fmt.Sprintf("clipboard API allowed=%v", write), func(t *testing.T) {
			tb := openTab(t, browserCtx, origin)
			tb.allowClipboard(write)
			tb.open("/hidden/")
			if got, want := tb.copyBlock(`.code[data-lang="bash"]`), "kubectl -n arca-prod get pods -l app=web"; got != want {
				t.Errorf("copied %q, want %q without the zero-width characters", got, want)
			}
			if got := tb.str(`document.querySelector('.code[data-lang="bash"] .copy-btn').textContent`); got != "Copied" {
				t.Errorf("after copying, the button says %q", got)
			}
			// With writeText refused the page cannot clear the clipboard
			// first: it still holds the previous copy.
			before := tb.str(`navigator.clipboard.readText()`)
			if got := tb.copyBlock(`.code[data-lang="sh"]`); got != before && got != "(nothing copied)" {
				t.Errorf("a block with a right-to-left override copied %q, want nothing", got)
			}
			if got := tb.str(`document.querySelector('.code[data-lang="sh"] .copy-btn').textContent`); !strings.Contains(got, "Not copied") {
				t.Errorf("after refusing, the button says %q, want it to say it did not copy", got)
			}
			if got := tb.copyBlock(`.code[data-lang="shell"]`); got != "echo visible" {
				t.Errorf("the next block copied %q", got)
			}
		})
	}
}

// parameterLinksCannotInject opens a runbook through links whose
// parameters would change what its commands do, and checks that no such
// value is filled in, that each field says why, that good values are filled
// in and marked as coming from the parameters, and that the marks do not
// change what is copied.
func parameterLinksCannotInject(t *testing.T, browserCtx context.Context) {
	src := fixture.Tree(t, map[string]string{
		"README.md": "# Home\n\n[Params](params.md)\n",
		"params.md": "---\ntitle: Params\ntype: maintenance\nowner: DB Team\nlast_updated: 2026-11-01\nvars:\n  ENDPOINT_ID: {kind: uuid}\n  POD: \"\"\n  ACCT: {pattern: '^[0-9]{11}$'}\n---\n# Params\n\n" +
			"```sql\nSELECT * FROM deliveries WHERE endpoint_id = '$ENDPOINT_ID' LIMIT 10;\n```\n\n" +
			"```bash\nkubectl logs $POD --tail=50\n```\n\n" +
			"```sh\n: \"${ACCT:?set ACCT first}\"\necho \"${ACCT}\"\n```\n\n## Verification\n\nDone.\n\n## Rollback\n\nNone.\n",
	})
	origin := serve(t, buildSite(t, src))
	code := func(tb *tab, lang string) string {
		return strings.TrimSpace(tb.str(fmt.Sprintf(`document.querySelector('.code[data-lang=%q] code').textContent`, lang)))
	}
	refused := func(tb *tab, name, says string) {
		t.Helper()
		if !tb.truth(fmt.Sprintf(`document.getElementById("var-%s").getAttribute("aria-invalid") === "true"`, name)) {
			t.Errorf("the %s field is not flagged", name)
		}
		msg := tb.str(fmt.Sprintf(`document.getElementById("var-error-%s").hidden ? "(hidden)" : document.getElementById("var-error-%s").textContent`, name, name))
		if !strings.Contains(msg, says) {
			t.Errorf("the %s field says %q, want it to say %q", name, msg, says)
		}
	}

	t.Run("values that change the command are not filled in", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		for _, q := range []string{
			"?ENDPOINT_ID=id&POD=--all&ACCT=x--",
			"?ENDPOINT_ID=x--&POD=x--&ACCT=" + "1%20OR%201%3D1",
			"?ENDPOINT_ID=-1&POD=-n&ACCT=-20123456789",
		} {
			tb.open("/params/" + q)
			if got := code(tb, "sql"); !strings.Contains(got, "endpoint_id = '$ENDPOINT_ID'") {
				t.Errorf("%s: the query reads %q", q, got)
			}
			if got := code(tb, "bash"); got != "kubectl logs $POD --tail=50" {
				t.Errorf("%s: the command reads %q", q, got)
			}
			if got := code(tb, "sh"); got != ": \"${ACCT:?set ACCT first}\"\necho \"${ACCT}\"" {
				t.Errorf("%s: the command reads %q", q, got)
			}
			refused(tb, "ENDPOINT_ID", "UUID")
			refused(tb, "POD", "not starting with -")
			refused(tb, "ACCT", "^[0-9]{11}$")
			if n := tb.num(`document.querySelectorAll("mark.var-value").length`); n != 0 {
				t.Errorf("%s: %v values marked as filled in", q, n)
			}
		}
	})

	t.Run("good values are filled in, marked, and copied as text", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.allowClipboard(true)
		tb.open("/params/?ENDPOINT_ID=3f2b8c1e-9d4a-4b7e-8f21-0c6d5e4a3b2c&POD=web-1&ACCT=20123456789")
		var marks []string
		tb.eval(`[...document.querySelectorAll(".code mark.var-value")].map(m => m.dataset.var + "=" + m.textContent)`, &marks)
		want := []string{"ENDPOINT_ID=3f2b8c1e-9d4a-4b7e-8f21-0c6d5e4a3b2c", "POD=web-1", "ACCT=20123456789", "ACCT=20123456789"}
		if !slices.Equal(marks, want) {
			t.Errorf("marked values %q, want %q", marks, want)
		}
		if bg := tb.str(`getComputedStyle(document.querySelector("mark.var-value")).backgroundColor`); bg == tb.str(`getComputedStyle(document.querySelector(".code pre")).backgroundColor`) {
			t.Errorf("a filled-in value has the code's own background (%s): it does not stand out", bg)
		}
		if got, want := tb.copyBlock(`.code[data-lang="sql"]`), "SELECT * FROM deliveries WHERE endpoint_id = '3f2b8c1e-9d4a-4b7e-8f21-0c6d5e4a3b2c' LIMIT 10;"; got != want {
			t.Errorf("copied %q, want %q", got, want)
		}

		// The shell's guard for an empty parameter is filled in whole.
		if got, want := tb.copyBlock(`.code[data-lang="sh"]`), ": \"20123456789\"\necho \"20123456789\""; got != want {
			t.Errorf("copied %q, want %q", got, want)
		}

		// Typing an option into a field takes the value out again.
		tb.eval(`(() => { const i = document.getElementById("var-POD"); i.value = "--all"; i.dispatchEvent(new Event("input", {bubbles: true})); return true })()`, nil)
		tb.wait(`document.getElementById("var-POD").getAttribute("aria-invalid") === "true"`)
		if got := code(tb, "bash"); got != "kubectl logs $POD --tail=50" {
			t.Errorf("after typing --all the command reads %q", got)
		}
		refused(tb, "POD", "not starting with -")
		if n := tb.num(`document.querySelectorAll('mark.var-value[data-var="POD"]').length`); n != 0 {
			t.Errorf("%v marks left for POD", n)
		}
		// And a good one fills it in once more, marked once.
		tb.eval(`(() => { const i = document.getElementById("var-POD"); i.value = "web-2"; i.dispatchEvent(new Event("input", {bubbles: true})); return true })()`, nil)
		tb.wait(`document.getElementById("var-POD").getAttribute("aria-invalid") === "false"`)
		if got := code(tb, "bash"); got != "kubectl logs web-2 --tail=50" {
			t.Errorf("after typing web-2 the command reads %q", got)
		}
		if n := tb.num(`document.querySelectorAll('mark.var-value[data-var="POD"]').length`); n != 1 {
			t.Errorf("%v marks for POD, want 1", n)
		}
	})
}
