package check

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/arcaapi/runbooks/build/alertrules"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/publish"
)

// Alerts checks the site against Prometheus alerting rules: every
// runbook_url that points at the site (in.Base.URL) must lead to a page or
// to the alert URL (publish.AlertURL) of an alert some runbook lists (an error at the
// runbook_url); every alert a runbook lists should have a rule, and every
// rule a runbook_url (warnings).
func Alerts(in Input, rules []alertrules.Rule) []diag.Problem {
	ix := newIndex(in)
	owner := map[string]*page.Page{} // lowercase alert → the runbook that lists it
	for _, p := range in.Pages {
		for _, a := range p.Meta.Alerts {
			if _, ok := owner[strings.ToLower(a)]; !ok && publish.ValidAlertName(a) {
				owner[strings.ToLower(a)] = p
			}
		}
	}
	var probs []diag.Problem
	defined := map[string]bool{}
	for _, r := range rules {
		defined[strings.ToLower(r.Alert)] = true
		if r.RunbookURL == "" {
			sugg := ""
			if owner[strings.ToLower(r.Alert)] != nil && in.Base.URL != "" {
				sugg = "runbook_url: " + in.Base.URL + publish.AlertURL(r.Alert)
			}
			probs = append(probs, diag.Problem{
				File: r.File, Line: r.Line, Col: r.Col, Severity: diag.Warning, Rule: "alert-without-runbook",
				Target: r.Alert, Message: fmt.Sprintf("alert %s has no runbook_url annotation", r.Alert), Suggestion: sugg,
			})
			continue
		}
		if p, ok := ix.alertRule(r, owner); ok {
			probs = append(probs, p)
		}
	}
	for _, p := range in.Pages {
		for i, a := range p.Meta.Alerts {
			if !defined[strings.ToLower(a)] {
				at := p.Meta.AlertAt(i)
				probs = append(probs, diag.Warnf(p.Path, at.Line, at.Col, "alert-not-in-rules",
					"alert %s is listed in alerts: but no alerting rule defines it", a))
			}
		}
	}
	return probs
}

// alertName matches the ways a Prometheus template writes the alert's own
// name: {{ $labels.alertname }}, {{ .Labels.alertname }}, with toLower.
var alertName = regexp.MustCompile(`\{\{-?\s*(toLower\s+)?(?:\$labels|\.Labels)\.alertname\s*(\|\s*toLower\s*)?-?\}\}`)

// alertRule checks the runbook_url of r.
func (ix *index) alertRule(r alertrules.Rule, owner map[string]*page.Page) (diag.Problem, bool) {
	base := ix.in.Base.URL
	raw := alertName.ReplaceAllStringFunc(r.RunbookURL, func(m string) string {
		if strings.Contains(m, "toLower") {
			return strings.ToLower(r.Alert)
		}
		return r.Alert
	})
	if base == "" || strings.Contains(raw, "{{") || !strings.HasPrefix(strings.ToLower(raw), strings.ToLower(base)) {
		return diag.Problem{}, false // another site's, or a template we cannot expand
	}
	bad := func(sugg, format string, args ...any) (diag.Problem, bool) {
		return diag.Problem{
			File: r.File, Line: r.URLLine, Col: r.URLCol, Severity: diag.Error, Rule: "alert-runbook-url",
			Target: r.RunbookURL, Suggestion: sugg,
			Message: fmt.Sprintf("runbook_url of alert %s: ", r.Alert) + fmt.Sprintf(format, args...),
		}, true
	}
	own := "" // the alert URL of r's own alert, when a runbook lists it
	if owner[strings.ToLower(r.Alert)] != nil {
		own = base + publish.AlertURL(r.Alert)
	}
	rest := raw[len(base):]
	frag := ""
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest, frag = rest[:i], rest[i+1:]
	}
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest = rest[:i]
	}
	if u, err := url.PathUnescape(rest); err == nil {
		rest = u
	}
	rest = strings.TrimSuffix(rest, "index.html")
	if name, ok := strings.CutPrefix(rest, "alerts/"); ok {
		name = strings.TrimSuffix(name, "/")
		switch {
		case owner[strings.ToLower(name)] == nil:
			return bad(own, "no runbook lists alert %q in its alerts", name)
		case name != strings.ToLower(name):
			return bad(base+publish.AlertURL(name), "alert URLs are lowercase and static hosting is case-sensitive")
		}
		return diag.Problem{}, false
	}
	p := ix.byURL(rest)
	if p == nil && rest != "" && !strings.HasSuffix(rest, "/") {
		p = ix.byURL(rest + "/")
	}
	if p == nil {
		return bad(own, "no page is published at /%s", rest)
	}
	if frag != "" && !p.IDs[frag] {
		sugg := own
		if id := suggestID(frag, p); id != "" {
			sugg = base + p.URL + "#" + id
		}
		return bad(sugg, "no heading %q in %s", frag, p.Path)
	}
	return diag.Problem{}, false
}
