package gentree

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// pageCtx holds what the {{key}} placeholders of one page expand to. Keys
// such as {{n}} draw a fresh value at every use.
type pageCtx struct {
	r      *rand.Rand
	lx     *lexicon
	svc    string
	ns     string
	db     string
	comp   string
	owner  string
	region string
	alert  string
	metric string
	rs     string // replica-set hash in pod names
	tok    string // current code block's token
	pod    string // current code block's pod, ends in tok
}

func newPageCtx(r *rand.Rand, lx *lexicon, svc, comp, owner, alert string) *pageCtx {
	c := &pageCtx{
		r:      r,
		lx:     lx,
		svc:    svc,
		ns:     strings.SplitN(svc, "-", 2)[0],
		db:     strings.ReplaceAll(svc, "-", "_"),
		comp:   comp,
		owner:  owner,
		region: pick(r, lx.regions),
		alert:  alert,
		metric: pick(r, lx.metrics),
		rs:     strconv.FormatUint(r.Uint64()>>24, 16),
	}
	if c.alert == "" {
		c.alert = "HighErrorRate"
	}
	return c
}

// setBlock gives the next code block its own token and pod name.
func (c *pageCtx) setBlock(n int) {
	c.tok = token(n)
	c.pod = c.svc + "-" + c.rs + "-" + c.tok
}

// expand replaces the known {{key}} placeholders in tpl; other text,
// including PromQL's and Go templates' braces, is kept as it is.
func (c *pageCtx) expand(tpl string) string {
	var b strings.Builder
	for {
		i := strings.Index(tpl, "{{")
		if i < 0 {
			b.WriteString(tpl)
			return b.String()
		}
		j := strings.Index(tpl[i:], "}}")
		if j < 0 {
			b.WriteString(tpl)
			return b.String()
		}
		b.WriteString(tpl[:i])
		key := tpl[i+2 : i+j]
		if v, ok := c.value(key); ok {
			b.WriteString(v)
		} else {
			b.WriteString(tpl[i : i+j+2])
		}
		tpl = tpl[i+j+2:]
	}
}

