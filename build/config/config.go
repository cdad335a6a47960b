// Package config implements reading runbooks.toml, the optional project
// configuration at the root of the source folder: the site's title and
// URLs, files left out, rule levels, severity aliases, heading id and URL
// styles, and what is published besides the pages. Every key is optional;
// a missing file means the defaults.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/bmatcuk/doublestar/v4"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/nearest"
)

// FileName is the configuration's name at the root of the source folder.
const FileName = "runbooks.toml"

// Level is what a rule's problems become: an error, a warning, or nothing.
type Level string

// The levels a rule may be set to.
const (
	Error   Level = "error"
	Warning Level = "warning"
	Off     Level = "off"
)

// The values of heading_ids, urls and alerts_from.
const (
	HeadingsGitHub = "github"
	HeadingsGitLab = "gitlab"
	URLsPreserve   = "preserve"
	URLsLower      = "lower"
	AlertsFromMeta = "metadata"
	AlertsFromName = "filename"
)

// DefaultStatic is the folder copied into the site as it is, when present.
const DefaultStatic = "static"

// Config is runbooks.toml as read, with defaults filled in.
type Config struct {
	Title       string            // the site's title; "" for the index page's
	BaseURL     string            // the URL the site is served from; a flag wins
	EditURL     string            // prefix of "edit this page" links
	Exclude     []string          // doublestar globs of files that are neither pages nor published
	Rules       map[string]Level  // rule id → level
	Severity    map[string]string // lowercase alias → SEV1, SEV2 or SEV3
	HeadingIDs  string            // HeadingsGitHub or HeadingsGitLab
	URLs        string            // URLsPreserve or URLsLower
	AlertsFrom  string            // AlertsFromMeta or AlertsFromName
	Static      string            // folder copied as it is; "" for none
	PublishHTML []string          // folders whose HTML, JavaScript and host files are published
	Offline     bool              // the site carries the service worker that keeps it for offline reading
	TickExpiry  time.Duration     // age after which a checklist tick is offered for reset; 0 for the default, a day
}

// Default returns the configuration of a source folder without
// runbooks.toml.
func Default() Config {
	return Config{
		HeadingIDs: HeadingsGitHub,
		URLs:       URLsPreserve,
		AlertsFrom: AlertsFromMeta,
		Static:     DefaultStatic,
		Offline:    true,
	}
}

// file is runbooks.toml as written.
type file struct {
	Title       *string           `toml:"title"`
	BaseURL     *string           `toml:"base_url"`
	EditURL     *string           `toml:"edit_url"`
	Exclude     []string          `toml:"exclude"`
	Rules       map[string]string `toml:"rules"`
	Severity    map[string]string `toml:"severity"`
	HeadingIDs  *string           `toml:"heading_ids"`
	URLs        *string           `toml:"urls"`
	AlertsFrom  *string           `toml:"alerts_from"`
	Static      *string           `toml:"static"`
	PublishHTML []string          `toml:"publish_html"`
	Offline     *bool             `toml:"offline"`
	TickExpiry  *string           `toml:"checklist_expiry"`
}

// Key describes one key of runbooks.toml, for help and docs.
type Key struct {
	Name    string
	Default string
	Meaning string
}

// Keys lists every key of runbooks.toml with its default, in the order
// the help shows them.
var Keys = []Key{
	{"title", `""`, "the site's title; default: the index page's title, else \"Runbooks\""},
	{"base_url", `""`, "absolute URL the site is served from; --base-url and Netlify's deploy URL win"},
	{"edit_url", `""`, "prefix of \"edit this page\" links; --edit-url wins"},
	{"exclude", `[]`, "globs (** for any folders) of files that are neither pages nor published, e.g. [\"CONTRIBUTING.md\", \"vendor/**\"]"},
	{"rules", `{}`, "table of rule id = \"error\", \"warning\" or \"off\", e.g. [rules] broken-link = \"warning\""},
	{"severity", `critical, warning, info`, "table of alias = \"SEV1\", \"SEV2\" or \"SEV3\", e.g. [severity] P1 = \"SEV1\"; critical, warning and info always work"},
	{"heading_ids", `"github"`, "heading ids and the anchors checked against them: \"github\" or \"gitlab\""},
	{"urls", `"preserve"`, "page URLs keep the file names' case (\"preserve\") or are lowercase, as Hugo's (\"lower\")"},
	{"alerts_from", `"metadata"`, "\"filename\": every page under an alerts/ folder claims its file name as an alert"},
	{"static", `"static"`, "folder copied into the site as it is (HTML and scripts still need publish_html); \"\" for none"},
	{"publish_html", `[]`, "folders whose HTML, JavaScript, CSS and host files are published as they are; each such file is warned about"},
	{"offline", `true`, "false: no service worker (sw.js), so readers' browsers do not keep the site for when the network is down"},
	{"checklist_expiry", `"24h"`, "age after which a checklist tick is offered for reset rather than kept, e.g. \"12h\" or \"72h\""},
}

