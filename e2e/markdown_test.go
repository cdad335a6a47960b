package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/internal/fixture"
	"github.com/chromedp/chromedp"
)

// markdownSite is a site with what authors write beyond plain Markdown:
// GitHub alerts, raw HTML, and Mermaid diagrams, one of them broken.
var markdownSite = map[string]string{
	"README.md": "# Runbooks\n\nSee [callouts](callouts.md), [the diagram](diagram.md) and [a broken one](broken-diagram.md).\n",
	"callouts.md": "# Callouts\n\n" +
		"> [!NOTE]\n> Useful information.\n\n" +
		"> [!TIP]\n> Helpful advice.\n\n" +
		"> [!IMPORTANT]\n> Key information.\n\n" +
		"> [!WARNING]\n> Urgent information.\n\n" +
		"> [!CAUTION]\n> Risky step ahead.\n\n" +
		"<details>\n<summary>More</summary>\n\nHidden text.\n\n</details>\n",
	"diagram.md":        "# Failover\n\n```mermaid\nflowchart LR\n  Alert[Alert fires] --> Check{Primary up?}\n  Check -->|yes| Done[Close]\n  Check -->|no| Failover[Promote replica]\n```\n",
	"broken-diagram.md": "# Broken\n\n```mermaid\nflowchart LR\n  A --> (((\n```\n",
}

// TestCallouts checks that the five GitHub alerts are boxes of five
// different colours, each with its icon and title, in the light and the
// dark scheme, and that the dark ones are dark.
func TestCallouts(t *testing.T) {
	browserCtx := startBrowser(t)
	origin := serve(t, buildSite(t, fixture.Tree(t, markdownSite)))
	backgrounds := map[string][]string{}
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			tb := openTab(t, browserCtx, origin)
			tb.colorScheme(scheme)
			tb.open("/callouts/")
			var boxes []struct {
				Kind, Title, Border, Title_color, Background string
				Icon                                         float64
			}
			tb.eval(`[...document.querySelectorAll(".callout")].map(c => {
				const s = getComputedStyle(c), title = c.querySelector(".callout-title");
				return {Kind: c.className, Title: title.textContent, Border: s.borderLeftColor,
					Title_color: getComputedStyle(title).color, Background: s.backgroundColor,
					Icon: title.querySelector("svg").getBoundingClientRect().width};
			})`, &boxes)
			want := []string{"Note", "Tip", "Important", "Warning", "Caution"}
			if len(boxes) != len(want) {
				t.Fatalf("%d callouts, want %d", len(boxes), len(want))
			}
			seen := map[string]bool{}
			for i, b := range boxes {
				if b.Title != want[i] {
					t.Errorf("callout %d is titled %q, want %q", i, b.Title, want[i])
				}
				if b.Icon < 12 {
					t.Errorf("%s: icon is %.0fpx wide", b.Title, b.Icon)
				}
				if b.Border != b.Title_color {
					t.Errorf("%s: title colour %s differs from its border %s", b.Title, b.Title_color, b.Border)
				}
				if seen[b.Border] {
					t.Errorf("%s: border %s is another callout's too", b.Title, b.Border)
				}
				seen[b.Border] = true
				backgrounds[scheme] = append(backgrounds[scheme], b.Background)
			}
			// The page's own background: dark callouts sit on a dark page.
			bg := tb.str(`getComputedStyle(document.body).backgroundColor`)
			if dark := luminance(bg) < 0.5; dark != (scheme == "dark") {
				t.Errorf("page background %s in the %s scheme", bg, scheme)
			}
			for i, c := range backgrounds[scheme] {
				if dark := luminance(c) < 0.5; dark != (scheme == "dark") {
					t.Errorf("%s: background %s in the %s scheme", want[i], c, scheme)
				}
			}
			if !tb.truth(`document.querySelector(".content details > summary").textContent === "More"`) {
				t.Errorf("the raw <details> is not on the page")
			}
		})
	}
}

// luminance returns the brightness of a CSS rgb() colour, 0 to 1.
func luminance(rgb string) float64 {
	var r, g, b float64
	s := strings.NewReplacer("rgba(", "", "rgb(", "", ")", "", ",", " ").Replace(rgb)
	f := strings.Fields(s)
	if len(f) < 3 {
		return -1
	}
	for i, p := range []*float64{&r, &g, &b} {
		var v float64
		for _, c := range f[i] {
			if c >= '0' && c <= '9' {
				v = v*10 + float64(c-'0')
			}
		}
		*p = v
	}
	return (0.2126*r + 0.7152*g + 0.0722*b) / 255
}

