// Package highlight implements syntax highlighting of code blocks with
// chroma, emitting CSS classes (never inline styles). Lexers are looked up
// once per language, identical blocks are highlighted once, and results can
// be kept in a persistent cache between builds.
package highlight

import (
	"bytes"
	"container/list"
	"context"
	"fmt"
	"html"
	"strings"
	"sync"
	"time"

	"github.com/alecthomas/chroma/v2"

	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/highlight/lexer"
)

// Limits beyond which a block is shown as plain text: chroma's regexp lexers
// can backtrack badly on huge inputs, and a size limit, unlike a time limit,
// keeps the output the same on every machine.
const (
	MaxBlockBytes = 256 << 10
	MaxLineBytes  = 8 << 10
)

// MaxLexTime bounds the time spent lexing one block, after which it is
// shown as plain text. The size limits keep ordinary code well inside it,
// but some of chroma's lexers backtrack on hostile input of any size: 16 KB
// of "[" takes the YAML lexer over a minute.
//
// It is CPU time of the thread doing the lexing where the system can tell
// it (Linux), so that a busy machine, which gives the thread less of each
// second, does not turn highlighted blocks into plain ones and the output
// stays the same. Reading that clock is a system call, so it is first read
// only once a block has taken MaxLexTime/8 of wall time, which ordinary
// blocks never do, and only the CPU time after that reading is counted. A
// block is therefore cut off only after it has used more than MaxLexTime
// of CPU time, and by the time it has used MaxLexTime*9/8 of it (2.25 s),
// give or take the one token the lexer is making (chroma gives each
// pattern match 250 ms). Elsewhere it is wall time, exactly MaxLexTime.
const MaxLexTime = 2 * time.Second

// MaxLateBlocks is how many blocks may run out of lexing time before the
// Highlighter stops lexing altogether, so that a page of many slow blocks
// costs seconds, not hours (a 4 MB page holds a thousand 3 KB blocks that
// each take the YAML lexer two seconds): about MaxLateBlocks times the
// bound of MaxLexTime, and the blocks already being lexed by then.
const MaxLateBlocks = 8

// MemBudget bounds the bytes of highlighted HTML a preview server's
// Highlighter keeps in memory; past it, the blocks used least recently
// are forgotten, and highlighted again if they come back. A preview
// server highlights every new block of every save, so without a bound its
// memory grows with the length of the writing session.
const MemBudget = 64 << 20

// BuildBudget is the same bound for the Highlighter of one build. A
// build's repeats are mostly a few blocks used on many pages, which stay
// among the most recent (a tree whose 32,000 blocks draw on 200 lexes 167
// of them with either budget), and the store, when there is one, serves
// the others from its file, this build's blocks too. With MemBudget a
// build of 10,000 pages without repeats held 64 MiB to its end, and here
// every byte of peak memory costs a page fault and the collector's time.
const BuildBudget = 4 << 20

// keyOf returns the key of a block of code in lang, in memory and in the
// persistent store (whose file name carries the rest of what a block's
// HTML depends on: see Settings).
func keyOf(lang string, code []byte) cache.Key {
	return cache.KeyOf([]byte(lang), code)
}

// formatting is the options of a block's HTML, as data so that the store
// can be keyed by them. They are options of chroma's HTML formatter, whose
// output for them htmlWriter reproduces: html.New(html.WithClasses(true),
// html.PreventSurroundingPre(true), html.TabWidth(TabWidth),
// html.ClassPrefix(Prefix)). The tab width shapes chroma's CSS, not the
// HTML of a block; it stays in the store's key, which therefore did not
// change when htmlWriter took the place of chroma's formatter.
type formatting struct {
	Prefix   string // prefix of the CSS classes
	TabWidth int
}

// defaultFormatting is what the theme's chroma.css is written for.
var defaultFormatting = formatting{TabWidth: 4}

// settings describes everything but the block that its HTML depends on
// and the build identity does not name: the formatter's options and the
// lexer loop's version.
func (f formatting) settings() string {
	return fmt.Sprintf("formatter %+v; lexer loop %d", f, lexer.LoopVersion)
}

