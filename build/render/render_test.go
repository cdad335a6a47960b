package render

import (
	"fmt"
	"testing"

	"github.com/arcaapi/runbooks/build/page"
)

func TestContents(t *testing.T) {
	h := func(level int, id string) page.Heading { return page.Heading{Level: level, ID: id, Text: id} }
	tests := []struct {
		in   []page.Heading
		want string
	}{
		{nil, "[]"},
		{[]page.Heading{h(2, "a"), h(3, "a1"), h(3, "a2"), h(2, "b"), h(2, "c"), h(3, "c1")}, "[a(a1 a2) b c(c1)]"},
		// An H3 before any H2 stands on its own.
		{[]page.Heading{h(3, "x"), h(2, "a"), h(3, "a1")}, "[x a(a1)]"},
	}
	for _, tt := range tests {
		got := "["
		for i, it := range contents(tt.in) {
			if i > 0 {
				got += " "
			}
			got += it.ID
			if len(it.Children) > 0 {
				got += "("
				for j, c := range it.Children {
					if j > 0 {
						got += " "
					}
					got += c.ID
				}
				got += ")"
			}
		}
		got += "]"
		if got != tt.want {
			t.Errorf("contents(%v) = %s, want %s", fmt.Sprint(tt.in), got, tt.want)
		}
	}
}
