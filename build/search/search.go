// Package search implements the client-side search index the build writes
// for the theme's search box. The index is split so that a query loads only
// what it needs, whatever the size of the site:
//
//	search/index.js      the manifest: page count, chunk size, shard names
//	search/t/<prefix>.js the terms starting with prefix and their postings;
//	                     t/_.js, for the empty prefix, holds them all on a
//	                     site small enough
//	search/p/<n>.js      pages n*ChunkPages...: title, URL, group, alerts,
//	                     sections and a short excerpt, for showing results
//
// Each file is a script calling runbooksIndex(name, data), so the index
// loads with <script> elements: the site works opened from disk, where
// fetch() is not allowed, and under a Content-Security-Policy of 'self'.
package search

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// Limits that keep every file of the index small, even at 10,000 pages.
const (
	ChunkPages  = 25       // pages per page-list file
	MaxPostings = 400      // postings kept for one term; beyond, the term is common
	MaxShard    = 48 << 10 // bytes a term shard may have before it is split
	maxPrefix   = 16       // longest shard prefix, in characters
	excerptLen  = 180      // characters of a result's excerpt
)

// The fields a term is found in. A posting's weight is field<<5 |
// occurrences on the page (at most 31), so runbooks.js ranks an exact
// alert name first, then titles, the page's severity and owner, part of an
// alert name, headings and symptoms, then the body.
const (
	FieldBody = 1 + iota
	FieldSymptoms
	FieldHeading
	FieldAlertPart // a word of an alert name, or a run of its words
	FieldTitle
	FieldAlert
	FieldMeta // the severity ("sev1", "critical", "p1") and the owner
)

// Callback is the function every index file calls.
const Callback = "runbooksIndex"

// Index is the search index of a site.
type Index struct {
	Pages []Entry              // by page id: nav order (group, then title)
	Terms map[string]*Postings // folded term → where it occurs
}

// Entry is what a search result shows about a page.
type Entry struct {
	Title    string      `json:"t"`
	URL      string      `json:"u"` // site path, escaped, never a scheme: "db/pool/", "./a:b/"
	Group    int         `json:"g"` // page.Group
	Alerts   []string    `json:"a,omitempty"`
	Excerpt  string      `json:"x,omitempty"`
	Sections [][2]string `json:"s,omitempty"` // heading id and text
}

// Postings lists the pages a term occurs in.
type Postings struct {
	DF   int       // number of pages with the term
	List []Posting // at most MaxPostings, the heaviest, by page id
}

// Posting is one page a term occurs in. Its fields are 32 bits wide, as a
// site holds millions of postings while it is indexed.
type Posting struct {
	Page    int32
	Weight  int32 // field<<5 | occurrences
	Section int32 // index in the page's Entry.Sections, -1 for the page itself
}

// appendJSON appends the postings flat, as runbooks.js reads them:
// [df, page, weight, section, page, weight, section, ...].
func (p *Postings) appendJSON(b []byte) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(p.DF), 10)
	for _, x := range p.List {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(x.Page), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(x.Weight), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(x.Section), 10)
	}
	return append(b, ']')
}

// size returns the length of p's JSON.
func (p *Postings) size() int {
	n := 2 + digits(p.DF)
	for _, x := range p.List {
		n += 3 + digits(int(x.Page)) + digits(int(x.Weight)) + digits(int(x.Section))
	}
	return n
}

func digits(v int) int {
	n := 1
	if v < 0 {
		n, v = 2, -v
	}
	for ; v >= 10; v /= 10 {
		n++
	}
	return n
}

// shardJSON writes the terms and their postings as a JSON object, keys
// sorted. Terms are letters and digits only, so they need no escaping.
func (ix *Index) shardJSON(terms []string) []byte {
	n := 2
	for _, t := range terms {
		n += len(t) + 4 + ix.Terms[t].size()
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	for i, t := range terms {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, t...)
		b = append(b, '"', ':')
		b = ix.Terms[t].appendJSON(b)
	}
	return append(b, '}')
}

// Manifest is search/index.js: what runbooks.js needs before it can load
// the rest.
type Manifest struct {
	Version int         `json:"v"`
	Pages   int         `json:"n"`
	Chunk   int         `json:"chunk"`
	Shards  []string    `json:"shards"` // term prefixes, sorted
	Groups  [][2]string `json:"groups"` // by page.Group: slug and badge text
}

// Files returns the files of the search index for the pages.
func Files(pages []*page.Page) ([]page.File, error) {
	return New(pages).Files()
}

