package external

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// victim is a server on 127.0.0.1 that a link check must never reach
// unless allowed, and which counts what reaches it.
func victim(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestRefusesLoopbackTargets checks links that lead to this machine, by
// address and by a name that resolves to it: refused, with nothing sent,
// unless AllowPrivate.
func TestRefusesLoopbackTargets(t *testing.T) {
	srv, hits := victim(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	urls := []string{
		srv.URL + "/admin/delete-everything",
		"http://localhost:" + port + "/admin/delete-everything",
		"http://[::ffff:127.0.0.1]:" + port + "/x",
		"http://0.0.0.0:" + port + "/x",
	}
	st, err := Statuses(context.Background(), urls, Options{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		if s := st[u]; s.Code != 0 || !strings.Contains(s.Err, "refused") || s.Tries != 1 {
			t.Errorf("%s: %+v, want refused after one try", u, s)
		}
	}
	if !strings.Contains(st[urls[0]].Err, "127.0.0.1 is a loopback address") {
		t.Errorf("the reason: %q", st[urls[0]].Err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the loopback server", n)
	}
	st, err = Statuses(context.Background(), urls[:2], Options{Retries: -1, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	if !st[urls[0]].OK() || !st[urls[1]].OK() || hits.Load() == 0 {
		t.Errorf("with AllowPrivate: %+v", st)
	}
}

// TestRefusesRedirectToLoopback serves a "public" site on 127.0.0.2 (the
// test's stand-in for the internet) that redirects to an admin URL on
// 127.0.0.1: the redirect is refused when it is dialled, and the admin URL
// is never requested.
func TestRefusesRedirectToLoopback(t *testing.T) {
	target, hits := victim(t)
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 on this machine: %v", err)
	}
	public := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/admin/delete-everything", http.StatusFound)
	}))
	public.Listener.Close()
	public.Listener = ln
	public.Start()
	defer public.Close()

	stand := netip.MustParseAddr("127.0.0.2")
	classify := func(ip netip.Addr) string {
		if ip == stand {
			return ""
		}
		return nonPublic(ip)
	}
	client := &http.Client{Transport: guardedTransport(http.DefaultTransport.(*http.Transport), classify), CheckRedirect: checkRedirect}
	u := public.URL + "/moved"
	st, err := Statuses(context.Background(), []string{u}, Options{Client: client, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	s := st[u]
	if s.Code != 0 || !strings.Contains(s.Err, "redirected to "+target.URL+"/admin/delete-everything: refused: 127.0.0.1 is a loopback address") {
		t.Errorf("status %+v, want the redirect refused", s)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the loopback server through a redirect", n)
	}
}

func TestNonPublic(t *testing.T) {
	for addr, public := range map[string]bool{
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "fe80::1": false, "fc00::1": false, "0.0.0.0": false, "::": false,
		"224.0.0.1": false, "ff02::1": false, "100.64.0.1": false, "255.255.255.255": false,
		"::ffff:169.254.169.254": false, "64:ff9b::a9fe:a9fe": false, "240.0.0.1": false,
		"93.184.215.14": true, "2606:4700::1111": true, "8.8.8.8": true, "64:ff9b::808:808": true,
	} {
		if got := nonPublic(netip.MustParseAddr(addr)) == ""; got != public {
			t.Errorf("%s: public %v, want %v", addr, got, public)
		}
	}
}

// TestRunDeadline checks that the whole run ends at its deadline, however
// long each request may take, and says which links were not checked.
func TestRunDeadline(t *testing.T) {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer hang.Close()
	urls := []string{hang.URL + "/a", hang.URL + "/b", hang.URL + "/c"}
	st, err := Statuses(context.Background(), urls, Options{
		AllowPrivate: true, Timeout: time.Hour, Retries: 5, Deadline: 50 * time.Millisecond, PerHost: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		if s := st[u]; !strings.Contains(s.Err, "not checked: the external check's deadline (50ms) passed") {
			t.Errorf("%s: %+v", u, s)
		}
	}
}
