// Package browser implements the one way tests find and start headless
// Chromium, with one policy for when they cannot.
//
// A test that needs a browser calls Start. When Chromium is missing, or is
// installed but does not start, the test is skipped with the reason; with
// RUNBOOKS_REQUIRE_BROWSER=1 in the environment (as in CI) it fails instead,
// so a machine without a working browser cannot pass the suite by skipping.
// In -short mode browser tests are skipped unless a browser is required.
package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// RequireEnv is the environment variable that, set to "1", turns every
// browser test skip into a failure.
const RequireEnv = "RUNBOOKS_REQUIRE_BROWSER"

// candidates are the places Chromium is looked for, in order: Debian's
// package first, then the names distributions give it on PATH.
var candidates = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"}

// errNotFound reports that no candidate is installed.
var errNotFound = errors.New("chromium not found (no /usr/bin/chromium, no chromium, chromium-browser or google-chrome on PATH); install Debian's chromium package")

// Path returns the path of the Chromium to drive, or an error saying where
// it was looked for.
func Path() (string, error) {
	for _, name := range candidates {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errNotFound
}

// Required reports whether the environment asks for browser tests to fail
// rather than skip.
func Required() bool { return os.Getenv(RequireEnv) == "1" }

// unavailable skips the test, or fails it when a browser is required.
func unavailable(t testing.TB, reason string) {
	t.Helper()
	if Required() {
		t.Fatalf("browser test cannot run: %s (%s=1 makes this a failure)", reason, RequireEnv)
		return
	}
	t.Skipf("browser test skipped: %s (set %s=1 to make this a failure)", reason, RequireEnv)
}

// Start starts headless Chromium for the test and returns a context bound
// to its first tab; tabs made from it with chromedp.NewContext share the
// browser. The browser is stopped when the test ends. opts are added to
// (and override) the common flags, e.g. chromedp.WindowSize(1024, 700).
func Start(t testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	if testing.Short() && !Required() {
		t.Skip("browser test skipped in -short mode")
	}
	path, err := Path()
	if err != nil {
		unavailable(t, err.Error())
		return nil // reached only with a testing.TB whose Skip returns
	}
	all := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Tabs in the background keep full speed: tests use several.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.WindowSize(1280, 900),
		chromedp.UserDataDir(t.TempDir()),
	}, opts...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), all...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		unavailable(t, fmt.Sprintf("Chromium at %s does not start: %v", path, err))
	}
	return ctx
}