// New indexes the pages.
func New(pages []*page.Page) *Index {
	sorted := slices.Clone(pages)
	slices.SortStableFunc(sorted, func(a, b *page.Page) int {
		return cmp.Or(
			cmp.Compare(a.Meta.Group(), b.Meta.Group()),
			page.CompareTitles(a.Meta.Title, b.Meta.Title),
			cmp.Compare(a.Path, b.Path))
	})
	ix := &Index{Pages: make([]Entry, len(sorted)), Terms: map[string]*Postings{}}
	// Pages are read in parallel, a batch at a time, and their terms merged
	// in page order, so postings come out sorted by page id.
	const batch = 256
	hits := make([]terms, batch)
	for lo := 0; lo < len(sorted); lo += batch {
		hi := min(lo+batch, len(sorted))
		var wg sync.WaitGroup
		next := make(chan int)
		for range min(runtime.GOMAXPROCS(0), hi-lo) {
			wg.Go(func() {
				for id := range next {
					hits[id-lo].reset()
					ix.Pages[id] = entry(sorted[id], &hits[id-lo])
				}
			})
		}
		for id := lo; id < hi; id++ {
			next <- id
		}
		close(next)
		wg.Wait()
		for id := lo; id < hi; id++ {
			found := hits[id-lo]
			for t, i := range found.index {
				h := found.hits[i]
				ps := ix.Terms[t]
				if ps == nil {
					ps = &Postings{}
					ix.Terms[t] = ps
				}
				ps.DF++
				ps.List = append(ps.List, Posting{Page: int32(id), Weight: int32(h.field<<5 | min(h.n, 31)), Section: int32(h.sec)})
			}
		}
	}
	for _, ps := range ix.Terms {
		ps.trim()
	}
	return ix
}

// trim keeps the MaxPostings heaviest postings of a common term.
func (p *Postings) trim() {
	if len(p.List) <= MaxPostings {
		return
	}
	slices.SortStableFunc(p.List, func(a, b Posting) int { return cmp.Compare(b.Weight, a.Weight) })
	p.List = p.List[:MaxPostings]
	slices.SortFunc(p.List, func(a, b Posting) int { return cmp.Compare(a.Page, b.Page) })
}

// hit is where a term was found on one page: its strongest field, the
// section of its first occurrence there, and how often it occurs.
type hit struct {
	field, sec, n int
}

// terms are the terms found on one page: a hit for each, by index, so
// that a page's hundreds of terms take one slice rather than a hit each.
type terms struct {
	index map[string]int32
	hits  []hit
}

// reset empties ts for another page, keeping its memory: the index of a
// batch's page is reused by the page in the same place of the next batch.
func (ts *terms) reset() {
	if ts.index == nil {
		ts.index, ts.hits = make(map[string]int32, 256), make([]hit, 0, 256)
		return
	}
	clear(ts.index)
	ts.hits = ts.hits[:0]
}

// at returns the hit of term t, adding one with section sec if t is new.
// The hit may move on the next call: keep it no longer than that.
func (ts *terms) at(t []byte, sec int) *hit {
	if i, ok := ts.index[string(t)]; ok {
		return &ts.hits[i]
	}
	ts.index[string(t)] = int32(len(ts.hits))
	ts.hits = append(ts.hits, hit{sec: sec})
	return &ts.hits[len(ts.hits)-1]
}

// entry returns a page's result entry and the terms found on it.
func entry(p *page.Page, hits *terms) Entry {
	m := p.Meta
	e := Entry{
		Title:  m.Title,
		URL:    link.RelPath(p.URL),
		Group:  int(m.Group()),
		Alerts: m.Alerts,
	}
	add := func(text string, field, sec int) {
		tokens(text, func(t []byte) {
			h := hits.at(t, sec)
			h.n++
			if field > h.field {
				h.field, h.sec = field, sec
			}
		})
	}
	add(m.Title, FieldTitle, -1)
	add(m.Owner, FieldMeta, -1)
	for _, w := range severityWords(m) {
		add(w, FieldMeta, -1)
	}
	for _, a := range m.Alerts {
		parts := nameParts(a)
		// Every run of the name's words, so that part of a name, pasted
		// or typed ("WsfeUnavailable"), finds it.
		for i := range parts {
			for j := i + 1; j <= len(parts); j++ {
				if j-i < len(parts) {
					add(Key(strings.Join(parts[i:j], "")), FieldAlertPart, -1)
				}
			}
		}
		if k := Key(a); utf8.RuneCountInString(k) >= MinToken {
			h := hits.at([]byte(k), 0)
			h.n++
			h.field, h.sec = FieldAlert, -1
		}
	}

	// Sections under an H2 or H3 become the entry's sections; text before
	// them, under the title's H1, belongs to the page itself.
	top := map[string]bool{}
	for _, h := range p.Headings {
		if h.Level == 1 {
			top[h.ID] = true
		}
	}
	secOf := map[string]int{}
	symptoms := -1
	var first string
	for _, s := range p.Sections {
		sec := -1
		if s.ID != "" && !top[s.ID] {
			sec = len(e.Sections)
			secOf[s.ID] = sec
			e.Sections = append(e.Sections, [2]string{s.ID, s.Title})
			if symptoms < 0 && isSymptoms(s.Title) {
				symptoms = sec
				e.Excerpt = excerpt(s.Text)
			}
		}
		if first == "" {
			first = s.Text
		}
		field := FieldBody
		if sec >= 0 && sec == symptoms {
			field = FieldSymptoms
		}
		add(s.Text, field, sec)
	}
	if e.Excerpt == "" {
		e.Excerpt = excerpt(first)
	}
	// Every heading, deeper ones included, counts as a heading of the
	// section it is in.
	cur := -1
	for _, h := range p.Headings {
		if s, ok := secOf[h.ID]; ok {
			cur = s
		} else if top[h.ID] {
			cur = -1
		}
		add(h.Text, FieldHeading, cur)
	}
	return e
}

