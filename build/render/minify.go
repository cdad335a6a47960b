package render

import (
	"bytes"
	"path"
)

// shrink returns a theme file's CSS or JavaScript without what the browser
// does not need: comments and indentation. Everything else, strings and
// regular expressions included, is left byte for byte, so the file means
// what it meant. JavaScript with template literals or strings continued
// over lines, whose text lines could hold what looks like a comment or
// indentation, is left as it is.
func shrink(name string, data []byte) []byte {
	switch path.Ext(name) {
	case ".css":
		return shrinkLines(stripCSSComments(data), nil)
	case ".js":
		if bytes.ContainsRune(data, '`') || bytes.Contains(data, []byte("\\\n")) {
			return data
		}
		return shrinkLines(data, []byte("//"))
	}
	return data
}

// shrinkLines drops the leading and trailing blanks of every line, empty
// lines, and lines that start with comment (when not nil).
func shrinkLines(data, comment []byte) []byte {
	out := make([]byte, 0, len(data))
	for line := range bytes.Lines(data) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || comment != nil && bytes.HasPrefix(line, comment) {
			continue
		}
		out = append(out, line...)
		out = append(out, '\n')
	}
	return out
}

// stripCSSComments removes /* ... */ comments outside quoted strings.
func stripCSSComments(data []byte) []byte {
	out := make([]byte, 0, len(data))
	var quote byte
	for i := 0; i < len(data); i++ {
		c := data[i]
		switch {
		case quote != 0:
			out = append(out, c)
			if c == '\\' && i+1 < len(data) {
				i++
				out = append(out, data[i])
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
			out = append(out, c)
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			end := bytes.Index(data[i+2:], []byte("*/"))
			if end < 0 {
				return out
			}
			i += end + 3
		default:
			out = append(out, c)
		}
	}
	return out
}
