package build

import (
	"context"
	"fmt"
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
