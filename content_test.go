// Package runbooks_test checks the content of runbooks/ and the alerting
// rules in ops/prometheus, not the site generator: every planned runbook
// exists and follows the template, its commands are safe to paste, its
// steps link where they send the reader, and every alert that pages
// someone has exactly one runbook. It reads the pages through the tool's
// own pipeline (build.Check) and the HTML it renders, never through a
// Markdown parser of its own.
package runbooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/alertrules"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/scaffold"
	"go.yaml.in/yaml/v3"
)

const (
	contentDir = "runbooks"
	rulesPath  = "ops/prometheus/arca-api.rules.yml"
	alertURL   = "https://runbooks.arcaapi.com/alerts/"
)

// checkDate is the build date of the checks: fixed, so that no review
// falls due under the test; the review dates themselves are the tool's
// review-overdue rule's business.
var checkDate = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// runbooks lists the planned runbooks and the kind of procedure each one is.
var runbooks = []struct {
	file string
	kind page.Kind
	sev  string // empty for maintenance procedures
}{
	{"arca-api-down.md", page.Incident, "SEV1"},
	{"database-connection-pool.md", page.Incident, "SEV1"},
	{"service-outage.md", page.Incident, "SEV1"},
	{"high-api-latency.md", page.Incident, "SEV2"},
	{"redis-out-of-memory.md", page.Incident, "SEV2"},
	{"certificate-expired.md", page.Incident, "SEV2"},
	{"deployment-rollback.md", page.Incident, "SEV2"},
	{"rate-limit-exceeded.md", page.Incident, "SEV3"},
	{"webhook-delivery-failures.md", page.Incident, "SEV3"},
	{"memory-leak.md", page.Incident, "SEV3"},
	{"database-migration.md", page.Maintenance, ""},
	{"scaling-operations.md", page.Maintenance, ""},
}

// requiredSections lists, per kind of runbook, the H2 headings of the
// template, in their order.
var requiredSections = map[page.Kind][]string{
	page.Incident: {
		"Symptoms", "Impact", "Prerequisites", "Diagnosis", "Resolution",
		"Verification", "Escalation", "Follow-Up", "Prevention", "Related Runbooks", "References",
	},
	page.Maintenance: {
		"Prerequisites", "Procedure", "Rollback", "Verification", "Escalation", "Related Runbooks",
	},
}

// frontMatterKeys are the only keys a runbook's front matter may use.
var frontMatterKeys = []string{
	"title", "severity", "type", "owner", "last_updated", "review_every", "alerts", "vars",
}

// shellLangs are the languages of blocks pasted into a shell.
var shellLangs = []string{"bash", "sh", "shell"}

var (
	placeholder = regexp.MustCompile(`\b(TODO|TBD|FIXME)\b`)
	// sendsReader finds the phrases that send the reader elsewhere; what
	// follows them must be a link.
	sendsReader = regexp.MustCompile(`(?i)\b(go to|see|continue with)\s+(the\s+)?`)
	stepWord    = regexp.MustCompile(`(?i)^steps?\b`)
	funcDef     = regexp.MustCompile(`(?m)^\s*([A-Za-z_][A-Za-z0-9_]*)\(\)\s*\{`)
)

var (
	siteOnce sync.Once
	theSite  *build.Site
	siteErr  error
)

// site parses and checks runbooks/ once, as `runbooks check` does.
func site(t *testing.T) *build.Site {
	t.Helper()
	siteOnce.Do(func() {
		res, err := build.Check(context.Background(), build.Config{Src: contentDir, Now: checkDate})
		theSite, siteErr = res.Site, err
	})
	if siteErr != nil {
		t.Fatalf("check %s: %v", contentDir, siteErr)
	}
	return theSite
}

// pageOf returns the parsed page of the file name of runbooks/.
func pageOf(t *testing.T, s *build.Site, name string) *page.Page {
	t.Helper()
	i := slices.IndexFunc(s.Pages, func(p *page.Page) bool { return p.Path == name })
	if i < 0 {
		t.Fatalf("%s/%s: no such page", contentDir, name)
	}
	return s.Pages[i]
}

// at formats a source position of runbooks/ the way compilers do.
func at(file string, line int) string { return fmt.Sprintf("%s/%s:%d", contentDir, file, line) }

