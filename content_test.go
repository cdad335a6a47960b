// Package runbooks_test checks the content of runbooks/ and the alerting
// rules in ops/prometheus, not the site generator: every planned runbook
// exists and follows the template, code blocks are valid, links resolve,
// and every alert that pages someone has exactly one runbook.
package runbooks_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

const (
	contentDir = "runbooks"
	rulesPath  = "ops/prometheus/arca-api.rules.yml"
	alertURL   = "https://runbooks.arcaapi.com/alerts/"
)

// runbooks lists the planned runbooks and the kind of procedure each one is.
var runbooks = []struct {
	file string
	kind string // "incident" or "maintenance"
	sev  string // empty for maintenance procedures
}{
	{"arca-api-down.md", "incident", "SEV1"},
	{"database-connection-pool.md", "incident", "SEV1"},
	{"service-outage.md", "incident", "SEV1"},
	{"high-api-latency.md", "incident", "SEV2"},
	{"redis-out-of-memory.md", "incident", "SEV2"},
	{"certificate-expired.md", "incident", "SEV2"},
	{"deployment-rollback.md", "incident", "SEV2"},
	{"rate-limit-exceeded.md", "incident", "SEV3"},
	{"webhook-delivery-failures.md", "incident", "SEV3"},
	{"memory-leak.md", "incident", "SEV3"},
	{"database-migration.md", "maintenance", ""},
	{"scaling-operations.md", "maintenance", ""},
}

// requiredSections lists, per kind of runbook, the H2 headings of the template.
var requiredSections = map[string][]string{
	"incident": {
		"Symptoms", "Impact", "Prerequisites", "Diagnosis", "Resolution",
		"Verification", "Follow-Up", "Prevention", "Related Runbooks", "References",
	},
	"maintenance": {
		"Prerequisites", "Procedure", "Rollback", "Verification", "Related Runbooks",
	},
}

// frontMatterKeys are the only keys a runbook's front matter may use.
var frontMatterKeys = []string{
	"title", "severity", "type", "owner", "last_updated", "review_every", "alerts", "vars",
}

var (
	fenceOpen    = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})\\s*([^`\\s]*)")
	atxHeading   = regexp.MustCompile(`^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$`)
	inlineCode   = regexp.MustCompile("`[^`]*`")
	linkText     = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdLink       = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)`)
	rawHTMLTag   = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>`)
	placeholder  = regexp.MustCompile(`\b(TODO|TBD|FIXME)\b`)
	uriScheme    = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)
	frontKey     = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$`)
	listItem     = regexp.MustCompile(`^\s+-\s+(.+?)\s*$`)
	taskItem     = regexp.MustCompile(`^\s*[-*] \[ \] \S`)
	bashLineNum  = regexp.MustCompile(`line (\d+)`)
	ruleAlert    = regexp.MustCompile(`^\s*-\s+alert:\s*(\S+)\s*$`)
	ruleRunbook  = regexp.MustCompile(`^\s*runbook_url:\s*(\S+)\s*$`)
	severityName = regexp.MustCompile(`^SEV[123]$`)
)

// page is a Markdown file of runbooks/ split into the parts the tests check.
type page struct {
	path     string // slash-separated, relative to the repository root
	lines    []string
	front    map[string]located // top-level front matter keys
	alerts   []located
	headings []heading
	blocks   []codeBlock
	links    []located
	problems []string // structural problems found while parsing
	offset   int      // line number of lines[0], minus one
}

// located is a piece of text and the 1-based line it was found on.
type located struct {
	line int
	text string
}

// heading is an ATX heading with its GitHub-style anchor id.
type heading struct {
	line  int
	level int
	text  string
	id    string
}

// codeBlock is a fenced code block; info is the first word of its info
// string, the language.
type codeBlock struct {
	line int // line of the opening fence
	info string
	body string
}

// at formats a source position the way compilers do.
func (p *page) at(line int) string { return fmt.Sprintf("%s:%d", p.path, line) }

// keyAt is the position of a front matter key, or of the page's first line
// when the key is missing.
func (p *page) keyAt(key string) string {
	if v, ok := p.front[key]; ok {
		return p.at(v.line)
	}
	return p.at(1)
}

// parsePage splits src into front matter, headings, fenced blocks and links.
// firstLine is the line number of src's first line in its file.
func parsePage(name, src string, firstLine int) *page {
	p := &page{path: name, front: map[string]located{}, offset: firstLine - 1}
	p.lines = strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	body := 0
	if len(p.lines) > 0 && strings.TrimSpace(p.lines[0]) == "---" {
		end := -1
		for i := 1; i < len(p.lines); i++ {
			if strings.TrimSpace(p.lines[i]) == "---" {
				end = i
				break
			}
		}
		if end < 0 {
			p.problems = append(p.problems, p.at(firstLine)+": front matter is not closed by ---")
		} else {
			p.parseFront(p.lines[1:end], firstLine+1)
			body = end + 1
		}
	}
	p.parseBody(body, firstLine)
	return p
}

// parseFront records the top-level keys of the front matter and the alert
// names listed under alerts, either as a block list or as a flow list.
func (p *page) parseFront(lines []string, firstLine int) {
	inAlerts := false
	for i, l := range lines {
		n := firstLine + i
		if m := frontKey.FindStringSubmatch(l); m != nil {
			p.front[m[1]] = located{n, strings.Trim(m[2], `"'`)}
			inAlerts = m[1] == "alerts"
			if inAlerts && strings.HasPrefix(m[2], "[") {
				flow := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(m[2]), "["), "]")
				for _, a := range strings.Split(flow, ",") {
					if a = strings.Trim(strings.TrimSpace(a), `"'`); a != "" {
						p.alerts = append(p.alerts, located{n, a})
					}
				}
				inAlerts = false
			}
			continue
		}
		if m := listItem.FindStringSubmatch(l); m != nil && inAlerts {
			p.alerts = append(p.alerts, located{n, strings.Trim(m[1], `"'`)})
		}
	}
}

