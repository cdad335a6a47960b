package meta

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"github.com/arcaapi/runbooks/build/fence"
)

// MaxParseWork is how many steps the Markdown parser may need for a page's
// link destinations and emphasis markers. Two patterns make it do work
// that grows with the square of their length: link destinations that never
// end ("[a](b" repeated: each one is read to the end of the line), and
// emphasis markers that can never pair ("*a_" repeated: each "_" looks
// back at every "*"). 64,000 of the first took 18 s, 80,000 of the second
// 69 s. A page is measured before it is parsed, counting the steps the
// parser would take; a step is a few nanoseconds, so this bound keeps any
// page well under a second, and an ordinary page needs about one step per
// byte.
const MaxParseWork = 20_000_000

// work counts the steps the Markdown parser would take on the
// link destinations and emphasis markers of a body, up to MaxParseWork.
type work struct {
	steps int
	// The emphasis markers of the current paragraph, as the parser keeps
	// them: a list that pairing shortens.
	delims []delim
	// Where the steps went past MaxParseWork: the closing marker being
	// paired, and how many markers the paragraph had.
	last     delim
	unpaired int
}

// delim is a run of "*", "_" or "~" that may open or close emphasis.
type delim struct {
	char             byte
	open, close      bool
	length, original int
	prev, next       int // indexes in work.delims, -1 at the ends
	line, col        int
}

// checkWork reports, as an error problem, where the body's paragraphs would
// make the Markdown parser take more than MaxParseWork steps, and whether
// they stay within it.
func (p *parser) checkWork(body []byte, bodyLine int) bool {
	var w work
	open := []byte(nil) // the fence of the code block the line is in
	opened := false     // a "[" earlier in the paragraph may open a link
	for off, n := 0, 0; off < len(body); n++ {
		line, next := lineAt(body, off)
		off = next
		trimmed := bytes.TrimLeft(containerless(line), " \t-*+")
		if open != nil {
			if fence.Closes(open, trimmed) {
				open = nil
			}
			continue
		}
		if r := fence.Run(trimmed); r != nil {
			open = r
			if !w.pair() {
				return p.tooComplex(w)
			}
			opened = false
			continue
		}
		if len(bytes.TrimSpace(line)) == 0 {
			// A blank line ends the paragraph: its markers are paired.
			if !w.pair() {
				return p.tooComplex(w)
			}
			opened = false
			continue
		}
		before := ' '
		col := 1 // of line[i], in characters
		for i := 0; i < len(line); {
			c := line[i]
			switch {
			case c == '\\' && i+1 < len(line) && line[i+1] < utf8.RuneSelf:
				before = rune(line[i+1])
				i, col = i+2, col+2
				continue
			case c == '[':
				opened = true
			case c == ']' && opened && i+1 < len(line) && line[i+1] == '(':
				w.steps += destination(line[i+2:])
				if w.steps > MaxParseWork {
					p.errorf(bodyLine+n, col, "page-too-complex",
						"link destinations here never end (no closing \")\" or \">\"): reading them would take the Markdown parser more than %d steps; close them or put them on separate lines", MaxParseWork)
					return false
				}
			case c == '*' || c == '_' || c == '~':
				j := i
				for j < len(line) && line[j] == c {
					j++
				}
				after := ' '
				if j < len(line) {
					after, _ = utf8.DecodeRune(line[j:])
				}
				w.add(c, j-i, before, after, bodyLine+n, col)
				before = rune(c)
				i, col = j, col+j-i
				continue
			}
			r, size := utf8.DecodeRune(line[i:])
			before = r
			i, col = i+size, col+1
		}
	}
	if !w.pair() {
		return p.tooComplex(w)
	}
	return true
}

// tooComplex reports that the paragraph whose markers w holds is past
// MaxParseWork.
func (p *parser) tooComplex(w work) bool {
	at := w.last
	p.errorf(at.line, at.col, "page-too-complex",
		"too many \"*\", \"_\" or \"~\" markers cannot pair (this paragraph has %d): matching them would take the Markdown parser more than %d steps on this page; escape them (\\*) or use fewer", w.unpaired, MaxParseWork)
	return false
}

