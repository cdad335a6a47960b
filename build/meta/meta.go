// Package meta implements reading a page's runbook metadata: YAML front
// matter, or "**Severity**: SEV1" lines under the H1 in the runbook
// template's own style. Front matter wins when both exist.
package meta

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/params"
	"go.yaml.in/yaml/v3"
)

// MaxFrontMatter bounds the size of front matter, so a hostile file cannot
// make the YAML parser do unbounded work.
const MaxFrontMatter = 256 << 10

// Result is what Parse found in one file.
type Result struct {
	Meta     page.Meta
	Body     []byte // the Markdown after the front matter, LF line endings
	BodyLine int    // the file line on which Body starts, 1-based
	Problems []diag.Problem
}

// Parse reads the metadata of the file at path (used to name it in
// problems). A file that cannot be read as a page at all (invalid UTF-8,
// or past the limits in limits.go) gives an error problem and an empty
// body.
func Parse(path string, data []byte) Result {
	return ParseWith(path, data, Options{})
}

// Options are the project's settings that change how metadata is read.
type Options struct {
	// Severity maps lowercase aliases ("p1") to SEV1, SEV2 or SEV3, besides
	// Prometheus' critical, warning and info, which always work.
	Severity map[string]string
}

// ParseWith is Parse with the project's settings.
func ParseWith(path string, data []byte, opts Options) Result {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if bytes.IndexByte(data, '\r') >= 0 {
		// CRLF and a lone CR both end a line, for YAML and CommonMark
		// alike; make them LF so that every stage counts lines the same.
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	}
	r := Result{Body: data, BodyLine: 1, Meta: page.Meta{ReviewEvery: page.DefaultReviewDays}}
	if len(data) > MaxPageBytes {
		r.Problems = append(r.Problems, diag.Errorf(path, 1, 1, "page-limit",
			"page is %.1f MB, more than the %d MB a page may have", float64(len(data))/(1<<20), MaxPageBytes>>20))
		r.Body = nil
		return r
	}
	if !utf8.Valid(data) {
		line, col := invalidUTF8(data)
		r.Problems = append(r.Problems, diag.Errorf(path, line, col, "invalid-utf8", "file is not valid UTF-8"))
		r.Body = nil
		return r
	}
	p := parser{path: path, r: &r, opts: opts}
	fm, body, bodyLine, ok := splitFrontMatter(data)
	if !ok {
		p.errorf(1, 1, "front-matter", "front matter opened with --- is never closed")
		return r
	}
	r.Body, r.BodyLine = body, bodyLine
	if !p.checkLimits(body, bodyLine) {
		r.Body = nil
	}
	set := p.templateLines(body, bodyLine)
	if fm != nil {
		p.frontMatter(fm, set)
	}
	p.finish(set)
	r.Meta.LastUpdatedLine = set[fLastUpdated].line
	return r
}

type field int

const (
	fTitle field = iota
	fSeverity
	fType
	fOwner
	fLastUpdated
	fReviewEvery
	fAlerts
	fVars
	numFields
)

// fieldSet records which fields were given and where.
type fieldSet [numFields]struct {
	given     bool
	line, col int
}

type parser struct {
	path string
	r    *Result
	opts Options
}

func (p *parser) errorf(line, col int, rule, format string, args ...any) {
	p.r.Problems = append(p.r.Problems, diag.Errorf(p.path, line, col, rule, format, args...))
}

func (p *parser) warnf(line, col int, rule, format string, args ...any) {
	p.r.Problems = append(p.r.Problems, diag.Warnf(p.path, line, col, rule, format, args...))
}

