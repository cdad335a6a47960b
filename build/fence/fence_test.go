package fence_test

import (
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/fence"
)

func TestLines(t *testing.T) {
	for _, c := range []struct {
		name string
		page string
		want string // one letter a line: c for code (fence lines too), t for text
	}{
		{"backticks", "a\n```bash\necho\n```\nb", "tccct"},
		{"tildes", "~~~\nx\n~~~\ny", "ccct"},
		{"longer fence closes only with as long a run", "````\n```\nx\n````\ny", "cccct"},
		{"the other character does not close", "```\n~~~\n```\ny", "ccct"},
		{"text after the closing run: still code", "```\n``` x\n```\ny", "ccct"},
		{"two backticks are not a fence", "``\nx", "tt"},
		{"indented by three: a fence", "   ```\nx\n   ```\ny", "ccct"},
		{"indented by four: not a fence", "    ```\nx", "tt"},
		{"never closed: code to the end", "```\nx\ny", "ccc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var f fence.Lines
			var got strings.Builder
			for _, l := range strings.Split(c.page, "\n") {
				if f.Code([]byte(l)) {
					got.WriteByte('c')
				} else {
					got.WriteByte('t')
				}
			}
			if got.String() != c.want {
				t.Errorf("got %s, want %s", got.String(), c.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	for in, want := range map[string]string{"```bash": "```", "~~~~": "~~~~", "``x": "", "": "", " ```": "", "`~`": ""} {
		if got := string(fence.Run([]byte(in))); got != want {
			t.Errorf("Run(%q) = %q, want %q", in, got, want)
		}
	}
}
