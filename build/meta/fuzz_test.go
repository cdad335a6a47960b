package meta_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/meta"
)

// FuzzParse checks that front matter and template-style metadata never
// panic the parser, that every problem names the file and lies within it,
// and that the body handed to the Markdown parser is the end of the file.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"---\n---\n",
		"---\ntitle: Pool exhausted\ntype: incident\nseverity: SEV1\nowner: db\nlast_updated: 2025-01-01\nreview_every: 12w\nalerts: [A, B]\nvars:\n  NS: arca\n---\n# T\n",
		"# Title\n\n**Severity**: SEV2\n**Owner:** team\n**Last Updated**: 2025-01-01\n**Alerts**: `A`, `B`\n",
		"\ufeff---\r\ntitle: x\r\n---\r\n# H\r\n",
		"---\na: &a [x, y]\nb: &b [*a, *a]\nalerts: *b\nvars: *b\n---\n",
		"---\ntitle: [[[[]]]]\n---\n",
		"---\ntitle: x\n",
		"---\n\t- a\n---\n",
		"# T\n\nbad \xff\n",
		"> > > > x\n",
		"| a | b |\n| - | - |\n| 1 |\n",
		"---\nvars:\n  1bad: x\n  ok: [1]\n  NULL: ~\n---\n",
		"---\nseverity: sev9\ntype: outage\nlast_updated: yesterday\nreview_every: -3\n---\n",
		"---\n<<: *missing\n---\n",
		"---\r\n...\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		r := noHang(t, data)
		norm := bytes.ReplaceAll(bytes.ReplaceAll(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
		lines := bytes.Count(norm, []byte("\n")) + 1
		for _, p := range r.Problems {
			if p.File != "x.md" || p.Line < 1 || p.Line > lines || p.Col < 1 || p.Message == "" || p.Rule == "" {
				t.Errorf("bad problem %s (file has %d lines)", p, lines)
			}
			if strings.HasSuffix(p.Message, ".") || strings.Contains(p.Message, "\n") {
				t.Errorf("message is not one lowercase clause: %q", p.Message)
			}
		}
		if r.Body != nil {
			if !bytes.HasSuffix(norm, r.Body) {
				t.Errorf("body %q is not the end of the file", r.Body)
			}
			// An empty body may start just past the end of the file
			// ("---\n---"): it has nothing to position.
			if r.BodyLine < 1 || len(r.Body) > 0 && r.BodyLine > lines || r.BodyLine > lines+1 {
				t.Errorf("body starts on line %d of %d", r.BodyLine, lines)
			}
			if got := lines - bytes.Count(r.Body, []byte("\n")); got != r.BodyLine && len(r.Body) > 0 {
				t.Errorf("body starts on line %d, but its lines end the file from line %d", r.BodyLine, got)
			}
		}
		switch r.Meta.Severity {
		case "", "SEV1", "SEV2", "SEV3":
		default:
			t.Errorf("severity %q", r.Meta.Severity)
		}
		if r.Meta.ReviewEvery <= 0 {
			t.Errorf("review every %d days", r.Meta.ReviewEvery)
		}
	})
}

// noHang runs meta.Parse and fails when it takes longer than any input
// of a megabyte should: the fuzzer records a failing input, where it only
// stalls on one that hangs.
func noHang(t *testing.T, data []byte) meta.Result {
	done := make(chan meta.Result, 1)
	go func() { done <- meta.Parse("x.md", data) }()
	select {
	case r := <-done:
		return r
	case <-time.After(10 * time.Second):
		t.Fatalf("meta.Parse(%q) did not return within 10s", data)
		return meta.Result{}
	}
}
