package serve

import (
	"bufio"
	"context"
	"errors"
	"github.com/arcaapi/runbooks/internal/fixture"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build"
	"go.uber.org/goleak"
)

// rawGet sends a request line as written, so that no client cleans the
// path first, and returns the response.
func rawGet(t *testing.T, addr, method, target string) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	must(t, conn.SetDeadline(time.Now().Add(patience)))
	if _, err := io.WriteString(conn, method+" "+target+" HTTP/1.1\r\nHost: "+addr+"\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (p *preview) addr() string {
	return strings.TrimSuffix(strings.TrimPrefix(p.url, "http://"), "/")
}

// TestPathTraversal asks for files outside the site in every encoding: all
// get the 404 page, and the secret beside the source folder never leaks.
func TestPathTraversal(t *testing.T) {
	files := map[string]string{
		"README.md":      "# Home\n",
		"db/pool.md":     "# Pool\n\n![diagram](diagram.svg)\n",
		"db/diagram.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
	}
	p := startPreview(t, files)
	const secret = "TOP-SECRET-VALUE"
	fixture.Write(t, filepath.Dir(p.dir), map[string]string{"secret.txt": secret})
	targets := []string{
		"/../secret.txt",
		"/../../etc/passwd",
		"/db/../../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2E%2E/secret.txt",
		"/db/%2e%2e/%2e%2e/secret.txt",
		"/.%2e/secret.txt",
		"/%2e./secret.txt",
		"/..%2fsecret.txt",
		"/..%2Fsecret.txt",
		"/db%2fpool/",
		"/%2fetc%2fpasswd",
		"/..%5csecret.txt",
		"/..\\secret.txt",
		"/db\\..\\..\\secret.txt",
		"/%5c..%5csecret.txt",
		"//etc/passwd",
		"///secret.txt",
		"/%252e%252e/secret.txt",
		"/db/./pool/",
		"/./README.md",
		"/C:/Windows/win.ini",
		"/C:%5cWindows%5cwin.ini",
		"/etc/passwd",
		"/runbooks/../secret.txt",
		"/%00/secret.txt",
		"/README.md",
		"/db/pool.md",
		"/.git/config",
	}
	for _, target := range targets {
		for _, method := range []string{"GET", "HEAD"} {
			resp, body := rawGet(t, p.addr(), method, target)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s %s: %d, want 404", method, target, resp.StatusCode)
			}
			if strings.Contains(body, secret) || strings.Contains(body, "root:") {
				t.Errorf("%s %s: leaked a file from outside the site", method, target)
			}
		}
	}
	// The site itself is served.
	for _, target := range []string{"/", "/db/pool/", "/db/pool/index.html", "/db/diagram.svg"} {
		if resp, _ := rawGet(t, p.addr(), "GET", target); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d, want 200", target, resp.StatusCode)
		}
	}
	// A folder without its slash is redirected, so relative links work.
	if resp, _ := rawGet(t, p.addr(), "GET", "/db/pool"); resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/db/pool/" {
		t.Errorf("GET /db/pool: %d %q, want a redirect to /db/pool/", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestOnlyGetAndHead checks that the server changes nothing and answers
// every other method with 405.
func TestOnlyGetAndHead(t *testing.T) {
	p := startPreview(t, docs)
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND"} {
		for _, target := range []string{"/", "/guide/", "/_live", "/_problems", "/_live.js"} {
			if method == "CONNECT" {
				target = p.addr()
			}
			resp, _ := rawGet(t, p.addr(), method, target)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", method, target, resp.StatusCode)
			}
			if method != "CONNECT" && resp.Header.Get("Allow") != "GET, HEAD" {
				t.Errorf("%s %s: Allow %q", method, target, resp.Header.Get("Allow"))
			}
		}
	}
	resp, body := rawGet(t, p.addr(), "HEAD", "/guide/")
	if resp.StatusCode != http.StatusOK || body != "" || resp.ContentLength <= 0 {
		t.Errorf("HEAD /guide/: %d, %d bytes of body, Content-Length %d", resp.StatusCode, len(body), resp.ContentLength)
	}
}

