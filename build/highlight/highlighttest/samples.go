// Package highlighttest implements the code samples the highlighter's
// tests and benchmarks lex: chroma's own lexer test corpus, and the fenced
// code blocks of a tree of Markdown, by language.
package highlighttest

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// ChromaCorpus reads chroma's lexer test corpus, in the module cache the
// build already uses, by the lexer each sample was written for:
// lexers/testdata/NAME.actual and lexers/testdata/NAME/*.actual.
func ChromaCorpus(tb testing.TB) map[string][]string {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/alecthomas/chroma/v2").Output()
	if err != nil {
		tb.Fatalf("locating chroma's module: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "lexers", "testdata")
	samples := map[string][]string{}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".actual" {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name, _, _ := strings.Cut(strings.TrimSuffix(rel, ".actual"), string(filepath.Separator))
		name, _, _ = strings.Cut(name, ".")
		data, err := os.ReadFile(p)
		samples[strings.ToLower(name)] = append(samples[strings.ToLower(name)], string(data))
		return err
	})
	if err != nil {
		tb.Fatalf("chroma's test corpus: %v", err)
	}
	if len(samples) < 100 {
		tb.Fatalf("chroma's test corpus in %s has samples of %d lexers", dir, len(samples))
	}
	return samples
}

var fenced = regexp.MustCompile("(?ms)^```([a-z]+)\n(.*?)^```$")

// FencedBlocks adds the fenced code blocks of the Markdown under dir to
// samples, by their language.
func FencedBlocks(tb testing.TB, dir string, samples map[string][]string) {
	tb.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".md" {
			return err
		}
		data, err := os.ReadFile(p)
		for _, m := range fenced.FindAllStringSubmatch(string(data), -1) {
			samples[m[1]] = append(samples[m[1]], m[2])
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}
