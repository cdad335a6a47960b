// Package alertrules implements reading Prometheus alerting rule files:
// plain rule files (groups: → rules:), as Prometheus, Thanos, Mimir and
// Loki load them, and PrometheusRule resources of the Prometheus Operator
// (spec: → groups:). It keeps the file position of every alert and of its
// runbook_url, so that problems point at the rule to fix.
package alertrules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
	"go.yaml.in/yaml/v3"
)

// MaxFileSize bounds the size of a rule file read.
const MaxFileSize = 16 << 20

// Rule is an alerting rule.
type Rule struct {
	File       string // the rule file, as named to Parse or found by Load
	Alert      string // the alert name
	Line, Col  int    // position of the alert name, 1-based
	RunbookURL string // the runbook_url annotation (or label), "" when none
	URLLine    int    // position of the runbook_url value
	URLCol     int
}

// Parse reads the alerting rules of one file. name names the file in
// problems. Recording rules and YAML documents without rule groups are
// skipped: a folder of Kubernetes manifests may hold rules among other
// things.
func Parse(name string, data []byte) ([]Rule, []diag.Problem) {
	var rules []Rule
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line, msg := yamlError(err)
			return rules, []diag.Problem{diag.Errorf(name, line, 1, "invalid-alert-rules", "invalid YAML: %s", msg)}
		}
		if len(doc.Content) == 0 {
			continue
		}
		groups := lookup(doc.Content[0], "groups")
		if groups == nil {
			groups = lookup(lookup(doc.Content[0], "spec"), "groups")
		}
		if groups == nil || groups.Kind != yaml.SequenceNode {
			continue
		}
		for _, g := range groups.Content {
			rs := lookup(g, "rules")
			if rs == nil || rs.Kind != yaml.SequenceNode {
				continue
			}
			for _, r := range rs.Content {
				if rule, ok := parseRule(name, r); ok {
					rules = append(rules, rule)
				}
			}
		}
	}
	return rules, nil
}

func parseRule(file string, r *yaml.Node) (Rule, bool) {
	alert := lookup(r, "alert")
	if alert == nil || alert.Kind != yaml.ScalarNode {
		return Rule{}, false // a recording rule
	}
	rule := Rule{File: file, Alert: strings.TrimSpace(alert.Value), Line: alert.Line, Col: alert.Column}
	u := lookup(lookup(r, "annotations"), "runbook_url")
	if u == nil {
		u = lookup(lookup(r, "labels"), "runbook_url")
	}
	if u != nil && u.Kind == yaml.ScalarNode {
		rule.RunbookURL, rule.URLLine, rule.URLCol = strings.TrimSpace(u.Value), u.Line, u.Column
	}
	return rule, true
}

// lookup returns the value of key in the mapping m, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	for m != nil && m.Kind == yaml.AliasNode {
		m = m.Alias
	}
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			for v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			return v
		}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlError(err error) (int, string) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, m[2]
	}
	return 1, strings.TrimPrefix(msg, "yaml: ")
}

// Load reads the rule file at path, or every .yml and .yaml file under the
// folder at path (dot-folders skipped), in name order. files is the number
// of files read. Only a file or folder that cannot be read is an error;
// what is wrong inside a file is a problem.
func Load(path string) (rules []Rule, probs []diag.Problem, files int, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("alert rules: %w", err)
	}
	var names []string
	if !fi.IsDir() {
		names = []string{path}
	} else {
		err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && p != path && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if ext := strings.ToLower(filepath.Ext(p)); !d.IsDir() && (ext == ".yml" || ext == ".yaml") {
				names = append(names, p)
			}
			return nil
		})
		if err != nil {
			return nil, nil, 0, fmt.Errorf("alert rules: %w", err)
		}
		slices.Sort(names)
	}
	for _, n := range names {
		data, err := readFile(n)
		if err != nil {
			return nil, nil, 0, fmt.Errorf("alert rules: %w", err)
		}
		rs, ps := Parse(filepath.ToSlash(n), data)
		rules, probs = append(rules, rs...), append(probs, ps...)
		files++
	}
	return rules, probs, files, nil
}

func readFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, MaxFileSize)
	}
	return data, nil
}
