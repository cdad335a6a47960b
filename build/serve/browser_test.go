package serve

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/arcaapi/runbooks/internal/browser"
	"github.com/arcaapi/runbooks/internal/fixture"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// startBrowser starts a headless Chromium for the test and returns its
// context, or skips the test as the browser package's policy says.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	return browser.Start(t, chromedp.WindowSize(1024, 700))
}

// do runs browser actions, failing the test after a while.
func do(t *testing.T, ctx context.Context, p *preview, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, patience)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v\nserver output:\n%s", what, err, p.stderr)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, patience)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// problemsIn collects the page's script errors and CSP violations.
func problemsIn(t *testing.T, ctx context.Context) func() []string {
	t.Helper()
	var mu sync.Mutex
	var out []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			out = append(out, ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				out = append(out, fmt.Sprint(ev.Args))
			}
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				out = append(out, ev.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	// The log domain reports CSP violations.
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(out)
	}
}

// TestBrowserReloadsAndShowsProblems drives a real browser: an edit reloads
// the page at the same scroll position, a broken save shows the problems
// over the last good page, and the fix clears them.
func TestBrowserReloadsAndShowsProblems(t *testing.T) {
	ctx := startBrowser(t)
	var long strings.Builder
	for i := range 80 {
		fmt.Fprintf(&long, "Paragraph %d of a long page, long enough to scroll.\n\n", i)
	}
	files := maps.Clone(docs)
	files["guide.md"] = "# Guide\n\n## First version\n\n" + long.String()
	p := startPreview(t, files)
	errs := problemsIn(t, ctx)

	do(t, ctx, p, "open the page",
		chromedp.Navigate(p.url+"guide/"),
		chromedp.WaitVisible(chromedp.ID("first-version")),
		chromedp.WaitReady(chromedp.CSS("html[data-live]")),
	)
	if y := eval[float64](t, ctx, `window.scrollTo(0, 1200); window.scrollY`); y < 1000 {
		t.Fatalf("the page did not scroll: scrollY = %v", y)
	}

	fixture.Write(t, p.dir, map[string]string{"guide.md": "# Guide\n\n## Second version\n\n" + long.String()})
	do(t, ctx, p, "reload after an edit",
		chromedp.WaitVisible(chromedp.ID("second-version")),
		chromedp.WaitReady(chromedp.CSS("html[data-live]")),
	)
	if y := eval[float64](t, ctx, `window.scrollY`); y < 1100 || y > 1300 {
		t.Errorf("after the reload scrollY = %v, want about 1200", y)
	}

	fixture.Write(t, p.dir, map[string]string{"guide.md": "---\ntitle: [unclosed\n---\n\n## Broken version\n"})
	do(t, ctx, p, "show the overlay", chromedp.WaitVisible(chromedp.CSS("#runbooks-live.live-major")))
	overlay := eval[string](t, ctx, `document.getElementById("runbooks-live").innerText`)
	for _, want := range []string{"guide.md:2:", "1 error", "last good version", "front-matter"} {
		if !strings.Contains(overlay, want) {
			t.Errorf("the overlay lacks %q:\n%s", want, overlay)
		}
	}
	if !eval[bool](t, ctx, `document.getElementById("second-version") !== null && document.getElementById("broken-version") === null`) {
		t.Error("the broken save replaced the last good page")
	}

	fixture.Write(t, p.dir, map[string]string{"guide.md": "# Guide\n\n## Fixed version\n\nAll good.\n"})
	do(t, ctx, p, "clear the overlay after the fix",
		chromedp.WaitVisible(chromedp.ID("fixed-version")),
		chromedp.WaitReady(chromedp.CSS("html[data-live]")),
		chromedp.WaitNotPresent(chromedp.CSS("#runbooks-live")),
	)
	if e := errs(); len(e) > 0 {
		t.Errorf("the page reported errors (script errors or CSP violations):\n%s", strings.Join(e, "\n"))
	}
}

