// Command scale summarises the runs of `bench/compare.sh -scale`: it reads
// the scale.tsv the script writes (one line a timed run), prints the
// medians as Markdown tables, and draws wall and CPU time per page and
// peak memory against the number of pages as an SVG image:
//
//	go run ./bench/scale [-svg scale.svg] [-before old.tsv] scale.tsv
//
// With -before, an earlier run's file (another binary, the same trees) is
// drawn dashed beside this one, and its figures are printed too.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "scale:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	svgPath := fs.String("svg", "", "write the plot to this file")
	beforePath := fs.String("before", "", "an earlier run's scale.tsv, drawn dashed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("usage: scale [-svg FILE] [-before FILE] scale.tsv")
	}
	now, err := readFile(fs.Arg(0))
	if err != nil {
		return err
	}
	var before []run1
	if *beforePath != "" {
		if before, err = readFile(*beforePath); err != nil {
			return err
		}
	}
	cur := summarise(now)
	var prev summary
	if before != nil {
		prev = summarise(before)
		fmt.Fprintln(stdout, "before ("+*beforePath+"):")
		fmt.Fprintln(stdout)
		writeTables(stdout, prev)
		fmt.Fprintln(stdout, "now:")
		fmt.Fprintln(stdout)
	}
	writeTables(stdout, cur)
	if *svgPath != "" {
		f, err := os.Create(*svgPath)
		if err != nil {
			return err
		}
		writeSVG(f, cur, prev)
		if err := f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", *svgPath, err)
		}
	}
	return nil
}

// run1 is one timed run: one line of scale.tsv.
type run1 struct {
	pages      int
	tool, kind string // "runbooks" or "hugo"; "cold" or "warm"
	wall       float64
	user, sys  float64
	rssKB      float64
	files      int
	folders    int
}

func readFile(path string) ([]run1, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	runs, err := parse(f)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	return runs, nil
}

// parse reads scale.tsv: a header line, then pages, tool, kind, wall,
// user and system seconds, peak RSS in KB, files and folders, tab-separated.
func parse(r io.Reader) ([]run1, error) {
	var runs []run1
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		f := strings.Split(sc.Text(), "\t")
		if line == 1 && len(f) > 0 && f[0] == "pages" {
			continue
		}
		if len(f) != 9 {
			return nil, fmt.Errorf("%d: %d fields, want 9", line, len(f))
		}
		var n [9]float64
		for i, s := range f {
			if i == 1 || i == 2 {
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%d: field %d: %w", line, i+1, err)
			}
			n[i] = v
		}
		runs = append(runs, run1{pages: int(n[0]), tool: f[1], kind: f[2], wall: n[3], user: n[4], sys: n[5],
			rssKB: n[6], files: int(n[7]), folders: int(n[8])})
	}
	return runs, sc.Err()
}

// key names one series of runs: a tool's cold or warm builds of one size.
type key struct {
	pages      int
	tool, kind string
}

// stat is the medians of one series.
type stat struct {
	runs                 int
	wall, user, sys, cpu float64
	rssMiB               float64
	files, folders       int
	walls                []float64 // every run's wall time, in order
}

// summary holds the medians of every series, and the sizes in order.
type summary struct {
	stats map[key]stat
	sizes []int
}

func (s summary) get(pages int, tool, kind string) (stat, bool) {
	st, ok := s.stats[key{pages, tool, kind}]
	return st, ok
}

func summarise(runs []run1) summary {
	groups := map[key][]run1{}
	var sizes []int
	for _, r := range runs {
		k := key{r.pages, r.tool, r.kind}
		groups[k] = append(groups[k], r)
		if !slices.Contains(sizes, r.pages) {
			sizes = append(sizes, r.pages)
		}
	}
	slices.Sort(sizes)
	s := summary{stats: map[key]stat{}, sizes: sizes}
	for k, rs := range groups {
		pick := func(f func(run1) float64) float64 {
			v := make([]float64, len(rs))
			for i, r := range rs {
				v[i] = f(r)
			}
			return median(v)
		}
		st := stat{
			runs:    len(rs),
			wall:    pick(func(r run1) float64 { return r.wall }),
			user:    pick(func(r run1) float64 { return r.user }),
			sys:     pick(func(r run1) float64 { return r.sys }),
			cpu:     pick(func(r run1) float64 { return r.user + r.sys }),
			rssMiB:  pick(func(r run1) float64 { return r.rssKB / 1024 }),
			files:   int(pick(func(r run1) float64 { return float64(r.files) })),
			folders: int(pick(func(r run1) float64 { return float64(r.folders) })),
		}
		for _, r := range rs {
			st.walls = append(st.walls, r.wall)
		}
		s.stats[k] = st
	}
	return s
}

// median returns the middle value, or the mean of the two middle values.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	v = slices.Clone(v)
	slices.Sort(v)
	m := len(v) / 2
	if len(v)%2 == 1 {
		return v[m]
	}
	return (v[m-1] + v[m]) / 2
}
