package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestFixtureSite reads the fixture site in testdata/site as an on-call
// engineer would, one feature per subtest, each in a fresh tab.
func TestFixtureSite(t *testing.T) {
	browserCtx := startBrowser(t)
	origin := serve(t, buildSite(t, filepath.Join("testdata", "site")))

	t.Run("search finds the runbook of a pasted alert name first", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/")
		// "/" focuses the search box from anywhere on the page, and is
		// not typed into it.
		tb.press("/", "Slash", 191)
		if id := tb.str(`document.activeElement.id`); id != "search-input" {
			t.Fatalf(`after pressing "/", the focus is on %q, want the search box`, id)
		}
		if v := tb.str(`document.activeElement.value`); v != "" {
			t.Fatalf(`after pressing "/", the search box holds %q`, v)
		}
		tb.do(typeInto("search-input", "ArcaDbPoolExhausted"))
		tb.wait(`document.getElementById("search-listbox").dataset.query === "ArcaDbPoolExhausted"`)
		var hrefs []string
		tb.eval(`[...document.querySelectorAll("#search-listbox [role=option]")].map(a => a.getAttribute("href"))`, &hrefs)
		// The pool runbook declares the alert; the follow-up page has the
		// same words in its title and the latency runbook names the alert
		// in its text, so they come after it.
		if len(hrefs) < 3 || hrefs[0] != "db/pool/index.html" {
			t.Fatalf("results for the alert name = %q, want db/pool/index.html first and at least 3 results", hrefs)
		}
		for _, want := range []string{"pool-follow-up/index.html", "latency/index.html"} {
			if !slices.Contains(hrefs[1:], want) {
				t.Errorf("results %q lack %s", hrefs, want)
			}
		}
		if got := tb.str(`document.querySelector("#search-listbox [role=option] .result-alert").textContent`); got != "Alert ArcaDbPoolExhausted" {
			t.Errorf("first result says %q, want it to name the matched alert", got)
		}
		if got := tb.str(`document.querySelector("#search-listbox [role=option] .badge").textContent`); got != "SEV1" {
			t.Errorf("first result's badge = %q, want SEV1", got)
		}
		if got := tb.str(`document.getElementById("search-input").getAttribute("aria-expanded")`); got != "true" {
			t.Errorf("aria-expanded = %q with results shown", got)
		}

		// Arrow keys move the selection; Enter opens the selected result.
		tb.do(chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown))
		active := tb.str(`document.getElementById(document.getElementById("search-input").getAttribute("aria-activedescendant")).getAttribute("href")`)
		if active != hrefs[1] {
			t.Errorf("after two ArrowDown the active result is %q, want %q", active, hrefs[1])
		}
		tb.do(chromedp.KeyEvent(kb.ArrowUp))
		tb.do(chromedp.KeyEvent(kb.Enter))
		tb.wait(`location.pathname === "/db/pool/" && document.querySelector(".to-top-float") !== null`)

		// Escape clears the box.
		tb.do(typeInto("search-input", "latency"))
		tb.wait(`document.getElementById("search-listbox").dataset.query === "latency"`)
		tb.do(chromedp.KeyEvent(kb.Escape))
		if v := tb.str(`document.getElementById("search-input").value`); v != "" {
			t.Errorf("after Escape the search box holds %q", v)
		}
		if !tb.truth(`document.getElementById("search-popup").hidden`) {
			t.Error("after Escape the results are still shown")
		}

		// Enter right after pasting goes to the first result.
		tb.do(typeInto("search-input", "ApiLatencyHigh\n"))
		tb.wait(`location.pathname === "/latency/"`)
	})

	t.Run("search loads when the box is first used", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/db/pool/")
		if tb.truth(`performance.getEntriesByType("resource").some(e => /\/search(\.[0-9a-f]+\.js|\/)/.test(e.name))`) {
			t.Error("a page only read loaded the search code or index")
		}
		// A pasted alert name and Enter, before the search code has
		// loaded, still go to its runbook.
		tb.do(typeInto("search-input", "ApiLatencyHigh\n"))
		tb.wait(`location.pathname === "/latency/"`)
	})

	t.Run("search results link to the matching section", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/latency/")
		tb.do(typeInto("search-input", "compare limits"))
		tb.wait(`document.getElementById("search-listbox").dataset.query === "compare limits"`)
		href := tb.str(`document.querySelector("#search-listbox [role=option]").getAttribute("href")`)
		if href != "../db/pool/index.html#step-2-compare-with-the-limits" {
			t.Errorf("first result for a heading's words = %q, want the heading's section on the pool runbook", href)
		}
		section := tb.str(`document.querySelector("#search-listbox [role=option] .result-section").textContent`)
		if section != "Step 2: Compare with the Limits" {
			t.Errorf("the result shows section %q", section)
		}

		// The search page lists every result of its query.
		tb.open("/search/?q=" + url.QueryEscape("ArcaDbPoolExhausted"))
		tb.wait(`document.querySelectorAll("#search-page-results a").length > 0`)
		first := tb.str(`document.querySelector("#search-page-results a").getAttribute("href")`)
		if first != "../db/pool/index.html" {
			t.Errorf("search page: first result %q, want ../db/pool/index.html", first)
		}
		if tb.truth(`getComputedStyle(document.querySelector(".nojs")).display !== "none"`) {
			t.Error("search page: the no-JavaScript explanation is shown although the script runs")
		}
	})

	t.Run("copy gives exactly the commands", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.allowClipboard(true)
		tb.open("/db/pool/")
		// A console block: prompts and output left out, the "\"
		// continuation kept whole, the declared NAMESPACE filled in with
		// its default, POD (no value yet) and others left as they are.
		got := tb.copyBlock(`.code[data-lang="console"]`)
		want := "kubectl -n arca-prod get pods -l app=pgbouncer \\\n    -o wide\nkubectl -n arca-prod logs $POD --tail=50"
		if got != want {
			t.Errorf("console block copied\n%q\nwant\n%q", got, want)
		}
		if label := tb.str(`document.querySelector('.code[data-lang="console"] .copy-btn').textContent`); label != "Copied" {
			t.Errorf("after copying, the button says %q, want Copied", label)
		}

		// With a value for POD, both forms ($POD and ${POD}) are filled
		// in, in the page and in what is copied; undeclared variables and
		// longer names stay.
		// The parameters are one line until opened.
		tb.do(chromedp.Click(chromedp.CSS(".vars-summary")))
		tb.do(typeInto("var-POD", "pgbouncer-7"))
		got = tb.copyBlock(`.code[data-lang="bash"]`)
		want = "kubectl -n \"arca-prod\" exec \"pgbouncer-7\" -- env | grep -E \"^(POOL|DB)_\"\necho \"$UNDECLARED stays as it is; $NAMESPACE_SUFFIX too\""
		if got != want {
			t.Errorf("bash block copied\n%q\nwant\n%q", got, want)
		}

		// When the Clipboard API is refused, the fallback still copies.
		tb.allowClipboard(false)
		got = tb.copyBlock(`.code.destructive`)
		if want := "kubectl -n arca-prod delete pod pgbouncer-7"; got != want {
			t.Errorf("with writeText refused, copied %q, want %q", got, want)
		}
	})

	t.Run("destructive blocks are marked with words and colour", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/db/pool/")
		label := tb.str(`document.querySelector(".code.destructive .destructive-label").textContent`)
		if !strings.HasPrefix(label, "Destructive:") {
			t.Errorf("destructive label = %q", label)
		}
		border := tb.str(`getComputedStyle(document.querySelector(".code.destructive")).borderTopColor`)
		plain := tb.str(`getComputedStyle(document.querySelector(".code:not(.destructive)")).borderTopColor`)
		if border == plain {
			t.Errorf("a destructive block has the same border colour (%s) as any other", border)
		}
	})

	t.Run("parameters fill the commands and survive in the URL", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/db/pool/?NAMESPACE=arca-staging")
		code := tb.str(`document.querySelector('.code[data-lang="console"] code').textContent`)
		if !strings.Contains(code, "kubectl -n arca-staging get pods") || !strings.Contains(code, "logs $POD") {
			t.Errorf("with NAMESPACE=arca-staging in the URL the console block reads\n%s", code)
		}
		if v := tb.str(`document.getElementById("var-NAMESPACE").value`); v != "arca-staging" {
			t.Errorf("the NAMESPACE field holds %q", v)
		}
		tb.do(chromedp.Click(chromedp.CSS(".vars-summary")))
		tb.do(typeInto("var-POD", "pgbouncer-2"))
		if got := tb.str(`document.querySelector('.vars-value[data-var="POD"]').textContent`); got != "$POD=pgbouncer-2" {
			t.Errorf("the folded parameters line shows %q for POD, want its value", got)
		}
		tb.wait(`new URLSearchParams(location.search).get("POD") === "pgbouncer-2"`)
		if q := tb.str(`location.search`); !strings.Contains(q, "NAMESPACE=arca-staging") {
			t.Errorf("the URL lost NAMESPACE: %s", q)
		}

		// A reload (or the link pasted in the incident channel) keeps them.
		tb.reload()
		code = tb.str(`document.querySelector('.code[data-lang="console"] code').textContent`)
		if !strings.Contains(code, "logs pgbouncer-2 --tail=50") || !strings.Contains(code, "-n arca-staging") {
			t.Errorf("after a reload the console block reads\n%s", code)
		}
		// The highlighting stays: values go into the text, not the markup.
		if n := tb.num(`document.querySelectorAll('.code[data-lang="console"] code span').length`); n < 3 {
			t.Errorf("the console block has %v highlighted spans after substitution", n)
		}

		// A value that could change the command is not filled in.
		tb.open("/db/pool/?NAMESPACE=" + url.QueryEscape("x; rm -rf /"))
		code = tb.str(`document.querySelector('.code[data-lang="console"] code').textContent`)
		if !strings.Contains(code, "kubectl -n $NAMESPACE get pods") || strings.Contains(code, "rm -rf") {
			t.Errorf("an unsafe value was filled in:\n%s", code)
		}
		if !tb.truth(`document.getElementById("var-NAMESPACE").getAttribute("aria-invalid") === "true" && !document.getElementById("var-error-NAMESPACE").hidden`) {
			t.Error("an unsafe value is not flagged next to its field")
		}
	})

	t.Run("a ticked checklist item survives a reload until reset", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/db/pool/")
		boxes := `document.querySelectorAll('.content input[type="checkbox"]')`
		if n := tb.num(boxes + `.length`); n != 3 {
			t.Fatalf("%v checklist items, want 3", n)
		}
		if tb.truth(`[...` + boxes + `].some(b => b.disabled)`) {
			t.Fatal("checklist items are still disabled")
		}
		if name := tb.str(`document.querySelectorAll(".check-item")[1].textContent.trim()`); name != "p95 of pool wait under 50 ms for 15 minutes" {
			t.Errorf("the second item's label is %q", name)
		}
		// Clicking the item's text ticks its box.
		tb.do(chromedp.Click(chromedp.CSS(`.checklist > li:nth-child(2) .check-item`)))
		tb.wait(`document.querySelectorAll('.content input[type="checkbox"]')[1].checked`)
		tb.reload()
		var checked []bool
		tb.eval(`[...`+boxes+`].map(b => b.checked)`, &checked)
		if !slices.Equal(checked, []bool{false, true, false}) {
			t.Fatalf("after a reload the items are %v, want only the second ticked", checked)
		}
		if p := tb.str(`document.querySelector(".checklist-progress").textContent`); p != "1 of 3 checked" {
			t.Errorf("progress says %q", p)
		}
		tb.do(chromedp.Click(chromedp.CSS(".checklist-reset")))
		tb.reload()
		tb.eval(`[...`+boxes+`].map(b => b.checked)`, &checked)
		if slices.Contains(checked, true) {
			t.Errorf("after Reset checklist and a reload the items are %v", checked)
		}
	})

	t.Run("dark mode follows the system and the toggle is remembered", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		const dark, light = "rgb(13, 17, 23)", "rgb(255, 255, 255)"
		background := `getComputedStyle(document.body).backgroundColor`
		// A keyword of the bash lexer, as the code block colours it.
		keyword := `getComputedStyle(document.querySelector(".code .chroma .nb")).color`

		tb.colorScheme("dark")
		tb.open("/db/pool/")
		if bg := tb.str(background); bg != dark {
			t.Errorf("with a dark system scheme the background is %s, want %s", bg, dark)
		}
		if p := tb.str(`document.querySelector(".theme-toggle").getAttribute("aria-pressed")`); p != "true" {
			t.Errorf("dark mode toggle aria-pressed = %s in dark mode", p)
		}
		darkKeyword := tb.str(keyword)

		tb.do(chromedp.Click(chromedp.CSS(".theme-toggle")))
		if bg := tb.str(background); bg != light {
			t.Errorf("after choosing light the background is %s", bg)
		}
		tb.reload()
		if theme := tb.str(`document.documentElement.dataset.theme || ""`); theme != "light" {
			t.Errorf("after a reload data-theme = %q, want the remembered light", theme)
		}
		if bg := tb.str(background); bg != light {
			t.Errorf("after a reload the background is %s, want light", bg)
		}
		if k := tb.str(keyword); k == darkKeyword {
			t.Errorf("code keeps its dark colours (%s) in the light scheme the reader chose", k)
		}

		tb.colorScheme("light")
		tb.do(chromedp.Click(chromedp.CSS(".theme-toggle")))
		if bg := tb.str(background); bg != dark {
			t.Errorf("after choosing dark on a light system the background is %s", bg)
		}
		if k := tb.str(keyword); k != darkKeyword {
			t.Errorf("code keyword colour %s in dark mode on a light system, want %s as with a dark system", k, darkKeyword)
		}
		tb.eval(`localStorage.clear()`, nil)
	})

	t.Run("phone layout has no sideways scrolling", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.phone()
		for _, p := range []string{"/", "/db/pool/", "/latency/", "/hostile/", "/groups/sev1/", "/search/?q=pool", "/404.html"} {
			tb.open(p)
			if w := tb.num(`document.documentElement.scrollWidth`); w > 390 {
				t.Errorf("%s: the page is %v px wide at 390 px: %s", p, w, tb.widest())
			}
		}
		tb.open("/db/pool/")
		if tb.truth(`document.querySelector(".nav-drawer").open`) {
			t.Error("on a phone the navigation starts open")
		}
		if tb.truth(`document.querySelector(".toc-details").open`) {
			t.Error("on a phone the long table of contents starts open, pushing the first command off the screen")
		}
		tb.do(chromedp.Click(chromedp.CSS(".nav-summary")))
		if !tb.truth(`document.querySelector(".nav-drawer").open && document.querySelector(".site-nav").getBoundingClientRect().height > 0`) {
			t.Error("the navigation does not open on a phone")
		}
	})

	t.Run("accessibility", func(t *testing.T) {
		axe := loadAxe(t)
		for _, scheme := range []string{"light", "dark"} {
			for _, p := range []string{"/", "/db/pool/", "/search/?q=pool"} {
				tb := openTab(t, browserCtx, origin)
				tb.colorScheme(scheme)
				tb.open(p)
				checkAxe(t, tb, axe, fmt.Sprintf("%s (%s)", p, scheme))
			}
		}
		// On a phone, with the navigation open and search results shown.
		tb := openTab(t, browserCtx, origin)
		tb.phone()
		tb.open("/db/pool/")
		tb.do(chromedp.Click(chromedp.CSS(".nav-summary")))
		tb.do(typeInto("search-input", "pool"))
		tb.wait(`document.getElementById("search-listbox").dataset.query === "pool"`)
		checkAxe(t, tb, axe, "/db/pool/ (phone)")
	})

	t.Run("hostile content does not run", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/hostile/")
		injected := `document.querySelectorAll('[id^="injected"], [onerror], [onload], a[href^="javascript:" i], a[href^="data:" i], a[href^="vbscript:" i]').length`
		if n := tb.num(injected); n != 0 {
			t.Errorf("%v elements of the injected markup exist on the page", n)
		}
		if n := tb.num(`document.querySelectorAll("script:not([src])").length`); n != 0 {
			t.Errorf("%v inline scripts on the page", n)
		}
		if title := tb.str(`document.title`); !strings.Contains(title, "<script>alert('title')</script>") {
			t.Errorf("the title %q does not show the markup as text", title)
		}
		// Follow every link of the body: none may run script.
		n := int(tb.num(`document.querySelectorAll(".content a:not(.anchor)").length`))
		for i := range n {
			tb.open("/hostile/")
			tb.follow(fmt.Sprintf(`document.querySelectorAll(".content a:not(.anchor)")[%d]`, i))
		}
		// Search shows the hostile title and excerpt as text.
		tb.open("/hostile/")
		tb.do(typeInto("search-input", "hostile"))
		tb.wait(`document.getElementById("search-listbox").dataset.query === "hostile"`)
		if got := tb.str(`document.querySelector("#search-listbox .result-title").textContent`); !strings.Contains(got, "<img id=injected-title") {
			t.Errorf("search result title %q", got)
		}
		tb.open("/search/?q=symptom+script")
		tb.wait(`document.querySelectorAll("#search-page-results a").length > 0`)
		if n := tb.num(injected); n != 0 {
			t.Errorf("%v injected elements after searching", n)
		}
		// The var's hostile default is shown in its field, never filled in.
		tb.open("/hostile/")
		if v := tb.str(`document.getElementById("var-TARGET").value`); v != `"><img id=injected-var src=x onerror=alert('var')>` {
			t.Errorf("the TARGET field holds %q", v)
		}
		if code := tb.str(`document.querySelector(".content pre code").textContent`); !strings.Contains(code, `"$TARGET"`) {
			t.Errorf("the hostile default of TARGET was filled into the command: %s", code)
		}
		if n := tb.dialogCount(); n != 0 {
			t.Errorf("%d dialogs opened", n)
		}
	})

	t.Run("pages work without JavaScript", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.disableScripts()
		tb.do(chromedp.Navigate(origin + "/db/pool/"))
		tb.wait(`document.readyState === "complete"`)
		for _, sel := range []string{"h1", ".runbook-meta", "form.vars", ".toc", ".content pre", ".site-nav"} {
			if !tb.truth(fmt.Sprintf(`document.querySelector(%q)`, sel)) {
				t.Errorf("without JavaScript the page has no %s", sel)
			}
		}
		if w := tb.num(`document.documentElement.scrollWidth`); w > 1280 {
			t.Errorf("without JavaScript the page is %v px wide", w)
		}
		if !tb.truth(`document.querySelector(".site-nav").getBoundingClientRect().height > 100`) {
			t.Error("without JavaScript the navigation is not shown beside the page on a wide screen")
		}
		tb.do(chromedp.Navigate(origin + "/search/"))
		tb.wait(`document.readyState === "complete"`)
		if !tb.truth(`getComputedStyle(document.querySelector(".nojs")).display !== "none" && document.querySelectorAll(".group-links a").length >= 4`) {
			t.Error("without JavaScript the search page does not explain itself and list the groups")
		}
	})
}

