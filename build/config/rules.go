package config

import (
	"slices"
	"strings"
)

// ruleIDs are the rules whose level runbooks.toml may set: every rule a
// problem can name. TestEveryRuleIsKnown keeps the list complete.
var ruleIDs = []string{
	"absolute-self-link",
	"alert-name",
	"alert-not-in-rules",
	"alert-runbook-url",
	"alert-without-runbook",
	"broken-anchor",
	"broken-external-link",
	"broken-image",
	"broken-link",
	"case-mismatch",
	"command-syntax",
	"config",
	"destructive-unset-var",
	"duplicate-alert",
	"duplicate-url",
	"empty-link",
	"external-link-unconfirmed",
	"folder-without-index",
	"front-matter",
	"generated-name",
	"hidden-characters",
	"invalid-alert-rules",
	"invalid-metadata",
	"invalid-utf8",
	"link-escapes-root",
	"manifest-missing-kind",
	"mermaid-diagram",
	"missing-metadata",
	"missing-section",
	"nested-fence",
	"page-limit",
	"page-too-complex",
	"pipe-to-shell",
	"published-html",
	"raw-html-removed",
	"review-overdue",
	"shortcode",
	"sudo-redirect",
	"symlink",
	"theme",
	"unclosed-fence",
	"undefined-var",
	"unreadable",
	"unused-disable",
}

// Unlowerable are the rules whose problems stop a page or the site from
// being built at all; runbooks.toml cannot make them warnings.
var unlowerable = []string{"config", "duplicate-url", "generated-name", "invalid-utf8", "page-limit", "page-too-complex", "unreadable"}

// KnownRule reports whether id names a rule.
func KnownRule(id string) bool {
	_, ok := slices.BinarySearch(ruleIDs, id)
	return ok
}

// Lowerable reports whether runbooks.toml may set the level of rule id.
func Lowerable(id string) bool { return !slices.Contains(unlowerable, id) }

// RuleIDs returns every rule id, sorted.
func RuleIDs() []string { return slices.Clone(ruleIDs) }

// closest returns the name in names nearest to s, when it is close enough
// to be what was meant: within a third of its length in edits.
func closest(s string, names []string) string {
	best, bestD := "", max(1, len(s)/3)+1
	ls := strings.ToLower(s)
	for _, n := range names {
		if d := editDistance(ls, strings.ToLower(n)); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance returns the Levenshtein distance between a and b in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
