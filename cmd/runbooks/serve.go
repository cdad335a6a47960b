package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/serve"
	"github.com/arcaapi/runbooks/build/serve/watch"
)

func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlags("serve", "[flags]", "Preview the runbooks in --src with live reload. The site is built in memory\n(public/ is not touched) and rebuilt on every save; the browser reloads the\npage, keeping its place. A save that cannot be built keeps the last good\npages and shows its problems over the page until they are fixed.", `  runbooks serve
  runbooks serve --open --addr 127.0.0.1:9000
  runbooks serve --poll 1s                  # network filesystems, containers, WSL
  runbooks serve --addr 0.0.0.0:8080 --allow-remote   # reachable from other machines`)
	var opts serve.Options
	fs.StringVar(&opts.Config.Src, "src", "runbooks", "source `folder` of Markdown runbooks")
	fs.StringVar(&opts.Config.ConfigFile, "config", "", "project configuration `file` (default: runbooks.toml at the root of --src, if any; see runbooks help config)")
	fs.StringVar(&opts.Addr, "addr", serve.DefaultAddr, "`host:port` to listen on")
	fs.StringVar(&opts.Config.Theme, "theme", "", "`folder` whose files override the default theme's (watched too)")
	fs.StringVar(&opts.Config.EditURL, "edit-url", "", "`URL` prefix for \"edit this page\" links")
	fs.DurationVar(&opts.Poll, "poll", 0, "look for changes every `interval` (e.g. 1s) instead of relying on file notifications")
	fs.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow an --addr other machines can reach (the preview has no authentication)")
	fs.BoolVar(&opts.Config.NoCache, "no-cache", false, "accepted, and does nothing: the preview keeps no persistent cache")
	open := fs.Bool("open", false, "open the preview in the browser")
	if err := fs.parse(e, args); err != nil {
		return err
	}
	if opts.Poll < 0 {
		return &exitError{exitUsage, fmt.Errorf("--poll %s: the interval must be positive", opts.Poll)}
	}
	now, err := build.Today(e.getenv)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	if e.getenv("SOURCE_DATE_EPOCH") != "" {
		opts.Config.Now = now
	}
	opts.Stderr = e.stderr
	opts.Ready = func(url string) {
		fmt.Fprintf(e.stdout, "serving %s (Ctrl-C to stop)\n", url)
		if *open {
			openBrowser(url)
		}
	}
	return serveError(serve.Run(ctx, opts), opts.Addr)
}

// serveError explains what went wrong in the terms of the flags.
func serveError(err error, addr string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, serve.ErrRemote):
		return &exitError{exitUsage, fmt.Errorf("refusing to listen on %s: only loopback addresses (127.0.0.1, ::1, localhost) are served unless --allow-remote is given, because anyone who can reach the address can read the runbooks", addr)}
	case errors.Is(err, watch.ErrLimit):
		return &exitError{exitUsage, fmt.Errorf("%w\n  run with --poll 1s to look for changes by polling instead,\n  or raise the limit: sudo sysctl fs.inotify.max_user_watches=524288 (and fs.inotify.max_user_instances=512)", err)}
	}
	return &exitError{exitUsage, err}
}

// openBrowser opens url in the desktop's browser, if there is a way to:
// the preview works all the same without.
func openBrowser(url string) {
	name := "xdg-open"
	if runtime.GOOS == "darwin" {
		name = "open"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return
	}
	cmd := exec.Command(path, url)
	if cmd.Start() == nil {
		go func() { _ = cmd.Wait() }() // reap it; its outcome does not matter
	}
}
