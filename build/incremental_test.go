package build

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/diag"
)

// incTree writes files (slash path → content; "" content removes the file)
// under dir, removals first.
func incTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if files[name] == "" {
			if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		content := files[name]
		p := filepath.Join(dir, filepath.FromSlash(name))
		if content == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var incBase = map[string]string{
	"README.md":        "# Runbooks\n\nSee [pool](db/pool.md) and [guide](guide).\n",
	"db/pool.md":       "---\ntitle: Pool exhausted\ntype: incident\nseverity: SEV1\n---\n\n## Steps\n\n```bash\npsql -c 'select 1'\n```\n\nBack to [the index](../README.md).\n",
	"db/replica.md":    "# Replica lag\n\nSee [pool](pool.md#steps).\n",
	"ops/deploy.md":    "# Deploy\n\nRead [the replica page](../db/replica.md).\n",
	"ops/diagram.svg":  "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
	"guide":            "a plain file named guide\n",
	".git/HEAD":        "ref: refs/heads/main\n",
	"notes/scratch.md": "# Scratch\n",
}

// TestUpdateMatchesParse edits a tree the ways an author does and checks
// that Update gives the site a full Parse gives, reusing the pages that did
// not change.
func TestUpdateMatchesParse(t *testing.T) {
	tests := []struct {
		name    string
		edit    map[string]string
		changed []string
		reused  []string // pages whose *page.Page must be reused
		source  bool     // the result has source errors
	}{
		{
			name:    "body edited",
			edit:    map[string]string{"db/replica.md": "# Replica lag\n\nNew text, see [pool](pool.md#steps).\n"},
			changed: []string{"db/replica.md"},
			reused:  []string{"README.md", "db/pool.md", "ops/deploy.md"},
		},
		{
			name:    "title and severity changed",
			edit:    map[string]string{"db/pool.md": "---\ntitle: Pool drained\ntype: incident\nseverity: SEV2\n---\n\n## Steps\n"},
			changed: []string{"db/pool.md"},
			reused:  []string{"README.md", "db/replica.md"},
		},
		{
			name:    "linked page deleted",
			edit:    map[string]string{"db/replica.md": ""},
			changed: []string{"db/replica.md"},
			reused:  []string{"README.md", "db/pool.md", "ops/deploy.md"},
		},
		{
			name:    "page renamed",
			edit:    map[string]string{"db/replica.md": "", "db/replica-lag.md": "# Replica lag\n\nSee [pool](pool.md#steps).\n"},
			changed: []string{"db/replica.md", "db/replica-lag.md"},
			reused:  []string{"README.md", "db/pool.md", "ops/deploy.md"},
		},
		{
			name:    "new folder with a page",
			edit:    map[string]string{"cache/redis.md": "# Redis\n\n[deploy](../ops/deploy.md)\n"},
			changed: []string{"cache"},
			reused:  []string{"README.md", "db/pool.md", "db/replica.md", "ops/deploy.md"},
		},
		{
			name: "a link's target becomes a folder",
			edit: map[string]string{"guide": "", "guide/README.md": "# Guide\n"},
			// The index links to "guide": its href now ends in a slash.
			changed: []string{"guide"},
			reused:  []string{"db/pool.md", "db/replica.md", "ops/deploy.md"},
		},
		{
			name:    "folder removed",
			edit:    map[string]string{"ops": ""},
			changed: []string{"ops"},
			reused:  []string{"README.md", "db/pool.md", "db/replica.md"},
		},
		{
			name:    "asset added",
			edit:    map[string]string{"db/graph.png": "png"},
			changed: []string{"db/graph.png"},
			reused:  []string{"README.md", "db/pool.md", "db/replica.md", "ops/deploy.md"},
		},
		{
			name:    "editor temp files and dot-files only",
			edit:    map[string]string{".git/index": "x", "db/.pool.md.swp": "x"},
			changed: []string{".git/index", "db/.pool.md.swp", "db/4913", "db/pool.md~"},
			reused:  []string{"README.md", "db/pool.md", "db/replica.md", "ops/deploy.md", "notes/scratch.md"},
		},
		{
			name:    "invalid UTF-8",
			edit:    map[string]string{"db/replica.md": "# Replica \xff lag\n"},
			changed: []string{"db/replica.md"},
			reused:  []string{"README.md", "db/pool.md"},
			source:  true,
		},
		{
			name:    "front matter never closed",
			edit:    map[string]string{"ops/deploy.md": "---\ntitle: Deploy\n\n# Deploy\n"},
			changed: []string{"ops/deploy.md"},
			reused:  []string{"README.md", "db/pool.md", "db/replica.md"},
			source:  true,
		},
	}
	ctx := context.Background()
	cfg := Config{Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			incTree(t, dir, incBase)
			fsys := os.DirFS(dir)
			prev, err := Parse(ctx, fsys, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if errs := prev.SourceErrors(); len(errs) > 0 {
				t.Fatalf("the base tree has source errors: %v", errs)
			}
			incTree(t, dir, tt.edit)
			got, err := Update(ctx, prev, fsys, cfg, tt.changed)
			if err != nil {
				t.Fatal(err)
			}
			want, err := Parse(ctx, fsys, cfg)
			if err != nil {
				t.Fatal(err)
			}
			sameSite(t, got, want)
			for _, path := range tt.reused {
				if pageAt(got, path) == nil || pageAt(got, path) != pageAt(prev, path) {
					t.Errorf("%s was parsed again; want the unchanged page reused", path)
				}
			}
			for _, path := range tt.changed {
				if p := pageAt(got, path); p != nil && p == pageAt(prev, path) {
					t.Errorf("%s changed but its old page was kept", path)
				}
			}
			if errs := got.SourceErrors(); (len(errs) > 0) != tt.source {
				t.Errorf("SourceErrors() = %v, want errors: %v", errs, tt.source)
			}
		})
	}
}

