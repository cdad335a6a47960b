package serve

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/arcaapi/runbooks/build/diag"
)

// hostGuard tells the Host names the preview answers to. A page on
// another site can make the browser resolve its own name to 127.0.0.1
// (DNS rebinding) and then read the preview as same-origin; the request
// then carries that name in Host, so only names the server knows are
// answered, as current dev servers do.
type hostGuard struct {
	bound  string // the --addr host, lowercase, without brackets
	anyIP  bool   // serving on every interface with AllowRemote: any IP literal
	remote bool   // AllowRemote: the --addr host and this machine's name are fine
	name   string // this machine's name, lowercase, when remote
}

func newHostGuard(addr string, allowRemote bool) hostGuard {
	host, _, _ := net.SplitHostPort(addr)
	g := hostGuard{bound: normHost(host), remote: allowRemote}
	if ip := net.ParseIP(g.bound); allowRemote && (g.bound == "" || ip != nil && ip.IsUnspecified()) {
		g.anyIP = true
		if n, err := os.Hostname(); err == nil {
			g.name = normHost(n)
		}
	}
	return g
}

// normHost returns a host lowercase, without brackets or a final dot.
func normHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.Trim(h, "[]")), ".")
}

// allows reports whether a request's Host names this server: localhost
// (and its subdomains, which resolve to loopback by definition), a
// loopback IP, the address it listens on, and, with AllowRemote, the
// machine's name and any IP literal when it listens on every interface.
// An IP literal cannot be rebound; a name other than these can.
func (g hostGuard) allows(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = normHost(host)
	if host == "" {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || host == g.bound {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback() || g.anyIP
	}
	return g.remote && g.name != "" && host == g.name
}

// sameOrigin reports whether a request comes from the preview's own pages
// or from no page at all (a typed URL, curl): a browser says where a
// request comes from in Sec-Fetch-Site and, for cross-origin requests, in
// Origin. The event stream and the problems are for the preview's pages
// only.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Scheme == "http" && strings.EqualFold(u.Host, r.Host)
}

// guard answers a request that must not be served, and reports whether it
// did: 421 for a Host the server does not know, 403 for a cross-origin
// request to the preview's own endpoints.
func (s *server) guard(w http.ResponseWriter, r *http.Request) bool {
	if !s.hosts.allows(r.Host) {
		http.Error(w, "unknown host "+diag.Escape(r.Host)+": open the URL runbooks serve printed", http.StatusMisdirectedRequest)
		return true
	}
	if (r.URL.Path == liveURL || r.URL.Path == problemsURL) && !sameOrigin(r) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return true
	}
	return false
}

// displayRoot returns the source folder as problems show it: relative to
// the working folder when it is inside it, else only its name, so that
// /_problems does not tell where on the disk the sources are.
func displayRoot(src string) string {
	if !filepath.IsAbs(src) {
		return filepath.ToSlash(filepath.Clean(src))
	}
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, src); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.Base(src)
}

// redact returns probs with the absolute paths of the source and theme
// folders, and of the user's home, replaced by what the user named them,
// for /_problems and the overlay. probs is not changed.
func (s *server) redact(probs []diag.Problem) []diag.Problem {
	var pairs []string
	add := func(abs, shown string) {
		if abs != "" && abs != string(filepath.Separator) {
			pairs = append(pairs, abs, shown)
		}
	}
	add(s.srcRoot, s.root)
	if s.theme != "" {
		add(s.theme, displayRoot(s.theme))
	}
	if home, err := os.UserHomeDir(); err == nil {
		add(home, "~")
	}
	rep := strings.NewReplacer(pairs...)
	out := make([]diag.Problem, len(probs))
	for i, p := range probs {
		p.File, p.Message, p.Target = rep.Replace(p.File), rep.Replace(p.Message), rep.Replace(p.Target)
		out[i] = p
	}
	return out
}
