package scaffold_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/scaffold"
)

func TestFileName(t *testing.T) {
	for _, c := range []struct{ title, want string }{
		{"ARCA API Down", "arca-api-down.md"},
		{"Redis: Out of Memory!", "redis-out-of-memory.md"},
		{"  Café – setup  ", "café-setup.md"},
		{"snake_case title", "snake-case-title.md"},
		{"!!!", ""},
	} {
		if got := scaffold.FileName(c.title); got != c.want {
			t.Errorf("FileName(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}

func TestExtractNeedsTheMarkdownBlock(t *testing.T) {
	src := "# T\n\n```bash\necho no\n```\n\n````markdown\n# {{title}}\n\n```bash\necho yes\n```\n````\n\nafter\n"
	got := scaffold.Extract([]byte(src))
	want := "# {{title}}\n\n```bash\necho yes\n```\n"
	if len(got) != 1 || got[0] != want {
		t.Errorf("Extract = %q, want [%q] (the inner ``` fence must not close the ```` block)", got, want)
	}
	if got := scaffold.Extract([]byte("````markdown\nnever closed\n")); len(got) != 0 {
		t.Errorf("an unclosed block was accepted: %q", got)
	}
}

// TestRepoTemplate scaffolds into a copy of the repository's own runbooks
// and checks the result the way CI does: a new runbook must start with no
// errors, only the content left to write.
func TestRepoTemplate(t *testing.T) {
	for _, req := range []scaffold.Request{
		{Title: "Queue Consumer Stalled", Severity: "sev2", Owner: "Platform Team"},
		{Title: "Rotate Database Credentials", Type: page.Maintenance},
	} {
		dir := t.TempDir()
		if err := os.CopyFS(dir, os.DirFS("../../runbooks")); err != nil {
			t.Fatal(err)
		}
		req.Date = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
		path, err := scaffold.Create(dir, req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		for _, want := range []string{"title: " + req.Title, "last_updated: 2026-11-28", "# Runbook: " + req.Title} {
			if !strings.Contains(string(data), want) {
				t.Errorf("%s lacks %q", filepath.Base(path), want)
			}
		}
		if strings.Contains(string(data), "{{") {
			t.Errorf("%s keeps a placeholder:\n%s", filepath.Base(path), data)
		}
		res, err := build.Check(context.Background(), build.Config{Src: dir, Now: req.Date})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Problems {
			if p.Severity == diag.Error && filepath.Join(dir, p.File) == path {
				t.Errorf("scaffolded runbook has an error: %s", p)
			}
		}
		if _, err := scaffold.Create(dir, req); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("second Create = %v, want an already-exists error", err)
		}
	}
}

func TestCreateValidates(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		req  scaffold.Request
		want string
	}{
		{scaffold.Request{Title: "X"}, "needs --severity"},
		{scaffold.Request{Title: "X", Severity: "SEV4"}, "unknown severity"},
		{scaffold.Request{Title: "X", Severity: "SEV1", Type: "planned"}, "unknown type"},
		{scaffold.Request{Title: " ", Severity: "SEV1"}, "title is required"},
	} {
		if _, err := scaffold.Create(dir, c.req); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Create(%+v) = %v, want error containing %q", c.req, err, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("invalid requests left files: %v", entries)
	}
}
