// Package watch implements the preview server's file watching: it reports
// which files changed under a set of folders, in batches sent after a short
// quiet window, using the system's notifications on every folder (inotify,
// kqueue, ...) or, where those do not arrive, by polling.
//
// Editors save in many ways: a plain write, a temp file renamed over the
// original, vim's probe file and backup rename. Watching folders rather than
// files, and reporting paths rather than events, makes them all the same:
// a path in a batch means "look at this path again".
package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults of Options.
const (
	DefaultQuiet    = 30 * time.Millisecond
	DefaultMaxDelay = time.Second
)

// rootRetry is how often a removed root is looked for: its parent is not
// watched, so nothing tells when it comes back.
const rootRetry = 200 * time.Millisecond

// ErrLimit is returned, wrapped, when the system's limit on watched folders
// or watchers is reached (inotify's fs.inotify.max_user_watches or
// max_user_instances).
var ErrLimit = errors.New("the system's limit on file watches is reached")

// Options configure a Watcher.
type Options struct {
	Roots []string // folders to watch, with every folder below them
	// Skip holds folders not to watch (an output folder inside a root).
	Skip []string
	// Poll, when not zero, compares the trees every Poll instead of
	// relying on the system's notifications.
	Poll time.Duration
	// A batch is sent once no change came for Quiet, or MaxDelay after its
	// first change when changes keep coming; zero means the default.
	Quiet, MaxDelay time.Duration
	// Warn receives problems that do not stop watching, such as a new
	// folder that could not be watched; nil ignores them.
	Warn func(error)
}

// Batch is the changes of one burst.
type Batch struct {
	// Changed maps a root, as given in Options.Roots, to the sorted slash
	// paths below it that were created, written, removed or renamed.
	Changed map[string][]string
	// Lost reports that the system dropped events: anything may have
	// changed.
	Lost bool
}

// Watcher watches folders for changes.
type Watcher struct {
	opts    Options
	roots   []string // cleaned, longest first
	skip    map[string]bool
	fsw     *fsnotify.Watcher // nil when polling
	watched map[string]bool   // folders with a watch
	missing map[string]bool   // roots removed, looked for every rootRetry
	batches chan Batch
}

// change is one path to look at again.
type change struct {
	root, path string
	lost       bool
}

// Start watches opts.Roots until ctx is done. Batches are sent on
// Batches(), which is closed once the watcher has stopped.
func Start(ctx context.Context, opts Options) (*Watcher, error) {
	if opts.Quiet <= 0 {
		opts.Quiet = DefaultQuiet
	}
	if opts.MaxDelay <= 0 {
		opts.MaxDelay = DefaultMaxDelay
	}
	if opts.MaxDelay < opts.Quiet {
		opts.MaxDelay = opts.Quiet
	}
	w := &Watcher{opts: opts, skip: map[string]bool{}, watched: map[string]bool{}, missing: map[string]bool{}, batches: make(chan Batch)}
	for _, r := range opts.Roots {
		w.roots = append(w.roots, filepath.Clean(r))
	}
	slices.SortFunc(w.roots, func(a, b string) int { return len(b) - len(a) })
	for _, s := range opts.Skip {
		if abs, err := filepath.Abs(s); err == nil {
			w.skip[abs] = true
		}
	}
	raw := make(chan change)
	if opts.Poll > 0 {
		p := newPoller(w)
		go p.run(ctx, raw)
	} else {
		fsw, err := fsnotify.NewWatcher()
		if err != nil {
			return nil, limitError("start watching", err)
		}
		w.fsw = fsw
		for _, r := range w.roots {
			if err := w.watchTree(r); err != nil {
				fsw.Close()
				return nil, err
			}
			// The root's own removal and return show in its parent: the
			// system reports a removed folder only once nothing holds it
			// open, and never one made anew.
			if parent := filepath.Dir(r); parent != r {
				if err := fsw.Add(parent); err != nil {
					w.warn(fmt.Errorf("watch %s for %s coming back: %w", parent, r, err))
				}
			}
		}
		go w.notify(ctx, raw)
	}
	go w.debounce(raw)
	return w, nil
}

