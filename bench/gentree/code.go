package gentree

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// codeBlock is one fenced code block; lang "" is a fence with no language.
type codeBlock struct {
	lang string
	body string // lines without the fences, each ending in "\n"
}

// weighted is a fence language and how often it is drawn.
type weighted struct {
	lang   string
	weight int
}

// languages lists fence languages with their weight in a tree. "" is a
// fence with no language; "frobnicate" is a language no highlighter knows,
// so it must fall back to plain text.
func languages() []weighted {
	return []weighted{
		{"bash", 25}, {"console", 18}, {"yaml", 12}, {"json", 10},
		{"sql", 10}, {"promql", 10}, {"", 9}, {"frobnicate", 6},
	}
}

// codeLines draws how many lines a block has: 5 to 25, mostly short.
func codeLines(r *rand.Rand) int {
	return 5 + min(r.IntN(21), r.IntN(21), r.IntN(21), r.IntN(21), r.IntN(21))
}

// newCode writes a block in a language drawn by weight. Its first lines name
// c.pod, which carries c.tok, so blocks with distinct tokens differ.
func (lx *lexicon) newCode(r *rand.Rand, c *pageCtx) codeBlock {
	langs := languages()
	total := 0
	for _, l := range langs {
		total += l.weight
	}
	x := r.IntN(total)
	lang := langs[0].lang
	for _, l := range langs {
		if x < l.weight {
			lang = l.lang
			break
		}
		x -= l.weight
	}
	n := codeLines(r)
	var out []string
	switch lang {
	case "bash":
		out = fill(n, []string{c.expand(pick(r, lx.bashHeads))}, func(int) []string {
			return []string{c.expand(pick(r, lx.bashLines))}
		})
	case "console":
		out = fill(n, splitLines(c.expand(lx.consoleCommands[0])), func(left int) []string {
			return c.fitting(r, lx.consoleCommands[1:], left, false, "$ sleep {{n}}")
		})
	case "yaml":
		head := splitLines(c.expand(pick(r, lx.yamlHeads)))
		last := head[len(head)-1]
		indent := strings.Repeat(" ", len(last)-len(strings.TrimLeft(last, " "))+2)
		fields := r.Perm(len(lx.yamlFields))
		out = fill(n, head, func(int) []string {
			if len(fields) == 0 {
				return []string{indent + c.expand("label_{{n}}_{{rand5}}: \"{{word}}\"")}
			}
			f := lx.yamlFields[fields[0]]
			fields = fields[1:]
			return []string{indent + c.expand(f)}
		})
	case "json":
		fields := r.Perm(len(lx.jsonFields))
		body := fill(n-2, []string{c.expand(`"pod": "{{pod}}"`)}, func(int) []string {
			if len(fields) == 0 {
				return []string{c.expand(`"extra_{{rand5}}": {{big}}`)}
			}
			f := lx.jsonFields[fields[0]]
			fields = fields[1:]
			return []string{c.expand(f)}
		})
		out = append(out, "{")
		for i, f := range body {
			sep := ","
			if i == len(body)-1 {
				sep = ""
			}
			out = append(out, "  "+f+sep)
		}
		out = append(out, "}")
	case "sql":
		head := splitLines(lx.sqlChunks[0])
		out = fill(n, []string{c.expand(head[0])}, func(left int) []string {
			return c.fitting(r, lx.sqlChunks[1:], left, true, "SHOW max_connections;")
		})
	case "promql":
		out = fill(n, splitLines(c.expand(lx.promqlChunks[0])), func(left int) []string {
			return c.fitting(r, lx.promqlChunks[1:], left, true, `up{job="{{svc}}"} == 0`)
		})
	case "":
		out = fill(n, []string{c.expand(lx.plainLines[0])}, func(int) []string {
			return []string{c.expand(pick(r, lx.plainLines))}
		})
	case "frobnicate":
		out = fill(n-1, []string{c.expand(pick(r, lx.frobHeads))}, func(left int) []string {
			return c.fitting(r, lx.frobChunks, left, false, "  knob retries {{n}}")
		})
		out = append(out, "}")
	}
	return codeBlock{lang: lang, body: strings.Join(out, "\n") + "\n"}
}

// fitting expands a piece drawn from pieces that fits in left lines, or
// oneLiner if none does. With gap, a piece that fits in left-1 lines gets a
// blank line before it, as statements in a file do.
func (c *pageCtx) fitting(r *rand.Rand, pieces []string, left int, gap bool, oneLiner string) []string {
	room := left
	if gap && left > 1 {
		room--
	}
	var fit []string
	for _, p := range pieces {
		if strings.Count(p, "\n")+1 <= room {
			fit = append(fit, p)
		}
	}
	if len(fit) == 0 {
		return []string{c.expand(oneLiner)}
	}
	piece := splitLines(c.expand(pick(r, fit)))
	if room < left {
		piece = append([]string{""}, piece...)
	}
	return piece
}

// fill returns exactly n lines: head (cut to n), then pieces from next,
// which is told how many lines are left. A piece that does not fit is
// replaced by a one-line piece, asked for with left = 1.
func fill(n int, head []string, next func(left int) []string) []string {
	out := head[:min(len(head), n)]
	for len(out) < n {
		left := n - len(out)
		piece := next(left)
		if len(piece) > left {
			piece = next(1)[:1]
		}
		out = append(out, piece...)
	}
	return out
}

func splitLines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

// codePool writes the poolSize blocks a Repeat tree draws its code from,
// each with its own service and token.
func codePool(seed int64, lx *lexicon) []codeBlock {
	r := rand.New(rand.NewPCG(uint64(seed), math.MaxUint64))
	pool := make([]codeBlock, poolSize)
	for i := range pool {
		c := newPageCtx(r, lx, lx.serviceName(r.IntN(3*len(lx.services))), pick(r, lx.components), pick(r, lx.owners), "")
		c.setBlock(i)
		pool[i] = lx.newCode(r, c)
	}
	return pool
}

// token encodes a block number as the 5-character suffix Kubernetes gives
// pod names, so every block of a tree can name a pod of its own.
func token(n int) string {
	s := strconv.FormatInt(int64(n), 36)
	if len(s) < 5 {
		s = strings.Repeat("0", 5-len(s)) + s
	}
	return s
}
