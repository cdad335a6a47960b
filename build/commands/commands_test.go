package commands_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/commands"
)

var rules = []string{
	commands.RuleSyntax, commands.RuleDestructiveVar, commands.RuleUndefinedVar,
	commands.RulePipeToShell, commands.RuleSudoRedirect, commands.RuleManifestMissing,
}

// problems parses a one-page site through the whole pipeline and returns
// this package's problems as "line:col rule", and their messages.
func problems(t *testing.T, md string) ([]string, []string) {
	t.Helper()
	src := fstest.MapFS{"a.md": {Data: []byte(md)}}
	res, err := build.CheckFS(context.Background(), src, build.Config{})
	if err != nil {
		t.Fatal(err)
	}
	site := res.Site
	var got, msgs []string
	for _, p := range site.Problems {
		if slices.Contains(rules, p.Rule) {
			if p.File != "a.md" {
				t.Errorf("problem in %q, want a.md", p.File)
			}
			got = append(got, fmt.Sprintf("%d:%d %s", p.Line, p.Col, p.Rule))
			msgs = append(msgs, p.Message)
		}
	}
	return got, msgs
}

const front = "---\ntitle: T\nowner: x\n---\n\n# T\n\n" // body starts on line 6, blocks on line 8

// TestSyntaxPositions checks that a broken block in each language is
// reported at the file's own line and column of the fault.
func TestSyntaxPositions(t *testing.T) {
	for _, tt := range []struct {
		name, md string
		want     []string // "line:col rule"
		msg      string   // start of the first message
	}{
		{"bash unclosed quote", "```bash\necho ok\necho \"unclosed\n```\n",
			[]string{"3:6 command-syntax"}, "shell: reached EOF without closing quote"},
		{"after front matter", front + "```sh\nif true; then\n  echo x\n```\n",
			[]string{"9:1 command-syntax"}, "shell: "},
		{"inside a list", "1. Run:\n\n   ```bash\n   ls\n   echo $(date\n   ```\n",
			[]string{"5:9 command-syntax"}, "shell: "},
		{"in a quote", "> ```bash\n> echo 'a\n> ```\n",
			[]string{"2:8 command-syntax"}, "shell: reached EOF without closing quote"},
		{"columns in characters", "```bash\necho \"café ☕\" | )\n```\n",
			[]string{"2:15 command-syntax"}, "shell: "},
		{"placeholder in angle brackets", "```bash\nkubectl delete pod <pod-name>\n```\n",
			[]string{"2:29 command-syntax"}, "shell: "},
		{"console after prompt", "```console\n$ kubectl get pods\nNAME  READY (weird output\n$ echo \"x\n```\n",
			[]string{"4:8 command-syntax"}, "shell: reached EOF without closing quote"},
		{"console root prompt", "```console\n# fi\n```\n",
			[]string{"2:3 command-syntax"}, "shell: "},
		{"console continuation", "```console\n$ kubectl get pods \\\n>   -n x | grep (\nout\n```\n",
			[]string{"3:12 command-syntax"}, "shell: "},
		{"console heredoc and output", "```console\n$ cat <<EOF\n> line (1\n> EOF\nline (1\n$ echo done\ndone\n```\n",
			nil, ""},
		{"promql", "```promql\n# p99\nhistogram_quantile(0.99,\n  sum by (le) (rate(x_bucket[5m]))\n\nrate(y[5m]) / on(\n```\n",
			[]string{"4:34 command-syntax", "6:17 command-syntax"}, "promql: "},
		{"promql one query a line", "```promql\nup{job=\"api\"}\nsum(rate(a[5m]))\n  /\nsum(rate(b[5m]))\nrate(c[5m]) +\n```\n",
			[]string{"6:13 command-syntax"}, "promql: "},
		{"promql in a list", "- Query:\n\n  ```promql\n  up{job=\"api\" == 0\n  ```\n",
			[]string{"4:16 command-syntax"}, "promql: "},
		{"yaml", front + "```yaml\na: 1\nb: [1, 2\n```\n",
			[]string{"10:1 command-syntax"}, "yaml: "},
		{"json", "```json\n{\n  \"a\": 1,\n  \"b\": tru\n}\n```\n",
			[]string{"4:11 command-syntax"}, "json: invalid character"},
		{"json cut short", "```json\n{\"a\": [1, 2\n```\n",
			[]string{"2:11 command-syntax"}, "json: unexpected end"},
		{"nocheck", "```bash {nocheck}\necho \"partial\n```\n\n```json {nocheck}\n{...}\n```\n", nil, ""},
		{"other languages", "```text\necho \"x\n```\n\n```\n{\n```\n\n    echo \"indented\n", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, msgs := problems(t, tt.md)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q (%q)", got, tt.want, msgs)
			}
			if len(msgs) > 0 && !strings.HasPrefix(msgs[0], tt.msg) {
				t.Errorf("message %q, want it to start with %q", msgs[0], tt.msg)
			}
		})
	}
}

