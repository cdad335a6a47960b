package check_test

import (
	"context"
	"github.com/arcaapi/runbooks/internal/fixture"
	"strconv"
	"testing"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/alertrules"
	"github.com/arcaapi/runbooks/build/check"
	"github.com/arcaapi/runbooks/build/link"
)

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
`

func TestAlerts(t *testing.T) {
	const base = "https://runbooks.example.com/ops/"
	dir := fixture.Tree(t, map[string]string{
		"README.md": "# Home\n",
		"api-down.md": "---\ntitle: API down\nseverity: SEV1\ntype: incident\nowner: X\nlast_updated: 2026-05-01\n" +
			"alerts: [ApiDown, ApiErrorsHigh, ApiLatency]\n---\n# API down\n" + allSections,
		"db/pool.md": "---\ntitle: Pool\nseverity: SEV2\ntype: incident\nowner: X\nlast_updated: 2026-05-01\n" +
			"alerts:\n  - DatabasePoolExhausted\n  - DatabaseReplicaLag\n---\n# Pool\n" + allSections,
	})
	res, err := build.Check(context.Background(), build.Config{Src: dir, Now: buildDate, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	assertProblems(t, res.Problems, nil)
	rules, probs := alertrules.Parse("rules.yml", []byte(alertRules))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	b, _ := link.NewBase(base)
	in := check.Input{Pages: res.Site.Pages, Assets: res.Site.Tree.Assets, Dirs: res.Site.Tree.Dirs, Now: buildDate, Base: b}
	got := check.Alerts(in, rules)
	assertProblems(t, got, []string{
		`rules.yml:15:24 error alert-runbook-url "https://runbooks.example.com/ops/alerts/databaseslow/"`,
		`rules.yml:18:24 error alert-runbook-url "https://runbooks.example.com/ops/db/locks/"`,
		`rules.yml:21:24 error alert-runbook-url "https://runbooks.example.com/ops/alerts/ApiDown/" => https://runbooks.example.com/ops/alerts/apidown/`,
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