// rendered is what a reader sees of a page, read from the HTML body the
// tool renders for it.
type rendered struct {
	blocks   []block
	items    []item
	sections map[string]*section // by the id of their H2 heading
}

// block is a code block: its language and its text as copied.
type block struct {
	lang, text string
	line       int  // line of the opening fence, from the parsed page
	caution    bool // a "> [!CAUTION]" callout comes before it
}

// item is a list item or a table cell, with its own text (nested lists
// excluded) and the text of its links between ⟦ and ⟧.
type item struct {
	kind    string // "list item" or "table cell"
	text    string
	column  string // a table cell's column heading
	section string
	task    bool // a "- [ ]" task list item
	code    bool // holds a code block
}

// section is what lies under one H2 heading.
type section struct {
	text   strings.Builder
	hrefs  []string
	spans  []string // inline code
	blocks int
}

// linkOpen and linkClose mark link text in item text.
const linkOpen, linkClose = "⟦", "⟧"

// bodyOf returns the HTML of the body of s's page p, after its H1.
func bodyOf(t *testing.T, s *build.Site, p *page.Page) []byte {
	t.Helper()
	body, err := s.Body(context.Background(), p)
	if err != nil {
		t.Fatalf("%s/%s: render the body: %v", contentDir, p.Path, err)
	}
	return body.Rest
}

// render reads the HTML body of p (see bodyOf). Code blocks take their
// source line from the parsed page, in order.
func render(t *testing.T, p *page.Page, body []byte) *rendered {
	t.Helper()
	r, err := readBody(body)
	if err != nil {
		t.Fatalf("%s/%s: read the rendered body: %v", contentDir, p.Path, err)
	}
	if len(r.blocks) == len(p.Code) {
		for i := range r.blocks {
			r.blocks[i].line = p.Code[i].Line
		}
	}
	return r
}

// readBody walks the HTML of a page body with the standard library's
// lenient HTML reading of encoding/xml.
func readBody(body []byte) (*rendered, error) {
	r := &rendered{sections: map[string]*section{"": {}}}
	dec := xml.NewDecoder(io.MultiReader(strings.NewReader("<body>"), bytes.NewReader(body), strings.NewReader("</body>")))
	dec.Strict, dec.AutoClose, dec.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity

	type open struct {
		it   *item
		text strings.Builder
	}
	var (
		cur     = ""             // id of the current H2
		inH2    = false          // inside an H2 heading
		pre     *strings.Builder // text of the code block being read
		lang    string           // its language
		stack   []*open          // open list items and table cells
		headers []string         // column headings of the current table
		th      *strings.Builder // heading cell being read
		span    *strings.Builder // inline code being read
		quote   *strings.Builder // text of the block quote being read
		caution bool             // a caution callout waits for its code block
		col     = -1             // column of the current body cell
		attr    = func(e xml.StartElement, name string) string {
			for _, a := range e.Attr {
				if a.Name.Local == name {
					return a.Value
				}
			}
			return ""
		}
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "h2":
				cur, inH2, caution = attr(tok, "id"), true, false
				r.sections[cur] = &section{}
			case "h3", "h4":
				caution = false
			case "blockquote":
				quote = &strings.Builder{}
			case "div":
				// a GitHub alert rendered as a callout box
				if slices.Contains(strings.Fields(attr(tok, "class")), "callout-caution") {
					caution = true
				}
			case "pre":
				pre, lang = &strings.Builder{}, ""
			case "code":
				if pre != nil {
					lang = strings.TrimPrefix(attr(tok, "class"), "language-")
				} else {
					span = &strings.Builder{}
				}
			case "a":
				if inH2 {
					continue
				}
				r.sections[cur].hrefs = append(r.sections[cur].hrefs, attr(tok, "href"))
				if n := len(stack); n > 0 {
					stack[n-1].text.WriteString(linkOpen)
				}
			case "li":
				stack = append(stack, &open{it: &item{kind: "list item", section: cur}})
			case "table":
				headers, col = nil, -1
			case "tr":
				col = -1
			case "th":
				th = &strings.Builder{}
			case "td":
				col++
				o := &open{it: &item{kind: "table cell", section: cur}}
				if col < len(headers) {
					o.it.column = headers[col]
				}
				stack = append(stack, o)
			case "input":
				if n := len(stack); n > 0 && attr(tok, "type") == "checkbox" {
					stack[n-1].it.task = true
				}
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "h2":
				inH2 = false
			case "blockquote":
				// a GitHub alert where callouts are not rendered
				if quote != nil && strings.HasPrefix(strings.TrimSpace(quote.String()), "[!CAUTION]") {
					caution = true
				}
				quote = nil
			case "code":
				if span != nil {
					r.sections[cur].spans = append(r.sections[cur].spans, span.String())
					span = nil
				}
			case "pre":
				if pre != nil {
					r.blocks = append(r.blocks, block{lang: lang, text: pre.String(), caution: caution})
					caution = false
					r.sections[cur].blocks++
					if n := len(stack); n > 0 {
						stack[n-1].it.code = true
					}
					pre = nil
				}
			case "a":
				if n := len(stack); n > 0 && !inH2 {
					stack[n-1].text.WriteString(linkClose)
				}
			case "th":
				if th != nil {
					headers = append(headers, strings.TrimSpace(th.String()))
					th = nil
				}
			case "li", "td":
				if n := len(stack); n > 0 {
					o := stack[n-1]
					stack = stack[:n-1]
					o.it.text = strings.Join(strings.Fields(o.text.String()), " ")
					r.items = append(r.items, *o.it)
				}
			}
		case xml.CharData:
			switch {
			case pre != nil:
				pre.Write(tok)
			case th != nil:
				th.Write(tok)
			default:
				if span != nil {
					span.Write(tok)
				}
				if quote != nil {
					quote.Write(tok)
				}
				if !inH2 {
					r.sections[cur].text.Write(tok)
				}
				if n := len(stack); n > 0 {
					stack[n-1].text.Write(tok)
				}
			}
		}
	}
	return r, nil
}

