package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// problems returns the problems of loading src as text.
func problems(t *testing.T, src string) (Config, []string) {
	t.Helper()
	c, ps := Load("runbooks.toml", []byte(src))
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return c, out
}

func TestDefaults(t *testing.T) {
	c, ps := problems(t, "")
	if len(ps) > 0 {
		t.Fatalf("empty file: %v", ps)
	}
	if c.HeadingIDs != "github" || c.URLs != "preserve" || c.AlertsFrom != "metadata" || c.Static != "static" || c.Title != "" || len(c.Exclude) > 0 || len(c.Rules) > 0 ||
		!c.Offline || c.TickExpiry != 0 {
		t.Errorf("defaults = %+v", c)
	}
	for _, alias := range []string{"critical", "warning", "info"} {
		if c.Severity[alias] == "" {
			t.Errorf("severity alias %q missing by default", alias)
		}
	}
}

func TestEveryKey(t *testing.T) {
	src := `title = "Platform Runbooks"
base_url = "https://runbooks.example.com/"
edit_url = "https://github.com/org/repo/edit/main/"
exclude = ["CONTRIBUTING.md", "vendor/**"]
heading_ids = "gitlab"
urls = "lower"
alerts_from = "filename"
static = "assets/"
publish_html = ["tools"]
offline = false
checklist_expiry = "36h"

[rules]
broken-link = "warning"
review-overdue = "off"

[severity]
P1 = "SEV1"
p2 = "sev2"
`
	c, ps := problems(t, src)
	if len(ps) > 0 {
		t.Fatalf("problems: %v", ps)
	}
	want := Config{
		Title: "Platform Runbooks", BaseURL: "https://runbooks.example.com/", EditURL: "https://github.com/org/repo/edit/main/",
		Exclude: []string{"CONTRIBUTING.md", "vendor/**"}, HeadingIDs: "gitlab", URLs: "lower", AlertsFrom: "filename",
		Static: "assets", PublishHTML: []string{"tools"},
	}
	if c.Title != want.Title || c.BaseURL != want.BaseURL || c.EditURL != want.EditURL || !slices.Equal(c.Exclude, want.Exclude) ||
		c.HeadingIDs != want.HeadingIDs || c.URLs != want.URLs || c.AlertsFrom != want.AlertsFrom || c.Static != want.Static ||
		!slices.Equal(c.PublishHTML, want.PublishHTML) {
		t.Errorf("got %+v\nwant %+v", c, want)
	}
	if c.Offline || c.TickExpiry != 36*time.Hour {
		t.Errorf("offline = %v, checklist_expiry = %v", c.Offline, c.TickExpiry)
	}
	if c.Rules["broken-link"] != Warning || c.Rules["review-overdue"] != Off {
		t.Errorf("rules = %v", c.Rules)
	}
	if c.Severity["p1"] != "SEV1" || c.Severity["p2"] != "SEV2" || c.Severity["critical"] != "SEV1" {
		t.Errorf("severity = %v", c.Severity)
	}
	if !c.Excluded("vendor/a/b.md") || !c.Excluded("CONTRIBUTING.md") || c.Excluded("docs/CONTRIBUTING.md") || c.Excluded("db.md") {
		t.Error("exclude globs do not match as doublestar does")
	}
	// Every key of the help is in this test's file.
	for _, k := range Keys {
		if k.Name != "rules" && k.Name != "severity" && !strings.Contains(src, "\n"+k.Name+" = ") && !strings.HasPrefix(src, k.Name+" = ") {
			t.Errorf("key %s is not tested", k.Name)
		}
	}
}