// TestBrowserSwapsStylesheet checks that a stylesheet change in --theme
// restyles the page without reloading it.
func TestBrowserSwapsStylesheet(t *testing.T) {
	ctx := startBrowser(t)
	themeDir := t.TempDir()
	fixture.Write(t, themeDir, map[string]string{"static/print.css": "body { margin: 0; }\n"})
	p := startPreview(t, docs, func(o *Options) { o.Config.Theme = themeDir })
	errs := problemsIn(t, ctx)
	do(t, ctx, p, "open the page",
		chromedp.Navigate(p.url+"guide/"),
		chromedp.WaitReady(chromedp.CSS("html[data-live]")),
	)
	eval[bool](t, ctx, `window.notReloaded = true`) // a reload would lose it
	fixture.Write(t, themeDir, map[string]string{"static/style.css": "body { background: rgb(1, 2, 3); }\n"})
	do(t, ctx, p, "apply the new stylesheet",
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[chromedp.Void](`getComputedStyle(document.body).backgroundColor === "rgb(1, 2, 3)"`, chromedp.WithPollingTimeout(patience))(ctx, tg)
			return err
		}),
	)
	if !eval[bool](t, ctx, `window.notReloaded === true`) {
		t.Error("the page reloaded for a stylesheet change")
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("the page reported errors:\n%s", strings.Join(e, "\n"))
	}
}

// TestBrowserOverlayPerPage checks that the overlay shows the problems of
// the page being read first, counts the rest of the site's, lists them on
// request, and does not cover a page whose own source is clean.
func TestBrowserOverlayPerPage(t *testing.T) {
	ctx := startBrowser(t)
	files := maps.Clone(docs)
	files["guide.md"] = "# Guide\n\nSee [nowhere](nowhere.md).\n"
	files["db/pool.md"] = "# Pool\n\n[a](gone-1.md) [b](gone-2.md) <span onclick=\"x()\">c</span>\n"
	p := startPreview(t, files)
	errs := problemsIn(t, ctx)

	do(t, ctx, p, "open the guide",
		chromedp.Navigate(p.url+"guide/"),
		chromedp.WaitReady(chromedp.CSS("html[data-live]")),
		chromedp.WaitVisible(chromedp.CSS("#runbooks-live.live-major")),
	)
	head := eval[string](t, ctx, `document.querySelector("#runbooks-live .live-head").innerText`)
	for _, want := range []string{"1 error, 0 warnings in this page", "3 problems in other files (2 errors)"} {
		if !strings.Contains(head, want) {
			t.Errorf("the overlay's head lacks %q:\n%s", want, head)
		}
	}
	listed := eval[[]string](t, ctx, `[...document.querySelectorAll("#runbooks-live .live-problems li")].map(li => li.innerText)`)
	if len(listed) != 1 || !strings.Contains(listed[0], "guide.md:3:5") {
		t.Errorf("listed %q, want only the guide's broken link", listed)
	}
	do(t, ctx, p, "list the other files' problems", chromedp.Click(chromedp.CSS("#runbooks-live .live-show-others")))
	listed = eval[[]string](t, ctx, `[...document.querySelectorAll("#runbooks-live .live-problems li")].map(li => li.innerText)`)
	if len(listed) != 4 || !strings.Contains(listed[0], "guide.md") || !strings.Contains(listed[1], "db/pool.md") {
		t.Errorf("after listing the others: %q", listed)
	}

	// A page without problems of its own gets the folded corner, not a
	// cover over its text.
	do(t, ctx, p, "open a clean page",
		chromedp.Navigate(p.url+"db/other/"),
		chromedp.WaitReady(chromedp.CSS("html[data-live]")),
		chromedp.WaitReady(chromedp.CSS("#runbooks-live")),
	)
	if eval[bool](t, ctx, `document.getElementById("runbooks-live").classList.contains("live-major")`) {
		t.Error("a page with no problems of its own is covered by the overlay")
	}
	if head := eval[string](t, ctx, `document.querySelector("#runbooks-live .live-head").innerText`); !strings.Contains(head, "0 errors, 0 warnings in this page") || !strings.Contains(head, "4 problems in other files (3 errors)") {
		t.Errorf("the clean page's overlay says:\n%s", head)
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("the page reported errors:\n%s", strings.Join(e, "\n"))
	}
}
