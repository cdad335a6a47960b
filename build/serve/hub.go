package serve

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// clientBuffer is how many events a browser may fall behind before it is
// disconnected; it reconnects by itself and catches up.
const clientBuffer = 16

// writeTimeout bounds how long one event may take to reach a browser. A
// browser that stops reading fills its connection's buffers, and without
// a deadline the write to it, and its goroutine and buffers, would wait
// forever.
const writeTimeout = 10 * time.Second

// keepAlive is how often an idle event stream gets a comment, so that a
// browser that went away without closing is noticed.
const keepAlive = 15 * time.Second

// hub sends Server-Sent Events to every connected browser. Sending never
// blocks: a browser that does not keep up, by more than clientBuffer
// events or by writeTimeout on one of them, is dropped.
type hub struct {
	writeTimeout time.Duration

	mu      sync.Mutex
	clients map[chan []byte]bool
	done    chan struct{} // closed on shutdown: every stream returns
	closed  bool
}

func newHub() *hub {
	return &hub{writeTimeout: writeTimeout, clients: map[chan []byte]bool{}, done: make(chan struct{})}
}

// message formats an event.
func message(event, data string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "event: %s\n", event)
	for line := range strings.SplitSeq(data, "\n") {
		fmt.Fprintf(&b, "data: %s\n", line)
	}
	b.WriteString("\n")
	return []byte(b.String())
}

// send sends msg to every browser.
func (h *hub) send(msg []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c <- msg:
		default:
			delete(h.clients, c)
			close(c)
		}
	}
}

// subscribe adds a browser; first is sent before any later event.
func (h *hub) subscribe(first []byte) (chan []byte, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	c := make(chan []byte, clientBuffer)
	c <- first
	h.clients[c] = true
	return c, true
}

func (h *hub) unsubscribe(c chan []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.clients[c] {
		delete(h.clients, c)
		close(c)
	}
}

// close ends every stream, for shutdown.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// serve streams events to one browser until it goes away, falls behind, or
// the server shuts down. first is the browser's first event: the current
// state.
func (h *hub) serve(w http.ResponseWriter, r *http.Request, first []byte) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	c, ok := h.subscribe(first)
	if !ok {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	defer h.unsubscribe(c)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	// The deadline of each write is set before it and cleared on the
	// way out, so that a connection reused after the stream is not cut.
	defer func() { _ = rc.SetWriteDeadline(time.Time{}) }()
	send := func(msg []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(h.writeTimeout))
		if _, err := w.Write(msg); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	// A browser reconnects a second after the stream ends.
	if !send([]byte("retry: 1000\n\n")) {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		var msg []byte
		select {
		case <-r.Context().Done():
			return
		case <-h.done:
			return
		case m, ok := <-c:
			if !ok {
				return // fell behind
			}
			msg = m
		case <-tick.C:
			msg = []byte(": keep-alive\n\n")
		}
		if !send(msg) {
			return
		}
	}
}
