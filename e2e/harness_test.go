package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	chrome "github.com/arcaapi/runbooks/internal/browser"
	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// policy is the Content-Security-Policy the test server sends with every
// response: only the site's own files, no inline script or style.
const policy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// cspListener runs in every document before the page's scripts and reports
// each Content-Security-Policy violation on the console, where the tab's
// listener sees it. Scripts added through DevTools are not subject to the
// page's policy.
const cspListener = `document.addEventListener("securitypolicyviolation", e => console.error("securitypolicyviolation " + JSON.stringify({
	directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample})));`

// buildDate is the build date of the test sites, so that "review overdue"
// does not depend on the day the tests run.
func buildDate() time.Time { return time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC) }

// buildSite builds the runbook tree in src and returns the output folder.
func buildSite(t testing.TB, src string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	res, err := build.Build(context.Background(), build.Config{
		Src:     src,
		Out:     out,
		NoCache: true,
		Now:     buildDate(),
		EditURL: "https://example.invalid/runbooks/edit/main/",
	})
	if err != nil {
		for _, p := range res.Problems {
			t.Log(p)
		}
		t.Fatalf("build %s: %v", src, err)
	}
	return out
}

// serve serves the folder on 127.0.0.1 with the strict policy and returns
// the server's origin, "http://127.0.0.1:port".
func serve(t testing.TB, dir string) string {
	t.Helper()
	files := http.FileServerFS(os.DirFS(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", policy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// startBrowser starts headless Chromium for the test, or skips (or, with
// RUNBOOKS_REQUIRE_BROWSER=1, fails) the test when it cannot.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	return chrome.Start(t)
}

// tab is a browser tab on a test site. It records what an engineer would
// never want to see: console errors, uncaught exceptions, policy
// violations, requests to other hosts and JavaScript dialogs; the test
// fails on any of them when it ends.
type tab struct {
	t      *testing.T
	ctx    context.Context
	origin string

	isPhone bool // the tab emulates a phone

	mu       sync.Mutex
	problems []string
	dialogs  []string
}

// openTab opens a tab of the browser for the site at origin.
func openTab(t *testing.T, browserCtx context.Context, origin string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancelTimeout)
	tb := &tab{t: t, ctx: ctx, origin: origin}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	if err := chromedp.Listen(ctx, tb.event); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListener}); err != nil {
		t.Fatal(err)
	}
	// A headless tab is never the focused window: emulate focus so the
	// clipboard and focus styles behave as they do for a reader.
	if _, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tb.check)
	return tb
}

func (tb *tab) problem(format string, args ...any) {
	tb.mu.Lock()
	tb.problems = append(tb.problems, fmt.Sprintf(format, args...))
	tb.mu.Unlock()
}

// event runs in the tab's message loop: it must only record.
func (tb *tab) event(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg = d.Exception.Description
		}
		tb.problem("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg)
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			tb.problem("console.%s: %s", ev.Type, strings.Join(parts, " "))
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			tb.problem("browser log: %s %s", ev.Entry.Text, ev.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		u, err := url.Parse(ev.Request.URL)
		if err != nil {
			tb.problem("request to an unparsable URL %q", ev.Request.URL)
			return
		}
		switch u.Scheme {
		case "data", "blob", "about":
			return
		}
		if u.Hostname() != "127.0.0.1" {
			tb.problem("request to another host: %s", ev.Request.URL)
		}
	case *page.EventJavascriptDialogOpening:
		tb.mu.Lock()
		tb.dialogs = append(tb.dialogs, fmt.Sprintf("%s dialog: %q", ev.Type, ev.Message))
		tb.mu.Unlock()
		go func() { // a dialog blocks the page until it is answered
			_, _ = chromedp.Call(tb.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}()
	}
}

// check fails the test on anything the tab recorded.
func (tb *tab) check() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, p := range tb.problems {
		tb.t.Errorf("browser: %s", p)
	}
	for _, d := range tb.dialogs {
		tb.t.Errorf("browser: a page opened a %s", d)
	}
}

// dialogCount returns the number of dialogs opened so far.
func (tb *tab) dialogCount() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return len(tb.dialogs)
}

// do runs actions, failing the test on error.
func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("browser: %v", err)
	}
}

// open loads a page of the site and waits until runbooks.js has set it up
// (the back-to-top control is among the last things it adds).
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(tb.origin + path))
	tb.wait(`document.readyState === "complete" && document.querySelector(".to-top-float") !== null`)
}

// follow clicks the link the expression names and, unless the link only
// moves within the page, waits until the document it leads to has loaded.
// Waiting for readyState alone is not enough: right after the click the old
// document is still complete, and the next navigation would abort this one.
func (tb *tab) follow(link string) {
	tb.t.Helper()
	var leaves bool
	tb.eval(`(() => {
		const a = `+link+`;
		const u = new URL(a.href, location.href);
		window.runbooksTestBefore = true;
		const leaves = !(u.hash !== "" && u.origin === location.origin && u.pathname === location.pathname && u.search === location.search);
		a.click();
		return leaves;
	})()`, &leaves)
	if leaves {
		tb.wait(`window.runbooksTestBefore === undefined && document.readyState === "complete"`)
	}
}

