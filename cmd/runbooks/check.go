package main

import (
	"context"
	"errors"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
)

func runCheck(ctx context.Context, e env, args []string) error {
	fs := newFlags("check", "[flags]", "Check the runbooks without building: broken links, anchors and images,\nmissing template sections, unclosed code fences, overdue reviews.\nExit 0: no errors; 1: errors (or warnings with --strict); 2: usage or I/O error.", `  runbooks check
  runbooks check --strict --format json > problems.json
  runbooks check --format github          # annotations on a pull request`)
	var cfg build.Config
	fs.StringVar(&cfg.Src, "src", "runbooks", "source `folder` of Markdown runbooks")
	format := fs.String("format", "", "output `format`: text, json or github (default text; github under GitHub Actions)")
	strict := fs.Bool("strict", false, "fail on warnings too")
	if err := fs.parse(e, args); err != nil {
		return err
	}
	f, err := outputFormat(*format, e.getenv)
	if err != nil {
		return err
	}
	if cfg.Now, err = build.Today(e.getenv); err != nil {
		return &exitError{exitUsage, err}
	}
	res, err := build.Check(ctx, cfg)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	if err := diag.Write(e.stdout, f, cfg.Src, res.Problems, res.Pages); err != nil {
		return err
	}
	errs, warns := diag.Count(res.Problems)
	if errs > 0 || *strict && warns > 0 {
		return &exitError{exitContent, errors.New("")}
	}
	return nil
}
