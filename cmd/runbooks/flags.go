package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// errHelp reports that -h was asked for and the usage was printed.
var errHelp = errors.New("help shown")

// flagSet is a subcommand's flags with a usage text that has examples.
type flagSet struct {
	*flag.FlagSet
	usage func(w io.Writer)
}

func newFlags(name, args, summary, examples string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flagSet{FlagSet: fs, usage: func(w io.Writer) {
		fmt.Fprintf(w, "Usage: runbooks %s %s\n\n%s\n\nFlags:\n", name, args, summary)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		fmt.Fprintf(w, "\nExamples:\n%s\n", strings.TrimRight(examples, "\n"))
	}}
}

// parseArgs parses flags that may come before or after the positional
// arguments, and returns the positional ones.
func (fs *flagSet) parseArgs(e env, args []string) ([]string, error) {
	var pos []string
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			fs.usage(e.stdout)
			return nil, errHelp
		case err != nil:
			return nil, &exitError{exitUsage, fmt.Errorf("%v (run \"runbooks %s -h\" for usage)", err, fs.Name())}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// parse parses args: -h prints the usage on stdout; a bad flag or a stray
// argument is a usage error.
func (fs *flagSet) parse(e env, args []string) error {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.usage(e.stdout)
		return errHelp
	case err != nil:
		return &exitError{exitUsage, fmt.Errorf("%v (run \"runbooks %s -h\" for usage)", err, fs.Name())}
	case fs.NArg() > 0:
		return &exitError{exitUsage, fmt.Errorf("unexpected argument %q (run \"runbooks %s -h\" for usage)", fs.Arg(0), fs.Name())}
	}
	return nil
}
