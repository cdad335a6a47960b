package markdown

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestManyLinksOnOneLineAreLinear checks that the columns of many links on
// one line are right and cost one pass over the line: the work is counted
// in bytes scanned, not timed. Counting every link's column from the start
// of its line took 9 s for 80,000 links.
func TestManyLinksOnOneLineAreLinear(t *testing.T) {
	const n = 80_000
	for _, c := range []struct {
		name string
		link func(i int) string // the i'th link, as written
		dest func(i int) string
	}{
		{"inline links", func(i int) string { return fmt.Sprintf("[é%d](#s%d) ", i, i) }, func(i int) string { return fmt.Sprintf("#s%d", i) }},
		{"empty links", func(i int) string { return fmt.Sprintf("[](#s%d) ", i) }, func(i int) string { return fmt.Sprintf("#s%d", i) }},
		{"autolinks", func(i int) string { return fmt.Sprintf("<https://x.example/%d> ", i) }, func(i int) string { return fmt.Sprintf("https://x.example/%d", i) }},
		{"the same autolink", func(int) string { return "<https://x.example/> " }, func(int) string { return "https://x.example/" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var line strings.Builder
			line.WriteString("ñ ")
			cols := make([]int, n)
			runes := 2
			for i := range n {
				l := c.link(i)
				cols[i] = runes + 1
				runes += len([]rune(l))
				line.WriteString(l)
			}
			body := "# T\n\n" + line.String() + "\n"
			out, st, _ := New(nil).render(context.Background(), Input{Path: "x.md", Body: []byte(body), BodyLine: 1})
			if len(out.Refs) != n {
				t.Fatalf("%d links found, want %d", len(out.Refs), n)
			}
			for i, r := range out.Refs {
				if r.Line != 3 || r.Col != cols[i] || r.Dest != c.dest(i) {
					t.Fatalf("link %d: %s at %d:%d, want %s at 3:%d", i, r.Dest, r.Line, r.Col, c.dest(i), cols[i])
				}
			}
			if st.scanned > 2*len(body) {
				t.Errorf("columns scanned %d bytes of a %d-byte page: the work grows faster than the page", st.scanned, len(body))
			}
		})
	}
}

// BenchmarkManyLinksOnOneLine parses a line of n links. The time per link
// stays the same as n grows.
func BenchmarkManyLinksOnOneLine(b *testing.B) {
	for _, n := range []int{10_000, 80_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			body := []byte("# T\n\n" + strings.Repeat("[a](#b) ", n) + "\n")
			r := New(nil)
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				r.Render(Input{Path: "x.md", Body: body, BodyLine: 1})
			}
		})
	}
}
