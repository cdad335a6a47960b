package publish_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type workflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		If          string            `yaml:"if"`
		Needs       any               `yaml:"needs"`
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestPagesWorkflow checks the GitHub Pages workflow that docs/publishing.md
// describes: check with annotations on pull requests, build and deploy the
// build's output folder on main.
func TestPagesWorkflow(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, ".github/workflows/pages.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("pages.yml: %v", err)
	}
	push, _ := wf.On["push"].(map[string]any)
	branches, _ := push["branches"].([]any)
	if _, ok := wf.On["pull_request"]; !ok || !slices.Contains(branches, any("main")) {
		t.Errorf("pages.yml must run on pull requests and on pushes to main")
	}
	var checked, built, uploaded, deployed bool
	for name, job := range wf.Jobs {
		onPR := strings.Contains(job.If, "== 'pull_request'")
		for _, s := range job.Steps {
			run := strings.Join(strings.Fields(s.Run), " ")
			switch {
			case strings.Contains(run, "go run ./cmd/runbooks check") && strings.Contains(run, "--format github"):
				checked = onPR
			case strings.Contains(run, "go run ./cmd/runbooks build"):
				if strings.Contains(run, "--out") {
					t.Errorf("job %s: build with the default --out, the folder the upload step names", name)
				}
				built = !onPR && strings.Contains(run, "--base-url")
			case strings.HasPrefix(s.Uses, "actions/upload-pages-artifact@"):
				uploaded = s.With["path"] == "public"
			case strings.HasPrefix(s.Uses, "actions/deploy-pages@"):
				deployed = job.Needs != nil && job.Permissions["pages"] == "write" && job.Permissions["id-token"] == "write"
			}
		}
	}
	if !checked {
		t.Error("no `runbooks check --format github` job limited to pull requests")
	}
	if !built || !uploaded {
		t.Error("no job outside pull requests that builds with --base-url and uploads public/")
	}
	if !deployed {
		t.Error("no deploy-pages job after the build with pages: write and id-token: write")
	}
}
