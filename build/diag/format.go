package diag

import (
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
)

// Format is an output format for problems.
type Format string

// The formats.
const (
	Text   Format = "text"   // path:line:col: error: message, clickable in editors
	JSON   Format = "json"   // one JSON document, for tools
	GitHub Format = "github" // GitHub Actions workflow commands: annotations on the diff
)

// ParseFormat returns the Format named s.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, JSON, GitHub:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use text, json or github", s)
}

// Summary counts what a run found.
type Summary struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Files    int `json:"files"` // Markdown files checked
	// Lowered counts the problems the project's configuration made
	// warnings or silenced: [rules] levels and disable comments.
	Lowered int `json:"lowered,omitempty"`
}

// String returns "N errors, M warnings in K files".
func (s Summary) String() string {
	out := fmt.Sprintf("%s, %s in %s", plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Files, "file"))
	if s.Lowered > 0 {
		out += fmt.Sprintf("; %d lowered by configuration", s.Lowered)
	}
	return out
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Write writes problems (sorted) in format f. root is the source folder as
// the user named it: text and github output prefix it to each file so the
// paths open from the working folder; JSON keeps paths relative to it.
func Write(w io.Writer, f Format, root string, ps []Problem, files int) error {
	return WriteSummary(w, f, root, ps, Summary{Files: files})
}

// WriteSummary is Write with the summary's other counts in sum; errors
// and warnings are counted from ps.
func WriteSummary(w io.Writer, f Format, root string, ps []Problem, sum Summary) error {
	sum.Errors, sum.Warnings = Count(ps)
	switch f {
	case JSON:
		if ps == nil {
			ps = []Problem{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Problems []Problem `json:"problems"`
			Summary  Summary   `json:"summary"`
		}{ps, sum})
	case GitHub:
		for _, p := range ps {
			if _, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n",
				p.Severity, ghProp(Escape(join(root, p.File))), p.Line, p.Col, ghProp(Escape("runbooks "+p.Rule)), ghData(p.text())); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintln(w, sum.String())
		return err
	default:
		for _, p := range ps {
			p.File = join(root, p.File)
			if _, err := fmt.Fprintln(w, p.String()); err != nil {
				return err
			}
		}
		_, err := fmt.Fprintln(w, sum.String())
		return err
	}
}

// join returns the path of file, relative to root, from the working
// folder. An absolute file (a rule file named by an absolute path) stays
// as it is.
func join(root, file string) string {
	if root == "" || root == "." || path.IsAbs(file) {
		return file
	}
	return path.Join(strings.ReplaceAll(root, "\\", "/"), file)
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
