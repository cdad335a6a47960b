package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/arcaapi/runbooks/internal/fixture"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
)

// patience bounds every wait in these tests, so that a broken server fails
// a test instead of hanging it; nothing is expected to take this long.
const patience = 20 * time.Second

// docs is a small tree of plain documentation pages, which the runbook
// lint rules leave alone.
var docs = map[string]string{
	"README.md":    "# Home\n\nStart at [the guide](guide.md).\n",
	"guide.md":     "# Guide\n\nFirst version.\n",
	"db/README.md": "# Databases\n",
	"db/pool.md":   "---\ntitle: Pool\n---\n\n# Pool\n\nPool text.\n",
	"db/other.md":  "# Other\n\nOther text.\n",
}

// syncBuffer is a bytes.Buffer safe for the server and the test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// preview is a running preview server on a temporary tree.
type preview struct {
	t      *testing.T
	dir    string // the source folder
	url    string // "http://127.0.0.1:port/"
	stderr *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startPreview serves a tree of files on 127.0.0.1:0 until the test ends.
func startPreview(t *testing.T, files map[string]string, configure ...func(*Options)) *preview {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "runbooks")
	fixture.Write(t, dir, files)
	p := &preview{t: t, dir: dir, stderr: &syncBuffer{}, done: make(chan error, 1)}
	ready := make(chan string, 1)
	opts := Options{
		Config: build.Config{Src: dir, NoCache: true},
		Addr:   "127.0.0.1:0",
		Stderr: p.stderr,
		Ready:  func(url string) { ready <- url },
	}
	for _, c := range configure {
		c(&opts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() { p.done <- Run(ctx, opts) }()
	select {
	case p.url = <-ready:
	case err := <-p.done:
		cancel()
		t.Fatalf("Run: %v", err)
	case <-time.After(patience):
		cancel()
		t.Fatal("the server did not start")
	}
	t.Cleanup(p.stop)
	return p
}

// stop shuts the server down and checks that it does so promptly.
func (p *preview) stop() {
	p.cancel()
	select {
	case err := <-p.done:
		if err != nil {
			p.t.Errorf("Run: %v", err)
		}
		p.done <- nil // a second stop returns at once
	case <-time.After(patience):
		p.t.Error("the server did not shut down")
	}
}

// get fetches a site path and returns the status and body.
func (p *preview) get(sitePath string) (int, string) {
	p.t.Helper()
	resp, err := http.Get(p.url + sitePath)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// problems returns the server's current status from /_problems.
func (p *preview) problems() status {
	p.t.Helper()
	code, body := p.get("_problems")
	if code != http.StatusOK {
		p.t.Fatalf("GET /_problems: %d", code)
	}
	var st status
	if err := json.Unmarshal([]byte(body), &st); err != nil {
		p.t.Fatalf("GET /_problems: %v\n%s", err, body)
	}
	return st
}

// event is a Server-Sent Event.
type event struct {
	name string
	data string
}

// reload is the data of a reload event.
type reload struct {
	Version string   `json:"version"`
	Pages   []string `json:"pages"` // nil: every page
}

func (e event) reload(t testing.TB) reload {
	t.Helper()
	var r reload
	if err := json.Unmarshal([]byte(e.data), &r); err != nil {
		t.Fatalf("reload event: %v: %s", err, e.data)
	}
	return r
}

// covers reports whether a browser on the page at sitePath reloads.
func (r reload) covers(sitePath string) bool {
	return r.Pages == nil || slices.Contains(r.Pages, sitePath)
}

func (e event) status(t testing.TB) status {
	t.Helper()
	var st status
	if err := json.Unmarshal([]byte(e.data), &st); err != nil {
		t.Fatalf("problems event: %v: %s", err, e.data)
	}
	return st
}

// stream is a subscription to /_live.
type stream struct {
	t      testing.TB
	events chan event
	body   io.Closer
}

// subscribe connects to /_live and waits for the first event, which tells
// the current state.
func (p *preview) subscribe() *stream {
	p.t.Helper()
	s := subscribe(p.t, p.url)
	if e := s.next(); e.name != "problems" {
		p.t.Fatalf("first event %q, want problems", e.name)
	}
	return s
}

func subscribe(t testing.TB, url string) *stream {
	t.Helper()
	resp, err := http.Get(url + "_live")
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		resp.Body.Close()
		t.Fatalf("GET /_live: %d %s", resp.StatusCode, ct)
	}
	s := &stream{t: t, events: make(chan event, 1000), body: resp.Body}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		var e event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.name != "" {
					s.events <- e
				}
				e = event{}
			case strings.HasPrefix(line, "event: "):
				e.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				if e.data != "" {
					e.data += "\n"
				}
				e.data += strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return s
}

// next returns the next event.
func (s *stream) next() event {
	s.t.Helper()
	select {
	case e, ok := <-s.events:
		if !ok {
			s.t.Fatal("the event stream ended")
		}
		return e
	case <-time.After(patience):
		s.t.Fatal("no event came")
	}
	return event{}
}

// nextNamed skips to the next event called name.
func (s *stream) nextNamed(name string) event {
	s.t.Helper()
	for {
		if e := s.next(); e.name == name {
			return e
		}
	}
}

// untilServed waits for reload events until the page at sitePath is
// served with want in it (or, for want == "", is gone), and returns the
// reload events seen.
func (p *preview) untilServed(s *stream, sitePath, want string) []reload {
	p.t.Helper()
	var seen []reload
	for {
		r := s.nextNamed("reload").reload(p.t)
		seen = append(seen, r)
		code, body := p.get(sitePath)
		if want == "" && code == http.StatusNotFound || want != "" && code == http.StatusOK && strings.Contains(body, want) {
			return seen
		}
	}
}

func TestEditorSaves(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, dir string)
		page string // the site path to look at
		want string // text it must show; "" when it must be gone
	}{
		{
			name: "plain write",
			edit: func(t *testing.T, dir string) {
				fixture.Write(t, dir, map[string]string{"guide.md": "# Guide\n\nPlainly written.\n"})
			},
			page: "guide/", want: "Plainly written.",
		},
		{
			name: "write in two steps",
			edit: func(t *testing.T, dir string) {
				f, err := os.OpenFile(filepath.Join(dir, "guide.md"), os.O_WRONLY|os.O_TRUNC, 0)
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprint(f, "# Guide\n\n")
				f.Sync()
				fmt.Fprint(f, "Written in two steps.\n")
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
			},
			page: "guide/", want: "Written in two steps.",
		},
		{
			name: "atomic save: temp file renamed over the page",
			edit: func(t *testing.T, dir string) {
				tmp := filepath.Join(dir, ".guide.md.tmp.1234")
				fixture.Write(t, dir, map[string]string{".guide.md.tmp.1234": "# Guide\n\nSaved atomically.\n"})
				if err := os.Rename(tmp, filepath.Join(dir, "guide.md")); err != nil {
					t.Fatal(err)
				}
			},
			page: "guide/", want: "Saved atomically.",
		},
		{
			name: "JetBrains safe write",
			edit: func(t *testing.T, dir string) {
				fixture.Write(t, dir, map[string]string{"guide.md___jb_tmp___": "# Guide\n\nSaved by an IDE.\n"})
				must(t, os.Rename(filepath.Join(dir, "guide.md"), filepath.Join(dir, "guide.md___jb_old___")))
				must(t, os.Rename(filepath.Join(dir, "guide.md___jb_tmp___"), filepath.Join(dir, "guide.md")))
				must(t, os.Remove(filepath.Join(dir, "guide.md___jb_old___")))
			},
			page: "guide/", want: "Saved by an IDE.",
		},
		{
			name: "vim: 4913 probe, backup rename, new file",
			edit: func(t *testing.T, dir string) {
				fixture.Write(t, dir, map[string]string{"4913": ""})
				must(t, os.Remove(filepath.Join(dir, "4913")))
				must(t, os.Rename(filepath.Join(dir, "guide.md"), filepath.Join(dir, "guide.md~")))
				fixture.Write(t, dir, map[string]string{"guide.md": "# Guide\n\nSaved by vim.\n"})
				must(t, os.Remove(filepath.Join(dir, "guide.md~")))
			},
			page: "guide/", want: "Saved by vim.",
		},
		{
			name: "delete",
			edit: func(t *testing.T, dir string) {
				must(t, os.Remove(filepath.Join(dir, "db", "other.md")))
			},
			page: "db/other/", want: "",
		},
		{
			name: "rename",
			edit: func(t *testing.T, dir string) {
				must(t, os.Rename(filepath.Join(dir, "db", "other.md"), filepath.Join(dir, "db", "renamed.md")))
			},
			page: "db/renamed/", want: "Other text.",
		},
		{
			name: "new folder with a page",
			edit: func(t *testing.T, dir string) {
				fixture.Write(t, dir, map[string]string{"cache/redis/eviction.md": "# Eviction\n\nIn a new folder.\n"})
			},
			page: "cache/redis/eviction/", want: "In a new folder.",
		},
		{
			name: "folder moved in from outside the tree",
			edit: func(t *testing.T, dir string) {
				outside := filepath.Join(filepath.Dir(dir), "elsewhere")
				fixture.Write(t, outside, map[string]string{"moved.md": "# Moved\n\nMoved in.\n", "sub/deep.md": "# Deep\n"})
				must(t, os.Rename(outside, filepath.Join(dir, "moved")))
			},
			page: "moved/moved/", want: "Moved in.",
		},
		{
			name: "page in a folder that was just removed and made again",
			edit: func(t *testing.T, dir string) {
				must(t, os.RemoveAll(filepath.Join(dir, "db")))
				fixture.Write(t, dir, map[string]string{"db/pool.md": "# Pool\n\nMade again.\n"})
			},
			page: "db/pool/", want: "Made again.",
		},
	}
	for _, poll := range []time.Duration{0, 20 * time.Millisecond} {
		mode := "notify"
		if poll > 0 {
			mode = "poll"
		}
		for _, tt := range tests {
			t.Run(mode+"/"+tt.name, func(t *testing.T) {
				p := startPreview(t, docs, func(o *Options) { o.Poll = poll })
				s := p.subscribe()
				tt.edit(t, p.dir)
				seen := p.untilServed(s, tt.page, tt.want)
				if last := seen[len(seen)-1]; tt.want != "" && !last.covers(tt.page) {
					t.Errorf("the reload event %+v does not reload %s", last, tt.page)
				}
				// The page the edit touched is the only one that changed.
				if _, body := p.get("db/pool/"); tt.page != "db/pool/" && !strings.Contains(body, "Pool text.") {
					t.Errorf("db/pool/ lost its content:\n%s", body)
				}
			})
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestBodyEditReloadsOnlyThatPage checks that browsers on other pages are
// left alone when a page's text changes, and all reload when a title
// (shown in other pages' navigation) changes.
func TestBodyEditReloadsOnlyThatPage(t *testing.T) {
	p := startPreview(t, docs)
	s := p.subscribe()
	fixture.Write(t, p.dir, map[string]string{"db/other.md": "# Other\n\nNew text.\n"})
	r := p.untilServed(s, "db/other/", "New text.")
	if last := r[len(r)-1]; last.Pages == nil || !slices.Equal(last.Pages, []string{"db/other/"}) {
		t.Errorf("body edit: reload %+v, want only db/other/", last)
	}
	fixture.Write(t, p.dir, map[string]string{"db/other.md": "# Another title\n\nNew text.\n"})
	// Another page of the folder lists it in its navigation.
	r = p.untilServed(s, "db/pool/", "Another title")
	if last := r[len(r)-1]; last.Pages != nil {
		t.Errorf("title edit: reload %+v, want every page", last)
	}
}

// TestNoiseDoesNothing checks that what editors and tools write beside
// the pages (swap files, probes, backups, temp files, .git) and permission
// changes do not rebuild: the first reload after them is the one for a
// later edit, and reloads only the edited page.
func TestNoiseDoesNothing(t *testing.T) {
	p := startPreview(t, docs)
	s := p.subscribe()
	must(t, os.Chmod(filepath.Join(p.dir, "guide.md"), 0o600))
	fixture.Write(t, p.dir, map[string]string{
		".guide.md.swp":         "vim swap",
		"4913":                  "",
		"guide.md~":             "backup",
		"db/#pool.md#":          "emacs autosave",
		"db/.#pool.md":          "emacs lock",
		"guide.md___jb_tmp___":  "jetbrains",
		".goutputstream-ABC123": "gnome",
		"db/upload.tmp":         "temp",
		".git/index":            "git",
		".git/refs/heads/main":  "git",
		".vscode/settings.json": "{}",
		"db/.pool.md.kate-swp":  "kate",
		"db/.hidden/draft.md":   "# Draft\n",
	})
	fixture.Write(t, p.dir, map[string]string{"db/other.md": "# Other\n\nAfter the noise.\n"})
	r := s.nextNamed("reload").reload(t)
	if r.Pages == nil || !slices.Equal(r.Pages, []string{"db/other/"}) {
		t.Errorf("first reload after the noise and an edit: %+v, want db/other/ alone\n%s", r, p.stderr)
	}
}

// TestBrokenSaveKeepsLastGoodPage saves pages that cannot be built and
// checks that the last good version stays served, the problems are shown,
// and fixing the page brings it back.
func TestBrokenSaveKeepsLastGoodPage(t *testing.T) {
	tests := []struct {
		name    string
		content string
		line    int
		rule    string
	}{
		{"invalid YAML front matter", "---\ntitle: [unclosed\n---\n\n# Guide\n\nBroken.\n", 2, "front-matter"},
		{"front matter never closed", "---\ntitle: Guide\n\n# Guide\n\nBroken.\n", 1, "front-matter"},
		{"invalid UTF-8", "# Guide\n\nBroken \xff\xfe text.\n", 3, "invalid-utf8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := startPreview(t, docs)
			s := p.subscribe()
			fixture.Write(t, p.dir, map[string]string{"guide.md": tt.content})
			var st status
			for !st.Stale {
				st = s.nextNamed("problems").status(t)
			}
			if _, body := p.get("guide/"); !strings.Contains(body, "First version.") || strings.Contains(body, "Broken") {
				t.Errorf("after a broken save, guide/ is not the last good page:\n%s", body)
			}
			got := p.problems()
			if !got.Stale || got.Errors == 0 {
				t.Fatalf("/_problems: %+v, want stale with errors", got)
			}
			found := false
			for _, pr := range got.Problems {
				if pr.File == "guide.md" && pr.Line == tt.line && pr.Rule == tt.rule {
					found = true
				}
			}
			if !found {
				t.Errorf("/_problems lacks guide.md:%d [%s]: %+v", tt.line, tt.rule, got.Problems)
			}
			if !strings.Contains(p.stderr.String(), "guide.md:"+fmt.Sprint(tt.line)) {
				t.Errorf("the terminal does not show the problem:\n%s", p.stderr)
			}
			fixture.Write(t, p.dir, map[string]string{"guide.md": "# Guide\n\nFixed.\n"})
			p.untilServed(s, "guide/", "Fixed.")
			if st := s.nextNamed("problems").status(t); st.Stale || st.Errors != 0 {
				t.Errorf("after the fix: %+v, want no errors", st)
			}
		})
	}
}

// TestBrokenLinkStillUpdates checks that a check-stage problem (a broken
// link) is reported but does not hold the page back.
func TestBrokenLinkStillUpdates(t *testing.T) {
	p := startPreview(t, docs)
	s := p.subscribe()
	fixture.Write(t, p.dir, map[string]string{"guide.md": "# Guide\n\nSee [nowhere](nowhere.md).\n"})
	p.untilServed(s, "guide/", "nowhere")
	st := s.nextNamed("problems").status(t)
	if st.Stale {
		t.Errorf("a broken link made the rebuild fail: %+v", st)
	}
	found := false
	for _, pr := range st.Problems {
		found = found || pr.File == "guide.md" && pr.Line == 3 && strings.Contains(pr.Target+pr.Message, "nowhere.md")
	}
	if !found {
		t.Errorf("the broken link is not reported: %+v", st.Problems)
	}
}

// TestBurstCoalesces writes 200 files at once, as a branch switch does,
// and checks that browsers are told at most twice.
//
// The quiet window is raised from its 30 ms default: on a loaded CI
// machine the test's eight writer goroutines can be descheduled for longer
// than that between two files, which would split the burst for a reason a
// real checkout (one process writing in a tight loop) does not have. What
// is tested is the coalescing, not the length of the window.
func TestBurstCoalesces(t *testing.T) {
	p := startPreview(t, docs, func(o *Options) { o.Quiet = 150 * time.Millisecond })
	s := p.subscribe()
	// Write as git checkout does: several workers at once.
	must(t, os.Mkdir(filepath.Join(p.dir, "burst"), 0o755))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < 200; i += 8 {
				name := filepath.Join(p.dir, "burst", fmt.Sprintf("page-%03d.md", i))
				if err := os.WriteFile(name, fmt.Appendf(nil, "# Page %d\n\nBurst page %d.\n", i, i), 0o644); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	var reloads int
	for {
		s.nextNamed("reload")
		reloads++
		if code, _ := p.get("burst/page-199/"); code == http.StatusOK {
			if code, _ := p.get("burst/page-000/"); code == http.StatusOK {
				break
			}
		}
	}
	// A later edit's event comes after any the burst still had in store.
	fixture.Write(t, p.dir, map[string]string{"guide.md": "# Guide\n\nSentinel.\n"})
	for {
		r := s.nextNamed("reload").reload(t)
		if r.covers("guide/") {
			break
		}
		reloads++
	}
	if reloads > 2 {
		t.Errorf("a burst of 200 files gave %d reloads, want at most 2\n%s", reloads, p.stderr)
	}
	for i := range 200 {
		if code, body := p.get(fmt.Sprintf("burst/page-%03d/", i)); code != http.StatusOK || !strings.Contains(body, fmt.Sprintf("Burst page %d.", i)) {
			t.Fatalf("burst/page-%03d/: %d", i, code)
		}
	}
}

// TestThemeCSSSwap changes only a stylesheet of a --theme folder: browsers
// get a css event naming the new stylesheet, not a reload.
func TestThemeCSSSwap(t *testing.T) {
	themeDir := filepath.Join(t.TempDir(), "theme")
	fixture.Write(t, themeDir, map[string]string{"static/style.css": "body { color: black; }\n"})
	p := startPreview(t, docs, func(o *Options) { o.Config.Theme = themeDir })
	s := p.subscribe()
	_, before := p.get("guide/")
	fixture.Write(t, themeDir, map[string]string{"static/style.css": "body { color: navy; }\n"})
	e := s.next()
	for e.name == "problems" {
		e = s.next()
	}
	if e.name != "css" {
		t.Fatalf("a stylesheet change gave a %q event, want css: %s", e.name, e.data)
	}
	var css struct{ Assets map[string]string }
	if err := json.Unmarshal([]byte(e.data), &css); err != nil {
		t.Fatal(err)
	}
	href := css.Assets["style.css"]
	if href == "" || strings.Contains(before, href) {
		t.Fatalf("css event names %q for style.css, want a new fingerprinted file", href)
	}
	if code, body := p.get(href); code != http.StatusOK || !strings.Contains(body, "navy") {
		t.Errorf("GET %s: %d %q", href, code, body)
	}
	if _, after := p.get("guide/"); !strings.Contains(after, href) {
		t.Errorf("guide/ does not link the new stylesheet %s", href)
	}
	// A template change reloads every page.
	fixture.Write(t, themeDir, map[string]string{"templates/404.html": `{{template "head" .}}<main>Custom not found</main>{{template "foot" .}}`})
	r := s.nextNamed("reload").reload(t)
	if r.Pages != nil {
		t.Errorf("template change: reload %+v, want every page", r)
	}
	if code, body := p.get("no/such/page/"); code != http.StatusNotFound || !strings.Contains(body, "Custom not found") {
		t.Errorf("404 page after the template change: %d\n%s", code, body)
	}
}

// TestBrokenTemplateKeepsLastGood checks that a theme template that does
// not parse is a failed rebuild, shown as a problem, not a broken site.
func TestBrokenTemplateKeepsLastGood(t *testing.T) {
	themeDir := filepath.Join(t.TempDir(), "theme")
	fixture.Write(t, themeDir, map[string]string{"static/extra.css": "p { margin: 0; }\n"})
	p := startPreview(t, docs, func(o *Options) { o.Config.Theme = themeDir })
	s := p.subscribe()
	fixture.Write(t, themeDir, map[string]string{"templates/page.html": `{{template "head" .}}{{if}}`})
	st := s.nextNamed("problems").status(t)
	if !st.Stale || st.Errors == 0 {
		t.Fatalf("broken template: %+v, want a failed rebuild", st)
	}
	if code, body := p.get("guide/"); code != http.StatusOK || !strings.Contains(body, "First version.") {
		t.Errorf("guide/ after a broken template: %d\n%s", code, body)
	}
	must(t, os.Remove(filepath.Join(themeDir, "templates", "page.html")))
	s.nextNamed("reload")
	if st := p.problems(); st.Stale {
		t.Errorf("after the template was removed: %+v", st)
	}
}

// TestBuildCarriesNoReloadClient checks that the reload client and its
// overlay stay out of a built site.
func TestBuildCarriesNoReloadClient(t *testing.T) {
	src := filepath.Join(t.TempDir(), "runbooks")
	fixture.Write(t, src, docs)
	out := filepath.Join(t.TempDir(), "public")
	if _, err := build.Build(context.Background(), build.Config{Src: src, Out: out, NoCache: true}); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasPrefix(d.Name(), "live.") {
			t.Errorf("the built site has %s", p)
		}
		data, err := os.ReadFile(p)
		if err == nil && bytes.Contains(data, []byte("_live")) {
			t.Errorf("%s mentions the reload client", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestSourceFolderComesBack takes the whole source folder away, then makes
// it anew: the preview keeps the last good pages meanwhile, then serves
// the new folder's pages and follows edits in it. The folder goes in one
// step (moved away, as a checkout of another branch may do): removed file
// by file, the watcher may see some files go before the folder does, and
// the last good site is then one without them.
func TestSourceFolderComesBack(t *testing.T) {
	p := startPreview(t, docs)
	s := p.subscribe()
	if err := os.Rename(p.dir, p.dir+"-moved"); err != nil {
		t.Fatal(err)
	}
	for st := s.nextNamed("problems").status(t); !st.Stale; st = s.nextNamed("problems").status(t) {
	}
	if code, body := p.get("guide/"); code != http.StatusOK || !strings.Contains(body, "First version.") {
		t.Errorf("while the folder is gone: %d, want the last good page", code)
	}
	back := maps.Clone(docs)
	back["guide.md"] = "# Guide\n\nSecond life.\n"
	fixture.Write(t, p.dir, back)
	p.untilServed(s, "guide/", "Second life.")
	must(t, os.WriteFile(filepath.Join(p.dir, "db", "pool.md"), []byte("# Pool\n\nEdited after the return.\n"), 0o644))
	p.untilServed(s, "db/pool/", "Edited after the return.")
}

// TestConfigEditRebuildsSite checks that saving runbooks.toml rebuilds
// the whole site with the new settings: the site's title on every page,
// and a page the file now excludes gone.
func TestConfigEditRebuildsSite(t *testing.T) {
	files := maps.Clone(docs)
	files["runbooks.toml"] = "title = \"First Title\"\n"
	p := startPreview(t, files)
	if code, body := p.get("guide/"); code != http.StatusOK || !strings.Contains(body, "First Title") {
		t.Fatalf("before the edit: %d, want the page titled from runbooks.toml", code)
	}
	s := p.subscribe()
	fixture.Write(t, p.dir, map[string]string{"runbooks.toml": "title = \"Second Title\"\nexclude = [\"db/other.md\"]\n"})
	p.untilServed(s, "guide/", "Second Title")
	if code, _ := p.get("db/other/"); code != http.StatusNotFound {
		t.Errorf("db/other/ after runbooks.toml excludes it: %d, want 404", code)
	}
	if _, body := p.get("db/pool/"); strings.Contains(body, "First Title") {
		t.Error("db/pool/ still shows the old title")
	}
}
