package meta

import (
	"bytes"
	"unicode/utf8"
)

// Limits on what a page may hold, so that a hostile or broken file cannot
// make the Markdown parser run for minutes or fill memory. They are sizes,
// not times, so a page is accepted or refused the same way on every machine.
const (
	// MaxPageBytes is the largest page accepted. Parsing and rendering take
	// about 60 bytes of memory per byte of Markdown, so a page this size
	// needs some 250 MB; real runbooks are a few kilobytes.
	MaxPageBytes = 4 << 20
	// MaxNesting is how deep block quotes and list items may nest. The
	// parser's time grows with the square of the depth: 20,000 levels on
	// one line take seconds, and a 4 MB line of "> " would take hours.
	MaxNesting = 100
	// MaxTableFill is how many empty cells a page's tables may need to be
	// filled in with. A table's rows are padded to its header's width, so
	// a header of 2,000 columns over 2,000 one-cell rows (16 KB) renders 4
	// million cells (40 MB).
	MaxTableFill = 100_000
)

// checkLimits reports, as an error problem, the first way body goes past
// the limits above, and whether it is within them.
func (p *parser) checkLimits(body []byte, bodyLine int) bool {
	fill := 0
	for off, n := 0, 0; off < len(body); n++ {
		line, next := lineAt(body, off)
		off = next
		if depth, at := nesting(line); depth > MaxNesting {
			p.errorf(bodyLine+n, utf8.RuneCount(line[:at])+1, "page-limit",
				"block quotes and lists nest more than %d levels deep", MaxNesting)
			return false
		}
		cols := delimiterRow(line)
		if cols == 0 {
			continue
		}
		delim := n
		for off < len(body) {
			row, next := lineAt(body, off)
			row = containerless(row)
			if len(bytes.TrimSpace(row)) == 0 {
				break
			}
			fill += max(cols-cells(row), 0)
			off, n = next, n+1
		}
		if fill > MaxTableFill {
			p.errorf(bodyLine+delim, 1, "page-limit",
				"table rows have fewer cells than its %d columns: filling them in would take more than %d empty cells", cols, MaxTableFill)
			return false
		}
	}
	return p.checkWork(body, bodyLine)
}

// lineAt returns the line of data that starts at off, without its "\n",
// and the offset of the next line.
func lineAt(data []byte, off int) (line []byte, next int) {
	if i := bytes.IndexByte(data[off:], '\n'); i >= 0 {
		return data[off : off+i], off + i + 1
	}
	return data[off:], len(data)
}

// nesting returns how many block quote and list item markers open line,
// and the byte offset of the marker that goes past MaxNesting. Thematic
// breaks ("* * *") are not list items.
func nesting(line []byte) (depth, at int) {
	if isThematicBreak(line) {
		return 0, 0
	}
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i >= len(line) {
			return depth, i
		}
		start := i
		switch c := line[i]; {
		case c == '>':
			i++
		case c == '-' || c == '+' || c == '*':
			if i+1 < len(line) && line[i+1] != ' ' && line[i+1] != '\t' {
				return depth, i
			}
			i++
		case '0' <= c && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && '0' <= line[j] && line[j] <= '9' {
				j++
			}
			if j >= len(line) || (line[j] != '.' && line[j] != ')') || (j+1 < len(line) && line[j+1] != ' ' && line[j+1] != '\t') {
				return depth, i
			}
			i = j + 1
		default:
			return depth, i
		}
		depth++
		if depth > MaxNesting {
			return depth, start
		}
	}
}

func isThematicBreak(line []byte) bool {
	var mark byte
	n := 0
	for _, c := range line {
		switch {
		case c == ' ' || c == '\t':
		case (c == '*' || c == '-' || c == '_') && (mark == 0 || c == mark):
			mark = c
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// containerless strips the block quote markers and indentation that open
// a line, leaving what a table row inside a quote or list would hold.
func containerless(line []byte) []byte {
	return bytes.TrimLeft(line, " \t>")
}

// delimiterRow returns the number of columns of a GFM table delimiter row
// ("| --- | :-: |"), or 0 when line is not one.
func delimiterRow(line []byte) int {
	row := bytes.TrimSpace(containerless(line))
	if bytes.IndexByte(row, '|') < 0 || bytes.IndexByte(row, '-') < 0 {
		return 0
	}
	row = bytes.TrimPrefix(row, []byte("|"))
	row = bytes.TrimSuffix(row, []byte("|"))
	cols := 0
	for _, cell := range bytes.Split(row, []byte("|")) {
		cell = bytes.TrimSpace(cell)
		cell = bytes.TrimPrefix(cell, []byte(":"))
		cell = bytes.TrimSuffix(cell, []byte(":"))
		if len(cell) == 0 || len(bytes.Trim(cell, "-")) != 0 {
			return 0
		}
		cols++
	}
	return cols
}

// cells returns the number of cells of a table row: its unescaped pipes,
// less a leading and a trailing one.
func cells(row []byte) int {
	row = bytes.TrimSpace(row)
	n := 1
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			if i != 0 && i != len(row)-1 {
				n++
			}
		}
	}
	return n
}
