package serve

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
)

// editsPerRun is how many edits each benchmark iteration times.
const editsPerRun = 20

// benchPages is the size of the generated tree BenchmarkEditToEvent edits;
// bench/compare.sh -scale -serve sets it to its largest size:
//
//	go test ./build/serve -run '^$' -bench EditToEvent/generated -benchtime 1x -args -pages 30000
var benchPages = flag.Int("pages", 10000, "runbooks in the generated tree BenchmarkEditToEvent edits")

// BenchmarkEditToEvent measures the time from saving a page to the reload
// event reaching a subscribed browser (ms-to-event), to the new page being
// served (ms-to-page), and to the problems of the whole-site checks
// arriving (ms-to-problems), on the repository's runbooks and on a
// generated tree of 10,000 pages (-pages; skipped with -short). It reports
// the medians over 20 edits:
//
//	go test ./build/serve -run '^$' -bench EditToEvent -benchtime 1x
func BenchmarkEditToEvent(b *testing.B) {
	b.Run("runbooks", func(b *testing.B) {
		dir := filepath.Join(b.TempDir(), "runbooks")
		if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "runbooks"))); err != nil {
			b.Fatal(err)
		}
		benchEdits(b, dir)
	})
	b.Run(fmt.Sprintf("generated-%d", *benchPages), func(b *testing.B) {
		if testing.Short() {
			b.Skip("skipping the generated tree in -short mode")
		}
		dir := filepath.Join(b.TempDir(), "tree")
		gen := exec.Command("go", "run", "./bench/gen", "-n", strconv.Itoa(*benchPages), "-o", dir)
		gen.Dir = filepath.Join("..", "..")
		if out, err := gen.CombinedOutput(); err != nil {
			b.Fatalf("go run ./bench/gen: %v\n%s", err, out)
		}
		benchEdits(b, dir)
	})
}

// benchEdits serves dir and times edits of one of its pages.
func benchEdits(b *testing.B, dir string) {
	target, sitePath := pageToEdit(b, dir)
	original, err := os.ReadFile(target)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- Run(ctx, Options{Config: build.Config{Src: dir, NoCache: true}, Addr: "127.0.0.1:0", Ready: func(u string) { ready <- u }})
	}()
	var url string
	select {
	case url = <-ready:
	case err := <-done:
		b.Fatal(err)
	}
	b.Logf("%s: first build and serve in %s", filepath.Base(dir), time.Since(start).Round(time.Millisecond))
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	s := subscribe(b, url)
	if e := s.next(); e.name != "problems" {
		b.Fatalf("first event %q", e.name)
	}

	var toEvent, toPage, toProblems []time.Duration
	b.ResetTimer()
	for i := range b.N {
		for j := range editsPerRun {
			marker := fmt.Sprintf("Edit marker %d-%d.", i, j)
			content := append(slices.Clip(original), "\n"+marker+"\n"...)
			t0 := time.Now()
			if err := os.WriteFile(target, content, 0o644); err != nil {
				b.Fatal(err)
			}
			for {
				e := s.next()
				if e.name == "reload" && e.reload(b).covers(sitePath) {
					break
				}
			}
			toEvent = append(toEvent, time.Since(t0))
			resp, err := http.Get(url + sitePath)
			if err != nil {
				b.Fatal(err)
			}
			var body strings.Builder
			_, err = fmt.Fprint(&body, readAll(b, resp))
			if err != nil || !strings.Contains(body.String(), marker) {
				b.Fatalf("the page does not show edit %d", j)
			}
			toPage = append(toPage, time.Since(t0))
			// The whole-site checks run after the reload event; wait for
			// their problems, as an author saves again seconds later.
			s.nextNamed("problems")
			toProblems = append(toProblems, time.Since(t0))
		}
	}
	b.StopTimer()
	b.ReportMetric(ms(median(toEvent)), "ms-to-event")
	b.ReportMetric(ms(median(toPage)), "ms-to-page")
	b.ReportMetric(ms(median(toProblems)), "ms-to-problems")
	b.ReportMetric(0, "ns/op")
}

// pageToEdit picks a runbook in the middle of the tree, not an index page.
func pageToEdit(b *testing.B, dir string) (file, sitePath string) {
	var pages []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") && !strings.EqualFold(d.Name(), "README.md") {
			pages = append(pages, p)
		}
		return err
	})
	if err != nil || len(pages) == 0 {
		b.Fatalf("no page to edit in %s: %v", dir, err)
	}
	slices.Sort(pages)
	file = pages[len(pages)/2]
	rel, _ := filepath.Rel(dir, file)
	return file, strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
}

func readAll(b *testing.B, resp *http.Response) string {
	defer resp.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET: %d", resp.StatusCode)
	}
	return sb.String()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
