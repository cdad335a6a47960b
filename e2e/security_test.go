package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/internal/fixture"
	"github.com/chromedp/chromedp"
)

// TestSearchResultsStayOnTheSite damages the search index the way a
// hostile file name or a tampered deployment would, with result URLs that
// run script or lead to another host, and checks that the search box never
// offers them: only results that lead to a page of the same site remain.
func TestSearchResultsStayOnTheSite(t *testing.T) {
	browserCtx := startBrowser(t)
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
	tb.do(chromedp.SendKeys(chromedp.ID("search-input"), "ArcaDbPoolExhausted"))
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

// TestCopyLeavesHiddenCharactersOut copies code blocks that hold invisible
// characters through the browser's real clipboard: zero-width characters
// are left out of what is copied, and a block with a bidirectional control
// is not copied at all, saying so on the button.
func TestCopyLeavesHiddenCharactersOut(t *testing.T) {
	browserCtx := startBrowser(t)
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