// TestUpdateChained applies edits one after another, as a preview does,
// and checks the result against a fresh parse after each.
func TestUpdateChained(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	incTree(t, dir, incBase)
	fsys := os.DirFS(dir)
	site, err := Parse(ctx, fsys, cfg)
	if err != nil {
		t.Fatal(err)
	}
	steps := []map[string]string{
		{"db/pool.md": "---\ntitle: Pool\n---\n\n# Broken [link](nowhere.md)\n"},
		{"db/pool.md": "---\ntitle: [unclosed\n---\n"},
		{"db/pool.md": "---\ntitle: Pool\n---\n\nFixed.\n"},
		{"db/replica.md": "", "db/lag.md": "# Lag\n"},
		{"README.md": "# Home\n\n[lag](db/lag.md)\n"},
	}
	for i, step := range steps {
		incTree(t, dir, step)
		var changed []string
		for p := range step {
			changed = append(changed, p)
		}
		if site, err = Update(ctx, site, fsys, cfg, changed); err != nil {
			t.Fatal(err)
		}
		want, err := Parse(ctx, fsys, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("step %d: %d problems", i, len(want.Problems))
		sameSite(t, site, want)
	}
}

func pageAt(s *Site, path string) any {
	for _, p := range s.Pages {
		if p.Path == path {
			return p
		}
	}
	return nil
}

// sameSite fails unless two sites have the same pages, tree, title and
// problems.
func sameSite(t *testing.T, got, want *Site) {
	t.Helper()
	if !reflect.DeepEqual(got.Tree, want.Tree) {
		t.Errorf("tree:\n got %+v\nwant %+v", got.Tree, want.Tree)
	}
	if got.Title != want.Title {
		t.Errorf("title = %q, want %q", got.Title, want.Title)
	}
	if len(got.Pages) != len(want.Pages) {
		t.Fatalf("%d pages, want %d", len(got.Pages), len(want.Pages))
	}
	for i := range got.Pages {
		if !reflect.DeepEqual(*got.Pages[i], *want.Pages[i]) {
			t.Errorf("page %s:\n got %+v\nwant %+v", want.Pages[i].Path, *got.Pages[i], *want.Pages[i])
		}
	}
	if !reflect.DeepEqual(problemText(got.Problems), problemText(want.Problems)) {
		t.Errorf("problems:\n got %q\nwant %q", problemText(got.Problems), problemText(want.Problems))
	}
}

func problemText(ps []diag.Problem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return out
}
