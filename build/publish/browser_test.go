package publish_test

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/publish"
	"github.com/arcaapi/runbooks/internal/browser"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// cspListener is added to every document before its own scripts run. It
// reports Content-Security-Policy violations on the console, in order with
// the page's other messages. (Scripts added through DevTools are not
// subject to the page's policy.)
const cspListener = `document.addEventListener("securitypolicyviolation", e => console.debug("securitypolicyviolation " + JSON.stringify({
	directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample})));`

// canary is a page that breaks the policy, served beside the site to prove
// that the test sees violations.
const canary = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>canary</title><link rel="icon" href="data:,">
<script>document.title = "inline script ran";</script></head>
<body><p style="color: red">inline style</p></body></html>`

// TestBrowserCSP builds the repository's runbooks, serves them under a
// sub-path with the headers of the generated _headers file, and opens every
// page in Chromium: no page may break the Content-Security-Policy, log a
// console error or throw.
func TestBrowserCSP(t *testing.T) {
	ctx := browser.Start(t) // tabs are opened from it
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "/ops/"
	origin := "http://" + ln.Addr().String()
	out := buildForBrowser(t, origin+prefix)
	rules := parseHeaders(t, readFile(t, filepath.Join(out, publish.HeadersFile)))

	files := http.StripPrefix(strings.TrimSuffix(prefix, "/"), http.FileServerFS(os.DirFS(out)))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, value := range headersFor(rules, r.URL.Path) {
			w.Header().Set(name, value)
		}
		if r.URL.Path == prefix+"csp-canary/" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, canary)
			return
		}
		// As GitHub Pages does, a path with no file gets the site's 404
		// page, which resolves alert URLs.
		name := strings.TrimPrefix(r.URL.Path, prefix)
		if strings.HasSuffix(name, "/") || name == "" {
			name += "index.html"
		}
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(name))); err != nil && strings.HasPrefix(r.URL.Path, prefix) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(readFile(t, filepath.Join(out, "404.html"))))
			return
		}
		files.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	// The canary proves the listener works: without it a silent browser
	// would pass every page.
	v, err := newVisitor(ctx, origin)
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	got, err := v.visit(prefix+"csp-canary/", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.violations) == 0 {
		t.Fatalf("the canary page's inline script and style were not reported as violations; the test cannot see CSP violations (messages: %v)", got.all)
	}
	v.close()

	type visit struct{ path, land string }
	var visits []visit
	for _, f := range siteFiles(t, out) {
		if !strings.HasSuffix(f, ".html") {
			continue
		}
		visits = append(visits, visit{prefix + strings.TrimSuffix(f, "index.html"), ""})
	}
	// No file stands at an alert URL: without _redirects, the 404 page
	// must send the browser on to the runbook the redirect names, whatever
	// the case of the name.
	for _, a := range alertMap(t, out) {
		land := redirectTarget(t, out, prefix+"alerts/"+strings.ToLower(a.Name)+"/")
		visits = append(visits,
			visit{prefix + "alerts/" + a.Name + "/", land},
			visit{prefix + "alerts/" + strings.ToUpper(a.Name), land})
	}
	if len(visits) == 0 {
		t.Fatal("no pages to visit")
	}

	// Visit the pages in a few tabs at once.
	reports := make([]report, len(visits))
	errs := make([]error, len(visits))
	var tabs []*visitor
	for range min(runtime.GOMAXPROCS(0), 4, len(visits)) {
		v, err := newVisitor(ctx, origin)
		if err != nil {
			t.Fatalf("open a tab: %v", err)
		}
		defer v.close()
		tabs = append(tabs, v)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for _, v := range tabs {
		wg.Go(func() {
			for i := range next {
				reports[i], errs[i] = v.visit(visits[i].path, visits[i].land)
			}
		})
	}
	for i := range visits {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, vi := range visits {
		if errs[i] != nil {
			t.Errorf("%s: %v", vi.path, errs[i])
			continue
		}
		for _, m := range reports[i].violations {
			t.Errorf("%s: Content-Security-Policy violation: %s", vi.path, m)
		}
		for _, m := range reports[i].errors {
			t.Errorf("%s: %s", vi.path, m)
		}
	}
	t.Logf("visited %d pages", len(visits))

	// An alert no runbook lists, misspelt: the 404 page says so and offers
	// the closest runbook and a search for the name, never a bare 404.
	lookup, err := newVisitor(ctx, origin)
	if err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	defer lookup.close()
	tctx, cancelLookup := context.WithTimeout(lookup.ctx, 60*time.Second)
	defer cancelLookup()
	var text, links string
	if err = chromedp.Do(tctx,
		chromedp.Navigate(origin+prefix+"alerts/ArcaWsfeUnavailabel/"),
		chromedp.WaitVisible(chromedp.CSS("#alert-lookup.is-shown")),
	); err != nil {
		t.Fatalf("unknown alert: %v", err)
	}
	text, err = chromedp.Run(tctx, chromedp.Evaluate[string](`document.getElementById("alert-lookup").textContent`))
	if err == nil {
		links, err = chromedp.Run(tctx, chromedp.Evaluate[string](`[...document.querySelectorAll("#alert-lookup a")].map(a => new URL(a.href).pathname + new URL(a.href).search).join(" ")`))
	}
	if err != nil {
		t.Fatalf("unknown alert: %v", err)
	}
	if !strings.Contains(text, "No runbook lists the alert ArcaWsfeUnavailabel") {
		t.Errorf("unknown alert: the page says %q", text)
	}
	if !strings.Contains(links, prefix+"arca-api-down/") || !strings.Contains(links, "q=ArcaWsfeUnavailabel") {
		t.Errorf("unknown alert: links %q, want the closest runbook (arca-api-down) and a search for the name", links)
	}
}

// buildForBrowser builds the repository's runbooks for baseURL.
func buildForBrowser(t *testing.T, baseURL string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "public")
	cfg := build.Config{Src: filepath.Join("..", "..", "runbooks"), Out: out, BaseURL: baseURL, Now: now, NoCache: true}
	if res, err := build.Build(context.Background(), cfg); err != nil {
		t.Fatalf("build runbooks/: %v\n%v", err, res.Problems)
	}
	return out
}

// redirectTarget returns where _redirects sends the request path from.
func redirectTarget(t *testing.T, out, from string) string {
	t.Helper()
	for _, line := range strings.Split(readFile(t, filepath.Join(out, alerts.RedirectsFile)), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == from {
			return f[1]
		}
	}
	t.Fatalf("no redirect from %s", from)
	return ""
}

// alertMap reads the map of alerts the 404 page resolves alert URLs with.
func alertMap(t *testing.T, out string) []alerts.MapEntry {
	t.Helper()
	var m struct{ Alerts []alerts.MapEntry }
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(out, alerts.MapFile))), &m); err != nil {
		t.Fatalf("%s: %v", alerts.MapFile, err)
	}
	if len(m.Alerts) == 0 {
		t.Fatalf("%s lists no alerts", alerts.MapFile)
	}
	return m.Alerts
}

// visitor opens pages in a tab of its own and sorts what the browser said.
type visitor struct {
	ctx    context.Context
	cancel context.CancelFunc
	origin string
	msgs   func() (chromedp.ConsoleMessage, error, bool)
	stop   func()
	n      int
}

// newVisitor opens a tab of the browser of ctx that reports CSP violations.
func newVisitor(browser context.Context, origin string) (*visitor, error) {
	ctx, cancel := chromedp.NewContext(browser)
	v := &visitor{ctx: ctx, cancel: cancel, origin: origin}
	v.msgs, v.stop = iter.Pull2(chromedp.Console(ctx))
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspListener}); err != nil {
		v.close()
		return nil, err
	}
	return v, nil
}

// close closes the tab.
func (v *visitor) close() {
	v.stop()
	v.cancel()
}

// report is what the browser said while showing a page.
type report struct {
	violations []string
	errors     []string
	all        []string
}

// visit opens the page at the request path p. When land is not "", the page
// must send the browser on to that path. It returns the messages logged
// until the page settled.
func (v *visitor) visit(p, land string) (report, error) {
	var r report
	// A ceiling for a stuck page on a loaded machine, not a speed limit.
	ctx, cancel := context.WithTimeout(v.ctx, 60*time.Second)
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(v.origin+p))
	if err != nil {
		return r, err
	}
	if resp.Status != http.StatusOK && (land == "" || resp.Status != http.StatusNotFound) {
		r.errors = append(r.errors, fmt.Sprintf("status %d", resp.Status))
	}
	if csp, _ := resp.Headers["Content-Security-Policy"].(string); !strings.Contains(csp, "default-src 'self'") {
		r.errors = append(r.errors, fmt.Sprintf("served without the Content-Security-Policy (headers %v)", resp.Headers))
	}
	if land != "" {
		if err := waitFor(ctx, land); err != nil {
			return r, err
		}
	}
	// Let late events (timers, fetches, violation reports) arrive, then
	// mark the end of this page's messages.
	v.n++
	barrier := fmt.Sprintf("runbooks-test-barrier-%d", v.n)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](
		`new Promise(r => setTimeout(r, 100)).then(() => console.debug(`+fmt.Sprintf("%q", barrier)+`))`, chromedp.EvalAwaitPromise)); err != nil {
		return r, err
	}
	for {
		m, err, ok := v.msgs()
		if !ok || err != nil {
			return r, fmt.Errorf("console closed before the page settled: %v", err)
		}
		if m.Text == barrier {
			return r, nil
		}
		s := m.String()
		if m.URL != "" {
			s += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
		}
		r.all = append(r.all, s)
		switch {
		case strings.HasPrefix(m.Text, "securitypolicyviolation "), strings.Contains(m.Text, "Content Security Policy"):
			r.violations = append(r.violations, s)
		case land != "" && m.URL == v.origin+p && strings.Contains(m.Text, "status of 404"):
			// The host answered the alert URL with its 404 page, as hosts
			// without _redirects do; the page's script went on from there.
		case m.Type == chromedp.ConsoleError, m.IsException():
			r.errors = append(r.errors, s)
		}
	}
}

// waitFor waits until the tab shows the request path want.
func waitFor(ctx context.Context, want string) error {
	last := ""
	for ctx.Err() == nil {
		loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname : ""`))
		if err == nil && loc == want {
			return nil
		}
		if err == nil && loc != "" {
			last = loc
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the browser did not go on to %s (last at %q)", want, last)
}
