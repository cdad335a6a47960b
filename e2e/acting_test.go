package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// TestActingOnARunbook ticks checklists, copies commands and reads the
// incident timeline on the fixture site, then reads the repository's site
// with the network cut, on a phone, and weighs a page.
func TestActingOnARunbook(t *testing.T) {
	t.Parallel()
	browserCtx := startBrowser(t)

	t.Run("checklist ticks follow the item's text and age", func(t *testing.T) {
		src := copyTree(t, filepath.Join("testdata", "site"))
		out := filepath.Join(t.TempDir(), "public")
		rebuild(t, src, out, 0)
		tb := openTab(t, browserCtx, serve(t, out))
		tb.open("/db/pool/")
		const second = "p95 of pool wait under 50 ms for 15 minutes"
		tb.do(chromedp.Click(chromedp.CSS(`.checklist > li:nth-child(2) .check-item`)))
		if !tb.truth(`document.querySelector(".checklist-where") && document.querySelector(".checklist-where").textContent.includes("kept in this browser")`) {
			t.Error("the checklist does not say where its ticks are kept")
		}
		if got := tb.str(`document.querySelectorAll(".checklist > li")[1].querySelector(".tick-time").textContent`); !strings.HasPrefix(got, "ticked ") || !strings.HasSuffix(got, " UTC") {
			t.Errorf("the ticked item shows %q, want the time of the tick", got)
		}

		// A tick from more than a day ago is offered for reset, not kept
		// silently.
		backdate := `(() => { const k = "runbooks-checklist:/db/pool/"; const s = JSON.parse(localStorage.getItem(k));
			for (const n in s) s[n] = Date.now() - 25 * 3600e3; localStorage.setItem(k, JSON.stringify(s)); return true; })()`
		tb.eval(backdate, nil)
		tb.reload()
		if got := tb.str(`(document.querySelector(".checklist-stale") || {}).textContent || ""`); !strings.Contains(got, "more than 24 h old") {
			t.Fatalf("a 25-hour-old tick: the checklist says %q, want an offer to clear it", got)
		}
		tb.do(chromedp.Click(chromedp.CSS(".checklist-clear-old")))
		tb.reload()
		if n := tb.num(`document.querySelectorAll('.content input[type="checkbox"]:checked').length`); n != 0 {
			t.Errorf("after Clear old ticks and a reload %v items are ticked", n)
		}
		tb.do(chromedp.Click(chromedp.CSS(`.checklist > li:nth-child(2) .check-item`)))

		// An item added above the ticked one does not take its tick.
		md, err := os.ReadFile(filepath.Join(src, "db", "pool.md"))
		if err != nil {
			t.Fatal(err)
		}
		first := regexp.MustCompile(`(?m)^- \[ \] .*$`).Find(md)
		if first == nil {
			t.Fatal("no checklist item in db/pool.md")
		}
		md = bytes.Replace(md, first, append([]byte("- [ ] Page the database owner first\n"), first...), 1)
		if err := os.WriteFile(filepath.Join(src, "db", "pool.md"), md, 0o644); err != nil {
			t.Fatal(err)
		}
		// The age is the build's to set: 48 hours in this build.
		rebuild(t, src, out, 48*time.Hour)
		tb.reload()
		var ticked []string
		tb.eval(`[...document.querySelectorAll('.content input[type="checkbox"]')].filter(b => b.checked).map(b => b.closest("label").textContent.trim())`, &ticked)
		if !slices.Equal(ticked, []string{second}) {
			t.Errorf("after an item was added above it, the ticked items are %q, want only %q", ticked, second)
		}

		// With ticks kept 48 hours, a 25-hour-old tick stays without a
		// question.
		tb.eval(backdate, nil)
		tb.reload()
		if tb.truth(`document.querySelector(".checklist-stale")`) {
			t.Error("with ticks kept 48 hours, a 25-hour-old tick is still offered for reset")
		}
		if n := tb.num(`document.querySelectorAll('.content input[type="checkbox"]:checked').length`); n != 1 {
			t.Errorf("with ticks kept 48 hours, %v items are ticked, want the one", n)
		}
		tb.eval(`localStorage.clear()`, nil)
	})

	fixture := serve(t, buildSite(t, filepath.Join("testdata", "site")))

	t.Run("a destructive command takes a second click", func(t *testing.T) {
		tb := openTab(t, browserCtx, fixture)
		tb.allowClipboard(true)
		tb.open("/db/pool/")
		tb.eval(`navigator.clipboard.writeText("(nothing copied)").then(() => true)`, nil)
		btn := `.code.destructive .copy-btn`
		tb.do(chromedp.Click(chromedp.CSS(btn)))
		if got := tb.str(`navigator.clipboard.readText()`); got != "(nothing copied)" {
			t.Errorf("one click on a destructive block copied %q", got)
		}
		if got := tb.str(`document.querySelector(` + fmt.Sprintf("%q", btn) + `).textContent`); got != "Click again to copy" {
			t.Errorf("after one click the button says %q", got)
		}
		tb.do(chromedp.Click(chromedp.CSS(btn)))
		tb.wait(`document.querySelector(` + fmt.Sprintf("%q", btn) + `).textContent === "Copied"`)
		if got, want := tb.str(`navigator.clipboard.readText()`), "kubectl -n arca-prod delete pod $POD"; got != want {
			t.Errorf("two clicks copied %q, want %q", got, want)
		}
		// A plain block copies at the first click.
		tb.eval(`navigator.clipboard.writeText("(nothing copied)").then(() => true)`, nil)
		tb.do(chromedp.Click(chromedp.CSS(`.code:not(.destructive) .copy-btn`)))
		tb.wait(`document.querySelector(".code:not(.destructive) .copy-btn").textContent === "Copied"`)
		tb.eval(`localStorage.clear()`, nil)
	})

	t.Run("copy timeline gives a Markdown list of what was done", func(t *testing.T) {
		tb := openTab(t, browserCtx, fixture)
		tb.allowClipboard(true)
		tb.open("/db/pool/")
		tb.eval(`localStorage.clear()`, nil)
		tb.reload()
		tb.copyBlock(`.code[data-lang="console"]`)
		tb.do(chromedp.Click(chromedp.CSS(`.checklist > li:nth-child(1) .check-item`)))
		tb.copyBlock(`.code[data-lang="bash"]`)
		var log []struct {
			T    int64  `json:"t"`
			Kind string `json:"k"`
			Step string `json:"s"`
			Text string `json:"x"`
		}
		tb.eval(`JSON.parse(localStorage.getItem("runbooks-timeline:/db/pool/"))`, &log)
		if len(log) != 3 {
			t.Fatalf("the timeline holds %d actions, want 3: %+v", len(log), log)
		}
		at := func(i int) string { return time.UnixMilli(log[i].T).UTC().Format("2006-01-02 15:04:05") + " UTC" }
		want := "Timeline of “Database Connection Pool Exhausted” (" + fixture + "/db/pool/)\n\n" +
			"- " + at(0) + " · Step 1: Look at the Pool · copied:\n" +
			"  ```\n" +
			"  kubectl -n arca-prod get pods -l app=pgbouncer \\\n" +
			"      -o wide\n" +
			"  kubectl -n arca-prod logs $POD --tail=50\n" +
			"  ```\n" +
			"- " + at(1) + " · " + log[1].Step + " · ticked “" + log[1].Text + "”\n" +
			"- " + at(2) + " · Step 1: Look at the Pool · copied:\n" +
			"  ```\n"
		tb.eval(`navigator.clipboard.writeText("(nothing copied)").then(() => true)`, nil)
		tb.do(chromedp.Click(chromedp.CSS(".timeline-copy")))
		tb.wait(`document.querySelector(".timeline-copy").textContent === "Timeline copied"`)
		got := tb.str(`navigator.clipboard.readText()`)
		if !strings.HasPrefix(got, want) {
			t.Errorf("Copy timeline gave\n%s\nwant it to start with\n%s", got, want)
		}
		if log[1].Kind != "tick" || log[1].Step == "" || log[1].Text == "" {
			t.Errorf("the tick was logged as %+v", log[1])
		}
		if n := tb.str(`document.querySelector(".timeline-count").textContent`); !strings.HasPrefix(n, "3 actions") || !strings.Contains(n, "kept in this browser") {
			t.Errorf("the timeline box says %q", n)
		}
		tb.eval(`localStorage.clear()`, nil)
	})

	// The repository's site, served by a host that can be taken down.
	out := buildSite(t, filepath.Join("..", "runbooks"))
	var down atomic.Bool
	var site atomic.Pointer[http.Handler] // what the host serves: out, or another build
	files := http.FileServerFS(os.DirFS(out))
	site.Store(&files)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "host down", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Security-Policy", policy)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "no-store")
		(*site.Load()).ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	repo := srv.URL

	t.Run("every runbook opens offline after the first visit", func(t *testing.T) {
		tb := openTab(t, browserCtx, repo)
		tb.open("/")
		// The worker has stored every file it lists.
		var stored struct{ Listed, Cached int }
		tb.eval(`navigator.serviceWorker.ready.then(async reg => {
			const src = await (await fetch("/sw.js")).text();
			const listed = JSON.parse(src.match(/var FILES = (\[.*\]);/)[1]);
			for (let i = 0; i < 200; i++) {
				const names = await caches.keys();
				const n = names.length ? (await (await caches.open(names[0])).keys()).length : 0;
				if (n >= listed.length && navigator.serviceWorker.controller) return {Listed: listed.length, Cached: n};
				await new Promise(r => setTimeout(r, 100));
			}
			const names = await caches.keys();
			return {Listed: listed.length, Cached: names.length ? (await (await caches.open(names[0])).keys()).length : 0};
		})`, &stored)
		if stored.Cached < stored.Listed || stored.Listed < 20 {
			t.Fatalf("the service worker stored %d of the %d files it lists", stored.Cached, stored.Listed)
		}

		// Cut the network in the browser, and take the host down too.
		offline(t, tb, true)
		down.Store(true)
		defer func() { offline(t, tb, false); down.Store(false) }()
		if tb.truth(`navigator.onLine`) {
			t.Error("with the network emulated offline, navigator.onLine is true")
		}
		var runbooks []string
		tb.eval(`[...document.querySelectorAll("main tbody a")].map(a => a.getAttribute("href"))`, &runbooks)
		for _, href := range runbooks {
			tb.open("/" + strings.TrimSuffix(href, "index.html"))
			if !tb.truth(`document.querySelector(".runbook-meta") && document.querySelector(".content") && getComputedStyle(document.body).backgroundColor !== ""`) {
				t.Errorf("offline, %s did not open as a runbook: %q", href, tb.str(`document.title`))
			}
		}
		// Search, index included, works offline.
		tb.open("/")
		tb.do(typeInto("search-input", "ArcaWsfeUnavailable"))
		tb.wait(`document.getElementById("search-listbox").dataset.query === "ArcaWsfeUnavailable"`)
		if got := tb.str(`(document.querySelector("#search-listbox [role=option]") || {getAttribute: () => ""}).getAttribute("href")`); got != "arca-api-down/index.html" {
			t.Errorf("offline, search for an alert finds %q first", got)
		}
		// The stylesheet came from the cache too.
		if got := tb.str(`getComputedStyle(document.querySelector(".site-header")).position`); got != "sticky" {
			t.Errorf("offline, the header's position is %q: the stylesheet did not load", got)
		}
		t.Logf("offline: %d runbooks and the search opened from the %d files the worker keeps", len(runbooks), stored.Listed)
	})

	t.Run("offline = false removes the worker an earlier build installed", func(t *testing.T) {
		tb := openTab(t, browserCtx, repo)
		tb.open("/")
		if !tb.truth(`navigator.serviceWorker.ready.then(r => r.active)`) {
			t.Fatal("the site with its worker registered none")
		}
		// The same site built with offline = false takes the host's place.
		src := copyTree(t, filepath.Join("..", "runbooks"))
		if err := os.WriteFile(filepath.Join(src, "runbooks.toml"), []byte("offline = false\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		without := filepath.Join(t.TempDir(), "public")
		rebuild(t, src, without, 0)
		if _, err := os.Stat(filepath.Join(without, "sw.js")); err == nil {
			t.Error("offline = false: the build wrote sw.js")
		}
		other := http.FileServerFS(os.DirFS(without))
		site.Store(&other)
		defer site.Store(&files)
		tb.reload()
		var left struct{ Registered, Caches int }
		tb.eval(`(async () => {
			const left = async () => ({Registered: (await navigator.serviceWorker.getRegistrations()).length,
				Caches: (await caches.keys()).filter(k => k.startsWith("runbooks-")).length});
			for (let i = 0; i < 100; i++) {
				const l = await left();
				if (!l.Registered && !l.Caches) return l;
				await new Promise(r => setTimeout(r, 100));
			}
			return left();
		})()`, &left)
		if left.Registered != 0 || left.Caches != 0 {
			t.Errorf("after a visit to the site built with offline = false, %d workers are registered and %d stored copies kept", left.Registered, left.Caches)
		}
	})

	t.Run("phone: sticky search, cards, back to top", func(t *testing.T) {
		tb := openTab(t, browserCtx, repo)
		tb.resize(phone)
		tb.open("/")
		var cards struct {
			Rows, Fit, Owners int
			Display           string
		}
		tb.eval(`(() => {
			const rows = [...document.querySelectorAll(".index tbody tr")];
			const w = document.documentElement.clientWidth;
			return {Rows: rows.length, Display: getComputedStyle(rows[0]).display,
				Fit: rows.filter(r => r.getBoundingClientRect().right <= w && r.getBoundingClientRect().left >= 0).length,
				Owners: rows.filter(r => { const o = r.querySelector("td[data-label=Owner]"); const b = o.getBoundingClientRect();
					return o.textContent && b.width > 0 && b.right <= w; }).length};
		})()`, &cards)
		if cards.Rows == 0 || cards.Display != "block" || cards.Fit != cards.Rows || cards.Owners != cards.Rows {
			t.Errorf("at 390 px the index shows %d rows as %q, %d inside the screen, %d with the owner in view", cards.Rows, cards.Display, cards.Fit, cards.Owners)
		}
		tb.open("/arca-api-down/")
		var after struct{ HeaderTop, InputBottom, ScrollY float64 }
		tb.eval(`(async () => {
			window.scrollTo(0, document.documentElement.scrollHeight / 2);
			await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
			return {HeaderTop: document.querySelector(".site-header").getBoundingClientRect().top,
				InputBottom: document.getElementById("search-input").getBoundingClientRect().bottom, ScrollY: scrollY};
		})()`, &after)
		if after.ScrollY < 2000 || after.HeaderTop != 0 || after.InputBottom <= 0 || after.InputBottom > 80 {
			t.Errorf("scrolled %.0f px down a runbook on a phone: the header is at y=%.0f and the search box ends at %.0f, want both on screen at the top", after.ScrollY, after.HeaderTop, after.InputBottom)
		}
		tb.wait(`!document.querySelector(".to-top-float").hidden`)
		tb.do(chromedp.Click(chromedp.CSS(".to-top-float")))
		tb.wait(`scrollY === 0`)
		if id := tb.str(`document.activeElement.id`); id != "search-input" {
			t.Errorf("back at the top the focus is on %q, want the search box", id)
		}
	})

	t.Run("page weight", func(t *testing.T) {
		// Measured on 2026-12-05 before the reading-flow work (commit
		// 5fde2b5): /arca-api-down/ and the files it loads, each gzipped
		// at level 9, came to 29,786 bytes. The page may grow at most 10%
		// over that, whatever the theme and the runbook gain. The search
		// code loads when the reader goes to the search box, and the
		// index when a query needs it, so neither counts here.
		const before = 29786
		const bound = before * 110 / 100 // 32,764 bytes
		tb := openTab(t, browserCtx, repo)
		tb.open("/arca-api-down/")
		var urls []string
		tb.eval(`[...new Set([location.href,
			...[...document.querySelectorAll("script[src], link[href][rel~=stylesheet], link[href][rel~=icon], img[src]")].map(e => e.src || e.href),
			...performance.getEntriesByType("resource").map(e => e.name)]
			.map(u => new URL(u, location.href)).filter(u => u.origin === location.origin).map(u => u.pathname))]`, &urls)
		total := 0
		for _, u := range urls {
			if strings.HasPrefix(u, "/search/") || u == "/sw.js" {
				continue // loaded when searching, and by the worker after the page
			}
			name := strings.TrimPrefix(u, "/")
			if name == "" || strings.HasSuffix(name, "/") {
				name += "index.html"
			}
			data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
			if err != nil {
				t.Fatalf("%s: %v", u, err)
			}
			n := gzipSize(t, data)
			t.Logf("%6d bytes gzipped  %s", n, u)
			total += n
		}
		t.Logf("page weight of /arca-api-down/: %d bytes gzipped, %+.1f%% against %d before", total, 100*float64(total-before)/before, before)
		if total > bound {
			t.Errorf("page weight %d bytes, %+.1f%% against %d before: more than the %d bytes (10%% more) it may weigh", total, 100*float64(total-before)/before, before, bound)
		}
	})
}

// offline cuts the tab's network, as DevTools' "Offline" does, or restores
// it.
func offline(t *testing.T, tb *tab, cut bool) {
	t.Helper()
	type params struct {
		Offline            bool    `json:"offline"`
		Latency            float64 `json:"latency"`
		DownloadThroughput float64 `json:"downloadThroughput"`
		UploadThroughput   float64 `json:"uploadThroughput"`
	}
	cmd := cdp.Command[params, cdp.Empty]{Method: "Network.emulateNetworkConditions"}
	if _, err := chromedp.Call(tb.ctx, cmd, params{Offline: cut, DownloadThroughput: -1, UploadThroughput: -1}); err != nil {
		t.Fatalf("Network.emulateNetworkConditions offline=%v: %v", cut, err)
	}
}

func gzipSize(t *testing.T, data []byte) int {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return buf.Len()
}

// rebuild builds src into out with checklist ticks kept for expiry (0 for
// the default).
func rebuild(t *testing.T, src, out string, expiry time.Duration) {
	t.Helper()
	res, err := build.Build(context.Background(), build.Config{Src: src, Out: out, NoCache: true, Now: buildDate(), TickExpiry: expiry})
	if err != nil {
		for _, p := range res.Problems {
			t.Log(p)
		}
		t.Fatalf("build %s: %v", src, err)
	}
}

// copyTree copies the folder src into a temporary folder and returns it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "src")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}
