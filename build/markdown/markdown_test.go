package markdown_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/markdown"
)

func render(body string, bodyLine int) markdown.Output {
	r := markdown.New(highlight.New(nil))
	return r.Render(markdown.Input{Path: "x.md", Body: []byte(body), BodyLine: bodyLine})
}

// TestRefPositions checks that every kind of link is found at the line and
// column of its first character in the file, and that text that only looks
// like a link is not collected.
func TestRefPositions(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       []string // "kind dest line:col"
	}{
		{"inline", "See [the *doc*](a.md#b) now.\n", []string{"0 a.md#b 5:5"}},
		{"image", "x ![alt](i.png)\n", []string{"1 i.png 5:3"}},
		{"empty text", "go [](a.md)\n", []string{"0 a.md 5:4"}},
		{"reference", "Use [pool][p] and [p].\n\n[p]: db/pool.md#notes\n", []string{"0 db/pool.md#notes 5:5", "0 db/pool.md#notes 5:19"}},
		{"autolinks", "<https://x.y> and www.example.com\n", []string{"2 https://x.y 5:1", "2 http://www.example.com 5:19"}},
		{"second line", "one\ntwo [l](b.md)\n", []string{"0 b.md 6:5"}},
		{"unicode columns", "Café ☕ [l](b.md)\n", []string{"0 b.md 5:8"}},
		{"table cell", "| a | b |\n|---|---|\n| [x](t.md) | y |\n", []string{"0 t.md 7:3"}},
		{"heading", "## See [h](h.md)\n", []string{"0 h.md 5:8"}},
		{"not links", "`[a](code.md)`\n\n```\n[b](fence.md)\n```\n\n    [c](indented.md)\n\n\\[d](escaped.md)\n\n<!-- [e](comment.md) -->\n", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := render(c.body, 5)
			var got []string
			for _, r := range out.Refs {
				got = append(got, fmt.Sprintf("%d %s %d:%d", r.Kind, r.Dest, r.Line, r.Col))
			}
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("refs = %q, want %q", got, c.want)
			}
		})
	}
}

func TestCodeBlockFacts(t *testing.T) {
	body := "# T\n\n```markdown\n```bash\nls\n```\n\n````markdown\n```bash\nls\n```\n````\n\n```sql\nDROP TABLE x;\n```\n\n```bash\nnever closed\n"
	out := render(body, 1)
	// ```markdown, then the inner ```bash line (content: a fence with an
	// info string cannot close a block), then ``` closes it at line 6.
	if len(out.Code) != 4 {
		t.Fatalf("code blocks = %+v", out.Code)
	}
	c0 := out.Code[0]
	if c0.Lang != "markdown" || c0.Line != 3 || !c0.Closed || fmt.Sprint(c0.InnerFences) != "[4]" {
		t.Errorf("nested fence block = %+v", c0)
	}
	var sql, last = out.Code[len(out.Code)-2], out.Code[len(out.Code)-1]
	if sql.Lang != "sql" || !sql.Destructive || !sql.Closed {
		t.Errorf("sql block = %+v", sql)
	}
	if last.Lang != "bash" || last.Closed {
		t.Errorf("unclosed block = %+v, want Closed false", last)
	}
	for _, cb := range out.Code {
		if cb.Lang == "markdown" && cb.Line == 8 && len(cb.InnerFences) != 0 {
			t.Errorf("```` block reports inner fences %v", cb.InnerFences)
		}
	}
}

func TestDestructive(t *testing.T) {
	for _, tt := range []struct {
		lang, code string
		want       bool
	}{
		{"bash", "kubectl -n arca-prod delete pod api-1", true},
		{"bash", "kubectl -n arca-prod get pods", false},
		{"bash", "helm rollback arca-api 41 -n arca-prod", true},
		{"bash", "redis-cli FLUSHALL", true},
		{"sql", "SELECT pg_terminate_backend(pid) FROM x;", true},
		{"bash", "rm -rf /tmp/heap", true},
		{"sql", "TRUNCATE webhook_deliveries;", true},
		{"bash", "kubectl rollout undo deployment/arca-api", true},
		{"bash", "kubectl rollout status deployment/arca-api", false},
		{"sql", "SELECT count(*) FROM pg_stat_activity;", false},
		{"bash", "# Estado del servicio: curl -s https://x/healthz", false},
		{"", "kubectl delete pod x", true},
		{"yaml", "command: [\"rm\", \"-rf\", \"/data\"]", false},
	} {
		if got := markdown.IsDestructive(tt.lang, []byte(tt.code)); got != tt.want {
			t.Errorf("IsDestructive(%q, %q) = %v, want %v", tt.lang, tt.code, got, tt.want)
		}
	}
}

