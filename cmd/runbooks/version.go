package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is set at link time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

func runVersion(_ context.Context, e env, args []string) error {
	fs := newFlags("version", "", "Print the version of runbooks and of Go it was built with.", "  runbooks version")
	if err := fs.parse(e, args); err != nil {
		return err
	}
	v := version
	goVersion := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if v == "" {
			v = bi.Main.Version
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 && (v == "" || v == "(devel)") {
					v = "devel-" + s.Value[:12]
				}
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	fmt.Fprintf(e.stdout, "runbooks %s (%s)\n", v, goVersion)
	return nil
}
