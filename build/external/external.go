// Package external implements checking links to other sites, which
// `runbooks check --external` asks for: HEAD, then GET when HEAD is not
// answered with success; a global and a per-host limit on requests in
// flight; a timeout; retries with backoff on 429, 5xx and network errors
// that honour Retry-After; and a cache file with a time to live, so that
// reruns stay off the network.
package external

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Link is an http(s) link found in a page.
type Link struct {
	File      string // the page, relative to the source folder
	Line, Col int
	URL       string // as written
}

// Links returns the http(s) links of pages, in page order.
func Links(pages []*page.Page) []Link {
	var out []Link
	for _, p := range pages {
		for _, r := range p.Refs {
			t := link.Resolve(p.Path, r.Dest)
			if t.External && (t.Scheme == "http" || t.Scheme == "https") {
				out = append(out, Link{File: p.Path, Line: r.Line, Col: r.Col, URL: strings.TrimSpace(r.Dest)})
			}
		}
	}
	return out
}

// Options tunes a check. The zero value of each field means its default.
type Options struct {
	Concurrency int           // requests in flight at once; 8
	PerHost     int           // requests in flight to one host; 2
	Timeout     time.Duration // for one request; 15s
	Retries     int           // further tries on 429, 5xx and network errors; 2 (-1 for none)
	Backoff     time.Duration // wait before the first retry, doubled for each next one; 1s
	MaxWait     time.Duration // longest Retry-After honoured; 60s
	CacheFile   string        // JSON file of results kept between runs; "" for none
	TTL         time.Duration // how long a cached result is trusted; 24h
	UserAgent   string        // "runbooks-link-check/1"
	// Deadline bounds the whole check, retries and waits included; links
	// not checked by then are reported as such. 2m.
	Deadline time.Duration
	// AllowPrivate allows connections to loopback, private, link-local
	// and other addresses that are not on the public internet, which are
	// otherwise refused wherever a link or a redirect leads.
	AllowPrivate bool

	// For tests: the clock, how to wait, and the HTTP client.
	Now    func() time.Time
	Sleep  func(ctx context.Context, d time.Duration) error
	Client *http.Client
}

func (o Options) withDefaults() Options {
	o.Concurrency = cmpOr(o.Concurrency, 8)
	o.PerHost = cmpOr(o.PerHost, 2)
	o.Timeout = cmpOr(o.Timeout, 15*time.Second)
	switch {
	case o.Retries == 0:
		o.Retries = 2
	case o.Retries < 0:
		o.Retries = 0
	}
	o.Backoff = cmpOr(o.Backoff, time.Second)
	o.MaxWait = cmpOr(o.MaxWait, time.Minute)
	o.TTL = cmpOr(o.TTL, 24*time.Hour)
	o.UserAgent = cmpOr(o.UserAgent, "runbooks-link-check/1")
	o.Deadline = cmpOr(o.Deadline, DefaultDeadline)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if !o.AllowPrivate {
			tr = guardedTransport(tr, nonPublic)
		}
		tr.MaxIdleConnsPerHost = o.PerHost
		o.Client = &http.Client{Transport: tr, CheckRedirect: checkRedirect}
	}
	return o
}

// DefaultDeadline is the default of Options.Deadline.
const DefaultDeadline = 2 * time.Minute

// errRedirects is the error for a chain of redirects too long to follow,
// most likely a loop.
var errRedirects = errors.New("stopped after 10 redirects")

func checkRedirect(_ *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errRedirects
	}
	return nil
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Status is what checking one URL found.
type Status struct {
	Code   int    // the final HTTP status after redirects, 0 when none came
	Err    string // why no response came, "" when one did
	Tries  int    // requests made (HEAD and GET count as one try); 0 when cached
	Cached bool   // the result came from the cache file

	timedOut bool // no answer in time: not worth a GET after a HEAD
	final    bool // no answer, and none will come on a retry
}

