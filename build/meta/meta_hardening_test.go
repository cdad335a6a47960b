package meta_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/meta"
)

// parse runs meta.Parse and fails the test if it does not return within a
// minute, so a hang fails instead of blocking the suite.
func parse(t *testing.T, data string) meta.Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	done := make(chan meta.Result, 1)
	go func() { done <- meta.Parse("runbooks/x.md", []byte(data)) }()
	select {
	case r := <-done:
		return r
	case <-ctx.Done():
		t.Fatal("meta.Parse did not return within a minute")
		return meta.Result{}
	}
}

// aliasBomb returns front matter whose aliases would expand to 9^depth
// values if they were followed.
func aliasBomb(depth int, key string) string {
	var b strings.Builder
	b.WriteString("---\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= depth; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*l%d", i-1)
		}
		b.WriteString("]\n")
	}
	fmt.Fprintf(&b, "%s: *l%d\n---\n# Title\n", key, depth)
	return b.String()
}

func TestHostileFrontMatter(t *testing.T) {
	huge := "---\ntitle: x\nnotes: |\n" + strings.Repeat("  padding line of front matter\n", meta.MaxFrontMatter/30+10) + "---\n# T\n"
	deepYAML := "---\ntitle: " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n---\n"
	manyAliases := "---\na: &a x\nb: [" + strings.Repeat("*a, ", 50000) + "*a]\ntitle: *a\n---\n"
	for _, c := range []struct {
		name      string
		data      string
		line, col int    // of the expected error; 0 when none is expected
		rule      string // of the expected error
		title     string
	}{
		{name: "alias bomb as alerts", data: aliasBomb(9, "alerts"), line: 12, col: 9, rule: "front-matter"},
		{name: "alias bomb as vars", data: aliasBomb(9, "vars"), line: 12, col: 7, rule: "front-matter"},
		{name: "alias bomb as title", data: aliasBomb(9, "title"), line: 12, col: 8, rule: "front-matter"},
		{name: "front matter past the limit", data: huge, line: 2, col: 1, rule: "front-matter"},
		{name: "deeply nested YAML", data: deepYAML, line: 2, col: 8, rule: "front-matter"},
		{name: "many aliases", data: manyAliases, title: "x"},
		{name: "tab after a colon", data: "---\ntitle:\tTabbed\n---\n", title: "Tabbed"},
		{name: "tab indentation", data: "---\ntitle: T\nalerts:\n\t- A\n---\n", line: 4, col: 1, rule: "front-matter"},
		{name: "BOM and CRLF", data: "\ufeff---\r\ntitle: Windows\r\n---\r\n# H\r\n", title: "Windows"},
		{name: "CR inside a value", data: "---\r\ntitle: \"a\rb\"\r\n---\r\n", title: "a b"},
		{name: "never closed", data: "---\ntitle: x\n", line: 1, col: 1, rule: "front-matter"},
		{name: "not a mapping", data: "---\n- a\n- b\n---\n", line: 2, col: 1, rule: "front-matter"},
		{name: "empty", data: ""},
		{name: "whitespace only", data: " \n\t\n  \n"},
		{name: "BOM only", data: "\ufeff"},
		{name: "empty front matter", data: "---\n---\n"},
		{name: "invalid UTF-8", data: "# Title\n\nok\nbad \xff here\n", line: 4, col: 5, rule: "invalid-utf8"},
		{name: "invalid UTF-8 after CRLF and a BOM", data: "\ufeff# Título\r\n\r\ná\xc3(\r\n", line: 3, col: 2, rule: "invalid-utf8"},
		{name: "invalid UTF-8 in front matter", data: "---\ntitle: \xfe\n---\n", line: 2, col: 8, rule: "invalid-utf8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := parse(t, c.data)
			var errs []diag.Problem
			for _, p := range r.Problems {
				if p.File != "runbooks/x.md" {
					t.Errorf("problem names %q, want runbooks/x.md: %s", p.File, p)
				}
				if p.Line < 1 || p.Col < 1 || p.Line > strings.Count(c.data, "\n")+1 {
					t.Errorf("problem outside the file: %s", p)
				}
				if p.Severity == diag.Error {
					errs = append(errs, p)
				}
			}
			switch {
			case c.rule == "" && len(errs) > 0:
				t.Errorf("unexpected errors: %v", errs)
			case c.rule != "" && len(errs) == 0:
				t.Errorf("no error, want %s at %d:%d", c.rule, c.line, c.col)
			case c.rule != "":
				if p := errs[0]; p.Rule != c.rule || p.Line != c.line || p.Col != c.col {
					t.Errorf("got %s, want %s at %d:%d", p, c.rule, c.line, c.col)
				}
			}
			if r.Meta.Title != c.title {
				t.Errorf("title = %q, want %q", r.Meta.Title, c.title)
			}
			if strings.ContainsRune(string(r.Body), '\r') {
				t.Errorf("body keeps a CR: %q", r.Body)
			}
		})
	}
}

