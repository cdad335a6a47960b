package diag_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/diag"
)

var problems = []diag.Problem{
	{File: "x.md", Line: 12, Col: 5, Severity: diag.Error, Rule: "broken-anchor", Target: "y.md#z",
		Message: `broken link "y.md#z": no heading "z" in y.md`, Suggestion: "y.md#zz"},
	{File: "db/pool, old.md", Line: 3, Col: 1, Severity: diag.Warning, Rule: "review-overdue",
		Message: "review overdue: 100% late\nsecond line"},
}

func write(t *testing.T, f diag.Format, root string, ps []diag.Problem, files int) string {
	t.Helper()
	var b bytes.Buffer
	if err := diag.Write(&b, f, root, ps, files); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestText(t *testing.T) {
	got := write(t, diag.Text, "runbooks", problems, 7)
	want := `runbooks/x.md:12:5: error: broken link "y.md#z": no heading "z" in y.md (did you mean "y.md#zz"?) [broken-anchor]
runbooks/db/pool, old.md:3:1: warning: review overdue: 100% late\nsecond line [review-overdue]
1 error, 1 warning in 7 files
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	// The source folder "." adds nothing; a clean run still has a summary.
	if got := write(t, diag.Text, ".", nil, 1); got != "0 errors, 0 warnings in 1 file\n" {
		t.Errorf("empty run: %q", got)
	}
	if got := write(t, diag.Text, "./docs/", problems[:1], 2); !strings.HasPrefix(got, "docs/x.md:12:5: error: ") {
		t.Errorf("root ./docs/: %q", got)
	}
	abs := diag.Problem{File: "/etc/prometheus/rules.yml", Line: 4, Col: 16, Severity: diag.Warning, Rule: "alert-without-runbook", Message: "m"}
	if got := write(t, diag.Text, "runbooks", []diag.Problem{abs}, 1); !strings.HasPrefix(got, "/etc/prometheus/rules.yml:4:16: warning: m") {
		t.Errorf("absolute file: %q", got)
	}
}

func TestGitHub(t *testing.T) {
	got := write(t, diag.GitHub, "runbooks", problems, 2)
	want := "::error file=runbooks/x.md,line=12,col=5,title=runbooks broken-anchor::broken link \"y.md#z\": no heading \"z\" in y.md (did you mean \"y.md#zz\"?) [broken-anchor]\n" +
		// Commas and colons in properties, and % and newlines anywhere,
		// are escaped, or the annotation lands on the wrong file.
		"::warning file=runbooks/db/pool%2C old.md,line=3,col=1,title=runbooks review-overdue::review overdue: 100%25 late\\nsecond line [review-overdue]\n" +
		"1 error, 1 warning in 2 files\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestJSON(t *testing.T) {
	got := write(t, diag.JSON, "runbooks", problems, 2)
	var doc struct {
		Problems []map[string]any `json:"problems"`
		Summary  map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if len(doc.Problems) != 2 {
		t.Fatalf("problems: %d", len(doc.Problems))
	}
	first := doc.Problems[0]
	for k, v := range map[string]any{
		"file": "x.md", "line": 12.0, "column": 5.0, "severity": "error", "rule": "broken-anchor",
		"target": "y.md#z", "message": `broken link "y.md#z": no heading "z" in y.md`, "suggestion": "y.md#zz",
	} {
		if first[k] != v {
			t.Errorf("%s = %v, want %v", k, first[k], v)
		}
	}
	// Empty fields are left out, not written as "".
	if _, ok := doc.Problems[1]["suggestion"]; ok {
		t.Errorf("empty suggestion written: %v", doc.Problems[1])
	}
	if s := doc.Summary; s["errors"] != 1 || s["warnings"] != 1 || s["files"] != 2 {
		t.Errorf("summary: %v", s)
	}
	// No problems is an empty list, never null, so tools can iterate.
	if got := write(t, diag.JSON, "runbooks", nil, 0); !strings.Contains(got, `"problems": []`) {
		t.Errorf("empty run: %s", got)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]diag.Format{"text": diag.Text, "JSON": diag.JSON, "github": diag.GitHub} {
		if f, err := diag.ParseFormat(in); err != nil || f != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, f, err)
		}
	}
	if _, err := diag.ParseFormat("xml"); err == nil {
		t.Error("xml accepted")
	}
}

func TestSort(t *testing.T) {
	ps := []diag.Problem{
		{File: "b.md", Line: 1, Col: 1},
		{File: "a.md", Line: 10, Col: 1},
		{File: "a.md", Line: 2, Col: 7},
		{File: "a.md", Line: 2, Col: 3},
	}
	diag.Sort(ps)
	var got []string
	for _, p := range ps {
		got = append(got, p.String())
	}
	want := "a.md:2:3: : \na.md:2:7: : \na.md:10:1: : \nb.md:1:1: : "
	if strings.Join(got, "\n") != want {
		t.Errorf("order:\n%s", strings.Join(got, "\n"))
	}
}

// TestTerminalEscapes feeds the outputs the payloads of a hostile link
// target, decoded as the checks decode them: an OSC that retitles the
// terminal and a clear screen, and a newline that fakes a clean summary
// and then hides the real one. No control character may reach the
// terminal or the GitHub log, and every problem stays on one line.
func TestTerminalEscapes(t *testing.T) {
	payloads := []string{
		"\x1b]0;PWNED\x07\x1b[2J.md",
		"\n0 errors, 0 warnings in 1 file\n\x1b[8m.md",
		"\u202egnp.md", // a right-to-left override
		"\x9b31m.md",   // a C1 CSI, as a rune
		"x\x9b31m.md",  // and as a lone byte, which is not UTF-8
		"\x7f\u2066\u2028.md",
	}
	var ps []diag.Problem
	for _, p := range payloads {
		ps = append(ps, diag.Problem{File: p, Line: 1, Col: 1, Severity: diag.Error, Rule: "broken-link", Target: p,
			Message: "broken link \"" + p + "\": " + p + " does not exist", Suggestion: p})
	}
	for _, f := range []diag.Format{diag.Text, diag.GitHub} {
		out := write(t, f, "runbooks\x1b[2J", ps, 1)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != len(ps)+1 || lines[len(lines)-1] != "6 errors, 0 warnings in 1 file" {
			t.Errorf("%s: %d lines, want one a problem and the summary last:\n%s", f, len(lines), out)
		}
		for i, r := range out {
			if r == '\n' || r == '\t' {
				continue
			}
			if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == 0xfffd ||
				r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x2028 {
				t.Errorf("%s: %U at byte %d reaches the output:\n%q", f, r, i, out)
			}
		}
		if !strings.Contains(out, `\x1b]0;PWNED\x07\x1b[2J.md`) || !strings.Contains(out, `\u202egnp.md`) || !strings.Contains(out, `x\x9b31m.md`) {
			t.Errorf("%s: the escapes do not show what was there:\n%s", f, out)
		}
	}
}

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain/path.md":   "plain/path.md",
		"tab\tkept":       "tab\tkept",
		"café ünïcode 日本": "café ünïcode 日本",
		"a\r\nb":          `a\r\nb`,
		"\x00\x1b\x7f":    `\x00\x1b\x7f`,
		"\u0085\u200f":    `\u0085\u200f`,
		"\xff":            `\xff`,
	} {
		if got := diag.Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}