// OK reports whether the URL answered with success.
func (s Status) OK() bool { return s.Code >= 200 && s.Code < 300 }

// Gone reports whether the URL certainly does not exist: 404 or 410.
func (s Status) Gone() bool { return s.Code == http.StatusNotFound || s.Code == http.StatusGone }

func (s Status) String() string {
	if s.Code == 0 {
		return s.Err
	}
	return fmt.Sprintf("%d %s", s.Code, http.StatusText(s.Code))
}

// Check requests every distinct URL of links once (fragments aside) and
// returns the problems: an error for a link that is gone (404, 410), a
// warning for one that could not be confirmed (other statuses, timeouts,
// network errors), since another site's outage should not fail a build
// on its own. It returns early, with ctx's error, when ctx is done.
func Check(ctx context.Context, links []Link, opt Options) ([]diag.Problem, error) {
	var probs []diag.Problem
	var urls []string
	for _, l := range links {
		u := withoutFragment(l.URL)
		if _, err := parse(u); err != nil {
			probs = append(probs, diag.Problem{File: l.File, Line: l.Line, Col: l.Col, Severity: diag.Error,
				Rule: "broken-external-link", Target: l.URL, Message: fmt.Sprintf("broken link %q: %v", l.URL, err)})
			continue
		}
		urls = append(urls, u)
	}
	slices.Sort(urls)
	urls = slices.Compact(urls)
	st, err := Statuses(ctx, urls, opt)
	if err != nil {
		return nil, err
	}
	for _, l := range links {
		s, ok := st[withoutFragment(l.URL)]
		switch {
		case !ok || s.OK():
		case s.Gone():
			probs = append(probs, diag.Problem{File: l.File, Line: l.Line, Col: l.Col, Severity: diag.Error,
				Rule: "broken-external-link", Target: l.URL, Message: fmt.Sprintf("broken link %q: %s", l.URL, s)})
		default:
			msg := fmt.Sprintf("link %q could not be confirmed: %s", l.URL, s)
			if s.Tries > 1 {
				msg += fmt.Sprintf(" (after %d tries)", s.Tries)
			}
			probs = append(probs, diag.Problem{File: l.File, Line: l.Line, Col: l.Col, Severity: diag.Warning,
				Rule: "external-link-unconfirmed", Target: l.URL, Message: msg})
		}
	}
	return probs, nil
}

func withoutFragment(u string) string {
	if i := strings.IndexByte(u, '#'); i >= 0 {
		return u[:i]
	}
	return u
}

func parse(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.Unwrap(err) // the url.Error repeats the URL
	}
	if u.Host == "" {
		return nil, errors.New("no host")
	}
	return u, nil
}

