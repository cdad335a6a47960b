package alerts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/arcaapi/runbooks/build/link"
)

// The files that make alert URLs work. There is no file at an alert URL
// itself: hosts that read RedirectsFile answer it with a redirect, and
// every other host answers it with the site's 404 page, whose script looks
// the name up in MapFile, in any case, and goes on to the runbook. One map
// and one index page serve any number of alerts.
const (
	RedirectsFile = "_redirects"          // Netlify and Cloudflare Pages
	MapFile       = Prefix + "index.json" // alert name → runbook, for the 404 page's script
	IndexPage     = Prefix + "index.html" // every alert and its runbook, readable without script
)

// Redirects returns the _redirects rules: a permanent redirect from each
// alert URL, with and without its trailing slash, in lowercase and as the
// runbook writes the name, to the runbook. Other spellings fall through to
// the 404 page, which resolves them. Nothing is published at the alert
// URLs, so the rules need no "!" to take effect, and Cloudflare Pages,
// which rejects "!", reads them as Netlify does.
func Redirects(b link.Base, list []Alert) []byte {
	var buf bytes.Buffer
	buf.WriteString("# Alert URLs: /alerts/<alert name>/ leads to the alert's runbook; other\n")
	buf.WriteString("# spellings of the name are resolved by the 404 page.\n")
	buf.WriteString("# Written by runbooks build from the runbooks' alerts: metadata; do not edit.\n")
	for _, a := range list {
		to := rootPath(b, a.Page.URL)
		froms := []string{a.Key}
		if a.Name != a.Key {
			froms = append(froms, a.Name)
		}
		for _, name := range froms {
			from := rootPath(b, Prefix+name+"/")
			fmt.Fprintf(&buf, "%s %s 301\n", from, to)
			fmt.Fprintf(&buf, "%s %s 301\n", strings.TrimSuffix(from, "/"), to)
		}
	}
	return buf.Bytes()
}

// MapEntry is an alert in MapFile.
type MapEntry struct {
	Name     string `json:"name"`     // as the runbook writes it
	URL      string `json:"url"`      // site path of the runbook, relative to the site root
	Title    string `json:"title"`    // the runbook's title
	Severity string `json:"severity"` // "SEV1"... or ""
}

// Map returns MapFile: every alert with its runbook, sorted by name
// ignoring case. Script joins each url to the site root and follows it
// only when the result is on the site's own origin.
func Map(list []Alert) ([]byte, error) {
	entries := make([]MapEntry, 0, len(list))
	for _, a := range list {
		entries = append(entries, MapEntry{Name: a.Name, URL: a.Page.URL, Title: a.Page.Meta.Title, Severity: a.Page.Meta.Severity})
	}
	data, err := json.Marshal(struct {
		Alerts []MapEntry `json:"alerts"`
	}{entries})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", MapFile, err)
	}
	return append(data, '\n'), nil
}

// rootPath returns the path a browser requests for a site path: "db/pool/"
// → "/ops/db/pool/" under the base path, "/db/pool/" when the base URL is
// unknown (the site is then assumed to be served from the host's root).
func rootPath(b link.Base, sitePath string) string {
	prefix := b.Path
	if prefix == "" {
		prefix = "/"
	}
	return prefix + (&url.URL{Path: sitePath}).EscapedPath()
}
