package highlight

import (
	"bytes"
	"regexp"

	"github.com/alecthomas/chroma/v2"
	chtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// The chroma styles of the light and dark palettes.
const (
	LightStyle = "github"
	DarkStyle  = "github-dark"
)

func style(dark bool) *chroma.Style {
	if dark {
		return styles.Get(DarkStyle)
	}
	return styles.Get(LightStyle)
}

// selector matches the start of each rule chroma writes: "/* c */ .chroma .k {".
var selector = regexp.MustCompile(`(?m)^(/\*[^*]*\*/ )?\.(chroma|bg)\b`)

// CSS returns the stylesheet for highlighted code: each palette applies
// under its prefers-color-scheme unless the reader chose the other one, or
// when the reader chose it (html[data-theme]). Exactly one palette applies
// at a time: a class that only the light style colours must not keep its
// light colour on a dark page.
func CSS() []byte {
	f := chtml.New(chtml.WithClasses(true))
	var light, dark bytes.Buffer
	_ = f.WriteCSS(&light, style(false))
	_ = f.WriteCSS(&dark, style(true))
	var b bytes.Buffer
	b.WriteString("/* Syntax highlighting: chroma " + LightStyle + " and " + DarkStyle + ". */\n")
	b.WriteString("@media (prefers-color-scheme: light) {\n")
	b.Write(scope(light.Bytes(), `html:not([data-theme="dark"])`))
	b.WriteString("}\n")
	b.Write(scope(light.Bytes(), `html[data-theme="light"]`))
	b.WriteString("@media (prefers-color-scheme: dark) {\n")
	b.Write(scope(dark.Bytes(), `html:not([data-theme="light"])`))
	b.WriteString("}\n")
	b.Write(scope(dark.Bytes(), `html[data-theme="dark"]`))
	return b.Bytes()
}

func scope(css []byte, prefix string) []byte {
	return selector.ReplaceAll(css, []byte("${1}"+prefix+" .$2"))
}
