package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// screen is a browser window size the reading flow is measured at.
type screen struct {
	name          string
	width, height int64
	phone         bool
}

var (
	laptop = screen{"1280x720", 1280, 720, false}
	wide   = screen{"1440x900", 1440, 900, false}
	phone  = screen{"390x844", 390, 844, true}
)

// resize makes the tab's window the screen's size.
func (tb *tab) resize(s screen) {
	tb.t.Helper()
	if s.phone {
		tb.do(chromedp.EmulateViewport(s.width, s.height, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(1)))
	} else {
		tb.do(chromedp.EmulateViewport(s.width, s.height))
	}
	tb.isPhone = s.phone
}

// shot saves a PNG of what the window shows.
func (tb *tab) shot(dir, name string) {
	tb.t.Helper()
	tb.eval(`document.fonts.ready.then(() => new Promise(r => setTimeout(r, 100))).then(() => true)`, nil)
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// TestReadingFlow reads the repository's runbooks the way an engineer
// paged at 3 a.m. does, and measures each step of it.
func TestReadingFlow(t *testing.T) {
	t.Parallel()
	browserCtx := startBrowser(t)
	out := buildSite(t, filepath.Join("..", "runbooks"))
	origin := serve(t, out)
	t.Run("first command on the first screen", func(t *testing.T) { testFirstScreen(t, browserCtx, origin, out) })
	t.Run("no command text out of sight", func(t *testing.T) { testNoHiddenCommandText(t, browserCtx, origin, out) })
	t.Run("search forgives", func(t *testing.T) { testForgivingSearch(t, browserCtx, origin) })
}

// runbookPages returns the site paths of the runbooks in the built folder
// out: pages with runbook metadata and at least one code block.
func runbookPages(t *testing.T, out string) []string {
	t.Helper()
	var runbooks []string
	for _, p := range sitePages(t, out) {
		html, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p), "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(html), `<dl class="runbook-meta">`) && strings.Contains(string(html), `<div class="code`) {
			runbooks = append(runbooks, p)
		}
	}
	if len(runbooks) < 8 {
		t.Fatalf("only %d runbooks with commands: %q", len(runbooks), runbooks)
	}
	return runbooks
}

// sitePages returns the site paths of every page in the built folder out,
// but the alert redirects.
func sitePages(t *testing.T, out string) []string {
	t.Helper()
	var pages []string
	err := filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != "index.html" {
			return err
		}
		rel, _ := filepath.Rel(out, filepath.Dir(p))
		if strings.HasPrefix(rel, "alerts") {
			return nil
		}
		pages = append(pages, "/"+strings.TrimPrefix(filepath.ToSlash(rel)+"/", "./"))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return pages
}

// testFirstScreen measures, on every runbook of the repository, where the
// first command starts: within the first screen of a 1280×720 laptop and a
// 390×844 phone, below a one-line summary of the metadata and parameters
// and, where they would push it below, the sections above it folded to
// their heading; a link to a folded section opens it.
// On a wide screen the contents are a column to the right of the text
// that stays in view while the page scrolls. It saves a screenshot of the
// first screen of every runbook at both sizes.
func testFirstScreen(t *testing.T, browserCtx context.Context, origin, out string) {
	tb := openTab(t, browserCtx, origin)
	runbooks := runbookPages(t, out)
	dir := screenshotDir(t)
	t.Logf("first-screen screenshots in %s", dir)

	for _, s := range []screen{laptop, phone} {
		tb.resize(s)
		for _, p := range runbooks {
			tb.open(p)
			var m struct {
				CodeTop, Line, Inner, MetaH, MetaLine, VarsH float64
				TOCOpen                                      bool
				Folded                                       []string
			}
			tb.eval(`(() => {
				const pre = [...document.querySelectorAll(".content .code pre")].find(p => !p.closest("details:not([open])") && p.getClientRects().length);
				if (!pre) return {Folded: [...document.querySelectorAll(".content details:not([open])")].map(d => d.className + " after " + (d.previousElementSibling || {}).id)};
				const cs = getComputedStyle(pre);
				const meta = document.querySelector(".runbook-meta");
				const vars = document.querySelector(".vars-summary");
				const toc = document.querySelector(".toc-details");
				return {
					CodeTop: pre.getBoundingClientRect().top + parseFloat(cs.paddingTop),
					Line: parseFloat(cs.lineHeight),
					Inner: window.innerHeight,
					MetaH: meta.getBoundingClientRect().height,
					MetaLine: parseFloat(getComputedStyle(meta).lineHeight),
					VarsH: vars ? vars.getBoundingClientRect().height : 0,
					TOCOpen: toc ? toc.open : false,
					Folded: [...document.querySelectorAll(".content details.fold:not([open])")].map(d => d.previousElementSibling.id),
				};
			})()`, &m)
			name := strings.Trim(p, "/")
			if m.Line == 0 {
				t.Errorf("%s at %s: no command is in view (folded: %q)", p, s.name, m.Folded)
			}
			// The first line of the first command in view is on the
			// screen; sections above it may be folded to their heading.
			if bottom := m.CodeTop + m.Line; bottom > m.Inner {
				t.Errorf("%s at %s: the first command's first line ends %.0f px down, below the %.0f px screen (folded: %q)", p, s.name, bottom, m.Inner, m.Folded)
			}
			if len(m.Folded) > 0 {
				t.Logf("%s at %s: folded above the first command: %q", p, s.name, m.Folded)
			}
			if s.phone && m.MetaH > 2.2*m.MetaLine {
				t.Errorf("%s at %s: the metadata takes %.0f px, more than one line of %.0f px", p, s.name, m.MetaH, m.MetaLine)
			}
			if m.VarsH > 48 {
				t.Errorf("%s at %s: the folded parameters take %.0f px, more than one line", p, s.name, m.VarsH)
			}
			if s.phone && m.TOCOpen {
				t.Errorf("%s at %s: the contents start open", p, s.name)
			}
			tb.shot(dir, fmt.Sprintf("first-%s-%s", name, s.name))
		}
	}

	// A planned procedure's overview and prerequisites fold on a laptop;
	// the contents' link to one opens it, with its commands.
	tb.resize(laptop)
	tb.open("/database-migration/")
	if n := tb.num(`document.querySelectorAll(".content details.fold:not([open])").length`); n == 0 {
		t.Fatal("/database-migration/ at 1280x720: nothing is folded above the first command")
	}
	tb.do(chromedp.Click(chromedp.CSS(`.toc a[href="#prerequisites"]`)))
	var opened struct {
		Open      bool
		CodeShown bool
		HeadTop   float64
	}
	tb.eval(`(() => {
		const h = document.getElementById("prerequisites"), f = h.nextElementSibling;
		return {Open: f.matches("details.fold[open]"), CodeShown: !!f.querySelector(".code pre") && f.querySelector(".code pre").getClientRects().length > 0,
			HeadTop: h.getBoundingClientRect().top};
	})()`, &opened)
	if !opened.Open || !opened.CodeShown || opened.HeadTop < 0 || opened.HeadTop > 200 {
		t.Errorf("after the contents' link to Prerequisites: fold open %v, its command shown %v, heading at y=%.0f", opened.Open, opened.CodeShown, opened.HeadTop)
	}

	// At 1440 px the contents are a column to the right of the text,
	// still in view after the page has scrolled far down.
	tb.resize(wide)
	tb.open("/arca-api-down/")
	var col struct{ ContentRight, TOCLeft, TOCTop, TOCTopAfter, Header, TextWidth float64 }
	tb.eval(`(async () => {
		const toc = document.querySelector(".page-aside .toc"), content = document.querySelector(".content");
		const r = {ContentRight: content.getBoundingClientRect().right, TOCLeft: toc.getBoundingClientRect().left,
			TOCTop: toc.getBoundingClientRect().top, Header: document.querySelector(".site-header").getBoundingClientRect().bottom,
			TextWidth: content.getBoundingClientRect().width};
		window.scrollTo(0, document.documentElement.scrollHeight / 2);
		await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
		r.TOCTopAfter = toc.getBoundingClientRect().top;
		return r;
	})()`, &col)
	if col.TOCLeft < col.ContentRight {
		t.Errorf("at 1440 px the contents start at x=%.0f, left of the text's right edge %.0f: not a column beside it", col.TOCLeft, col.ContentRight)
	}
	if col.TOCTopAfter < col.Header || col.TOCTopAfter > col.Header+40 {
		t.Errorf("at 1440 px after scrolling half the page the contents are at y=%.0f, want just under the header (%.0f)", col.TOCTopAfter, col.Header)
	}
	if col.TextWidth < 760 {
		t.Errorf("at 1440 px the text column is %.0f px wide, want at least 760", col.TextWidth)
	}
	if !tb.truth(`[...document.querySelectorAll(".page-aside .toc a")].some(a => a.classList.contains("is-current"))`) {
		t.Error("after scrolling, no entry of the contents is marked as the section being read")
	}
}

// testNoHiddenCommandText checks every code block of every runbook at 1440
// and 390 px: no block scrolls sideways (its scrollWidth is its
// clientWidth), a wrapped line shows a continuation marker, and the copy
// button still copies the block's text byte for byte.
func testNoHiddenCommandText(t *testing.T, browserCtx context.Context, origin, out string) {
	tb := openTab(t, browserCtx, origin)
	runbooks := runbookPages(t, out)
	for _, s := range []screen{wide, phone} {
		tb.resize(s)
		wrapped := 0
		for _, p := range runbooks {
			tb.open(p)
			var lines struct {
				Clipped         []string
				Wrapped, Marked int
			}
			tb.eval(`(() => {
				// Folded sections opened, as a reader would, to see them.
				document.querySelectorAll(".content details").forEach(d => d.open = true);
				const clipped = [...document.querySelectorAll(".content pre")].filter(p => p.scrollWidth > p.clientWidth + 1)
					.map(p => p.scrollWidth - p.clientWidth + " px of " + JSON.stringify(p.textContent.slice(0, 60)));
				// Each line taller than one row wraps behind the marker.
				let wrapped = 0, marked = 0;
				for (const ln of document.querySelectorAll(".content .code .code-line")) {
					const lh = parseFloat(getComputedStyle(ln).lineHeight);
					if (ln.getBoundingClientRect().height < 1.5 * lh) continue;
					wrapped++;
					const m = getComputedStyle(ln, "::after");
					if (parseFloat(m.height) >= lh * 0.9 && m.backgroundColor !== "rgba(0, 0, 0, 0)") marked++;
				}
				return {Clipped: clipped, Wrapped: wrapped, Marked: marked};
			})()`, &lines)
			for _, c := range lines.Clipped {
				t.Errorf("%s at %s: a code block hides %s", p, s.name, c)
			}
			if lines.Marked != lines.Wrapped {
				t.Errorf("%s at %s: %d of %d wrapped lines show no continuation marker", p, s.name, lines.Wrapped-lines.Marked, lines.Wrapped)
			}
			wrapped += lines.Wrapped
		}
		if wrapped == 0 {
			t.Errorf("at %s no line of any runbook wraps: the measure proves nothing", s.name)
		}
		t.Logf("at %s: %d wrapped lines, all marked", s.name, wrapped)
	}

	// Copying the block with the longest line gives the text the build
	// wrote, byte for byte, as the page's HTML holds it.
	tb.resize(phone)
	tb.allowClipboard(true)
	tb.open("/arca-api-down/")
	tb.eval(`(() => {
		const blocks = [...document.querySelectorAll(".content .code")].filter(b => !b.classList.contains("destructive") && !b.classList.contains("has-vars"));
		const longest = blocks.reduce((a, b) => Math.max(...b.textContent.split("\n").map(l => l.length)) > Math.max(...a.textContent.split("\n").map(l => l.length)) ? b : a);
		longest.id = "longest";
		return true;
	})()`, nil)
	want := tb.str(`fetch(location.href).then(r => r.text()).then(h => {
		const d = new DOMParser().parseFromString(h, "text/html");
		const i = [...document.querySelectorAll(".content .code")].indexOf(document.getElementById("longest"));
		return d.querySelectorAll(".content .code")[i].querySelector("code").textContent.replace(/\s+$/, "");
	})`)
	got := tb.copyBlock("#longest")
	if got != want {
		t.Errorf("copied\n%q\nwant the block's text\n%q", got, want)
	}
	if !strings.Contains(want, "\n") || len(want) < 200 {
		t.Errorf("the longest block is only %q: the check proves little", want)
	}
}

// testForgivingSearch types the queries an on-call engineer typed into the
// repository's site and checks what comes first: part of an alert name, a
// misspelt alert name, a misspelt word, severity words and an owner. Then
// it counts the keys from the home page to the first command on the
// clipboard, and moves between steps with j and k.
func testForgivingSearch(t *testing.T, browserCtx context.Context, origin string) {
	tb := openTab(t, browserCtx, origin)
	tb.open("/")

	type result struct{ Href, Badge, Alert string }
	search := func(q string) (results []result, status string) {
		t.Helper()
		tb.eval(`(() => { const i = document.getElementById("search-input"); i.value = ""; i.dispatchEvent(new Event("input")); return true; })()`, nil)
		tb.do(typeInto("search-input", q))
		tb.wait(fmt.Sprintf(`document.getElementById("search-listbox").dataset.query === %q`, q))
		tb.eval(`[...document.querySelectorAll("#search-listbox [role=option]")].map(a => ({
			Href: a.getAttribute("href"), Badge: a.querySelector(".badge").textContent,
			Alert: (a.querySelector(".result-alert code") || {}).textContent || ""}))`, &results)
		return results, tb.str(`document.getElementById("search-status").textContent`)
	}

	for _, tt := range []struct{ q, href, alert string }{
		{"WsfeUnavailable", "arca-api-down/index.html", "ArcaWsfeUnavailable"},
		{"ArcaWsfeUnavailabel", "arca-api-down/index.html", "ArcaWsfeUnavailable"},
		{"wsaa login", "arca-api-down/index.html", ""},
	} {
		rs, status := search(tt.q)
		if len(rs) == 0 || rs[0].Href != tt.href {
			t.Errorf("%q: results %v (%s), want %s first", tt.q, rs, status, tt.href)
			continue
		}
		if tt.alert != "" && rs[0].Alert != tt.alert {
			t.Errorf("%q: the first result names the alert %q, want %q", tt.q, rs[0].Alert, tt.alert)
		}
		if rs[0].Badge != "SEV1" {
			t.Errorf("%q: the first result's severity badge says %q", tt.q, rs[0].Badge)
		}
	}

	// A misspelt word is read as the word it is closest to, and the
	// status says so.
	rs, status := search("redsi memory")
	if len(rs) == 0 || rs[0].Href != "redis-out-of-memory/index.html" {
		t.Errorf(`"redsi memory": results %v, want the Redis runbook first`, rs)
	}
	if !strings.Contains(status, "“redsi” read as “redis”") {
		t.Errorf(`"redsi memory": the status %q does not say how "redsi" was read`, status)
	}

	// Severity words find the pages of that severity before any page
	// that merely mentions them.
	var sev1 []string
	tb.eval(`[...document.querySelectorAll("#group-sev1 + .table-wrap tbody a")].map(a => a.getAttribute("href"))`, &sev1)
	if len(sev1) < 2 {
		t.Fatalf("the home page lists %d SEV1 runbooks", len(sev1))
	}
	for _, q := range []string{"sev1", "critical", "p1", "SEV1"} {
		rs, _ := search(q)
		if len(rs) < len(sev1) {
			t.Errorf("%q: %d results, want at least the %d SEV1 runbooks", q, len(rs), len(sev1))
			continue
		}
		var got []string
		for _, r := range rs[:len(sev1)] {
			got = append(got, r.Href)
			if r.Badge != "SEV1" {
				t.Errorf("%q: result %s has badge %q among the first %d", q, r.Href, r.Badge, len(sev1))
			}
		}
		t.Logf("%q: first %d results %q", q, len(sev1), got)
	}
	// An owner's name finds the pages they own first.
	rs, _ = search("Integrations Team")
	var owned int
	tb.eval(`[...document.querySelectorAll("main tbody td[data-label=Owner]")].filter(td => td.textContent === "Integrations Team").length`, &owned)
	if owned == 0 || len(rs) < owned {
		t.Fatalf(`"Integrations Team": %d results for %d pages owned`, len(rs), owned)
	}
	for _, r := range rs[:owned] {
		tb.open("/" + strings.TrimSuffix(r.Href, "index.html"))
		if o := tb.str(`[...document.querySelectorAll(".runbook-meta .meta-item")].map(m => m.textContent).join(" ")`); !strings.Contains(o, "Integrations Team") {
			t.Errorf(`"Integrations Team": %s is among the first %d results, but its metadata says %q`, r.Href, owned, o)
		}
	}

	// From the home page to the first command on the clipboard: "/", the
	// alert name, Enter, c.
	tb.allowClipboard(true)
	tb.open("/")
	tb.eval(`navigator.clipboard.writeText("(nothing copied)").then(() => true)`, nil)
	const alert = "ArcaWsfeUnavailable"
	keys := 0
	tb.press("/", "Slash", 191)
	keys++
	tb.do(typeInto("search-input", alert))
	keys += len(alert)
	tb.wait(fmt.Sprintf(`document.getElementById("search-listbox").dataset.query === %q`, alert))
	tb.do(chromedp.KeyEvent("\r"))
	keys++
	tb.wait(`location.pathname === "/arca-api-down/" && document.querySelector(".to-top-float") !== null`)
	if !tb.truth(`document.activeElement === document.querySelector(".content .code pre")`) {
		t.Fatalf("after Enter on a result the focus is on %s, want the first command", tb.str(`document.activeElement.outerHTML.slice(0, 80)`))
	}
	tb.press("c", "KeyC", 67)
	keys++
	tb.wait(`document.querySelector(".content .code .copy-btn").textContent !== "Copy"`)
	want := tb.str(`document.querySelector(".content .code code").textContent.replace(/\s+$/, "")`)
	if got := tb.str(`navigator.clipboard.readText()`); got != want {
		t.Errorf("c copied %q, want the first command %q", got, want)
	}
	t.Logf("%d keys from the home page to the first command on the clipboard", keys)

	// j goes to the next step: its heading at the top, focus on its
	// first command; k comes back.
	var at []string
	for _, key := range []string{"j", "j", "k"} {
		tb.press(key, "Key"+strings.ToUpper(key), int64(key[0]-'a'+65))
		at = append(at, tb.str(`(() => { const a = document.activeElement; const hs = [...document.querySelectorAll(".content h2[id], .content h3[id]")];
			return (hs.filter(h => h === a || (h.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)).pop() || {id: "(none)"}).id; })()`))
	}
	if at[0] == at[1] || at[2] != at[0] {
		t.Errorf("j, j, k visited the steps %q: want two different steps, then back to the first", at)
	}
	var headTop, headerBottom float64
	headTop = tb.num(fmt.Sprintf(`document.getElementById(%q).getBoundingClientRect().top`, at[2]))
	headerBottom = tb.num(`document.querySelector(".site-header").getBoundingClientRect().bottom`)
	if headTop < headerBottom-1 || headTop > headerBottom+60 {
		t.Errorf("after k the step %s is at y=%.0f, want it just under the header (%.0f)", at[2], headTop, headerBottom)
	}
}
