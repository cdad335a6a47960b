package commands

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

// data checks a YAML, JSON or PromQL block.
func (c *checker) data(b page.CodeBlock) {
	lines := strings.Split(strings.TrimSuffix(b.Code, "\n"), "\n")
	u := newUnit(b.Code, lineOrigins(len(lines), b.CodeLine, b.Cols))
	switch strings.ToLower(b.Lang) {
	case "yaml", "yml":
		c.yaml(u)
	case "json":
		c.json(u)
	case "promql":
		c.promql(u)
	}
}

// yamlLine finds the line in the YAML decoder's messages.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// yaml checks that each document of a YAML block parses, and that a
// Kubernetes manifest says its apiVersion and kind.
func (c *checker) yaml(u *unit) {
	dec := yaml.NewDecoder(strings.NewReader(u.src))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return
		}
		if err != nil {
			msg := err.Error()
			line := 1
			if m := yamlLine.FindStringSubmatch(msg); m != nil {
				line, _ = strconv.Atoi(m[1])
				msg = msg[len(m[0]):]
				// The decoder counts lines from 0 for the parser's
				// errors, from 1 for the scanner's.
				if yamlParserError(msg) {
					line++
				}
			}
			msg = strings.TrimPrefix(msg, "yaml: ")
			l, col := u.at(line, firstNonSpace(u, line))
			c.errorf(l, col, RuleSyntax, "yaml: %s", msg)
			return
		}
		c.manifest(u, &doc)
	}
}

// yamlParserError reports whether a YAML error message is one of the
// parser's (rather than the scanner's).
func yamlParserError(msg string) bool {
	if strings.HasPrefix(msg, "did not find expected") {
		return true
	}
	switch msg {
	case "found duplicate %TAG directive", "found duplicate %YAML directive",
		"found incompatible YAML document", "found undefined tag handle":
		return true
	}
	return false
}

// firstNonSpace returns the byte column of a line's first non-blank
// character.
func firstNonSpace(u *unit, line int) int {
	if line < 1 || line > len(u.starts) {
		return 1
	}
	text := u.src[u.starts[line-1]:]
	if i := strings.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	return len(text) - len(strings.TrimLeft(text, " \t")) + 1
}

// manifestKeys are top-level keys that, next to metadata, make a YAML
// document look like a Kubernetes object.
var manifestKeys = []string{"spec", "data", "stringData", "rules", "subjects", "roleRef", "webhooks", "template"}

// manifest warns about a Kubernetes manifest without apiVersion or kind:
// kubectl apply refuses it.
func (c *checker) manifest(u *unit, doc *yaml.Node) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return
	}
	m := doc.Content[0]
	keys := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		keys[m.Content[i].Value] = true
	}
	api, kind := keys["apiVersion"], keys["kind"]
	var missing string
	switch {
	case api && kind:
		return
	case api:
		missing = "kind"
	case kind:
		missing = "apiVersion"
	case keys["metadata"] && hasAny(keys, manifestKeys):
		missing = "apiVersion and kind"
	default:
		return
	}
	line, col := u.at(m.Line, 1)
	col += m.Column - 1
	c.warnf(line, col, RuleManifestMissing,
		"this Kubernetes manifest has no %s: kubectl apply refuses it; add it, or mark the block {nocheck} if it is a fragment", missing)
}

func hasAny(keys map[string]bool, want []string) bool {
	for _, k := range want {
		if keys[k] {
			return true
		}
	}
	return false
}

// json checks that a JSON block holds one or more JSON values.
func (c *checker) json(u *unit) {
	src := []byte(u.src)
	dec := json.NewDecoder(bytes.NewReader(src))
	for {
		var v json.RawMessage
		err := dec.Decode(&v)
		if err == io.EOF {
			return
		}
		if err == nil {
			continue
		}
		off := len(bytes.TrimRight(src, " \t\r\n"))
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = max(int(se.Offset)-1, 0)
		}
		msg := strings.TrimPrefix(err.Error(), "json: ")
		if errors.Is(err, io.ErrUnexpectedEOF) {
			msg = "unexpected end of JSON input"
			off = max(off-1, 0)
		}
		line, col := offsetPos(src, off)
		l, cc := u.at(line, col)
		c.errorf(l, cc, RuleSyntax, "json: %s", msg)
		return
	}
}

// offsetPos returns the 1-based line and byte column of a byte offset.
func offsetPos(src []byte, off int) (line, col int) {
	off = min(off, len(src))
	line = 1 + bytes.Count(src[:off], []byte{'\n'})
	return line, off - (bytes.LastIndexByte(src[:off], '\n') + 1) + 1
}

var promqlParser = sync.OnceValue(func() parser.Parser { return parser.NewParser(parser.Options{}) })

// promql parses each query of a PromQL block. Queries are separated by
// blank lines, or follow one another line by line; # comments are fine.
func (c *checker) promql(u *unit) {
	lines := strings.SplitAfter(strings.TrimSuffix(u.src, "\n"), "\n")
	for start := 0; start < len(lines); {
		end := start
		for end < len(lines) && strings.TrimSpace(lines[end]) != "" {
			end++
		}
		if end > start {
			if line, off, msg, bad := promqlGroup(lines[start:end]); bad {
				l, col := u.at(start+line, off)
				c.errorf(l, col, RuleSyntax, "promql: %s", msg)
			}
		}
		start = end + 1
	}
}

// promqlGroup parses lines with no blank line between them: one query, or
// several one after another. On an error it returns the line (1-based,
// in lines) and byte column of the fault, and the parser's message.
func promqlGroup(lines []string) (line, col int, msg string, bad bool) {
	text := strings.Join(lines, "")
	err := parsePromQL(text)
	if err == nil {
		return 0, 0, "", false
	}
	// Several queries, one after another: take the longest run of lines
	// that parses, then the next; report where no run parses.
	for i := 0; i < len(lines); {
		if strings.TrimSpace(stripPromQLComments(strings.Join(lines[i:], ""))) == "" {
			return 0, 0, "", false
		}
		next := -1
		for j := len(lines); j > i; j-- {
			if parsePromQL(strings.Join(lines[i:j], "")) == nil {
				next = j
				break
			}
		}
		if next < 0 {
			text, err = strings.Join(lines[i:], ""), parsePromQL(strings.Join(lines[i:], ""))
			l, c, m := promqlErrorAt(text, err)
			return i + l, c, m, true
		}
		i = next
	}
	return 0, 0, "", false
}

// parsePromQL parses one query.
func parsePromQL(text string) error {
	_, err := promqlParser().ParseExpr(text)
	return err
}

// promqlErrorAt returns the line and byte column (1-based) in text of a
// PromQL parse error, and its message.
func promqlErrorAt(text string, err error) (line, col int, msg string) {
	var perrs parser.ParseErrors
	off, msg := 0, err.Error()
	if errors.As(err, &perrs) && len(perrs) > 0 {
		off, msg = int(perrs[0].PositionRange.Start), perrs[0].Err.Error()
	}
	// At the end of the input (an unclosed parenthesis), point at the
	// query's last character rather than the line after it.
	if end := len(strings.TrimRight(text, " \t\n")); off >= end {
		off = max(end-1, 0)
	}
	line, col = offsetPos([]byte(text), off)
	return line, col, msg
}

// stripPromQLComments drops the # comments of a query.
func stripPromQLComments(text string) string {
	var b strings.Builder
	for line := range strings.Lines(text) {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "#") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}
