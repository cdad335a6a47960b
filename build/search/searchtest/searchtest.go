// Package searchtest implements a generator of synthetic runbook pages, as
// the parse stage leaves them, for measuring the search index at scale in
// benchmarks and browser tests.
package searchtest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/arcaapi/runbooks/build/page"
)

// head is the vocabulary every runbook uses: the Zipf distribution draws
// these words most often.
var head = strings.Fields(`the api database pool connection connections latency error errors
rate request requests kubectl pod pods deployment restart rollout undo scale replicas
namespace service grafana dashboard alert alerts prometheus query metric redis memory
cpu disk node cluster certificate expired timeout timeouts retry queue webhook worker
invoice invoices arca wsfe wsaa ticket token login upstream downstream primary replica
postgres pgbouncer migration backup restore snapshot volume ingress dns tls load balancer
check verify confirm look compare limit limits threshold percentile p95 p99 seconds
minutes hours customer customers impact severity incident escalate page on-call owner
team channel status update rollback revert deploy release version config secret vault`)

// Alert names are built from these, as real ones are: service, component,
// condition.
var (
	services   = strings.Fields("Arca Api Db Redis Webhook Queue Ingress Node Kube Postgres Pgbouncer Cert Billing Auth Invoice Storage Dns Backup Search Cache")
	components = strings.Fields("Wsfe Wsaa Pool Replica Primary Worker Latency Memory Cpu Disk Connection Request Error Queue Token Ticket Volume Snapshot Lag Throughput Sessions Locks Evictions Restarts Rollout")
	conditions = strings.Fields("High Low Down Failing Exhausted Stuck Saturated Expired ExpiringSoon Missing Slow Flapping Critical Warning Degraded Unavailable Growing Stalled")
)

// Pages returns n incident runbooks, the same for the same n: a title,
// an alert, the template's sections with Zipf-distributed words (a few
// hundred per page) and "Step N" headings under Diagnosis.
func Pages(n int) []*page.Page {
	rng := rand.New(rand.NewPCG(1, 2))
	syll := strings.Fields("ar ca db po ol ex ha us te red is la ten cy fe cert ro ll back ma no de ki mi gra tion vo lu qu mer")
	vocab := append([]string(nil), head...)
	for len(vocab) < 30000 {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		vocab = append(vocab, b.String())
	}
	zipf := rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1))
	words := func(k int) string {
		var b strings.Builder
		for range k {
			b.WriteString(vocab[zipf.Uint64()])
			b.WriteByte(' ')
		}
		return b.String()
	}
	sections := []string{"Symptoms", "Impact", "Prerequisites", "Diagnosis", "Resolution", "Verification", "Follow-Up", "Prevention"}
	pages := make([]*page.Page, n)
	for i := range pages {
		alert := Alert(i)
		title := fmt.Sprintf("%s %s %s", strings.ToUpper(vocab[rng.IntN(200)][:1])+vocab[rng.IntN(200)][1:], vocab[200+rng.IntN(5000)], vocab[200+rng.IntN(5000)])
		p := &page.Page{
			Path: fmt.Sprintf("team%02d/rb-%05d.md", i%20, i),
			URL:  fmt.Sprintf("team%02d/rb-%05d/", i%20, i),
			Meta: page.Meta{Title: title, Type: page.Incident, Severity: fmt.Sprintf("SEV%d", 1+i%3), Alerts: []string{alert}},
		}
		h1 := strings.ToLower(strings.ReplaceAll(title, " ", "-"))
		p.Headings = append(p.Headings, page.Heading{Level: 1, Text: title, ID: h1})
		p.Sections = append(p.Sections, page.Section{ID: h1, Title: title, Text: words(40)})
		for j, s := range sections {
			id := strings.ToLower(s)
			text := words(50)
			if j == 0 {
				text = alert + " fires. " + text
			}
			p.Headings = append(p.Headings, page.Heading{Level: 2, Text: s, ID: id})
			p.Sections = append(p.Sections, page.Section{ID: id, Title: s, Text: text})
			if s == "Diagnosis" {
				for k := 1; k <= 4; k++ {
					h := fmt.Sprintf("Step %d: Check the %s %s", k, vocab[rng.IntN(300)], vocab[rng.IntN(3000)])
					hid := fmt.Sprintf("step-%d", k)
					p.Headings = append(p.Headings, page.Heading{Level: 3, Text: h, ID: hid})
					p.Sections = append(p.Sections, page.Section{ID: hid, Title: h, Text: words(40)})
				}
			}
		}
		pages[i] = p
	}
	return pages
}

// Alert returns the alert name of page i of Pages: unique for i below
// 10,000, as "ArcaWsfeLatencyHigh" is.
func Alert(i int) string {
	s := services[i%len(services)]
	c := components[(i/len(services))%len(components)]
	k := conditions[(i/(len(services)*len(components)))%len(conditions)]
	if i >= len(services)*len(components)*len(conditions) {
		return fmt.Sprintf("%s%s%s%d", s, c, k, i)
	}
	return s + c + k
}
