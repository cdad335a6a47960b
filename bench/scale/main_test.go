package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// runs is a scale.tsv as compare.sh writes it: three pairs at 10,000
// pages, one at 30,000, and a run of runbooks alone at 100,000.
const runs = `pages	tool	kind	wall_s	user_s	sys_s	maxrss_kb	files	folders
10000	runbooks	cold	9.00	10.00	3.00	921600	30654	25000
10000	runbooks	warm	0.80	0.90	0.10	61440	30654	25000
10000	hugo	cold	18.00	30.00	4.00	1843200	10102	10050
10000	hugo	warm	17.00	29.00	4.00	1843200	10102	10050
10000	runbooks	cold	8.00	10.50	3.50	931840	30654	25000
10000	runbooks	warm	0.70	0.80	0.10	61440	30654	25000
10000	hugo	cold	20.00	31.00	4.00	1853440	10102	10050
10000	hugo	warm	17.50	29.00	4.00	1843200	10102	10050
10000	runbooks	cold	8.50	9.50	3.20	911360	30654	25000
10000	runbooks	warm	0.90	1.00	0.10	61440	30654	25000
10000	hugo	cold	17.00	29.00	4.00	1863680	10102	10050
10000	hugo	warm	18.00	30.00	4.00	1843200	10102	10050
30000	runbooks	cold	51.00	66.00	25.00	1471488	90000	90312
30000	hugo	cold	55.00	72.00	8.00	5302272	30102	30050
100000	runbooks	cold	300.00	400.00	60.00	5302272	300000	300050
`

func TestTables(t *testing.T) {
	rs, err := parse(strings.NewReader(runs))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	writeTables(&out, summarise(rs))
	got := out.String()
	for _, want := range []string{
		"| 10,000 pages, medians of 3 | runbooks | Hugo | ratio |",
		"| cold build, wall s | 8.50 | 18.00 | 0.47× |",
		"| peak RSS MiB | 900 | 1810 | 0.50× |",
		"| warm build (nothing changed), wall s | 0.80 | 17.50 | 0.05× (0.04× of Hugo's cold) |",
		"| output files | 30,654 | 10,102 | 3.03× |",
		"| every cold run, wall s | 9.00, 8.00, 8.50 | 18.00, 20.00, 17.00 | |",
		"| 30,000 pages, medians of 1 |",
		"| 100,000 | 3.00 | 4.60 | 5178 |  |  |  |  |",
		// 51 s for 30,000 pages against 8.5 s for 10,000: twice the time a page.
		"runbooks: wall per page at 30,000 pages is 2.00× that at 10,000",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("tables lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "| 100,000 pages") {
		t.Errorf("a size Hugo did not build has a comparison table:\n%s", got)
	}
}

func TestParseErrorNamesLine(t *testing.T) {
	_, err := parse(strings.NewReader("pages\ttool\n10000\trunbooks\tcold\t1\t1\t1\t1\t1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "2: ") {
		t.Errorf("err = %v, want one naming line 2", err)
	}
	_, err = parse(strings.NewReader("10000\trunbooks\tcold\tx\t1\t1\t1\t1\t1\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "1: field 4") {
		t.Errorf("err = %v, want one naming line 1, field 4", err)
	}
}

func TestSVG(t *testing.T) {
	dir := t.TempDir()
	tsv := filepath.Join(dir, "scale.tsv")
	if err := os.WriteFile(tsv, []byte(runs), 0o644); err != nil {
		t.Fatal(err)
	}
	svg := filepath.Join(dir, "scale.svg")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-svg", svg, "-before", tsv, tsv}, &stdout, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	b, err := os.ReadFile(svg)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if !strings.HasPrefix(got, `<svg xmlns="http://www.w3.org/2000/svg"`) || !strings.HasSuffix(got, "</svg>\n") {
		t.Errorf("not an SVG document:\n%s", got)
	}
	// Three panels, each with runbooks and Hugo, now and before (dashed).
	if n := strings.Count(got, "<polyline points=") - 3; n != 12 { // less each panel's axes
		t.Errorf("%d data lines, want 12", n)
	}
	if n := strings.Count(got, `stroke-width="2" stroke-dasharray="6 4" opacity`); n != 6 {
		t.Errorf("%d dashed data lines, want 6", n)
	}
	for _, want := range []string{"wall time per page", "CPU time per page", ">4.60<", "peak RSS", ">0.85<", ">3.00<", ">5178<", "runbooks (before)", ">100k<"} {
		if !strings.Contains(got, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if !strings.Contains(stdout.String(), "before (") {
		t.Errorf("-before figures not printed:\n%s", stdout.String())
	}
}

func TestTicks(t *testing.T) {
	for _, tc := range []struct {
		max  float64
		want []float64
	}{
		{100000, []float64{0, 20000, 40000, 60000, 80000, 100000}},
		{30001, []float64{0, 10000, 20000, 30000, 40000}},
		{1.83, []float64{0, 0.5, 1, 1.5, 2}},
		{0, []float64{0, 1}},
	} {
		if got := ticks(tc.max); !slices.Equal(got, tc.want) {
			t.Errorf("ticks(%v) = %v, want %v", tc.max, got, tc.want)
		}
	}
}
