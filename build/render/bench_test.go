package render

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/arcaapi/runbooks/theme"
)

// BenchmarkPage renders every page of a site into memory, one page after
// the other: with 100 pages every navigation group is listed whole, with
// 2,000 each shows a window.
//
//	go test -run '^$' -bench Page -benchmem ./build/render/
func BenchmarkPage(b *testing.B) {
	for _, n := range []int{100, 2000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			pages := testPages(n)
			th, site := testTheme(b, theme.Default()), testSite(b, pages, "")
			var buf bytes.Buffer
			for b.Loop() {
				r := New(th, site) // a new site each time, as every build is
				for _, p := range pages {
					buf.Reset()
					if err := r.Page(&buf, p, testBody); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(pages)), "µs/page")
		})
	}
}
