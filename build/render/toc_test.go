package render

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/theme"
)

// tocBeforeLinks is the table of contents template of the theme before it
// had a toc-link template: themes copied from it must still work.
const tocBeforeLinks = `{{define "toc"}}{{if .Contents}}<nav class="toc" aria-label="On this page">
<details class="toc-details">
<summary class="toc-title">On this page</summary>
<ol>
{{- range .Contents}}
<li><a href="#{{.ID}}">{{.Text}}</a>{{if .Children}}<ol>{{range .Children}}<li><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}</ol>{{end}}</li>
{{- end}}
</ol>
</details>
</nav>{{end}}{{end}}`

// TestTOCTheme renders pages that share some headings and not others in
// themes whose templates/parts.html changes the table of contents, and
// checks that every page's table lists its own headings, escaped, nested
// and linked, as its theme writes them.
func TestTOCTheme(t *testing.T) {
	data, err := fs.ReadFile(theme.Default(), "templates/parts.html")
	if err != nil {
		t.Fatal(err)
	}
	parts := string(data)
	start, end := strings.Index(parts, `{{define "toc"}}`), strings.Index(parts, `{{define "table"}}`)
	if start < 0 || end < start {
		t.Fatal(`the default templates/parts.html has no "toc" template before "table"`)
	}
	pages := testPages(30)
	for i, p := range pages {
		p.Headings = []page.Heading{
			{Level: 2, Text: "Symptoms", ID: "symptoms"},
			{Level: 2, Text: "Diagnosis", ID: "diagnosis"},
			{Level: 3, Text: "Check <the pool> & \"replicas\"", ID: "check-the-pool"},
			{Level: 3, Text: "Step " + strings.Repeat("i", i%4+1), ID: "step-" + strings.Repeat("i", i%4+1)},
			{Level: 2, Text: "Resolution", ID: "resolution"},
		}
	}
	site := testSite(t, pages, "")
	want := func(p *page.Page) string {
		step := p.Headings[3]
		return `<li><a href="#symptoms">Symptoms</a></li>
<li><a href="#diagnosis">Diagnosis</a><ol><li><a href="#check-the-pool">Check &lt;the pool&gt; &amp; &#34;replicas&#34;</a></li><li><a href="#` + step.ID + `">` + step.Text + `</a></li></ol></li>
<li><a href="#resolution">Resolution</a></li>`
	}
	tests := []struct {
		name     string
		parts    string // the theme's templates/parts.html
		from, to string // its table is the default one's with from replaced by to
	}{
		{"default", parts, "", ""},
		{"toc-link edited", strings.Replace(parts, `{{define "toc-link"}}<a href=`, `{{define "toc-link"}}<a class="mine" href=`, 1), `<a href=`, `<a class="mine" href=`},
		{"one toc template, without toc-link", parts[:start] + tocBeforeLinks + "\n\n" + parts[end:], "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(themeWithParts(t, tt.parts), site)
			for _, p := range pages[1:] {
				var buf bytes.Buffer
				if err := r.Page(&buf, p, testBody); err != nil {
					t.Fatalf("%s: %v", p.Path, err)
				}
				s := buf.String()
				i := strings.Index(s, "<ol>\n")
				j := strings.Index(s[max(i, 0):], "\n</ol>")
				if i < 0 || j < 0 {
					t.Fatalf("%s has no table of contents", p.Path)
				}
				w := want(p)
				if tt.from != "" {
					w = strings.ReplaceAll(w, tt.from, tt.to)
				}
				if d := diff(s[i+len("<ol>\n"):i+j], w); d != "" {
					t.Errorf("table of contents of %s: %s", p.Path, d)
				}
			}
		})
	}
}
