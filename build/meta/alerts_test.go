package meta_test

import (
	"slices"
	"testing"

	"github.com/arcaapi/runbooks/build/page"
)

// Each alert a page lists carries the position it is written at, so that
// problems about one alert point at it, not at the top of the file.
func TestAlertsCarryTheirPositions(t *testing.T) {
	for _, c := range []struct {
		name string
		src  string
		want []string
		at   []page.Pos
	}{{
		name: "block sequence",
		src:  "---\nalerts:\n  - ApiDown\n  - \"ApiSlow\"\n---\n# T\n",
		want: []string{"ApiDown", "ApiSlow"},
		at:   []page.Pos{{Line: 3, Col: 5}, {Line: 4, Col: 6}},
	}, {
		name: "flow sequence",
		src:  "---\nalerts: [ApiDown, 'ApiSlow']\n---\n# T\n",
		want: []string{"ApiDown", "ApiSlow"},
		at:   []page.Pos{{Line: 2, Col: 10}, {Line: 2, Col: 20}},
	}, {
		name: "comma-separated string",
		src:  "---\nalerts: \"ApiDown,  ApiSlow\"\n---\n# T\n",
		want: []string{"ApiDown", "ApiSlow"},
		at:   []page.Pos{{Line: 2, Col: 10}, {Line: 2, Col: 20}},
	}, {
		name: "folded string: the value's position",
		src:  "---\nalerts: >\n  ApiDown,\n  ApiSlow\n---\n# T\n",
		want: []string{"ApiDown", "ApiSlow"},
		at:   []page.Pos{{Line: 2, Col: 9}, {Line: 2, Col: 9}},
	}, {
		name: "template line",
		src:  "# T\n\n**Alerts**: ApiDown, `ApiSlow`\n",
		want: []string{"ApiDown", "ApiSlow"},
		at:   []page.Pos{{Line: 3, Col: 13}, {Line: 3, Col: 23}},
	}} {
		t.Run(c.name, func(t *testing.T) {
			m := parse(t, c.src).Meta
			if !slices.Equal(m.Alerts, c.want) || !slices.Equal(m.AlertsAt, c.at) {
				t.Errorf("alerts %q at %v, want %q at %v", m.Alerts, m.AlertsAt, c.want, c.at)
			}
		})
	}
}
