package publish

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"github.com/arcaapi/runbooks/build/link"
	"github.com/arcaapi/runbooks/build/page"
)

// HeadersFile is the response headers file Netlify and Cloudflare Pages read.
const HeadersFile = "_headers"

// ContentSecurityPolicy is the policy of every page: nothing but the site's
// own files, no inline script or style (the theme has none), no plugins, no
// framing.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// metaPolicy is ContentSecurityPolicy as a page carries it in a meta
// element, for hosts that send no headers: browsers ignore frame-ancestors
// there, and say so in the console.
var metaPolicy = strings.Replace(ContentSecurityPolicy, "; frame-ancestors 'none'", "", 1)

// Cache-Control values.
const (
	// CacheForever is for files whose name changes when their content does.
	CacheForever = "public, max-age=31536000, immutable"
	// CacheRevalidate is for every other file, HTML above all: browsers
	// ask the host whether it changed on every use. Netlify and Cloudflare
	// Pages send it by default, so _headers does not repeat it.
	CacheRevalidate = "public, max-age=0, must-revalidate"
)

// Header is an HTTP response header.
type Header struct {
	Name  string
	Value string
}

// Rule is headers for the request paths that match Path: an exact path
// ("/assets/style.0123456789.css") or a prefix ending in "*" ("/*").
type Rule struct {
	Path    string
	Headers []Header
}

// Matches reports whether the rule applies to a request path.
func (r Rule) Matches(requestPath string) bool {
	if prefix, ok := strings.CutSuffix(r.Path, "*"); ok {
		return strings.HasPrefix(requestPath, prefix)
	}
	return requestPath == r.Path
}

// fingerprinted matches the names the theme gives its CSS and JavaScript:
// "style.0123456789.css".
var fingerprinted = regexp.MustCompile(`\.[0-9a-f]{10}\.(css|js)$`)

// HeaderRules returns the response headers of a site served at base whose
// theme wrote the files theme: security headers for every path, and
// long-lived caching for each fingerprinted file.
//
// No two rules that match the same path set the same header: Cloudflare
// Pages joins the values of such headers with a comma, which would turn
// "max-age=0" and "max-age=31536000" into one contradictory Cache-Control.
// So files other than the fingerprinted ones get no Cache-Control here and
// keep the host's default, which on Netlify and Cloudflare Pages is
// CacheRevalidate. Each fingerprinted file gets its own exact-path rule
// rather than "/assets/*", which also holds files that are not
// fingerprinted (the favicon).
func HeaderRules(b link.Base, theme []page.File) []Rule {
	rules := []Rule{{
		Path: rootPath(b, "") + "*",
		Headers: []Header{
			{"Content-Security-Policy", ContentSecurityPolicy},
			{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"},
			{"Referrer-Policy", "strict-origin-when-cross-origin"},
			{"X-Content-Type-Options", "nosniff"},
			{"X-Frame-Options", "DENY"},
		},
	}}
	var names []string
	for _, f := range theme {
		if fingerprinted.MatchString(f.Name) {
			names = append(names, f.Name)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		rules = append(rules, Rule{Path: rootPath(b, n), Headers: []Header{{"Cache-Control", CacheForever}}})
	}
	return rules
}

// headersFile writes rules in the _headers format: a path, then its
// headers indented on the lines below.
func headersFile(rules []Rule) []byte {
	var buf bytes.Buffer
	buf.WriteString("# Response headers for Netlify and Cloudflare Pages.\n")
	buf.WriteString("# Written by runbooks build; do not edit. Other files keep the host's\n")
	buf.WriteString("# default Cache-Control (public, max-age=0, must-revalidate).\n")
	for _, r := range rules {
		buf.WriteString(r.Path + "\n")
		for _, h := range r.Headers {
			buf.WriteString("  " + h.Name + ": " + h.Value + "\n")
		}
	}
	return buf.Bytes()
}
