// Package serve implements the preview server of runbooks serve: it builds
// the site in memory, serves it over HTTP, watches the sources, rebuilds
// what an edit needs, and tells the browsers to reload over Server-Sent
// Events:
//
//	watch ─▶ rebuild what changed ─▶ swap the in-memory site ─▶ notify browsers (SSE)
//
// A rebuild that fails keeps the last good pages and shows its problems in
// an overlay; the next good rebuild clears it.
package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/arcaapi/runbooks/build"
	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/serve/watch"
)

// Defaults of Options.
const (
	DefaultAddr              = "127.0.0.1:8080"
	DefaultReadHeaderTimeout = 10 * time.Second
)

// maxIncremental is the most changed files an incremental rebuild handles;
// a bigger change set (a branch switch) is parsed again from scratch.
const maxIncremental = 50

// shutdownGrace is how long open requests get to finish on shutdown.
const shutdownGrace = 500 * time.Millisecond

// ErrRemote is returned, wrapped, when the address is not a loopback one
// and Options.AllowRemote is not set.
var ErrRemote = errors.New("not a loopback address")

// Options configure the preview server.
type Options struct {
	// Config is the build's: Src, Theme, EditURL and ConfigFile
	// are used. Links are always relative, so BaseURL is ignored.
	Config build.Config
	Addr   string // host:port to listen on; DefaultAddr when ""
	// AllowRemote allows an address that other machines can reach.
	AllowRemote bool
	// Poll, when not zero, polls the sources every Poll instead of relying
	// on the system's notifications.
	Poll time.Duration
	// Quiet is the watcher's quiet window; zero means watch.DefaultQuiet.
	Quiet             time.Duration
	ReadHeaderTimeout time.Duration // zero means DefaultReadHeaderTimeout
	// Stderr receives problems, rebuild notes and warnings.
	Stderr io.Writer
	// Ready, if not nil, is called with the site's URL once it is served.
	Ready func(url string)
}

// server is the state of a running preview.
type server struct {
	opts    Options
	cfg     build.Config
	srcRoot string // the source folder, absolute
	root    string // the source folder as /_problems shows it: never absolute
	hosts   hostGuard
	theme   string         // the theme folder, absolute, or ""
	session *build.Session // the pipeline: highlighter, theme and last site for the server's life
	hub     *hub
	snap    atomic.Pointer[snapshot] // the pages served
	status  atomic.Pointer[status]   // what browsers are told

	// Used by the rebuild loop only.
	latest   *build.Change // the newest change, good or not
	checks   chan check    // a finished check; room for one
	checking bool          // a check runs
	queued   *check        // the newest rebuild that waits for its check
	epoch    string
	version  int
	printed  string // the problems last printed; "\x00" before the first print
}

