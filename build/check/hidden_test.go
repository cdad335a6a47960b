package check_test

import (
	"github.com/arcaapi/runbooks/build/diag"
	"strings"
	"testing"
)

// TestHiddenCharacters checks that bidirectional controls and zero-width
// characters in code blocks are reported at their exact line and column
// (in characters), and that prose is left alone.
func TestHiddenCharacters(t *testing.T) {
	got := checkTree(t, map[string]string{
		"trojan.md": "# Trojan\n\n" +
			"```bash\n" +
			"kubectl delete pod web-1 \u202E # 1-bew\n" + // line 4, col 26
			"ls ñ\u200Bx \u2066a\u2069\n" + // line 5: cols 5, 8 and 10
			"```\n\n" +
			"    echo \uFEFFindented\n\n" + // line 8, col 10
			"- step\n\n" +
			"  ```sh\n" +
			"  rm -rf \u2060/tmp/x\n" + // line 13, col 10
			"  ```\n\n" +
			"> ```\n" +
			"> a\u202Ab\n" + // line 17, col 4
			"> ```\n\n" +
			"Prose with a zero\u200Bwidth space and \u202E is not copied by the button.\n",
		"clean.md": "# Clean\n\n```bash\necho 'ñandú → ok'\n```\n",
	}, "")
	var hidden []diag.Problem
	for _, p := range got {
		if p.Rule == "hidden-characters" {
			hidden = append(hidden, p)
		}
	}
	assertProblems(t, hidden, []string{
		`trojan.md:4:26 warning hidden-characters`,
		`trojan.md:5:5 warning hidden-characters`,
		`trojan.md:5:8 warning hidden-characters`,
		`trojan.md:5:10 warning hidden-characters`,
		`trojan.md:8:10 warning hidden-characters`,
		`trojan.md:13:10 warning hidden-characters`,
		`trojan.md:17:4 warning hidden-characters`,
	})
	for _, p := range got {
		if p.Rule == "hidden-characters" && p.Line == 4 && !strings.Contains(p.Message, "U+202E RIGHT-TO-LEFT OVERRIDE") {
			t.Errorf("message %q does not name U+202E RIGHT-TO-LEFT OVERRIDE", p.Message)
		}
	}
}
