package gentree

import (
	"fmt"
	"strings"
)

// lexicon holds the word lists and sentence templates pages are made of.
// Templates use {{key}} placeholders that expand per page (see pageCtx).
type lexicon struct {
	subFolders       []string
	services         []string
	owners           []string
	regions          []string
	components       []string
	failures         []string
	maintenanceTasks []string
	diagnosisSteps   []string
	procedureSteps   []string
	metrics          []string
	nouns            []string

	intros, maintIntros    []string
	symptoms               []string
	impactRows             []string
	impactNotes            []string
	prerequisites          []string
	stepNotes              []string
	expected               []string
	linkNotes              []string
	quickFixes             []string
	permanentFixes         []string
	rollbacks              []string
	checks                 []string
	followUps              []string
	preventions            []string
	relatedReasons         []string
	maintRequirements      []string
	references             []string
	bashLines, bashHeads   []string
	consoleCommands        []string
	plainLines             []string
	sqlChunks              []string
	promqlChunks           []string
	frobChunks, frobHeads  []string
	jsonFields, yamlFields []string
	yamlHeads              []string
}

// lines splits a block of newline-separated items, dropping blank lines.
func lines(block string) []string {
	var out []string
	for _, l := range strings.Split(block, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// chunks splits a block into items separated by blank lines, keeping the
// line breaks inside each item.
func chunks(block string) []string {
	var out []string
	for _, c := range strings.Split(strings.Trim(block, "\n"), "\n\n") {
		if strings.TrimSpace(c) != "" {
			out = append(out, c)
		}
	}
	return out
}

// serviceName names the service of folder service-NN.
func (lx *lexicon) serviceName(n int) string {
	name := lx.services[n%len(lx.services)]
	if round := n / len(lx.services); round > 0 {
		name = fmt.Sprintf("%s-%d", name, round+1)
	}
	return name
}

// owner names the team that owns the runbooks of folder team-NN.
func (lx *lexicon) owner(team int) string {
	name := lx.owners[team%len(lx.owners)]
	if round := team / len(lx.owners); round > 0 {
		name = fmt.Sprintf("%s-%d", name, round+1)
	}
	return name
}

func newLexicon() *lexicon {
	return &lexicon{
		subFolders: lines("db\nnet\nqueue\ncache\nedge\njobs"),
		services: lines(`billing-api
auth-service
checkout
search-indexer
payments-gateway
notification-worker
ledger
inventory
edge-proxy
kafka-ingest
invoice-renderer
webhook-dispatcher
rate-limiter
session-store
reporting-etl
tax-calculator
user-profile
feature-flags
media-transcoder
audit-log
geo-router
email-relay
pricing-engine
fraud-scorer`),
		owners: lines(`team-db
team-platform
team-payments
team-identity
team-search
team-edge
team-data
team-billing
team-messaging
team-storage
team-observability
team-mobile-backend`),
		regions: lines("eu-west-1\neu-central-1\nus-east-1\nus-west-2\nap-southeast-1\nsa-east-1"),
		components: lines(`Postgres
Redis
Kafka
Elasticsearch
Nginx
Kubernetes
etcd
RabbitMQ
Object Storage
DNS
TLS Certificate
Load Balancer
JVM Heap
gRPC Gateway
Connection Pool
Cron Scheduler
CDN Cache
Disk Volume`),
		failures: lines(`High Latency
Error Rate Spike
Connection Exhaustion
Replication Lag
Disk Pressure
Memory Leak
Crash Loop
Queue Backlog
Timeouts
Split Brain
Stale Reads
Throttling
Outage
Slow Queries
Partial Outage`),
		maintenanceTasks: lines(`Rotate TLS Certificates
Upgrade Postgres Minor Version
Drain Kubernetes Node Pool
Resize Disk Volumes
Rotate Database Credentials
Fail Over Redis Primary
Reindex Search Cluster
Scale Kafka Partitions
Apply Kernel Security Patches
Renew ARCA Certificates
Migrate Database Schema
Restore from Backup`),
		diagnosisSteps: lines(`Verify the Issue
Check Recent Deployments
Identify Root Cause
Inspect Pod Logs
Check Database Connections
Review the Dashboards
Assess Severity
Check Upstream Dependencies
Inspect Resource Usage
Confirm Alert Scope
Check Replication Status
Look for Slow Queries`),
		procedureSteps: lines(`Announce the Maintenance Window
Silence Expected Alerts
Take a Snapshot
Drain Traffic
Apply the Change
Restart the Service
Run Smoke Tests
Re-enable Traffic
Update the Change Log`),
		metrics: lines(`http_request_duration_seconds
http_requests_total
pg_stat_activity_count
redis_memory_used_bytes
kafka_consumergroup_lag
container_memory_working_set_bytes
node_filesystem_avail_bytes
process_open_fds
grpc_server_handled_total
nginx_upstream_response_time`),

		nouns: lines("invoices\norders\npayments\nsessions\nexports\nrefunds\nuploads\nsearch\nreports\nwebhooks"),

		intros: lines(`Use this runbook when ` + "`{{svc}}`" + ` degrades because of **{{comp}}**.
Follow these steps when the {{alert}} alert fires for ` + "`{{svc}}`" + `.
For {{comp}} trouble behind ` + "`{{svc}}`" + `; owned by *{{owner}}*.`),
		maintIntros: lines(`Planned maintenance for ` + "`{{svc}}`" + ` in {{region}}. Announce it at least **24 hours** ahead and run it inside the agreed window.
This procedure is run by *{{owner}}* about once a quarter. It takes roughly {{n}} minutes and needs **no** customer-facing downtime.`),
		symptoms: lines("`{{metric}}` above {{n}} for more than five minutes\n" +
			"Users see *HTTP 503* responses from `{{svc}}`\n" +
			"The {{alert}} alert is firing in `{{region}}`\n" +
			"p95 latency over {{big}} ms on the main request path\n" +
			"Error rate above {{pct}}% on `/v1/{{word}}`\n" +
			"Pods of `{{svc}}` restart every few minutes (`CrashLoopBackOff`)\n" +
			"Logs show `connection refused` errors from {{comp}}\n" +
			"Queue depth keeps growing past {{big}} messages\n" +
			"Health checks fail on {{n}} of the instances behind the load balancer\n" +
			"Support receives tickets about *slow* or ~~failed~~ stuck requests"),
		impactRows: lines(`Customers | Cannot complete {{word}} requests | All regions
Internal tools | Reports delayed by {{n}} minutes | {{region}}
Partners | Webhooks retried, none lost | About {{pct}}% of traffic
Billing | Charges queued until recovery | {{region}}
Mobile apps | Sync falls back to cached data | All users
Support | Ticket volume rises sharply | Business hours`),
		impactNotes: lines(`**User impact**: requests fail or time out while {{comp}} is degraded. **Business impact**: a breach of the {{pct}}% availability SLO if it lasts more than {{n}} minutes.
**User impact**: slower pages, retries succeed. **Business impact**: low, unless the incident overlaps with month-end invoicing.`),
		prerequisites: lines("Access to the `{{ns}}` namespace (`kubectl` context `prod-{{region}}`)\n" +
			"Read access to the {{comp}} dashboards in Grafana\n" +
			"Tools: `kubectl`, `psql`, `redis-cli`, `jq`\n" +
			"Permissions: *on-call* role in the `{{owner}}` group\n" +
			"VPN connection to the production network\n" +
			"A second engineer for any **write** operation on {{comp}}"),
		stepNotes: lines("Compare `{{metric}}` with the same hour yesterday before changing anything.\n" +
			"Look for a deploy or config change in the {{n}} minutes before the alert fired.\n" +
			"Check whether only `{{region}}` is affected or every region.\n" +
			"Note the pod names and timestamps in the incident channel; the post-mortem needs them.\n" +
			"If {{comp}} reports more than {{big}} errors per minute, escalate to **SEV1**.\n" +
			"Run the commands below from a bastion host, not from a laptop.\n" +
			"A single noisy instance is *not* an incident: cordon it and move on."),
		expected: lines(`Expected output: all pods ` + "`Running`" + ` with fewer than {{n}} restarts.
Expected output: an empty result, or only connections older than {{n}} minutes.
Expected output: the value drops below {{n}} within five minutes.`),
		linkNotes: lines(`If the cause is upstream, see [{{title}}]({{href}}).
Compare with [{{title}}]({{href}}).
Same checks as [{{title}}]({{href}}).
See also [{{title}}]({{href}}).`),
		quickFixes: lines("Restart the unhealthy pods one at a time and watch `{{metric}}` recover.\n" +
			"Scale `{{svc}}` to {{n}} replicas to absorb the load while the cause is found.\n" +
			"Fail over to the standby {{comp}} in `{{region}}`; it takes about {{n}} seconds.\n" +
			"Shed non-critical traffic with the `{{word}}` feature flag."),
		permanentFixes: lines(`Find the change that triggered the incident and revert or fix it
Raise the {{comp}} limits in the service configuration and redeploy
Add an index or rewrite the query that dominates the slow log
Move the batch job for ` + "`{{svc}}`" + ` out of business hours
Increase the connection pool from {{n}} to {{big}} and load-test it
Open a ticket for *{{owner}}* with the findings`),
		rollbacks: lines("If the fix makes things worse, roll back to the previous release and page the owner.\n" +
			"Undo the last change with the commands below; they are safe to run twice.\n" +
			"Roll back only after the incident commander agrees; note the time in the channel."),
		checks: lines("Service health check passes\n" +
			"Error rate back under {{pct}}%\n" +
			"`{{metric}}` within normal range for {{n}} minutes\n" +
			"Alerts cleared in Alertmanager\n" +
			"User reports resolved\n" +
			"Status page updated\n" +
			"No new errors in the `{{svc}}` logs"),
		followUps: lines(`Update the status page and notify stakeholders
Write a post-mortem (SEV1 and SEV2)
Create a ticket for the permanent fix
Update monitoring and alerting thresholds
Review this runbook with *{{owner}}*
Add the incident to the weekly operations review`),
		preventions: lines("Alert on `{{metric}}` before it reaches the limit\n" +
			"Load-test `{{svc}}` at {{n}}x the usual peak before each release\n" +
			"Keep {{comp}} capacity at least {{pct}}% above the monthly peak\n" +
			"Run this runbook in a game day every quarter"),
		relatedReasons: lines(`same first checks
often fires together with this one
the usual upstream cause
what to do if the rollback fails
for the maintenance that can trigger this`),
		maintRequirements: lines(`Change ticket approved | {{owner}} | Required
Recent backup verified | team-db | Required
Maintenance window announced | {{owner}} | Required
Second engineer on call | {{owner}} | Recommended
Dashboards open for ` + "`{{svc}}`" + ` | on-call | Recommended`),
		references: lines(`Dashboard: https://grafana.example.com/d/{{uid}}/{{svc}}
[Architecture notes](https://wiki.example.com/architecture/{{svc}})
[{{comp}} documentation](https://docs.example.com/{{word}}/operations)
Incident history: https://incidents.example.com/services/{{svc}}`),

		bashHeads: lines(`POD={{pod}}
export POD={{pod}}  # from the alert labels
kubectl -n {{ns}} describe pod {{pod}} | tail -n {{n}}
kubectl -n {{ns}} logs {{pod}} --since=15m | grep -i error | tail -n {{n}}`),
		bashLines: lines(`kubectl -n {{ns}} get pods -l app={{svc}} -o wide
kubectl -n {{ns}} logs deploy/{{svc}} --since=15m | grep -ci timeout
kubectl -n {{ns}} rollout restart deployment/{{svc}}
kubectl -n {{ns}} rollout status deployment/{{svc}} --timeout=5m
kubectl -n {{ns}} scale deployment/{{svc}} --replicas={{n}}
kubectl -n {{ns}} top pods -l app={{svc}} --sort-by=memory
curl -sS -o /dev/null -w '%{http_code} %{time_total}\n' https://{{svc}}.internal.example.com/healthz
psql "$DATABASE_URL" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '{{db}}';"
redis-cli -h {{svc}}-redis.{{ns}}.svc -p 6379 info memory | grep used_memory_human
aws s3 ls s3://{{svc}}-backups/{{date}}/ --recursive | tail -n {{n}}
journalctl -u {{svc}} --since "-{{n}}m" --no-pager | tail -n 50
for i in $(seq 1 {{n}}); do curl -s https://{{svc}}.internal.example.com/healthz; sleep 1; done
git revert --no-edit {{sha}}
./scripts/deploy.sh rollback --service {{svc}} --to {{sha}}
helm -n {{ns}} history {{svc}} --max {{n}}
helm -n {{ns}} rollback {{svc}} {{n}}
kafka-consumer-groups.sh --bootstrap-server kafka.{{ns}}.svc:9092 --describe --group {{svc}}-consumer
df -h /var/lib/{{svc}}
# wait for the new pods before going on
# this is safe to run more than once
sleep {{n}}`),
		consoleCommands: chunks(`$ kubectl -n {{ns}} get pods -l app={{svc}}
NAME                          READY   STATUS             RESTARTS   AGE
{{pod}}   1/1     Running            0          {{n}}h
{{svc}}-{{rs}}-{{rand5}}   0/1     CrashLoopBackOff   {{n}}          {{n}}m
{{svc}}-{{rs}}-{{rand5}}   1/1     Running            1          {{n}}h

$ kubectl -n {{ns}} top pod {{pod}}
NAME                          CPU(cores)   MEMORY(bytes)
{{pod}}   {{big}}m        {{big}}Mi

$ curl -sI https://{{svc}}.internal.example.com/healthz
HTTP/2 503
content-type: application/json
x-request-id: {{sha}}{{sha}}
date: Tue, 03 Nov 2026 {{time}} GMT

$ psql "$DATABASE_URL" -c "SELECT state, count(*) FROM pg_stat_activity GROUP BY 1;"
 state  | count
--------+-------
 active |   {{n}}
 idle   |   {{big}}
(2 rows)

$ redis-cli -h {{svc}}-redis info memory | grep -E 'used_memory_human|maxmemory_human'
used_memory_human:{{n}}.{{n}}G
maxmemory_human:{{n}}.00G

$ df -h /var/lib/{{svc}}
Filesystem      Size  Used Avail Use% Mounted on
/dev/nvme1n1    500G  {{big}}G   {{n}}G  {{pct}}% /var/lib/{{svc}}`),
		plainLines: lines(`{{date}}T{{time}}Z ERROR {{svc}} pool exhausted: {{n}} active, 0 idle (pod {{pod}})
{{date}}T{{time}}Z WARN  {{svc}} slow request path=/v1/{{word}} duration={{big}}ms
{{date}}T{{time}}Z ERROR {{svc}} upstream {{comp}} timed out after {{n}}s
{{date}}T{{time}}Z INFO  {{svc}} retrying in {{n}}s (attempt {{n}}/5)
{{date}}T{{time}}Z WARN  {{svc}} circuit breaker open for {{word}}
{{date}}T{{time}}Z INFO  {{svc}} health check ok ({{n}} ms)`),
		sqlChunks: chunks(`-- {{svc}}: longest running queries on {{db}} (pod {{pod}})
SELECT pid, usename, state, wait_event_type, now() - query_start AS duration
FROM pg_stat_activity
WHERE datname = '{{db}}'
  AND state <> 'idle'
ORDER BY duration DESC
LIMIT {{n}};

SELECT pg_terminate_backend(pid)
FROM pg_stat_activity
WHERE datname = '{{db}}'
  AND now() - query_start > interval '{{n}} minutes';

SELECT relname, n_live_tup, n_dead_tup, last_autovacuum
FROM pg_stat_user_tables
ORDER BY n_dead_tup DESC
LIMIT {{n}};

SELECT client_addr, state, sent_lsn, replay_lsn,
       pg_wal_lsn_diff(sent_lsn, replay_lsn) AS lag_bytes
FROM pg_stat_replication;

UPDATE {{word}}_jobs SET status = 'queued' WHERE status = 'running' AND updated_at < now() - interval '{{n}} minutes';

SHOW max_connections;`),
		promqlChunks: chunks(`# {{svc}}: memory of the pod from the alert
container_memory_working_set_bytes{namespace="{{ns}}", pod="{{pod}}"}

# p99 latency of {{svc}} over 5 minutes
histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="{{svc}}"}[5m])))

# error ratio
sum(rate(http_requests_total{service="{{svc}}", code=~"5.."}[5m]))
  /
sum(rate(http_requests_total{service="{{svc}}"}[5m]))

# consumer lag per partition
max by (partition) (kafka_consumergroup_lag{group="{{svc}}-consumer"})

# free disk in percent
100 * node_filesystem_avail_bytes{mountpoint="/var/lib/{{svc}}"} / node_filesystem_size_bytes{mountpoint="/var/lib/{{svc}}"}

rate(process_cpu_seconds_total{job="{{svc}}"}[{{n}}m])`),
		frobHeads: lines(`frob.target "{{svc}}" pod={{pod}} {`),
		frobChunks: chunks(`  namespace = "{{ns}}"

  knob retries {{n}}
  knob backoff {{n}}s

  twiddle --mode=gentle --window={{n}}m

  when lag > {{big}} {
    escalate @{{owner}}
  }

  # frobnicate keeps the old value for {{n}} minutes
  hold {{word}}.cache until "{{date}}"

  emit metric "{{metric}}" every 30s`),
		jsonFields: lines(`"service": "{{svc}}"
"namespace": "{{ns}}"
"region": "{{region}}"
"replicas": {{n}}
"error_rate": 0.{{n}}
"p99_ms": {{big}}
"degraded": true
"owner": "{{owner}}"
"last_deploy": "{{date}}T{{time}}Z"
"commit": "{{sha}}"
"pool": {"max": {{big}}, "idle": {{n}}}
"tags": ["{{word}}", "{{comp}}", "prod"]
"checks": {"db": "ok", "cache": "timeout"}`),
		yamlHeads: chunks(`apiVersion: v1
kind: ConfigMap
metadata:
  name: {{svc}}-{{tok}}
  namespace: {{ns}}
data:

# {{svc}} as deployed when {{pod}} failed
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{svc}}
  namespace: {{ns}}
spec:
  replicas: {{n}}
  template:
    metadata:
      labels:

# alert rule that first fired for {{pod}}
groups:
  - name: {{svc}}.rules
    rules:
      - alert: {{alert}}
        expr: rate(http_requests_total{service="{{svc}}", code=~"5.."}[5m]) > 0.{{n}}
        for: 5m
        labels:`),
		yamlFields: lines(`pool_size: "{{n}}"
timeout: "{{n}}s"
region: {{region}}
owner: {{owner}}
severity: page
feature_{{word}}: "false"
max_retries: "{{n}}"
cache_ttl: "{{big}}s"
log_level: info
tier: backend`),
	}
}
