package offline

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
)

func workerOf(t *testing.T, files map[string]string) (version string, listed []string) {
	t.Helper()
	var r Recorder
	for name, data := range files {
		r.Add(name, []byte(data))
	}
	sw, err := r.Worker()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^var VERSION = "([0-9a-f]+)";\nvar FILES = (.*);$`).FindSubmatch(sw)
	if m == nil {
		t.Fatalf("no version and file list in\n%s", sw)
	}
	if err := json.Unmarshal(m[2], &listed); err != nil {
		t.Fatal(err)
	}
	return string(m[1]), listed
}

func TestWorker(t *testing.T) {
	site := map[string]string{
		"index.html": "home", "db/pool/index.html": "pool", "assets/style.0123456789.css": "css",
		"search/index.js": "idx", "_headers": "h", "_redirects": "r", "robots.txt": "x", "sitemap.xml": "s",
	}
	v1, listed := workerOf(t, site)
	// Every file a browser may need, sorted; not what only the host reads.
	want := []string{"assets/style.0123456789.css", "db/pool/index.html", "index.html", "search/index.js"}
	if !slices.Equal(listed, want) {
		t.Errorf("listed %q, want %q", listed, want)
	}
	if v, _ := workerOf(t, site); v != v1 {
		t.Errorf("the same files give versions %s and %s", v1, v)
	}
	site["db/pool/index.html"] = "pool, edited"
	if v, _ := workerOf(t, site); v == v1 {
		t.Error("a page changed and the worker's version did not")
	}
	site["db/pool/index.html"] = "pool"
	site["robots.txt"] = "y"
	if v, _ := workerOf(t, site); v != v1 {
		t.Error("a file the worker does not keep changed its version")
	}
}
