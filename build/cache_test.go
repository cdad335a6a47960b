package build_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/internal/fixture"
)

// TestCachedBuildsMatchFreshOnes builds a tree again and again with the
// persistent caches, changing it between builds, and compares every build
// with a build of the same tree without them: output and problems must be
// the same, and only pages whose parse can have changed may be parsed.
func TestCachedBuildsMatchFreshOnes(t *testing.T) {
	src := fixture.Tree(t, map[string]string{
		"README.md":          "# Runbooks\n\nSee [the API](api/down.md) and [the pool](db/pool.md#diagnosis).\n",
		"api/down.md":        runbook("API down", "SEV1", "team-api", "2026-11-01") + "\n```bash\ncurl -fsS https://api.example.com/health\n```\n",
		"db/pool.md":         runbook("Pool exhausted", "SEV2", "team-db", "2026-11-01") + "\nSee [the notes](notes) and [API down](../api/down.md).\n",
		"db/notes/readme.md": "# Notes\n",
	})
	cacheDir := t.TempDir()
	out := filepath.Join(t.TempDir(), "public")
	steps := []struct {
		name      string
		change    [][2]string // files to write, in order; "" removes one; "-out" removes the output
		cached    int         // pages expected from the cache
		unchanged bool        // the output folder is expected to be left as it was
		// blocks is how many code blocks are highlighted (or taken from
		// the block store): only those of the pages parsed, since a page
		// from the cache comes with its body, rendered.
		blocks int
	}{
		{"first build", nil, 0, false, 1},
		{"unchanged: the output is up to date, so nothing is parsed", nil, 0, true, 0},
		{"the output removed", [][2]string{{"-out", ""}}, 4, false, 0},
		{"a page edited without changing its output", [][2]string{{"db/notes/readme.md", "# Notes\n\n"}}, 3, true, 0},
		{"one page edited", [][2]string{{"api/down.md", runbook("API down", "SEV1", "team-api", "2026-11-20") + "\n```bash\ncurl -fsS https://api.example.com/ready\n```\n"}}, 3, false, 1},
		{"unchanged again", nil, 0, true, 0},
		{"a page added", [][2]string{{"api/slow.md", runbook("API slow", "SEV3", "team-api", "2026-11-01")}}, 4, false, 0},
		// db/notes becomes a file: the link "notes" in db/pool.md no
		// longer gets a trailing slash, so that page must be parsed again,
		// and the folder's index page is gone.
		{"a folder a link names becomes a file", [][2]string{{"db/notes/readme.md", ""}, {"db/notes", "plain notes"}}, 3, false, 0},
		{"a page removed", [][2]string{{"api/slow.md", ""}}, 3, false, 0},
	}
	for _, s := range steps {
		for _, c := range s.change {
			name, data := c[0], c[1]
			if name == "-out" {
				if err := os.RemoveAll(out); err != nil {
					t.Fatal(err)
				}
				continue
			}
			p := filepath.Join(src, filepath.FromSlash(name))
			if data == "" {
				if err := os.Remove(p); err != nil {
					t.Fatal(err)
				}
				os.Remove(filepath.Dir(p)) // the folder, once empty
				continue
			}
			fixture.Write(t, src, map[string]string{name: data})
		}
		cfg := build.Config{Src: src, Out: out, Now: buildDate, CacheDir: cacheDir}
		res, err := build.Build(context.Background(), cfg)
		if err != nil {
			t.Fatalf("%s: %v\n%s", s.name, err, problemLines(res))
		}
		fresh := filepath.Join(t.TempDir(), "fresh")
		want, err := build.Build(context.Background(), build.Config{Src: src, Out: fresh, Now: buildDate, NoCache: true})
		if err != nil {
			t.Fatalf("%s, without the cache: %v", s.name, err)
		}
		if got, w := snapshot(t, out), snapshot(t, fresh); !equal(got, w) {
			for name := range w {
				if got[name] != w[name] {
					t.Errorf("%s: %s differs from a build without the cache", s.name, name)
				}
			}
			t.Fatalf("%s: the output differs from a build without the cache", s.name)
		}
		if g, w := problemLines(res), problemLines(want); g != w {
			t.Errorf("%s: problems\n%s\nwant\n%s", s.name, g, w)
		}
		if res.Cached != s.cached {
			t.Errorf("%s: %d pages from the cache, want %d", s.name, res.Cached, s.cached)
		}
		if h := res.Highlight; h.Lexed+h.FromStore+h.Reused != s.blocks {
			t.Errorf("%s: %d code blocks highlighted, %d from the block store, %d repeats; want %d in all", s.name, h.Lexed, h.FromStore, h.Reused, s.blocks)
		}
		if res.Unchanged != s.unchanged {
			t.Errorf("%s: output left as it was: %v, want %v", s.name, res.Unchanged, s.unchanged)
		}
	}
}

func problemLines(r build.Result) string {
	var s string
	for _, p := range r.Problems {
		s += p.String() + "\n"
	}
	return s
}