// Statuses checks each URL and returns what it found, by URL. Results in
// the cache file younger than the TTL are used as they are; new results
// that are final (success, 404, 410) are added to it.
func Statuses(ctx context.Context, urls []string, opt Options) (map[string]Status, error) {
	opt = opt.withDefaults()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, opt.Deadline)
	defer cancel()
	c := &checker{opt: opt, global: make(chan struct{}, opt.Concurrency), hosts: map[string]chan struct{}{}}
	cache := loadCache(opt.CacheFile)
	now := opt.Now()
	out := make(map[string]Status, len(urls))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, u := range urls {
		if s, ok := cache.get(u, now, opt.TTL); ok {
			out[u] = s
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := c.check(ctx, u)
			mu.Lock()
			out[u] = s
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := parent.Err(); err != nil {
		return nil, err
	}
	if opt.CacheFile != "" {
		for u, s := range out {
			if !s.Cached && (s.OK() || s.Gone()) {
				cache.put(u, s.Code, now)
			}
		}
		// The cache only saves time: failing to write it fails nothing.
		_ = cache.save(opt.CacheFile, now, opt.TTL)
	}
	return out, nil
}

type checker struct {
	opt    Options
	global chan struct{}
	mu     sync.Mutex
	hosts  map[string]chan struct{}
}

// slot takes a place among the requests in flight to host and overall, and
// returns the function that gives it back. The host's place is taken
// first, so a request waiting for a busy host holds no global place.
func (c *checker) slot(ctx context.Context, host string) (func(), error) {
	c.mu.Lock()
	h := c.hosts[host]
	if h == nil {
		h = make(chan struct{}, c.opt.PerHost)
		c.hosts[host] = h
	}
	c.mu.Unlock()
	select {
	case h <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case c.global <- struct{}{}:
	case <-ctx.Done():
		<-h
		return nil, ctx.Err()
	}
	return func() { <-c.global; <-h }, nil
}

// check tries u until it gives a final answer or the retries run out.
func (c *checker) check(ctx context.Context, raw string) Status {
	u, err := parse(raw)
	if err != nil {
		return Status{Err: err.Error()}
	}
	host := strings.ToLower(u.Host)
	var s Status
	for try := 0; ; try++ {
		release, err := c.slot(ctx, host)
		if err != nil {
			return c.late(try)
		}
		var wait time.Duration
		s, wait = c.try(ctx, raw)
		release()
		s.Tries = try + 1
		if !retryable(s) || try >= c.opt.Retries || ctx.Err() != nil {
			return s
		}
		if wait <= 0 {
			wait = c.opt.Backoff << try
		}
		if err := c.opt.Sleep(ctx, min(wait, c.opt.MaxWait)); err != nil {
			return s
		}
	}
}

// late is the status of a URL whose check the run's deadline cut short.
func (c *checker) late(tries int) Status {
	return Status{Err: fmt.Sprintf("not checked: the external check's deadline (%s) passed", c.opt.Deadline), Tries: tries, final: true}
}

// retryable reports whether another try may give another answer: too many
// requests, a server error, or no answer at all.
func retryable(s Status) bool {
	return s.Code == http.StatusTooManyRequests || s.Code >= 500 || s.Code == 0 && !s.final
}

// try makes one try: HEAD, and GET when HEAD does not succeed, since many
// servers refuse or mishandle HEAD. A 429, a timeout or a redirect loop on
// HEAD is not repeated with GET: the server asked to slow down, is not
// answering, or never will.
// wait is the server's Retry-After, or 0.
func (c *checker) try(ctx context.Context, u string) (s Status, wait time.Duration) {
	s, wait = c.request(ctx, http.MethodHead, u)
	if s.OK() || s.Code == http.StatusTooManyRequests || s.timedOut || s.final || ctx.Err() != nil {
		return s, wait
	}
	return c.request(ctx, http.MethodGet, u)
}

func (c *checker) request(run context.Context, method, u string) (Status, time.Duration) {
	ctx, cancel := context.WithTimeout(run, c.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return Status{Err: err.Error()}, 0
	}
	req.Header.Set("User-Agent", c.opt.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	resp, err := c.opt.Client.Do(req)
	if err != nil {
		if run.Err() != nil {
			return c.late(0), 0
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return Status{Err: fmt.Sprintf("no answer within %s", c.opt.Timeout), timedOut: true}, 0
		}
		var refused *refusedError
		if errors.As(err, &refused) {
			msg := refused.Error()
			var ue *url.Error
			if errors.As(err, &ue) && ue.URL != u {
				msg = fmt.Sprintf("redirected to %s: %s", ue.URL, msg)
			}
			return Status{Err: msg, final: true}, 0
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Status{Err: err.Error(), final: errors.Is(err, errRedirects)}, 0
	}
	// Read a little of the body so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return Status{Code: resp.StatusCode}, retryAfter(resp.Header.Get("Retry-After"), c.opt.Now())
}

// retryAfter parses a Retry-After header: seconds, or an HTTP date.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.Atoi(h); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return 0
}
