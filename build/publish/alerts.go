package publish

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// RedirectsFile is the redirect rules file Netlify and Cloudflare Pages read.
const RedirectsFile = "_redirects"

// Alert is an alert name claimed by a page's alerts: metadata.
type Alert struct {
	Name string     // as the runbook writes it: "ArcaWsfeUnavailable"
	Slug string     // lowercase, as in its URL: "arcawsfeunavailable"
	Page *page.Page // the runbook the alert leads to
}

// URL returns the site path of the alert: "alerts/arcawsfeunavailable/".
func (a Alert) URL() string { return AlertURL(a.Name) }

// AlertURL returns the site path of an alert name. Names are matched
// ignoring case and written in lowercase.
func AlertURL(name string) string { return "alerts/" + strings.ToLower(name) + "/" }

// ValidAlertName reports whether name can be used as a URL path segment as
// it is: letters, digits, "_", "." and "-", not starting with ".".
func ValidAlertName(name string) bool {
	if name == "" || name[0] == '.' {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '.', c == '-':
		default:
			return false
		}
	}
	return true
}

// claims returns the alerts of the pages, sorted by slug, each claimed by
// the first page (in path order) that names it, and the problems: invalid
// names, alerts claimed twice, and pages that would be overwritten by an
// alert's fallback page.
func claims(pages []*page.Page) ([]Alert, []diag.Problem) {
	var probs []diag.Problem
	bySlug := map[string]Alert{}
	for _, p := range pages {
		for i, name := range p.Meta.Alerts {
			at := p.Meta.AlertAt(i)
			if !ValidAlertName(name) {
				probs = append(probs, diag.Errorf(p.Path, at.Line, at.Col, "alert-name",
					"alert name %q cannot be part of a URL: use letters, digits, \"_\", \".\" and \"-\", not starting with \".\"", name))
				continue
			}
			slug := strings.ToLower(name)
			first, ok := bySlug[slug]
			switch {
			case !ok:
				bySlug[slug] = Alert{Name: name, Slug: slug, Page: p}
			case first.Page == p:
				probs = append(probs, diag.Warnf(p.Path, at.Line, at.Col, "duplicate-alert", "alert %q is listed twice", name))
			default:
				msg := fmt.Sprintf("alert %q is claimed by both %s and %s: an alert leads to exactly one runbook", name, first.Page.Path, p.Path)
				if first.Name != name {
					msg += fmt.Sprintf(" (%q and %q differ only by case, and alert names are matched ignoring case)", first.Name, name)
				}
				probs = append(probs, diag.Problem{File: p.Path, Line: at.Line, Col: at.Col, Severity: diag.Error, Rule: "duplicate-alert", Target: name, Message: msg})
			}
		}
	}
	for _, p := range pages {
		if !strings.HasPrefix(p.URL, "alerts/") {
			continue
		}
		if a, ok := bySlug[strings.TrimSuffix(strings.TrimPrefix(p.URL, "alerts/"), "/")]; ok {
			probs = append(probs, diag.Errorf(p.Path, 1, 1, "duplicate-url",
				"%s builds to %s, the URL of alert %q of %s: rename the page", p.Path, p.URL, a.Name, a.Page.Path))
			delete(bySlug, a.Slug)
		}
	}
	out := make([]Alert, 0, len(bySlug))
	for _, a := range bySlug {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Alert) int { return cmp.Compare(a.Slug, b.Slug) })
	return out, probs
}

// redirects returns the _redirects file: a permanent redirect from each
// alert URL, with and without its trailing slash, to the runbook.
//
// The status is "301!": Netlify serves a file that exists at a path instead
// of redirecting ("shadowing") unless the rule is forced, and the fallback
// page does exist at the alert URL. Cloudflare Pages always redirects and
// does not accept the "!", so it skips these lines and serves the fallback
// page, which still leads to the runbook.
func redirects(b link.Base, alerts []Alert) []byte {
	var buf bytes.Buffer
	buf.WriteString("# Alert URLs: /alerts/<alert name in lowercase>/ leads to the alert's runbook.\n")
	buf.WriteString("# Written by runbooks build from the runbooks' alerts: metadata; do not edit.\n")
	for _, a := range alerts {
		from, to := rootPath(b, a.URL()), rootPath(b, a.Page.URL)
		fmt.Fprintf(&buf, "%s %s 301!\n", from, to)
		fmt.Fprintf(&buf, "%s %s 301!\n", strings.TrimSuffix(from, "/"), to)
	}
	return buf.Bytes()
}

// fallbackPages renders the page at each alert URL that sends the reader on
// to the runbook, for hosts that do not read _redirects.
func fallbackPages(r Renderer, alerts []Alert) ([]page.File, error) {
	files := make([]page.File, 0, len(alerts))
	for _, a := range alerts {
		var buf bytes.Buffer
		if err := r.Alert(&buf, a.Name, a.Page.URL); err != nil {
			return nil, fmt.Errorf("alert page for %s: %w", a.Name, err)
		}
		files = append(files, page.File{Name: a.URL() + "index.html", Data: buf.Bytes()})
	}
	return files, nil
}
