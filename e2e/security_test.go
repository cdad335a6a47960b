package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

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
