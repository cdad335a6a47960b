// Package hugo implements reading the Markdown of Hugo content trees as it
// is: {{< ref >}} and {{< relref >}} shortcodes become the relative links
// they name, so they are rewritten and checked like any other link, and
// every other shortcode is reported where it stands, since the site shows
// it as written.
package hugo

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/fence"
)

// shortcode matches a Hugo shortcode, {{< name args >}} or {{% name args %}},
// on one line.
var shortcode = regexp.MustCompile(`\{\{([<%])\s*(/?)\s*([A-Za-z0-9_./-]+)((?:[^}]|\}[^}])*?)\s*([>%])\}\}`)

// refArg matches the first argument of ref and relref: a quoted or bare
// path, or a page="..." parameter.
var refArg = regexp.MustCompile(`^\s*(?:page\s*=\s*)?(?:"([^"]*)"|'([^']*)'|([^\s"']+))`)

// Rewrite returns body (the Markdown of the page at path, starting on file
// line bodyLine) with each ref and relref shortcode replaced by the
// relative link it names, padded with spaces to its length so that every
// column after it stays where it was, and a warning for each other
// shortcode. Shortcodes in fenced code blocks are code and stay.
func Rewrite(path string, body []byte, bodyLine int) ([]byte, []diag.Problem) {
	if !bytes.Contains(body, []byte("{{")) {
		return body, nil
	}
	out := bytes.Clone(body)
	var probs []diag.Problem
	var code fence.Lines
	off := 0
	for i, line := range bytes.SplitAfter(body, []byte("\n")) {
		start := off
		off += len(line)
		if code.Code(line) {
			continue
		}
		if !bytes.Contains(line, []byte("{{")) {
			continue
		}
		for _, m := range shortcode.FindAllSubmatchIndex(line, -1) {
			closing := m[5] > m[4]
			name := string(line[m[6]:m[7]])
			args := string(line[m[8]:m[9]])
			col := utf8.RuneCount(line[:m[0]]) + 1
			if closing {
				continue
			}
			if name == "ref" || name == "relref" {
				target, ok := refTarget(path, args)
				if ok && len(target) <= m[1]-m[0] {
					copy(out[start+m[0]:], target+strings.Repeat(" ", m[1]-m[0]-len(target)))
					continue
				}
			}
			probs = append(probs, diag.Warnf(path, bodyLine+i, col, "shortcode",
				"Hugo shortcode %s is not supported: the page shows it as written", shortName(line[m[0]:m[1]], name)))
		}
	}
	return out, probs
}

// shortName returns how the shortcode is opened, for messages: "{{< youtube >}}".
func shortName(sc []byte, name string) string {
	if bytes.HasPrefix(sc, []byte("{{%")) {
		return "{{% " + name + " %}}"
	}
	return "{{< " + name + " >}}"
}

// refTarget returns the relative link that a ref or relref with args names
// from the page at path: a path from the content root ("/db/pool.md")
// becomes relative to the page's folder.
func refTarget(path, args string) (string, bool) {
	m := refArg.FindStringSubmatch(args)
	if m == nil {
		return "", false
	}
	target := m[1] + m[2] + m[3]
	if target == "" {
		return "", false
	}
	if rest, ok := strings.CutPrefix(target, "/"); ok {
		depth := strings.Count(path, "/")
		target = strings.Repeat("../", depth) + rest
		if target == "" {
			target = "./"
		}
	}
	return strings.ReplaceAll(target, " ", "%20"), true
}
