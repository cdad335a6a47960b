package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/scaffold"
)

func runNew(_ context.Context, e env, args []string) error {
	fs := newFlags("new", `"Title" --severity SEV1|SEV2|SEV3 [flags]`, "Start a new runbook from the template page (runbooks/template.md) with\ntoday's date. The file is named after the title and is never overwritten.", `  runbooks new "Queue Consumer Stalled" --severity SEV2 --owner "Platform Team"
  runbooks new "Rotate Database Credentials" --type maintenance --owner "Data Team"`)
	var req scaffold.Request
	src := fs.String("src", "runbooks", "source `folder` to create the runbook in")
	fs.StringVar(&req.Severity, "severity", "", "`SEV1`, SEV2 or SEV3 (required for incident runbooks)")
	fs.StringVar(&req.Owner, "owner", "", "owning `team`")
	kind := fs.String("type", "incident", "`incident` or maintenance")
	titles, err := fs.parseArgs(e, args)
	if err != nil {
		return err
	}
	if len(titles) != 1 {
		return &exitError{exitUsage, fmt.Errorf("give one title, in quotes: runbooks new \"Title\" --severity SEV2 (got %d)", len(titles))}
	}
	req.Title, req.Type = titles[0], page.Kind(strings.ToLower(*kind))
	now, err := build.Today(e.getenv)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	req.Date = now
	path, err := scaffold.Create(*src, req)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	fmt.Fprintln(e.stdout, path)
	return nil
}
