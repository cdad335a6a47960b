package nearest_test

import (
	"testing"

	"github.com/arcaapi/runbooks/build/nearest"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"exclude", "exclude", 3, 0},
		{"exlude", "exclude", 3, 1},          // a letter left out
		{"exculde", "exclude", 3, 1},         // two neighbours swapped: one edit
		{"broken-link", "broken-lnik", 3, 1}, // swap
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3}, // past the limit: limit+1
		{"a", "abcdef", 2, 3},       // lengths alone exceed the limit
		{"", "ab", 5, 2},
	} {
		if got := nearest.Distance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("Distance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}

func TestName(t *testing.T) {
	keys := []string{"title", "base_url", "edit_url", "exclude", "rules", "severity"}
	for _, c := range []struct{ s, want string }{
		{"exlude", "exclude"},
		{"titel", "title"},
		{"base-url", "base_url"},
		{"edit_urls", "edit_url"},
		{"colour", ""}, // nothing close
		{"x", ""},
		{"severty", "severity"},
	} {
		if got := nearest.Name(c.s, keys); got != c.want {
			t.Errorf("Name(%q) = %q, want %q", c.s, got, c.want)
		}
	}
	// On a tie, the first name wins.
	if got := nearest.Name("cat", []string{"bat", "car"}); got != "bat" {
		t.Errorf("tie: %q, want the first, bat", got)
	}
}
