package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/config"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/load"
	"github.com/arcaapi/runbooks/build/meta"
	"github.com/arcaapi/runbooks/build/page"
)

// Configure is the config stage: it reads the project's runbooks.toml
// (cfg.ConfigFile, else the one at the root of cfg.Src, if any) into cfg's
// flat fields. What cfg already sets, from flags, wins. Problems with the
// file are kept in cfg and reported with the site's; only a --config file
// that cannot be read is an error. Build, Check and a Session configure
// cfg when the caller has not.
func Configure(cfg Config) (Config, error) {
	if cfg.configured {
		return cfg, nil
	}
	name, path := config.FileName, filepath.Join(cfg.Src, config.FileName)
	if cfg.ConfigFile != "" {
		path = cfg.ConfigFile
		name = relTo(cfg.Src, cfg.ConfigFile)
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
	case cfg.ConfigFile == "" && errors.Is(err, fs.ErrNotExist):
		data = nil
	default:
		return cfg, fmt.Errorf("--config: %w", err)
	}
	c, probs := config.Load(name, data)
	cfg.configured, cfg.configProbs = true, probs
	if cfg.ConfigFile == "" && data != nil {
		cfg.ConfigFile = path
	}
	if cfg.Title == "" {
		cfg.Title = c.Title
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = c.BaseURL
	}
	if cfg.EditURL == "" {
		cfg.EditURL = c.EditURL
	}
	cfg.Exclude, cfg.Rules, cfg.Severity = c.Exclude, c.Rules, c.Severity
	cfg.HeadingIDs, cfg.URLs, cfg.AlertsFrom = c.HeadingIDs, c.URLs, c.AlertsFrom
	cfg.Static, cfg.PublishHTML = c.Static, c.PublishHTML
	cfg.NoOffline = cfg.NoOffline || !c.Offline
	if cfg.TickExpiry == 0 {
		cfg.TickExpiry = c.TickExpiry
	}
	return cfg, nil
}

// cacheKey returns the settings that change what a page parses to or the
// site builds to, as one string for cache keys.
func (cfg Config) cacheKey() string {
	var b strings.Builder
	fmt.Fprintf(&b, "base=%s\x00edit=%s\x00title=%s\x00ids=%s\x00urls=%s\x00alerts=%s\x00static=%s\x00html=%q\x00exclude=%q\x00offline=%t\x00ticks=%s\x00",
		cfg.BaseURL, cfg.EditURL, cfg.Title, cfg.HeadingIDs, cfg.URLs, cfg.AlertsFrom, cfg.Static, cfg.PublishHTML, cfg.Exclude, !cfg.NoOffline, cfg.TickExpiry)
	for _, k := range sortedKeys(cfg.Severity) {
		fmt.Fprintf(&b, "sev %s=%s\x00", k, cfg.Severity[k])
	}
	for _, k := range sortedKeys(cfg.Rules) {
		fmt.Fprintf(&b, "rule %s=%s\x00", k, cfg.Rules[k])
	}
	return b.String()
}

// loadOptions are the load stage's settings from cfg.
func (cfg Config) loadOptions() load.Options {
	opt := load.Options{LowerURLs: cfg.URLs == config.URLsLower}
	if cfg.ConfigFile != "" {
		if rel := relTo(cfg.Src, cfg.ConfigFile); !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel) {
			opt.Skip = append(opt.Skip, rel)
		}
	} else {
		opt.Skip = append(opt.Skip, config.FileName)
	}
	if len(cfg.Exclude) > 0 {
		c := config.Config{Exclude: cfg.Exclude}
		opt.Exclude = c.Excluded
	}
	return opt
}

// metaOptions are the metadata settings from cfg.
func (cfg Config) metaOptions() meta.Options {
	return meta.Options{Severity: cfg.Severity}
}

// relTo returns the slash path of file relative to the folder dir, or
// file itself when that cannot be told.
func relTo(dir, file string) string {
	d, err1 := filepath.Abs(dir)
	f, err2 := filepath.Abs(file)
	if err1 != nil || err2 != nil {
		return filepath.ToSlash(file)
	}
	r, err := filepath.Rel(d, f)
	if err != nil {
		return filepath.ToSlash(f)
	}
	return filepath.ToSlash(r)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// configProblems returns the problems found reading the configuration.
func (cfg Config) configProblems() []diag.Problem { return cfg.configProbs }

// claimFileName adds the alert a page claims by its file name
// (alerts_from = "filename") to the alerts its metadata lists.
func claimFileName(pg *page.Page) {
	name, ok := alerts.FromFileName(pg.Path)
	if !ok || slices.ContainsFunc(pg.Meta.Alerts, func(a string) bool { return strings.EqualFold(a, name) }) {
		return
	}
	m := &pg.Meta
	if len(m.AlertsAt) < len(m.Alerts) {
		m.AlertsAt = append(m.AlertsAt, slices.Repeat([]page.Pos{{Line: 1, Col: 1}}, len(m.Alerts)-len(m.AlertsAt))...)
	}
	m.Alerts = append(slices.Clip(m.Alerts), name)
	m.AlertsAt = append(slices.Clip(m.AlertsAt), page.Pos{Line: 1, Col: 1})
}
