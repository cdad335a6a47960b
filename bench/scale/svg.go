package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// point is one median on a plot.
type point struct{ x, y float64 }

// series is one line of a panel: a tool's cold builds in one run.
type series struct {
	label  string
	color  string
	dashed bool
	points []point
}

// panel is one chart: a measure against the number of pages.
type panel struct {
	title  string
	format string // of the value written beside each point
	series []series
}

var toolColor = map[string]string{"runbooks": "#1f6fb4", "hugo": "#e8710a"}

// panels turns the medians of cold builds into three charts against
// pages: wall time per page, CPU time (user and system, all cores) per
// page, and peak memory; prev, when it has runs, is drawn dashed. CPU time
// is the measure a busy machine disturbs least.
func panels(cur, prev summary) []panel {
	type measure struct {
		title, format string
		value         func(st stat, pages int) float64
	}
	measures := []measure{
		{"cold build: wall time per page (ms)", "%.2f", func(st stat, n int) float64 { return st.wall * 1000 / float64(n) }},
		{"cold build: CPU time per page (ms)", "%.2f", func(st stat, n int) float64 { return st.cpu * 1000 / float64(n) }},
		{"cold build: peak RSS (MiB)", "%.0f", func(st stat, _ int) float64 { return st.rssMiB }},
	}
	var out []panel
	for _, m := range measures {
		p := panel{title: m.title, format: m.format}
		add := func(s summary, suffix string, dashed bool) {
			for _, tool := range []string{"runbooks", "hugo"} {
				sr := series{label: map[string]string{"runbooks": "runbooks", "hugo": "Hugo"}[tool] + suffix,
					color: toolColor[tool], dashed: dashed}
				for _, n := range s.sizes {
					if st, ok := s.get(n, tool, "cold"); ok {
						sr.points = append(sr.points, point{float64(n), m.value(st, n)})
					}
				}
				if len(sr.points) > 0 {
					p.series = append(p.series, sr)
				}
			}
		}
		if prev.stats != nil {
			add(prev, " (before)", true)
		}
		add(cur, "", false)
		out = append(out, p)
	}
	return out
}

// writeSVG draws the panels side by side, with a shared legend below.
func writeSVG(w io.Writer, cur, prev summary) {
	const (
		width, height      = 1260, 420
		panelW             = 420
		left, right        = 70, 30
		top, bottom        = 60, 340
		plotW              = panelW - left - right
		plotH              = bottom - top
		font               = `font-family="sans-serif"`
		legendY            = 385
		legendSwatch       = 28
		legendItemWidthMin = 150
	)
	ps := panels(cur, prev)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" %s font-size="12">`+"\n",
		width, height, width, height, font)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	maxX := 0.0
	for _, p := range ps {
		for _, s := range p.series {
			for _, pt := range s.points {
				maxX = math.Max(maxX, pt.x)
			}
		}
	}
	xTicks := ticks(maxX)
	xMax := xTicks[len(xTicks)-1]
	for i, p := range ps {
		x0 := float64(i*panelW + left)
		maxY := 0.0
		for _, s := range p.series {
			for _, pt := range s.points {
				maxY = math.Max(maxY, pt.y)
			}
		}
		yTicks := ticks(maxY)
		yMax := yTicks[len(yTicks)-1]
		px := func(x float64) float64 { return x0 + x/xMax*plotW }
		py := func(y float64) float64 { return bottom - y/yMax*plotH }
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="14" font-weight="bold">%s</text>`+"\n", x0, top-25, html.EscapeString(p.title))
		for _, t := range yTicks {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#dddddd"/>`+"\n", px(0), py(t), px(xMax), py(t))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", px(0)-6, py(t)+4, tickLabel(t))
		}
		for _, t := range xTicks {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#888888"/>`+"\n", px(t), bottom, px(t), bottom+5)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", px(t), bottom+18, tickLabel(t))
		}
		fmt.Fprintf(&b, `<polyline points="%.1f,%d %.1f,%d %.1f,%d" fill="none" stroke="#444444"/>`+"\n",
			px(0), top, px(0), bottom, px(xMax), bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">pages</text>`+"\n", px(xMax/2), bottom+34)
		for _, s := range p.series {
			dash := ""
			if s.dashed {
				dash = ` stroke-dasharray="6 4" opacity="0.7"`
			}
			var pts []string
			for _, pt := range s.points {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(pt.x), py(pt.y)))
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.color, dash)
			for _, pt := range s.points {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"%s/>`+"\n", px(pt.x), py(pt.y), s.color, dash)
				// Values near the right edge are written to the left of their point.
				lx, anchor := px(pt.x)+6, "start"
				if px(pt.x) > x0+plotW-50 {
					lx, anchor = px(pt.x)-6, "end"
				}
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s" text-anchor="%s">%s</text>`+"\n", lx, py(pt.y)-6, s.color, anchor, fmt.Sprintf(p.format, pt.y))
			}
		}
	}
	// The legend lists every series once, in the order of the first panel.
	if len(ps) > 0 {
		x := float64(left)
		for _, s := range ps[0].series {
			dash := ""
			if s.dashed {
				dash = ` stroke-dasharray="6 4"`
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s" stroke-width="2"%s/>`+"\n",
				x, legendY, x+legendSwatch, legendY, s.color, dash)
			fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", x+legendSwatch+6, legendY+4, html.EscapeString(s.label))
			x += math.Max(legendItemWidthMin, float64(legendSwatch+16+7*len(s.label)))
		}
	}
	b.WriteString("</svg>\n")
	io.WriteString(w, b.String())
}

// ticks returns evenly spaced round values from 0 to at least max: steps
// of 1, 2 or 5 times a power of ten, at most six of them.
func ticks(max float64) []float64 {
	if max <= 0 {
		return []float64{0, 1}
	}
	step := math.Pow(10, math.Floor(math.Log10(max/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if max/(step*m) <= 6 {
			step *= m
			break
		}
	}
	var t []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		t = append(t, v)
		if v >= max {
			return t
		}
	}
}

// tickLabel writes a tick value briefly: 30k for 30,000, 0.5 for 0.5.
func tickLabel(v float64) string {
	switch {
	case v >= 1000 && math.Mod(v, 1000) == 0:
		return fmt.Sprintf("%gk", v/1000)
	case v == math.Trunc(v):
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%g", math.Round(v*1000)/1000)
	}
}