// parseBody walks the Markdown body: fenced code blocks follow CommonMark
// (a fence closes on the same character, at least as long, with no info
// string), headings and links are collected outside code only.
func (p *page) parseBody(start, firstLine int) {
	seen := map[string]int{}
	var open *codeBlock
	var fence string
	var body []string
	for i := start; i < len(p.lines); i++ {
		l := p.lines[i]
		n := firstLine + i
		if open != nil {
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" && len(l)-len(strings.TrimLeft(l, " ")) <= 3 {
				open.body = strings.Join(body, "\n") + "\n"
				p.blocks = append(p.blocks, *open)
				open = nil
				continue
			}
			body = append(body, l)
			continue
		}
		if m := fenceOpen.FindStringSubmatch(l); m != nil {
			open = &codeBlock{line: n, info: m[2]}
			fence, body = m[1], nil
			continue
		}
		if m := atxHeading.FindStringSubmatch(l); m != nil {
			id := slug(m[2])
			if c := seen[id]; c > 0 {
				seen[id] = c + 1
				id = fmt.Sprintf("%s-%d", id, c)
			} else {
				seen[id] = 1
			}
			p.headings = append(p.headings, heading{n, len(m[1]), plainText(m[2]), id})
		}
		text := inlineCode.ReplaceAllString(l, "``")
		for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
			p.links = append(p.links, located{n, m[1]})
		}
		if tag := rawHTMLTag.FindString(text); tag != "" {
			p.problems = append(p.problems, fmt.Sprintf("%s: raw HTML %q is not rendered; put it in backticks", p.at(n), tag))
		}
	}
	if open != nil {
		p.problems = append(p.problems, fmt.Sprintf("%s: code fence %s%s is never closed", p.at(open.line), fence, open.info))
	}
}

// plainText drops the inline Markdown of a heading: code marks, emphasis
// and link targets.
func plainText(s string) string {
	s = linkText.ReplaceAllString(s, "$1")
	return strings.NewReplacer("`", "", "**", "", "*", "").Replace(s)
}

// slug returns the GitHub-style anchor of a heading: lower case, spaces
// become hyphens, punctuation other than hyphens and underscores is dropped.
func slug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(plainText(s)) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// section returns the lines of the H2 section named title, with the line
// number of its heading, or ok false when the page has no such section.
func (p *page) section(title string) (first int, lines []string, ok bool) {
	for i, h := range p.headings {
		if h.level != 2 || h.text != title {
			continue
		}
		last := len(p.lines)
		for _, next := range p.headings[i+1:] {
			if next.level <= 2 {
				last = next.line - 1 - p.offset
				break
			}
		}
		return h.line, p.lines[h.line-p.offset : last], true
	}
	return 0, nil, false
}