// splitFrontMatter splits "---\n...\n---\n" off the top of data. ok is false
// when front matter is opened and never closed.
func splitFrontMatter(data []byte) (fm, body []byte, bodyLine int, ok bool) {
	if !bytes.HasPrefix(data, []byte("---\n")) && !bytes.Equal(bytes.TrimRight(data, " \t"), []byte("---")) {
		return nil, data, 1, true
	}
	rest := data[bytes.IndexByte(data, '\n')+1:]
	if !bytes.HasPrefix(data, []byte("---\n")) {
		return nil, nil, 1, false
	}
	line := 2
	for off := 0; off < len(rest); {
		end := bytes.IndexByte(rest[off:], '\n')
		next := len(rest)
		if end >= 0 {
			next = off + end + 1
		}
		l := bytes.TrimRight(rest[off:next], " \t\n")
		if bytes.Equal(l, []byte("---")) || bytes.Equal(l, []byte("...")) {
			return rest[:off], rest[next:], line + 1, true
		}
		off = next
		line++
	}
	return nil, nil, 1, false
}

var allowedSeverities = "SEV1, SEV2, SEV3"

// prometheusSeverity are the severity labels of Prometheus alerting rules,
// which mean the site's levels without any configuration.
var prometheusSeverity = map[string]string{"critical": "SEV1", "warning": "SEV2", "info": "SEV3"}

func (p *parser) frontMatter(fm []byte, set *fieldSet) {
	const fmLine = 1 // the "---" line; YAML line 1 is file line 2
	if len(fm) > MaxFrontMatter {
		p.errorf(2, 1, "front-matter", "front matter is %d bytes, more than the %d allowed", len(fm), MaxFrontMatter)
		return
	}
	if len(bytes.TrimSpace(fm)) == 0 {
		return
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		line, msg := yamlErrorLine(err)
		p.errorf(fmLine+line, 1, "front-matter", "invalid YAML front matter: %s", msg)
		return
	}
	if len(doc.Content) == 0 {
		return
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		p.errorf(fmLine+root.Line, root.Column, "front-matter", "front matter must be a mapping of keys to values")
		return
	}
	m := &p.r.Meta
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], aliased(root.Content[i+1])
		line, col := fmLine+v.Line, v.Column
		var f field
		switch strings.ToLower(k.Value) {
		case "title":
			f = fTitle
			if s, ok := p.scalar(k.Value, v, fmLine); ok {
				m.Title = s
			}
		case "severity":
			f = fSeverity
			if s, ok := p.scalar(k.Value, v, fmLine); ok {
				m.Severity = p.severity(s, line, col)
			}
		case "type":
			f = fType
			if s, ok := p.scalar(k.Value, v, fmLine); ok {
				if l := strings.ToLower(strings.TrimSpace(s)); !runbookType(l) && !strings.HasPrefix(l, "inc") && !strings.HasPrefix(l, "maint") {
					// Hugo's layout type ("docs"): a documentation page.
					continue
				}
				m.Type = p.kind(s, line, col)
			}
		case "draft":
			if s, ok := p.scalar(k.Value, v, fmLine); ok {
				m.Draft = strings.EqualFold(s, "true") || s == "yes"
			}
			continue
		case "aliases":
			m.Aliases, m.AliasesAt = p.list(k.Value, v, fmLine)
			continue
		case "owner":
			f = fOwner
			if s, ok := p.scalar(k.Value, v, fmLine); ok {
				m.Owner = s
			}
		case "last_updated":
			f = fLastUpdated
			if s, ok := p.scalar(k.Value, v, fmLine); ok {
				m.LastUpdated = p.date(s, line, col)
			}
		case "review_every":
			f = fReviewEvery
			if s, ok := p.scalar(k.Value, v, fmLine); ok {
				m.ReviewEvery = p.reviewEvery(s, line, col)
			}
		case "alerts":
			f = fAlerts
			m.Alerts, m.AlertsAt = p.list(k.Value, v, fmLine)
		case "vars":
			f = fVars
			m.Vars = p.vars(v, fmLine)
		case "weight":
			if s, ok := p.scalar(k.Value, v, fmLine); ok {
				n, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil {
					p.errorf(line, col, "invalid-metadata", "weight %q is not a whole number: it orders the pages of a folder, lightest first", s)
				}
				m.Weight = n
			}
			continue
		default:
			continue // other keys (tags, description...) are the author's own
		}
		set[f].given, set[f].line, set[f].col = true, line, col
	}
}