// Settings describes the highlighter's settings for the name of its
// persistent store (see cache.OpenBlocks).
func Settings() string { return defaultFormatting.settings() }

type entry struct {
	once sync.Once
	html string

	k    cache.Key
	elem *list.Element // in Highlighter.recent, once html is set; nil after eviction
}

// Highlighter highlights code blocks. It is safe for concurrent use; keep
// one per build, or one for the life of a preview server so unchanged
// blocks are never highlighted twice.
type Highlighter struct {
	prefix string        // of the CSS classes
	store  *cache.Blocks // nil for none
	bufs   sync.Pool     // of *[]byte, for the HTML of a block as it is written

	registry *chroma.LexerRegistry // chroma's lexers, in a faster loop

	mu      sync.Mutex
	lexers  map[string]chroma.Lexer // misses cached as nil
	blocks  map[cache.Key]*entry
	recent  *list.List // of *entry with their HTML, most recently used first
	memUsed int        // bytes of HTML of the entries in recent
	budget  int        // BuildBudget or MemBudget; smaller in tests
	stats   Stats
	lexTime time.Duration // MaxLexTime; shorter in tests
	late    int           // blocks that ran out of lexing time
}

// Stats counts what a Highlighter did.
type Stats struct {
	Lexed     int // blocks run through a lexer
	FromStore int // blocks taken from the persistent store
	Reused    int // blocks identical to one already highlighted
	Late      int // blocks shown as plain text because they ran out of lexing time
}

// Stats returns the counts so far.
func (h *Highlighter) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

// New returns the Highlighter of one build, which reads and fills store,
// which may be nil (open it with Settings), and keeps BuildBudget of HTML
// in memory.
func New(store *cache.Blocks) *Highlighter {
	return newWith(store, defaultFormatting)
}

// NewPreview returns the Highlighter of a preview server: it lives for
// the server's life, so that an unchanged block is never highlighted
// twice, and keeps up to MemBudget in memory rather than in a store, which
// would keep every block of the session.
func NewPreview() *Highlighter {
	h := New(nil)
	h.budget = MemBudget
	return h
}

func newWith(store *cache.Blocks, f formatting) *Highlighter {
	return &Highlighter{
		prefix:   f.Prefix,
		registry: lexer.NewRegistry(),
		store:    store,
		lexers:   map[string]chroma.Lexer{},
		blocks:   map[cache.Key]*entry{},
		recent:   list.New(),
		budget:   BuildBudget,
		lexTime:  MaxLexTime,
	}
}

// MemUsed returns the bytes of highlighted HTML kept in memory.
func (h *Highlighter) MemUsed() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.memUsed
}

// Highlight returns the HTML of code's tokens (without the surrounding
// <pre>) and whether a lexer for lang was found. For an unknown or missing
// language it returns the escaped plain text.
func (h *Highlighter) Highlight(lang string, code []byte) (string, bool) {
	return h.HighlightContext(context.Background(), lang, code)
}

// HighlightContext is Highlight that stops lexing when ctx is done, as on
// Ctrl-C or SIGTERM: the block is then returned as plain text and not kept,
// so that a later build highlights it afresh.
func (h *Highlighter) HighlightContext(ctx context.Context, lang string, code []byte) (string, bool) {
	lang = strings.ToLower(lang)
	lexer := h.lexer(lang)
	if lexer == nil || !highlightable(code) || h.tooLate() {
		return html.EscapeString(string(code)), lexer != nil
	}
	k := keyOf(lang, code)
	store := h.store
	h.mu.Lock()
	e, ok := h.blocks[k]
	if !ok {
		e = &entry{k: k}
		h.blocks[k] = e
	} else {
		h.stats.Reused++
		if e.elem != nil {
			h.recent.MoveToFront(e.elem)
		}
	}
	h.mu.Unlock()
	e.once.Do(func() {
		s, stored := store.Get(k)
		lexed := false
		if !stored {
			s, lexed = h.format(ctx, lexer, code)
			if lexed {
				store.Put(k, s) // a block that ran out of time is tried again next build
			}
		}
		e.html = s
		h.mu.Lock()
		if !stored && !lexed && ctx.Err() != nil {
			if h.blocks[k] == e { // cut short: forget it
				delete(h.blocks, k)
			}
			h.mu.Unlock()
			return
		}
		h.keep(e)
		if stored {
			h.stats.FromStore++
		} else {
			h.stats.Lexed++
		}
		h.mu.Unlock()
	})
	store.Use(k)
	return e.html, true
}

