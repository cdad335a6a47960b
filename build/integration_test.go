package build_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/integration/*.txtar from the build's output")

// TestIntegration builds each tree of testdata/integration and compares
// what a user sees with the archive's want/ sections. An archive holds:
//
//   - in its comment, options, one per line: "base_url: https://x/ops/";
//   - src/<path>: the source tree;
//   - want/problems: the problems, as `runbooks check` prints them;
//   - want/files: the published files, one per line (the theme's assets
//     left out: their names carry a hash of their content);
//   - want/<output file>: the <main> element of a page, or a whole file
//     that is not a page (_redirects, runbooks.json, an alias's
//     redirecting page).
//
// After a deliberate change to the output, run
//
//	go test ./build -run TestIntegration -update
//
// and review the diff of the archives.
func TestIntegration(t *testing.T) {
	archives, err := filepath.Glob(filepath.Join("testdata", "integration", "*.txtar"))
	if err != nil || len(archives) == 0 {
		t.Fatalf("no archives in testdata/integration (%v)", err)
	}
	for _, name := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(name), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(name)
			if err != nil {
				t.Fatal(err)
			}
			got := buildArchive(t, ar)
			changed := false
			for i, f := range ar.Files {
				want, ok := strings.CutPrefix(f.Name, "want/")
				if !ok {
					continue
				}
				g, ok := got[want]
				if !ok {
					t.Errorf("%s: the build made no %s", name, want)
					continue
				}
				if string(f.Data) != g {
					if *update {
						ar.Files[i].Data, changed = []byte(g), true
						continue
					}
					t.Errorf("%s: %s differs (go test ./build -run TestIntegration -update rewrites it):\n--- want\n%s\n--- got\n%s", name, f.Name, f.Data, g)
				}
			}
			if changed {
				if err := os.WriteFile(name, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// buildArchive builds the src/ tree of ar with the options of its comment
// and returns what its want/ sections can name: "problems", "files" and
// the <main> element of each page, by output file name.
func buildArchive(t *testing.T, ar *txtar.Archive) map[string]string {
	t.Helper()
	cfg := build.Config{Now: buildDate, NoCache: true}
	for line := range strings.Lines(string(ar.Comment)) {
		key, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		switch key = strings.TrimSpace(key); {
		case !ok || strings.HasPrefix(key, "#"):
		case key == "base_url":
			cfg.BaseURL = strings.TrimSpace(value)
		}
	}
	dir := t.TempDir()
	cfg.Src, cfg.Out = filepath.Join(dir, "src"), filepath.Join(dir, "public")
	if err := os.MkdirAll(cfg.Src, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		p, ok := strings.CutPrefix(f.Name, "src/")
		if !ok {
			continue
		}
		file := filepath.Join(cfg.Src, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]string{}
	res, err := build.Build(context.Background(), cfg)
	if err != nil && !errors.Is(err, build.ErrContent) {
		t.Fatalf("build: %v", err)
	}
	var probs bytes.Buffer
	if err := diag.Write(&probs, diag.Text, "src", res.Problems, res.Pages); err != nil {
		t.Fatal(err)
	}
	got["problems"] = probs.String()
	if err != nil {
		return got // nothing was written
	}
	var files []string
	err = filepath.WalkDir(cfg.Out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(cfg.Out, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "assets/") || strings.HasPrefix(rel, ".") {
			return nil
		}
		files = append(files, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if main := mainElement(string(data)); main != "" && strings.HasSuffix(rel, ".html") {
			got[rel] = main + "\n"
		} else {
			got[rel] = string(data)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	got["files"] = strings.Join(files, "\n") + "\n"
	return got
}

// mainElement returns the <main> element of a page, or "".
func mainElement(html string) string {
	i := strings.Index(html, "<main")
	j := strings.LastIndex(html, "</main>")
	if i < 0 || j < i {
		return ""
	}
	return html[i : j+len("</main>")]
}