// loadPages reads every Markdown file under runbooks/.
func loadPages(t *testing.T) map[string]*page {
	t.Helper()
	pages := map[string]*page{}
	err := filepath.WalkDir(contentDir, func(file string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(file, ".md") {
			return err
		}
		src, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(file)
		pages[name] = parsePage(name, string(src), 1)
		return nil
	})
	if err != nil {
		t.Fatalf("read %s: %v", contentDir, err)
	}
	if len(pages) == 0 {
		t.Fatalf("%s: no Markdown files", contentDir)
	}
	return pages
}

// sortedPages returns the pages in path order, for stable subtest names.
func sortedPages(pages map[string]*page) []*page {
	var out []*page
	for _, p := range pages {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b *page) int { return strings.Compare(a.path, b.path) })
	return out
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

func TestPagesAreWellFormed(t *testing.T) {
	pages := loadPages(t)
	for _, p := range sortedPages(pages) {
		t.Run(p.path, func(t *testing.T) {
			for _, problem := range p.problems {
				t.Error(problem)
			}
			for i, l := range p.lines {
				if m := placeholder.FindString(l); m != "" {
					t.Errorf("%s: unfinished content marker %q", p.at(i+1), m)
				}
			}
			if !slices.ContainsFunc(p.headings, func(h heading) bool { return h.level == 1 }) {
				t.Errorf("%s: page has no H1 heading", p.at(1))
			}
			if _, ok := p.front["title"]; !ok {
				t.Errorf("%s: front matter has no title", p.at(1))
			}
			for _, b := range p.blocks {
				if b.info == "" {
					t.Errorf("%s: code block has no language; use text for plain output", p.at(b.line))
				}
				if b.info == "json" && !json.Valid([]byte(b.body)) {
					var v any
					err := json.Unmarshal([]byte(b.body), &v)
					t.Errorf("%s: invalid JSON in code block: %v", p.at(b.line), err)
				}
			}
		})
	}
}

func TestLinksResolve(t *testing.T) {
	pages := loadPages(t)
	for _, p := range sortedPages(pages) {
		t.Run(p.path, func(t *testing.T) {
			checkLinks(t, pages, p, p.path)
		})
	}
}

// checkLinks reports every relative link of p that does not name a page
// of runbooks/ or a heading of that page. base is the file the links are
// resolved against.
func checkLinks(t *testing.T, pages map[string]*page, p *page, base string) {
	t.Helper()
	for _, l := range p.links {
		if uriScheme.MatchString(l.text) {
			continue
		}
		target, anchor, _ := strings.Cut(l.text, "#")
		dest, name := pages[base], base
		if target != "" {
			name = path.Clean(path.Join(path.Dir(base), target))
			if !strings.HasPrefix(name, contentDir+"/") {
				t.Errorf("%s: link %q leaves %s/", p.at(l.line), l.text, contentDir)
				continue
			}
			dest = pages[name]
			if dest == nil {
				t.Errorf("%s: broken link %q: no page %s", p.at(l.line), l.text, name)
				continue
			}
		}
		if anchor == "" {
			continue
		}
		if dest == nil || !slices.ContainsFunc(dest.headings, func(h heading) bool { return h.id == anchor }) {
			t.Errorf("%s: broken link %q: no heading %q in %s", p.at(l.line), l.text, anchor, path.Base(name))
		}
	}
}

func TestShellBlocksParse(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not on PATH: shell code blocks cannot be checked with bash -n")
	}
	pages := loadPages(t)
	for _, p := range sortedPages(pages) {
		t.Run(p.path, func(t *testing.T) {
			for _, b := range p.blocks {
				if b.info != "bash" && b.info != "sh" && b.info != "shell" {
					continue
				}
				cmd := exec.Command(bash, "-n")
				cmd.Stdin = strings.NewReader(b.body)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil {
					line := b.line
					if m := bashLineNum.FindStringSubmatch(stderr.String()); m != nil {
						n, _ := strconv.Atoi(m[1])
						line += n
					}
					t.Errorf("%s: %s block does not parse: %s", p.at(line), b.info, strings.TrimSpace(stderr.String()))
				}
			}
		})
	}
}

