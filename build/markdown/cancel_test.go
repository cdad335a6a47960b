package markdown_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/highlight"
	"github.com/arcaapi/runbooks/build/markdown"
)

// slowPages take goldmark or chroma long: a paragraph of unclosed links or
// emphasis markers is quadratic (the first two would take minutes each).
var slowPages = map[string]string{
	"unclosed links":   "# Links\n\n" + strings.Repeat("[a](b", 200_000) + "\n",
	"emphasis":         "# Emphasis\n\n" + strings.Repeat("*a_", 200_000) + "\n",
	"slow code block":  "# Code\n\n```yaml\n" + strings.Repeat(strings.Repeat("[", 3000)+"\n", 40) + "```\n",
	"many paragraphs":  strings.Repeat("Some *text* with a [link](x.md) and `code`.\n\n", 50_000),
	"many code blocks": strings.Repeat("```bash\necho [x] | grep -v y\n```\n\n", 20_000),
	"long plain prose": strings.Repeat("word ", 400_000) + "\n\n*end*\n",
}

// TestRenderStopsWhenCanceled renders slow pages with a context that is
// done before the call, and while goldmark is inside the quadratic
// paragraph: the call returns the context's error and no page, as Ctrl-C
// and SIGTERM need.
func TestRenderStopsWhenCanceled(t *testing.T) {
	r := markdown.New(highlight.New(nil))
	for name, body := range slowPages {
		t.Run("canceled before/"+name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			out, err := r.RenderContext(ctx, markdown.Input{Path: "p.md", Body: []byte(body), BodyLine: 1})
			if !errors.Is(err, context.Canceled) || out.HTML != nil {
				t.Errorf("err %v, %d bytes of HTML; want context.Canceled and none", err, len(out.HTML))
			}
		})
	}
	for _, name := range []string{"unclosed links", "emphasis"} {
		t.Run("canceled during/"+name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			done := make(chan error, 1)
			go func() {
				_, err := r.RenderContext(ctx, markdown.Input{Path: "p.md", Body: []byte(slowPages[name]), BodyLine: 1})
				done <- err
			}()
			select {
			case err := <-done:
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err %v, want context.Canceled", err)
				}
			case <-time.After(time.Minute): // hang guard: the page alone takes minutes
				t.Fatal("still parsing a minute after it was canceled")
			}
		})
	}
}

// TestRenderContextSameOutput checks that a context that is never done
// changes nothing in the output.
func TestRenderContextSameOutput(t *testing.T) {
	r := markdown.New(highlight.New(nil))
	body := []byte("# T\n\nSome *text*, _more_, a [link](x.md), `code`, <b>raw</b> & ~~gone~~ \\* (paren) ![img](i.png).\n\n" +
		"[ref][r] and [^1].\n\n[r]: y.md\n[^1]: A note.\n\n```bash\necho [x]\n```\n\n    indented\n")
	want := r.Render(markdown.Input{Path: "p.md", Body: body, BodyLine: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got, err := r.RenderContext(ctx, markdown.Input{Path: "p.md", Body: body, BodyLine: 1})
	if err != nil || string(got.HTML) != string(want.HTML) || len(got.Refs) != len(want.Refs) || len(want.Refs) == 0 {
		t.Errorf("err %v, %d and %d refs\ngot:  %s\nwant: %s", err, len(got.Refs), len(want.Refs), got.HTML, want.HTML)
	}
}
