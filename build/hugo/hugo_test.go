package hugo

import (
	"strings"
	"testing"
)

func TestRewrite(t *testing.T) {
	body := "# Page\n\n" +
		"See [pool]({{< ref \"pool.md\" >}}) and [fix]({{< relref \"/db/replica.md#fix\" >}}) then [x](y.md).\n" +
		"[percent]({{% ref page=\"other.md\" %}})\n" +
		"{{< youtube abc >}}\n" +
		"{{% notice note %}}\nText\n{{% /notice %}}\n" +
		"```\n{{< ref \"code.md\" >}}\n```\n"
	out, probs := Rewrite("ops/page.md", []byte(body), 3)
	lines := strings.Split(string(out), "\n")
	orig := strings.Split(body, "\n")
	for i := range lines {
		if len(lines[i]) != len(orig[i]) {
			t.Errorf("line %d changed length: %q", i+1, lines[i])
		}
	}
	if !strings.HasPrefix(lines[2], "See [pool](pool.md ") || !strings.Contains(lines[2], "[fix](../db/replica.md#fix ") {
		t.Errorf("refs not rewritten: %q", lines[2])
	}
	if i, j := strings.Index(lines[2], "[x](y.md)"), strings.Index(orig[2], "[x](y.md)"); i != j {
		t.Errorf("a link after a ref moved from column %d to %d", j+1, i+1)
	}
	if !strings.HasPrefix(lines[3], "[percent](other.md ") {
		t.Errorf("{{%% ref page= %%}} not rewritten: %q", lines[3])
	}
	if lines[10] != orig[10] {
		t.Errorf("a shortcode in a code block was rewritten: %q", lines[10])
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	want := []string{
		`ops/page.md:7:1: warning: Hugo shortcode {{< youtube >}} is not supported: the page shows it as written [shortcode]`,
		`ops/page.md:8:1: warning: Hugo shortcode {{% notice %}} is not supported: the page shows it as written [shortcode]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