// deref follows a YAML alias to the node it names. Aliases are never
// expanded recursively, so alias bombs cost nothing.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

// aliased returns the node n names when n is an alias, positioned at the
// alias, with its children too: a problem with a value reached through an
// alias is reported where the alias is used, not where its anchor is.
func aliased(n *yaml.Node) *yaml.Node {
	v := deref(n)
	if v == n {
		return v
	}
	c := *v
	c.Line, c.Column = n.Line, n.Column
	c.Content = make([]*yaml.Node, len(v.Content))
	for i, child := range v.Content {
		cc := *child
		cc.Line, cc.Column = n.Line, n.Column
		c.Content[i] = &cc
	}
	return &c
}

func (p *parser) scalar(key string, v *yaml.Node, off int) (string, bool) {
	if v.Kind != yaml.ScalarNode {
		p.errorf(off+v.Line, v.Column, "front-matter", "%s must be a single value", key)
		return "", false
	}
	return strings.TrimSpace(v.Value), true
}

// list reads a list of names, given as a YAML sequence or as one string
// of comma-separated names, with where each is written.
func (p *parser) list(key string, v *yaml.Node, off int) ([]string, []page.Pos) {
	switch v.Kind {
	case yaml.ScalarNode:
		at := page.Pos{Line: off + v.Line, Col: v.Column}
		if strings.Contains(v.Value, "\n") || v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			// Offsets within a multi-line value are not columns.
			names, _ := splitList(v.Value, at)
			return names, slices.Repeat([]page.Pos{at}, len(names))
		}
		at.Col += quoted(v)
		return splitList(v.Value, at)
	case yaml.SequenceNode:
		var out []string
		var at []page.Pos
		for _, it := range v.Content {
			it = aliased(it)
			if it.Kind != yaml.ScalarNode {
				p.errorf(off+it.Line, it.Column, "front-matter", "%s must be a list of names", key)
				continue
			}
			if s := strings.TrimSpace(it.Value); s != "" {
				out = append(out, s)
				at = append(at, page.Pos{Line: off + it.Line, Col: it.Column + quoted(it)})
			}
		}
		return out, at
	}
	p.errorf(off+v.Line, v.Column, "front-matter", "%s must be a list of names", key)
	return nil, nil
}

var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// vars reads the vars mapping. Each var is a default value (NAME: value)
// or a mapping that also gives its type: {default: v, kind: uuid} or
// {default: v, pattern: '^[0-9]{11}$'}. A var without a type takes values
// of the safe alphabet only (see package params).
func (p *parser) vars(v *yaml.Node, off int) []page.Var {
	if v.Kind != yaml.MappingNode {
		p.errorf(off+v.Line, v.Column, "front-matter", "vars must be a mapping of NAME: default value")
		return nil
	}
	var out []page.Var
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], aliased(v.Content[i+1])
		if !varName.MatchString(k.Value) {
			p.errorf(off+k.Line, k.Column, "front-matter", "var name %q must be letters, digits and _ (a shell variable name)", k.Value)
			continue
		}
		vr := page.Var{Name: k.Value}
		defAt := val
		switch val.Kind {
		case yaml.ScalarNode:
			vr.Default = scalarValue(val)
		case yaml.MappingNode:
			var ok bool
			if defAt, ok = p.varType(&vr, val, off); !ok {
				continue
			}
		default:
			p.errorf(off+val.Line, val.Column, "front-matter", "var %s must have a single default value, or a mapping of default and kind or pattern", k.Value)
			continue
		}
		if !vr.Type.Valid(vr.Default) {
			// Kept, to be shown in its field; the page never fills it in.
			p.warnf(off+defAt.Line, defAt.Column+quoted(defAt), "invalid-metadata", "default of var %s, %q, is never filled in: it is not %s", vr.Name, vr.Default, vr.Type.Says())
		}
		out = append(out, vr)
	}
	return out
}