func TestPageLimits(t *testing.T) {
	var table strings.Builder
	table.WriteString("# T\n\n|" + strings.Repeat(" h |", 2000) + "\n|" + strings.Repeat(" - |", 2000) + "\n")
	for range 2000 {
		table.WriteString("| x |\n")
	}
	var wide strings.Builder
	wide.WriteString("| a | b | c |\n| :-- | :-: | --: |\n")
	for range 5000 {
		wide.WriteString("| 1 | 2 \\| two | 3 |\n")
	}
	var quotedTable strings.Builder
	quotedTable.WriteString("> |" + strings.Repeat(" h |", 1000) + "\n> |" + strings.Repeat("-|", 1000) + "\n")
	for range 1000 {
		quotedTable.WriteString("> |x|\n")
	}
	depth := func(n int, marker string) string { return strings.Repeat(marker, n) + "x\n" }
	for _, c := range []struct {
		name      string
		data      string
		line, col int // of the expected error, 0 when none is expected
	}{
		{"a page past the size limit", strings.Repeat("a line of text\n", meta.MaxPageBytes/15+1), 1, 1},
		{"a page at the size limit", strings.Repeat("x", meta.MaxPageBytes-1) + "\n", 0, 0},
		{"20,000 nested block quotes", "# T\n\n" + depth(20000, "> "), 3, 2*meta.MaxNesting + 1},
		{"20,000 nested block quotes without spaces", "# T\n\n" + depth(20000, ">"), 3, meta.MaxNesting + 1},
		{"20,000 nested lists", "---\ntitle: t\n---\n" + depth(20000, "- "), 4, 2*meta.MaxNesting + 1},
		{"20,000 nested ordered lists", depth(20000, "1) "), 1, 3*meta.MaxNesting + 1},
		{"mixed nesting", depth(20000, "> * 1. "), 1, 234}, // the 101st marker, "*", is at byte 233
		{"nesting at the limit", depth(meta.MaxNesting, "> "), 0, 0},
		{"nesting in a code block at the limit", "```\n" + depth(meta.MaxNesting, "- ") + "```\n", 0, 0},
		{"a long thematic break", strings.Repeat("* ", 5000) + "\n", 0, 0},
		{"a table that fills in 4 million cells", table.String(), 4, 1},
		{"a quoted table that fills in a million cells", quotedTable.String(), 2, 1},
		{"a long table with every cell", wide.String(), 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := parse(t, c.data)
			var lim []diag.Problem
			for _, p := range r.Problems {
				if p.Rule == "page-limit" {
					lim = append(lim, p)
				}
			}
			if c.line == 0 {
				if len(lim) > 0 {
					t.Errorf("unexpected %v", lim)
				}
				if r.Body == nil {
					t.Error("the body was dropped")
				}
				return
			}
			if len(lim) != 1 {
				t.Fatalf("got %v, want one page-limit error at %d:%d", lim, c.line, c.col)
			}
			if p := lim[0]; p.Line != c.line || p.Col != c.col || p.Severity != diag.Error || p.File != "runbooks/x.md" {
				t.Errorf("got %s, want runbooks/x.md:%d:%d: error", p, c.line, c.col)
			}
			if r.Body != nil {
				t.Error("the body of a refused page is kept: the parser would still see it")
			}
		})
	}
}

func TestLimitsKeepMetadata(t *testing.T) {
	r := parse(t, "---\ntitle: Deep\ntype: incident\nseverity: SEV1\nowner: db\nlast_updated: 2025-01-01\n---\n"+strings.Repeat("> ", 500)+"x\n")
	if r.Meta.Title != "Deep" || r.Meta.Severity != "SEV1" || r.Meta.Owner != "db" {
		t.Errorf("meta = %+v, want the front matter's", r.Meta)
	}
}
