package build

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/arcaapi/runbooks/build/config"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/fence"
	"github.com/arcaapi/runbooks/build/page"
)

// levels is the levels stage, run after the checks and before any output:
// it silences the problems that a disable comment names on the line after
// it, reports disable comments that silence nothing, and sets each
// problem's severity to its rule's level in runbooks.toml. It returns the
// problems left and how many were lowered or silenced.
func levels(probs []diag.Problem, rules map[string]config.Level, pages []*page.Page) ([]diag.Problem, int) {
	type lineKey struct {
		file string
		line int
	}
	type disable struct {
		d    page.Disable
		file string
		used bool
	}
	var ds []*disable
	byLine := map[lineKey][]*disable{}
	for _, p := range pages {
		for _, d := range p.Disables {
			x := &disable{d: d, file: p.Path}
			ds = append(ds, x)
			k := lineKey{p.Path, d.Line + 1}
			byLine[k] = append(byLine[k], x)
		}
	}
	out := probs[:0:0]
	lowered := 0
	for _, pr := range probs {
		silenced := false
		for _, d := range byLine[lineKey{pr.File, pr.Line}] {
			if len(d.d.Rules) == 0 || containsRule(d.d.Rules, pr.Rule) {
				d.used, silenced = true, true
			}
		}
		if silenced && config.Lowerable(pr.Rule) {
			lowered++
			continue
		}
		out = append(out, pr)
	}
	for _, d := range ds {
		if !d.used {
			what := "no problem"
			if len(d.d.Rules) > 0 {
				what = "no " + strings.Join(d.d.Rules, " or ") + " problem"
			}
			out = append(out, diag.Warnf(d.file, d.d.Line, d.d.Col, "unused-disable",
				"runbooks-disable-next-line silences nothing: line %d has %s", d.d.Line+1, what))
		}
	}
	if len(rules) == 0 {
		return out, lowered
	}
	kept := out[:0]
	for _, pr := range out {
		switch rules[pr.Rule] {
		case config.Off:
			lowered++
			continue
		case config.Warning:
			if pr.Severity == diag.Error {
				pr.Severity = diag.Warning
				lowered++
			}
		case config.Error:
			pr.Severity = diag.Error
		}
		kept = append(kept, pr)
	}
	return kept, lowered
}

func containsRule(rules []string, r string) bool {
	for _, x := range rules {
		if x == r {
			return true
		}
	}
	return false
}

// disableComment matches a line that is only a disable comment.
var disableComment = regexp.MustCompile(`^(\s*)<!--\s*runbooks-disable-next-line\b([^>]*?)\s*-->\s*$`)

// disables finds the disable comments of a page's Markdown body, which
// starts on file line bodyLine; comments inside code blocks are code.
func disables(body []byte, bodyLine int) []page.Disable {
	if !bytes.Contains(body, []byte("runbooks-disable-next-line")) {
		return nil
	}
	var out []page.Disable
	var code fence.Lines
	for i, l := range strings.Split(string(body), "\n") {
		if code.Code([]byte(l)) {
			continue
		}
		m := disableComment.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		d := page.Disable{Line: bodyLine + i, Col: len(m[1]) + 1}
		for r := range strings.FieldsFuncSeq(m[2], func(c rune) bool { return c == ' ' || c == ',' || c == '\t' }) {
			d.Rules = append(d.Rules, r)
		}
		out = append(out, d)
	}
	return out
}