func scalarValue(n *yaml.Node) string {
	if n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// varType reads a var given as a mapping of default, kind and pattern
// into vr, returning the node of its default (or of the mapping) for
// positions, and whether the var can be used.
func (p *parser) varType(vr *page.Var, m *yaml.Node, off int) (*yaml.Node, bool) {
	at := m
	for j := 0; j+1 < len(m.Content); j += 2 {
		key, val := m.Content[j], aliased(m.Content[j+1])
		if val.Kind != yaml.ScalarNode {
			p.errorf(off+val.Line, val.Column, "front-matter", "var %s: %s must be a single value", vr.Name, key.Value)
			return nil, false
		}
		switch key.Value {
		case "default":
			vr.Default, at = scalarValue(val), val
		case "kind":
			if _, ok := params.LookupKind(val.Value); !ok {
				p.errorf(off+val.Line, val.Column+quoted(val), "invalid-metadata", "var %s: unknown kind %q: use one of %s, or a pattern", vr.Name, val.Value, params.KindNames())
				return nil, false
			}
			vr.Type.Kind = val.Value
		case "pattern":
			if err := params.CheckPattern(val.Value); err != nil {
				p.errorf(off+val.Line, val.Column+quoted(val), "invalid-metadata", "var %s: %v", vr.Name, err)
				return nil, false
			}
			vr.Type.Pattern = val.Value
		default:
			p.errorf(off+key.Line, key.Column, "front-matter", "var %s: unknown field %q: a var has default, and kind or pattern", vr.Name, key.Value)
			return nil, false
		}
	}
	if vr.Type.Kind != "" && vr.Type.Pattern != "" {
		p.errorf(off+m.Line, m.Column, "invalid-metadata", "var %s has both a kind and a pattern: give one", vr.Name)
		return nil, false
	}
	return at, true
}

func (p *parser) severity(s string, line, col int) string {
	u := strings.ToUpper(strings.TrimSpace(s))
	switch u {
	case "SEV1", "SEV2", "SEV3":
		return u
	}
	l := strings.ToLower(strings.TrimSpace(s))
	if v, ok := p.opts.Severity[l]; ok {
		return v
	}
	if v, ok := prometheusSeverity[l]; ok {
		return v
	}
	p.errorf(line, col, "invalid-metadata", "unknown severity %q: use one of %s", s, allowedSeverities)
	return ""
}

// runbookType reports whether a type names a kind of runbook.
func runbookType(s string) bool {
	switch page.Kind(strings.ToLower(strings.TrimSpace(s))) {
	case page.Incident, page.Maintenance:
		return true
	}
	return false
}

func (p *parser) kind(s string, line, col int) page.Kind {
	switch k := page.Kind(strings.ToLower(strings.TrimSpace(s))); k {
	case page.Incident, page.Maintenance:
		return k
	}
	p.errorf(line, col, "invalid-metadata", "unknown type %q: use incident or maintenance", s)
	return page.Incident
}

func (p *parser) date(s string, line, col int) string {
	s = strings.TrimSpace(s)
	if _, err := time.Parse(page.DateLayout, s); err != nil {
		p.errorf(line, col, "invalid-metadata", "last_updated %q is not a date: use YYYY-MM-DD", s)
		return ""
	}
	return s
}

func (p *parser) reviewEvery(s string, line, col int) int {
	s = strings.ToLower(strings.TrimSpace(s))
	mult := 1
	switch {
	case strings.HasSuffix(s, "d"):
		s = strings.TrimSuffix(s, "d")
	case strings.HasSuffix(s, "w"):
		s, mult = strings.TrimSuffix(s, "w"), 7
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 || n > 3650 {
		p.errorf(line, col, "invalid-metadata", "review_every must be a number of days between 1 and 3650 (or 12w, 30d)")
		return page.DefaultReviewDays
	}
	return n * mult
}

// templateLine matches "**Severity**: SEV1" and "**Severity:** SEV1".
var templateLine = regexp.MustCompile(`^\*\*([A-Za-z ]+?)(?::\*\*|\*\*\s*:)\s*(.*?)\s*$`)

// templateLines reads the template-style metadata lines that follow the
// first H1, and returns which fields were given.
func (p *parser) templateLines(body []byte, bodyLine int) *fieldSet {
	set := &fieldSet{}
	seenH1, scanned := false, 0
	for i, l := range strings.Split(string(body[:min(len(body), 8192)]), "\n") {
		t := strings.TrimSpace(l)
		if !seenH1 {
			if strings.HasPrefix(t, "# ") || t == "#" {
				seenH1 = true
			}
			continue
		}
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") || scanned > 12 {
			break
		}
		scanned++
		mm := templateLine.FindStringSubmatch(t)
		if mm == nil {
			continue
		}
		line, col := bodyLine+i, strings.Index(l, mm[2])+1
		val := mm[2]
		var f field
		m := &p.r.Meta
		switch strings.ToLower(mm[1]) {
		case "severity":
			f = fSeverity
			m.Severity = p.severity(val, line, col)
		case "type":
			f = fType
			m.Type = p.kind(val, line, col)
		case "owner":
			f = fOwner
			m.Owner = val
		case "last updated", "last_updated":
			f = fLastUpdated
			m.LastUpdated = p.date(val, line, col)
		case "review every":
			f = fReviewEvery
			m.ReviewEvery = p.reviewEvery(val, line, col)
		case "alerts":
			f = fAlerts
			m.Alerts, m.AlertsAt = splitList(val, page.Pos{Line: line, Col: col})
		default:
			continue
		}
		set[f].given, set[f].line, set[f].col = true, line, col
	}
	return set
}

// quoted returns 1 for a quoted scalar, whose text starts past the quote.
func quoted(n *yaml.Node) int {
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		return 1
	}
	return 0
}

