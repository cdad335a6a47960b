package build

import (
	"context"
	"io/fs"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/markdown"
)

// Parse runs load, parse and check over src, for tests that look at the
// parsed site.
func Parse(ctx context.Context, src fs.FS, cfg Config) (*Site, error) {
	set, err := prepareFS(cfg, src)
	if err != nil {
		return nil, err
	}
	tree, err := set.load()
	if err != nil {
		return nil, err
	}
	site, err := set.parse(ctx, tree, nil, nil)
	if err != nil {
		return nil, err
	}
	site.Problems, site.Lowered = set.check(site)
	return site, nil
}

// Update runs the incremental parse and check over prev, for tests.
func Update(ctx context.Context, prev *Site, src fs.FS, cfg Config, changed []string) (*Site, error) {
	set, err := prepareFS(cfg, src)
	if err != nil {
		return nil, err
	}
	site, err := set.reparse(ctx, prev, changed)
	if err != nil {
		return nil, err
	}
	site.Problems, site.Lowered = set.check(site)
	return site, nil
}

// Render runs render over a parsed site, highlighting with hl and writing
// to w, for tests.
func Render(ctx context.Context, site *Site, cfg Config, hl markdown.Highlighter, w Writer) error {
	set, err := prepareFS(cfg, site.Src)
	if err != nil {
		return err
	}
	theme, err := loadTheme(cfg.Theme)
	if err != nil {
		return err
	}
	return set.render(ctx, site, theme, hl, w)
}

// ThemeFiles returns the site paths of the default theme's static files.
func ThemeFiles() ([]string, error) {
	theme, err := loadTheme("")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range newRenderer(&Site{}, theme, settings{}, false).Files() {
		names = append(names, f.Name)
	}
	return names, nil
}

// SourceErrors is Change.SourceErrors for a parsed site.
func (s *Site) SourceErrors() []diag.Problem { return s.sourceErrors() }
