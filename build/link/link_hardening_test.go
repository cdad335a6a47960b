package link_test

import (
	"testing"

	"github.com/arcaapi/runbooks/build/link"
)

func TestOddNamesResolveAndEscape(t *testing.T) {
	rel, _ := link.NewBase("")
	abs, _ := link.NewBase("https://example.com/ops/")
	for _, c := range []struct {
		from, dest string
		path       string // resolved source path
		to         string // site path of the target
		relHref    string // href from the page of from, without a base URL
		absHref    string // with one
	}{
		{"README.md", "a%20b.md", "a b.md", "a b/", "a%20b/index.html", "/ops/a%20b/"},
		{"README.md", "a b.md", "a b.md", "a b/", "a%20b/index.html", "/ops/a%20b/"},
		{"README.md", "%C3%B1and%C3%BA.md", "ñandú.md", "ñandú/", "%C3%B1and%C3%BA/index.html", "/ops/%C3%B1and%C3%BA/"},
		{"README.md", "c%23sharp.md", "c#sharp.md", "c#sharp/", "c%23sharp/index.html", "/ops/c%23sharp/"},
		{"README.md", "what%3F.md", "what?.md", "what?/", "what%3F/index.html", "/ops/what%3F/"},
		{"README.md", "100%25.md", "100%.md", "100%/", "100%25/index.html", "/ops/100%25/"},
		{"README.md", "./db:migrate.md", "db:migrate.md", "db:migrate/", "./db:migrate/index.html", "/ops/db:migrate/"},
		{"README.md", "img/a%20b%231.png", "img/a b#1.png", "img/a b#1.png", "img/a%20b%231.png", "/ops/img/a%20b%231.png"},
		{"db/pool.md", "../x:y.md", "x:y.md", "x:y/", "../../x:y/index.html", "/ops/x:y/"},
		{"README.md", "%6Aavascript:alert(1)", "javascript:alert(1)", "javascript:alert(1)", "./javascript:alert%281%29", "/ops/javascript:alert%281%29"},
	} {
		tg := link.Resolve(c.from, c.dest)
		if tg.External || tg.Escapes || tg.Path != c.path {
			t.Errorf("Resolve(%q, %q) = %+v, want path %q", c.from, c.dest, tg, c.path)
			continue
		}
		from := "" // README.md
		if c.from == "db/pool.md" {
			from = "db/pool/"
		}
		if got := rel.Href(from, c.to); got != c.relHref {
			t.Errorf("Href(%q, %q) = %q, want %q", from, c.to, got, c.relHref)
		}
		if got := abs.Href(from, c.to); got != c.absHref {
			t.Errorf("with a base URL, Href(%q, %q) = %q, want %q", from, c.to, got, c.absHref)
		}
	}
}

func TestScriptDestinationsAreExternal(t *testing.T) {
	for _, dest := range []string{
		"javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:msgbox(1)", "data:text/html,x",
		"//evil.example/x", "javascript:alert(1)#frag", "javascript:alert(1)?q",
	} {
		tg := link.Resolve("README.md", dest)
		if !tg.External {
			t.Errorf("Resolve(%q) = %+v, want an external link (left as written for the renderer to drop)", dest, tg)
		}
	}
	for _, dest := range []string{"../../etc/passwd", "..%2f..%2fsecret", "sub/../../../x"} {
		if tg := link.Resolve("db/pool.md", dest); !tg.Escapes {
			t.Errorf("Resolve(%q) = %+v, want Escapes", dest, tg)
		}
	}
}