// TestMermaidDiagrams checks that a flowchart is drawn as SVG under the
// site's strict Content-Security-Policy without a console error, that a
// broken diagram shows its error in the page, that the source is what
// readers without JavaScript get, and that pages without a diagram load
// no Mermaid code.
func TestMermaidDiagrams(t *testing.T) {
	browserCtx := startBrowser(t)
	origin := serve(t, buildSite(t, fixture.Tree(t, markdownSite)))

	t.Run("a flowchart is drawn", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/diagram/")
		tb.wait(`document.querySelector(".diagram.is-drawn, .diagram.has-error")`)
		if msg := tb.str(`(document.querySelector(".diagram-error") || {}).textContent || ""`); msg != "" {
			t.Fatalf("the diagram was not drawn: %s", msg)
		}
		var labels []string
		tb.eval(`[...document.querySelectorAll(".diagram-svg svg .node")].map(n => n.textContent.trim())`, &labels)
		for _, want := range []string{"Alert fires", "Primary up?", "Close", "Promote replica"} {
			if !strings.Contains(strings.Join(labels, "|"), want) {
				t.Errorf("diagram nodes %q lack %q", labels, want)
			}
		}
		if w := tb.num(`document.querySelector(".diagram-svg svg").getBoundingClientRect().width`); w < 200 {
			t.Errorf("the diagram is %.0fpx wide", w)
		}
		// mermaid's CSS reached the SVG: node shapes are filled, not black.
		fill := tb.str(`getComputedStyle(document.querySelector(".diagram-svg svg .node rect, .diagram-svg svg .node polygon")).fill`)
		if fill == "" || fill == "rgb(0, 0, 0)" || fill == "none" {
			t.Errorf("node fill = %q: the diagram's styles were not applied", fill)
		}
		if tb.truth(`getComputedStyle(document.querySelector(".diagram-source")).display !== "none"`) {
			t.Errorf("the source is still shown under the drawn diagram")
		}
		tb.media("print")
		if tb.truth(`getComputedStyle(document.querySelector(".diagram-source")).display === "none"`) {
			t.Errorf("the source is not printed")
		}
		tb.media("screen")
		// The page loaded mermaid from its own origin.
		var scripts []string
		tb.eval(`[...document.scripts].map(s => s.src)`, &scripts)
		if !strings.Contains(strings.Join(scripts, " "), origin+"/assets/vendor/mermaid.min.") {
			t.Errorf("scripts %q: mermaid not loaded from the site", scripts)
		}
	})

	t.Run("a broken diagram shows its error", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.open("/broken-diagram/")
		tb.wait(`document.querySelector(".diagram.is-drawn, .diagram.has-error")`)
		msg := tb.str(`(document.querySelector(".diagram-error") || {}).textContent || ""`)
		if !strings.Contains(msg, "could not be drawn") || !strings.Contains(strings.ToLower(msg), "error") {
			t.Errorf("error shown = %q", msg)
		}
		if tb.truth(`getComputedStyle(document.querySelector(".diagram-source")).display === "none"`) {
			t.Errorf("the source of the broken diagram is hidden")
		}
	})

	t.Run("without JavaScript the source is shown", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		tb.disableScripts()
		tb.do(chromedp.Navigate(origin + "/diagram/"))
		tb.wait(`document.readyState === "complete"`)
		if !tb.truth(`document.querySelector(".diagram-source").offsetHeight > 0 && document.querySelector(".diagram-source").textContent.includes("Promote replica")`) {
			t.Errorf("the diagram's source is not shown")
		}
	})

	t.Run("pages without a diagram load no Mermaid code", func(t *testing.T) {
		tb := openTab(t, browserCtx, origin)
		for _, path := range []string{"/", "/callouts/"} {
			tb.open(path)
			var loaded []string
			tb.eval(`performance.getEntriesByType("resource").map(e => e.name).filter(n => /mermaid|diagrams\./.test(n))`, &loaded)
			if len(loaded) > 0 || tb.truth(`window.mermaid`) {
				t.Errorf("%s loaded %q", path, loaded)
			}
		}
	})
}