// section returns the section under the H2 heading titled title.
func (r *rendered) section(p *page.Page, title string) (*section, int, bool) {
	for _, h := range p.Headings {
		if h.Level == 2 && h.Text == title {
			s, ok := r.sections[h.ID]
			return s, h.Line, ok
		}
	}
	return nil, 0, false
}

func TestRunbookFilesExist(t *testing.T) {
	for _, rb := range runbooks {
		name := path.Join(contentDir, rb.file)
		if _, err := os.Stat(name); err != nil {
			t.Errorf("%s: planned runbook is missing: %v", name, err)
		}
	}
	for _, name := range []string{"README.md", "template.md"} {
		if _, err := os.Stat(path.Join(contentDir, name)); err != nil {
			t.Errorf("%s: %v", path.Join(contentDir, name), err)
		}
	}
}

// TestCheckIsClean holds `runbooks check --strict` clean: no broken link
// or anchor, no missing section, no unclosed fence, no problem any rule
// of the tool reports, warnings included. That covers the commands too:
// shell, PromQL, YAML and JSON blocks parse (command-syntax), and no
// unsafe shell.
func TestCheckIsClean(t *testing.T) {
	for _, p := range site(t).Problems {
		t.Errorf("%s/%s", contentDir, p)
	}
}

func TestPagesAreWellFormed(t *testing.T) {
	for _, p := range site(t).Pages {
		t.Run(p.Path, func(t *testing.T) {
			r := render(t, p, bodyOf(t, site(t), p))
			if p.Meta.Title == "" {
				t.Errorf("%s: page has no title", at(p.Path, 1))
			}
			if !slices.ContainsFunc(p.Headings, func(h page.Heading) bool { return h.Level == 1 }) {
				t.Errorf("%s: page has no H1 heading", at(p.Path, 1))
			}
			for _, s := range p.Sections {
				if m := placeholder.FindString(s.Text); m != "" {
					t.Errorf("%s/%s#%s: unfinished content marker %q", contentDir, p.Path, s.ID, m)
				}
			}
			for i, c := range p.Code {
				if c.Fenced && c.Lang == "" {
					t.Errorf("%s: code block has no language; use text for plain output", at(p.Path, c.Line))
				}
				if i >= len(r.blocks) {
					continue
				}
				b := r.blocks[i]
				if m := placeholder.FindString(b.text); m != "" {
					t.Errorf("%s: unfinished content marker %q in code", at(p.Path, c.Line), m)
				}
				if b.lang == "json" {
					var v any
					if err := json.Unmarshal([]byte(b.text), &v); err != nil {
						t.Errorf("%s: invalid JSON in code block: %v", at(p.Path, c.Line), err)
					}
				}
			}
		})
	}
}

