package gentree

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// readTree returns every file under dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(os.DirFS(dir), p)
		files[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func generate(t *testing.T, cfg Config) map[string][]byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	if err := Generate(dir, cfg); err != nil {
		t.Fatal(err)
	}
	return readTree(t, dir)
}

// runbooks returns the generated pages, without README.md and the marker.
func runbooks(files map[string][]byte) map[string]string {
	out := map[string]string{}
	for p, b := range files {
		if strings.HasPrefix(p, "team-") {
			out[p] = string(b)
		}
	}
	return out
}

// githubIDs returns the ids GitHub gives the ATX headings of a Markdown
// page, skipping fenced code: lowercase, letters, digits, '-' and '_' kept,
// spaces turned into '-', repeats numbered "-1", "-2", ...
func githubIDs(md string) map[string]bool {
	ids := map[string]bool{}
	inFence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		level := len(line) - len(strings.TrimLeft(line, "#"))
		if level == 0 || level > 6 || !strings.HasPrefix(line[level:], " ") {
			continue
		}
		ids[uniqueID(ids, githubID(strings.TrimSpace(line[level:])))] = true
	}
	return ids
}

func githubID(text string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(c), unicode.IsDigit(c), c == '-', c == '_':
			b.WriteRune(c)
		case c == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

func uniqueID(seen map[string]bool, id string) string {
	out := id
	for i := 1; seen[out]; i++ {
		out = id + "-" + strconv.Itoa(i)
	}
	return out
}

func TestGithubID(t *testing.T) {
	// Cases from GitHub's slugger fixtures and the runbook template.
	tests := []struct{ heading, id string }{
		{"Step 1: Verify the Issue", "step-1-verify-the-issue"},
		{"Quick Fix (Temporary)", "quick-fix-temporary"},
		{"heading with a - dash", "heading-with-a---dash"},
		{"heading with an _ underscore", "heading-with-an-_-underscore"},
		{"heading with a period.txt", "heading-with-a-periodtxt"},
		{"Follow-Up", "follow-up"},
	}
	for _, tt := range tests {
		if got := githubID(tt.heading); got != tt.id {
			t.Errorf("githubID(%q) = %q, want %q", tt.heading, got, tt.id)
		}
		if got := slug(tt.heading); got != tt.id {
			t.Errorf("slug(%q) = %q, want %q", tt.heading, got, tt.id)
		}
	}
	ids := githubIDs("# a\n\n## a\n\n```\n# a\n```\n\n### a\n")
	for _, want := range []string{"a", "a-1", "a-2"} {
		if !ids[want] {
			t.Errorf("githubIDs: no %q in %v", want, ids)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a := generate(t, Config{N: 80, Seed: 7})
	b := generate(t, Config{N: 80, Seed: 7})
	if len(a) != len(b) {
		t.Fatalf("same seed wrote %d and %d files", len(a), len(b))
	}
	for p, body := range a {
		if !bytes.Equal(body, b[p]) {
			t.Fatalf("same seed wrote different %s", p)
		}
	}
	c := generate(t, Config{N: 80, Seed: 8})
	same := 0
	for p, body := range a {
		if bytes.Equal(body, c[p]) {
			same++
		}
	}
	if same > 2 { // the marker and README may coincide
		t.Errorf("seeds 7 and 8 wrote %d identical files", same)
	}
}

var linkRE = regexp.MustCompile(`\[[^\]]*\]\(([^)\s]+)\)`)

// TestLinksResolve checks what a link checker would: every relative link
// names a file that exists, and every anchor a heading of that file.
func TestLinksResolve(t *testing.T) {
	files := generate(t, Config{N: 400, Seed: 3})
	ids := map[string]map[string]bool{}
	for p, b := range files {
		if strings.HasSuffix(p, ".md") {
			ids[p] = githubIDs(string(b))
		}
	}
	for p, b := range files {
		if !strings.HasSuffix(p, ".md") {
			continue
		}
		external, anchored := 0, 0
		var toPages []string
		for _, m := range linkRE.FindAllStringSubmatch(stripFences(string(b)), -1) {
			dest := m[1]
			if strings.HasPrefix(dest, "https://") {
				external++
				continue
			}
			file, frag, _ := strings.Cut(dest, "#")
			target := p
			if file != "" {
				target = path.Join(path.Dir(p), file)
				if path.IsAbs(file) || strings.HasPrefix(target, "../") {
					t.Errorf("%s: link %q leaves the tree", p, dest)
					continue
				}
				toPages = append(toPages, target)
				if frag != "" {
					anchored++
				}
			}
			targetIDs, ok := ids[target]
			if !ok {
				t.Errorf("%s: link %q: no file %s", p, dest, target)
				continue
			}
			if frag != "" && !targetIDs[frag] {
				t.Errorf("%s: link %q: no heading %q in %s", p, dest, frag, target)
			}
		}
		if p == "README.md" {
			continue
		}
		if len(toPages) < 6 {
			t.Errorf("%s: %d links to other pages, want at least 6", p, len(toPages))
		}
		if 2*anchored < len(toPages)-1 || 2*anchored > len(toPages)+1 {
			t.Errorf("%s: %d of %d links have anchors, want half", p, anchored, len(toPages))
		}
		for _, target := range toPages {
			if target == p {
				t.Errorf("%s links to itself", p)
			}
		}
	}
}

// stripFences blanks out fenced code, where brackets are not links.
func stripFences(md string) string {
	var b strings.Builder
	inFence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if !inFence {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

type fence struct {
	lang string
	body string
}

func fences(md string) []fence {
	var out []fence
	var cur *fence
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.HasPrefix(line, "```") && cur == nil:
			cur = &fence{lang: strings.TrimPrefix(line, "```")}
		case line == "```" && cur != nil:
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.body += line + "\n"
		}
	}
	return out
}

func TestCodeBlocks(t *testing.T) {
	pages := runbooks(generate(t, Config{N: 400, Seed: 5}))
	langs := map[string]int{}
	distinct := map[string]bool{}
	total := 0
	for p, md := range pages {
		fs := fences(md)
		if len(fs) < 3 || len(fs) > 8 {
			t.Errorf("%s: %d code blocks, want 3 to 8", p, len(fs))
		}
		for _, f := range fs {
			langs[f.lang]++
			total++
			distinct[f.lang+"\n"+f.body] = true
			if n := strings.Count(f.body, "\n"); n < 5 || n > 25 {
				t.Errorf("%s: %q block of %d lines, want 5 to 25", p, f.lang, n)
			}
			if f.lang == "console" && !strings.HasPrefix(f.body, "$ ") {
				t.Errorf("%s: console block does not start with a prompt:\n%s", p, f.body)
			}
		}
	}
	for _, want := range []string{"bash", "console", "yaml", "json", "sql", "promql", "", "frobnicate"} {
		if langs[want] < total/50 {
			t.Errorf("%d of %d blocks in %q, want a fair share (all: %v)", langs[want], total, want, langs)
		}
	}
	if len(distinct) != total {
		t.Errorf("%d distinct blocks of %d, want all distinct", len(distinct), total)
	}
}

func TestRepeatSharesCode(t *testing.T) {
	pages := runbooks(generate(t, Config{N: 400, Seed: 5, Repeat: true}))
	distinct := map[string]bool{}
	total := 0
	for _, md := range pages {
		for _, f := range fences(md) {
			distinct[f.lang+"\n"+f.body] = true
			total++
		}
	}
	if len(distinct) > poolSize || len(distinct)*5 > total {
		t.Errorf("-repeat: %d distinct blocks of %d, want at most %d and far fewer than the total", len(distinct), total, poolSize)
	}
}

var frontMatterRE = regexp.MustCompile(`(?s)\A---\n(.*?)\n---\n\n# Runbook: ([^\n]+)\n`)

func TestFrontMatter(t *testing.T) {
	pages := runbooks(generate(t, Config{N: 1000, Seed: 11}))
	alerts := map[string]string{}
	maintenance := 0
	for p, md := range pages {
		m := frontMatterRE.FindStringSubmatch(md)
		if m == nil {
			t.Fatalf("%s: no front matter and H1:\n%.300s", p, md)
		}
		fields := map[string]string{}
		var pageAlerts []string
		for _, line := range strings.Split(m[1], "\n") {
			if a, ok := strings.CutPrefix(line, "  - "); ok {
				pageAlerts = append(pageAlerts, a)
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				t.Errorf("%s: front matter line %q", p, line)
			}
			fields[k] = strings.TrimSpace(v)
		}
		if fields["title"] != m[2] {
			t.Errorf("%s: title %q but H1 %q", p, fields["title"], m[2])
		}
		if fields["type"] == "maintenance" {
			maintenance++
			if _, ok := fields["severity"]; ok {
				t.Errorf("%s: maintenance page with a severity", p)
			}
		} else if s := fields["severity"]; s != "SEV1" && s != "SEV2" && s != "SEV3" {
			t.Errorf("%s: severity %q", p, s)
		}
		if fields["owner"] == "" || fields["review_every"] != "90" {
			t.Errorf("%s: owner %q, review_every %q", p, fields["owner"], fields["review_every"])
		}
		if d, err := time.Parse(time.DateOnly, fields["last_updated"]); err != nil || d.Year() != 2026 {
			t.Errorf("%s: last_updated %q", p, fields["last_updated"])
		}
		if len(pageAlerts) < 1 || len(pageAlerts) > 2 {
			t.Errorf("%s: %d alerts", p, len(pageAlerts))
		}
		for _, a := range pageAlerts {
			if other, dup := alerts[a]; dup {
				t.Errorf("alert %s in both %s and %s", a, p, other)
			}
			alerts[a] = p
		}
	}
	if maintenance < 50 || maintenance > 150 {
		t.Errorf("%d maintenance pages of %d, want about 10%%", maintenance, len(pages))
	}
}

func TestTreeShape(t *testing.T) {
	files := generate(t, Config{N: 500, Seed: 2})
	readme := string(files["README.md"])
	if !strings.Contains(readme, "title: Runbooks\n") || !strings.Contains(readme, "\n# Runbooks\n") {
		t.Errorf("README.md has no title:\n%.200s", readme)
	}
	pages := runbooks(files)
	if len(pages) != 500 {
		t.Fatalf("%d runbooks, want 500", len(pages))
	}
	depths := map[int]int{}
	size := 0
	for p, md := range pages {
		depths[strings.Count(p, "/")]++
		size += len(md)
		for _, want := range []string{"\n| --- |", "\n- [ ] ", "**", "`"} {
			if !strings.Contains(md, want) {
				t.Errorf("%s: no %q", p, want)
			}
		}
	}
	if depths[2] == 0 || depths[3] == 0 || len(depths) != 2 {
		t.Errorf("folder depths %v, want 2 and 3 levels", depths)
	}
	if avg := size / len(pages); avg < 3000 || avg > 5500 {
		t.Errorf("average page size %d bytes, want about 4 KB", avg)
	}
}

func TestGenerateReplacesOnlyItsOwnTrees(t *testing.T) {
	root := t.TempDir()

	foreign := filepath.Join(root, "foreign")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(foreign, "keep.md")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(foreign, Config{N: 5, Seed: 1}); err == nil {
		t.Error("Generate into a folder of someone else's files: no error")
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "mine" {
		t.Errorf("Generate touched a foreign file: %q, %v", b, err)
	}

	empty := filepath.Join(root, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Generate(empty, Config{N: 5, Seed: 1}); err != nil {
		t.Errorf("Generate into an empty folder: %v", err)
	}

	stale := filepath.Join(empty, "stale.md")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Generate(empty, Config{N: 5, Seed: 2}); err != nil {
		t.Fatalf("regenerate: %v", err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("regenerate kept a file of the old tree: %v", err)
	}
	if _, err := os.Stat(filepath.Join(empty, markerName)); err != nil {
		t.Errorf("regenerated tree has no marker: %v", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(root, ".bench-gen-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary folders left behind: %v", leftovers)
	}
}

func TestRelLink(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"a/b/x.md", "a/b/y.md", "y.md"},
		{"a/b/x.md", "a/c/y.md", "../c/y.md"},
		{"a/b/c/x.md", "d/e/y.md", "../../../d/e/y.md"},
		{"a/b/x.md", "a/b/net/y.md", "net/y.md"},
		{"README.md", "a/b/y.md", "a/b/y.md"},
	}
	for _, tt := range tests {
		if got := relLink(tt.from, tt.to); got != tt.want {
			t.Errorf("relLink(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}