// severityWords returns the words a reader may search a page's severity
// by: its group's title ("SEV1 Critical") and the priority it is often
// called ("P1").
func severityWords(m page.Meta) []string {
	if !m.IsRunbook() {
		return nil
	}
	g := m.Group()
	words := []string{g.Title()}
	if g <= page.SEV3 {
		words = append(words, "p"+strconv.Itoa(int(g)+1))
	}
	if g == page.Procedures {
		words = append(words, "planned")
	}
	return words
}

func isSymptoms(title string) bool {
	k := Key(title)
	return strings.HasPrefix(k, "symptom") || strings.HasPrefix(k, "sintoma")
}

// excerpt returns the start of text, whitespace collapsed, cut at a word.
func excerpt(text string) string {
	s := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(s) <= excerptLen {
		return s
	}
	r := []rune(s)[:excerptLen]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > excerptLen/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// Files returns the index as the files of the site's search/ folder.
func (ix *Index) Files() ([]page.File, error) {
	var files []page.File
	var shards []string
	// One shard holds every term while that is small enough, as on a
	// small site; it is split by first characters until each part is.
	ix.shard("", slices.Collect(maps.Keys(ix.Terms)), func(name string, terms []string) {
		shards = append(shards, name)
		files = append(files, script("t/"+shardFile(name), ix.shardJSON(terms)))
	})
	slices.Sort(shards)
	for lo := 0; lo < len(ix.Pages); lo += ChunkPages {
		data, err := json.Marshal(ix.Pages[lo:min(lo+ChunkPages, len(ix.Pages))])
		if err != nil {
			return nil, fmt.Errorf("search index: %w", err)
		}
		files = append(files, script(fmt.Sprintf("p/%d", lo/ChunkPages), data))
	}
	man := Manifest{Version: 1, Pages: len(ix.Pages), Chunk: ChunkPages, Shards: shards}
	if shards == nil {
		man.Shards = []string{}
	}
	for g := range page.NumGroups {
		man.Groups = append(man.Groups, [2]string{g.Slug(), badge(g)})
	}
	data, err := json.Marshal(man)
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return append(files, script("index", data)), nil
}

// shard emits the terms starting with prefix as one shard, or, when that
// is bigger than MaxShard, splits it by the next character: the terms no
// longer than prefix stay in the prefix's own shard.
func (ix *Index) shard(pre string, terms []string, emit func(name string, terms []string)) {
	slices.Sort(terms)
	size := 0
	for _, t := range terms {
		size += len(t) + 4 + ix.Terms[t].size()
	}
	n := utf8.RuneCountInString(pre)
	if n >= maxPrefix || len(terms) < 2 || size <= MaxShard {
		emit(pre, terms)
		return
	}
	var stay []string
	longer := map[string][]string{}
	for _, t := range terms {
		if utf8.RuneCountInString(t) == n {
			stay = append(stay, t)
			continue
		}
		p := prefix(t, n+1)
		longer[p] = append(longer[p], t)
	}
	if len(stay) > 0 {
		emit(pre, stay)
	}
	for _, p := range sortedKeys(longer) {
		ix.shard(p, longer[p], emit)
	}
}

// prefix returns the first n characters of t.
func prefix(t string, n int) string {
	i := 0
	for range n {
		_, w := utf8.DecodeRuneInString(t[i:])
		i += w
	}
	return t[:i]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// badge returns the short text of a group's badge in search results.
func badge(g page.Group) string {
	return [...]string{"SEV1", "SEV2", "SEV3", "Maintenance", "Page"}[g]
}

// script makes search/<name>.js: a call of Callback with the name and the
// JSON data. encoding/json escapes <, > and & and the line separators
// JavaScript does not allow in strings, and terms are letters and digits,
// so the file is a safe script.
func script(name string, data []byte) page.File {
	b := make([]byte, 0, len(data)+len(Callback)+len(name)+8)
	b = append(b, Callback...)
	b = append(b, '(', '"')
	b = append(b, name...)
	b = append(b, '"', ',')
	b = append(b, data...)
	b = append(b, ");\n"...)
	return page.File{Name: "search/" + name + ".js", Data: b}
}
