package browser

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a test would have ended.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Skipf(format string, a ...any)  { r.skipped = fmt.Sprintf(format, a...) }
func (r *recorder) Fatalf(format string, a ...any) { r.failed = fmt.Sprintf(format, a...) }

// TestUnavailablePolicy checks the one policy for a browser that is missing
// or does not start: a skip that says why, a failure when CI requires it.
func TestUnavailablePolicy(t *testing.T) {
	for _, tc := range []struct {
		env      string
		wantFail bool
	}{
		{"", false},
		{"0", false},
		{"1", true},
	} {
		t.Run("env="+tc.env, func(t *testing.T) {
			t.Setenv(RequireEnv, tc.env)
			r := &recorder{TB: t}
			unavailable(r, "Chromium at /x does not start")
			got := r.skipped
			if tc.wantFail {
				got = r.failed
			}
			if (r.failed != "") != tc.wantFail || (r.skipped != "") == tc.wantFail {
				t.Fatalf("skipped %q, failed %q; want a failure: %v", r.skipped, r.failed, tc.wantFail)
			}
			if !strings.Contains(got, "does not start") || !strings.Contains(got, RequireEnv) {
				t.Errorf("the message %q does not say why or how to change the policy", got)
			}
		})
	}
}

// TestStart starts the browser the way every browser test does.
func TestStart(t *testing.T) {
	ctx := Start(t)
	if ctx.Err() != nil {
		t.Fatalf("the browser's context is done: %v", ctx.Err())
	}
}

// TestBrokenBrowser checks that a browser that is installed but does not
// start follows the same policy as a missing one.
func TestBrokenBrowser(t *testing.T) {
	saved := candidates
	t.Cleanup(func() { candidates = saved })
	candidates = []string{"/bin/false"}
	for _, required := range []bool{false, true} {
		t.Run(fmt.Sprint("required=", required), func(t *testing.T) {
			t.Setenv(RequireEnv, map[bool]string{true: "1"}[required])
			r := &recorder{TB: t}
			Start(r)
			if (r.failed != "") != required || (r.skipped != "") == required {
				t.Fatalf("skipped %q, failed %q; want a failure: %v", r.skipped, r.failed, required)
			}
			if msg := r.skipped + r.failed; !strings.Contains(msg, "/bin/false does not start") {
				t.Errorf("the message %q does not name the browser that failed", msg)
			}
		})
	}
	candidates = []string{"/nonexistent/chromium"}
	r := &recorder{TB: t}
	t.Setenv(RequireEnv, "1")
	Start(r)
	if !strings.Contains(r.failed, "not found") {
		t.Errorf("a missing browser with %s=1: failed %q, want a failure saying it is not found", RequireEnv, r.failed)
	}
}