// TestUnsafeShell checks each unsafe-shell warning, where it is reported,
// and the cases that must stay quiet.
func TestUnsafeShell(t *testing.T) {
	for _, tt := range []struct {
		name, md string
		want     []string
	}{
		{"rm on a variable", "```bash\nDIR=$(mktemp -d)\nrm -rf \"$DIR\"/cache\n```\n",
			[]string{"3:9 destructive-unset-var"}},
		{"fence says safe", "```bash {safe}\nDIR=$(mktemp -d)\nrm -rf \"$DIR\"/cache\n```\n", nil},
		{"guarded", "```bash\nDIR=$(mktemp -d)\nrm -rf \"${DIR:?}\"/cache\n```\n", nil},
		{"literal value", "```bash\nDIR=/tmp/heap\nrm -rf \"$DIR\"/cache\n```\n", nil},
		{"literal in an earlier block", "```bash\nNS=arca-prod\n```\n\n```bash\nkubectl delete ns $NS\n```\n", nil},
		{"kubectl delete on an unset variable", "```bash\nkubectl delete ns $NS\n```\n",
			[]string{"2:19 destructive-unset-var"}},
		// The shell read for the block's destructive marker is the one
		// checked: its positions are the file's, indent and quote included.
		{"delete in a list item", "1. Delete:\n\n   ```bash\n   kubectl delete ns $NS\n   ```\n",
			[]string{"4:22 destructive-unset-var"}},
		{"delete in a quote", "> ```console\n> $ kubectl delete ns $NS\n> ```\n",
			[]string{"2:23 destructive-unset-var"}},
		{"SQL in a shell string", "```bash\nread -r CUIT\npsql -c \"DELETE FROM tickets WHERE cuit = '$CUIT';\"\n```\n",
			[]string{"3:44 destructive-unset-var"}},
		{"vars parameter with a default", "---\nvars:\n  NS: arca-prod\n---\n```bash\nkubectl delete ns $NS\n```\n", nil},
		{"vars parameter without a default", "---\nvars:\n  NS: \"\"\n---\n```bash\nkubectl delete ns $NS\n```\n",
			[]string{"6:19 destructive-unset-var"}},
		{"undefined", "```bash\nkubectl -n $NAMESPACE get pods\necho $NAMESPACE\n```\n",
			[]string{"2:12 undefined-var"}},
		{"set in a later block", "```bash\necho $POD\n```\n\n```bash\nPOD=x\n```\n",
			[]string{"2:6 undefined-var"}},
		{"set by for, read, export, function", "```bash\nexport A=1\nfor p in a b; do echo $p $A; done\nread -r B; echo $B\nf() { echo \"$1\" \"$@\" $#; }\n```\n", nil},
		{"well-known and defaulted", "```bash\necho $HOME $PATH $USER $PWD ${EDITOR:-vi} ${X:-y}\n```\n", nil},
		{"vars parameter", "---\nvars:\n  CUIT: \"\"\n---\n```bash\necho $CUIT\n```\n", nil},
		{"single quotes do not expand", "```bash\nawk '{print $1, $X}' f\n```\n", nil},
		{"sourced file", "```bash\nsource .env\necho $DB\n```\n", nil},
		{"curl to sh", "```bash\ncurl -fsSL https://x.sh | sudo bash -s -- --yes\n```\n",
			[]string{"2:32 pipe-to-shell"}},
		{"wget to sh in a chain", "```bash\nwget -qO- https://x.sh | tee /tmp/x | sh\n```\n",
			[]string{"2:39 pipe-to-shell"}},
		{"process substitution", "```bash\nbash <(curl -s https://x.sh)\n```\n",
			[]string{"2:1 pipe-to-shell"}},
		{"curl to jq", "```bash\ncurl -s https://x/healthz | jq .\n```\n", nil},
		{"sudo redirect", "```bash\nsudo echo 1 > /proc/sys/vm/drop_caches\nsudo cat f >> /etc/hosts\necho 1 | sudo tee /etc/f >/dev/null\nsudo ls 2>&1\n```\n",
			[]string{"2:13 sudo-redirect", "3:12 sudo-redirect"}},
		{"console commands only", "```console\n$ kubectl delete ns $NS\nns \"$NS\" deleted\n```\n",
			[]string{"2:21 destructive-unset-var"}},
		{"manifest without kind", "```yaml\napiVersion: v1\nmetadata:\n  name: x\n```\n",
			[]string{"2:1 manifest-missing-kind"}},
		{"manifest without either", "```yaml\nmetadata:\n  name: x\nspec:\n  replicas: 1\n---\napiVersion: v1\nkind: ConfigMap\n```\n",
			[]string{"2:1 manifest-missing-kind"}},
		{"not a manifest", "```yaml\ngroups:\n  - name: x\n```\n", nil},
		{"nocheck keeps definitions", "```bash {nocheck}\nPOD=$(kubectl get pod -o name)\n...\n```\n\n```bash\necho $POD\n```\n",
			nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, msgs := problems(t, tt.md)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q (%q)", got, tt.want, msgs)
			}
		})
	}
}
