package render

import "testing"

func TestShrink(t *testing.T) {
	tests := []struct{ name, in, want string }{
		// Comments and blanks go; strings and url() keep what looks
		// like a comment.
		{"a.css", "/* head */\n.a {\n  content: \"/* kept */\";\n  b: url('x/*y');\n}\n\n", `.a{content:"/* kept */";b:url(x/*y)}`},
		// Local names get shorter; regular expressions and strings that
		// look like comments stay.
		{"a.js", "// doc\n(function () {\n  var re = /\\/\\//; // trailing kept\n  return \"// kept\";\n})();\n", `(function(){var e=/\/\//;return"// kept"})()`},
		{"b.js", "var s = `\n  // text\n`;\n", "var s=`\n  // text\n`"},
		// A string continued over lines is the same string on one.
		{"c.js", "var s = \"a\\\n  // text\";\n", `var s="a  // text"`},
		// What the browser reads as it is, or what is minified already,
		// stays byte for byte.
		{"logo.svg", "<!-- x -->\n  <svg/>\n", "<!-- x -->\n  <svg/>\n"},
		{"vendor/lib.min.js", "var  x = 1;\n", "var  x = 1;\n"},
		// A file the minifier cannot read is published as written.
		{"broken.js", "function (\n", "function (\n"},
	}
	for _, tt := range tests {
		if got := string(shrink(tt.name, []byte(tt.in))); got != tt.want {
			t.Errorf("shrink(%s, %q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
	}
}
