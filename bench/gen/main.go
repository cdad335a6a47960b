// Command gen writes a seeded, deterministic tree of synthetic incident
// runbooks for benchmarking site builds:
//
//	go run ./bench/gen -n 10000 -o /tmp/tree [-seed 1] [-repeat]
//
// Each page is about 4 KB of Markdown with YAML front matter, the usual
// runbook sections, 3 to 8 fenced code blocks, a table, a task list and at
// least six relative links (half with anchors) to other generated pages.
// With -repeat, code blocks come from a shared pool of 200, as commands
// repeat across a real tree; without it every block is distinct.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/arcaapi/runbooks/bench/gentree"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gen:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg gentree.Config
	fs.IntVar(&cfg.N, "n", 10000, "number of runbooks to write")
	out := fs.String("o", "", "output folder (created; replaced only if it holds an earlier generated tree)")
	fs.Int64Var(&cfg.Seed, "seed", 1, "random seed; the same seed writes the same bytes")
	fs.BoolVar(&cfg.Repeat, "repeat", false, "draw code blocks from a shared pool of 200")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("usage: gen [-n N] -o DIR [-seed S] [-repeat]")
	}
	start := time.Now()
	if err := gentree.Generate(*out, cfg); err != nil {
		return err
	}
	size, err := treeSize(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "wrote %d runbooks (%.1f MB) to %s in %s\n",
		cfg.N, float64(size)/1e6, *out, time.Since(start).Round(time.Millisecond))
	return nil
}

// treeSize adds up the sizes of the Markdown files under dir.
func treeSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".md" {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	return total, err
}
