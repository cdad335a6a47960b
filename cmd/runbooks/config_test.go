package main

import (
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/config"
	"github.com/arcaapi/runbooks/internal/fixture"
)

// TestHelpConfigListsEveryKey: runbooks help config names every key with
// its default.
func TestHelpConfigListsEveryKey(t *testing.T) {
	code, out, _ := runCheckCmd(t, nil, "help", "config")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, k := range config.Keys {
		if !strings.Contains(out, "  "+k.Name+" ") || !strings.Contains(out, "("+k.Default+")") {
			t.Errorf("help config does not list %s (%s)", k.Name, k.Default)
		}
	}
}

// TestSummarySaysHowManyWereLowered: the summary line counts the problems
// the configuration lowered, and --strict still fails on the warnings.
func TestSummarySaysHowManyWereLowered(t *testing.T) {
	src := fixture.Tree(t, map[string]string{
		"runbooks.toml": "[rules]\nbroken-link = \"warning\"\n",
		"README.md":     "# Home\n\n[a](a.md) [b](b.md)\n",
	})
	code, out, _ := runCheckCmd(t, nil, "check", "--src", src)
	if code != 0 || !strings.Contains(out, "0 errors, 2 warnings in 1 file; 2 lowered by configuration") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	if code, _, _ := runCheckCmd(t, nil, "check", "--strict", "--src", src); code != exitContent {
		t.Errorf("check --strict with lowered warnings: exit %d, want %d", code, exitContent)
	}
	code, _, errOut := runCheckCmd(t, nil, "build", "--no-cache", "--src", src, "--out", t.TempDir()+"/public")
	if code != 0 || !strings.Contains(errOut, "2 lowered by configuration") {
		t.Errorf("build: exit %d\n%s", code, errOut)
	}
}

// TestMissingSourceNamesTheFlag: run where there is no runbooks/ folder,
// the message says which flag to pass.
func TestMissingSourceNamesTheFlag(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, cmd := range []string{"check", "build"} {
		code, _, errOut := runCheckCmd(t, nil, cmd)
		if code != exitUsage || !strings.Contains(errOut, "no runbooks/ folder here; pass --src DIR (see runbooks help build)") {
			t.Errorf("%s: exit %d, %q", cmd, code, errOut)
		}
	}
}