// Load reads runbooks.toml from data; name names it in problems. Problems
// with the file (a syntax error, an unknown key or rule, a bad value) are
// returned positioned; the returned Config holds every valid setting.
func Load(name string, data []byte) (Config, []diag.Problem) {
	c := Default()
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		line, col := 1, 1
		msg := err.Error()
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line, col, msg = pe.Position.Line, max(pe.Position.Col, 1), pe.Message
		}
		msg = strings.TrimPrefix(msg, "toml: ")
		return c, []diag.Problem{diag.Errorf(name, max(line, 1), col, "config", "invalid TOML: %s", msg)}
	}
	r := reader{name: name, keys: locate(data)}
	for _, k := range md.Undecoded() {
		if len(k) > 1 && r.reported(k[:len(k)-1]) {
			continue // inside a table already reported
		}
		r.unknown(k)
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&c.Title, f.Title)
	set(&c.BaseURL, f.BaseURL)
	set(&c.EditURL, f.EditURL)
	for _, g := range f.Exclude {
		if !doublestar.ValidatePattern(g) {
			r.errorf(r.at("exclude"), "exclude: %q is not a valid glob", g)
			continue
		}
		c.Exclude = append(c.Exclude, strings.TrimPrefix(g, "/"))
	}
	c.Rules = r.rules(f.Rules)
	c.Severity = r.severity(f.Severity)
	r.choice(&c.HeadingIDs, f.HeadingIDs, "heading_ids", HeadingsGitHub, HeadingsGitLab)
	r.choice(&c.URLs, f.URLs, "urls", URLsPreserve, URLsLower)
	r.choice(&c.AlertsFrom, f.AlertsFrom, "alerts_from", AlertsFromMeta, AlertsFromName)
	if f.Static != nil {
		c.Static = r.folder("static", *f.Static)
	}
	for _, d := range f.PublishHTML {
		if d = r.folder("publish_html", d); d != "" {
			c.PublishHTML = append(c.PublishHTML, d)
		}
	}
	if f.Offline != nil {
		c.Offline = *f.Offline
	}
	if f.TickExpiry != nil {
		d, err := time.ParseDuration(strings.TrimSpace(*f.TickExpiry))
		if err != nil || d < time.Minute {
			r.errorf(r.at("checklist_expiry"), "checklist_expiry = %q: use a duration of a minute or more, such as \"24h\" or \"90m\"", *f.TickExpiry)
		} else {
			c.TickExpiry = d
		}
	}
	return c, r.probs
}

type reader struct {
	name  string
	keys  map[string]pos
	probs []diag.Problem
	seen  []toml.Key // unknown keys reported
}

type pos struct{ line, col int }

func (r *reader) errorf(at pos, format string, args ...any) {
	r.probs = append(r.probs, diag.Errorf(r.name, at.line, at.col, "config", format, args...))
}

// at returns where the key with the dotted path key is written, or the
// top of the file.
func (r *reader) at(key ...string) pos {
	if p, ok := r.keys[strings.Join(key, "\x00")]; ok {
		return p
	}
	return pos{1, 1}
}

func (r *reader) reported(prefix toml.Key) bool {
	for _, k := range r.seen {
		if slices.Equal(k, prefix) {
			return true
		}
	}
	return false
}