// TestHeaders checks that pages get the host's security headers and are
// never cached, and the reload client is served.
func TestHeaders(t *testing.T) {
	p := startPreview(t, docs)
	resp, body := rawGet(t, p.addr(), "GET", "/guide/")
	for name, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy: %q", csp)
	}
	for _, want := range []string{`<script src="/_live.js" defer></script>`, `<link rel="stylesheet" href="/_live.css">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, target := range []string{"/_live.js", "/_live.css"} {
		resp, body := rawGet(t, p.addr(), "GET", target)
		if resp.StatusCode != http.StatusOK || len(body) < 100 {
			t.Errorf("GET %s: %d, %d bytes", target, resp.StatusCode, len(body))
		}
	}
}

// TestHeaderReadTimeout checks that a client that never finishes its
// request headers is disconnected.
func TestHeaderReadTimeout(t *testing.T) {
	p := startPreview(t, docs, func(o *Options) { o.ReadHeaderTimeout = 100 * time.Millisecond })
	conn, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "); err != nil {
		t.Fatal(err)
	}
	must(t, conn.SetReadDeadline(time.Now().Add(patience)))
	_, err = io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept a connection whose headers never ended")
	}
}

// TestEventClientsLeaveNothingBehind connects 1,000 browsers to the event
// stream and drops them in every way; then no goroutine of theirs is left,
// and after shutdown none of the server's either.
func TestEventClientsLeaveNothingBehind(t *testing.T) {
	baseline := goleak.IgnoreCurrent()
	dir := filepath.Join(t.TempDir(), "runbooks")
	fixture.Write(t, dir, docs)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Config: build.Config{Src: dir, NoCache: true}, Addr: "127.0.0.1:0", Ready: func(u string) { ready <- u }})
	}()
	var url string
	select {
	case url = <-ready:
	case err := <-done:
		t.Fatal(err)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/")
	running := goleak.IgnoreCurrent() // the server's own goroutines

	const clients, wave = 1000, 100
	for start := 0; start < clients; start += wave {
		var wg sync.WaitGroup
		for i := start; i < start+wave; i++ {
			wg.Go(func() {
				conn, err := net.Dial("tcp", addr)
				if err != nil {
					t.Error(err)
					return
				}
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(patience))
				switch i % 3 {
				case 0: // read the first event, then hang up
					io.WriteString(conn, "GET /_live HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
					r := bufio.NewReader(conn)
					for {
						line, err := r.ReadString('\n')
						if err != nil {
							t.Errorf("client %d: %v", i, err)
							return
						}
						if strings.HasPrefix(line, "event: problems") {
							return
						}
					}
				case 1: // hang up as soon as the request is sent
					io.WriteString(conn, "GET /_live HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
				case 2: // half-close: stop sending, then go away
					io.WriteString(conn, "GET /_live HTTP/1.1\r\nHost: "+addr+"\r\n\r\n")
					conn.(*net.TCPConn).CloseWrite()
					conn.Read(make([]byte, 64))
				}
			})
		}
		wg.Wait()
	}
	// Every stream's goroutine and connection is gone, with the server
	// still running.
	if err := goleak.Find(running); err != nil {
		t.Errorf("goroutines left by dropped event clients:\n%v", err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(patience):
		t.Fatal("the server did not shut down")
	}
	if err := goleak.Find(baseline); err != nil {
		t.Errorf("goroutines left after shutdown:\n%v", err)
	}
}

// TestShutdownEndsEventStreams checks that cancelling the context (Ctrl-C)
// ends open event streams and returns.
func TestShutdownEndsEventStreams(t *testing.T) {
	p := startPreview(t, docs)
	streams := []*stream{p.subscribe(), p.subscribe(), p.subscribe()}
	p.stop()
	for _, s := range streams {
		for range s.events {
		}
	}
	if _, err := http.Get(p.url); err == nil {
		t.Error("the server still answers after shutdown")
	}
}

// TestRemoteAddress checks that an address other machines can reach is
// refused unless allowed, and warned about when it is.
func TestRemoteAddress(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "runbooks")
	fixture.Write(t, dir, docs)
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0"} {
		err := Run(context.Background(), Options{Config: build.Config{Src: dir, NoCache: true}, Addr: addr})
		if !errors.Is(err, ErrRemote) {
			t.Errorf("Run on %s: %v, want ErrRemote", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0", "127.0.0.2:0"} {
		if remote, err := isRemote(addr); err != nil || remote {
			t.Errorf("isRemote(%s) = %v, %v; want a loopback address", addr, remote, err)
		}
	}
	p := startPreview(t, docs, func(o *Options) { o.Addr, o.AllowRemote = "0.0.0.0:0", true })
	if !strings.Contains(p.stderr.String(), "warning: serving on 0.0.0.0:") {
		t.Errorf("no warning for a remote address:\n%s", p.stderr)
	}
}

// TestMissingSource checks that a source folder that does not exist is an
// error, not an empty preview.
func TestMissingSource(t *testing.T) {
	err := Run(context.Background(), Options{Config: build.Config{Src: filepath.Join(t.TempDir(), "none")}, Addr: "127.0.0.1:0"})
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Run on a missing folder: %v", err)
	}
}

// TestAlertURLsUnderServe asks for an alert URL in cases no file has: the
// preview answers with the site's 404 page, styled from any depth (its
// links start at the root) and carrying the script that resolves the name
// from the alert map, which the preview serves too.
func TestAlertURLsUnderServe(t *testing.T) {
	p := startPreview(t, map[string]string{
		"README.md":  "# Home\n",
		"db/pool.md": "---\ntitle: Pool\nalerts: [PgPoolExhausted]\n---\n\n# Pool\n",
	})
	style := regexp.MustCompile(`<link rel="stylesheet" href="(/assets/style\.[0-9a-f]+\.css)">`)
	script := regexp.MustCompile(`<script src="(/assets/alerts\.[0-9a-f]+\.js)"`)
	for _, target := range []string{"/alerts/PgPoolExhausted/", "/alerts/PGPOOLEXHAUSTED", "/alerts/pgpoolexhausted/index.html"} {
		resp, body := rawGet(t, p.addr(), "GET", target)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want the 404 page", target, resp.StatusCode)
		}
		for _, re := range []*regexp.Regexp{style, script} {
			m := re.FindStringSubmatch(body)
			if m == nil {
				t.Errorf("GET %s: the 404 page has no root-absolute %s", target, re)
				continue
			}
			if r, _ := rawGet(t, p.addr(), "GET", m[1]); r.StatusCode != http.StatusOK {
				t.Errorf("GET %s (from the 404 page at %s): %d", m[1], target, r.StatusCode)
			}
		}
	}
	resp, body := rawGet(t, p.addr(), "GET", "/alerts/index.json")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"name":"PgPoolExhausted","url":"db/pool/"`) {
		t.Errorf("GET /alerts/index.json: %d %s", resp.StatusCode, body)
	}
}
