// Package highlight implements syntax highlighting of code blocks with
// chroma, emitting CSS classes (never inline styles). Lexers are looked up
// once per language, identical blocks are highlighted once, and results can
// be kept in a persistent cache between builds.
package highlight

import (
	"bytes"
	"crypto/sha256"
	"html"
	"strings"
	"sync"

	"github.com/alecthomas/chroma/v2"
	chtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
)

// Limits beyond which a block is shown as plain text: chroma's regexp lexers
// can backtrack badly on huge inputs, and a size limit, unlike a time limit,
// keeps the output the same on every machine.
const (
	MaxBlockBytes = 256 << 10
	MaxLineBytes  = 8 << 10
)

// memBudget bounds the bytes of highlighted HTML kept in memory.
const memBudget = 256 << 20

type key [16]byte

func keyOf(lang string, code []byte) key {
	h := sha256.New()
	h.Write([]byte(lang))
	h.Write([]byte{0})
	h.Write(code)
	var k key
	copy(k[:], h.Sum(nil))
	return k
}

type entry struct {
	once sync.Once
	html string
}

// Highlighter highlights code blocks. It is safe for concurrent use; keep
// one per build, or one for the life of a preview server so unchanged
// blocks are never highlighted twice.
type Highlighter struct {
	formatter *chtml.Formatter
	store     *Store // may be nil

	mu      sync.Mutex
	lexers  map[string]chroma.Lexer // misses cached as nil
	blocks  map[key]*entry
	memUsed int
	stats   Stats
}

// Stats counts what a Highlighter did.
type Stats struct {
	Lexed     int // blocks run through a lexer
	FromStore int // blocks taken from the persistent store
	Reused    int // blocks identical to one already highlighted
}

// Stats returns the counts so far.
func (h *Highlighter) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stats
}

// New returns a Highlighter that reads and fills store, which may be nil.
func New(store *Store) *Highlighter {
	return &Highlighter{
		formatter: chtml.New(chtml.WithClasses(true), chtml.PreventSurroundingPre(true), chtml.TabWidth(4)),
		store:     store,
		lexers:    map[string]chroma.Lexer{},
		blocks:    map[key]*entry{},
	}
}

// Highlight returns the HTML of code's tokens (without the surrounding
// <pre>) and whether a lexer for lang was found. For an unknown or missing
// language it returns the escaped plain text.
func (h *Highlighter) Highlight(lang string, code []byte) (string, bool) {
	lang = strings.ToLower(lang)
	lexer := h.lexer(lang)
	if lexer == nil || !highlightable(code) {
		return html.EscapeString(string(code)), lexer != nil
	}
	k := keyOf(lang, code)
	h.mu.Lock()
	e, ok := h.blocks[k]
	if !ok {
		e = &entry{}
		if h.memUsed < memBudget {
			h.blocks[k] = e
		}
	} else {
		h.stats.Reused++
	}
	h.mu.Unlock()
	e.once.Do(func() {
		s, stored := h.store.get(k)
		if !stored {
			s = h.format(lexer, code)
			h.store.put(k, s)
		}
		e.html = s
		h.mu.Lock()
		h.memUsed += len(s)
		if stored {
			h.stats.FromStore++
		} else {
			h.stats.Lexed++
		}
		h.mu.Unlock()
	})
	h.store.use(k)
	return e.html, true
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
		l = lexers.Get(lang)
		if l != nil {
			l = chroma.Coalesce(l)
		}
		h.lexers[lang] = l
	}
	return l
}

func (h *Highlighter) format(lexer chroma.Lexer, code []byte) string {
	src := string(code)
	it, err := lexer.Tokenise(nil, src)
	if err != nil {
		return html.EscapeString(src)
	}
	var b strings.Builder
	if err := h.formatter.Format(&b, style(false), it); err != nil {
		return html.EscapeString(src)
	}
	return b.String()
}
