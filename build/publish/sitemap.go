package publish

import (
	"bytes"
	"encoding/xml"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

type urlset struct {
	XMLName xml.Name     `xml:"urlset"`
	Xmlns   string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemap returns sitemap.xml: every page, with its last_updated date. The
// sitemap protocol needs absolute URLs, so ok is false, and there is no
// sitemap, when the base URL is unknown.
func sitemap(pages []*page.Page, b link.Base) (data []byte, ok bool, err error) {
	if b.URL == "" {
		return nil, false, nil
	}
	set := urlset{Xmlns: "http://www.sitemaps.org/schemas/sitemap/0.9"}
	for _, p := range pages {
		set.URLs = append(set.URLs, sitemapURL{Loc: b.Abs(p.URL), LastMod: p.Meta.LastUpdated})
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(set); err != nil {
		return nil, false, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), true, nil
}

// robots returns robots.txt: every page may be crawled, and the sitemap is
// named when there is one.
func robots(b link.Base) []byte {
	var buf bytes.Buffer
	buf.WriteString("User-agent: *\nDisallow:\n")
	if b.URL != "" {
		buf.WriteString("\nSitemap: " + b.Abs("sitemap.xml") + "\n")
	}
	return buf.Bytes()
}