// unknown reports a key runbooks.toml does not have, suggesting the
// closest one that it does.
func (r *reader) unknown(k toml.Key) {
	r.seen = append(r.seen, k)
	name := k[len(k)-1]
	var known []string
	if len(k) == 1 {
		for _, kk := range Keys {
			known = append(known, kk.Name)
		}
	}
	msg := fmt.Sprintf("unknown key %q", strings.Join(k, "."))
	if s := nearest.Name(strings.ToLower(name), known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	r.errorf(r.at(k...), "%s", msg)
}

func (r *reader) choice(dst *string, v *string, key string, allowed ...string) {
	if v == nil {
		return
	}
	s := strings.ToLower(strings.TrimSpace(*v))
	if !slices.Contains(allowed, s) {
		r.errorf(r.at(key), "%s = %q: use %s", key, *v, quoteJoin(allowed))
		return
	}
	*dst = s
}

// folder checks a folder named relative to the source root.
func (r *reader) folder(key, d string) string {
	d = strings.Trim(strings.TrimSpace(d), "/")
	if d == "" || d == "." {
		return d // "." is the whole source folder
	}
	for part := range strings.SplitSeq(d, "/") {
		if part == ".." || part == "." {
			r.errorf(r.at(key), "%s: %q must be a folder inside the source folder", key, d)
			return ""
		}
	}
	return d
}

func (r *reader) rules(in map[string]string) map[string]Level {
	out := map[string]Level{}
	for _, id := range sortedKeys(in) {
		at := r.at("rules", id)
		if !KnownRule(id) {
			msg := fmt.Sprintf("unknown rule %q", id)
			if s := nearest.Name(strings.ToLower(id), RuleIDs()); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			r.errorf(at, "%s", msg)
			continue
		}
		switch l := Level(strings.ToLower(strings.TrimSpace(in[id]))); l {
		case Warning, Off:
			if !Lowerable(id) {
				r.errorf(at, "rules.%s: %s problems stop the site from being built and stay errors", id, id)
				continue
			}
			out[id] = l
		case Error:
			out[id] = l
		default:
			r.errorf(at, "rules.%s = %q: use \"error\", \"warning\" or \"off\"", id, in[id])
		}
	}
	return out
}

// builtinSeverity are the aliases that work without configuration:
// Prometheus' usual severity labels.
var builtinSeverity = map[string]string{"critical": "SEV1", "warning": "SEV2", "info": "SEV3"}

func (r *reader) severity(in map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range builtinSeverity {
		out[k] = v
	}
	for _, alias := range sortedKeys(in) {
		v := strings.ToUpper(strings.TrimSpace(in[alias]))
		switch v {
		case "SEV1", "SEV2", "SEV3":
			out[strings.ToLower(strings.TrimSpace(alias))] = v
		default:
			r.errorf(r.at("severity", alias), "severity.%s = %q: use \"SEV1\", \"SEV2\" or \"SEV3\"", alias, in[alias])
		}
	}
	return out
}

// Excluded reports whether the slash path p, relative to the source root,
// matches one of the exclude globs: the file itself, or a folder it is in.
func (c Config) Excluded(p string) bool {
	for _, g := range c.Exclude {
		if ok, _ := doublestar.Match(g, p); ok {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func quoteJoin(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// locate finds where each key of a TOML document is written: a map from
// the key's path, parts joined by NUL, to the line and column of its
// first character. Table headers count as keys. It reads the document as
// lines, which is enough for a document that toml.Decode accepted.
func locate(data []byte) map[string]pos {
	out := map[string]pos{}
	var table []string
	inString := false // inside a """ or ''' string
	for i, line := range bytes.Split(data, []byte("\n")) {
		s := string(line)
		if inString {
			if strings.Count(s, `"""`)%2 == 1 || strings.Count(s, `'''`)%2 == 1 {
				inString = false
			}
			continue
		}
		trimmed := strings.TrimLeft(s, " \t")
		col := len(s) - len(trimmed) + 1
		switch {
		case trimmed == "" || trimmed[0] == '#':
			continue
		case trimmed[0] == '[':
			h := strings.TrimLeft(trimmed, "[")
			if end := strings.IndexByte(h, ']'); end >= 0 {
				table = splitKey(h[:end])
				add(out, table, pos{i + 1, col})
			}
			continue
		}
		eq := keyEnd(trimmed)
		if eq < 0 {
			continue
		}
		key := append(slices.Clone(table), splitKey(trimmed[:eq])...)
		add(out, key, pos{i + 1, col})
		rest := trimmed[eq+1:]
		if strings.Count(rest, `"""`)%2 == 1 || strings.Count(rest, `'''`)%2 == 1 {
			inString = true
		}
	}
	return out
}

func add(m map[string]pos, key []string, p pos) {
	// A dotted key also defines its prefixes: "rules.x = 1" defines rules.
	for n := 1; n <= len(key); n++ {
		k := strings.Join(key[:n], "\x00")
		if _, ok := m[k]; !ok {
			m[k] = p
		}
	}
}

// keyEnd returns the index of the = that ends the key at the start of s,
// or -1.
func keyEnd(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		}
	}
	return -1
}

// splitKey splits a dotted TOML key into its parts, unquoting them.
func splitKey(s string) []string {
	var parts []string
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			parts = append(parts, strings.TrimSpace(b.String()))
			b.Reset()
		case c == ' ' || c == '\t':
		default:
			b.WriteByte(c)
		}
	}
	return append(parts, strings.TrimSpace(b.String()))
}