// keep adds a highlighted entry to the recent ones and forgets the least
// recently used while the HTML kept is over budget. h.mu is held.
func (h *Highlighter) keep(e *entry) {
	if h.blocks[e.k] != e { // forgotten while it was being highlighted
		return
	}
	e.elem = h.recent.PushFront(e)
	h.memUsed += len(e.html)
	for h.memUsed > h.budget && h.recent.Len() > 0 {
		old := h.recent.Remove(h.recent.Back()).(*entry)
		old.elem = nil
		h.memUsed -= len(old.html)
		delete(h.blocks, old.k)
	}
}

// tooLate reports whether MaxLateBlocks blocks have run out of lexing
// time: the content is hostile, and the rest of it is shown as plain text.
func (h *Highlighter) tooLate() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.late >= MaxLateBlocks
}

// highlightable reports whether code is small enough to lex safely.
func highlightable(code []byte) bool {
	if len(code) > MaxBlockBytes {
		return false
	}
	for len(code) > 0 {
		i := bytes.IndexByte(code, '\n')
		if i < 0 {
			return len(code) <= MaxLineBytes
		}
		if i > MaxLineBytes {
			return false
		}
		code = code[i+1:]
	}
	return true
}

func (h *Highlighter) lexer(lang string) chroma.Lexer {
	if lang == "" {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	l, ok := h.lexers[lang]
	if !ok {
		l = h.registry.Get(lang)
		h.lexers[lang] = l
	}
	return l
}

// format highlights code, or returns it as escaped plain text, and false,
// when lexing fails or takes longer than the block's lexing time (see
// MaxLexTime) or ctx is done.
func (h *Highlighter) format(ctx context.Context, lexer chroma.Lexer, code []byte) (out string, ok bool) {
	src := string(code)
	defer func() {
		// chroma's lexers panic on some input ("unknown state"); the
		// block is then shown as it is.
		if recover() != nil {
			out, ok = html.EscapeString(src), false
		}
	}()
	clock := startClock(h.lexTime)
	defer clock.stop()
	it, err := lexer.Tokenise(nil, src)
	if err != nil {
		return html.EscapeString(src), false
	}
	buf := h.buffer()
	w := htmlWriter{buf: (*buf)[:0], prefix: h.prefix}
	defer func() { *buf = w.buf; h.reuse(buf) }()
	done := ctx.Done()
	for {
		// Between any two tokens, a lexer that backtracks badly or a
		// build that is stopping (Ctrl-C) ends the block: the lexer
		// makes each token only when asked for it.
		if clock.over() {
			if ctx.Err() == nil {
				h.mu.Lock()
				h.late++
				h.stats.Late++
				h.mu.Unlock()
			}
			return html.EscapeString(src), false
		}
		select {
		case <-done:
			return html.EscapeString(src), false
		default:
		}
		t := it()
		if t == chroma.EOF {
			break
		}
		w.write(t)
	}
	w.endRun()
	return string(w.buf), true
}

// buffer returns a buffer for the HTML of a block; give it back with
// reuse. The HTML is copied out of it into a string of its exact length,
// which is what the Highlighter keeps: a buffer grown by doubling would
// keep up to twice the bytes.
func (h *Highlighter) buffer() *[]byte {
	if b, ok := h.bufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 4<<10)
	return &b
}

// maxReused is the capacity past which a buffer is not reused: the HTML
// of the rare huge block would otherwise stay in memory.
const maxReused = 256 << 10

// reuse gives back a buffer from buffer.
func (h *Highlighter) reuse(b *[]byte) {
	if cap(*b) <= maxReused {
		h.bufs.Put(b)
	}
}

// Plain "highlights" code as escaped plain text. It is for runs that need
// the parse but not the colours, such as checking.
type Plain struct{}

// Highlight returns code escaped, and false.
func (Plain) Highlight(lang string, code []byte) (string, bool) {
	return html.EscapeString(string(code)), false
}
