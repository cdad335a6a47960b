package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/arcaapi/runbooks/internal/fixture"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/arcaapi/runbooks/build/serve/watch"
)

// lockedBuffer is a buffer the command and the test can share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServe runs `runbooks serve` in-process: it prints the URL, serves the
// site with the reload script, and exits 0 on Ctrl-C.
func TestServe(t *testing.T) {
	dir := fixture.Tree(t, map[string]string{
		"README.md": "# Home\n\nSee [the guide](guide.md).\n",
		"guide.md":  "# Guide\n\nHello.\n",
	})
	var stdout, stderr lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }},
			[]string{"serve", "--src", dir, "--addr", "127.0.0.1:0", "--no-cache"})
	}()
	urlRE := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/)`)
	var url string
	for deadline := time.Now().Add(20 * time.Second); url == ""; {
		if m := urlRE.FindStringSubmatch(stdout.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited %d before serving:\n%s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve printed no URL:\n%s\n%s", stdout.String(), stderr.String())
		}
	}
	resp, err := http.Get(url + "guide/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Hello.") || !strings.Contains(string(body), `src="/_live.js"`) {
		t.Errorf("GET guide/: %d\n%s", resp.StatusCode, body)
	}
	if _, err := os.Stat(filepath.Join(dir, "..", "public")); err == nil {
		t.Error("serve wrote a public/ folder")
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after Ctrl-C:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// TestServeUsage checks the errors a user can make on the command line.
func TestServeUsage(t *testing.T) {
	dir := fixture.Tree(t, map[string]string{"README.md": "# Home\n"})
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces", []string{"--src", dir, "--addr", "0.0.0.0:0"}, "--allow-remote"},
		{"no host", []string{"--src", dir, "--addr", ":8080"}, "only loopback addresses"},
		{"bad interval", []string{"--src", dir, "--poll", "soon"}, "invalid value"},
		{"negative interval", []string{"--src", dir, "--poll", "-1s"}, "must be positive"},
		{"no port", []string{"--src", dir, "--addr", "no-port"}, "no-port"},
		{"missing source", []string{"--src", filepath.Join(dir, "missing")}, "source folder"},
		{"missing theme", []string{"--src", dir, "--theme", filepath.Join(dir, "missing")}, "--theme"},
		{"stray argument", []string{"--src", dir, "extra"}, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCheckCmd(t, nil, append([]string{"serve"}, tt.args...)...)
			if code != exitUsage || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, stderr, exitUsage, tt.want)
			}
		})
	}
	code, stdout, _ := runCheckCmd(t, nil, "serve", "-h")
	for _, want := range []string{"-poll", "-open", "-allow-remote", "-addr", "127.0.0.1:8080"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("serve -h lacks %s:\n%s", want, stdout)
		}
	}
}

// TestServeWatchLimitAdvice checks what a user is told when the system
// will not watch more folders.
func TestServeWatchLimitAdvice(t *testing.T) {
	err := serveError(fmt.Errorf("watch /src/db: %w (%v)", watch.ErrLimit, syscall.ENOSPC), "127.0.0.1:8080")
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage {
		t.Fatalf("%v: want a usage error", err)
	}
	for _, want := range []string{"--poll", "sysctl fs.inotify.max_user_watches"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
}