// reload reloads the page and waits for its script.
func (tb *tab) reload() {
	tb.t.Helper()
	tb.do(chromedp.Reload())
	tb.wait(`document.readyState === "complete" && document.querySelector(".to-top-float") !== null`)
}

// eval evaluates a JavaScript expression in the page and decodes its value
// (awaiting it when it is a promise) into v.
func (tb *tab) eval(expr string, v any) {
	tb.t.Helper()
	raw, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	if v == nil {
		return
	}
	if err := json.Unmarshal(raw, v); err != nil {
		tb.t.Fatalf("evaluate %s: decode %s: %v", expr, raw, err)
	}
}

func (tb *tab) str(expr string) string {
	tb.t.Helper()
	var s string
	tb.eval(expr, &s)
	return s
}

func (tb *tab) num(expr string) float64 {
	tb.t.Helper()
	var n float64
	tb.eval(expr, &n)
	return n
}

func (tb *tab) truth(expr string) bool {
	tb.t.Helper()
	var b bool
	tb.eval("!!("+expr+")", &b)
	return b
}

// wait polls a JavaScript condition until it holds. (chromedp.Poll builds
// its predicate with new Function, which the page's policy forbids.)
func (tb *tab) wait(cond string) {
	tb.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var ok bool
		raw, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]byte]("!!("+cond+")"))
		if err == nil {
			err = json.Unmarshal(raw, &ok)
		}
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("timed out waiting for %s (last error: %v)", cond, err)
		}
		time.Sleep(40 * time.Millisecond)
	}
}

// disableScripts turns JavaScript off in the tab.
func (tb *tab) disableScripts() {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		tb.t.Fatal(err)
	}
}

// colorScheme emulates the reader's system colour scheme: "light" or "dark".
func (tb *tab) colorScheme(scheme string) {
	tb.t.Helper()
	_, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		tb.t.Fatal(err)
	}
}

// media emulates a CSS media type, "print" or "screen".
func (tb *tab) media(m string) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
		tb.t.Fatal(err)
	}
}

// allowClipboard lets the site read and write the clipboard, as a reader
// who accepted the browser's prompt would.
func (tb *tab) allowClipboard(write bool) {
	tb.t.Helper()
	for name, granted := range map[string]bool{"clipboard-read": true, "clipboard-write": write} {
		setting := browser.PermissionSettingGranted
		if !granted {
			setting = browser.PermissionSettingDenied
		}
		_, err := chromedp.CallBrowser(tb.ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name},
			Setting:    setting,
			Origin:     tb.origin,
		})
		if err != nil {
			tb.t.Fatalf("set %s permission: %v", name, err)
		}
	}
}

// screenshotDir returns the folder for screenshots: $RUNBOOKS_SCREENSHOTS,
// else a temporary folder.
func screenshotDir(t *testing.T) string {
	dir := os.Getenv("RUNBOOKS_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(dir)
	return abs
}

// screenshot saves a full-page PNG of the current page.
func (tb *tab) screenshot(dir, name string) {
	tb.t.Helper()
	// Let the fonts settle and any transition end.
	tb.eval(`document.fonts.ready.then(() => new Promise(r => setTimeout(r, 150))).then(() => true)`, nil)
	// Make the viewport as tall as the page, so that the sticky header
	// and navigation sit where a reader sees them, at the top.
	width := int64(1280)
	opts := []chromedp.EmulateViewportOption{}
	if tb.isPhone {
		width = 390
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulateScale(3))
	}
	height := min(int64(tb.num(`document.documentElement.scrollHeight`)), 16000)
	tb.do(chromedp.EmulateViewport(width, height, opts...))
	png, err := chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("screenshot: %v", err)
	}
	if tb.isPhone {
		tb.phone()
	} else {
		tb.do(chromedp.ResetViewport())
	}
	p := filepath.Join(dir, name+".png")
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot %s", p)
}

// axeViolation is what the tests keep of an axe-core violation.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// loadAxe returns the source of axe-core, or skips the test when it is not
// installed.
func loadAxe(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("node_modules", "axe-core", "axe.min.js"))
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("accessibility checks skipped: axe-core is not installed; run npm ci --prefix e2e")
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// axe runs axe-core on the current page and returns its violations.
func (tb *tab) axe(src string) []axeViolation {
	tb.t.Helper()
	tb.eval(src+"; true", nil)
	var vs []axeViolation
	tb.eval(`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations.map(v => ({
		id: v.id, impact: v.impact || "", help: v.help,
		nodes: v.nodes.slice(0, 6).map(n => n.target.join(" ") + " " + (n.failureSummary || "").split("\n").slice(1).join(" "))})))`, &vs)
	return vs
}

// typeInto focuses the visible element with the id and types the text
// into it, key by key, as a reader would. It stands in for
// chromedp.SendKeys, which reads the node's attributes while the tab's
// event loop may be changing them (a data race in chromedp v0.23.0).
func typeInto(id, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Focus(chromedp.ID(id), chromedp.NodeVisible),
		chromedp.KeyEvent(text),
	)
}
