package build

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/arcaapi/runbooks/build/alertrules"
	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/check"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/publish"
)

// check is the check stage: it returns every problem of the parsed site,
// sorted, with the rule levels of runbooks.toml applied, and how many
// problems those lowered or silenced. The problems are the load stage's,
// each page's own, and the whole-site checks' (links, anchors, sections,
// alert claims, what would be published where the build writes
// something else).
func (set settings) check(s *Site) ([]diag.Problem, int) {
	probs := slices.Clone(s.loadProbs)
	for _, pp := range s.pageProbs {
		probs = append(probs, pp...)
	}
	probs = append(probs, publish.Check(s.Pages)...)
	probs = append(probs, s.aliasProbs...)
	probs = append(probs, check.Run(check.Input{Pages: s.Pages, Assets: sortedKeys(s.assets.linkable), Dirs: s.Tree.Dirs, Now: s.Now, Base: set.base,
		Unpublished: s.assets.unpublishedReason})...)
	probs = append(probs, s.outputClaims()...)
	probs = append(probs, publishedHTML(s.assets, s.Files)...)
	probs, lowered := levels(probs, set.Rules, s.Pages)
	diag.Sort(probs)
	return probs, lowered
}

// checkAlertRules checks the alert rules at set.AlertRules against the
// site, returning the problems and how many rule files it read. Rule
// files are named relative to the source folder, as every problem's file
// is, so that output paths lead to them from the working folder.
func (set settings) checkAlertRules(site *Site) ([]diag.Problem, int, error) {
	rules, probs, n, err := alertrules.Load(set.AlertRules)
	if err != nil {
		return nil, 0, fmt.Errorf("--alert-rules: %w", err)
	}
	if len(rules) == 0 && len(probs) == 0 {
		return nil, 0, fmt.Errorf("--alert-rules: no alerting rules in %s", set.AlertRules)
	}
	for i := range rules {
		rules[i].File = ruleFileName(set.Src, rules[i].File)
	}
	for i := range probs {
		probs[i].File = ruleFileName(set.Src, probs[i].File)
	}
	in := alerts.RulesInput{Pages: site.Pages, Base: set.base, Rules: rules, SuggestID: check.SuggestID}
	return append(probs, alerts.CheckRules(in)...), n, nil
}

// ruleFileName returns the slash path of a rule file relative to the
// source folder src, or the file's name as given when it is absolute.
func ruleFileName(src, file string) string {
	if filepath.IsAbs(filepath.FromSlash(file)) {
		return file
	}
	return relTo(src, filepath.FromSlash(file))
}
