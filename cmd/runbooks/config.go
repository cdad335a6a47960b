package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/arcaapi/runbooks/build/config"
)

// configHelp prints every key of runbooks.toml with its default.
func configHelp(w io.Writer) {
	fmt.Fprintf(w, `runbooks.toml: the project's configuration, at the root of --src (or --config FILE).
Every key is optional; without the file, every default holds. An unknown key
is an error, positioned in the file. Flags win over the file.

Keys (default):
`)
	for _, k := range config.Keys {
		fmt.Fprintf(w, "  %-13s (%s)\n      %s\n", k.Name, k.Default, k.Meaning)
	}
	fmt.Fprintf(w, `
Rules that [rules] may set: %s.
(config, duplicate-url, generated-name, invalid-utf8, page-limit and unreadable stay errors.)

Example:
  title = "Platform runbooks"
  exclude = ["CONTRIBUTING.md", "vendor/**"]
  [rules]
  broken-link = "warning"
  [severity]
  P1 = "SEV1"

Details: docs/config.md.
`, strings.Join(config.RuleIDs(), ", "))
}
