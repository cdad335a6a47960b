package e2e

import (
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
		tb.do(chromedp.EmulateViewport(s.width, s.height, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(2)))
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

// repoSite builds the repository's runbooks once per test and returns the
// origin serving them and the paths of the runbooks (pages with runbook
// metadata and at least one code block).
func repoSite(t *testing.T, tb *tab, all []string) []string {
	t.Helper()
	var runbooks []string
	for _, p := range all {
		tb.open(p)
		if tb.truth(`document.querySelector(".runbook-meta") && document.querySelector(".content .code")`) {
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

// TestFirstScreen measures, on every runbook of the repository, where the
// first command starts: within the first screen of a 1280×720 laptop and a
// 390×844 phone, below a one-line summary of the metadata and parameters.
// On a wide screen the contents are a column to the right of the text
// that stays in view while the page scrolls. It saves a screenshot of the
// first screen of every runbook at both sizes.
func TestFirstScreen(t *testing.T) {
	browserCtx := startBrowser(t)
	out := buildSite(t, filepath.Join("..", "runbooks"))
	origin := serve(t, out)
	tb := openTab(t, browserCtx, origin)
	runbooks := repoSite(t, tb, sitePages(t, out))
	dir := screenshotDir(t)
	t.Logf("first-screen screenshots in %s", dir)

	for _, s := range []screen{laptop, phone} {
		tb.resize(s)
		for _, p := range runbooks {
			tb.open(p)
			var m struct {
				CodeTop, Line, Inner, MetaH, MetaLine, VarsH float64
				TOCOpen, Planned                             bool
			}
			tb.eval(`(() => {
				const pre = document.querySelector(".content .code pre");
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
					Planned: !!document.querySelector(".page-head-maintenance"),
				};
			})()`, &m)
			name := strings.Trim(p, "/")
			// The first line of the first command is on the screen. A
			// planned procedure starts with its preparation, which the
			// layout cannot move out of the way: it is only reported.
			if bottom := m.CodeTop + m.Line; bottom > m.Inner {
				if m.Planned {
					t.Logf("%s at %s (maintenance): the first command's first line ends %.0f px down", p, s.name, bottom)
				} else {
					t.Errorf("%s at %s: the first command's first line ends %.0f px down, below the %.0f px screen", p, s.name, bottom, m.Inner)
				}
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

// TestNoHiddenCommandText checks every code block of every runbook at 1440
// and 390 px: no block scrolls sideways (its scrollWidth is its
// clientWidth), a wrapped line shows a continuation marker, and the copy
// button still copies the block's text byte for byte.
func TestNoHiddenCommandText(t *testing.T) {
	browserCtx := startBrowser(t)
	out := buildSite(t, filepath.Join("..", "runbooks"))
	origin := serve(t, out)
	tb := openTab(t, browserCtx, origin)
	runbooks := repoSite(t, tb, sitePages(t, out))
	for _, s := range []screen{wide, phone} {
		tb.resize(s)
		wrapped := 0
		for _, p := range runbooks {
			tb.open(p)
			var clipped []string
			tb.eval(`[...document.querySelectorAll(".content pre")].filter(p => p.scrollWidth > p.clientWidth + 1)
				.map(p => p.scrollWidth - p.clientWidth + " px of " + JSON.stringify(p.textContent.slice(0, 60)))`, &clipped)
			for _, c := range clipped {
				t.Errorf("%s at %s: a code block hides %s", p, s.name, c)
			}
			// Each line taller than one row wraps behind the marker.
			var lines struct{ Wrapped, Marked int }
			tb.eval(`(() => {
				let wrapped = 0, marked = 0;
				for (const ln of document.querySelectorAll(".content .code .code-line")) {
					const lh = parseFloat(getComputedStyle(ln).lineHeight);
					if (ln.getBoundingClientRect().height < 1.5 * lh) continue;
					wrapped++;
					const m = getComputedStyle(ln, "::after");
					if (parseFloat(m.height) >= lh * 0.9 && m.backgroundColor !== "rgba(0, 0, 0, 0)") marked++;
				}
				return {Wrapped: wrapped, Marked: marked};
			})()`, &lines)
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
