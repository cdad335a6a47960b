package publish

import (
	"encoding/json"
	"time"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// IndexFile is the machine-readable list of pages, for chat-ops bots and
// incident tools.
const IndexFile = "runbooks.json"

// SchemaVersion is the version of the runbooks.json format. It changes only
// when a field is removed or changes meaning; new fields may appear in any
// version.
const SchemaVersion = 1

// Index is the content of runbooks.json.
type Index struct {
	SchemaVersion int          `json:"schema_version"`
	Generated     string       `json:"generated"` // build date, YYYY-MM-DD
	BaseURL       string       `json:"base_url"`  // "" when the site was built without --base-url
	Pages         []IndexEntry `json:"pages"`     // sorted by path
}

// IndexEntry is a page in runbooks.json. Every field is always present;
// strings are "" when the page does not say.
type IndexEntry struct {
	Title       string   `json:"title"`
	URL         string   `json:"url"`  // absolute with a base URL, else the escaped site path ("db/pool/", "" for the home page, "./a:b/")
	Path        string   `json:"path"` // source file, "db/pool.md"
	Type        string   `json:"type"` // "incident", "maintenance" or "doc"
	Severity    string   `json:"severity"`
	Owner       string   `json:"owner"`
	LastUpdated string   `json:"last_updated"`
	ReviewDue   string   `json:"review_due"`
	Overdue     bool     `json:"overdue"`
	Alerts      []string `json:"alerts"` // as the runbook writes them; [] when none
}

// indexJSON returns runbooks.json. encoding/json escapes <, > and & so the
// file is safe to embed in HTML.
func indexJSON(pages []*page.Page, b link.Base, now time.Time) ([]byte, error) {
	idx := Index{
		SchemaVersion: SchemaVersion,
		Generated:     now.UTC().Format(page.DateLayout),
		BaseURL:       b.URL,
		Pages:         make([]IndexEntry, 0, len(pages)),
	}
	for _, p := range pages {
		m := p.Meta
		e := IndexEntry{
			Title:       m.Title,
			URL:         link.RelPath(p.URL),
			Path:        p.Path,
			Type:        string(m.Type),
			Severity:    m.Severity,
			Owner:       m.Owner,
			LastUpdated: m.LastUpdated,
			Overdue:     m.Overdue(now),
			Alerts:      append([]string{}, m.Alerts...),
		}
		if abs := b.Abs(p.URL); abs != "" {
			e.URL = abs
		}
		if e.Type == "" {
			e.Type = "doc"
		}
		if due, ok := m.ReviewDue(); ok && m.IsRunbook() {
			e.ReviewDue = due.Format(page.DateLayout)
		}
		idx.Pages = append(idx.Pages, e)
	}
	data, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
