package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/alertrules"
	"github.com/arcaapi/runbooks/build/alerts"
	"github.com/arcaapi/runbooks/build/check"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/external"
	"github.com/arcaapi/runbooks/build/link"
)

func runCheck(ctx context.Context, e env, args []string) error {
	fs := newFlags("check", "[flags]", `Check the runbooks without building: broken links, anchors and images,
missing template sections, unclosed code fences, overdue reviews. With
--alert-rules, also check Prometheus rules' runbook_url against the site;
with --external, also check http(s) links over the network.
Exit 0: no errors; 1: errors (or warnings with --strict); 2: usage or I/O error.`, `  runbooks check
  runbooks check --strict --format json > problems.json
  runbooks check --format github          # annotations on a pull request
  runbooks check --alert-rules ops/prometheus --base-url https://runbooks.example.com/
  runbooks check --external               # also ask other sites (cached for a day)`)
	var cfg build.Config
	fs.StringVar(&cfg.Src, "src", "runbooks", "source `folder` of Markdown runbooks")
	fs.StringVar(&cfg.ConfigFile, "config", "", "project configuration `file` (default: runbooks.toml at the root of --src, if any; see runbooks help config)")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "absolute `URL` the site is served from: absolute links and runbook_url values under it point at this site (default: Netlify's URL or DEPLOY_PRIME_URL when set)")
	format := fs.String("format", "", "output `format`: text, json or github (default text; github under GitHub Actions)")
	strict := fs.Bool("strict", false, "fail on warnings too")
	rules := fs.String("alert-rules", "", "Prometheus rule `file or folder` (.yml, .yaml): every runbook_url under --base-url must lead to a runbook")
	ext := fs.Bool("external", false, "also check http(s) links over the network (off by default, so CI needs no network)")
	extCache := fs.String("external-cache", "", "`file` keeping external results between runs (default: runbooks/external.json in the user cache folder; \"off\" for none)")
	extTTL := fs.Duration("external-ttl", 24*time.Hour, "how long a cached external result is trusted")
	extTimeout := fs.Duration("external-timeout", 15*time.Second, "timeout of one external request")
	extDeadline := fs.Duration("external-deadline", external.DefaultDeadline, "time limit of the whole external check; links not checked by then are warned about")
	extPrivate := fs.Bool("external-allow-private", false, "let external links and their redirects reach loopback, private and link-local addresses (refused by default: a link must not make the check call this machine or its network)")
	if err := fs.parse(e, args); err != nil {
		return err
	}
	f, err := outputFormat(*format, e.getenv)
	if err != nil {
		return err
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = netlifyURL(e.getenv)
	}
	if cfg, err = build.Configure(cfg); err != nil {
		return &exitError{exitUsage, err}
	}
	if *rules != "" && cfg.BaseURL == "" {
		return &exitError{exitUsage, errors.New("--alert-rules needs --base-url, to tell which runbook_url values point at this site")}
	}
	if cfg.Now, err = build.Today(e.getenv); err != nil {
		return &exitError{exitUsage, err}
	}
	res, err := build.Check(ctx, cfg)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	probs, files, lowered := res.Problems, res.Pages, res.Lowered
	var extra []diag.Problem
	if *rules != "" {
		ps, n, err := checkAlertRules(cfg, res.Site, *rules)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		extra, files = append(extra, ps...), files+n
	}
	if *ext {
		opt := external.Options{CacheFile: *extCache, TTL: *extTTL, Timeout: *extTimeout, Deadline: *extDeadline, AllowPrivate: *extPrivate}
		switch opt.CacheFile {
		case "off":
			opt.CacheFile = ""
		case "":
			if dir, err := os.UserCacheDir(); err == nil {
				opt.CacheFile = filepath.Join(dir, "runbooks", "external.json")
			}
		}
		ps, err := external.Check(ctx, external.Links(res.Site.Pages), opt)
		if err != nil {
			return &exitError{exitUsage, fmt.Errorf("--external: %w", err)}
		}
		extra = append(extra, ps...)
	}
	extra, n := res.Site.Levels(extra)
	probs, lowered = append(probs, extra...), lowered+n
	diag.Sort(probs)
	if err := diag.WriteSummary(e.stdout, f, cfg.Src, probs, diag.Summary{Files: files, Lowered: lowered}); err != nil {
		return err
	}
	errs, warns := diag.Count(probs)
	if errs > 0 || *strict && warns > 0 {
		return &exitError{exitContent, errors.New("")}
	}
	return nil
}

// checkAlertRules checks the alert rules at path against the site. Rule
// files are named relative to the source folder, as every problem's file
// is, so that output paths lead to them from the working folder.
func checkAlertRules(cfg build.Config, site *build.Site, path string) ([]diag.Problem, int, error) {
	rules, probs, n, err := alertrules.Load(path)
	if err != nil {
		return nil, 0, err
	}
	if len(rules) == 0 && len(probs) == 0 {
		return nil, 0, fmt.Errorf("no alerting rules in %s", path)
	}
	for i := range rules {
		rules[i].File = relTo(cfg.Src, rules[i].File)
	}
	for i := range probs {
		probs[i].File = relTo(cfg.Src, probs[i].File)
	}
	base, err := link.NewBase(cfg.BaseURL)
	if err != nil {
		return nil, 0, fmt.Errorf("--base-url: %w", err)
	}
	in := alerts.RulesInput{Pages: site.Pages, Base: base, Rules: rules, SuggestID: check.SuggestID}
	return append(probs, alerts.CheckRules(in)...), n, nil
}

// relTo returns the slash path of file relative to the folder dir, or
// file itself when it is absolute.
func relTo(dir, file string) string {
	if filepath.IsAbs(filepath.FromSlash(file)) {
		return file
	}
	d, err1 := filepath.Abs(dir)
	f, err2 := filepath.Abs(filepath.FromSlash(file))
	if err1 != nil || err2 != nil {
		return file
	}
	r, err := filepath.Rel(d, f)
	if err != nil {
		return filepath.ToSlash(f)
	}
	return filepath.ToSlash(r)
}