// folderSite is a tree of plain documentation pages in three folders, two
// of them with a page titled KubeAPIDown.
var folderSite = map[string]string{
	"README.md":               "# Docs\n",
	"k8s/README.md":           "# Kubernetes\n",
	"k8s/kube-api-down.md":    "# KubeAPIDown\n\nThe API server of the main cluster.\n",
	"k8s/etcd.md":             "---\nweight: 1\n---\n# Etcd\n",
	"legacy/README.md":        "# Legacy cluster\n",
	"legacy/kube-api-down.md": "# KubeAPIDown\n\nThe API server of the old cluster.\n",
	"legacy/nodes.md":         "# Nodes\n",
	"tools/grafana.md":        "# Grafana\n",
	"tools/prometheus.md":     "# Prometheus\n",
}

// TestFolderNavigation reads a three-folder tree through its navigation:
// the current folder is open, another opens with its pages filled in from
// the shared file, and the two KubeAPIDown pages can be told apart and
// reached.
func TestFolderNavigation(t *testing.T) {
	browserCtx := startBrowser(t)
	origin := serve(t, buildSite(t, fixture.Tree(t, folderSite)))
	tb := openTab(t, browserCtx, origin)
	tb.open("/k8s/kube-api-down/")

	var folders []struct{ Title, Open string }
	tb.eval(`[...document.querySelectorAll(".nav-folder details")].map(d => ({Title: d.querySelector(".nav-folder-name").textContent, Open: String(d.open)}))`, &folders)
	if fmt.Sprint(folders) != "[{Kubernetes true} {Legacy cluster false} {tools false}]" {
		t.Errorf("folders = %v", folders)
	}
	var open []string
	tb.eval(`[...document.querySelectorAll(".nav-folder details[open] li a")].map(a => a.textContent)`, &open)
	if fmt.Sprint(open) != "[Kubernetes Etcd KubeAPIDown k8s/kube-api-down]" {
		t.Errorf("the open folder lists %q", open)
	}
	if got := tb.str(`document.querySelector('.site-nav a[aria-current="page"]').textContent`); got != "KubeAPIDown k8s/kube-api-down" {
		t.Errorf("current page link = %q", got)
	}

	// Open the legacy folder: its pages come from nav.json.
	tb.eval(`(() => { const d = document.querySelector('.nav-folder details[data-folder="legacy"]'); d.querySelector("summary").click(); return d.open; })()`, nil)
	tb.wait(`document.querySelector('.nav-folder details[data-folder="legacy"]').getAttribute("data-filled") === "true"`)
	var legacy []string
	tb.eval(`[...document.querySelectorAll('.nav-folder details[data-folder="legacy"] li a')].map(a => a.textContent + " -> " + a.getAttribute("href"))`, &legacy)
	want := "[Legacy cluster -> ../../legacy/index.html KubeAPIDown legacy/kube-api-down -> ../../legacy/kube-api-down/index.html Nodes -> ../../legacy/nodes/index.html]"
	if fmt.Sprint(legacy) != want {
		t.Errorf("the legacy folder lists\n%q\nwant\n%s", legacy, want)
	}
	// Follow the other KubeAPIDown: it is a different page.
	tb.follow(`[...document.querySelectorAll('.nav-folder details[data-folder="legacy"] li a')][1]`)
	if !tb.truth(`location.pathname === "/legacy/kube-api-down/" && document.querySelector("main").textContent.includes("old cluster")`) {
		t.Errorf("following the legacy KubeAPIDown led to %s", tb.str(`location.pathname`))
	}
	if !tb.truth(`document.querySelector('.nav-folder details[data-folder="legacy"]').open && document.querySelector('.nav-folder details[data-folder="k8s"]').open === false`) {
		t.Errorf("on the legacy page its folder is not the open one")
	}

	// Without JavaScript a closed folder's one link leads to its index.
	js := openTab(t, browserCtx, origin)
	js.disableScripts()
	js.do(chromedp.Navigate(origin + "/k8s/etcd/"))
	js.wait(`document.readyState === "complete"`)
	if got := js.str(`document.querySelector('.nav-folder details[data-folder="legacy"] .nav-fill a').getAttribute("href")`); got != "../../legacy/index.html" {
		t.Errorf("without JavaScript the legacy folder leads to %q", got)
	}
}
