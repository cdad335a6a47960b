// Command runbooks turns a tree of Markdown runbooks into a static site,
// checks it for broken links and missing sections, and previews it with
// live reload.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/arcaapi/runbooks/build/diag"
)

// Exit codes.
const (
	exitOK      = 0
	exitContent = 1 // the content has errors
	exitUsage   = 2 // usage or I/O error
	// exitInterrupted is the shell's code for a command ended by Ctrl-C.
	exitInterrupted = 130
)

// exitError carries an exit code out of a subcommand, with the error to
// print, or none when the command has already reported the failure (as
// check does, with the problems it found).
type exitError struct {
	code int
	err  error // nil: nothing more to print
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// env is what a subcommand may use of the process, passed in so tests can
// run commands in-process.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"build", "build the runbooks into a static site", runBuild},
		{"check", "check links, anchors and runbook structure (for CI)", runCheck},
		{"serve", "preview the site with live reload while you write", runServe},
		{"new", "start a new runbook from the template", runNew},
		{"version", "print the version", runVersion},
		{"help", "show help for a command", runHelp},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C or SIGTERM asks the command to stop; after it the
	// signals have their default effect again, so a second one ends the
	// process at once.
	go func() {
		<-ctx.Done()
		stop()
	}()
	if len(os.Args) > 1 && (os.Args[1] == "build" || os.Args[1] == "check") {
		paceGC(os.Getenv, heapFloor) // one-shot commands; not serve, which runs for hours
	}
	code := run(ctx, env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, os.Args[1:])
	stop()
	os.Exit(code)
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, e env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	if name == "-h" || name == "-help" || name == "--help" {
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name != name {
			continue
		}
		err := c.run(ctx, e, args[1:])
		var ee *exitError
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, errHelp):
			return exitOK
		case errors.Is(err, context.Canceled) && ctx.Err() != nil:
			fmt.Fprintf(e.stderr, "runbooks %s: interrupted; nothing was written\n", name)
			return exitInterrupted
		case errors.As(err, &ee):
			if ee.err != nil {
				fmt.Fprintf(e.stderr, "runbooks %s: %s\n", name, diag.Escape(ee.err.Error()))
			}
			return ee.code
		default:
			fmt.Fprintf(e.stderr, "runbooks %s: %s\n", name, diag.Escape(err.Error()))
			return exitUsage
		}
	}
	fmt.Fprintf(e.stderr, "runbooks: unknown command %q\n\n", name)
	usage(e.stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `runbooks turns a folder of Markdown runbooks into a static site.

Usage:
  runbooks <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Examples:
  runbooks build                      build runbooks/ into public/
  runbooks check --format github      check for CI, with GitHub annotations
  runbooks serve                      preview on http://127.0.0.1:8080

Run "runbooks <command> -h" for a command's flags, "runbooks help config"
for the keys of runbooks.toml.
`)
}

func runHelp(_ context.Context, e env, args []string) error {
	if len(args) == 0 {
		usage(e.stdout)
		return nil
	}
	if args[0] == "config" {
		configHelp(e.stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] && c.name != "help" {
			return c.run(context.Background(), env{stdout: e.stdout, stderr: e.stdout, getenv: e.getenv}, []string{"-h"})
		}
	}
	return &exitError{exitUsage, fmt.Errorf("unknown command %q", args[0])}
}
