package slug

import (
	"strings"
	"testing"
	"unicode"
)

// FuzzSlugger checks that the ids handed out for the headings of a page,
// given one heading a line ("{#id}" lines reserve an explicit id), are
// unique and safe in an HTML attribute and a URL fragment.
func FuzzSlugger(f *testing.F) {
	for _, s := range []string{
		"Symptoms\nSymptoms\nSymptoms-1\nsymptoms",
		"Step 1: Check the pool\nstep-1-check-the-pool\n{#step-1-check-the-pool-1}\nStep 1: Check the pool",
		"Ünïcödé ñandú\n日本語の見出し\nİstanbul\nǅemal\n😀 emoji",
		"<script>alert(1)</script>\n\"><img src=x onerror=alert(1)>\n#?%/ \"'&\\",
		"a\na\n{#a-1}\na\na-1\n{#a}",
		"\n \t \n\n",
		"x\x00y\n\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var s Slugger
		taken := map[string]string{} // id → heading that took it
		for _, line := range strings.Split(doc, "\n") {
			if id, ok := strings.CutPrefix(line, "{#"); ok {
				if s.Reserve(id) {
					if by, dup := taken[id]; dup {
						t.Fatalf("Reserve(%q) reported free, but %q took it", id, by)
					}
					taken[id] = line
				} else if _, dup := taken[id]; !dup {
					t.Fatalf("Reserve(%q) reported taken, but nothing took it", id)
				}
				continue
			}
			id := s.Slug(line)
			if by, dup := taken[id]; dup {
				t.Fatalf("Slug(%q) = %q, already taken by %q", line, id, by)
			}
			taken[id] = line
			for _, r := range id {
				if unicode.IsSpace(r) || strings.ContainsRune("<>\"'&#?%/\\`", r) || r == unicode.ReplacementChar && !strings.ContainsRune(line, r) {
					t.Fatalf("Slug(%q) = %q: %q has no place in an id", line, id, r)
				}
			}
		}
	})
}
