package search

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token rules shared with the theme's runbooks.js, which must split and fold
// a query exactly as the build splits and folds a page: runs of letters and
// digits, lowercased, accents removed, at least MinToken and at most
// MaxToken characters, stop words dropped.
const (
	MinToken = 2
	MaxToken = 40
)

// maxStopWord is the length of the longest stop word: no longer word needs
// looking up.
const maxStopWord = 4

// stopWords are words too common in runbooks to say anything about a page.
// runbooks.js carries the same list.
var stopWords = map[string]bool{
	"an": true, "and": true, "are": true, "as": true, "at": true, "be": true,
	"by": true, "for": true, "from": true, "if": true, "in": true, "is": true,
	"it": true, "its": true, "of": true, "on": true, "or": true, "that": true,
	"the": true, "then": true, "this": true, "to": true, "was": true,
	"when": true, "with": true,
}

// accents maps a letter with a diacritic to its base letter: what
// String.prototype.normalize("NFD") followed by removing combining marks
// gives in the browser, for the Latin letters runbooks use.
var accents = func() map[rune]rune {
	m := map[rune]rune{}
	for base, forms := range map[rune]string{
		'a': "àáâãäåāăą", 'c': "çćĉċč", 'd': "ď", 'e': "èéêëēĕėęě",
		'g': "ĝğġģ", 'h': "ĥ", 'i': "ìíîïĩīĭįİ", 'j': "ĵ", 'k': "ķ",
		'l': "ĺļľ", 'n': "ñńņň", 'o': "òóôõöōŏő", 'r': "ŕŗř",
		's': "śŝşš", 't': "ţť", 'u': "ùúûüũūŭůűų", 'w': "ŵ", 'y': "ýÿŷ",
		'z': "źżž",
	} {
		for _, r := range forms {
			m[r] = base
		}
	}
	return m
}()

// fold lowercases r and removes its accent.
func fold(r rune) rune {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	r = unicode.ToLower(r)
	if b, ok := accents[r]; ok {
		return b
	}
	return r
}

func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}

// tokens calls f with every indexable word of s, folded, in order. b is
// valid only during the call, so a map lookup with string(b) does not
// allocate.
func tokens(s string, f func(b []byte)) {
	var buf [4 * MaxToken]byte
	b := buf[:0]
	n := 0
	emit := func() {
		if n >= MinToken && n <= MaxToken && !(len(b) <= maxStopWord && stopWords[string(b)]) {
			f(b)
		}
		b = b[:0]
		n = 0
	}
	for _, r := range s {
		if !isWord(r) {
			if n > 0 {
				emit()
			}
			continue
		}
		n++
		if n <= MaxToken {
			b = utf8.AppendRune(b, fold(r))
		}
	}
	if n > 0 {
		emit()
	}
}

// Key returns the form of a whole alert name that a pasted query is
// compared with: folded, with everything but letters and digits removed
// ("ArcaWSFE_Down" → "arcawsfedown").
func Key(name string) string {
	var b strings.Builder
	for _, r := range name {
		if isWord(r) {
			b.WriteRune(fold(r))
		}
	}
	return b.String()
}

// nameParts returns the words of an identifier such as an alert name,
// split at case changes as well as punctuation: "ArcaWsfeHTTPErrors" →
// "Arca", "Wsfe", "HTTP", "Errors".
func nameParts(name string) []string {
	var parts []string
	rs := []rune(name)
	start := -1
	for i, r := range rs {
		if !isWord(r) {
			if start >= 0 {
				parts = append(parts, string(rs[start:i]))
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		lowerToUpper := unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev))
		acronymEnd := unicode.IsUpper(prev) && unicode.IsUpper(r) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
		if lowerToUpper || acronymEnd {
			parts = append(parts, string(rs[start:i]))
			start = i
		}
	}
	if start >= 0 {
		parts = append(parts, string(rs[start:]))
	}
	return parts
}

// shardFile returns the file name of the shard holding terms that start
// with prefix: ASCII letters and digits as they are, any other character
// as "_<hex code point>_", so names are safe on every file system.
func shardFile(prefix string) string {
	if prefix == "" {
		return "_" // no encoded character is a lone "_"
	}
	var b strings.Builder
	for _, r := range prefix {
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
			continue
		}
		b.WriteString("_")
		b.WriteString(strconv.FormatInt(int64(r), 16))
		b.WriteString("_")
	}
	return b.String()
}
