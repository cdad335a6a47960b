package params_test

import (
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/params"
)

func TestValid(t *testing.T) {
	untyped := params.Type{}
	for _, c := range []struct {
		typ   params.Type
		value string
		ok    bool
	}{
		{untyped, "", true},
		{untyped, "arca-prod", true},
		{untyped, "pgbouncer-7", true},
		{untyped, "user@host:/path,a=b+c", true},
		{untyped, "--all", false},       // an option
		{untyped, "-n", false},          // an option
		{untyped, "x--", false},         // an SQL comment
		{untyped, "a--b", false},        // the end of options, or a comment
		{untyped, "x; rm -rf /", false}, // a second command
		{untyped, "$(id)", false},       // a substitution
		{untyped, "`id`", false},        // a substitution
		{untyped, "a b", false},         // two words
		{untyped, "x'or'1'='1", false},  // quotes
		{untyped, "a\nb", false},        // a second line
		{untyped, "*", false},           // a glob
		{untyped, "#x", false},          // a comment
		{untyped, strings.Repeat("a", 200), true},
		{untyped, strings.Repeat("a", 201), false},
		{params.Type{Kind: "uuid"}, "3f2b8c1e-9d4a-4b7e-8f21-0c6d5e4a3b2c", true},
		{params.Type{Kind: "uuid"}, "id", false}, // WHERE id = id: every row
		{params.Type{Kind: "uuid"}, "3f2b8c1e-9d4a-4b7e-8f21-0c6d5e4a3b2", false},
		{params.Type{Kind: "integer"}, "42", true},
		{params.Type{Kind: "integer"}, "-1", false},
		{params.Type{Kind: "integer"}, "1e9", false},
		{params.Type{Kind: "cuit"}, "20123456789", true},
		{params.Type{Kind: "cuit"}, "20-12345678-9", true},
		{params.Type{Kind: "cuit"}, "2012345678", false},
		{params.Type{Kind: "dns-label"}, "arca-prod", true},
		{params.Type{Kind: "dns-label"}, "Arca", false},
		{params.Type{Kind: "dns-label"}, "arca-", false},
		{params.Type{Kind: "k8s-name"}, "web-7f9c.v2", true},
		{params.Type{Kind: "k8s-name"}, "--all", false},
		{params.Type{Kind: "word"}, "id", true},
		{params.Type{Kind: "word"}, "a.b", false},
		{params.Type{Pattern: `^[0-9]{11}$`}, "20123456789", true},
		{params.Type{Pattern: `^[0-9]{11}$`}, "2012345678", false},
		{params.Type{Pattern: `.*`}, "x; rm -rf /", false}, // the alphabet holds whatever the pattern says
		{params.Type{Pattern: `.*`}, "-x", false},
	} {
		if got := c.typ.Valid(c.value); got != c.ok {
			t.Errorf("%+v.Valid(%q) = %v, want %v", c.typ, c.value, got, c.ok)
		}
	}
}

func TestCheckPattern(t *testing.T) {
	for _, c := range []struct {
		pattern string
		why     string // in the error, "" when the pattern is fine
	}{
		{`^[0-9]{11}$`, ""},
		{`[a-z]+(?:-[a-z]+)*`, ""},
		{`^(prod|staging)$`, ""},
		{`^[0-9`, "not a regular expression"},
		{`(a`, "not a regular expression"},
		{`(?i)abc`, "flags"},
		{`(?P<x>a)`, "flags, named groups"},
		{`[[:alpha:]]`, "POSIX"},
		{`\Aabc\z`, `\A`},
		{`\pL`, "Unicode"},
		{``, "empty"},
	} {
		err := params.CheckPattern(c.pattern)
		switch {
		case c.why == "" && err != nil:
			t.Errorf("CheckPattern(%q) = %v", c.pattern, err)
		case c.why != "" && (err == nil || !strings.Contains(err.Error(), c.why)):
			t.Errorf("CheckPattern(%q) = %v, want an error with %q", c.pattern, err, c.why)
		}
	}
}

// TestKindsKeepToTheAlphabet checks that every kind's values are a subset
// of the safe alphabet, so the kind alone decides.
func TestKindsKeepToTheAlphabet(t *testing.T) {
	for _, k := range params.Kinds {
		if err := params.CheckPattern(k.Pattern); err != nil {
			t.Errorf("kind %s: %v", k.Name, err)
		}
		if strings.ContainsAny(k.Pattern, " ;$`'\"*#") {
			t.Errorf("kind %s: pattern %q allows characters outside the alphabet", k.Name, k.Pattern)
		}
	}
}
