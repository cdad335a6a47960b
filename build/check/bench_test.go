package check_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/check"
	"github.com/arcaapi/runbooks/build/page"
)

// syntheticSite returns a site of n pages in folders of 100, each with six
// links: to a page in another folder with an anchor, to a page in the same
// folder, to a same-page anchor, to a folder, an image and an external URL.
func syntheticSite(n int) check.Input {
	in := check.Input{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), Dirs: []string{""}}
	name := func(i int) (dir, file string) {
		dir = fmt.Sprintf("team-%03d", i/100)
		return dir, fmt.Sprintf("%s/runbook-%05d.md", dir, i)
	}
	for i := range n {
		dir, file := name(i)
		if i%100 == 0 {
			in.Dirs = append(in.Dirs, dir)
			in.Assets = append(in.Assets, dir+"/diagram.png")
			file = dir + "/README.md"
		}
		_, other := name((i + 357) % n)
		if (i+357)%n%100 == 0 {
			other = dirOf(other) + "/README.md"
		}
		p := &page.Page{
			Path: file,
			URL:  page.URLOf(file),
			Meta: page.Meta{Title: file},
			Refs: []page.Ref{
				{Kind: page.Link, Dest: "../" + other + "#step-2-identify-root-cause", Line: 10, Col: 1},
				{Kind: page.Link, Dest: "README.md", Line: 11, Col: 1},
				{Kind: page.Link, Dest: "#verification", Line: 12, Col: 1},
				{Kind: page.Link, Dest: "../team-000/", Line: 13, Col: 1},
				{Kind: page.Image, Dest: "diagram.png", Line: 14, Col: 1},
				{Kind: page.AutoLink, Dest: "https://grafana.example.com/d/api", Line: 15, Col: 1},
			},
		}
		for j, h := range []string{"Symptoms", "Diagnosis", "Step 2: Identify Root Cause", "Resolution", "Verification"} {
			id := []string{"symptoms", "diagnosis", "step-2-identify-root-cause", "resolution", "verification"}[j]
			p.Headings = append(p.Headings, page.Heading{Level: 2, Text: h, ID: id, Line: 20 + j})
			p.IDs = append(p.IDs, id)
		}
		slices.Sort(p.IDs)
		in.Pages = append(in.Pages, p)
	}
	return in
}

func dirOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i]
		}
	}
	return ""
}

// BenchmarkCheck checks a 10,000-page site with 60,000 links, all valid.
func BenchmarkCheck(b *testing.B) {
	in := syntheticSite(10000)
	if probs := check.Run(in); len(probs) != 0 {
		b.Fatalf("the synthetic site has problems: %v", probs[:min(3, len(probs))])
	}
	b.ReportAllocs()
	for b.Loop() {
		check.Run(in)
	}
}
