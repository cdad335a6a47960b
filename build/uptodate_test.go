package build_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/internal/fixture"
)

// TestAnUpToDateOutputIsNotBuiltAgain builds a tree, then builds it again
// after each change: only when nothing the output depends on changed may
// the build skip rendering, and the output must then be what a build
// without any cache gives, with the same problems reported.
func TestAnUpToDateOutputIsNotBuiltAgain(t *testing.T) {
	base := build.Config{Now: buildDate, BaseURL: "https://runbooks.example.com/"}
	for _, c := range []struct {
		name     string
		change   func(t *testing.T, cfg *build.Config) // between the two builds; nil changes nothing
		upToDate bool
	}{
		{"nothing changed", nil, true},
		{"a page edited", func(t *testing.T, cfg *build.Config) {
			fixture.Write(t, cfg.Src, map[string]string{"cache.md": runbook("Cache Full", "SEV2", "Platform", "2026-11-20")})
		}, false},
		{"an image changed", func(t *testing.T, cfg *build.Config) {
			fixture.Write(t, cfg.Src, map[string]string{"img/flow.png": "another png"})
		}, false},
		{"a page added", func(t *testing.T, cfg *build.Config) {
			fixture.Write(t, cfg.Src, map[string]string{"new.md": "# New\n"})
		}, false},
		{"a dot-file added, which no build reads", func(t *testing.T, cfg *build.Config) {
			fixture.Write(t, cfg.Src, map[string]string{".notes": "scratch"})
		}, true},
		{"the next day", func(t *testing.T, cfg *build.Config) { cfg.Now = cfg.Now.Add(24 * time.Hour) }, false},
		{"a later hour of the same day", func(t *testing.T, cfg *build.Config) { cfg.Now = cfg.Now.Add(time.Hour) }, true},
		{"another base URL", func(t *testing.T, cfg *build.Config) { cfg.BaseURL = "https://ops.example.com/" }, false},
		{"another edit URL", func(t *testing.T, cfg *build.Config) { cfg.EditURL = "https://git.example.com/edit/" }, false},
		{"a theme file edited", func(t *testing.T, cfg *build.Config) {
			fixture.Write(t, cfg.Theme, map[string]string{"assets/extra.css": "h1{color:red}"})
		}, false},
		{"an output page edited by hand", func(t *testing.T, cfg *build.Config) {
			fixture.Write(t, cfg.Out, map[string]string{"cache/index.html": "edited"})
		}, false},
		{"a file added to the output", func(t *testing.T, cfg *build.Config) {
			fixture.Write(t, cfg.Out, map[string]string{"notes.txt": "mine"})
		}, false},
		{"the output removed", func(t *testing.T, cfg *build.Config) { os.RemoveAll(cfg.Out) }, false},
		{"the cache turned off", func(t *testing.T, cfg *build.Config) { cfg.NoCache = true }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := base
			cfg.Src, cfg.Theme = fixture.Tree(t, tree), fixture.Tree(t, map[string]string{"assets/extra.css": "h1{}"})
			cfg.Out, cfg.CacheDir = filepath.Join(t.TempDir(), "public"), t.TempDir()
			first, err := build.Build(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if first.UpToDate {
				t.Fatal("the first build reports the output up to date")
			}
			if c.change != nil {
				c.change(t, &cfg)
			}
			res, err := build.Build(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.UpToDate != c.upToDate {
				t.Errorf("up to date: %v, want %v", res.UpToDate, c.upToDate)
			}
			fresh := cfg
			fresh.Out, fresh.NoCache = filepath.Join(t.TempDir(), "fresh"), true
			want, err := build.Build(context.Background(), fresh)
			if err != nil {
				t.Fatal(err)
			}
			if !equal(snapshot(t, cfg.Out), snapshot(t, fresh.Out)) {
				t.Error("the output differs from a build without the cache")
			}
			if g, w := problemLines(res), problemLines(want); g != w {
				t.Errorf("problems\n%s\nwant\n%s", g, w)
			}
			if res.Pages != want.Pages || res.Files != want.Files {
				t.Errorf("%d pages, %d files; want %d, %d", res.Pages, res.Files, want.Pages, want.Files)
			}
		})
	}
}
