package render

import (
	"bytes"
	"path"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
)

// minifier minifies the theme's CSS and JavaScript: comments and blanks
// go, and in JavaScript the names of local variables and functions get
// shorter. Strings, regular expressions and property names stay as they
// are, so the file does what it did. It writes no syntax newer than
// ECMAScript 2020 (??), which every browser with the DOM methods the
// theme's scripts use (replaceChildren) reads.
var minifier = func() *minify.M {
	m := minify.New()
	m.Add("text/css", &css.Minifier{})
	m.Add("text/javascript", &js.Minifier{Version: 2020})
	return m
}()

// shrink returns a theme file's CSS or JavaScript minified, because every
// page loads the theme's styles and script and their bytes are what a
// reader on a slow link waits for. A file already minified (name.min.js)
// and a file the minifier cannot read are left as they are: the browser
// then reports what is wrong with it where its author can find it.
func shrink(name string, data []byte) []byte {
	var typ string
	switch path.Ext(name) {
	case ".css":
		typ = "text/css"
	case ".js":
		typ = "text/javascript"
	default:
		return data
	}
	if strings.Contains(path.Base(name), ".min.") {
		return data
	}
	var out bytes.Buffer
	out.Grow(len(data))
	if err := minifier.Minify(typ, &out, bytes.NewReader(data)); err != nil {
		return data
	}
	return out.Bytes()
}