// TestRepositoryRunbooks builds this repository's runbooks/, opens every
// page, and saves the screenshots for review: the index and a runbook, in
// light and dark, on a laptop and on a phone.
func TestRepositoryRunbooks(t *testing.T) {
	browserCtx := startBrowser(t)
	out := buildSite(t, filepath.Join("..", "runbooks"))
	origin := serve(t, out)
	var pages []string
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "index.html" {
			return err
		}
		rel, _ := filepath.Rel(out, filepath.Dir(p))
		if strings.HasPrefix(rel, "alerts") {
			return nil // redirect pages
		}
		pages = append(pages, "/"+strings.TrimPrefix(filepath.ToSlash(rel)+"/", "./"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 10 {
		t.Fatalf("only %d pages built", len(pages))
	}

	t.Run("every page at 390 px", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.phone()
		for _, p := range pages {
			tb.open(p)
			if w := tb.num(`document.documentElement.scrollWidth`); w > 390 {
				t.Errorf("%s: %v px wide at 390 px: %s", p, w, tb.widest())
			}
		}
	})

	t.Run("accessibility", func(t *testing.T) {
		axe := loadAxe(t)
		for _, scheme := range []string{"light", "dark"} {
			for _, p := range []string{"/", "/arca-api-down/", "/database-connection-pool/"} {
				tb := openTab(t, browserCtx, origin)
				tb.colorScheme(scheme)
				tb.open(p)
				checkAxe(t, tb, axe, fmt.Sprintf("%s (%s)", p, scheme))
			}
		}
	})

	t.Run("screenshots", func(t *testing.T) {
		dir := screenshotDir(t)
		t.Logf("screenshots in %s", dir)
		for _, scheme := range []string{"light", "dark"} {
			tb := openTab(t, browserCtx, origin)
			tb.colorScheme(scheme)
			tb.open("/")
			tb.screenshot(dir, "index-"+scheme)
			tb.open("/arca-api-down/?CUIT=30712345678")
			tb.screenshot(dir, "runbook-"+scheme)
		}
		// The search box with the results of a pasted alert name.
		tb := openTab(t, browserCtx, origin)
		tb.colorScheme("light")
		tb.open("/high-api-latency/")
		tb.do(typeInto("search-input", "PostgresConnectionsNearLimit"))
		tb.wait(`document.getElementById("search-listbox").dataset.query === "PostgresConnectionsNearLimit"`)
		tb.do(chromedp.KeyEvent(kb.ArrowDown))
		png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "search-light.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot %s", filepath.Join(dir, "search-light.png"))

		tb = openTab(t, browserCtx, origin)
		tb.colorScheme("light")
		tb.phone()
		tb.open("/")
		tb.screenshot(dir, "index-phone")
		tb.open("/arca-api-down/")
		tb.screenshot(dir, "runbook-phone")
		// A tab of its own: two full-length runbooks at phone scale in one
		// tab ran past its time limit on a loaded machine.
		tb = openTab(t, browserCtx, origin)
		tb.colorScheme("dark")
		tb.phone()
		tb.open("/database-connection-pool/")
		tb.screenshot(dir, "runbook-phone-dark")

		// The printed page, black on white although the reader chose dark.
		tb = openTab(t, browserCtx, origin)
		tb.open("/")
		tb.eval(`localStorage.setItem("runbooks-theme", "dark")`, nil)
		tb.media("print")
		tb.open("/arca-api-down/")
		if bg := tb.str(`getComputedStyle(document.body).backgroundColor`); bg != "rgb(255, 255, 255)" {
			t.Errorf("printed with the dark scheme chosen, the background is %s", bg)
		}
		if tb.truth(`[".site-nav", ".copy-btn", "#search-input", ".theme-toggle"].some(s => document.querySelector(s).getClientRects().length > 0)`) {
			t.Error("the navigation or the copy buttons are printed")
		}
		tb.screenshot(dir, "runbook-print")
		tb.eval(`localStorage.clear()`, nil)
	})
}

