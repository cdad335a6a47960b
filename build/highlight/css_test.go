package highlight

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	chtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
)

// The theme's stylesheet for highlighted code is generated from two of
// chroma's styles, so that the tool itself need not load chroma's styles
// on every start. After upgrading chroma or changing a style, run
//
//	go test ./build/highlight -run TestChromaCSS -update

var update = flag.Bool("update", false, "rewrite theme/static/chroma.css")

const cssFile = "../../theme/static/chroma.css"

func TestChromaCSSIsCurrent(t *testing.T) {
	want := chromaCSS()
	if *update {
		if err := os.WriteFile(cssFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(cssFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what chroma's %s and %s styles give; run go test ./build/highlight -run TestChromaCSS -update", cssFile, lightStyle, darkStyle)
	}
}

func TestCSSHasBothPalettes(t *testing.T) {
	css := string(chromaCSS())
	for _, want := range []string{
		`html:not([data-theme="dark"]) .chroma .k`,
		"@media (prefers-color-scheme: dark)",
		`html:not([data-theme="light"]) .chroma .k`,
		`html[data-theme="dark"] .chroma .k`,
	} {
		if !strings.Contains(css, want) {
			t.Errorf("CSS lacks %s", want)
		}
	}
}

// The chroma styles of the light and dark palettes.
const (
	lightStyle = "github"
	darkStyle  = "github-dark"
)

func style(dark bool) *chroma.Style {
	if dark {
		return styles.Get(darkStyle)
	}
	return styles.Get(lightStyle)
}

// selector matches the start of each rule chroma writes: "/* c */ .chroma .k {".
var selector = regexp.MustCompile(`(?m)^(/\*[^*]*\*/ )?\.(chroma|bg)\b`)

// chromaCSS returns the stylesheet for highlighted code: each palette applies
// under its prefers-color-scheme unless the reader chose the other one, or
// when the reader chose it (html[data-theme]). Exactly one palette applies
// at a time: a class that only the light style colours must not keep its
// light colour on a dark page.
func chromaCSS() []byte {
	f := chtml.New(chtml.WithClasses(true))
	var light, dark bytes.Buffer
	_ = f.WriteCSS(&light, style(false))
	_ = f.WriteCSS(&dark, style(true))
	var b bytes.Buffer
	b.WriteString("/* Syntax highlighting: chroma " + lightStyle + " and " + darkStyle + ". */\n")
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