func TestRunbooksFollowTemplate(t *testing.T) {
	pages := loadPages(t)
	for _, rb := range runbooks {
		name := path.Join(contentDir, rb.file)
		t.Run(rb.file, func(t *testing.T) {
			p := pages[name]
			if p == nil {
				t.Fatalf("%s: planned runbook is missing", name)
			}
			checkFrontMatter(t, p, rb.kind, rb.sev)
			for _, title := range requiredSections[rb.kind] {
				if _, _, ok := p.section(title); !ok {
					t.Errorf("%s: missing section \"## %s\"", p.at(1), title)
				}
			}
			if first, lines, ok := p.section("Verification"); ok &&
				!slices.ContainsFunc(lines, taskItem.MatchString) {
				t.Errorf("%s: Verification has no task item \"- [ ] ...\"", p.at(first))
			}
			if rb.kind == "incident" {
				checkDiagnosisSteps(t, p)
			}
		})
	}
}

// checkFrontMatter reports front matter keys and values that differ from
// what the site and the review schedule expect of a runbook.
func checkFrontMatter(t *testing.T, p *page, kind, sev string) {
	t.Helper()
	for key, v := range p.front {
		if !slices.Contains(frontMatterKeys, key) {
			t.Errorf("%s: unknown front matter key %q", p.at(v.line), key)
		}
	}
	for _, key := range []string{"title", "type", "owner", "last_updated", "review_every", "alerts"} {
		if _, ok := p.front[key]; !ok {
			t.Errorf("%s: front matter has no %q", p.at(1), key)
		}
	}
	if v := p.front["type"]; v.text != kind {
		t.Errorf("%s: type is %q, want %q", p.keyAt("type"), v.text, kind)
	}
	if v, ok := p.front["severity"]; sev == "" && ok {
		t.Errorf("%s: maintenance procedure has a severity", p.keyAt("severity"))
	} else if sev != "" && (v.text != sev || !severityName.MatchString(v.text)) {
		t.Errorf("%s: severity is %q, want %q", p.keyAt("severity"), v.text, sev)
	}
	if v := p.front["last_updated"]; v.text != "" {
		if _, err := time.Parse(time.DateOnly, v.text); err != nil {
			t.Errorf("%s: last_updated %q is not a YYYY-MM-DD date", p.keyAt("last_updated"), v.text)
		}
	}
	if v := p.front["review_every"]; v.text != "" {
		if days, err := strconv.Atoi(v.text); err != nil || days <= 0 || days > 365 {
			t.Errorf("%s: review_every %q is not a number of days between 1 and 365", p.keyAt("review_every"), v.text)
		}
	}
	if kind == "incident" && len(p.alerts) == 0 {
		t.Errorf("%s: incident runbook lists no alerts", p.keyAt("alerts"))
	}
	want := "Runbook: " + p.front["title"].text
	if i := slices.IndexFunc(p.headings, func(h heading) bool { return h.level == 1 }); i >= 0 && p.headings[i].text != want {
		t.Errorf("%s: H1 is %q, want %q", p.at(p.headings[i].line), p.headings[i].text, want)
	}
}

// checkDiagnosisSteps reports a Diagnosis section without numbered steps.
func checkDiagnosisSteps(t *testing.T, p *page) {
	t.Helper()
	first, lines, ok := p.section("Diagnosis")
	if !ok {
		return
	}
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "### Step 1:") }) {
		t.Errorf("%s: Diagnosis has no \"### Step 1: ...\" heading", p.at(first))
	}
}

