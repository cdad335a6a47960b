package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/internal/fixture"
)

// liveHeap returns the bytes of heap that are live after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestSessionMemoryBounded saves a page of a 100-page site 1,500 times, as
// an author does over a long preview, each save with a code block never
// seen before and several KiB of text, and renders the saved page as the
// reloading browser asks for it. The live heap after the last save may
// exceed that after the 300th by 4 MiB: keeping one version of the edited
// page's source per save would add 10 MiB, keeping an old site per save
// far more.
func TestSessionMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("1,500 saves")
	}
	dir := filepath.Join(t.TempDir(), "runbooks")
	files := map[string]string{"README.md": "# Runbooks\n\nStart at [the first](p-0.md).\n"}
	for i := range 100 {
		files[fmt.Sprintf("p-%d.md", i)] = fmt.Sprintf("# Page %d\n\nSee [the next](p-%d.md).\n", i, (i+1)%100)
	}
	fixture.Write(t, dir, files)
	ctx := context.Background()
	s, err := NewSession(Config{Src: dir, Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Apply(ctx, nil); err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("The pool is exhausted when every connection is taken. ", 150)
	var after300 uint64
	for i := range 1500 {
		name := fmt.Sprintf("p-%d.md", i%100)
		fixture.Write(t, dir, map[string]string{name: fmt.Sprintf(
			"# Page %d\n\n%s\n\n```bash\nkubectl rollout restart deploy/api-%d\n```\n\nSee [the next](p-%d.md).\n", i%100, text, i, (i%100+1)%100)})
		ch, err := s.Apply(ctx, []string{name})
		if err != nil {
			t.Fatal(err)
		}
		if errs := ch.SourceErrors(); len(errs) > 0 {
			t.Fatalf("save %d: %v", i, errs)
		}
		_ = ch.Problems()
		p, err := s.Preview(ctx, ch.Site, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		data, ok, err := p.File(ctx, fmt.Sprintf("p-%d/index.html", i%100))
		if err != nil || !ok || !strings.Contains(string(data), fmt.Sprintf("api-%d", i)) {
			t.Fatalf("save %d: the page does not show it (found %v, %v)", i, ok, err)
		}
		if i == 299 {
			after300 = liveHeap()
		}
	}
	end := liveHeap()
	t.Logf("live heap after 300 saves %d KiB, after 1,500 %d KiB", after300>>10, end>>10)
	if end > after300+4<<20 {
		t.Errorf("the live heap grew by %d KiB over 1,200 saves", (end-after300)>>10)
	}
}

// runbook returns a runbook's source with its title and severity.
func runbook(title, severity, body string) string {
	return fmt.Sprintf("---\ntitle: %s\nseverity: %s\nowner: Platform Team\nlast_updated: 2026-02-01\n---\n\n# %s\n\n## Symptoms\n\nIt pages.\n\n## Diagnosis\n\nLook.\n\n## Resolution\n\nFix.\n\n## Verification\n\nIt stops.\n\n%s\n", title, severity, title, body)
}

// TestPreviewMatchesFreshSession edits a site of 80 pages in the ways an
// author does while the preview runs (a title that moves a page in the
// navigation, a severity that moves it to another group, a page added and
// removed, a folder's index page, the home page, a title that another
// page has, a diagram, a link to an image, several pages at once) and,
// after each edit, compares every page the preview serves, the group
// pages, the folder navigation and the problems with those of a session
// started afresh on the same tree, which parses and renders the whole
// site. The edits are applied one after the other to one session, so
// incremental state that drifts from the tree fails a later step.
func TestPreviewMatchesFreshSession(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runbooks")
	files := map[string]string{
		"README.md":          "# Runbooks\n\nStart at [the pool](db/pool-0.md).\n",
		"docs/README.md":     "# Guides\n\nHow we work.\n",
		"docs/oncall.md":     "# On call\n\nBe there.\n",
		"docs/escalation.md": "# Escalation\n\nCall.\n",
		"ops/README.md":      "# Operations\n\nThe rest.\n",
		"ops/backups.md":     "# Backups\n\nDaily.\n",
		"img/graph.png":      "PNG",
	}
	for i := range 60 {
		files[fmt.Sprintf("db/pool-%d.md", i)] = runbook(fmt.Sprintf("Pool %02d", i), "SEV2", fmt.Sprintf("See [the next](pool-%d.md).", (i+1)%60))
	}
	for i := range 12 {
		files[fmt.Sprintf("api/down-%d.md", i)] = runbook(fmt.Sprintf("API down %02d", i), "SEV1", "Page the [owner](../docs/oncall.md).")
	}
	fixture.Write(t, dir, files)
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s, err := NewSession(Config{Src: dir, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ch, err := s.Apply(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Preview(ctx, ch.Site, true, nil); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		write   map[string]string
		remove  []string
		inPlace bool // the site is made by changing the edited pages in place
	}{
		{name: "a title that moves the page", write: map[string]string{"db/pool-30.md": runbook("Aardvark pool", "SEV2", "")}, inPlace: true},
		{name: "a severity that moves the page to another group", write: map[string]string{"db/pool-31.md": runbook("Pool 31", "SEV1", "")}, inPlace: true},
		{name: "the body only", write: map[string]string{"db/pool-32.md": runbook("Pool 32", "SEV2", "New text.")}, inPlace: true},
		{name: "a page added", write: map[string]string{"db/pool-new.md": runbook("Pool new", "SEV3", "")}},
		{name: "the added page retitled", write: map[string]string{"db/pool-new.md": runbook("Newer pool", "SEV3", "")}, inPlace: true},
		{name: "a page removed", remove: []string{"db/pool-33.md"}},
		{name: "a page without severity retitled", write: map[string]string{"docs/oncall.md": "# Zebra duty\n\nBe there.\n"}, inPlace: true},
		{name: "a folder's index page retitled", write: map[string]string{"ops/README.md": "# Abacus\n\nThe rest.\n"}, inPlace: true},
		{name: "the home page retitled", write: map[string]string{"README.md": "# Our runbooks\n\nStart at [the pool](db/pool-0.md).\n"}, inPlace: true},
		{name: "a title another page has", write: map[string]string{"api/down-3.md": runbook("Pool 05", "SEV2", "")}, inPlace: true},
		{name: "a diagram", write: map[string]string{"api/down-4.md": runbook("API down 04", "SEV1", "```mermaid\ngraph TD; A-->B\n```")}, inPlace: true},
		{name: "a link to an image", write: map[string]string{"api/down-5.md": runbook("API down 05", "SEV1", "![graph](../img/graph.png)")}, inPlace: true},
		{name: "a page becomes a runbook", write: map[string]string{"ops/backups.md": runbook("Backups", "SEV3", "")}, inPlace: true},
		{name: "several pages", write: map[string]string{
			"db/pool-1.md":   runbook("Pool 01", "SEV3", ""),
			"db/pool-2.md":   runbook("Zulu pool", "SEV2", ""),
			"docs/README.md": "# Aaa guides\n\nHow we work.\n",
		}, inPlace: true},
		{name: "the diagram and the image gone", write: map[string]string{
			"api/down-4.md": runbook("API down 04", "SEV1", ""),
			"api/down-5.md": runbook("API down 05", "SEV1", ""),
		}, inPlace: true},
		{name: "a broken link", write: map[string]string{"db/pool-7.md": runbook("Pool 07", "SEV2", "[gone](nowhere.md)")}, inPlace: true},
	}
	for _, st := range steps {
		fixture.Write(t, dir, st.write)
		var changed []string
		for name := range st.write {
			changed = append(changed, name)
		}
		for _, name := range st.remove {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
			changed = append(changed, name)
		}
		ch, err := s.Apply(ctx, changed)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if inPlace := ch.Site.inPlace; inPlace != st.inPlace {
			t.Errorf("%s: made in place %v, want %v", st.name, inPlace, st.inPlace)
		}
		got, err := s.Preview(ctx, ch.Site, false, nil)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		fresh, err := NewSession(Config{Src: dir, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		fch, err := fresh.Apply(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		want, err := fresh.Preview(ctx, fch.Site, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		names := []string{"nav.json", "404.html", "search/index.html", "alerts/index.html"}
		for _, p := range fch.Site.Pages {
			names = append(names, p.URL+"index.html")
		}
		names = append(append(names, ch.Site.Files...), fch.Site.Files...) // the files the pages link
		for _, g := range []string{"sev1", "sev2", "sev3", "maintenance", "other"} {
			names = append(names, "groups/"+g+"/index.html")
		}
		if len(ch.Site.Pages) != len(fch.Site.Pages) {
			t.Fatalf("%s: %d pages, a fresh parse has %d", st.name, len(ch.Site.Pages), len(fch.Site.Pages))
		}
		for _, name := range names {
			g, gok, err := got.File(ctx, name)
			if err != nil {
				t.Fatalf("%s: %s: %v", st.name, name, err)
			}
			w, wok, err := want.File(ctx, name)
			if err != nil {
				t.Fatalf("%s: fresh %s: %v", st.name, name, err)
			}
			if gok != wok || !bytes.Equal(g, w) {
				t.Fatalf("%s: %s differs from a fresh session's (served %v, fresh %v):\n%s", st.name, name, gok, wok, firstDiff(g, w))
			}
		}
		if g, w := fmt.Sprint(ch.Problems()), fmt.Sprint(fch.Problems()); g != w {
			t.Fatalf("%s: problems\n%s\nfresh session's:\n%s", st.name, g, w)
		}
		fresh.Close()
	}
}

// firstDiff shows where a and b first differ.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	cut := func(s []byte) string { return string(s[max(0, i-80):min(len(s), i+80)]) }
	return fmt.Sprintf("at byte %d: …%s…\nfresh: …%s…", i, cut(a), cut(b))
}
