package build_test

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/internal/fixture"
)

// streamTree writes a tree of n runbooks whose rendered HTML is mostly
// highlighted code: the same blocks on every page, so that the
// highlighter's memory is the same whatever n is, while each page's HTML
// weighs several times what the checks keep of it.
func streamTree(t *testing.T, dir string, n int) {
	t.Helper()
	var code strings.Builder
	for i := range 30 {
		fmt.Fprintf(&code, "kubectl -n \"${NAMESPACE:?}\" logs deploy/api-%d --since=10m | grep -E 'error|timeout' | tail -n 20\n", i)
	}
	block := "```bash\n" + code.String() + "```\n\n"
	files := map[string]string{"README.md": "# Runbooks\n\nSee [the first](rb-0.md).\n"}
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: Runbook %d\ntype: incident\nseverity: SEV2\nowner: Platform Team\nlast_updated: 2026-11-01\nvars:\n  NAMESPACE: arca-prod\n---\n\n", i)
		for _, h := range []string{"Symptoms", "Diagnosis", "Resolution", "Verification"} {
			fmt.Fprintf(&b, "## %s\n\nWhat to do for runbook %d, then see [the next one](rb-%d.md#%s).\n\n%s", h, i, (i+1)%n, strings.ToLower(h), block)
		}
		files[fmt.Sprintf("rb-%d.md", i)] = b.String()
	}
	fixture.Write(t, dir, files)
}

// peakHeap builds a tree of n runbooks (streamTree) and returns the most
// heap its objects took during the build, and the bytes of the pages
// written.
func peakHeap(t *testing.T, n int) (peak uint64, pages int64) {
	t.Helper()
	dir := t.TempDir()
	src, out := filepath.Join(dir, "tree"), filepath.Join(dir, "public")
	streamTree(t, src, n)
	runtime.GC()
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var max uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			max = maxOf(max, s[0].Value.Uint64())
			select {
			case <-stop:
				done <- max
				return
			case <-tick.C:
			}
		}
	}()
	res, err := build.Build(context.Background(), build.Config{Src: src, Out: out, Now: buildDate, NoCache: true})
	close(stop)
	peak = <-done
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages != n+1 || res.Errors() > 0 {
		t.Fatalf("built %d pages, want %d; problems %v", res.Pages, n+1, res.Problems)
	}
	err = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "index.html") {
			return err
		}
		info, err := d.Info()
		pages += info.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return peak, pages
}

func maxOf(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// TestBuildStreamsPages checks that a build writes each page as it renders
// it and keeps no page's HTML: its heap grows with what the checks, the
// navigation and the search index need of the pages, not with the
// rendered site. Four times the pages may add at most three quarters of
// what the added pages' HTML weighs (today about half: the code blocks'
// sources, kept for the command checks, are most of it); a build that kept
// every page's HTML until the write added one and a half times as much.
func TestBuildStreamsPages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 1,000 pages")
	}
	// Collect often, so that the heap is what is live rather than what
	// the collector has not got to yet.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	const n = 200
	small, smallPages := peakHeap(t, n)
	large, largePages := peakHeap(t, 4*n)
	added := largePages - smallPages
	grew := int64(large) - int64(small)
	t.Logf("peak heap %d KiB for %d pages, %d KiB for %d: %.1f KiB more for %.1f KiB more pages (%.2f)",
		small>>10, n, large>>10, 4*n, float64(grew)/1024, float64(added)/1024, float64(grew)/float64(added))
	if grew > added*3/4 {
		t.Errorf("the peak heap grew by %d KiB for %d KiB of added pages: the build keeps the pages' HTML", grew>>10, added>>10)
	}
}
