package check

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
)

// lint appends the runbook lint problems of p to probs: code fences,
// template sections and overdue reviews.
func lint(probs []diag.Problem, p *page.Page, now time.Time) []diag.Problem {
	probs = fences(probs, p)
	probs = hiddenChars(probs, p)
	probs = sections(probs, p)
	if p.Meta.Overdue(now) {
		due, _ := p.Meta.ReviewDue()
		line := max(p.Meta.LastUpdatedLine, 1)
		probs = append(probs, diag.Warnf(p.Path, line, 1, "review-overdue",
			"review overdue: last updated %s, due for review on %s (every %d days)",
			p.Meta.LastUpdated, due.Format(page.DateLayout), days(p.Meta)))
	}
	return probs
}

func days(m page.Meta) int {
	if m.ReviewEvery <= 0 {
		return page.DefaultReviewDays
	}
	return m.ReviewEvery
}

// fences reports code fences that are never closed, which silently turn
// the rest of the page into code, and fence lines with a language inside
// an open fence, where the author meant to nest and needed a longer outer
// fence.
func fences(probs []diag.Problem, p *page.Page) []diag.Problem {
	for _, c := range p.Code {
		if !c.Fenced {
			continue
		}
		for _, l := range c.InnerFences {
			probs = append(probs, diag.Warnf(p.Path, l, c.Col, "nested-fence",
				"code fence with a language inside the code block opened on line %d: to nest a block, make the outer fence longer (````)", c.Line))
		}
		if !c.Closed {
			probs = append(probs, diag.Warnf(p.Path, c.Line, c.Col, "unclosed-fence",
				"code fence is never closed: the rest of the page is shown as code"))
		}
	}
	return probs
}

// hiddenChars reports the invisible characters in code blocks: a
// bidirectional control can make a command read differently from how it
// runs ("Trojan Source"), and a zero-width character makes a copied name
// differ from the one typed.
func hiddenChars(probs []diag.Problem, p *page.Page) []diag.Problem {
	for _, c := range p.Code {
		for _, h := range c.Hidden {
			what := "a zero-width character: the copied command holds a character nobody can see"
			if page.IsBidiControl(h.Rune) {
				what = "a bidirectional control: the command can run differently from how it reads"
			}
			probs = append(probs, diag.Warnf(p.Path, h.Line, h.Col, "hidden-characters",
				"code block holds U+%04X %s, %s; delete it", h.Rune, hiddenName[h.Rune], what))
		}
	}
	return probs
}

var hiddenName = map[rune]string{
	0x200B: "ZERO WIDTH SPACE", 0x200C: "ZERO WIDTH NON-JOINER", 0x200D: "ZERO WIDTH JOINER",
	0x2060: "WORD JOINER", 0xFEFF: "ZERO WIDTH NO-BREAK SPACE",
	0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING", 0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE",
}

// A section is a heading the runbook template asks for.
type section struct {
	name     string
	required bool // an error when missing, else a warning
}

var (
	incidentSections = []section{
		{"Symptoms", true}, {"Impact", false}, {"Prerequisites", false},
		{"Diagnosis", true}, {"Resolution", true}, {"Verification", true},
		{"Prevention", false}, {"Related Runbooks", false},
	}
	maintenanceSections = []section{
		{"Verification", true}, {"Rollback", true},
	}
)

// sections reports the template sections a runbook lacks. A section is
// there when an H2 heading has all of its words, in any case and among
// other words: "Symptoms and Alerts" is Symptoms, "Rollback Procedure" is
// Rollback, "Step 2: Identify Root Cause" is none.
func sections(probs []diag.Problem, p *page.Page) []diag.Problem {
	var want []section
	switch p.Meta.Type {
	case page.Incident:
		want = incidentSections
	case page.Maintenance:
		want = maintenanceSections
	default:
		return probs
	}
	var have [][]string
	line := 1
	for _, h := range p.Headings {
		switch {
		case h.Level == 1 && line == 1 && h.Line > 0:
			line = h.Line
		case h.Level == 2:
			have = append(have, words(h.Text))
		}
	}
	for _, s := range want {
		if hasSection(have, words(s.name)) {
			continue
		}
		sev := diag.Warning
		if s.required {
			sev = diag.Error
		}
		probs = append(probs, diag.Problem{
			File: p.Path, Line: line, Col: 1, Severity: sev, Rule: "missing-section",
			Message: fmt.Sprintf("%s %s has no %q section (## %s)", p.Meta.Type, kindName(p.Meta.Type), s.name, s.name),
		})
	}
	return probs
}

func kindName(k page.Kind) string {
	if k == page.Maintenance {
		return "procedure"
	}
	return "runbook"
}

func hasSection(headings [][]string, want []string) bool {
	for _, h := range headings {
		if containsAll(h, want) {
			return true
		}
	}
	return false
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h == w {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// words returns the words of a heading, lowercase and singular ("runbooks"
// → "runbook"), plus each pair of neighbours written together, so that
// "Roll back" also reads "rollback".
func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := make([]string, 0, 2*len(f))
	for i, w := range f {
		out = append(out, singular(w))
		if i > 0 {
			out = append(out, singular(f[i-1]+w))
		}
	}
	return out
}

func singular(w string) string {
	if len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") {
		return w[:len(w)-1]
	}
	return w
}
