// Package alerts implements the alert URLs of a site: which runbook each
// alert name leads to, the stable URL /alerts/<name>/ that Prometheus'
// runbook_url annotations point at, the files that make that URL work on
// every static host, and the check of alerting rules against the site.
//
// Alert names are matched ignoring case everywhere: in claims, in URLs and
// in rules. An alert URL is written in lowercase, but any spelling of the
// name reaches the runbook (see Redirects and Map).
package alerts

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
)

// Alert is an alert name claimed by a page's alerts: metadata.
type Alert struct {
	Name string     // as the runbook writes it: "ArcaWsfeUnavailable"
	Key  string     // lowercase, as in its URL: "arcawsfeunavailable"
	Page *page.Page // the runbook the alert leads to
}

// URL returns the site path of the alert: "alerts/arcawsfeunavailable/".
func (a Alert) URL() string { return URL(a.Name) }

// Prefix is the site path every alert URL starts with.
const Prefix = "alerts/"

// URL returns the site path of an alert name, in lowercase.
func URL(name string) string { return Prefix + strings.ToLower(name) + "/" }

// Valid reports whether name can be part of a URL path as it is: letters,
// digits, "_", "." and "-", not starting with ".".
func Valid(name string) bool {
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

// Claim returns the alerts of the pages, sorted by key, each claimed by
// the first page (in path order) that names it, and the problems: invalid
// names, an alert listed twice, two runbooks claiming one alert (in any
// case), and pages built where the alert URLs are.
func Claim(pages []*page.Page) ([]Alert, []diag.Problem) {
	var probs []diag.Problem
	byKey := map[string]Alert{}
	for _, p := range pages {
		for i, name := range p.Meta.Alerts {
			at := p.Meta.AlertAt(i)
			if !Valid(name) {
				probs = append(probs, diag.Errorf(p.Path, at.Line, at.Col, "alert-name",
					"alert name %q cannot be part of a URL: use letters, digits, \"_\", \".\" and \"-\", not starting with \".\"", name))
				continue
			}
			key := strings.ToLower(name)
			first, ok := byKey[key]
			switch {
			case !ok:
				byKey[key] = Alert{Name: name, Key: key, Page: p}
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
		key, ok := strings.CutPrefix(strings.ToLower(p.URL), Prefix)
		if !ok {
			continue
		}
		if a, ok := byKey[strings.TrimSuffix(key, "/")]; ok {
			probs = append(probs, diag.Errorf(p.Path, 1, 1, "duplicate-url",
				"%s builds to %s, the URL of alert %q of %s: rename the page", p.Path, p.URL, a.Name, a.Page.Path))
			delete(byKey, a.Key)
		}
	}
	out := make([]Alert, 0, len(byKey))
	for _, a := range byKey {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b Alert) int { return cmp.Compare(a.Key, b.Key) })
	return out, probs
}

// Owners returns the runbook of each alert key that some page claims,
// ignoring problems: the view the rules check needs.
func Owners(pages []*page.Page) map[string]*page.Page {
	claimed, _ := Claim(pages)
	m := make(map[string]*page.Page, len(claimed))
	for _, a := range claimed {
		m[a.Key] = a.Page
	}
	return m
}

// FromFileName returns the alert that the page at path claims by its file
// name when a project sets alerts_from = "filename": a page under a folder
// named "alerts", at any depth, is named after its alert
// ("alerts/etcd/etcdMembersDown.md" → "etcdMembersDown"). Index pages
// claim nothing.
func FromFileName(path string) (string, bool) {
	dir, file := "", path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		dir, file = path[:i], path[i+1:]
	}
	if page.IsIndex(path) || !slices.Contains(strings.Split(dir, "/"), "alerts") {
		return "", false
	}
	name := file[:len(file)-len(".md")]
	if !strings.EqualFold(file[len(name):], ".md") || name == "" {
		return "", false
	}
	return name, true
}
