package meta_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/params"
)

// TestVarTypes checks the two forms a var takes in front matter, a default
// value or a mapping that also gives its kind or pattern, and that a bad
// kind, pattern or default is reported where it is written.
func TestVarTypes(t *testing.T) {
	for _, c := range []struct {
		name string
		vars string // the lines under "vars:", from file line 3
		want []page.Var
		prob string // "line:col severity rule", "" when none
	}{
		{"a default, as before", "  NS: arca-prod\n", []page.Var{{Name: "NS", Default: "arca-prod"}}, ""},
		{"an empty default", "  POD: \"\"\n", []page.Var{{Name: "POD"}}, ""},
		{"a kind", "  ID: {kind: uuid}\n", []page.Var{{Name: "ID", Type: params.Type{Kind: "uuid"}}}, ""},
		{"a kind and a default", "  CUIT:\n    default: \"20123456789\"\n    kind: cuit\n",
			[]page.Var{{Name: "CUIT", Default: "20123456789", Type: params.Type{Kind: "cuit"}}}, ""},
		{"a pattern", "  ACCT: {pattern: '^[0-9]{11}$'}\n", []page.Var{{Name: "ACCT", Type: params.Type{Pattern: "^[0-9]{11}$"}}}, ""},
		{"an unknown kind", "  ID: {kind: guid}\n", nil, "3:14 error invalid-metadata"},
		{"a pattern that is not one", "  ID:\n    pattern: '^[0-9'\n", nil, "4:15 error invalid-metadata"},
		{"a pattern the browser reads differently", "  ID: {pattern: '(?i)abc'}\n", nil, "3:18 error invalid-metadata"},
		{"a kind and a pattern", "  ID: {kind: uuid, pattern: x}\n", nil, "3:7 error invalid-metadata"},
		{"an unknown field", "  ID: {kind: uuid, type: x}\n", nil, "3:20 error front-matter"},
		{"a default that is an option", "  POD: --all\n", []page.Var{{Name: "POD", Default: "--all"}}, "3:8 warning invalid-metadata"},
		{"a default that is not its kind", "  ID:\n    kind: uuid\n    default: 'id'\n",
			[]page.Var{{Name: "ID", Default: "id", Type: params.Type{Kind: "uuid"}}}, "5:15 warning invalid-metadata"},
		{"a list", "  ID: [a, b]\n", nil, "3:7 error front-matter"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := parse(t, "---\nvars:\n"+c.vars+"---\n# T\n")
			got := fmt.Sprint(r.Meta.Vars)
			if want := fmt.Sprint(c.want); got != want {
				t.Errorf("vars = %s, want %s", got, want)
			}
			var probs []string
			for _, p := range r.Problems {
				probs = append(probs, fmt.Sprintf("%d:%d %s %s", p.Line, p.Col, p.Severity, p.Rule))
			}
			want := []string{}
			if c.prob != "" {
				want = append(want, c.prob)
			}
			if strings.Join(probs, "|") != strings.Join(want, "|") {
				t.Errorf("problems = %q, want %q\n%v", probs, want, r.Problems)
			}
		})
	}
}