func TestRunbooksFollowTemplate(t *testing.T) {
	s := site(t)
	for _, rb := range runbooks {
		t.Run(rb.file, func(t *testing.T) {
			p := pageOf(t, s, rb.file)
			checkFrontMatter(t, p, rb.kind, rb.sev)
			checkSections(t, p, rb.kind)
			r := render(t, p, bodyOf(t, s, p))
			verification := sectionID(p, "Verification")
			var tasks int
			for _, it := range r.items {
				if it.section != verification || !it.task {
					continue
				}
				tasks++
				if !it.code && !strings.Contains(it.text, linkOpen) {
					t.Errorf("%s/%s#%s: Verification item %q has neither a command or query under it nor a link to check it", contentDir, p.Path, verification, it.text)
				}
			}
			if tasks == 0 {
				t.Errorf("%s/%s#%s: Verification has no task item \"- [ ] ...\"", contentDir, p.Path, verification)
			}
		})
	}
}

// sectionID returns the id of the H2 heading titled title, or "".
func sectionID(p *page.Page, title string) string {
	for _, h := range p.Headings {
		if h.Level == 2 && h.Text == title {
			return h.ID
		}
	}
	return ""
}

// checkFrontMatter reports front matter values that differ from what the
// site and the review schedule expect of a runbook.
func checkFrontMatter(t *testing.T, p *page.Page, kind page.Kind, sev string) {
	t.Helper()
	m := p.Meta
	for _, k := range unknownFrontMatterKeys(t, p.Path) {
		t.Errorf("%s: unknown front matter key %q", at(p.Path, 1), k)
	}
	if m.Type != kind {
		t.Errorf("%s: type is %q, want %q", at(p.Path, 1), m.Type, kind)
	}
	if m.Severity != sev {
		t.Errorf("%s: severity is %q, want %q", at(p.Path, 1), m.Severity, sev)
	}
	if m.Owner == "" {
		t.Errorf("%s: front matter has no owner", at(p.Path, 1))
	}
	if m.LastUpdated == "" {
		t.Errorf("%s: front matter has no last_updated date", at(p.Path, 1))
	}
	if m.ReviewEvery <= 0 || m.ReviewEvery > 365 {
		t.Errorf("%s: review_every %d is not a number of days between 1 and 365", at(p.Path, 1), m.ReviewEvery)
	}
	if kind == page.Incident && len(m.Alerts) == 0 {
		t.Errorf("%s: incident runbook lists no alerts", at(p.Path, 1))
	}
	h1 := slices.IndexFunc(p.Headings, func(h page.Heading) bool { return h.Level == 1 })
	if want := "Runbook: " + m.Title; h1 >= 0 && p.Headings[h1].Text != want {
		t.Errorf("%s: H1 is %q, want %q", at(p.Path, p.Headings[h1].Line), p.Headings[h1].Text, want)
	}
}

