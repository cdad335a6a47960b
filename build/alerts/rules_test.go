package alerts_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/alertrules"
	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/check"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/internal/fixture"
)

var buildDate = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// sections are the sections an incident runbook must have.
const sections = "\n## Symptoms\n## Impact\n## Prerequisites\n## Diagnosis\n## Resolution\n## Verification\n## Prevention\n## Related Runbooks\n"

const alertRules = `groups:
  - name: api
    rules:
      - alert: ApiDown
        annotations:
          runbook_url: https://runbooks.example.com/ops/alerts/apidown/
      - alert: ApiErrorsHigh
        annotations:
          runbook_url: https://runbooks.example.com/ops/alerts/{{ $labels.alertname | toLower }}/
      - alert: DatabasePoolExhausted
        annotations:
          runbook_url: https://runbooks.example.com/ops/db/pool/#diagnosis
      - alert: DatabaseSlow
        annotations:
          runbook_url: https://runbooks.example.com/ops/alerts/databaseslow/
      - alert: DatabaseLocks
        annotations:
          runbook_url: https://runbooks.example.com/ops/db/locks/
      - alert: ApiDownStaging
        annotations:
          runbook_url: https://runbooks.example.com/ops/alerts/ApiDown/
      - alert: PoolBad
        annotations:
          runbook_url: https://runbooks.example.com/ops/db/pool/#diagnose
      - alert: Elsewhere
        annotations:
          runbook_url: https://wiki.example.com/Elsewhere
      - alert: NoURL
        expr: up == 0
      - alert: ApiLatency
        expr: latency > 2
      - alert: Templated
        annotations:
          runbook_url: https://runbooks.example.com/ops/{{ $labels.team }}/
      - alert: Home
        annotations:
          runbook_url: https://runbooks.example.com/ops/
      - alert: Listing
        annotations:
          runbook_url: https://runbooks.example.com/ops/alerts/
`

// short is a problem as one comparable line.
func short(p diag.Problem) string {
	s := fmt.Sprintf("%s:%d:%d %s %s", p.File, p.Line, p.Col, p.Severity, p.Rule)
	if p.Target != "" {
		s += fmt.Sprintf(" %q", p.Target)
	}
	if p.Suggestion != "" {
		s += " => " + p.Suggestion
	}
	return s
}

func assertProblems(t *testing.T, got []diag.Problem, want []string) {
	t.Helper()
	var g []string
	for _, p := range got {
		g = append(g, short(p))
	}
	slices.Sort(g)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(g, want) {
		t.Errorf("problems:\n got %q\nwant %q", g, want)
	}
}

func TestCheckRules(t *testing.T) {
	const base = "https://runbooks.example.com/ops/"
	dir := fixture.Tree(t, map[string]string{
		"README.md": "# Home\n",
		"api-down.md": "---\ntitle: API down\nseverity: SEV1\ntype: incident\nowner: X\nlast_updated: 2026-05-01\n" +
			"alerts: [ApiDown, ApiErrorsHigh, ApiLatency]\n---\n# API down\n" + sections,
		"db/pool.md": "---\ntitle: Pool\nseverity: SEV2\ntype: incident\nowner: X\nlast_updated: 2026-05-01\n" +
			"alerts:\n  - DatabasePoolExhausted\n  - DatabaseReplicaLag\n---\n# Pool\n" + sections,
	})
	res, err := build.Check(context.Background(), build.Config{Src: dir, Now: buildDate, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := diag.Count(res.Problems); e > 0 {
		t.Fatalf("the site has errors: %v", res.Problems)
	}
	rules, probs := alertrules.Parse("rules.yml", []byte(alertRules))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	b, _ := link.NewBase(base)
	got := alerts.CheckRules(alerts.RulesInput{Pages: res.Site.Pages, Base: b, Rules: rules, SuggestID: check.SuggestID})
	// ApiDownStaging's runbook_url spells the alert in another case: alert
	// URLs are resolved ignoring case on every host, so it is not a problem.
	assertProblems(t, got, []string{
		`rules.yml:15:24 error alert-runbook-url "https://runbooks.example.com/ops/alerts/databaseslow/"`,
		`rules.yml:18:24 error alert-runbook-url "https://runbooks.example.com/ops/db/locks/"`,
		`rules.yml:24:24 error alert-runbook-url "https://runbooks.example.com/ops/db/pool/#diagnose" => https://runbooks.example.com/ops/db/pool/#diagnosis`,
		`rules.yml:28:16 warning alert-without-runbook "NoURL"`,
		`rules.yml:30:16 warning alert-without-runbook "ApiLatency" => runbook_url: https://runbooks.example.com/ops/alerts/apilatency/`,
		`db/pool.md:9:5 warning alert-not-in-rules`,
	})
	want := map[string]string{
		"rules.yml:15": `runbook_url of alert DatabaseSlow: no runbook lists alert "databaseslow" in its alerts`,
		"rules.yml:18": `runbook_url of alert DatabaseLocks: no page is published at /db/locks/`,
		"db/pool.md:9": `alert DatabaseReplicaLag is listed in alerts: but no alerting rule defines it`,
	}
	for _, p := range got {
		if w, ok := want[p.File+":"+strconv.Itoa(p.Line)]; ok && p.Message != w {
			t.Errorf("%s:%d: message %q, want %q", p.File, p.Line, p.Message, w)
		}
	}
}

func TestFromFileName(t *testing.T) {
	for path, want := range map[string]string{
		"alerts/etcd/etcdMembersDown.md":               "etcdMembersDown",
		"alerts/KubeAPIDown.md":                        "KubeAPIDown",
		"docs/alerts/cluster-monitoring/TargetDown.MD": "TargetDown",
		"alerts/etcd/README.md":                        "",
		"alerts/_index.md":                             "",
		"runbooks/api-down.md":                         "",
		"alertsx/Foo.md":                               "",
	} {
		got, ok := alerts.FromFileName(path)
		if got != want || ok != (want != "") {
			t.Errorf("FromFileName(%q) = %q, %v; want %q", path, got, ok, want)
		}
	}
}