// checkAxe fails the test on every serious or critical axe violation of the
// current page and logs the others.
func checkAxe(t *testing.T, tb *tab, axe, where string) {
	t.Helper()
	for _, v := range tb.axe(axe) {
		msg := fmt.Sprintf("%s: axe %s (%s): %s\n\t%s", where, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}
}

// copyBlock clicks the copy button of the first code block matching sel
// and returns what reached the clipboard.
func (tb *tab) copyBlock(sel string) string {
	tb.t.Helper()
	tb.eval(`navigator.clipboard.writeText("(nothing copied)").then(() => true, () => true)`, nil)
	tb.do(chromedp.Click(chromedp.CSS(sel + " .copy-btn")))
	// A destructive command asks for a second click.
	if tb.str(fmt.Sprintf(`document.querySelector(%q).textContent`, sel+" .copy-btn")) == "Click again to copy" {
		tb.do(chromedp.Click(chromedp.CSS(sel + " .copy-btn")))
	}
	tb.wait(fmt.Sprintf(`/^(Cop(ied|y failed)|Not copied.*)$/.test(document.querySelector(%q).textContent)`, sel+" .copy-btn"))
	return tb.str(`navigator.clipboard.readText()`)
}

// press presses a key as a keyboard does: one keyDown that carries the
// text (so that preventing its default keeps the text out, as in a real
// browser; chromedp.KeyEvent sends the text in a separate char event) and
// a keyUp.
func (tb *tab) press(key, code string, keyCode int64) {
	tb.t.Helper()
	tb.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, p := range []input.DispatchKeyEventParams{
			{Type: input.DispatchKeyEventTypeKeyDown, Key: key, Code: code, Text: key, UnmodifiedText: key, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode},
			{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode},
		} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, p); err != nil {
				return err
			}
		}
		return nil
	}))
}

// phone emulates a 390 px wide phone.
func (tb *tab) phone() {
	tb.t.Helper()
	tb.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(3)))
	tb.isPhone = true
}

// widest describes the elements that stick out of the viewport, to explain
// a failure.
func (tb *tab) widest() string {
	return tb.str(`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
		.slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : "") + " " + Math.round(e.getBoundingClientRect().right) + "px").join(", ")`)
}
