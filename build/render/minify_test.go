package render

import "testing"

func TestShrink(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"a.css", "/* head */\n.a {\n  content: \"/* kept */\";\n  b: url('x/*y');\n}\n\n", ".a {\ncontent: \"/* kept */\";\nb: url('x/*y');\n}\n"},
		{"a.js", "// doc\n(function () {\n  var re = /\\/\\//; // trailing kept\n  return \"// kept\";\n})();\n", "(function () {\nvar re = /\\/\\//; // trailing kept\nreturn \"// kept\";\n})();\n"},
		// Template literals and continued strings may hold lines that
		// look like comments: such files stay as they are.
		{"b.js", "var s = `\n  // text\n`;\n", "var s = `\n  // text\n`;\n"},
		{"c.js", "var s = \"a\\\n  // text\";\n", "var s = \"a\\\n  // text\";\n"},
		{"logo.svg", "<!-- x -->\n  <svg/>\n", "<!-- x -->\n  <svg/>\n"},
	}
	for _, tt := range tests {
		if got := string(shrink(tt.name, []byte(tt.in))); got != tt.want {
			t.Errorf("shrink(%s, %q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
	}
}