// Batches returns the channel batches are sent on.
func (w *Watcher) Batches() <-chan Batch { return w.batches }

// limitError explains an error that means the system's limits are reached.
func limitError(what string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) {
		return fmt.Errorf("%s: %w (%v)", what, ErrLimit, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Ignored reports whether a file name is an editor's temporary file or
// backup, or a dot-file, which the site leaves out anyway: vim's 4913
// probe, swap files and name~ backups, Emacs' .#name locks and #name#
// autosaves, JetBrains' safe-write files, GNOME's .goutputstream-*,
// *.tmp, and .git.
func Ignored(name string) bool {
	switch {
	case name == "" || strings.HasPrefix(name, "."):
		return true
	case strings.HasSuffix(name, "~"),
		strings.HasSuffix(name, ".tmp"),
		strings.HasSuffix(name, "___jb_tmp___"),
		strings.HasSuffix(name, "___jb_old___"),
		strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#"):
		return true
	}
	switch filepath.Ext(name) {
	case ".swp", ".swo", ".swn", ".swx":
		return true
	}
	return vimProbe(name)
}

// vimProbe reports whether name is one of the files vim writes to test
// that it may create files in a folder: 4913, then 4913+123k while those
// exist.
func vimProbe(name string) bool {
	n, err := strconv.Atoi(name)
	return err == nil && n >= 4913 && (n-4913)%123 == 0
}

// rel returns the root under which p lies and p's slash path below it.
func (w *Watcher) rel(p string) (root, rel string, ok bool) {
	for _, r := range w.roots {
		if p == r {
			return r, ".", true
		}
		if strings.HasPrefix(p, r+string(filepath.Separator)) {
			return r, filepath.ToSlash(p[len(r)+1:]), true
		}
	}
	return "", "", false
}

// ignoredPath reports whether a slash path below a root is left out: an
// editor's temp file, or anything in a dot-folder.
func ignoredPath(rel string) bool {
	if rel == "." {
		return false
	}
	for part := range strings.SplitSeq(rel, "/") {
		if Ignored(part) {
			return true
		}
	}
	return false
}

// skipped reports whether the folder dir is not to be watched.
func (w *Watcher) skipped(dir string) bool {
	if abs, err := filepath.Abs(dir); err == nil && w.skip[abs] {
		return true
	}
	_, rel, ok := w.rel(dir)
	return !ok || ignoredPath(rel)
}

// watchTree watches dir and every folder below it. Symlinks are not
// followed: the site does not follow them into folders either.
func (w *Watcher) watchTree(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			w.warn(fmt.Errorf("watch %s: %w", p, err))
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && w.skipped(p) {
			return fs.SkipDir
		}
		if err := w.fsw.Add(p); err != nil {
			return limitError("watch "+p, err)
		}
		w.watched[p] = true
		return nil
	})
}

// unwatchTree forgets dir and every folder below it.
func (w *Watcher) unwatchTree(dir string) {
	prefix := dir + string(filepath.Separator)
	for p := range w.watched {
		if p == dir || strings.HasPrefix(p, prefix) {
			_ = w.fsw.Remove(p) // the system may have dropped it already
			delete(w.watched, p)
		}
	}
}

func (w *Watcher) warn(err error) {
	if w.opts.Warn != nil {
		w.opts.Warn(err)
	}
}