// Run serves a live preview of opts.Config.Src until ctx is done, then
// shuts down within a second.
func Run(ctx context.Context, opts Options) error {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.ReadHeaderTimeout <= 0 {
		opts.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	remote, err := isRemote(opts.Addr)
	if err != nil {
		return err
	}
	if remote && !opts.AllowRemote {
		return fmt.Errorf("%w: %s", ErrRemote, opts.Addr)
	}
	s := &server{opts: opts, cfg: opts.Config, hub: newHub(), checks: make(chan check, 1), epoch: fmt.Sprintf("%x", time.Now().UnixNano()), printed: "\x00"}
	s.hosts = newHostGuard(opts.Addr, opts.AllowRemote)
	if s.srcRoot, err = sourceFolder(s.cfg.Src); err != nil {
		return err
	}
	if s.session, err = build.NewSession(s.cfg); err != nil {
		return err
	}
	defer s.session.Close()
	s.root = displayRoot(s.cfg.Src)
	roots := []string{s.srcRoot}
	if s.cfg.Theme != "" {
		if s.theme, err = filepath.Abs(s.cfg.Theme); err != nil {
			return fmt.Errorf("--theme: %w", err)
		}
		if fi, err := os.Stat(s.theme); err != nil || !fi.IsDir() {
			return fmt.Errorf("--theme: %s is not a folder", s.cfg.Theme)
		}
		roots = append(roots, s.theme)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	w, err := watch.Start(wctx, watch.Options{
		Roots: roots,
		Poll:  opts.Poll,
		Quiet: opts.Quiet,
		Warn:  func(err error) { fmt.Fprintf(opts.Stderr, "warning: %s\n", diag.Escape(err.Error())) },
	})
	if err != nil {
		return err
	}
	defer func() {
		stopWatch()
		for range w.Batches() {
		}
	}()
	if err := s.start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped before the first build was done
		}
		return err
	}
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: opts.ReadHeaderTimeout,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	srv.RegisterOnShutdown(s.hub.close)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	host, _, _ := net.SplitHostPort(opts.Addr)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	if remote {
		fmt.Fprintf(opts.Stderr, "warning: serving on %s, which other machines can reach: the preview has no authentication, anyone who can connect can read the runbooks\n", net.JoinHostPort(host, port))
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	url := "http://" + net.JoinHostPort(host, port) + "/"
	if opts.Ready != nil {
		opts.Ready(url)
	}
	for {
		select {
		case <-ctx.Done():
			return s.shutdown(srv, served)
		case err := <-served:
			return err
		case b, ok := <-w.Batches():
			if !ok {
				return s.shutdown(srv, served)
			}
			s.rebuild(ctx, b)
		case c := <-s.checks:
			s.checked(c)
		}
	}
}

// shutdown ends every event stream and stops the server.
func (s *server) shutdown(srv *http.Server, served <-chan error) error {
	s.hub.close()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// isRemote reports whether addr can be reached from other machines: any
// host but localhost and loopback IPs, including "" (every interface).
func isRemote(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("address %q: %w", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return false, nil
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip == nil || !ip.IsLoopback(), nil
}

// sourceFolder returns the absolute path of the source folder, which
// must be a folder.
func sourceFolder(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("source folder: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("source folder: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("source folder: %s is not a folder", dir)
	}
	return abs, nil
}

// jsonString returns v as JSON.
func jsonString(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(data)
}

// start parses the whole site for the first time. With nothing good to
// fall back on, a site with errors is served as it is.
func (s *server) start(ctx context.Context) error {
	t := time.Now()
	ch, err := s.session.Apply(ctx, nil)
	if err != nil {
		return err
	}
	snap, err := s.snapshot(ctx, ch.Site, probes(ch.Site, nil, true), true)
	if err != nil {
		return err
	}
	s.latest = ch
	s.snap.Store(snap)
	s.setStatus(ch.Problems(), false)
	fmt.Fprintf(s.opts.Stderr, "built %d pages in %s\n", len(ch.Site.Pages), since(t))
	s.print(ch)
	return nil
}

func (s *server) nextVersion() string {
	s.version++
	return fmt.Sprintf("%s-%d", s.epoch, s.version)
}

func (s *server) setStatus(probs []diag.Problem, stale bool) {
	s.status.Store(newStatus(s.snap.Load().version, s.root, stale, s.redact(probs), nil))
}

// snapshot makes the next version of the served site, loading the theme
// first when it changed.
func (s *server) snapshot(ctx context.Context, site *build.Site, probes []*page.Page, themeChanged bool) (*snapshot, error) {
	p, err := s.session.Preview(ctx, site, themeChanged, probes)
	if err != nil {
		return nil, err
	}
	return newSnapshot(p, s.nextVersion()), nil
}

// rebuild applies a batch of changes: it parses what changed, swaps the
// new version in and tells the browsers to reload, then runs the
// whole-site checks and tells them the problems. The pages do not depend
// on the checks, so browsers reload without waiting for them.
func (s *server) rebuild(ctx context.Context, b watch.Batch) {
	t := time.Now()
	srcChanged := b.Changed[s.srcRoot]
	var themeChanged []string
	if s.theme != "" {
		themeChanged = b.Changed[s.theme]
	}
	ch := s.latest
	var err error
	removed := slices.Contains(srcChanged, ".") // the source folder itself was removed, replaced or is back
	switch {
	case b.Lost || len(srcChanged) > maxIncremental || removed:
		ch, err = s.session.Apply(ctx, nil)
	case len(srcChanged) > 0:
		ch, err = s.session.Apply(ctx, srcChanged)
	}
	if err != nil {
		if ctx.Err() == nil {
			if removed {
				err = fmt.Errorf("%w (watching for it to come back)", err)
			}
			s.fail([]diag.Problem{diag.Errorf(".", 1, 1, "read", "%v", err)}, t)
		}
		return
	}
	s.latest = ch
	site := ch.Site
	if errs := ch.SourceErrors(); len(errs) > 0 {
		s.fail(ch.Problems(), t)
		return
	}
	prev := s.snap.Load()
	snap, err := s.snapshot(ctx, site, probes(site, srcChanged, len(themeChanged) > 0), len(themeChanged) > 0)
	if err != nil {
		s.version--
		file := "theme"
		if s.theme != "" {
			file = s.cfg.Theme
		}
		s.fail(append([]diag.Problem{diag.Errorf(file, 1, 1, "theme", "%v", err)}, ch.Problems()...), t)
		return
	}
	s.snap.Store(snap)
	// Browsers that connect from now on learn the new version; the
	// problems follow once the checks have run.
	old := s.status.Load()
	s.status.Store(newStatus(snap.version, s.root, false, old.Problems, old.problems))
	switch {
	case len(srcChanged) == 0 && len(themeChanged) > 0 && cssOnly(themeChanged):
		s.hub.send(message("css", jsonString(map[string]any{"version": snap.version, "assets": snap.css})))
	default:
		urls, all := changedPages(prev.site(), site)
		if all || len(themeChanged) > 0 || !pagesOnly(srcChanged) {
			urls = nil
		} else if urls == nil {
			urls = []string{}
		}
		s.hub.send(message("reload", jsonString(map[string]any{"version": snap.version, "pages": urls})))
	}
	s.check(check{ch: ch, start: t, toEvent: since(t), what: describe(srcChanged, themeChanged)})
}

// check is a rebuild whose whole-site checks are to run, or ran.
type check struct {
	ch      *build.Change
	start   time.Time     // when the rebuild started
	toEvent time.Duration // from start to the reload event
	what    string        // what changed
	probs   []diag.Problem
}

// check runs the whole-site checks of a rebuild in the background, so
// that the next change is rebuilt without waiting for them: their
// problems follow the reload event, as soon as they are known. One check
// runs at a time; a rebuild that comes while one runs is checked after
// it, and only the newest such rebuild.
func (s *server) check(c check) {
	if s.checking {
		s.queued = &c
		return
	}
	s.checking = true
	go func() {
		c.probs = c.ch.Problems()
		s.checks <- c // never blocks: one check at a time, and room for it
	}()
}

// checked shows the problems of a check, when they are those of the
// version served, and starts the queued check.
func (s *server) checked(c check) {
	s.checking = false
	if c.ch == s.latest && !s.status.Load().Stale {
		s.setStatus(c.probs, false)
		fmt.Fprintf(s.opts.Stderr, "rebuilt in %s (checked in %s): %s\n", c.toEvent, since(c.start), c.what)
		s.print(c.ch)
		s.hub.send(s.status.Load().event())
	}
	if q := s.queued; q != nil {
		s.queued = nil
		s.check(*q)
	}
}

// fail keeps the last good version and shows the problems.
func (s *server) fail(probs []diag.Problem, t time.Time) {
	s.setStatus(probs, true)
	// The terminal first: whoever sees the overlay may look there next.
	fmt.Fprintf(s.opts.Stderr, "rebuild failed after %s: still serving the last good version\n", since(t))
	s.printProblems(probs, len(s.latest.Site.Pages))
	s.hub.send(s.status.Load().event())
}

// print prints a change's problems when they differ from the last printed.
func (s *server) print(ch *build.Change) { s.printProblems(ch.Problems(), len(ch.Site.Pages)) }

func (s *server) printProblems(probs []diag.Problem, pages int) {
	var b strings.Builder
	for _, p := range probs {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	if b.String() == s.printed {
		return
	}
	s.printed = b.String()
	_ = diag.Write(s.opts.Stderr, diag.Text, s.cfg.Src, probs, pages)
}

// cssOnly reports whether every changed theme file is a stylesheet.
func cssOnly(paths []string) bool {
	for _, p := range paths {
		if !strings.HasPrefix(p, "static/") || filepath.Ext(p) != ".css" {
			return false
		}
	}
	return true
}

// pagesOnly reports whether every changed source path is a Markdown page.
func pagesOnly(paths []string) bool {
	for _, p := range paths {
		if !strings.EqualFold(filepath.Ext(p), ".md") {
			return false
		}
	}
	return true
}

func describe(src, theme []string) string {
	all := append(append([]string{}, src...), theme...)
	if len(all) > 3 {
		return fmt.Sprintf("%s and %d more", diag.Escape(strings.Join(all[:3], ", ")), len(all)-3)
	}
	return diag.Escape(strings.Join(all, ", "))
}

func since(t time.Time) time.Duration {
	d := time.Since(t)
	if d > time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(100 * time.Microsecond)
}
