package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/theme"
)

// testBody is the body every test page is rendered with.
var testBody = page.Body{Rest: []byte(strings.Repeat("<p>Check the pool, then the replicas.</p>\n<pre><code>kubectl get pods</code></pre>\n", 60))}

// testPages returns a site of n runbooks and a root index page, spread over
// every navigation group and over folders one to three levels deep, with
// titles that need escaping and some reviews overdue.
func testPages(n int) []*page.Page {
	pages := []*page.Page{{Path: "README.md", URL: "", Meta: page.Meta{Title: "Runbooks"}}}
	for i := range n {
		dir := fmt.Sprintf("team-%d/", i%7) + strings.Repeat("svc/", i%3)
		path := fmt.Sprintf("%spage-%04d.md", dir, i)
		m := page.Meta{
			Title:       fmt.Sprintf("Pool <exhaustion> & retries %d", n-i),
			Owner:       "team-db",
			LastUpdated: fmt.Sprintf("2026-%02d-01", 1+i%12),
			Alerts:      []string{fmt.Sprintf("PoolExhausted%d", i)},
		}
		switch i % 5 {
		case 0, 1, 2:
			m.Type, m.Severity = page.Incident, fmt.Sprintf("SEV%d", 1+i%3)
		case 3:
			m.Type = page.Maintenance
		}
		var hs []page.Heading
		for j := range 6 {
			hs = append(hs, page.Heading{Level: 2 + j%2, Text: fmt.Sprintf("Step %d", j), ID: fmt.Sprintf("step-%d", j)})
		}
		pages = append(pages, &page.Page{Path: path, URL: page.URLOf(path), Meta: m, Headings: hs})
	}
	return pages
}

// themeWithParts loads the default theme with its templates/parts.html
// replaced by parts, as a user's theme folder replaces it.
func themeWithParts(t *testing.T, parts string) *Theme {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "templates", "parts.html"), []byte(parts), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, err := theme.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return testTheme(t, fsys)
}

// testTheme loads the theme in fsys.
func testTheme(tb testing.TB, fsys fs.FS) *Theme {
	tb.Helper()
	th, err := LoadTheme(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return th
}

// testSite returns the site of pages with relative links, or links under
// the base URL base.
func testSite(tb testing.TB, pages []*page.Page, base string) Site {
	tb.Helper()
	b, err := link.NewBase(base)
	if err != nil {
		tb.Fatal(err)
	}
	return Site{
		Title:     "Runbooks",
		Base:      b,
		BuildDate: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC),
		Pages:     pages,
	}
}

// TestFailedPageWritesNothing checks that a theme whose template fails
// halfway through a page leaves nothing of the page in the writer, be it
// a buffer (written into directly) or any other writer.
func TestFailedPageWritesNothing(t *testing.T) {
	fsys := fstest.MapFS{"static/app.css": &fstest.MapFile{Data: []byte("body{}")}}
	for _, name := range []string{"404.html", "alerts.html", "search.html"} {
		fsys["templates/"+name] = &fstest.MapFile{Data: []byte("ok")}
	}
	// Half the page is written before the call fails.
	fsys["templates/page.html"] = &fstest.MapFile{Data: []byte(`<html>` + strings.Repeat("x", 4096) + `{{index .Nav 99}}</html>`)}
	pages := testPages(3)
	r := New(testTheme(t, fsys), testSite(t, pages, ""))
	var buf bytes.Buffer
	buf.WriteString("before|")
	if err := r.Page(&buf, pages[1], testBody); err == nil {
		t.Fatal("a failing template gave no error")
	}
	if buf.String() != "before|" {
		t.Errorf("the buffer holds %d bytes more after the failure", buf.Len()-len("before|"))
	}
	var sb strings.Builder
	if err := r.Page(&sb, pages[1], testBody); err == nil || sb.Len() != 0 {
		t.Errorf("another writer: err %v, %d bytes written", err, sb.Len())
	}
}
