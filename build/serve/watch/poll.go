package watch

import (
	"context"
	"io/fs"
	"path/filepath"
	"time"
)

// stamp is what polling compares to tell that a file changed.
type stamp struct {
	size int64
	mod  time.Time
	mode fs.FileMode
}

// poller finds changes by walking the trees every interval, for network
// filesystems, containers and WSL, where notifications do not arrive.
type poller struct {
	w    *Watcher
	last map[string]stamp // file path → stamp
}

func newPoller(w *Watcher) *poller {
	p := &poller{w: w}
	p.last = p.scan()
	return p
}

// scan walks every root.
func (p *poller) scan() map[string]stamp {
	out := map[string]stamp{}
	for _, root := range p.w.roots {
		_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // gone, or unreadable: seen as removed
			}
			if path != root && d.IsDir() && p.w.skipped(path) {
				return fs.SkipDir
			}
			info, err := d.Info()
			if err != nil {
				return nil
			}
			s := stamp{mode: info.Mode().Type()}
			if !d.IsDir() {
				s.size, s.mod = info.Size(), info.ModTime()
			}
			out[path] = s
			return nil
		})
	}
	return out
}

// run sends the paths that changed between scans until ctx is done.
func (p *poller) run(ctx context.Context, raw chan<- change) {
	defer close(raw)
	t := time.NewTicker(p.w.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := p.scan()
		var changed []string
		for path, s := range now {
			if old, ok := p.last[path]; !ok || old != s {
				changed = append(changed, path)
			}
		}
		for path := range p.last {
			if _, ok := now[path]; !ok {
				changed = append(changed, path)
			}
		}
		p.last = now
		for _, path := range changed {
			root, rel, ok := p.w.rel(path)
			if !ok || rel == "." || ignoredPath(rel) {
				continue
			}
			select {
			case raw <- change{root: root, path: rel}:
			case <-ctx.Done():
				return
			}
		}
	}
}
