package alertrules_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/arcaapi/runbooks/build/alertrules"
)

const rulesFile = `groups:
  - name: arca
    rules:
      - record: job:http_requests:rate5m
        expr: sum(rate(http_requests_total[5m])) by (job)
      - alert: ArcaWsfeUnavailable
        expr: arca_wsfe_dummy_up == 0
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: WSFEv1 is down
          runbook_url: https://runbooks.example.com/alerts/arcawsfeunavailable/
      - alert: ApiLatencyHigh
        expr: histogram_quantile(0.99, x) > 2
        labels:
          runbook_url: "https://runbooks.example.com/high-api-latency/"
  - name: empty
    rules: []
  - name: no-url
    rules:
      - alert: RedisMemoryHigh
        expr: redis_memory_used_bytes > 1
`

// operatorFile is a PrometheusRule resource beside another manifest, as
// kept in a Kubernetes repository.
const operatorFile = `apiVersion: v1
kind: ConfigMap
metadata:
  name: unrelated
data:
  groups: "not rules"
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: arca
spec:
  groups:
    - name: db
      rules:
        - alert: DatabasePoolExhausted
          annotations:
            runbook_url: https://runbooks.example.com/alerts/databasepoolexhausted/
`

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want []alertrules.Rule
	}{
		{"rules.yml", rulesFile, []alertrules.Rule{
			{File: "rules.yml", Alert: "ArcaWsfeUnavailable", Line: 6, Col: 16, RunbookURL: "https://runbooks.example.com/alerts/arcawsfeunavailable/", URLLine: 13, URLCol: 24},
			{File: "rules.yml", Alert: "ApiLatencyHigh", Line: 14, Col: 16, RunbookURL: "https://runbooks.example.com/high-api-latency/", URLLine: 17, URLCol: 24},
			{File: "rules.yml", Alert: "RedisMemoryHigh", Line: 22, Col: 16},
		}},
		{"k8s.yaml", operatorFile, []alertrules.Rule{
			{File: "k8s.yaml", Alert: "DatabasePoolExhausted", Line: 16, Col: 18, RunbookURL: "https://runbooks.example.com/alerts/databasepoolexhausted/", URLLine: 18, URLCol: 26},
		}},
		{"other.yml", "route:\n  receiver: pagerduty\n", nil},
		{"empty.yml", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, probs := alertrules.Parse(tc.name, []byte(tc.data))
			if len(probs) > 0 {
				t.Fatalf("problems: %v", probs)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	_, probs := alertrules.Parse("bad.yml", []byte("groups:\n  - name: x\n    rules:\n      - alert: A\n        expr: up == 0\n        for: 5m: x\n"))
	if len(probs) != 1 {
		t.Fatalf("problems: %v", probs)
	}
	p := probs[0]
	if p.File != "bad.yml" || p.Line != 6 || p.Rule != "invalid-alert-rules" || p.Severity != "error" {
		t.Errorf("problem: %+v", p)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"b/rules.yml":         rulesFile,
		"a/k8s.YAML":          operatorFile,
		"a/README.md":         "# not rules\n",
		".git/hooks/x.yml":    "groups: [{rules: [{alert: Hidden}]}]\n",
		"c/alertmanager.yaml": "route:\n  receiver: x\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rules, probs, files, err := alertrules.Load(dir)
	if err != nil || len(probs) > 0 {
		t.Fatal(err, probs)
	}
	var names []string
	for _, r := range rules {
		names = append(names, filepath.Base(r.File)+":"+r.Alert)
	}
	want := []string{"k8s.YAML:DatabasePoolExhausted", "rules.yml:ArcaWsfeUnavailable", "rules.yml:ApiLatencyHigh", "rules.yml:RedisMemoryHigh"}
	if !slices.Equal(names, want) || files != 3 {
		t.Errorf("got %v in %d files, want %v in 3", names, files, want)
	}
	// A single file is read whatever its name.
	rules, _, files, err = alertrules.Load(filepath.Join(dir, "b", "rules.yml"))
	if err != nil || len(rules) != 3 || files != 1 {
		t.Errorf("single file: %d rules, %d files, %v", len(rules), files, err)
	}
	if _, _, _, err := alertrules.Load(filepath.Join(dir, "missing")); err == nil {
		t.Error("no error for a missing path")
	}
}