func TestUnknownKeysArePositioned(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"title = \"x\"\n\nexlude = [\"a\"]\n", `runbooks.toml:3:1: error: unknown key "exlude" (did you mean "exclude"?) [config]`},
		{"# comment\n  base-url = \"x\"\n", `runbooks.toml:2:3: error: unknown key "base-url" (did you mean "base_url"?) [config]`},
		{"[rules]\nbroken-link = \"warning\"\n\n[sevirity]\nP1 = \"SEV1\"\n", `runbooks.toml:4:1: error: unknown key "sevirity" (did you mean "severity"?) [config]`},
		{"title = \"a\"\nfrobnicate = true\n", `runbooks.toml:2:1: error: unknown key "frobnicate" [config]`},
		{"[rules]\nbroken-lnk = \"off\"\n", `runbooks.toml:2:1: error: unknown rule "broken-lnk" (did you mean "broken-link"?) [config]`},
		{"[rules]\n\"broken-link\" = \"loud\"\n", `runbooks.toml:2:1: error: rules.broken-link = "loud": use "error", "warning" or "off" [config]`},
		{"[severity]\nP1 = \"SEV9\"\n", `runbooks.toml:2:1: error: severity.P1 = "SEV9": use "SEV1", "SEV2" or "SEV3" [config]`},
		{"\nurls = \"upper\"\n", `runbooks.toml:2:1: error: urls = "upper": use "preserve" or "lower" [config]`},
		{"heading_ids = \"bitbucket\"\n", `runbooks.toml:1:1: error: heading_ids = "bitbucket": use "github" or "gitlab" [config]`},
		{"alerts_from = \"dirname\"\n", `runbooks.toml:1:1: error: alerts_from = "dirname": use "metadata" or "filename" [config]`},
		{"\nchecklist_expiry = \"a day\"\n", `runbooks.toml:2:1: error: checklist_expiry = "a day": use a duration of a minute or more, such as "24h" or "90m" [config]`},
		{"checklist_expiry = \"-1h\"\n", `runbooks.toml:1:1: error: checklist_expiry = "-1h": use a duration of a minute or more, such as "24h" or "90m" [config]`},
		{"exclude = [\n  \"a\",\n  \"b[\",\n]\n", `runbooks.toml:1:1: error: exclude: "b[" is not a valid glob [config]`},
		{"static = \"../etc\"\n", `runbooks.toml:1:1: error: static: "../etc" must be a folder inside the source folder [config]`},
		{"title = \"x\"\ntitle = \"y\"\n", `runbooks.toml:2:`},
		{"title = 3\n", `runbooks.toml:1:1: error: invalid TOML: `},
		{"rules.broken-link = \"off\"\nrules.nope = \"off\"\n", `runbooks.toml:2:1: error: unknown rule "nope" [config]`},
	} {
		_, ps := problems(t, tc.src)
		if len(ps) != 1 || !strings.HasPrefix(ps[0], tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, ps, tc.want)
		}
	}
}

// TestUnknownTableOnce: the keys of an unknown table are one problem, not
// one each.
func TestUnknownTableOnce(t *testing.T) {
	_, ps := problems(t, "[params]\na = 1\nb = 2\n")
	if len(ps) != 1 || !strings.Contains(ps[0], `unknown key "params"`) {
		t.Errorf("got %q", ps)
	}
}

// ruleLiteral finds the rule ids the code gives problems: diag.Errorf and
// diag.Warnf's fourth argument, Rule: fields, and the link checks'
// broken and warn helpers.
var ruleLiteral = regexp.MustCompile(`(?:diag\.(?:Errorf|Warnf)\([^"\n]*?, "|Rule:\s+"|\.(?:broken|warn)\(")([a-z0-9-]+)"`)

// TestEveryRuleIsKnown keeps ruleIDs complete, so that every rule a
// problem names can be set in [rules].
func TestEveryRuleIsKnown(t *testing.T) {
	root := filepath.Join("..", "..")
	found := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && (d.Name() == "testdata" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range ruleLiteral.FindAllStringSubmatch(string(data), -1) {
			found[m[1]] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 10 {
		t.Fatalf("found only %d rules: the pattern no longer matches how problems are made", len(found))
	}
	for id, file := range found {
		if !KnownRule(id) {
			t.Errorf("%s gives problems of rule %q: add it to ruleIDs in build/config/rules.go", file, id)
		}
	}
	if !slices.IsSorted(ruleIDs) {
		t.Error("ruleIDs is not sorted")
	}
}