func (c *pageCtx) value(key string) (string, bool) {
	r := c.r
	switch key {
	case "svc":
		return c.svc, true
	case "ns":
		return c.ns, true
	case "db":
		return c.db, true
	case "comp":
		return c.comp, true
	case "owner":
		return c.owner, true
	case "region":
		return c.region, true
	case "alert":
		return c.alert, true
	case "metric":
		return c.metric, true
	case "rs":
		return c.rs, true
	case "tok":
		return c.tok, true
	case "pod":
		return c.pod, true
	case "rand5":
		return token(r.IntN(36 * 36 * 36 * 36 * 36)), true
	case "n":
		return strconv.Itoa(2 + r.IntN(62)), true
	case "big":
		return strconv.Itoa(100 + r.IntN(9900)), true
	case "pct":
		return strconv.Itoa(1 + r.IntN(98)), true
	case "sha":
		return fmt.Sprintf("%07x", r.Uint32()>>4), true
	case "uid":
		return token(r.IntN(1<<25)) + token(r.IntN(1<<25)), true
	case "date":
		return fmt.Sprintf("2026-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28)), true
	case "time":
		return fmt.Sprintf("%02d:%02d:%02d", r.IntN(24), r.IntN(60), r.IntN(60)), true
	case "word":
		return pick(r, c.lx.nouns), true
	}
	return "", false
}

// pageGen renders the pages of one planned tree.
type pageGen struct {
	lx     *lexicon
	plan   []*runbook
	byTeam [][]*runbook
	pool   []codeBlock // shared code blocks; nil means every block is new
}

func newPageGen(lx *lexicon, plan []*runbook) *pageGen {
	pg := &pageGen{lx: lx, plan: plan}
	for _, rb := range plan {
		for len(pg.byTeam) <= rb.team {
			pg.byTeam = append(pg.byTeam, nil)
		}
		pg.byTeam[rb.team] = append(pg.byTeam[rb.team], rb)
	}
	return pg
}

// link is a relative link from the page being written to another runbook.
type link struct {
	title string
	href  string
}

// links draws 6 or 7 link targets for rb, two thirds of them in rb's own team,
// every other one with an anchor taken from the target's headings.
func (pg *pageGen) links(r *rand.Rand, rb *runbook) []link {
	n := 6 + r.IntN(2)
	out := make([]link, n)
	for i := range out {
		t := pg.target(r, rb)
		href := relLink(rb.path, t.path)
		if i%2 == 0 {
			href += "#" + pick(r, t.ids)
		}
		out[i] = link{title: t.title, href: href}
	}
	return out
}

func (pg *pageGen) target(r *rand.Rand, rb *runbook) *runbook {
	if len(pg.plan) == 1 {
		return rb
	}
	for {
		candidates := pg.plan
		if r.IntN(3) > 0 {
			candidates = pg.byTeam[rb.team]
		}
		if t := pick(r, candidates); t != rb {
			return t
		}
	}
}

// page accumulates one page's Markdown.
type page struct {
	strings.Builder
	pg     *pageGen
	r      *rand.Rand
	c      *pageCtx
	rb     *runbook
	links  []link
	slots  []bool // slots[i] reports whether code slot i gets a block
	slot   int
	blocks int
}

func (p *page) para(tpl string) {
	p.WriteString(p.c.expand(tpl))
	p.WriteString("\n\n")
}

func (p *page) heading(level int, text string) {
	fmt.Fprintf(p, "%s %s\n\n", strings.Repeat("#", level), text)
}

// list writes k items drawn from tpls as a list; marker is "- ", "1. " or
// "- [ ] ".
func (p *page) list(marker string, tpls []string, k int) {
	for i, t := range sample(p.r, tpls, k) {
		m := marker
		if marker == "1. " {
			m = strconv.Itoa(i+1) + ". "
		}
		if marker == "- [ ] " && i == 0 && p.r.IntN(3) == 0 {
			m = "- [x] "
		}
		p.WriteString(m + p.c.expand(t) + "\n")
	}
	p.WriteString("\n")
}

// nextLink writes the next link as a sentence drawn from the link notes.
func (p *page) nextLink() {
	l := p.links[0]
	p.links = p.links[1:]
	s := strings.NewReplacer("{{title}}", l.title, "{{href}}", l.href).Replace(pick(p.r, p.pg.lx.linkNotes))
	p.WriteString(s + "\n\n")
}

// code writes a code block if the current slot was drawn for one.
func (p *page) code() bool {
	has := p.slots[p.slot]
	p.slot++
	if !has {
		return false
	}
	var b codeBlock
	if p.pg.pool != nil {
		b = pick(p.r, p.pg.pool)
	} else {
		p.c.setBlock(p.rb.index*8 + p.blocks)
		b = p.pg.lx.newCode(p.r, p.c)
	}
	p.blocks++
	fmt.Fprintf(p, "```%s\n%s```\n\n", b.lang, b.body)
	return true
}

// runbook renders rb. Everything random comes from r, so a page depends
// only on the seed, its index and the plan.
func (pg *pageGen) runbook(r *rand.Rand, rb *runbook) []byte {
	lx := pg.lx
	alerts := []string{fmt.Sprintf("GenAlert%05da", rb.index)}
	if r.IntN(2) == 0 {
		alerts = append(alerts, fmt.Sprintf("GenAlert%05db", rb.index))
	}
	p := &page{pg: pg, r: r, rb: rb, links: pg.links(r, rb)}
	p.c = newPageCtx(r, lx, rb.service, rb.component, lx.owner(rb.team), alerts[0])

	// Code slots: one per step, plus four (incident) or three (maintenance)
	// fixed places, in page order; 3 to 8 of them get a block.
	nslots := len(rb.steps) + 4
	if rb.maintenance {
		nslots--
	}
	m := min(8, nslots) - 2
	k := 3 + min(r.IntN(m), r.IntN(m), r.IntN(m))
	p.slots = make([]bool, nslots)
	for _, i := range r.Perm(nslots)[:k] {
		p.slots[i] = true
	}
	// Two steps carry an inline link.
	linked := make([]bool, len(rb.steps))
	for _, i := range r.Perm(len(rb.steps))[:2] {
		linked[i] = true
	}

	p.WriteString("---\n")
	fmt.Fprintf(p, "title: %s\n", rb.title)
	if rb.maintenance {
		p.WriteString("type: maintenance\n")
	} else {
		fmt.Fprintf(p, "severity: SEV%d\n", 1+r.IntN(3))
	}
	fmt.Fprintf(p, "owner: %s\n", p.c.owner)
	fmt.Fprintf(p, "last_updated: 2026-%02d-%02d\n", 1+r.IntN(12), 1+r.IntN(28))
	p.WriteString("review_every: 90\nalerts:\n")
	for _, a := range alerts {
		fmt.Fprintf(p, "  - %s\n", a)
	}
	p.WriteString("---\n\n")
	p.heading(1, "Runbook: "+rb.title)

	steps := func() {
		for i, s := range rb.steps {
			p.heading(3, s)
			p.para(pick(r, lx.stepNotes))
			if linked[i] {
				p.nextLink()
			}
			if p.code() && r.IntN(6) == 0 {
				p.para(pick(r, lx.expected))
			}
		}
	}

	if rb.maintenance {
		p.para(pick(r, lx.maintIntros))
		p.heading(2, "Prerequisites")
		p.WriteString("| Requirement | Owner | Status |\n| --- | --- | --- |\n")
		for _, row := range sample(r, lx.maintRequirements, 3+r.IntN(2)) {
			p.WriteString("| " + p.c.expand(row) + " |\n")
		}
		p.WriteString("\n")
		p.list("- ", lx.prerequisites, 2+r.IntN(2))
		p.code()
		p.heading(2, "Procedure")
		steps()
		p.heading(2, "Rollback")
		p.para(pick(r, lx.rollbacks))
		p.code()
		p.nextLink()
		p.heading(2, "Verification")
		p.list("- [ ] ", lx.checks, 3+r.IntN(3))
		p.code()
		p.para("If a check fails, run the [Rollback](#rollback) at once.")
		p.heading(2, "Related Runbooks")
	} else {
		p.para(pick(r, lx.intros))
		p.heading(2, "Symptoms")
		p.list("- ", lx.symptoms, 2)
		p.heading(2, "Impact")
		p.WriteString("| Area | Effect | Scope |\n| --- | --- | --- |\n")
		for _, row := range sample(r, lx.impactRows, 2) {
			p.WriteString("| " + p.c.expand(row) + " |\n")
		}
		p.WriteString("\n")
		if r.IntN(3) == 0 {
			p.para(pick(r, lx.impactNotes))
		}
		p.heading(2, "Prerequisites")
		p.list("- ", lx.prerequisites, 2)
		p.heading(2, "Diagnosis")
		steps()
		p.heading(2, "Resolution")
		p.heading(3, "Quick Fix (Temporary)")
		p.para(pick(r, lx.quickFixes))
		p.code()
		p.heading(3, "Permanent Fix")
		p.list("1. ", lx.permanentFixes, 2)
		p.code()
		p.heading(3, "Rollback Procedure")
		p.para(pick(r, lx.rollbacks))
		p.code()
		p.heading(2, "Verification")
		p.list("- [ ] ", lx.checks, 3)
		p.code()
		p.para("If a check fails, go back to [Diagnosis](#diagnosis).")
		p.heading(2, "Follow-Up")
		p.WriteString("**Immediate:**\n\n")
		p.list("- ", lx.followUps[:3], 1)
		p.WriteString("**Short-term (24 hours):**\n\n")
		p.list("- ", lx.followUps[3:], 1)
		p.heading(2, "Prevention")
		p.list("- ", lx.preventions, 1)
		p.nextLink()
		p.heading(2, "Related Runbooks")
	}
	for _, l := range p.links {
		if r.IntN(3) > 0 {
			fmt.Fprintf(p, "- [%s](%s)\n", l.title, l.href)
		} else {
			fmt.Fprintf(p, "- [%s](%s) - %s\n", l.title, l.href, pick(r, lx.relatedReasons))
		}
	}
	p.WriteString("\n")
	if !rb.maintenance {
		p.heading(2, "References")
		p.list("- ", lx.references, 1+r.IntN(2))
	}
	return []byte(strings.TrimRight(p.String(), "\n") + "\n")
}

// readme renders the root README.md: a title and one row per team, each
// linking to the team's first runbook.
func (pg *pageGen) readme() []byte {
	var b strings.Builder
	b.WriteString("---\ntitle: Runbooks\n---\n\n# Runbooks\n\n")
	fmt.Fprintf(&b, "Operational runbooks of %d teams: %d pages in total. Each team folder holds one folder per service.\n\n",
		len(pg.byTeam), len(pg.plan))
	b.WriteString("| Team | Owner | Runbooks | Start with |\n| --- | --- | ---: | --- |\n")
	for team, rbs := range pg.byTeam {
		if len(rbs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "| team-%02d | %s | %d | [%s](%s) |\n", team, pg.lx.owner(team), len(rbs), rbs[0].title, rbs[0].path)
	}
	return []byte(b.String())
}