// notify turns the system's events into changes until ctx is done.
func (w *Watcher) notify(ctx context.Context, raw chan<- change) {
	defer close(raw)
	defer w.fsw.Close()
	send := func(c change) bool {
		select {
		case raw <- c:
			return true
		case <-ctx.Done():
			return false
		}
	}
	var retry *time.Ticker
	defer func() {
		if retry != nil {
			retry.Stop()
		}
	}()
	for {
		var retryC <-chan time.Time
		switch {
		case len(w.missing) > 0 && retry == nil:
			retry = time.NewTicker(rootRetry)
		case len(w.missing) == 0 && retry != nil:
			retry.Stop()
			retry = nil
		}
		if retry != nil {
			retryC = retry.C
		}
		select {
		case <-ctx.Done():
			return
		case <-retryC:
			for _, c := range w.returned() {
				if !send(c) {
					return
				}
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				if !send(change{lost: true}) {
					return
				}
				continue
			}
			w.warn(fmt.Errorf("watch: %w", err))
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			c, ok := w.event(ev)
			if ok && !send(c) {
				return
			}
		}
	}
}

// event keeps the watches in step with the tree and returns the change
// ev means, if any.
func (w *Watcher) event(ev fsnotify.Event) (change, bool) {
	if ev.Op == fsnotify.Chmod || ev.Op == 0 {
		return change{}, false
	}
	name := filepath.Clean(ev.Name)
	root, rel, ok := w.rel(name)
	if !ok || ignoredPath(rel) {
		return change{}, false
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		w.unwatchTree(name)
		if rel == "." {
			w.missing[root] = true // looked for until it is back, should its parent go too
		}
	}
	if ev.Has(fsnotify.Create) {
		if rel == "." {
			delete(w.missing, root)
		}
		if fi, err := os.Lstat(name); err == nil && fi.IsDir() && !w.skipped(name) {
			if err := w.watchTree(name); err != nil {
				w.warn(err)
			}
		}
	}
	return change{root: root, path: rel}, true
}

// returned watches again the removed roots that exist again, and returns
// a change of "." for each: anything below it may differ.
func (w *Watcher) returned() []change {
	var out []change
	for root := range w.missing {
		if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
			continue
		}
		if err := w.watchTree(root); err != nil {
			w.warn(err)
			continue
		}
		delete(w.missing, root)
		out = append(out, change{root: root, path: "."})
	}
	return out
}

// debounce gathers changes into batches: a batch is ready when no change
// came for the quiet window, or the longest delay passed since its first
// change. While the receiver is busy with the previous batch, new changes
// join the ready one, so a burst gives at most two batches.
func (w *Watcher) debounce(raw <-chan change) {
	defer close(w.batches)
	pending := map[string]map[string]bool{}
	var lost bool
	var ready *Batch
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	var deadline <-chan time.Time
	var first *time.Timer
	flush := func() {
		quiet.Stop()
		if first != nil {
			first.Stop()
			first, deadline = nil, nil
		}
		if len(pending) == 0 && !lost {
			return
		}
		if ready == nil {
			ready = &Batch{Changed: map[string][]string{}}
		}
		ready.Lost = ready.Lost || lost
		for root, paths := range pending {
			for p := range paths {
				if !slices.Contains(ready.Changed[root], p) {
					ready.Changed[root] = append(ready.Changed[root], p)
				}
			}
			slices.Sort(ready.Changed[root])
		}
		pending, lost = map[string]map[string]bool{}, false
	}
	for {
		var out chan<- Batch
		var next Batch
		if ready != nil {
			out, next = w.batches, *ready
		}
		select {
		case c, ok := <-raw:
			if !ok {
				quiet.Stop()
				if first != nil {
					first.Stop()
				}
				return
			}
			if c.lost {
				lost = true
			} else {
				if pending[c.root] == nil {
					pending[c.root] = map[string]bool{}
				}
				pending[c.root][c.path] = true
			}
			quiet.Reset(w.opts.Quiet)
			if first == nil {
				first = time.NewTimer(w.opts.MaxDelay)
				deadline = first.C
			}
		case <-quiet.C:
			flush()
		case <-deadline:
			flush()
		case out <- next:
			ready = nil
		}
	}
}