func TestAlertsHaveRulesAndRunbooks(t *testing.T) {
	pages := loadPages(t)
	owner := map[string]string{} // alert name -> position in the runbook naming it
	for _, p := range sortedPages(pages) {
		for _, a := range p.alerts {
			if prev, dup := owner[a.text]; dup {
				t.Errorf("%s: alert %s is already the subject of %s; an alert belongs to one runbook", p.at(a.line), a.text, prev)
				continue
			}
			owner[a.text] = p.at(a.line)
		}
	}

	f, err := os.Open(rulesPath)
	if err != nil {
		t.Fatalf("open rules: %v", err)
	}
	defer f.Close()
	rules := map[string]int{} // alert name -> line in the rules file
	var current string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		if m := ruleAlert.FindStringSubmatch(sc.Text()); m != nil {
			current = m[1]
			if prev, dup := rules[current]; dup {
				t.Errorf("%s:%d: alert %s is already defined on line %d", rulesPath, n, current, prev)
			}
			rules[current] = n
			if _, ok := owner[current]; !ok {
				t.Errorf("%s:%d: alert %s is named in no runbook's alerts", rulesPath, n, current)
			}
			continue
		}
		if m := ruleRunbook.FindStringSubmatch(sc.Text()); m != nil && current != "" {
			if want := alertURL + strings.ToLower(current) + "/"; m[1] != want {
				t.Errorf("%s:%d: runbook_url of %s is %s, want %s", rulesPath, n, current, m[1], want)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read rules: %v", err)
	}
	for name, at := range owner {
		if _, ok := rules[name]; !ok {
			t.Errorf("%s: alert %s has no \"alert: %s\" rule in %s", at, name, name, rulesPath)
		}
	}
}

func TestTemplateScaffold(t *testing.T) {
	pages := loadPages(t)
	tmpl := pages[path.Join(contentDir, "template.md")]
	if tmpl == nil {
		t.Fatalf("%s/template.md: missing", contentDir)
	}
	if _, ok := tmpl.front["severity"]; ok {
		t.Errorf("%s: the template page must not have a severity", tmpl.keyAt("severity"))
	}
	i := slices.IndexFunc(tmpl.blocks, func(b codeBlock) bool { return b.info == "markdown" })
	if i < 0 {
		t.Fatalf("%s: no ````markdown block holding the runbook template", tmpl.path)
	}
	b := tmpl.blocks[i]
	if fence := strings.TrimSpace(tmpl.lines[b.line-1]); !strings.HasPrefix(fence, "````") {
		t.Errorf("%s: open the template block with four backticks so nested ``` fences render", tmpl.at(b.line))
	}
	for _, ph := range []string{"{{title}}", "{{severity}}", "{{type}}", "{{owner}}", "{{date}}"} {
		if !strings.Contains(b.body, ph) {
			t.Errorf("%s: template block lacks placeholder %s", tmpl.at(b.line), ph)
		}
	}
	// The scaffolded runbook is a page of runbooks/: parse it as one, with
	// positions pointing into template.md, and check it like the others.
	scaffold := parsePage(tmpl.path, b.body, b.line+1)
	for _, problem := range scaffold.problems {
		t.Error(problem)
	}
	for _, title := range requiredSections["incident"] {
		if _, _, ok := scaffold.section(title); !ok {
			t.Errorf("%s: template lacks section \"## %s\"", tmpl.at(b.line), title)
		}
	}
	withScaffold := map[string]*page{}
	for k, v := range pages {
		withScaffold[k] = v
	}
	const scaffoldPath = contentDir + "/new-runbook.md"
	withScaffold[scaffoldPath] = scaffold
	checkLinks(t, withScaffold, scaffold, scaffoldPath)
}

func TestSlug(t *testing.T) {
	tests := []struct{ heading, want string }{
		{"Step 1: Verify the Issue", "step-1-verify-the-issue"},
		{"Quick Fix (Temporary)", "quick-fix-temporary"},
		{"Follow-Up", "follow-up"},
		{"Step 2: Check `FEDummy`", "step-2-check-fedummy"},
		{"Horizontal scaling: **more** pods", "horizontal-scaling-more-pods"},
	}
	for _, tt := range tests {
		if got := slug(tt.heading); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.heading, got, tt.want)
		}
	}
}

func TestParseFenceNesting(t *testing.T) {
	src := "---\ntitle: T\n---\n# T\n\n````markdown\n```bash\necho hi\n```\n````\n\n```bash\nif then\n```\n"
	p := parsePage("x.md", src, 1)
	if len(p.problems) > 0 {
		t.Fatalf("problems: %v", p.problems)
	}
	var infos []string
	for _, b := range p.blocks {
		infos = append(infos, fmt.Sprintf("%d:%s", b.line, b.info))
	}
	if want := []string{"6:markdown", "12:bash"}; !slices.Equal(infos, want) {
		t.Errorf("blocks = %v, want %v", infos, want)
	}
	if !strings.Contains(p.blocks[0].body, "```bash") {
		t.Errorf("nested fence lost from outer block: %q", p.blocks[0].body)
	}
}
