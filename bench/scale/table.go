package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// writeTables prints, for every size both tools built, the cold and warm
// builds side by side with their ratio; then how time per page and peak
// memory grow with the number of pages.
func writeTables(w io.Writer, s summary) {
	for _, n := range s.sizes {
		ours, ok := s.get(n, "runbooks", "cold")
		if !ok {
			continue
		}
		hugo, hasHugo := s.get(n, "hugo", "cold")
		warm, hasWarm := s.get(n, "runbooks", "warm")
		hugoWarm, hasHugoWarm := s.get(n, "hugo", "warm")
		if !hasHugo {
			continue // runbooks alone: the table of all sizes below has it
		}
		fmt.Fprintf(w, "| %s pages, medians of %d | runbooks | Hugo | ratio |\n", thousands(n), ours.runs)
		fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
		row := func(name string, a, b float64, format string) {
			fmt.Fprintf(w, "| %s | "+format+" | "+format+" | %s |\n", name, a, b, ratio(a, b))
		}
		row("cold build, wall s", ours.wall, hugo.wall, "%.2f")
		row("user CPU s", ours.user, hugo.user, "%.2f")
		row("system CPU s", ours.sys, hugo.sys, "%.2f")
		row("peak RSS MiB", ours.rssMiB, hugo.rssMiB, "%.0f")
		if hasWarm && hasHugoWarm {
			fmt.Fprintf(w, "| warm build (nothing changed), wall s | %.2f | %.2f | %s (%s of Hugo's cold) |\n",
				warm.wall, hugoWarm.wall, ratio(warm.wall, hugoWarm.wall), ratio(warm.wall, hugo.wall))
			row("warm build, peak RSS MiB", warm.rssMiB, hugoWarm.rssMiB, "%.0f")
		}
		fmt.Fprintf(w, "| output files | %s | %s | %s |\n", thousands(ours.files), thousands(hugo.files),
			ratio(float64(ours.files), float64(hugo.files)))
		fmt.Fprintf(w, "| output folders | %s | %s | %s |\n", thousands(ours.folders), thousands(hugo.folders),
			ratio(float64(ours.folders), float64(hugo.folders)))
		fmt.Fprintf(w, "| every cold run, wall s | %s | %s | |\n", list(ours.walls), list(hugo.walls))
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "| pages | runbooks cold: wall ms/page | CPU ms/page | peak RSS MiB | warm wall s | Hugo cold: wall ms/page | CPU ms/page | peak RSS MiB |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, n := range s.sizes {
		cells := []string{thousands(n)}
		if st, ok := s.get(n, "runbooks", "cold"); ok {
			cells = append(cells, perPage(st.wall, n), perPage(st.cpu, n), fmt.Sprintf("%.0f", st.rssMiB))
		} else {
			cells = append(cells, "", "", "")
		}
		if st, ok := s.get(n, "runbooks", "warm"); ok {
			cells = append(cells, fmt.Sprintf("%.2f", st.wall))
		} else {
			cells = append(cells, "")
		}
		if st, ok := s.get(n, "hugo", "cold"); ok {
			cells = append(cells, perPage(st.wall, n), perPage(st.cpu, n), fmt.Sprintf("%.0f", st.rssMiB))
		} else {
			cells = append(cells, "", "", "")
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
	for _, tool := range []string{"runbooks", "hugo"} {
		if g, ok := growth(s, tool); ok {
			fmt.Fprintf(w, "%s: wall per page at %s pages is %.2f× that at %s, CPU per page %.2f×\n",
				tool, thousands(g.to), g.wall, thousands(g.from), g.cpu)
		}
	}
	fmt.Fprintln(w)
}

// change compares the cold builds of two sizes, per page.
type change struct {
	from, to  int
	wall, cpu float64 // per-page figure at to over the one at from
}

// growth compares a tool's cold builds at the smallest and largest sizes
// both tools built (all sizes when Hugo built none).
func growth(s summary, tool string) (change, bool) {
	var sizes []int
	for _, n := range s.sizes {
		_, ours := s.get(n, "runbooks", "cold")
		_, hugo := s.get(n, "hugo", "cold")
		if ours && hugo {
			sizes = append(sizes, n)
		}
	}
	if len(sizes) < 2 {
		sizes = sizes[:0]
		for _, n := range s.sizes {
			if _, ok := s.get(n, tool, "cold"); ok {
				sizes = append(sizes, n)
			}
		}
	}
	if len(sizes) < 2 {
		return change{}, false
	}
	from, to := sizes[0], sizes[len(sizes)-1]
	a, okA := s.get(from, tool, "cold")
	b, okB := s.get(to, tool, "cold")
	if !okA || !okB || a.wall == 0 || a.cpu == 0 {
		return change{}, false
	}
	return change{
		from: from, to: to,
		wall: (b.wall / float64(to)) / (a.wall / float64(from)),
		cpu:  (b.cpu / float64(to)) / (a.cpu / float64(from)),
	}, true
}

func perPage(seconds float64, pages int) string {
	return fmt.Sprintf("%.2f", seconds*1000/float64(pages))
}

func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

func list(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(s, ", ")
}

// thousands formats n with commas: 30,001.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
