package slug

import (
	"encoding/json"
	"os"
	"testing"
)

// TestGitHubFixtures runs GitHub's own heading-id cases, in page order, as
// one document.
func TestGitHubFixtures(t *testing.T) {
	data, err := os.ReadFile("testdata/github-slugs.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Cases []struct {
			Heading string `json:"heading"`
			ID      string `json:"id"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Cases) < 40 {
		t.Fatalf("fixture has %d cases, want the full set", len(fx.Cases))
	}
	var s Slugger
	for _, c := range fx.Cases {
		if got := s.Slug(c.Heading); got != c.ID {
			t.Errorf("Slug(%q) = %q, want %q", c.Heading, got, c.ID)
		}
	}
}

func TestReserve(t *testing.T) {
	var s Slugger
	if !s.Reserve("notes") {
		t.Fatal("first Reserve of notes reported taken")
	}
	if got := s.Slug("Notes"); got != "notes-1" {
		t.Errorf("heading after explicit id notes got %q, want notes-1", got)
	}
	if s.Reserve("notes") {
		t.Error("second Reserve of notes reported free")
	}
}

func TestGitLab(t *testing.T) {
	for in, want := range map[string]string{
		"Retries + Fails":          "retries-fails",
		"Step 01 - Do this":        "step-01-do-this",
		"This -- is --- a test":    "this-is-a-test",
		"Step 1: Verify the Issue": "step-1-verify-the-issue",
		"snake_case stays":         "snake_case-stays",
		"Ünïcödé letters":          "ünïcödé-letters",
	} {
		if got := MakeGitLab(in); got != want {
			t.Errorf("MakeGitLab(%q) = %q, want %q", in, got, want)
		}
	}
	s := Slugger{GitLab: true}
	if a, b := s.Slug("A + B"), s.Slug("A - B"); a != "a-b" || b != "a-b-1" {
		t.Errorf("repeats: %q, %q", a, b)
	}
}
