// Package slug implements GitHub-compatible heading ids, so that a link that
// works on GitHub works on the site.
//
// The rules follow github-slugger: lowercase; every character that is not a
// letter, mark, number, connector punctuation, hyphen or space is dropped;
// each space becomes a hyphen. Repeats on a page get "-1", "-2", ...
package slug

import (
	"strconv"
	"strings"
	"unicode"
)

// Make returns the GitHub id of a heading's text, without deduplication.
func Make(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range strings.ToLower(text) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r) || unicode.Is(unicode.Pc, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MakeGitLab returns the id GitLab gives a heading's text, without
// deduplication: GitHub's, with every run of hyphens made one
// ("Retries + Fails" → "retries-fails", where GitHub has "retries--fails").
func MakeGitLab(text string) string {
	id := Make(text)
	for strings.Contains(id, "--") {
		id = strings.ReplaceAll(id, "--", "-")
	}
	return id
}

// Slugger hands out unique ids for the headings of one page, in page order.
// The zero value is ready to use and gives GitHub's ids.
type Slugger struct {
	GitLab bool // give GitLab's ids instead of GitHub's
	seen   map[string]int
}

// Slug returns the unique id for a heading with the given text.
func (s *Slugger) Slug(text string) string {
	if s.GitLab {
		return s.unique(MakeGitLab(text))
	}
	return s.unique(Make(text))
}

// Reserve records an id given explicitly ({#id}) so later headings do not
// take it, and reports whether it was free.
func (s *Slugger) Reserve(id string) bool {
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	_, taken := s.seen[id]
	if !taken {
		s.seen[id] = 0
	}
	return !taken
}

func (s *Slugger) unique(base string) string {
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	id := base
	for {
		if _, taken := s.seen[id]; !taken {
			break
		}
		s.seen[base]++
		id = base + "-" + strconv.Itoa(s.seen[base])
	}
	s.seen[id] = 0
	return id
}
