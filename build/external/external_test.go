package external_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/external"
	"github.com/arcaapi/runbooks/build/page"
)

var now = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

// server is a local site whose paths answer as their names say, and which
// counts the requests it gets.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	count map[string]int // "HEAD /ok" → requests
}

func newServer(t *testing.T) *server {
	s := &server{count: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// requests returns how many requests with method came for path.
func (s *server) requests(method, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count[method+" "+path]
}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.count[r.Method+" "+r.URL.Path]++
	n := s.count["GET "+r.URL.Path] + s.count["HEAD "+r.URL.Path]
	s.mu.Unlock()
	switch r.URL.Path {
	case "/ok":
		w.WriteHeader(http.StatusOK)
	case "/gone":
		http.NotFound(w, r)
	case "/removed":
		w.WriteHeader(http.StatusGone)
	case "/no-head":
		if r.Method == http.MethodHead {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.WriteHeader(http.StatusOK)
	case "/moved":
		http.Redirect(w, r, "/ok", http.StatusMovedPermanently)
	case "/moved-gone":
		http.Redirect(w, r, "/gone", http.StatusFound)
	case "/loop":
		http.Redirect(w, r, "/loop", http.StatusFound)
	case "/busy": // 429 on the first request, then fine
		if n == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	case "/busy-until":
		if n == 1 {
			w.Header().Set("Retry-After", now.Add(30*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusOK)
	case "/flaky": // 503 to the first two tries (HEAD and GET each), then fine
		if n <= 4 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	case "/down":
		w.WriteHeader(http.StatusInternalServerError)
	case "/hang":
		<-r.Context().Done()
	case "/forbidden":
		w.WriteHeader(http.StatusForbidden)
	default:
		http.NotFound(w, r)
	}
}

// waits records the waits a check asks for, instead of waiting.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return nil
}

func TestStatuses(t *testing.T) {
	for _, tc := range []struct {
		path      string
		code      int
		err       string // a part of Status.Err
		tries     int
		waits     []time.Duration
		gets      int // GET requests expected, -1 to skip
		ok, gone  bool
		retries   int
		userAgent bool
	}{
		{path: "/ok", code: 200, tries: 1, ok: true, gets: 0},
		{path: "/gone", code: 404, tries: 1, gone: true, gets: 1},
		{path: "/removed", code: 410, tries: 1, gone: true, gets: 1},
		{path: "/no-head", code: 200, tries: 1, ok: true, gets: 1},
		{path: "/moved", code: 200, tries: 1, ok: true, gets: 0},
		{path: "/moved-gone", code: 404, tries: 1, gone: true, gets: 1},
		{path: "/loop", err: "stopped after 10 redirects", tries: 1, gets: 0},
		{path: "/busy", code: 200, tries: 2, waits: []time.Duration{7 * time.Second}, ok: true, gets: 0},
		{path: "/busy-until", code: 200, tries: 2, waits: []time.Duration{30 * time.Second}, ok: true, gets: 0},
		{path: "/flaky", code: 200, tries: 3, waits: []time.Duration{time.Second, 2 * time.Second}, ok: true, gets: 2},
		{path: "/down", code: 500, tries: 3, waits: []time.Duration{time.Second, 2 * time.Second}, gets: 3},
		{path: "/down", code: 500, tries: 1, retries: -1, gets: 1},
		{path: "/hang", err: "no answer within 100ms", tries: 1, retries: -1, gets: 0},
		{path: "/forbidden", code: 403, tries: 1, gets: 1},
	} {
		t.Run(strings.TrimPrefix(tc.path, "/"), func(t *testing.T) {
			srv := newServer(t)
			w := &waits{}
			u := srv.URL + tc.path
			// Only the server that never answers needs a short time
			// limit; the others get one a loaded machine stays within.
			timeout := 10 * time.Second
			if tc.path == "/hang" {
				timeout = 100 * time.Millisecond
			}
			got, err := external.Statuses(context.Background(), []string{u}, external.Options{
				Timeout: timeout, Retries: tc.retries, Backoff: time.Second,
				Now: func() time.Time { return now }, Sleep: w.sleep, AllowPrivate: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			s := got[u]
			if s.Code != tc.code || !strings.Contains(s.Err, tc.err) || s.Tries != tc.tries {
				t.Errorf("status = %+v, want code %d, error with %q, %d tries", s, tc.code, tc.err, tc.tries)
			}
			if s.OK() != tc.ok || s.Gone() != tc.gone {
				t.Errorf("OK %v, Gone %v", s.OK(), s.Gone())
			}
			if !slices.Equal(w.d, tc.waits) {
				t.Errorf("waits = %v, want %v", w.d, tc.waits)
			}
			if g := srv.requests("GET", tc.path); g != tc.gets {
				t.Errorf("%d GET requests, want %d", g, tc.gets)
			}
		})
	}
}

func TestCheckProblems(t *testing.T) {
	srv := newServer(t)
	pages := []*page.Page{{
		Path: "db/pool.md",
		Refs: []page.Ref{
			{Kind: page.Link, Dest: srv.URL + "/ok#section", Line: 3, Col: 1},
			{Kind: page.Link, Dest: srv.URL + "/ok#other", Line: 4, Col: 5},
			{Kind: page.AutoLink, Dest: srv.URL + "/gone", Line: 5, Col: 2},
			{Kind: page.Link, Dest: srv.URL + "/down", Line: 6, Col: 1},
			{Kind: page.Image, Dest: srv.URL + "/removed", Line: 7, Col: 1},
			{Kind: page.Link, Dest: "mailto:ops@example.com", Line: 8, Col: 1},
			{Kind: page.Link, Dest: "api-down.md", Line: 9, Col: 1},
			{Kind: page.Link, Dest: "ftp://example.com/x", Line: 10, Col: 1},
		},
	}}
	links := external.Links(pages)
	if len(links) != 5 {
		t.Fatalf("links: %+v", links)
	}
	w := &waits{}
	probs, err := external.Check(context.Background(), links, external.Options{Now: func() time.Time { return now }, Sleep: w.sleep, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range probs {
		got = append(got, strings.ReplaceAll(p.String(), srv.URL, "URL"))
	}
	want := []string{
		`db/pool.md:5:2: error: broken link "URL/gone": 404 Not Found [broken-external-link]`,
		`db/pool.md:6:1: warning: link "URL/down" could not be confirmed: 500 Internal Server Error (after 3 tries) [external-link-unconfirmed]`,
		`db/pool.md:7:1: error: broken link "URL/removed": 410 Gone [broken-external-link]`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Two links to one page with different fragments make one request.
	if n := srv.requests("HEAD", "/ok"); n != 1 {
		t.Errorf("%d HEAD requests for /ok, want 1", n)
	}
}

func TestLimits(t *testing.T) {
	var inFlight, maxInFlight atomic.Int32
	perHost := [2]atomic.Int32{}
	maxPerHost := [2]atomic.Int32{}
	raise := func(m *atomic.Int32, v int32) {
		for {
			old := m.Load()
			if v <= old || m.CompareAndSwap(old, v) {
				return
			}
		}
	}
	var urls []string
	for i := range 2 {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			raise(&maxInFlight, inFlight.Add(1))
			raise(&maxPerHost[i], perHost[i].Add(1))
			time.Sleep(20 * time.Millisecond) // so that requests overlap
			perHost[i].Add(-1)
			inFlight.Add(-1)
		}))
		t.Cleanup(srv.Close)
		for j := range 10 {
			urls = append(urls, srv.URL+"/page-"+string(rune('a'+j)))
		}
	}
	got, err := external.Statuses(context.Background(), urls, external.Options{Concurrency: 3, PerHost: 2, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		if !got[u].OK() {
			t.Errorf("%s: %+v", u, got[u])
		}
	}
	if m := maxInFlight.Load(); m > 3 {
		t.Errorf("%d requests in flight, limit 3", m)
	}
	for i := range 2 {
		if m := maxPerHost[i].Load(); m > 2 {
			t.Errorf("%d requests in flight to one host, limit 2", m)
		}
	}
}

func TestCache(t *testing.T) {
	srv := newServer(t)
	file := filepath.Join(t.TempDir(), "cache", "external.json")
	urls := []string{srv.URL + "/ok", srv.URL + "/gone", srv.URL + "/down"}
	clock := now
	run := func() map[string]external.Status {
		t.Helper()
		st, err := external.Statuses(context.Background(), urls, external.Options{
			CacheFile: file, TTL: 24 * time.Hour, Retries: -1,
			Now: func() time.Time { return clock }, AllowPrivate: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	run()
	// A rerun an hour later asks only about the URL that had no final
	// answer; the others come from the cache.
	clock = now.Add(time.Hour)
	st := run()
	if !st[srv.URL+"/ok"].Cached || st[srv.URL+"/ok"].Code != 200 || !st[srv.URL+"/gone"].Cached || st[srv.URL+"/gone"].Code != 404 {
		t.Errorf("not from the cache: %+v", st)
	}
	if st[srv.URL+"/down"].Cached {
		t.Error("a server error was cached")
	}
	for path, want := range map[string]int{"/ok": 1, "/gone": 1, "/down": 2} {
		if n := srv.requests("HEAD", path); n != want {
			t.Errorf("HEAD %s: %d requests, want %d", path, n, want)
		}
	}
	// After the TTL, the network is asked again.
	clock = now.Add(25 * time.Hour)
	st = run()
	if st[srv.URL+"/ok"].Cached || srv.requests("HEAD", "/ok") != 2 {
		t.Errorf("expired entry used: %+v, %d requests", st[srv.URL+"/ok"], srv.requests("HEAD", "/ok"))
	}
}

func TestCanceled(t *testing.T) {
	srv := newServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := external.Statuses(ctx, []string{srv.URL + "/hang"}, external.Options{AllowPrivate: true}); err == nil {
		t.Error("no error from a canceled check")
	}
}
