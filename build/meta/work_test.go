package meta_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/markdown"
	"github.com/arcaapi/runbooks/build/meta"
)

// TestParseBudget checks that the patterns that make the Markdown parser
// take time growing with the square of their length are refused with a
// positioned page-too-complex error before they are parsed, and that long
// pages of ordinary links and emphasis are not.
func TestParseBudget(t *testing.T) {
	for _, c := range []struct {
		name      string
		data      string
		line, col int // of the expected error, 0 when none is expected
	}{
		{"unclosed link destinations", "# T\n\n" + strings.Repeat("[a](b", 64_000) + "\n", 3, 0},
		{"unclosed image destinations", "# T\n\n" + strings.Repeat("![a](b", 64_000) + "\n", 3, 0},
		{"unclosed angle destinations", "# T\n\n" + strings.Repeat("[a](<b", 64_000) + "\n", 3, 0},
		{"markers that cannot pair", "# T\n\n" + strings.Repeat("*a_", 80_000) + "\n", 3, 0},
		{"markers that cannot pair after a front matter", "---\ntitle: x\n---\ntext\n\n" + strings.Repeat("**a_", 80_000) + "\n", 6, 0},
		{"80,000 links on one line", "# T\n\n" + strings.Repeat("[a](#b) ", 80_000) + "\n", 0, 0},
		{"80,000 links with no space between", "# T\n\n" + strings.Repeat("[a](b.md)", 80_000) + "\n", 0, 0},
		{"80,000 emphasised words", "# T\n\n" + strings.Repeat("*a* _b_ **c** ~d~ ", 80_000) + "\n", 0, 0},
		{"markers in a code block", "```\n" + strings.Repeat("*a_", 80_000) + "\n```\n", 0, 0},
		{"unclosed destinations in a code block", "~~~\n" + strings.Repeat("[a](b", 64_000) + "\n~~~\n", 0, 0},
		{"markers in many short paragraphs", strings.Repeat(strings.Repeat("*a_", 100)+"\n\n", 1_000), 0, 0},
		{"too many markers in short paragraphs", "# T\n\n" + strings.Repeat(strings.Repeat("*a_", 100)+"\n\n", 10_000), 3 + 2*3960, 0}, // the budget is the page's
		{"escaped markers", "# T\n\n" + strings.Repeat("\\*a\\_", 80_000) + "\n", 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := parse(t, c.data)
			var got []diag.Problem
			for _, p := range r.Problems {
				if p.Rule == "page-too-complex" || p.Rule == "page-limit" {
					got = append(got, p)
				}
			}
			if c.line == 0 {
				if len(got) > 0 {
					t.Fatalf("unexpected %v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %v, want one page-too-complex error on line %d", got, c.line)
			}
			p := got[0]
			if p.Rule != "page-too-complex" || p.Line != c.line || p.Col < 1 || p.Severity != diag.Error || p.File != "runbooks/x.md" {
				t.Errorf("got %s, want runbooks/x.md:%d:<col>: error [page-too-complex]", p, c.line)
			}
			if r.Body != nil {
				t.Error("the body of a refused page is kept: the parser would still see it")
			}
		})
	}
}

// TestParseBudgetPosition checks that the error names the marker or link
// destination at which the work ran out, in characters.
func TestParseBudgetPosition(t *testing.T) {
	r := parse(t, "# T\n\nñ "+strings.Repeat("[a](b", 64_000)+"\n")
	for _, p := range r.Problems {
		if p.Rule != "page-too-complex" {
			continue
		}
		// The col is that of a "]" of the line: after "ñ " and a whole
		// number of "[a](b", plus 2.
		if p.Line != 3 || (p.Col-3-2)%5 != 0 {
			t.Errorf("got %s, want the column of a \"]\"", p)
		}
		return
	}
	t.Fatal("no page-too-complex error")
}

// BenchmarkParseBudget parses pages the budget lets through: ordinary
// links and emphasis, whose time per byte stays the same from 10,000 to
// 80,000 repetitions, and the two patterns at the most the budget allows.
func BenchmarkParseBudget(b *testing.B) {
	r := markdown.New(nil)
	for _, c := range []struct {
		unit string
		n    []int
	}{
		{"[a](#b) ", []int{10_000, 80_000}},
		{"*a* _b_ ", []int{10_000, 80_000}},
		{"[a](b", []int{2_700}},
		{"*a_", []int{6_000}},
	} {
		for _, n := range c.n {
			body := []byte("# T\n\n" + strings.Repeat(c.unit, n) + "\n")
			b.Run(fmt.Sprintf("%q×%d", c.unit, n), func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				for b.Loop() {
					if res := meta.Parse("x.md", body); res.Body == nil {
						b.Fatalf("refused: %v", res.Problems)
					}
					r.Render(markdown.Input{Path: "x.md", Body: body, BodyLine: 1})
				}
			})
		}
	}
}
