package build

import (
	"github.com/arcaapi/runbooks/build/alias"
	"github.com/arcaapi/runbooks/build/diag"
)

// aliases returns the pages' aliases that lead to them, and the problems
// of those that cannot: checked against everything else the site writes.
func (s *Site) aliases() ([]alias.Alias, []diag.Problem) {
	if !alias.Any(s.Pages) {
		return nil, nil
	}
	return alias.Collect(s.Pages, s.aliasReserved())
}

// aliasReserved returns what the site writes besides its pages and
// aliases, for the aliases' collision check: the generated files and
// folders, the theme's assets, and the published source files.
func (s *Site) aliasReserved() alias.Reserved {
	genFiles, genDirs := generatedNames()
	res := alias.Reserved{Files: make(map[string]string, len(genFiles)+len(s.Files)), Dirs: append(genDirs, "assets")}
	for f := range genFiles {
		res.Files[f] = ""
	}
	for _, f := range s.Files {
		res.Files[f] = f
	}
	return res
}