// TestFenceAttributes checks that {destructive} and {safe} override the
// detector, and that {attributes} leave the language, and so the
// highlighting, as it was.
func TestFenceAttributes(t *testing.T) {
	src := "# T\n\n```bash {safe}\nkubectl delete pod x\n```\n\n```bash {destructive}\nkubectl get pods\n```\n\n```bash{nocheck}\necho $X\n```\n\n```bash\nrm -fr /tmp/x\n```\n"
	out := render(src, 1)
	want := []struct {
		destructive bool
		attr        string
	}{{false, "safe"}, {true, "destructive"}, {false, "nocheck"}, {true, ""}}
	if len(out.Code) != len(want) {
		t.Fatalf("got %d code blocks, want %d", len(out.Code), len(want))
	}
	for i, w := range want {
		c := out.Code[i]
		if c.Lang != "bash" {
			t.Errorf("block %d: language %q, want bash", i, c.Lang)
		}
		if c.Destructive != w.destructive {
			t.Errorf("block %d: destructive = %v, want %v", i, c.Destructive, w.destructive)
		}
		if w.attr != "" && !c.Has(w.attr) {
			t.Errorf("block %d: attributes %v, want %q", i, c.Attrs, w.attr)
		}
	}
	html := string(out.HTML)
	if n := strings.Count(html, `<p class="destructive-label">`); n != 2 {
		t.Errorf("%d destructive labels, want 2:\n%s", n, html)
	}
	if strings.Contains(html, "nocheck") || strings.Contains(html, "{safe}") {
		t.Errorf("fence attributes leak into the page:\n%s", html)
	}
	// highlighted as bash: "kubectl" is a name, "get" too, each in a span
	if n := strings.Count(html, `class="language-bash`); n != 4 {
		t.Errorf("%d blocks highlighted as bash, want 4:\n%s", n, html)
	}
}

func TestSectionsAndTitle(t *testing.T) {
	out := render("# Runbook: API *Down*\n\nintro\n\n## Symptoms\n\nInvoices fail with `503`.\n\n### Step 1\n\ncheck\n", 1)
	if out.Title != "Runbook: API Down" {
		t.Errorf("title = %q", out.Title)
	}
	var got []string
	for _, s := range out.Sections {
		got = append(got, s.ID+"="+s.Text)
	}
	want := []string{"runbook-api-down=intro", "symptoms=Invoices fail with 503.", "step-1=check"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sections = %q, want %q", got, want)
	}
}

func TestNoInlineStyles(t *testing.T) {
	out := render("| a | b |\n|:--|--:|\n| 1 | 2 |\n\n~~old~~ - [x] done\n", 1)
	html := string(out.HTML)
	if strings.Contains(html, "style=") {
		t.Errorf("inline style in %s", html)
	}
	if !strings.Contains(html, `align="right"`) || !strings.Contains(html, "<del>old</del>") {
		t.Errorf("GFM table alignment or strikethrough missing: %s", html)
	}
}

// TestRenderInto: pages rendered one after another into one buffer each
// come out as RenderContext renders them, in the buffer once it has room.
func TestRenderInto(t *testing.T) {
	r := markdown.New(nil)
	pages := []string{
		"# Long\n\n" + strings.Repeat("Check the pool, then the [replicas](#long).\n\n", 40),
		"# Short\n\nOne line.\n",
		"# Long again\n\n" + strings.Repeat("Check the *pool*.\n\n", 30),
	}
	var buf []byte
	for i, src := range pages {
		in := markdown.Input{Path: "p.md", Body: []byte(src), BodyLine: 1}
		want, err := r.RenderContext(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.RenderInto(context.Background(), in, buf)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.HTML) != string(want.HTML) {
			t.Errorf("page %d: RenderInto wrote\n%s\nwant\n%s", i, got.HTML, want.HTML)
		}
		if cap(buf) >= len(want.HTML) && &got.HTML[0] != &buf[:1][0] {
			t.Errorf("page %d: not rendered into the buffer, which had room", i)
		}
		buf = got.HTML
	}
}