// destination returns how many bytes the parser reads of a link
// destination that starts s (after "]("): up to the first space or an
// unbalanced ")", or to the ">" of one in angle brackets; to the end of the
// line when it never ends.
func destination(s []byte) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i < len(s) && s[i] == '<' {
		if j := bytes.IndexByte(s[i:], '>'); j >= 0 {
			return i + j + 1
		}
		return len(s)
	}
	depth := 0
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth < 0 {
				return i + 1
			}
		case c == ' ' || c == '\t':
			return i + 1
		}
	}
	return len(s)
}

// add appends a run of length markers c to the paragraph's list, with the
// characters around it, as the parser would.
func (w *work) add(c byte, length int, before, after rune, line, col int) {
	beforePunct, beforeSpace := isPunct(before), unicode.IsSpace(before)
	afterPunct, afterSpace := isPunct(after), unicode.IsSpace(after)
	left := !afterSpace && (!afterPunct || beforeSpace || beforePunct)
	right := !beforeSpace && (!beforePunct || afterSpace || afterPunct)
	open, close := left, right
	if c == '_' {
		open = left && (!right || beforePunct)
		close = right && (!left || afterPunct)
	}
	if c == '~' && length > 2 {
		return // not strikethrough
	}
	if !open && !close {
		return
	}
	d := delim{char: c, open: open, close: close, length: length, original: length, prev: len(w.delims) - 1, next: -1, line: line, col: col}
	if d.prev >= 0 {
		w.delims[d.prev].next = len(w.delims)
	}
	w.delims = append(w.delims, d)
}

func isPunct(r rune) bool {
	if r < utf8.RuneSelf {
		return r != ' ' && r < 0x7f && r > ' ' && !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// pair pairs the paragraph's markers as the parser does, counting its
// steps, and empties the list. It reports false, leaving the list as it
// was, when the steps go past MaxParseWork.
func (w *work) pair() bool {
	ds := w.delims
	defer func() { w.delims = w.delims[:0] }()
	remove := func(i int) {
		if p := ds[i].prev; p >= 0 {
			ds[p].next = ds[i].next
		}
		if n := ds[i].next; n >= 0 {
			ds[n].prev = ds[i].prev
		}
	}
	closer := 0
	if len(ds) == 0 {
		return true
	}
	for closer >= 0 {
		cl := &ds[closer]
		if !cl.close {
			closer = cl.next
			continue
		}
		consume, found, maybe := 0, false, false
		op := cl.prev
		for ; op >= 0; op = ds[op].prev {
			w.steps++
			o := &ds[op]
			if o.open && o.char == cl.char {
				maybe = true
				consume = consumption(o, cl)
				if consume > 0 {
					found = true
					break
				}
			}
		}
		if w.steps > MaxParseWork {
			w.last, w.unpaired = *cl, len(ds)
			return false
		}
		if !found {
			next := cl.next
			if !maybe && !cl.open {
				remove(closer)
			}
			closer = next
			continue
		}
		o := &ds[op]
		o.length -= consume
		cl.length -= consume
		for c := o.next; c >= 0 && c != closer; {
			next := ds[c].next
			remove(c)
			w.steps++
			c = next
		}
		if o.length == 0 {
			remove(op)
		}
		if cl.length == 0 {
			next := cl.next
			remove(closer)
			closer = next
		}
	}
	return true
}

// consumption is how many characters a pairing of o and cl uses, 0 when
// they cannot pair (the "rule of 3").
func consumption(o, cl *delim) int {
	if (o.close || cl.open) && (o.original+cl.original)%3 == 0 && cl.original%3 != 0 {
		return 0
	}
	if o.length >= 2 && cl.length >= 2 {
		return 2
	}
	return 1
}
