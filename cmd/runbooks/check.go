package main

import (
	"context"
	"path/filepath"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/cache"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/external"
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
	if cfg.Now, err = build.Today(e.getenv); err != nil {
		return &exitError{exitUsage, err}
	}
	cfg.AlertRules = *rules
	if *ext {
		cfg.External = &external.Options{CacheFile: *extCache, TTL: *extTTL, Timeout: *extTimeout, Deadline: *extDeadline, AllowPrivate: *extPrivate}
		switch cfg.External.CacheFile {
		case "off":
			cfg.External.CacheFile = ""
		case "":
			if dir, ok := cache.Dir("", false); ok {
				cfg.External.CacheFile = filepath.Join(dir, "external.json")
			}
		}
	}
	res, err := build.Check(ctx, cfg)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	if err := diag.WriteSummary(e.stdout, f, cfg.Src, res.Problems, diag.Summary{Files: res.Files, Lowered: res.Lowered}); err != nil {
		return err
	}
	if errs, warns := diag.Count(res.Problems); errs > 0 || *strict && warns > 0 {
		return &exitError{code: exitContent} // the problems and their count are the report
	}
	return nil
}
