package serve

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// ask sends a GET for target to the preview with the Host and other
// headers given, and returns the status and the start of the body.
func (p *preview) ask(target, host string, header map[string]string) (int, string) {
	p.t.Helper()
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(p.url, "/")+target, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	req.Host = host
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: patience}).Do(req)
	if err != nil {
		p.t.Fatalf("GET %s (Host %s): %v", target, host, err)
	}
	defer resp.Body.Close()
	// The event stream does not end: its first bytes are enough.
	resp.Body = http.MaxBytesReader(nil, resp.Body, 4<<10)
	if resp.Header.Get("Content-Type") == "text/event-stream" {
		buf := make([]byte, 64)
		n, _ := io.ReadAtLeast(resp.Body, buf, 1)
		return resp.StatusCode, string(buf[:n])
	}
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestDNSRebinding asks the preview for everything it serves under a
// foreign Host, as a page whose name was rebound to 127.0.0.1 would: it
// gets nothing. The names that do lead to the preview still work.
func TestDNSRebinding(t *testing.T) {
	p := startPreview(t, docs)
	port := p.addr()[strings.LastIndexByte(p.addr(), ':')+1:]
	for _, target := range []string{"/", "/guide/", "/runbooks.json", "/_live", "/_problems", "/_live.js", "/nope"} {
		for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1.evil.example:" + port, "localhost.evil.example:" + port} {
			code, body := p.ask(target, host, nil)
			if code != http.StatusMisdirectedRequest || strings.Contains(body, "Guide") || strings.Contains(body, "problems") {
				t.Errorf("GET %s with Host %q: %d, want 421\n%.200s", target, host, code, body)
			}
		}
	}
	for _, host := range []string{p.addr(), "localhost:" + port, "[::1]:" + port, "LOCALHOST:" + port, "docs.localhost:" + port, "localhost.:" + port} {
		for _, target := range []string{"/guide/", "/_problems", "/_live"} {
			if code, body := p.ask(target, host, nil); code != http.StatusOK {
				t.Errorf("GET %s with Host %q: %d, want 200\n%.200s", target, host, code, body)
			}
		}
	}
}

// TestCrossOriginLiveRefused checks that another site's page, even one on
// another port of localhost, cannot subscribe to the event stream or read
// the problems, while the preview's own pages can, and while links from
// other sites still open pages.
func TestCrossOriginLiveRefused(t *testing.T) {
	p := startPreview(t, docs)
	for _, target := range []string{"/_live", "/_problems"} {
		for _, h := range []map[string]string{
			{"Origin": "http://evil.example"},
			{"Origin": "http://localhost:1"},
			{"Origin": "https://" + p.addr()},
			{"Origin": "null"},
			{"Sec-Fetch-Site": "cross-site"},
			{"Sec-Fetch-Site": "same-site"},
			{"Sec-Fetch-Site": "cross-site", "Origin": "http://" + p.addr()},
		} {
			if code, body := p.ask(target, p.addr(), h); code != http.StatusForbidden {
				t.Errorf("GET %s with %v: %d, want 403\n%.200s", target, h, code, body)
			}
		}
		for _, h := range []map[string]string{
			nil,
			{"Origin": "http://" + p.addr(), "Sec-Fetch-Site": "same-origin"},
			{"Sec-Fetch-Site": "none"},
		} {
			if code, body := p.ask(target, p.addr(), h); code != http.StatusOK {
				t.Errorf("GET %s with %v: %d, want 200\n%.200s", target, h, code, body)
			}
		}
	}
	if code, _ := p.ask("/guide/", p.addr(), map[string]string{"Sec-Fetch-Site": "cross-site"}); code != http.StatusOK {
		t.Errorf("a link from another site to a page: %d, want 200", code)
	}
}

// TestProblemsHideSourcePath checks that /_problems, which the overlay
// reads, names the source folder as the author did without telling where
// on the disk it is.
func TestProblemsHideSourcePath(t *testing.T) {
	files := map[string]string{"README.md": "# Home\n\n[gone](gone.md)\n"}
	p := startPreview(t, files)
	_, body := p.ask("/_problems", p.addr(), nil)
	parent := filepath.Dir(p.dir)
	if !strings.Contains(body, `"file":"README.md"`) || strings.Contains(body, parent) || strings.Contains(body, filepath.ToSlash(parent)) {
		t.Errorf("/_problems shows the absolute source path %s:\n%s", parent, body)
	}
	if st := p.problems(); st.Root != "runbooks" || st.Errors != 1 {
		t.Errorf("root %q, %d errors; want runbooks, 1", st.Root, st.Errors)
	}
}

// TestRemoteHostGuard checks the names allowed with AllowRemote: the
// address served on, and any IP literal when serving on every interface,
// but still no other name.
func TestRemoteHostGuard(t *testing.T) {
	all := newHostGuard("0.0.0.0:8080", true)
	named := newHostGuard("preview.lan:8080", true)
	local := newHostGuard("127.0.0.1:8080", false)
	for _, tc := range []struct {
		g    hostGuard
		host string
		want bool
	}{
		{all, "192.168.1.5:8080", true},
		{all, "[fe80::1]:8080", true},
		{all, "evil.example:8080", false},
		{named, "preview.lan:8080", true},
		{named, "PREVIEW.LAN", true},
		{named, "192.168.1.5:8080", false},
		{named, "evil.example", false},
		{local, "192.168.1.5:8080", false},
		{local, "127.0.0.1:8080", true},
		{local, "127.0.0.2:8080", true},
	} {
		if got := tc.g.allows(tc.host); got != tc.want {
			t.Errorf("%+v allows %q = %v, want %v", tc.g, tc.host, got, tc.want)
		}
	}
}
