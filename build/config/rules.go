package config

import "slices"

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
	"invalid-alias",
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
