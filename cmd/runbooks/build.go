package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
)

func runBuild(ctx context.Context, e env, args []string) error {
	fs := newFlags("build", "[flags]", "Build the runbooks in --src into a static site in --out. The site is written\nto a spare folder and swapped in only when the build succeeds; on any error\nthe previous output is left as it was, and so is an output that already\nholds the site.", `  runbooks build
  runbooks build --src docs/runbooks --out site --base-url https://runbooks.example.com/
  SOURCE_DATE_EPOCH=$(git log -1 --format=%ct) runbooks build   # reproducible build date`)
	var cfg build.Config
	fs.StringVar(&cfg.Src, "src", "runbooks", "source `folder` of Markdown runbooks")
	fs.StringVar(&cfg.ConfigFile, "config", "", "project configuration `file` (default: runbooks.toml at the root of --src, if any; see runbooks help config)")
	fs.StringVar(&cfg.Out, "out", "public", "output `folder`; replaced on success")
	fs.StringVar(&cfg.BaseURL, "base-url", "", "absolute `URL` the site is served from, sub-path allowed (default: Netlify's URL or DEPLOY_PRIME_URL when set, else relative links)")
	fs.StringVar(&cfg.Theme, "theme", "", "`folder` whose files override the default theme's")
	fs.StringVar(&cfg.EditURL, "edit-url", "", "`URL` prefix for \"edit this page\" links, e.g. https://github.com/org/repo/edit/main/runbooks/")
	fs.BoolVar(&cfg.NoCache, "no-cache", false, "do not read or write the persistent page and highlight caches")
	verbose := fs.Bool("v", false, "list the source files that are not part of the site, and why")
	format := fs.String("format", "", "problem output `format`: text, json or github (default text; github under GitHub Actions)")
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
	res, err := build.Build(ctx, cfg)
	if len(res.Problems) > 0 || errors.Is(err, build.ErrContent) {
		if werr := diag.WriteSummary(e.stderr, f, cfg.Src, res.Problems, diag.Summary{Files: res.Pages, Lowered: res.Lowered}); werr != nil {
			return werr
		}
	}
	switch {
	case errors.Is(err, build.ErrContent):
		return &exitError{exitContent, err}
	case err != nil:
		return &exitError{exitUsage, err}
	}
	if res.UpToDate {
		fmt.Fprintf(e.stdout, "%s is up to date: %d pages, %d files; nothing changed since the last build\n", cfg.Out, res.Pages, res.Files)
		return nil
	}
	if *verbose {
		for _, l := range res.LeftOut {
			fmt.Fprintf(e.stdout, "left out: %s\n", l)
		}
	}
	hs := res.Highlight
	into := cfg.Out
	if res.Unchanged {
		into += " (already up to date, left as it was)"
	}
	fmt.Fprintf(e.stdout, "built %d pages into %s: %d files; %d pages from cache; code blocks: %d highlighted, %d from cache, %d repeats\n",
		res.Pages, into, res.Files, res.Cached, hs.Lexed, hs.FromStore, hs.Reused)
	return nil
}

// netlifyURL returns the URL Netlify gives the deploy being built: the
// site's URL in production, the deploy's own URL for previews and branch
// deploys, so links and sitemaps point at the deploy they are in.
func netlifyURL(getenv func(string) string) string {
	if getenv("NETLIFY") != "true" {
		return ""
	}
	if getenv("CONTEXT") == "production" {
		return getenv("URL")
	}
	if u := getenv("DEPLOY_PRIME_URL"); u != "" {
		return u
	}
	return getenv("URL")
}

// outputFormat picks the problem format: the flag, else github under GitHub
// Actions, else text.
func outputFormat(flag string, getenv func(string) string) (diag.Format, error) {
	if flag == "" {
		if getenv("GITHUB_ACTIONS") == "true" {
			return diag.GitHub, nil
		}
		return diag.Text, nil
	}
	f, err := diag.ParseFormat(flag)
	if err != nil {
		return "", &exitError{exitUsage, err}
	}
	return f, nil
}
