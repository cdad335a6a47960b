package serve

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/arcaapi/runbooks/build/diag"
	"github.com/arcaapi/runbooks/theme"
)

// The preview server's own URLs. They start with "_", which no page's URL
// can: the load stage gives pages the URLs of their files.
const (
	liveURL     = "/_live"     // the event stream
	liveJSURL   = "/_live.js"  // the reload client
	liveCSSURL  = "/_live.css" // the problems overlay's style
	problemsURL = "/_problems" // the current problems, as JSON
)

// status is what the browser is told after every rebuild, and what
// /_problems returns.
type status struct {
	Version  string         `json:"version"` // the version of the pages served
	Root     string         `json:"root"`    // the source folder, which problem files are relative to
	Stale    bool           `json:"stale"`   // the last change could not be built: the pages are older
	Errors   int            `json:"errors"`
	Warnings int            `json:"warnings"`
	Problems []diag.Problem `json:"problems"`

	// What the status is sent and served as, each made once when first
	// asked for: a big site's problems take time to encode, which the
	// reload event does not wait for.
	problems func() string // Problems as JSON
	encoded  func() string // the status as JSON
	event    func() []byte // the status as a problems event
}

// newStatus returns the status of the pages of version with the problems
// probs, whose JSON probsJSON returns, or nil to encode them.
func newStatus(version, root string, stale bool, probs []diag.Problem, probsJSON func() string) *status {
	if probs == nil {
		probs = []diag.Problem{}
	}
	if probsJSON == nil {
		probsJSON = sync.OnceValue(func() string { return jsonString(probs) })
	}
	e, w := diag.Count(probs)
	st := &status{Version: version, Root: root, Stale: stale, Errors: e, Warnings: w, Problems: probs, problems: probsJSON}
	st.encoded = sync.OnceValue(func() string {
		head := jsonString(struct {
			Version  string `json:"version"`
			Root     string `json:"root"`
			Stale    bool   `json:"stale"`
			Errors   int    `json:"errors"`
			Warnings int    `json:"warnings"`
		}{version, root, stale, e, w})
		return strings.TrimSuffix(head, "}") + `,"problems":` + probsJSON() + "}"
	})
	st.event = sync.OnceValue(func() []byte { return message("problems", st.encoded()) })
	return st
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.guard(w, r) {
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := sitePath(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	switch "/" + name {
	case liveURL:
		s.hub.serve(w, r, s.status.Load().event())
		return
	case liveJSURL:
		s.themeFile(w, r, "static/live.js")
		return
	case liveCSSURL:
		s.themeFile(w, r, "static/live.css")
		return
	case problemsURL:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write([]byte(s.statusJSON()))
		return
	}
	snap := s.snap.Load()
	file := name
	if file == "" || strings.HasSuffix(file, "/") {
		file += "index.html"
	}
	data, found, err := snap.file(r, file)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if !found && !strings.HasSuffix(name, "/") && name != "" {
		// A folder asked for without its slash: relative links need it.
		if _, ok, _ := snap.file(r, name+"/index.html"); ok {
			http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
			return
		}
	}
	if !found {
		s.notFound(w, r)
		return
	}
	s.write(w, r, snap, "/"+file, http.StatusOK, data)
}

// sitePath returns the site path a request names ("db/pool/" or
// "assets/style.css"), or false for any path that tries to leave the site
// or hide what it names: ".." in any encoding, backslashes, encoded
// slashes, NUL bytes, empty segments.
func sitePath(r *http.Request) (string, bool) {
	raw := strings.ToLower(r.URL.EscapedPath())
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") || strings.Contains(raw, "%00") {
		return "", false
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") || strings.Contains(p, "//") {
		return "", false
	}
	for seg := range strings.SplitSeq(p[1:], "/") {
		if seg == ".." || seg == "." {
			return "", false
		}
	}
	if path.Clean(p) != strings.TrimSuffix(p, "/") && p != "/" {
		return "", false
	}
	return p[1:], true
}

// write sends a file of the site with the headers the host would send.
func (s *server) write(w http.ResponseWriter, r *http.Request, snap *snapshot, reqPath string, code int, data []byte) {
	h := w.Header()
	for _, rule := range snap.Headers() {
		if rule.Matches(reqPath) {
			for _, hd := range rule.Headers {
				h.Set(hd.Name, hd.Value)
			}
		}
	}
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store") // the preview must never show an old page
	}
	ct := mime.TypeByExtension(path.Ext(reqPath))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// notFound sends the site's 404 page.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	snap := s.snap.Load()
	data, ok, err := snap.file(r, "404.html")
	if err != nil || !ok {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	s.write(w, r, snap, "/404.html", http.StatusNotFound, data)
}

// themeFile sends a file of the theme that only the preview server uses.
func (s *server) themeFile(w http.ResponseWriter, r *http.Request, name string) {
	tfs, err := theme.Open(s.cfg.Theme)
	if err == nil {
		var data []byte
		if data, err = fs.ReadFile(tfs, name); err == nil {
			s.write(w, r, s.snap.Load(), "/"+path.Base(name), http.StatusOK, data)
			return
		}
	}
	http.Error(w, err.Error(), http.StatusInternalServerError)
}

// statusJSON returns the current status as JSON.
func (s *server) statusJSON() string { return s.status.Load().encoded() }
