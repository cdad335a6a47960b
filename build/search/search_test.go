package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/arcaapi/runbooks/build/page"
	"github.com/arcaapi/runbooks/build/search/searchtest"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Database Connection Pool Exhausted", []string{"database", "connection", "pool", "exhausted"}},
		{"kubectl -n arca-prod rollout undo", []string{"kubectl", "arca", "prod", "rollout", "undo"}},
		{"Café ☕ setup: the CAE is válido", []string{"cafe", "setup", "cae", "valido"}},
		{"a I 5 of the x", nil}, // too short or stop words
		{"p95 > 500ms", []string{"p95", "500ms"}},
		{"ÑANDÚ Über", []string{"nandu", "uber"}},
		{strings.Repeat("x", MaxToken+1) + " ok", []string{"ok"}},
	}
	for _, tt := range tests {
		var got []string
		tokens(tt.in, func(tok []byte) { got = append(got, string(tok)) })
		if !slices.Equal(got, tt.want) {
			t.Errorf("tokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStopWordsAreShort(t *testing.T) {
	for w := range stopWords {
		if len(w) > maxStopWord {
			t.Errorf("stop word %q is longer than maxStopWord (%d): tokens would keep it", w, maxStopWord)
		}
	}
}

func TestKeyAndParts(t *testing.T) {
	tests := []struct {
		name  string
		key   string
		parts []string
	}{
		{"ArcaWsfeUnavailable", "arcawsfeunavailable", []string{"Arca", "Wsfe", "Unavailable"}},
		{"HTTPErrors5xx", "httperrors5xx", []string{"HTTP", "Errors5xx"}},
		{"arca_db_pool:saturated", "arcadbpoolsaturated", []string{"arca", "db", "pool", "saturated"}},
		{"KubePodCrashLooping", "kubepodcrashlooping", []string{"Kube", "Pod", "Crash", "Looping"}},
	}
	for _, tt := range tests {
		if got := Key(tt.name); got != tt.key {
			t.Errorf("Key(%q) = %q, want %q", tt.name, got, tt.key)
		}
		if got := nameParts(tt.name); !slices.Equal(got, tt.parts) {
			t.Errorf("nameParts(%q) = %q, want %q", tt.name, got, tt.parts)
		}
	}
}

func TestShardFile(t *testing.T) {
	for in, want := range map[string]string{"": "_", "ar": "ar", "5x": "5x", "日本": "_65e5__672c_", "aß": "a_df_"} {
		if got := shardFile(in); got != want {
			t.Errorf("shardFile(%q) = %q, want %q", in, got, want)
		}
	}
}

// site is a small fixture: two incident runbooks, a procedure and a page.
func site() []*page.Page {
	return []*page.Page{
		{
			Path: "db/pool.md", URL: "db/pool/",
			Meta: page.Meta{Title: "Database Connection Pool Exhausted", Type: page.Incident, Severity: "SEV1", Owner: "Platform Team", Alerts: []string{"ArcaDbPoolExhausted"}},
			Headings: []page.Heading{
				{Level: 1, Text: "Database Connection Pool Exhausted", ID: "database-connection-pool-exhausted"},
				{Level: 2, Text: "Symptoms", ID: "symptoms"},
				{Level: 2, Text: "Resolution", ID: "resolution"},
				{Level: 3, Text: "Restart PgBouncer", ID: "restart-pgbouncer"},
				{Level: 4, Text: "Drain connections first", ID: "drain-connections-first"},
			},
			Sections: []page.Section{
				{Text: "Requests wait for a database connection."},
				{ID: "database-connection-pool-exhausted", Title: "Database Connection Pool Exhausted"},
				{ID: "symptoms", Title: "Symptoms", Text: "Clients see 503 errors and timeouts; the pool wait time climbs."},
				{ID: "resolution", Title: "Resolution", Text: "Scale the API down before anything else."},
				{ID: "restart-pgbouncer", Title: "Restart PgBouncer", Text: "Restarting drops idle sessions. Timeouts stop."},
			},
		},
		{
			Path: "latency.md", URL: "latency/",
			Meta: page.Meta{Title: "High API Latency", Type: page.Incident, Severity: "SEV2", Alerts: []string{"ApiLatencyHigh", "ArcaDbPoolExhaustedSoon"}},
			Sections: []page.Section{
				{ID: "symptoms", Title: "Symptoms", Text: "Slow responses; the database pool is close to exhausted."},
			},
			Headings: []page.Heading{{Level: 2, Text: "Symptoms", ID: "symptoms"}},
		},
		{
			Path: "migrate.md", URL: "migrate/",
			Meta: page.Meta{Title: "Database Migration", Type: page.Maintenance},
		},
		{
			Path: "README.md", URL: "",
			Meta:     page.Meta{Title: "Runbooks </script><script>alert(1)</script>"},
			Sections: []page.Section{{Text: "Start here."}},
		},
	}
}

// decode reads a file written by Files.
func decode(t *testing.T, f page.File, v any) {
	t.Helper()
	name := strings.TrimSuffix(strings.TrimPrefix(f.Name, "search/"), ".js")
	pre := fmt.Sprintf("%s(%q,", Callback, name)
	data, ok := bytes.CutPrefix(f.Data, []byte(pre))
	if !ok {
		t.Fatalf("%s does not start with %s", f.Name, pre)
	}
	data, ok = bytes.CutSuffix(data, []byte(");\n"))
	if !ok {
		t.Fatalf("%s does not end with );", f.Name)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
}

// loaded is the index as runbooks.js sees it after loading every file.
type loaded struct {
	man    Manifest
	pages  []Entry
	shards map[string]map[string][]int
}

func load(t *testing.T, files []page.File) loaded {
	t.Helper()
	l := loaded{shards: map[string]map[string][]int{}}
	chunks := map[string][]Entry{}
	for _, f := range files {
		switch {
		case f.Name == "search/index.js":
			decode(t, f, &l.man)
		case strings.HasPrefix(f.Name, "search/p/"):
			var es []Entry
			decode(t, f, &es)
			chunks[f.Name] = es
		case strings.HasPrefix(f.Name, "search/t/"):
			var m map[string][]int
			decode(t, f, &m)
			l.shards[strings.TrimSuffix(strings.TrimPrefix(f.Name, "search/t/"), ".js")] = m
		default:
			t.Fatalf("unexpected file %s", f.Name)
		}
	}
	for i := 0; i*l.man.Chunk < l.man.Pages; i++ {
		es, ok := chunks[fmt.Sprintf("search/p/%d.js", i)]
		if !ok {
			t.Fatalf("page chunk %d is missing", i)
		}
		l.pages = append(l.pages, es...)
	}
	if len(l.pages) != l.man.Pages {
		t.Fatalf("manifest says %d pages, chunks hold %d", l.man.Pages, len(l.pages))
	}
	return l
}

// lookup finds a term the way runbooks.js does: in the shard with the
// longest name that starts the term.
func (l loaded) lookup(t *testing.T, term string) []int {
	t.Helper()
	best := ""
	rs := []rune(term)
	found := false
	for n := len(rs); n >= 0 && !found; n-- {
		if _, ok := slices.BinarySearch(l.man.Shards, string(rs[:n])); ok {
			best, found = string(rs[:n]), true
		}
	}
	if !found {
		return nil
	}
	sh, ok := l.shards[shardFile(best)]
	if !ok {
		t.Fatalf("manifest names shard %q but t/%s.js is missing", best, shardFile(best))
	}
	return sh[term]
}

// where returns, for a term, each page's title with the field and the
// section id it was found in.
func (l loaded) where(t *testing.T, term string) map[string]string {
	ps := l.lookup(t, term)
	out := map[string]string{}
	for i := 1; i+2 < len(ps); i += 3 {
		e := l.pages[ps[i]]
		sec := ""
		if s := ps[i+2]; s >= 0 {
			sec = "#" + e.Sections[s][0]
		}
		out[e.Title] = fmt.Sprintf("%s%s", fieldName(ps[i+1]>>5), sec)
	}
	return out
}

func fieldName(f int) string {
	return [...]string{"?", "body", "symptoms", "heading", "alert-part", "title", "alert", "meta"}[f]
}

func TestIndex(t *testing.T) {
	files, err := Files(site())
	if err != nil {
		t.Fatal(err)
	}
	l := load(t, files)
	titles := []string{}
	for _, e := range l.pages {
		titles = append(titles, e.Title)
	}
	// Pages are in navigation order, so ids break ties by severity.
	wantTitles := []string{"Database Connection Pool Exhausted", "High API Latency", "Database Migration", "Runbooks </script><script>alert(1)</script>"}
	if !slices.Equal(titles, wantTitles) {
		t.Errorf("pages = %q, want %q", titles, wantTitles)
	}
	if got := l.pages[0]; got.URL != "db/pool/" || got.Group != int(page.SEV1) || got.Excerpt != "Clients see 503 errors and timeouts; the pool wait time climbs." {
		t.Errorf("entry 0 = %+v", got)
	}
	// The title's H1 is the page itself, not one of its sections.
	if got := l.pages[0].Sections; len(got) != 3 || got[0][0] != "symptoms" {
		t.Errorf("entry 0 sections = %q, want symptoms, resolution, restart-pgbouncer", got)
	}
	if l.pages[3].Excerpt != "Start here." {
		t.Errorf("a page without symptoms: excerpt %q, want its first text", l.pages[3].Excerpt)
	}

	tests := []struct {
		term string
		want map[string]string
	}{
		// The whole alert name is its own term, above everything else.
		// A run of the words of a longer name finds that name too.
		{"arcadbpoolexhausted", map[string]string{"Database Connection Pool Exhausted": "alert", "High API Latency": "alert-part"}},
		{"dbpoolexhausted", map[string]string{"Database Connection Pool Exhausted": "alert-part", "High API Latency": "alert-part"}},
		{"poolexhaustedsoon", map[string]string{"High API Latency": "alert-part"}},
		// The severity by its names, and the owner.
		{"sev1", map[string]string{"Database Connection Pool Exhausted": "meta"}},
		{"critical", map[string]string{"Database Connection Pool Exhausted": "meta"}},
		{"p1", map[string]string{"Database Connection Pool Exhausted": "meta"}},
		{"p2", map[string]string{"High API Latency": "meta"}},
		{"planned", map[string]string{"Database Migration": "meta"}},
		{"platform", map[string]string{"Database Connection Pool Exhausted": "meta"}},
		{"arcadbpoolexhaustedsoon", map[string]string{"High API Latency": "alert"}},
		{"exhausted", map[string]string{"Database Connection Pool Exhausted": "title", "High API Latency": "alert-part"}},
		{"latency", map[string]string{"High API Latency": "title"}},
		{"pgbouncer", map[string]string{"Database Connection Pool Exhausted": "heading#restart-pgbouncer"}},
		// A deeper heading counts for the section it is in.
		{"drain", map[string]string{"Database Connection Pool Exhausted": "heading#restart-pgbouncer"}},
		{"timeouts", map[string]string{"Database Connection Pool Exhausted": "symptoms#symptoms"}},
		{"scale", map[string]string{"Database Connection Pool Exhausted": "body#resolution"}},
		{"requests", map[string]string{"Database Connection Pool Exhausted": "body"}},
		{"connection", map[string]string{"Database Connection Pool Exhausted": "title"}},
		{"migration", map[string]string{"Database Migration": "title"}},
		{"nothing", map[string]string{}},
	}
	for _, tt := range tests {
		got := l.where(t, tt.term)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%q found in %v, want %v", tt.term, got, tt.want)
		}
	}
	for _, f := range files {
		if bytes.Contains(f.Data, []byte("</script")) {
			t.Errorf("%s contains </script: the index must be safe to load as a script", f.Name)
		}
	}
	again, _ := Files(site())
	if len(again) != len(files) {
		t.Fatalf("second build wrote %d files, first %d", len(again), len(files))
	}
	for i := range files {
		if files[i].Name != again[i].Name || !bytes.Equal(files[i].Data, again[i].Data) {
			t.Errorf("%s differs between two builds", files[i].Name)
		}
	}
}

// TestLargeIndex checks the limits at scale: common terms keep their page
// count but only their heaviest postings, shards are split until they are
// small, and every term stays where runbooks.js looks for it.
func TestLargeIndex(t *testing.T) {
	pages := searchtest.Pages(1200)
	ix := New(pages)
	files, err := ix.Files()
	if err != nil {
		t.Fatal(err)
	}
	l := load(t, files)
	for term, ps := range ix.Terms {
		got := l.lookup(t, term)
		if len(got) == 0 || got[0] != ps.DF {
			t.Fatalf("term %q: not found where runbooks.js looks (got %v)", term, got[:min(len(got), 4)])
		}
		if n := (len(got) - 1) / 3; n > MaxPostings || n < min(ps.DF, MaxPostings) {
			t.Fatalf("term %q: %d postings for %d pages", term, n, ps.DF)
		}
	}
	common, df := "", 0
	for term, ps := range ix.Terms {
		if ps.DF > df {
			common, df = term, ps.DF
		}
	}
	got := l.lookup(t, common)
	if df <= MaxPostings || got[0] != df || (len(got)-1)/3 != MaxPostings {
		t.Errorf("%s, the commonest term: df %d with %d postings, want df %d (> %d) and %d postings", common, got[0], (len(got)-1)/3, df, MaxPostings, MaxPostings)
	}
	for _, f := range files {
		// A shard may exceed the limit only when its prefix cannot be
		// split further.
		if strings.HasPrefix(f.Name, "search/t/") && len(f.Data) > MaxShard+1024 {
			name := strings.TrimSuffix(strings.TrimPrefix(f.Name, "search/t/"), ".js")
			if len(name) < maxPrefix {
				t.Errorf("%s has %d bytes, more than the %d a shard may have", f.Name, len(f.Data), MaxShard)
			}
		}
	}
}

// BenchmarkIndex10k indexes 10,000 synthetic runbooks (about 500 words
// each) and reports the size of the index and of its largest files, which
// bound what a browser loads for one query.
func BenchmarkIndex10k(b *testing.B) {
	pages := searchtest.Pages(10000)
	b.ResetTimer()
	var files []page.File
	for b.Loop() {
		var err error
		if files, err = Files(pages); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var total, manifest, maxShard, maxChunk, shards int
	for _, f := range files {
		total += len(f.Data)
		switch {
		case f.Name == "search/index.js":
			manifest = len(f.Data)
		case strings.HasPrefix(f.Name, "search/t/"):
			shards++
			maxShard = max(maxShard, len(f.Data))
		default:
			maxChunk = max(maxChunk, len(f.Data))
		}
	}
	b.ReportMetric(float64(total)/1e6, "MB-total")
	b.ReportMetric(float64(manifest)/1e3, "kB-manifest")
	b.ReportMetric(float64(maxShard)/1e3, "kB-max-shard")
	b.ReportMetric(float64(maxChunk)/1e3, "kB-max-chunk")
	b.ReportMetric(float64(shards), "shards")
	b.ReportMetric(float64(len(files)), "files")
}
