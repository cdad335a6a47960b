package alerts

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/arcaapi/runbooks/build/alertrules"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// RulesInput is what checking alerting rules against a site needs.
type RulesInput struct {
	Pages []*page.Page // the site's pages
	Base  link.Base    // runbook_url values under Base.URL point at this site
	Rules []alertrules.Rule
	// SuggestID returns the heading id of p closest to frag, or "".
	SuggestID func(frag string, p *page.Page) string
}

// CheckRules checks the site against Prometheus alerting rules: every
// runbook_url that points at the site must lead to a page, or to the URL
// of an alert some runbook lists, in any case (an error at the
// runbook_url); every alert a runbook lists should have a rule, and every
// rule a runbook_url (warnings).
func CheckRules(in RulesInput) []diag.Problem {
	owner := Owners(in.Pages)
	byURL := make(map[string]*page.Page, len(in.Pages))
	for _, p := range in.Pages {
		if _, ok := byURL[p.URL]; !ok {
			byURL[p.URL] = p
		}
	}
	var probs []diag.Problem
	defined := map[string]bool{}
	for _, r := range in.Rules {
		defined[strings.ToLower(r.Alert)] = true
		if r.RunbookURL == "" {
			sugg := ""
			if owner[strings.ToLower(r.Alert)] != nil && in.Base.URL != "" {
				sugg = "runbook_url: " + in.Base.URL + URL(r.Alert)
			}
			probs = append(probs, diag.Problem{
				File: r.File, Line: r.Line, Col: r.Col, Severity: diag.Warning, Rule: "alert-without-runbook",
				Target: r.Alert, Message: fmt.Sprintf("alert %s has no runbook_url annotation", r.Alert), Suggestion: sugg,
			})
			continue
		}
		if p, ok := checkRunbookURL(in, r, owner, byURL); ok {
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

// checkRunbookURL checks the runbook_url of r.
func checkRunbookURL(in RulesInput, r alertrules.Rule, owner, byURL map[string]*page.Page) (diag.Problem, bool) {
	base := in.Base.URL
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
		own = base + URL(r.Alert)
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
	if name, ok := strings.CutPrefix(rest, Prefix); ok && name != "" {
		name = strings.TrimSuffix(name, "/")
		if owner[strings.ToLower(name)] == nil {
			return bad(own, "no runbook lists alert %q in its alerts", name)
		}
		return diag.Problem{}, false // any case leads to the runbook
	}
	p := byURL[rest]
	if p == nil && rest != "" && !strings.HasSuffix(rest, "/") {
		p = byURL[rest+"/"]
	}
	if p == nil && rest == Prefix {
		return diag.Problem{}, false // the index of alerts
	}
	if p == nil {
		return bad(own, "no page is published at /%s", rest)
	}
	if frag != "" && !p.IDs.Has(frag) {
		sugg := own
		if in.SuggestID != nil {
			if id := in.SuggestID(frag, p); id != "" {
				sugg = base + p.URL + "#" + id
			}
		}
		return bad(sugg, "no heading %q in %s", frag, p.Path)
	}
	return diag.Problem{}, false
}
