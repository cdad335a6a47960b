package build_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"golang.org/x/tools/txtar"
)

// TestCheckAgreesWithBuild: for every tree of testdata/integration, check
// reports exactly the problems build does, and build fails exactly when
// check finds an error. The trees shaped like existing repositories build
// with their runbooks.toml and no edit to a page.
func TestCheckAgreesWithBuild(t *testing.T) {
	mustBuild := map[string]bool{"openshift-alerts": true, "hugo-site": true, "docs-repo": true}
	archives, err := filepath.Glob(filepath.Join("testdata", "integration", "*.txtar"))
	if err != nil || len(archives) == 0 {
		t.Fatalf("no archives (%v)", err)
	}
	for _, name := range archives {
		base := strings.TrimSuffix(filepath.Base(name), ".txtar")
		t.Run(base, func(t *testing.T) {
			ar, err := txtar.ParseFile(name)
			if err != nil {
				t.Fatal(err)
			}
			src := filepath.Join(t.TempDir(), "src")
			for _, f := range ar.Files {
				p, ok := strings.CutPrefix(f.Name, "src/")
				if !ok {
					continue
				}
				file := filepath.Join(src, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cfg := build.Config{Src: src, Now: buildDate, NoCache: true}
			for line := range strings.Lines(string(ar.Comment)) {
				if v, ok := strings.CutPrefix(strings.TrimSpace(line), "base_url:"); ok {
					cfg.BaseURL = strings.TrimSpace(v)
				}
			}
			checked, err := build.Check(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Out = filepath.Join(filepath.Dir(src), "public")
			built, err := build.Build(context.Background(), cfg)
			if err != nil && !errors.Is(err, build.ErrContent) {
				t.Fatal(err)
			}
			if a, b := problemList(checked.Problems), problemList(built.Problems); a != b {
				t.Errorf("check and build disagree:\ncheck:\n%s\nbuild:\n%s", a, b)
			}
			if (checked.Errors() > 0) != (err != nil) {
				t.Errorf("check found %d errors; build: %v", checked.Errors(), err)
			}
			if mustBuild[base] && err != nil {
				t.Errorf("the repository does not build with its runbooks.toml: %v\n%s", err, problemList(built.Problems))
			}
		})
	}
}
