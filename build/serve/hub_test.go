package serve

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// clientCount returns how many browsers the hub sends to.
func (h *hub) clientCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// TestStalledEventReadersDropped connects browsers that never read their
// event stream, and one that does, then sends big events, as a site with
// many problems does on every rebuild. The stalled ones are dropped and
// leave no goroutine behind while the server runs on; the reading one gets
// every event.
func TestStalledEventReadersDropped(t *testing.T) {
	h := newHub()
	h.writeTimeout = time.Second
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.serve(w, r, message("problems", "{}"))
	}))
	defer srv.Close()
	defer h.close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	reader := subscribe(t, srv.URL+"/")
	if e := reader.next(); e.name != "problems" {
		t.Fatalf("first event %q", e.name)
	}
	running := goleak.IgnoreCurrent()

	const stalled = 20
	for range stalled {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		must(t, conn.(*net.TCPConn).SetReadBuffer(4<<10))
		if _, err := io.WriteString(conn, "GET /_live HTTP/1.1\r\nHost: "+addr+"\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(patience)
	for h.clientCount() != stalled+1 {
		if time.Now().After(deadline) {
			t.Fatalf("%d browsers subscribed, want %d", h.clientCount(), stalled+1)
		}
		time.Sleep(time.Millisecond)
	}

	const size = 1 << 20
	big := message("problems", strings.Repeat("x", size))
	for i := range 40 {
		h.send(big)
		if e := reader.next(); e.name != "problems" || len(e.data) != size {
			t.Fatalf("event %d to the reading browser: %q, %d bytes", i, e.name, len(e.data))
		}
	}
	// Every stalled stream's goroutine is gone, though its connection is
	// still open on the browser's side, unread.
	deadline = time.Now().Add(patience)
	for err := goleak.Find(running); err != nil; err = goleak.Find(running) {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left by stalled event readers:\n%v", err)
		}
	}
	if n := h.clientCount(); n != 1 {
		t.Errorf("%d browsers subscribed, want only the reading one", n)
	}
}