// unknownFrontMatterKeys returns the top-level front matter keys of the
// file that no runbook may use: the tool lets documentation pages carry
// their own keys, our runbooks keep to the template's.
func unknownFrontMatterKeys(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(path.Join(contentDir, name))
	if err != nil {
		t.Fatal(err)
	}
	rest, ok := bytes.CutPrefix(data, []byte("---\n"))
	if !ok {
		return nil
	}
	front, _, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return nil
	}
	var keys map[string]any
	if err := yaml.Unmarshal(front, &keys); err != nil {
		t.Errorf("%s: front matter: %v", at(name, 1), err)
		return nil
	}
	var unknown []string
	for k := range keys {
		if !slices.Contains(frontMatterKeys, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// checkSections reports the template sections a runbook lacks or has out
// of order, and an incident's Diagnosis without numbered steps.
func checkSections(t *testing.T, p *page.Page, kind page.Kind) {
	t.Helper()
	var h2 []string
	for _, h := range p.Headings {
		if h.Level == 2 {
			h2 = append(h2, h.Text)
		}
	}
	last := -1
	for _, want := range requiredSections[kind] {
		i := slices.Index(h2, want)
		switch {
		case i < 0:
			t.Errorf("%s: missing section \"## %s\"", at(p.Path, 1), want)
		case i < last:
			t.Errorf("%s: section \"## %s\" is out of the template's order", at(p.Path, 1), want)
		default:
			last = i
		}
	}
	if kind != page.Incident {
		return
	}
	inDiagnosis, step1 := false, false
	for _, h := range p.Headings {
		if h.Level == 2 {
			inDiagnosis = h.Text == "Diagnosis"
		}
		if inDiagnosis && h.Level == 3 && strings.HasPrefix(h.Text, "Step 1:") {
			step1 = true
		}
	}
	if !step1 {
		t.Errorf("%s: Diagnosis has no \"### Step 1: ...\" heading", at(p.Path, 1))
	}
}

// TestRunbooksAreSafeToPaste holds the rules that make a pasted block safe
// and a page quick to follow, on every runbook and on what `runbooks new`
// starts from.
func TestRunbooksAreSafeToPaste(t *testing.T) {
	s := site(t)
	for _, rb := range runbooks {
		t.Run(rb.file, func(t *testing.T) {
			p := pageOf(t, s, rb.file)
			checkReadable(t, p, bodyOf(t, s, p))
		})
	}
	for _, kind := range []page.Kind{page.Incident, page.Maintenance} {
		t.Run("template "+string(kind), func(t *testing.T) {
			p, body := scaffolded(t, kind)
			checkReadable(t, p, body)
		})
	}
}

// checkReadable reports, for one runbook: a destructive block without a
// caution callout above it, a block that calls a shell function only
// another block defines, a command that writes a literal
// value into a declared parameter, a shell block that uses a parameter
// without stopping while it is empty, a "go to" or "see step" in a list
// or table that is not a link, a dashboard or endpoint in Symptoms shown as
// code rather than a link, a Verification section without a command, and a
// missing or contactless Escalation section.
func checkReadable(t *testing.T, p *page.Page, body []byte) {
	t.Helper()
	r := render(t, p, body)
	for i, c := range p.Code {
		if c.Destructive && i < len(r.blocks) && !r.blocks[i].caution {
			t.Errorf("%s: destructive block has no \"> [!CAUTION]\" callout above it saying what it undoes and what to check first", at(p.Path, c.Line))
		}
	}
	helpers := map[string]bool{} // shell functions some block of the page defines
	for _, b := range r.blocks {
		if slices.Contains(shellLangs, b.lang) {
			for _, m := range funcDef.FindAllStringSubmatch(b.text, -1) {
				helpers[m[1]] = true
			}
		}
	}
	for _, b := range r.blocks {
		if !slices.Contains(shellLangs, b.lang) {
			continue
		}
		for name := range helpers {
			if callsFunc(b.text, name) && !slices.ContainsFunc(funcDef.FindAllStringSubmatch(b.text, -1), func(m []string) bool { return m[1] == name }) {
				t.Errorf("%s: block calls %s, defined in another block: define it in this one, so that it runs as pasted", at(p.Path, b.line), name)
			}
		}
		for _, v := range p.Meta.Vars {
			if lit := literalAssignment(b.text, v.Name); lit != "" {
				t.Errorf("%s: command sets parameter %s to the literal %q: write $%s and let the Parameters box fill it in", at(p.Path, b.line), v.Name, lit, v.Name)
			}
			if usesVar(b.text, v.Name) && !strings.Contains(b.text, "${"+v.Name+":?") {
				t.Errorf("%s: block uses parameter %s but does not stop while it is empty: write ${%s:?} (or : \"${%s:?set %s first}\")", at(p.Path, b.line), v.Name, v.Name, v.Name, v.Name)
			}
		}
	}
	for _, it := range r.items {
		if bad := unlinkedSend(it.text); bad != "" {
			t.Errorf("%s/%s#%s: %s %q sends the reader with %q but is not a link to the heading", contentDir, p.Path, it.section, it.kind, it.text, bad)
		}
		if strings.EqualFold(it.column, "go to") && !strings.Contains(it.text, linkOpen) {
			t.Errorf("%s/%s#%s: \"Go to\" cell %q is not a link to the heading", contentDir, p.Path, it.section, it.text)
		}
	}
	if sec, line, ok := r.section(p, "Symptoms"); ok {
		for _, c := range sec.spans {
			if strings.HasPrefix(c, "https://") || strings.HasPrefix(c, "http://") {
				t.Errorf("%s: Symptoms shows %s as code: make it a link, so the reader can open it and check --external can test it", at(p.Path, line), c)
			}
		}
	}
	if sec, line, ok := r.section(p, "Verification"); !ok {
		t.Errorf("%s: missing section \"## Verification\"", at(p.Path, 1))
	} else if sec.blocks == 0 {
		t.Errorf("%s: Verification has no command or query to check its items with", at(p.Path, line))
	}
	sec, line, ok := r.section(p, "Escalation")
	if !ok {
		t.Errorf("%s: missing section \"## Escalation\" (who is paged next, the upstream contact, and when)", at(p.Path, 1))
		return
	}
	text := sec.text.String()
	for _, want := range []string{"PagerDuty", "Upstream"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: Escalation does not name %s", at(p.Path, line), want)
		}
	}
	if !slices.ContainsFunc(sec.hrefs, func(h string) bool {
		return strings.HasPrefix(h, "mailto:") || strings.HasSuffix(h, "#on-call") || strings.HasSuffix(h, "#upstream-contacts")
	}) {
		t.Errorf("%s: Escalation links no contact: a mailto: address or the on-call table of the Operations Overview", at(p.Path, line))
	}
}

// literalAssignment returns the literal value a shell block assigns to the
// variable name (export NAME=value, NAME="value"), or "" when it assigns
// none or only an expansion.
func literalAssignment(code, name string) string {
	re := regexp.MustCompile(`(?m)(?:^|[\s;&|(])(?:(?:export|local|readonly|declare(?:\s+-\w+)*)\s+)?` + name + `=("[^"]*"|'[^']*'|[^\s;&|)]*)`)
	for _, m := range re.FindAllStringSubmatch(code, -1) {
		v := strings.Trim(m[1], `"'`)
		if v != "" && !strings.HasPrefix(v, "$") {
			return v
		}
	}
	return ""
}

// callsFunc reports whether a shell block runs the command name: at the
// start of a line or after ;, &, |, (, { or $(.
func callsFunc(code, name string) bool {
	return regexp.MustCompile(`(?m)(?:^|[;&|({]|\$\()\s*` + regexp.QuoteMeta(name) + `(?:\s|$)`).MatchString(code)
}

// usesVar reports whether a shell block expands the variable name.
func usesVar(code, name string) bool {
	return regexp.MustCompile(`\$(` + name + `\b|\{` + name + `\b)`).MatchString(code)
}

// unlinkedSend returns the first phrase of text that sends the reader
// elsewhere ("go to", "see Step 3") without a link right after it, or "".
// Link text is marked with ⟦ ⟧.
func unlinkedSend(text string) string {
	for _, m := range sendsReader.FindAllStringIndex(text, -1) {
		if strings.Count(text[:m[0]], linkOpen) > strings.Count(text[:m[0]], linkClose) {
			continue // the phrase is itself link text
		}
		next := text[m[1]:]
		if strings.HasPrefix(next, linkOpen) {
			continue
		}
		phrase := strings.ToLower(strings.Fields(text[m[0]:])[0])
		if phrase == "go" || stepWord.MatchString(next) {
			return strings.TrimSpace(text[m[0]:min(len(text), m[1]+len(strings.SplitN(next, " ", 2)[0]))])
		}
	}
	return ""
}

func TestUnlinkedSend(t *testing.T) {
	tests := []struct{ text, want string }{
		{"timeouts | ARCA is down | go to " + linkOpen + "Step 2" + linkClose, ""},
		{"go to the " + linkOpen + "Quick Fix" + linkClose, ""},
		{"see " + linkOpen + "Escalation" + linkClose, ""},
		{linkOpen + "go to Step 2" + linkClose, ""},
		{"see below for the output", ""},
		{"ARCA normal: continue with Step 3 and Step 4.", "continue with Step"},
		{"the process exits; read Step 3 or go to Step 3.", "go to Step"},
		{"Go to the Quick Fix.", "Go to the Quick"},
		{"see step 2", "see step"},
	}
	for _, tt := range tests {
		if got := unlinkedSend(tt.text); got != tt.want {
			t.Errorf("unlinkedSend(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestLiteralAssignment(t *testing.T) {
	tests := []struct{ code, want string }{
		{"export CUIT=30712345678   # replace with the affected CUIT\n", "30712345678"},
		{"sql \"x\"; CUIT='30712345678' kubectl get pods\n", "30712345678"},
		{": \"${CUIT:?set CUIT first}\"\nsql \"... cuit = '${CUIT:?}'\"\n", ""},
		{"CUIT=\"$CUIT\"\n", ""},
		{"MYCUIT=1\n", ""},
	}
	for _, tt := range tests {
		if got := literalAssignment(tt.code, "CUIT"); got != tt.want {
			t.Errorf("literalAssignment(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

// scaffolded returns the page `runbooks new` starts for kind, parsed and
// checked as a page of runbooks/ beside the others.
func scaffolded(t *testing.T, kind page.Kind) (*page.Page, []byte) {
	t.Helper()
	src := os.DirFS(contentDir)
	tmpl, err := scaffold.Template(src, kind)
	if err != nil {
		t.Fatalf("%s/%s: %v", contentDir, scaffold.TemplatePage, err)
	}
	req := scaffold.Request{Title: "Queue Consumer Stalled", Type: kind, Owner: "Platform Team", Date: checkDate}
	if kind == page.Incident {
		req.Severity = "SEV2"
	}
	name := scaffold.FileName(req.Title)
	tree := fstest.MapFS{name: {Data: []byte(scaffold.Fill(tmpl, req))}}
	err = fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(src, p)
		tree[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := build.CheckFS(context.Background(), tree, build.Config{Now: checkDate})
	if err != nil {
		t.Fatalf("check the scaffolded runbook: %v", err)
	}
	s := res.Site
	for _, p := range s.Problems {
		if p.File == name {
			t.Errorf("%s/%s (template %s): %s", contentDir, scaffold.TemplatePage, kind, p)
		}
	}
	p := *pageOf(t, s, name)
	body := bodyOf(t, s, &p)
	p.Path = fmt.Sprintf("%s (scaffolded as %s)", scaffold.TemplatePage, name)
	checkSections(t, &p, kind)
	return &p, body
}

func TestAlertsHaveRulesAndRunbooks(t *testing.T) {
	owner := map[string]string{} // alert name -> position in the runbook naming it
	for _, p := range site(t).Pages {
		for i, a := range p.Meta.Alerts {
			pos := at(p.Path, p.Meta.AlertAt(i).Line)
			if prev, dup := owner[a]; dup {
				t.Errorf("%s: alert %s is already the subject of %s; an alert belongs to one runbook", pos, a, prev)
				continue
			}
			owner[a] = pos
		}
	}
	data, err := os.ReadFile(rulesPath)
	if err != nil {
		t.Fatalf("read rules: %v", err)
	}
	rules, probs := alertrules.Parse(rulesPath, data)
	for _, p := range probs {
		t.Error(p)
	}
	defined := map[string]int{}
	for _, r := range rules {
		if prev, dup := defined[r.Alert]; dup {
			t.Errorf("%s:%d: alert %s is already defined on line %d", rulesPath, r.Line, r.Alert, prev)
		}
		defined[r.Alert] = r.Line
		if _, ok := owner[r.Alert]; !ok {
			t.Errorf("%s:%d: alert %s is named in no runbook's alerts", rulesPath, r.Line, r.Alert)
		}
		if want := alertURL + strings.ToLower(r.Alert) + "/"; r.RunbookURL != want {
			t.Errorf("%s:%d: runbook_url of %s is %s, want %s", rulesPath, r.URLLine, r.Alert, r.RunbookURL, want)
		}
	}
	for name, pos := range owner {
		if _, ok := defined[name]; !ok {
			t.Errorf("%s: alert %s has no \"alert: %s\" rule in %s", pos, name, name, rulesPath)
		}
	}
}

func TestCallsFunc(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"sql \"SELECT 1;\"\n", true},
		{"  sql \"SELECT 1;\" | head\n", true},
		{"out=$(sql \"UPDATE x\"); echo \"$out\"\n", true},
		{"kubectl exec -i deploy/pgbouncer -- psql -c 'SELECT 1;'\n", false},
		{"echo sql is fine\n", false},
	}
	for _, tt := range tests {
		if got := callsFunc(tt.code, "sql"); got != tt.want {
			t.Errorf("callsFunc(%q, sql) = %v, want %v", tt.code, got, tt.want)
		}
	}
}
