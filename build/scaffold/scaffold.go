// Package scaffold implements "runbooks new": it starts a runbook from the
// template page of the source tree, so the template authors read on the
// site and the one the command copies are the same text.
package scaffold

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/slug"
)

// TemplatePage is the page of the source tree that holds the templates:
// its first ````markdown fenced block is the incident runbook template, an
// optional second one the maintenance procedure template.
const TemplatePage = "template.md"

// fallback is the template used when the source tree has no template page.
//
//go:embed fallback.md
var fallback string

//go:embed fallback-maintenance.md
var fallbackMaintenance string

// Request describes the runbook to create.
type Request struct {
	Title    string
	Severity string // SEV1, SEV2, SEV3; required for incidents
	Type     page.Kind
	Owner    string
	Date     time.Time
}

// Create writes a new runbook into the folder src and returns its path. It
// never overwrites an existing file.
func Create(src string, req Request) (string, error) {
	if err := req.validate(); err != nil {
		return "", err
	}
	tmpl, err := Template(os.DirFS(src), req.Type)
	if err != nil {
		return "", err
	}
	name := FileName(req.Title)
	if name == "" {
		return "", fmt.Errorf("title %q has no letters or digits to name the file after", req.Title)
	}
	path := filepath.Join(src, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("%s already exists: edit it, or choose another title", path)
	}
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(Fill(tmpl, req)); err != nil {
		f.Close()
		os.Remove(path)
		return "", err
	}
	return path, f.Close()
}

func (r *Request) validate() error {
	r.Title = strings.TrimSpace(r.Title)
	if r.Title == "" {
		return errors.New("a title is required")
	}
	if r.Type == "" {
		r.Type = page.Incident
	}
	if r.Type != page.Incident && r.Type != page.Maintenance {
		return fmt.Errorf("unknown type %q: use incident or maintenance", r.Type)
	}
	r.Severity = strings.ToUpper(strings.TrimSpace(r.Severity))
	switch r.Severity {
	case "SEV1", "SEV2", "SEV3":
	case "":
		if r.Type == page.Incident {
			return errors.New("an incident runbook needs --severity SEV1, SEV2 or SEV3")
		}
	default:
		return fmt.Errorf("unknown severity %q: use SEV1, SEV2 or SEV3", r.Severity)
	}
	if r.Owner == "" {
		r.Owner = "Unassigned"
	}
	return nil
}

// FileName returns the file name for a runbook title: "ARCA API Down" →
// "arca-api-down.md".
func FileName(title string) string {
	s := slug.Make(strings.ReplaceAll(title, "_", " "))
	for strings.Contains(s, "--") {
		s = strings.ReplaceAll(s, "--", "-")
	}
	s = strings.Trim(s, "-_")
	if s == "" {
		return ""
	}
	return s + ".md"
}

// Template returns the template for a kind of runbook from the template
// page of fsys, or the built-in one when the tree has none.
func Template(fsys fs.FS, kind page.Kind) (string, error) {
	data, err := fs.ReadFile(fsys, TemplatePage)
	if errors.Is(err, fs.ErrNotExist) {
		if kind == page.Maintenance {
			return fallbackMaintenance, nil
		}
		return fallback, nil
	}
	if err != nil {
		return "", err
	}
	blocks := Extract(data)
	switch {
	case len(blocks) == 0:
		return "", fmt.Errorf("%s has no ````markdown fenced block to copy the template from", TemplatePage)
	case kind == page.Maintenance && len(blocks) > 1:
		return blocks[1], nil
	}
	return blocks[0], nil
}

// Extract returns the content of the fenced blocks of data whose info
// string is "markdown" or "md", in order. An unclosed block is left out.
func Extract(data []byte) []string {
	var blocks []string
	lines := strings.SplitAfter(string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))), "\n")
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		fence := leading(t, '`')
		if len(fence) < 3 {
			fence = leading(t, '~')
		}
		if len(fence) < 3 {
			continue
		}
		if info := strings.TrimSpace(t[len(fence):]); info != "markdown" && info != "md" {
			continue
		}
		var b strings.Builder
		closed := false
		for i++; i < len(lines); i++ {
			c := strings.TrimSpace(lines[i])
			if strings.HasPrefix(c, fence) && strings.Trim(c, fence[:1]) == "" {
				closed = true
				break
			}
			b.WriteString(lines[i])
		}
		if closed {
			blocks = append(blocks, b.String())
		}
	}
	return blocks
}

func leading(s string, c byte) string {
	i := 0
	for i < len(s) && s[i] == c {
		i++
	}
	return s[:i]
}

// Fill replaces the template's placeholders. A maintenance procedure has
// no severity line.
func Fill(tmpl string, r Request) string {
	if r.Severity == "" {
		var kept []string
		for _, l := range strings.SplitAfter(tmpl, "\n") {
			if !strings.Contains(l, "{{severity}}") {
				kept = append(kept, l)
			}
		}
		tmpl = strings.Join(kept, "")
	}
	return strings.NewReplacer(
		"{{title}}", r.Title,
		"{{severity}}", r.Severity,
		"{{type}}", string(r.Type),
		"{{owner}}", r.Owner,
		"{{date}}", r.Date.Format(page.DateLayout),
	).Replace(tmpl)
}