// splitList splits a comma-separated list of names, each maybe in
// backquotes, written from start on one line.
func splitList(s string, start page.Pos) ([]string, []page.Pos) {
	var out []string
	var at []page.Pos
	off := 0
	for a := range strings.SplitSeq(s, ",") {
		lead := len(a) - len(strings.TrimLeft(a, " \t`"))
		if name := strings.Trim(strings.TrimSpace(a), "`"); name != "" {
			out = append(out, name)
			at = append(at, page.Pos{Line: start.Line, Col: start.Col + off + lead})
		}
		off += len(a) + 1
	}
	return out, at
}

// finish decides whether the page is a runbook and reports missing fields.
func (p *parser) finish(set *fieldSet) {
	m := &p.r.Meta
	if m.Type == page.Doc && (set[fSeverity].given || set[fType].given) {
		m.Type = page.Incident
	}
	if !m.IsRunbook() {
		return
	}
	var missing []string
	if m.Type == page.Incident && !set[fSeverity].given {
		missing = append(missing, "severity ("+allowedSeverities+")")
	}
	if !set[fOwner].given || m.Owner == "" {
		missing = append(missing, "owner")
	}
	if !set[fLastUpdated].given {
		missing = append(missing, "last_updated (YYYY-MM-DD)")
	}
	if len(missing) > 0 {
		p.warnf(1, 1, "missing-metadata", "runbook has no %s", strings.Join(missing, ", no "))
	}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlErrorLine pulls the line out of a YAML error message.
func yamlErrorLine(err error) (int, string) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, m[2]
	}
	return 1, strings.TrimPrefix(msg, "yaml: ")
}

func invalidUTF8(data []byte) (line, col int) {
	line, col = 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return line, col
}
