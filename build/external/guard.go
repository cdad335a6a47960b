package external

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"syscall"
	"time"
)

// A link in a runbook, or a redirect from the site it names, can point at
// the machine running the check or at its network: the cloud metadata
// service at 169.254.169.254, an admin endpoint on 127.0.0.1, a router.
// By default such addresses are refused, at the moment of connecting, so
// that the check is made against the address actually dialled (after DNS
// resolution, which a hostile name can answer differently each time) and
// on every redirect.

// refusedError is why a connection was refused.
type refusedError struct {
	host string
	ip   netip.Addr
	kind string
}

func (e *refusedError) Error() string {
	if e.host != "" && e.host != e.ip.String() {
		return fmt.Sprintf("refused: %s is %s, %s address (allow with --external-allow-private)", e.host, e.ip, e.kind)
	}
	return fmt.Sprintf("refused: %s is %s address (allow with --external-allow-private)", e.ip, e.kind)
}

// special lists the ranges besides loopback, private, link-local,
// multicast and unspecified that do not lead to the public internet.
var special = []struct {
	prefix netip.Prefix
	kind   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "a \"this network\""},
	{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a protocol-assignment"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local NAT64"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local"},
}

// nonPublic returns what kind of address ip is, when it is not one on the
// public internet, or "".
func nonPublic(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return "a loopback"
	case ip.IsUnspecified():
		return "an unspecified"
	case ip.IsPrivate():
		return "a private"
	case ip.IsLinkLocalUnicast():
		return "a link-local"
	case ip.IsMulticast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast():
		return "a multicast"
	case ip == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "a broadcast"
	}
	if ip.Is6() && netip.MustParsePrefix("64:ff9b::/96").Contains(ip) {
		// NAT64: the IPv4 address inside decides.
		b := ip.As16()
		if k := nonPublic(netip.AddrFrom4([4]byte(b[12:]))); k != "" {
			return k
		}
	}
	for _, s := range special {
		if s.prefix.Contains(ip) {
			return s.kind
		}
	}
	return ""
}

// refuse returns a net.Dialer Control hook that refuses a connection to
// an address that classify names a kind of (nonPublic, but for tests).
func refuse(classify func(netip.Addr) string) func(_, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("refused: %s is not an IP address", address)
		}
		if k := classify(ap.Addr()); k != "" {
			return &refusedError{ip: ap.Addr().Unmap(), kind: k}
		}
		return nil
	}
}

// guardedTransport returns a transport that connects only to public
// addresses. A proxy from the environment is still used, and may be on
// the local network; the target of a request sent through it is resolved
// and refused first when it is not public, since the proxy would connect
// to it on our behalf.
func guardedTransport(base *http.Transport, classify func(netip.Addr) string) *http.Transport {
	tr := base.Clone()
	guarded := &net.Dialer{Timeout: 30 * time.Second, Control: refuse(classify)}
	direct := &net.Dialer{Timeout: 30 * time.Second}
	var proxies sync.Map // "host:port" of the proxies in use → true
	proxy := tr.Proxy
	if proxy == nil {
		proxy = func(*http.Request) (*url.URL, error) { return nil, nil }
	}
	tr.Proxy = func(r *http.Request) (*url.URL, error) {
		p, err := proxy(r)
		if err != nil || p == nil {
			return p, err
		}
		if err := resolvePublic(r.Context(), r.URL.Hostname(), classify); err != nil {
			return nil, err
		}
		proxies.Store(canonicalAddr(p), true)
		return p, nil
	}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if _, ok := proxies.Load(addr); ok {
			return direct.DialContext(ctx, network, addr)
		}
		return guarded.DialContext(ctx, network, addr)
	}
	return tr
}

// canonicalAddr returns a proxy's "host:port", as the transport dials it.
func canonicalAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// resolvePublic refuses host when classify names a kind of any of its
// addresses.
func resolvePublic(ctx context.Context, host string, classify func(netip.Addr) string) error {
	if ip, err := netip.ParseAddr(host); err == nil {
		if k := classify(ip); k != "" {
			return &refusedError{host: host, ip: ip.Unmap(), kind: k}
		}
		return nil
	}
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return err
	}
	for _, ip := range ips {
		if k := classify(ip); k != "" {
			return &refusedError{host: host, ip: ip.Unmap(), kind: k}
		}
	}
	return nil
}
